"""The concern form as people use it (offscreen): by keyboard, with what is missing and
prompts on the writing shown beside their fields, never blocking."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from cerecorder.domain.model import ConcernStatus
from cerecorder.domain.timefmt import zone
from cerecorder.services import concerns
from cerecorder.services.session import Session
from cerecorder.ui.concern_form import ConcernDialog
from cerecorder.ui.context import AppContext, UiSettings

from helpers import FAST_KDF, TAXONOMY, MockClock, add_child

UI_DIR = Path(__file__).resolve().parent.parent / "ui"
LONDON = zone("Europe/London")


@pytest.fixture
def ctx(tmp_path: Path, clock: MockClock) -> AppContext:
    return AppContext(
        clock=clock, taxonomy=TAXONOMY, settings=UiSettings(), save_settings=lambda s: None,
        default_vault_dir=tmp_path / "v", demo_vault_dir=tmp_path / "d", ui_dir=UI_DIR,
        kdf=FAST_KDF, documents=None,
    )


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every confirmation asked, answered Yes."""
    questions: list[str] = []

    def question(parent: object, title: str, text: str, *args: object) -> object:
        questions.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return questions


def open_form(qtbot: QtBot, ctx: AppContext, s: Session, child_ids: list[int]) -> ConcernDialog:
    form = ConcernDialog(ctx, s, child_ids=child_ids)
    qtbot.addWidget(form)
    with qtbot.waitActive(form):
        form.show()
        form.activateWindow()
    return form


def test_enter_in_a_one_line_box_does_not_open_the_submit_prompt(
        qtbot: QtBot, ctx: AppContext, dsl: Session, asked: list[str]) -> None:
    form = open_form(qtbot, ctx, dsl, [])
    for box in (form.pupil_filter, form.when.edit, form.where, form.other_signs,
                form.informed):
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_Return)
        qtbot.keyClick(box, Qt.Key.Key_Enter)
    assert asked == []
    assert form.isVisible() and not form.submitted


@pytest.mark.parametrize("how", ["button", "alt+k", "escape", "window"])
def test_keep_as_draft_and_close_closes_the_form_keeping_the_draft(
        qtbot: QtBot, ctx: AppContext, dsl: Session, asked: list[str], how: str) -> None:
    child = add_child(dsl)
    form = open_form(qtbot, ctx, dsl, [child])
    qtbot.keyClicks(form.facts, "Seen near the car park with an older boy.")
    if how == "button":
        qtbot.mouseClick(form.close_button, Qt.MouseButton.LeftButton)
    elif how == "alt+k":
        qtbot.keyClick(form.facts, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    elif how == "escape":
        qtbot.keyClick(form.facts, Qt.Key.Key_Escape)
    else:
        form.close()
    qtbot.waitUntil(lambda: not form.isVisible(), timeout=2000)  # a mnemonic clicks after 100 ms
    assert asked == []  # nothing to ask: the draft was saved
    (draft,) = concerns.my_concerns(dsl, ConcernStatus.DRAFT)
    assert draft.content.facts == "Seen near the car park with an older boy."


def test_the_time_is_typed_in_one_box_and_tab_leaves_it(
        qtbot: QtBot, ctx: AppContext, dsl: Session) -> None:
    form = open_form(qtbot, ctx, dsl, [add_child(dsl)])
    assert form.when.edit.text() == ""  # chosen, never assumed
    assert form.content().occurred_at is None
    form.when.edit.setFocus()
    qtbot.keyClicks(form.when.edit, "15/11/2026 17:20")
    qtbot.keyClick(form.when.edit, Qt.Key.Key_Tab)
    assert not form.when.edit.hasFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "9")  # lands elsewhere, not in the time
    assert form.when.edit.text() == "15/11/2026 17:20"
    assert form.content().occurred_at == datetime(2026, 11, 15, 17, 20, tzinfo=LONDON)


def test_quick_choices_for_the_time(qtbot: QtBot, ctx: AppContext, dsl: Session) -> None:
    form = open_form(qtbot, ctx, dsl, [add_child(dsl)])
    form.when.now_button.click()  # the clock says 16/11/2026 09:30 UTC, 09:30 in London
    assert form.when.edit.text() == "16/11/2026 09:30"
    form.when.yesterday_button.click()  # the day changes, the time typed stays
    assert form.when.edit.text() == "15/11/2026 09:30"
    form.when.edit.clear()
    form.when.today_button.click()  # the day is filled in, the time is left to type
    assert form.when.edit.text() == "16/11/2026 "
    assert form.when.edit.hasFocus()
    qtbot.keyClicks(form.when.edit, "8:05")
    assert form.content().occurred_at == datetime(2026, 11, 16, 8, 5, tzinfo=LONDON)


def test_what_is_missing_shows_beside_its_field_before_any_confirmation(
        qtbot: QtBot, ctx: AppContext, dsl: Session, asked: list[str]) -> None:
    add_child(dsl)
    form = open_form(qtbot, ctx, dsl, [])
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    assert asked == []  # no "permanent record" question while something is missing
    assert form.notes["child_ids"].isVisible()
    assert "Choose at least one child" in form.notes["child_ids"].text()
    assert "Say what was seen or heard" in form.notes["facts"].text()
    assert "Say when it happened" in form.notes["occurred_at"].text()
    assert form.notes["facts"].objectName() == "errorMessage"
    # a time in the future, beside the time
    form.when.edit.setText("17/11/2026 09:00")
    assert "in the future" in form.notes["occurred_at"].text()
    form.when.edit.setText("31/02/2026 09:00")
    assert "no such date" in form.notes["occurred_at"].text()
    # each note goes as its field is put right
    form.when.edit.setText("16/11/2026 08:00")
    assert not form.notes["occurred_at"].isVisible()
    form.facts.setPlainText("Seen getting into a car with two older males after school.")
    assert not form.notes["facts"].isVisible()
    form.pupil_list.item(0).setCheckState(Qt.CheckState.Checked)
    assert not form.notes["child_ids"].isVisible()
    assert not asked


def test_a_future_time_is_told_before_the_confirmation(
        qtbot: QtBot, ctx: AppContext, dsl: Session, asked: list[str]) -> None:
    form = open_form(qtbot, ctx, dsl, [add_child(dsl)])
    form.facts.setPlainText("Seen getting into a car with two older males after school.")
    form.when.edit.setText("16/11/2026 11:30")  # two hours from now
    form.submit()
    assert asked == []
    assert "in the future" in form.notes["occurred_at"].text()
    assert form.when.edit.hasFocus()
    form.when.edit.setText("16/11/2026 08:30")
    form.submit()
    assert len(asked) == 1 and "permanent record" in asked[0]
    assert form.submitted


def test_prompts_on_the_writing_show_beside_the_field_as_one_types(
        qtbot: QtBot, ctx: AppContext, dsl: Session, asked: list[str]) -> None:
    form = open_form(qtbot, ctx, dsl, [add_child(dsl)])
    assert not form.notes["facts"].isVisible()
    qtbot.keyClicks(form.facts, "I think he was obviously scared")
    assert form.notes["facts"].isVisible()
    assert "I think" in form.notes["facts"].text() and "opinion" in form.notes["facts"].text()
    assert form.notes["facts"].objectName() == "hintMessage"  # a prompt, not a problem
    form.facts.setPlainText("JS was by the gate at 15:40 with an older man.")
    assert "initials" in form.notes["facts"].text()
    form.facts.setPlainText("Amy said the man was her cousin and gave her a phone.")
    assert not form.notes["facts"].isVisible()
    assert "own words" in form.notes["child_words"].text()
    qtbot.keyClicks(form.words, '"He is my cousin"')
    assert not form.notes["child_words"].isVisible()
    assert asked == []  # never a box to click away


def test_the_sign_count_shows_signs_hidden_by_the_filter(
        qtbot: QtBot, ctx: AppContext, dsl: Session) -> None:
    form = open_form(qtbot, ctx, dsl, [add_child(dsl)])
    assert form.signs.count.text() == "No signs ticked"
    form.tick_sign("SHARED-01")
    form.tick_sign("CSE-01")
    form.tick_sign("CCE-02")
    assert form.signs.count.text() == "3 signs ticked"
    qtbot.keyClicks(form.signs.filter, "zzzz")
    assert form.signs.count.text() == "3 signs ticked (3 hidden by the filter)"


def test_the_pupil_list_tells_two_pupils_of_one_name_apart(
        qtbot: QtBot, ctx: AppContext, dsl: Session) -> None:
    from datetime import date

    add_child(dsl, "Aaliyah", "Brown", year_group="11", reg_group="11W",
              date_of_birth=date(2010, 4, 3), upn="A123456789012")
    add_child(dsl, "Aaliyah", "Brown", year_group="11", reg_group="11W",
              date_of_birth=date(2010, 9, 21), upn="B987654321098")
    form = open_form(qtbot, ctx, dsl, [])
    texts = [form.pupil_list.item(i).text() for i in range(form.pupil_list.count())]
    assert texts == ["Aaliyah Brown\nYear 11, 11W · born 03/04/2010",
                     "Aaliyah Brown\nYear 11, 11W · born 21/09/2010"]
    form.upn_box.setChecked(True)  # the UPN's last digits, on demand
    assert form.pupil_list.item(1).text().endswith("· UPN …1098")
    form.pupil_filter.setText("21/09")
    assert [form.pupil_list.item(i).isHidden() for i in range(2)] == [True, False]


def test_pupil_search_is_blind_to_accents_and_case_and_says_when_nothing_matches(
        qtbot: QtBot, ctx: AppContext, dsl: Session) -> None:
    add_child(dsl, "Inês", "Gonçalves")
    add_child(dsl, "Ioana", "Stănescu")
    add_child(dsl, "Amy", "Khan")
    form = open_form(qtbot, ctx, dsl, [])

    def shown() -> list[str]:
        return [form.pupil_list.child(i).display_name for i in range(form.pupil_list.count())
                if not form.pupil_list.item(i).isHidden()]

    qtbot.keyClicks(form.pupil_filter, "goncalves")
    assert shown() == ["Inês Gonçalves"]
    form.pupil_filter.clear()
    qtbot.keyClicks(form.pupil_filter, "STANESCU")
    assert shown() == ["Ioana Stănescu"]
    assert not form.no_match.isVisible()
    form.pupil_filter.clear()
    qtbot.keyClicks(form.pupil_filter, "nobody")
    assert shown() == []
    assert form.no_match.isVisible() and "No pupil matches" in form.no_match.text()


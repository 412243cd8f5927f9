"""The screening form, the chart in the child window and the intelligence report dialog
(offscreen): answers by keyboard, the live score, citing a concern, signing, the chart's
points and words, and a report saved through the file dialog seam."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from cerecorder import paths
from cerecorder.domain.model import EntryType
from cerecorder.domain.screening import AnswerGiven
from cerecorder.export.pdf import PdfRenderer
from cerecorder.services import chronology, concerns, screening
from cerecorder.services.session import Session
from cerecorder.ui.context import AppContext, FileDialogs, UiSettings
from cerecorder.ui.dsl_views import ChildWindow
from cerecorder.ui.intel_dialog import IntelReportDialog
from cerecorder.ui.screening_form import ScreeningDialog

from helpers import FAST_KDF, TAXONOMY, MockClock, add_child, content


class SaveTo(FileDialogs):
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def save_path(self, parent: QWidget | None, title: str, suggested: Path,
                  file_filter: str) -> Path | None:
        return self.folder / suggested.name


@pytest.fixture
def ctx(tmp_path: Path, clock: MockClock) -> AppContext:
    return AppContext(
        clock=clock, taxonomy=TAXONOMY, settings=UiSettings(), save_settings=lambda s: None,
        default_vault_dir=tmp_path / "v", demo_vault_dir=tmp_path / "d",
        ui_dir=paths.ui_dir(), kdf=FAST_KDF, file_dialogs=SaveTo(tmp_path),
        documents=PdfRenderer(paths.resources_dir() / "fonts"))


def test_the_form_answers_by_keyboard_scores_live_cites_and_signs(
        qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    gifts = concerns.record_concern(dsl, content((amy,), clock,
                                                 indicator_codes=frozenset({"SHARED-01"})))
    form = ScreeningDialog(ctx, dsl, amy, "Amy Khan")
    qtbot.addWidget(form)
    form.show()
    assert "Score 0: Low" in form.score_label.text()
    assert "31 questions to answer" in form.score_label.text()
    rows = {r.question.code: r for r in form.rows}
    # every list answered by typing its first letter: Y for Yes where it applies, else N
    for row in form.rows:
        qtbot.keyClicks(row.answer,
                        "Y" if row.question.code in ("MISSING-1", "GIFTS-1", "GIFTS-3") else "N")
    assert form.score_label.text() == "Score 7: Medium · every question answered"
    assert form.boxes["GIFTS"].title() == "Gifts and money: score 5"
    assert form.review.text() == "15/02/2027"  # medium: review in 91 days
    # the concern that ticked the matching sign is offered first
    first = rows["GIFTS-1"].actions[0]
    assert first.data() == gifts and "matching sign" in first.text()
    first.setChecked(True)
    assert rows["GIFTS-1"].cite.text() == "Cited 1…"
    signed: list[int] = []
    form.signed.connect(signed.append)
    qtbot.mouseClick(form.sign_button, Qt.MouseButton.LeftButton)
    assert len(signed) == 1
    stored = screening.open_screening(dsl, signed[0])
    assert (stored.total, stored.band, stored.review_on) == (7, "medium", date(2027, 2, 15))
    assert next(a for a in stored.answers if a.question == "GIFTS-1").cites == (gifts,)
    events = [e.event for e in chronology.chronology(dsl, amy)
              if e.entry_type is EntryType.SCREENING]
    assert events == ["Screening: medium, review 15/02/2027"]


def test_the_form_refuses_to_sign_with_questions_left_and_says_so(
        qtbot: QtBot, ctx: AppContext, dsl: Session) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    form = ScreeningDialog(ctx, dsl, amy, "Amy Khan")
    qtbot.addWidget(form)
    form.show()
    qtbot.keyClicks(form.rows[0].answer, "Y")
    form.review.setText("31/02/2027")
    form.sign()
    assert "dd/mm/yyyy" in form.message.text()
    form.review.setText("01/03/2027")
    form.sign()
    assert "30 question(s) not answered" in form.message.text()
    assert screening.screenings(dsl, amy) == []


def test_the_date_fields_are_left_by_one_tab(qtbot: QtBot, ctx: AppContext, dsl: Session
                                             ) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    form = ScreeningDialog(ctx, dsl, amy, "Amy Khan")
    qtbot.addWidget(form)
    form.show()
    with qtbot.waitExposed(form):
        pass
    form.activateWindow()
    form.assessed.setFocus()
    qtbot.waitUntil(lambda: form.assessed.hasFocus())
    qtbot.keyClick(form.assessed, Qt.Key.Key_Tab)
    assert form.review.hasFocus()


def test_the_child_window_charts_the_scores_and_says_them(
        qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    made = screening.instrument(dsl)
    for days, yes in ((60, set()), (30, {"MISSING-1", "GIFTS-1", "GIFTS-3"})):
        screening.sign(dsl, amy, made, [AnswerGiven(q.code, "yes" if q.code in yes else "no")
                                        for q in made.questions],
                       assessed_on=date(2026, 11, 16) - timedelta(days=days),
                       review_on=date(2026, 12, 31))
    window = ChildWindow(ctx, dsl, amy)
    qtbot.addWidget(window)
    window.show()
    assert [(p.on, p.total) for p in window.chart.points] == [
        (date(2026, 9, 17), 0), (date(2026, 10, 17), 7)]
    words = "17/09/2026: low (0); 17/10/2026: medium (7)."
    assert window.chart.accessibleName() == "Screening scores over time"
    assert window.chart.accessibleDescription() == "Screenings: " + words
    assert window.profile_values["Screenings"].text() == words
    assert window.chart.top == 53  # the most the instrument can score
    assert not window.chart.grab().isNull()


def test_the_report_dialog_saves_a_pdf_of_what_was_ticked(
        qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock, tmp_path: Path) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    concern = concerns.record_concern(dsl, content((amy,), clock))
    dialog = IntelReportDialog(ctx, dsl, amy, "Amy Khan")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.save("pdf")
    assert "purpose" in dialog.message.text().lower()
    dialog.purpose.setText("Police intelligence submission")
    dialog.save("pdf")
    assert "Pick at least one" in dialog.message.text()
    dialog.concerns.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.save("pdf")
    assert dialog.saved is not None and dialog.saved.read_bytes().startswith(b"%PDF")
    assert "Saved to" in dialog.message.text()
    kept = dsl.vault.conn.execute("SELECT format, purpose FROM disclosures").fetchall()
    assert [tuple(k) for k in kept] == [("pdf", "Police intelligence submission")]
    items = dsl.vault.conn.execute("SELECT ref_type, ref_id FROM disclosure_items").fetchall()
    assert [tuple(i) for i in items] == [("concern", concern)]


def test_the_main_window_offers_the_report_to_the_dsl_with_every_register_entry(
        qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock) -> None:
    from cerecorder.domain.model import EntryKind
    from cerecorder.services import register
    from cerecorder.ui.main_window import MainWindow

    car = register.create_entry(dsl, EntryKind.VEHICLE, {"registration": "AB51 ABC"})
    window = MainWindow(ctx, dsl)
    qtbot.addWidget(window)
    assert window.intel_action.isVisible()
    dialog = window.intel_report()
    entries = [dialog.entries.item(i) for i in range(dialog.entries.count())]
    assert [int(i.data(Qt.ItemDataRole.UserRole + 20)) for i in entries] == [car]
    dialog.close()


def test_a_screening_row_opens_the_screening_as_signed(
        qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock) -> None:
    from cerecorder.ui.screening_view import ScreeningViewDialog

    amy = add_child(dsl, "Amy", "Khan")
    cited = concerns.record_concern(dsl, content((amy,), clock))
    made = screening.instrument(dsl)
    sid = screening.sign(dsl, amy, made, [
        AnswerGiven(q.code, "yes" if q.code == "GIFTS-1" else "no",
                    cites=(cited,) if q.code == "GIFTS-1" else ())
        for q in made.questions], assessed_on=date(2026, 11, 16), review_on=date(2027, 1, 4))
    window = ChildWindow(ctx, dsl, amy)
    qtbot.addWidget(window)
    row = next(r for r in range(window.proxy.rowCount())
               if window.model.entry(window.proxy.mapToSource(window.proxy.index(r, 0)))
               .entry_type is EntryType.SCREENING)
    view = window.open_row(window.proxy.index(row, 0))
    assert isinstance(view, ScreeningViewDialog)
    text = view.text.toPlainText()
    assert f"Screening #{sid}" in view.windowTitle()
    assert "signed by Dana Lead" in text and "review by 04/01/2027" in text
    assert "Gifts and money: score 2" in text
    assert (f"Has the child appeared with unexplained gifts, money or new possessions? Yes "
            f"(cites concern #{cited})") in text
    view.close()

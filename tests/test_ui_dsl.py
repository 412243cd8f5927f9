"""The DSL's windows (offscreen): a child's chronology and its filters, triage, actions,
events, the concern view with its addenda, search and settings."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from cerecorder.domain.model import (
    ActionKind,
    ChildFlag,
    EntryType,
    EventKind,
    LinkKind,
    Role,
    TriageDecision,
)
from cerecorder.services import children, chronology, concerns, handover, users
from cerecorder.services import dsl as dsl_work
from cerecorder.services.session import Session
from cerecorder.ui.concern_view import ConcernViewDialog
from cerecorder.ui.context import AppContext, UiSettings
from cerecorder.ui.dsl_forms import ActionDialog, EventDialog, TriageDialog
from cerecorder.ui.dsl_views import ChildWindow
from cerecorder.ui.search_dialog import SearchDialog
from cerecorder.ui.settings_dialog import AddUserDialog, SettingsDialog

from helpers import (
    FAST_KDF,
    SCHOOL,
    STAFF_PASS,
    TAXONOMY,
    MockClock,
    add_child,
    add_staff,
    content,
    switch_to,
)

UI_DIR = Path(__file__).resolve().parent.parent / "ui"


@pytest.fixture
def ctx(tmp_path: Path, clock: MockClock) -> AppContext:
    saved: list[int] = []
    context = AppContext(
        clock=clock, taxonomy=TAXONOMY, settings=UiSettings(),
        save_settings=lambda s: saved.append(s.idle_lock_minutes),
        default_vault_dir=tmp_path / "v", demo_vault_dir=tmp_path / "d", ui_dir=UI_DIR,
        kdf=FAST_KDF,
    )
    context.saved = saved  # type: ignore[attr-defined]
    return context


def ok(buttons: QDialogButtonBox) -> None:
    buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def entry_types(window: ChildWindow) -> list[EntryType]:
    proxy = window.proxy
    return [window.model.entry(proxy.mapToSource(proxy.index(r, 0))).entry_type
            for r in range(proxy.rowCount())]


def audit_actions(s: Session) -> list[str]:
    return [row[3] for row in s.vault.uow().audit.rows()]


@pytest.fixture
def zoe(dsl: Session) -> int:
    return add_child(dsl, upn="A123456789012", year_group="Year 9", reg_group="9R",
                     flags=frozenset({ChildFlag.SEND}))


def history(dsl: Session, clock: MockClock, child: int) -> int:
    """A concern, its triage, an action and an event: one of each row kind."""
    concern = concerns.record_concern(dsl, content((child,), clock))
    clock.advance(minutes=30)
    dsl_triage(dsl, concern)
    clock.advance(minutes=30)
    dsl_work_action(dsl, clock, child, concern)
    clock.advance(hours=1)
    dsl_event(dsl, clock, child)
    return concern


def dsl_triage(s: Session, concern: int) -> None:
    dsl_work.triage(s, concern, TriageDecision.REFER_MASH, "Older males, car, gifts.")


def dsl_work_action(s: Session, clock: MockClock, child: int, concern: int) -> None:
    dsl_work.record_action(s, kind=ActionKind.REFERRAL_MASH, detail="Phoned MASH, ref 4471",
                      taken_at=clock.now(), concern_id=concern, child_ids=[child])


def dsl_event(s: Session, clock: MockClock, child: int) -> None:
    dsl_work.add_event(s, child_id=child, kind=EventKind.STRATEGY_MEETING, occurred_at=clock.now(),
                  summary="Strategy meeting with police and social care.")


# -- the chronology window ---------------------------------------------------------------


def test_child_window_shows_profile_and_chronology_and_is_audited(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext, zoe: int) -> None:
    other = add_child(dsl, "Sam", "Brook")
    children.link_children(dsl, zoe, other, LinkKind.ASSOCIATE, "seen together")
    history(dsl, clock, zoe)
    before = audit_actions(dsl).count("chronology_viewed")

    window = ChildWindow(ctx, dsl, zoe)
    qtbot.addWidget(window)
    window.show()

    assert window.windowTitle() == "Chronology: Zoë Ólafsdóttir"
    assert window.isWindow()
    assert entry_types(window) == [EntryType.CONCERN, EntryType.TRIAGE, EntryType.ACTION,
                                   EntryType.EVENT]
    assert window.profile_values["UPN"].text() == "A123456789012"
    assert window.profile_values["Year / reg"].text() == "Year 9 / 9R"
    assert window.profile_values["Flags"].text() == "SEND"
    assert window.profile_values["Links"].text() == "Associate: Sam Brook (seen together)"
    first = window.proxy.index(0, 0)
    assert window.proxy.data(first) == "16/11/2026 07:30"  # UTC = GMT in November
    triage_row = window.proxy.index(1, 3)
    assert window.proxy.data(triage_row).startswith("Refer to MASH")
    assert audit_actions(dsl).count("chronology_viewed") == before + 1
    assert window.count.text() == "4 entries"


def test_chronology_filters_by_type_date_and_sign(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext, zoe: int) -> None:
    concerns.record_concern(dsl, content((zoe,), clock,
                                            indicator_codes=frozenset({"CCE-02", "SHARED-01"})))
    clock.advance(days=10)
    concerns.record_concern(dsl, content((zoe,), clock, indicator_codes=frozenset({"CSE-01"})))
    clock.advance(days=1)
    dsl_event(dsl, clock, zoe)
    window = ChildWindow(ctx, dsl, zoe)
    qtbot.addWidget(window)
    assert window.proxy.rowCount() == 3

    window.type_boxes[EntryType.CONCERN].setChecked(False)
    assert entry_types(window) == [EntryType.EVENT]
    assert window.count.text() == "Showing 1 of 3 entries"
    window.type_boxes[EntryType.CONCERN].setChecked(True)

    # the first concern happened on 16/11/2026, the second on 26/11/2026
    window.date_from.setDate(QDate(2026, 11, 20))
    assert window.proxy.rowCount() == 3  # not applied until ticked
    window.from_on.setChecked(True)
    assert window.proxy.rowCount() == 2
    window.to_on.setChecked(True)
    window.date_to.setDate(QDate(2026, 11, 26))
    assert entry_types(window) == [EntryType.CONCERN]
    window.from_on.setChecked(False)
    window.to_on.setChecked(False)

    labels = [window.indicator.itemText(i) for i in range(window.indicator.count())]
    assert labels[0] == "Any sign"
    assert "Having older boyfriends or girlfriends (CSE)" in labels
    assert "Appears with unexplained gifts, money or new possessions (CCE and CSE)" in labels
    window.indicator.setCurrentIndex(window.indicator.findData("CCE-02"))
    assert window.proxy.rowCount() == 1
    row = window.model.entry(window.proxy.mapToSource(window.proxy.index(0, 0)))
    assert "CCE-02" in row.indicator_codes
    window.indicator.setCurrentIndex(0)
    assert window.proxy.rowCount() == 3


def test_filter_survives_a_reload(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext, zoe: int) -> None:
    concerns.record_concern(dsl, content((zoe,), clock))
    window = ChildWindow(ctx, dsl, zoe)
    qtbot.addWidget(window)
    window.indicator.setCurrentIndex(window.indicator.findData("CSE-01"))
    dsl_event(dsl, clock, zoe)
    window.reload()
    assert window.indicator.currentData() == "CSE-01"
    assert entry_types(window) == [EntryType.CONCERN]


def test_item_models_pass_the_model_tester(
        qtbot: QtBot, qtmodeltester: ModelTester, dsl: Session, clock: MockClock,
        ctx: AppContext, zoe: int) -> None:
    history(dsl, clock, zoe)
    concerns.add_addendum(dsl, 1, "Mum rang: he came home at 11pm.")
    window = ChildWindow(ctx, dsl, zoe)
    qtbot.addWidget(window)
    assert window.model.rowCount() == 5
    qtmodeltester.check(window.model)
    qtmodeltester.check(window.proxy)

    search_dialog = SearchDialog(ctx, dsl)
    qtbot.addWidget(search_dialog)
    search_dialog.box.setText("car")
    search_dialog.run_search()
    assert search_dialog.model.rowCount() == 1
    qtmodeltester.check(search_dialog.model)

    settings = SettingsDialog(ctx, dsl)
    qtbot.addWidget(settings)
    assert settings.users_model.rowCount() == 1
    qtmodeltester.check(settings.users_model)


def test_enter_on_a_concern_row_opens_the_concern(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext, zoe: int) -> None:
    history(dsl, clock, zoe)
    window = ChildWindow(ctx, dsl, zoe)
    qtbot.addWidget(window)
    window.show()
    window.table.setCurrentIndex(window.proxy.index(3, 0))  # the event: no concern
    assert not window.open_button.isEnabled()
    window.table.setCurrentIndex(window.proxy.index(1, 0))  # the triage
    assert window.open_button.isEnabled()
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    opened = window.findChildren(ConcernViewDialog)
    assert len(opened) == 1
    assert "Seen getting into a car" in opened[0].content.toPlainText()
    opened[0].reject()


def test_event_dialog_adds_a_missing_episode_to_the_chronology(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext, zoe: int) -> None:
    window = ChildWindow(ctx, dsl, zoe)
    qtbot.addWidget(window)
    assert window.model.rowCount() == 0
    dialog = window.add_event()
    dialog.kind.setCurrentIndex(dialog.kind.findData(EventKind.MISSING_EPISODE))
    dialog.when.set_moment(datetime(2026, 11, 14, 22, 0, tzinfo=UTC))
    ok(dialog.buttons)
    assert dialog.isVisible()  # a summary is required
    assert dialog.message.text() == "Describe the event."
    qtbot.keyClicks(dialog.summary, "Reported missing by carer at 22:00")
    dialog.outcome.setPlainText("Found by police in Croydon, 02:15.")
    ok(dialog.buttons)
    assert dialog.result() == dialog.DialogCode.Accepted

    assert window.model.rowCount() == 1
    row = window.model.entry(window.model.index(0, 0))
    assert row.entry_type is EntryType.EVENT
    assert row.source == "Missing episode"
    assert row.event == "Reported missing by carer at 22:00"
    assert row.outcome == "Found by police in Croydon, 02:15."
    assert window.proxy.data(window.proxy.index(0, 0)) == "14/11/2026 22:00"


def test_event_time_is_london_wall_clock_in_summer(
        qtbot: QtBot, dsl: Session, ctx: AppContext, zoe: int) -> None:
    dialog = EventDialog(ctx, dsl, zoe)
    qtbot.addWidget(dialog)
    dialog.when.set_moment(datetime(2026, 7, 1, 13, 0, tzinfo=UTC))
    assert dialog.when.field.edit.text() == "01/07/2026 14:00"  # BST
    dialog.summary.setPlainText("Return-home interview")
    dialog.kind.setCurrentIndex(dialog.kind.findData(EventKind.RETURN_HOME_INTERVIEW))
    ok(dialog.buttons)
    (row,) = chronology.chronology(dsl, zoe)
    assert row.occurred_at == datetime(2026, 7, 1, 13, 0, tzinfo=UTC)


def test_action_dialog_records_an_action_and_its_outcome_per_child(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext, zoe: int) -> None:
    sam = add_child(dsl, "Sam", "Brook")
    concern = concerns.record_concern(dsl, content((zoe, sam), clock))
    dialog = ActionDialog(ctx, dsl, concern_id=concern)
    qtbot.addWidget(dialog)
    assert sorted(b.text() for b in dialog.child_boxes.values()) == ["Sam Brook",
                                                                     "Zoë Ólafsdóttir"]
    dialog.kind.setCurrentIndex(dialog.kind.findData(ActionKind.PARENTS_INFORMED))
    qtbot.keyClicks(dialog.detail, "Phoned both families")
    dialog.outcome.setPlainText("Both agreed to a meeting on Friday.")
    qtbot.keyClicks(dialog.when.field.edit, "16/11/2026 08:45")
    ok(dialog.buttons)
    assert len(dialog.action_ids) == 2
    for child in (zoe, sam):
        (action,) = [e for e in chronology.chronology(dsl, child)
                     if e.entry_type is EntryType.ACTION]
        assert action.event == "Parents or carers informed: Phoned both families"
        assert action.outcome == "Both agreed to a meeting on Friday."
        assert action.concern_id == concern
        assert action.occurred_at == datetime(2026, 11, 16, 8, 45, tzinfo=UTC)  # GMT


def test_action_from_the_child_window(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext, zoe: int) -> None:
    window = ChildWindow(ctx, dsl, zoe)
    qtbot.addWidget(window)
    dialog = window.record_action()
    dialog.kind.setCurrentIndex(dialog.kind.findData(ActionKind.OTHER))
    ok(dialog.buttons)
    assert dialog.message.text() == "Say what the action was."
    dialog.detail.setPlainText("Safety plan agreed with Zoë")
    dialog.when.field.just_now()
    ok(dialog.buttons)
    assert entry_types(window) == [EntryType.ACTION]


def test_no_dsl_form_defaults_to_something_that_did_not_happen(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext, zoe: int) -> None:
    """After "Monitor in school", a DSL who presses Enter in "Record an action" must not
    record a referral to MASH: every list starts on "Choose…" and nothing saves until
    something is chosen."""
    concern = concerns.record_concern(dsl, content((zoe,), clock))
    dsl_work.triage(dsl, concern, TriageDecision.MONITOR, "Mentor to check in weekly.")
    action = ActionDialog(ctx, dsl, concern_id=concern)
    event = EventDialog(ctx, dsl, zoe)
    for dialog in (action, event):
        qtbot.addWidget(dialog)
        with qtbot.waitActive(dialog):
            dialog.show()
            dialog.activateWindow()
        assert dialog.kind.currentText() == "Choose…" and dialog.kind.currentData() is None
        qtbot.keyClick(dialog.kind, Qt.Key.Key_Return)  # Enter presses the default button
        assert dialog.isVisible()
        assert dialog.message.text().startswith("Choose")
        assert dialog.kind.hasFocus()
    assert [e.entry_type for e in chronology.chronology(dsl, zoe)] == [EntryType.CONCERN,
                                                                       EntryType.TRIAGE]


def test_the_dsl_forms_when_box_is_typed_chosen_and_checked_beside_it(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext, zoe: int) -> None:
    """As in the concern form: one box Tab leaves (dd/mm/yyyy HH:MM), quick choices, and
    no time assumed; what is wrong shows under the box before anything is recorded."""
    from datetime import date

    from PySide6.QtWidgets import QApplication

    sam = add_child(dsl, "Sam", "Brook", date_of_birth=date(2013, 2, 14))
    concern = concerns.record_concern(dsl, content((zoe, sam), clock))
    for dialog in (ActionDialog(ctx, dsl, concern_id=concern), EventDialog(ctx, dsl, sam)):
        qtbot.addWidget(dialog)
        with qtbot.waitActive(dialog):
            dialog.show()
            dialog.activateWindow()
        when = dialog.when
        assert when.field.edit.text() == "" and not when.note.isVisible()
        dialog.kind.setCurrentIndex(dialog.kind.count() - 1)  # "Other"
        (dialog.detail if isinstance(dialog, ActionDialog) else dialog.summary
         ).setPlainText("Met the family")
        ok(dialog.buttons)
        assert dialog.isVisible() and when.note.isVisible()  # nothing assumed
        assert when.note.text().startswith("Say when: write it as dd/mm/yyyy HH:MM")
        assert QApplication.focusWidget() is when.field.edit
        qtbot.keyClicks(when.field.edit, "17/11/2026 09:31")  # tomorrow: told at once
        assert "is in the future" in when.note.text() and when.note.isVisible()
        ok(dialog.buttons)
        assert dialog.isVisible()
        when.field.edit.clear()
        qtbot.keyClicks(when.field.edit, "16/11/2026 7:05")
        assert not when.note.isVisible()
        qtbot.keyClick(when.field.edit, Qt.Key.Key_Tab)  # Tab leaves the whole box
        assert QApplication.focusWidget() is when.field.now_button
        when.field.edit.setText("03/05/1989 10:00")
        assert "before 01/01/1990" in when.problem()
        when.field.edit.setText("01/09/2012 10:00")  # Sam was born on 14/02/2013
        assert "before the child's date of birth (14/02/2013)" in when.problem()
        when.field.edit.setFocus()
        when.field.edit.setText("31/02/2026 10:00")
        qtbot.keyClick(when.field.edit, Qt.Key.Key_Tab)  # unreadable: told on leaving
        assert when.note.text().startswith("There is no such date")
        qtbot.keyClick(when.field.yesterday_button, Qt.Key.Key_Space)
        assert when.field.edit.text() == "15/11/2026 10:00"
        ok(dialog.buttons)
        assert dialog.result() == dialog.DialogCode.Accepted
    kinds = [(e.entry_type, e.occurred_at) for e in chronology.chronology(dsl, sam)]
    assert (EntryType.ACTION, datetime(2026, 11, 15, 10, 0, tzinfo=UTC)) in kinds
    assert (EntryType.EVENT, datetime(2026, 11, 15, 10, 0, tzinfo=UTC)) in kinds


# -- triage ------------------------------------------------------------------------------


def test_triage_refuses_no_further_action_without_a_reason(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext, zoe: int) -> None:
    concern = concerns.record_concern(dsl, content((zoe,), clock))
    dialog = TriageDialog(ctx, dsl, concern)
    qtbot.addWidget(dialog)
    ok(dialog.buttons)
    assert dialog.message.text() == "Choose a decision."
    dialog.set_decision(TriageDecision.NO_FURTHER_ACTION)
    dialog.rationale.setPlainText("   ")
    ok(dialog.buttons)
    assert "A reason is required" in dialog.message.text()
    assert "not referring" in dialog.hint.text() or "reason is required" in dialog.hint.text()
    assert dialog.rationale.toPlainText() == "   "  # typed text is never lost
    assert dialog.result() != dialog.DialogCode.Accepted
    assert [c.id for c in dsl_work.triage_queue(dsl)] == [concern]  # nothing written


def test_triage_records_a_referral(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext, zoe: int) -> None:
    concern = concerns.record_concern(dsl, content((zoe,), clock))
    dialog = TriageDialog(ctx, dsl, concern)
    qtbot.addWidget(dialog)
    dialog.set_decision(TriageDecision.REFER_MASH)
    assert "needs no reason" in dialog.hint.text()
    ok(dialog.buttons)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.triage_id is not None
    assert dsl_work.triage_queue(dsl) == []
    decisions = [e.decision for e in chronology.chronology(dsl, zoe)
                 if e.entry_type is EntryType.TRIAGE]
    assert decisions == ["Refer to MASH / children's social care"]


# -- the concern view --------------------------------------------------------------------


def test_concern_view_shows_content_and_grows_its_addenda(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext, zoe: int) -> None:
    concern = concerns.record_concern(dsl, content((zoe,), clock))
    dialog = ConcernViewDialog(ctx, dsl, concern)
    qtbot.addWidget(dialog)
    text = dialog.content.toPlainText()
    assert "Zoë Ólafsdóttir" in text
    assert "16/11/2026 07:30" in text
    assert "Seen getting into a car with two older males after school." in text
    assert "They're my mates, they give me lifts." in text
    opinion = text.index("Opinion: the author's view, not a fact")
    assert text.index("Seemed anxious") > opinion > text.index("Seen getting into a car")
    assert "Appears with unexplained gifts, money or new possessions [CCE and CSE]" in text
    assert "Having older boyfriends or girlfriends [CSE]" in text
    assert "Specific indicators of CSE" in text
    assert "Dana Lead" in text
    assert "No addenda yet." in dialog.addenda_view.toPlainText()
    assert dialog.triage_button.isVisibleTo(dialog)
    assert audit_actions(dsl)[-1] == "concern_viewed"

    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Write the addendum first."
    dialog.addendum.setPlainText("Zoë's aunt says the car is a grey Audi.")
    clock.advance(hours=3)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    thread = dialog.addenda_view.toPlainText()
    assert "Zoë's aunt says the car is a grey Audi." in thread
    assert "Dana Lead · 16/11/2026 12:30" in thread
    assert dialog.addendum.toPlainText() == ""
    dialog.addendum.setPlainText("Second note")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    thread = dialog.addenda_view.toPlainText()
    assert thread.index("grey Audi") < thread.index("Second note")


def test_the_dsl_sees_what_came_of_a_concern_beside_it(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext, zoe: int) -> None:
    """Decisions, actions and outcomes on the concern, the child's flags, how many
    concerns came before, and a way to the chronology."""
    concerns.record_concern(dsl, content((zoe,), clock,
                                         occurred_at=clock.now() - timedelta(days=9)))
    concern = concerns.record_concern(dsl, content((zoe,), clock))
    view = ConcernViewDialog(ctx, dsl, concern)
    qtbot.addWidget(view)
    view.show()
    text = view.content.toPlainText()
    assert "Zoë Ólafsdóttir (flags: SEND; 1 earlier concern)" in text
    assert "Decisions, actions\nNone recorded yet" in text
    view.triage_button.click()
    (triage,) = view.findChildren(TriageDialog)
    triage.set_decision(TriageDecision.MONITOR)
    triage.rationale.setPlainText("Pastoral lead to check in weekly.")
    ok(triage.buttons)
    clock.advance(hours=1)
    view.action_button.click()
    (action,) = view.findChildren(ActionDialog)
    action.kind.setCurrentIndex(action.kind.findData(ActionKind.PARENTS_INFORMED))
    action.detail.setPlainText("Phoned mum")
    action.outcome.setPlainText("Mum will collect her after school")
    action.when.field.just_now()
    ok(action.buttons)
    text = view.content.toPlainText()
    decision = text.index("Monitor in school: Pastoral lead to check in weekly.")
    assert decision < text.index("Parents or carers informed: Phoned mum")
    assert "Mum will collect her after school" in text
    assert "Dana Lead" in text and "None recorded yet" not in text
    assert audit_actions(dsl).count("concern_viewed") == 1  # shown again, not viewed again
    window = view.open_chronology()
    assert isinstance(window, ChildWindow) and window.child_id == zoe
    qtbot.addWidget(window)
    assert window.isVisible()


def test_concern_view_escapes_markup(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext, zoe: int) -> None:
    concern = concerns.record_concern(
        dsl, content((zoe,), clock, facts="<b>not bold</b> & <a href='x'>link</a>"))
    dialog = ConcernViewDialog(ctx, dsl, concern)
    qtbot.addWidget(dialog)
    assert "<b>not bold</b> & <a href='x'>link</a>" in dialog.content.toPlainText()


def test_concern_view_for_staff_has_no_dsl_buttons(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext, zoe: int) -> None:
    add_staff(dsl)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    try:
        concern = concerns.record_concern(staff, content((zoe,), clock))
        dialog = ConcernViewDialog(ctx, staff, concern)
        qtbot.addWidget(dialog)
        assert not dialog.triage_button.isVisibleTo(dialog)
        assert not dialog.action_button.isVisibleTo(dialog)
        assert "Teacher" in dialog.content.toPlainText()
        dialog.addendum.setPlainText("Forgot: he had a new phone.")
        dialog.add_addendum()
        assert "new phone" in dialog.addenda_view.toPlainText()
    finally:
        staff.lock()


def test_triage_and_action_from_the_concern_view(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext, zoe: int) -> None:
    concern = concerns.record_concern(dsl, content((zoe,), clock))
    view = ConcernViewDialog(ctx, dsl, concern)
    qtbot.addWidget(view)
    view.show()
    view.triage_button.click()
    (triage,) = view.findChildren(TriageDialog)
    triage.set_decision(TriageDecision.MONITOR)
    triage.rationale.setPlainText("First concern; pastoral lead to check in weekly.")
    ok(triage.buttons)
    assert view.message.text() == "Decision recorded."
    view.action_button.click()
    (action,) = view.findChildren(ActionDialog)
    action.detail.setPlainText("Weekly check-ins with pastoral lead")
    action.kind.setCurrentIndex(action.kind.findData(ActionKind.MONITORING))
    action.when.field.just_now()
    ok(action.buttons)
    kinds = [e.entry_type for e in chronology.chronology(dsl, zoe)]
    assert kinds == [EntryType.CONCERN, EntryType.TRIAGE, EntryType.ACTION]


# -- search ------------------------------------------------------------------------------


def test_search_finds_a_concern_by_a_word(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext, zoe: int) -> None:
    concerns.record_concern(dsl, content((zoe,), clock))
    concerns.record_concern(dsl, content((zoe,), clock, facts="Left lesson without asking."))
    dialog = SearchDialog(ctx, dsl)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.box, "older mal")
    assert dialog.model.rowCount() == 0  # debounced: nothing until typing pauses
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=2000)
    index = dialog.model.index(0, 2)
    assert "[older]" in dialog.model.data(index)
    assert dialog.model.data(dialog.model.index(0, 1)) == "Zoë Ólafsdóttir"
    assert dialog.model.data(dialog.model.index(0, 0)) == "16/11/2026 07:30"
    assert dialog.status.text().startswith("1 concern found")

    dialog.box.clear()
    qtbot.keyClicks(dialog.box, "nothinglikethis")
    qtbot.keyClick(dialog.box, Qt.Key.Key_Return)  # Enter searches at once
    assert dialog.model.rowCount() == 0
    assert dialog.isVisible()  # Enter did not close the dialog
    assert dialog.status.text().startswith("No concern matches those words")

    dialog.box.setText("lesson")
    dialog.run_search()
    opened = dialog.open_hit(dialog.model.index(0, 0))
    assert opened is not None
    assert "Left lesson without asking." in opened.content.toPlainText()


# -- settings ----------------------------------------------------------------------------


def test_settings_change_the_idle_timeout(
        qtbot: QtBot, dsl: Session, ctx: AppContext) -> None:
    dialog = SettingsDialog(ctx, dsl)
    qtbot.addWidget(dialog)
    assert dialog.idle.value() == 5
    dialog.idle.setValue(12)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert ctx.settings.idle_lock_minutes == 12
    assert ctx.saved == [12]  # type: ignore[attr-defined]


def test_the_dsl_names_the_school_for_handover_documents(
        qtbot: QtBot, dsl: Session, ctx: AppContext) -> None:
    dialog = SettingsDialog(ctx, dsl)
    qtbot.addWidget(dialog)
    assert dialog.school is not None and dialog.school.text() == SCHOOL  # set by the fixture
    dialog.school.setText("  Riverside Academy – Ysgol Glan yr Afon  ")
    dialog.save()
    assert handover.school_name(dsl) == "Riverside Academy – Ysgol Glan yr Afon"
    assert audit_actions(dsl)[-1] == "school_name_set"
    again = SettingsDialog(ctx, dsl)
    qtbot.addWidget(again)
    assert again.school is not None and again.school.text() == handover.school_name(dsl)
    again.save()  # unchanged: nothing more is written
    assert audit_actions(dsl).count("school_name_set") == 1
    doc = handover.chronology_document(dsl, add_child(dsl), purpose="MASH")
    assert doc.header.school == "Riverside Academy – Ysgol Glan yr Afon"


def test_settings_add_and_remove_a_staff_user(
        qtbot: QtBot, dsl: Session, ctx: AppContext) -> None:
    dialog = SettingsDialog(ctx, dsl)
    qtbot.addWidget(dialog)
    adding = dialog.add_user()
    assert isinstance(adding, AddUserDialog)
    qtbot.keyClicks(adding.name, "jsmith")
    adding.full_name.setText("Jo Smith")
    adding.role.setCurrentIndex(adding.role.findData(Role.STAFF))
    adding.pair.first.setText("short")
    adding.pair.second.setText("short")
    ok(adding.findChild(QDialogButtonBox))
    assert "at least 10 characters" in adding.message.text()
    adding.pair.first.setText(STAFF_PASS)
    adding.pair.second.setText(STAFF_PASS + "x")
    ok(adding.findChild(QDialogButtonBox))
    assert adding.message.text() == "The two passphrases differ."
    adding.pair.second.setText(STAFF_PASS)
    ok(adding.findChild(QDialogButtonBox))
    assert adding.result() == adding.DialogCode.Accepted
    assert adding.pair.first.text() == ""  # the passphrase does not linger
    by_name = {u.name: u for u in users.list_users(dsl)}
    assert by_name["jsmith"].role is Role.STAFF
    assert by_name["jsmith"].display_name == "Jo Smith"
    assert dialog.users_model.rowCount() == 2

    questions: list[str] = []
    dialog.confirm = lambda q: questions.append(q) or False
    row = [dialog.users_model.user(dialog.users_model.index(r, 0)).name
           for r in range(2)].index("jsmith")
    dialog.users_view.setCurrentIndex(dialog.users_model.index(row, 0))
    dialog.remove_button.click()
    assert "rotates the vault's key" in questions[0]
    assert dialog.users_model.rowCount() == 2  # declined: nothing removed
    dialog.confirm = lambda q: True
    dialog.remove_button.click()  # the key rotation runs on its own thread
    qtbot.waitUntil(lambda: dialog.rotation is None, timeout=30_000)
    assert [u.name for u in users.list_users(dsl)] == ["dsl"]
    assert dialog.users_model.rowCount() == 1

    dialog.users_view.setCurrentIndex(dialog.users_model.index(0, 0))
    dialog.remove_button.click()
    qtbot.waitUntil(lambda: dialog.rotation is None, timeout=30_000)
    assert "cannot remove yourself" in dialog.message.text()


def test_change_my_passphrase(qtbot: QtBot, dsl: Session, ctx: AppContext) -> None:
    dialog = SettingsDialog(ctx, dsl)
    qtbot.addWidget(dialog)
    change = dialog.change_passphrase()
    change.pair.first.setText("a brand new passphrase here")
    change.pair.second.setText("a brand new passphrase here")
    assert change.pair.meter.bar.value() >= 3
    ok(change.findChild(QDialogButtonBox))
    assert change.result() == change.DialogCode.Accepted
    assert audit_actions(dsl)[-1] == "passphrase_changed"


def test_staff_settings_have_no_user_list(
        qtbot: QtBot, dsl: Session, ctx: AppContext) -> None:
    add_staff(dsl)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    try:
        dialog = SettingsDialog(ctx, staff)
        qtbot.addWidget(dialog)
        assert not dialog.users_view.isVisibleTo(dialog)
        assert dialog.users_model.rowCount() == 0
        assert dialog.school is None  # the school name is the DSL's to set
    finally:
        staff.lock()


def test_a_500_row_chronology_loads_with_rows_capped_in_height(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext, zoe: int) -> None:
    """Long entries wrap but no row grows past MAX_ROW_LINES (the full text is in the
    tooltip); how fast it opens is measured in bench/ui_bench.py, not here."""
    from cerecorder.ui.dsl_views import MAX_ROW_LINES

    start = datetime(2025, 1, 1, tzinfo=UTC)
    for n in range(500):
        dsl_work.add_event(dsl, child_id=zoe, kind=EventKind.OTHER,
                           occurred_at=start + timedelta(hours=n),
                           summary=f"Event {n}: " + "a longer summary that wraps " * (n * 3))
    window = ChildWindow(ctx, dsl, zoe)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.proxy.rowCount() == 500
    line = window.table.fontMetrics().lineSpacing()
    heights = [window.table.rowHeight(r) for r in range(500)]
    assert max(heights) > 3 * line  # long events do wrap onto several lines
    assert max(heights) <= (MAX_ROW_LINES + 1) * line

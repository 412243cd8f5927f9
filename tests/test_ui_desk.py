"""The DSL's desk (offscreen): an action's due date and owner in the action form, the
actions list (states, sorting, opening the concern), a child's case status window, and
the count of actions due in the main window's title bar."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from cerecorder.domain.deadlines import CaseState
from cerecorder.domain.model import ActionKind, Role
from cerecorder.services import concerns, deadlines, users
from cerecorder.services import dsl as dsl_work
from cerecorder.services.session import Session
from cerecorder.ui.actions_window import ActionsWindow
from cerecorder.ui.case_status import CaseStatusDialog
from cerecorder.ui.concern_view import ConcernViewDialog
from cerecorder.ui.context import AppContext
from cerecorder.ui.dsl_forms import ActionDialog
from cerecorder.ui.dsl_views import ChildWindow
from cerecorder.ui.due_dialog import DueDialog
from cerecorder.ui.main_window import MainWindow
from test_schooldays import HOLIDAYS
from test_ui_dsl import audit_actions, ctx, ok  # noqa: F401  (the fixture)

from helpers import STAFF_PASS, MockClock, add_child, add_staff, content, switch_to


@pytest.fixture
def desk(ctx: AppContext) -> AppContext:  # noqa: F811
    ctx.bank_holidays = HOLIDAYS
    return ctx


def _deputy(dsl: Session) -> int:
    return users.add_user(dsl, name="deputy", display_name="Dev Deputy", role=Role.DSL,
                          passphrase=STAFF_PASS).id


def test_the_action_form_takes_a_typed_due_date_and_an_owner_and_assumes_neither(
        qtbot: QtBot, dsl: Session, clock: MockClock, desk: AppContext) -> None:
    deputy = _deputy(dsl)
    add_staff(dsl)  # staff are not offered as owners
    child = add_child(dsl, "Amy", "Khan")
    concern = concerns.record_concern(dsl, content((child,), clock))
    dialog = ActionDialog(desk, dsl, concern_id=concern)
    qtbot.addWidget(dialog)
    assert dialog.due.edit.text() == "" and dialog.owner.currentData() is None
    assert [dialog.owner.itemText(i) for i in range(dialog.owner.count())] == [
        "No owner", "Dana Lead", "Dev Deputy"]
    dialog.kind.setCurrentIndex(dialog.kind.findData(ActionKind.EARLY_HELP))
    dialog.detail.setPlainText("Early help assessment with the family")
    dialog.when.field.just_now()
    qtbot.keyClicks(dialog.due.edit, "31/02/2026")
    ok(dialog.buttons)
    assert dialog.message.text() == ("The due date '31/02/2026' is not a date: type it as "
                                     "dd/mm/yyyy.")
    assert dialog.action_ids == []
    dialog.due.edit.clear()
    qtbot.keyClicks(dialog.due.edit, "27/11/2026")
    dialog.owner.setCurrentIndex(dialog.owner.findData(deputy))
    ok(dialog.buttons)
    (action,) = deadlines.actions_of(dsl, child)
    assert (action.due_on, action.owner_id) == (date(2026, 11, 27), deputy)


def test_a_referral_left_undated_is_due_in_a_working_day_and_the_form_says_so(
        qtbot: QtBot, dsl: Session, clock: MockClock, desk: AppContext) -> None:
    child = add_child(dsl)
    clock.current = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # a Friday
    dialog = ActionDialog(desk, dsl, child_id=child)
    qtbot.addWidget(dialog)
    assert "no due date" in dialog.due_hint.text()
    dialog.kind.setCurrentIndex(dialog.kind.findData(ActionKind.REFERRAL_MASH))
    assert "due 1 working day after the referral" in dialog.due_hint.text()
    dialog.when.field.just_now()
    ok(dialog.buttons)
    (action,) = deadlines.actions_of(dsl, child)
    assert action.due_on == date(2026, 11, 23) and action.owner_id is None


def test_the_calendar_chooses_the_due_date(qtbot: QtBot, dsl: Session, clock: MockClock,
                                           desk: AppContext) -> None:
    dialog = ActionDialog(desk, dsl, child_id=add_child(dsl))
    qtbot.addWidget(dialog)
    calendar = dialog.due.choose()
    assert calendar.day() == date(2026, 11, 16)  # today, when nothing is typed
    grid = calendar.calendar.findChild(QTableView)  # the days, which take the keys
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert dialog.due.edit.text() == "17/11/2026"


def _actions(dsl: Session, clock: MockClock) -> dict[str, int]:
    """Four actions on 16/11/2026: overdue, due today, upcoming, and closed by an outcome."""
    child = add_child(dsl, "Amy", "Khan")
    other = add_child(dsl, "Ben", "Ash")
    concern = concerns.record_concern(dsl, content((child,), clock))
    taken = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    found = {}
    for name, who, due in (("overdue", child, date(2026, 11, 13)),
                           ("today", other, date(2026, 11, 16)),
                           ("later", child, date(2026, 11, 30)),
                           ("closed", other, date(2026, 11, 10))):
        (found[name],) = dsl_work.record_action(
            dsl, kind=ActionKind.PARENTS_INFORMED, detail=name, taken_at=taken,
            concern_id=concern if who == child else None, child_ids=[who], due_on=due,
            owner_id=dsl.user.id)
    dsl_work.record_outcome(dsl, text="Spoke to mum.", occurred_at=taken, child_id=other,
                            action_id=found["closed"])
    return found


def _column(window: ActionsWindow, column: int) -> list[str]:
    proxy = window.proxy
    return [proxy.data(proxy.index(r, column)) for r in range(proxy.rowCount())]


def test_the_actions_list_shows_states_sorts_and_opens_the_concern(
        qtbot: QtBot, dsl: Session, clock: MockClock, desk: AppContext) -> None:
    ids = _actions(dsl, clock)
    window = ActionsWindow(desk, dsl)
    qtbot.addWidget(window)
    assert _column(window, 0) == ["13/11/2026", "16/11/2026", "30/11/2026"]  # open only
    assert _column(window, 1) == ["Overdue", "Due today", "Open"]
    assert window.summary.text() == "3 open: 1 overdue, 1 due today. 1 closed by an outcome."
    window.closed.setChecked(True)
    assert _column(window, 1) == ["Closed by outcome", "Overdue", "Due today", "Open"]
    window.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # by child
    assert _column(window, 2) == ["Amy Khan", "Amy Khan", "Ben Ash", "Ben Ash"]
    window.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert _column(window, 0)[0] == "30/11/2026"
    window.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    window.table.selectRow(1)  # the overdue action, which has a concern
    opened = window.open_line(window.table.currentIndex())
    assert isinstance(opened, ConcernViewDialog)
    assert window.model.line(window.proxy.mapToSource(window.table.currentIndex())
                             ).action.action_id == ids["overdue"]
    window.table.setFocus()  # Enter opens the line's concern once, and nothing more
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert len(window.findChildren(ConcernViewDialog)) == 2
    window.table.selectRow(2)  # due today, no concern: the child's chronology
    assert isinstance(window.open_line(window.table.currentIndex()), ChildWindow)


def test_the_actions_list_changes_an_open_actions_due_date_and_owner(
        qtbot: QtBot, dsl: Session, clock: MockClock, desk: AppContext) -> None:
    ids = _actions(dsl, clock)
    deputy = _deputy(dsl)
    window = ActionsWindow(desk, dsl)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    window.table.selectRow(2)  # due 30/11/2026, the lead's
    # Alt+U from the list opens the dialog, on the action's date and owner
    qtbot.keyClick(window.table, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(window.findChildren(DueDialog)), timeout=2000)
    (dialog,) = window.findChildren(DueDialog)
    assert dialog.due.edit.text() == "30/11/2026" and dialog.owner.currentData() == dsl.user.id
    assert dialog.focusWidget() is dialog.due.edit  # the date takes the keys first
    dialog.due.edit.clear()
    qtbot.keyClicks(dialog.due.edit, "31/11/2026")
    ok(dialog.buttons)
    assert dialog.message.text() == ("The due date '31/11/2026' is not a date: type it as "
                                     "dd/mm/yyyy.")
    assert audit_actions(dsl).count("action_due_set") == 0  # nothing stored
    dialog.due.edit.setText("04/12/2026")
    dialog.owner.setCurrentIndex(dialog.owner.findData(deputy))
    ok(dialog.buttons)
    assert not dialog.isVisible()
    (later,) = [line.action for line in deadlines.action_list(dsl)
                if line.action.action_id == ids["later"]]
    assert later.due_on == date(2026, 12, 4) and later.owner_id == deputy
    assert audit_actions(dsl).count("action_due_set") == 1
    assert _column(window, 0) == ["13/11/2026", "16/11/2026", "04/12/2026"]  # refreshed
    assert _column(window, 4)[2] == "Dev Deputy"


def test_the_actions_list_opens_from_needs_attention(
        qtbot: QtBot, dsl: Session, clock: MockClock, desk: AppContext) -> None:
    _actions(dsl, clock)
    main = MainWindow(desk, dsl)
    qtbot.addWidget(main)
    assert main.attention is not None
    window = main.attention.open_actions()
    assert isinstance(window, ActionsWindow) and window.proxy.rowCount() == 3


def _close(dsl: Session, clock: MockClock, action_id: int) -> None:
    """An outcome recorded against the action."""
    child = next(a.action.child_id for a in deadlines.action_list(dsl)
                 if a.action.action_id == action_id)
    dsl_work.record_outcome(dsl, text="Done.", occurred_at=clock.now(), child_id=child,
                            action_id=action_id)


def test_the_title_bar_counts_actions_overdue_or_due_today(
        qtbot: QtBot, dsl: Session, clock: MockClock, desk: AppContext) -> None:
    ids = _actions(dsl, clock)
    main = MainWindow(desk, dsl)
    qtbot.addWidget(main)
    main.refresh()
    assert main.windowTitle() == (f"{main.base_title} · 2 actions overdue or due today: "
                                  "see Needs attention")
    _close(dsl, clock, ids["overdue"])
    main.refresh()
    assert main.windowTitle().endswith("· 1 action overdue or due today: see Needs "
                                       "attention")
    _close(dsl, clock, ids["today"])
    main.refresh()
    assert main.windowTitle() == main.base_title


def test_case_status_closes_is_signed_off_by_a_second_dsl_and_reopens(
        qtbot: QtBot, dsl: Session, clock: MockClock, desk: AppContext) -> None:
    desk = replace(desk, case_sign_off=True)
    child = add_child(dsl, "Amy", "Khan")
    concerns.record_concern(dsl, content((child,), clock))
    window = ChildWindow(desk, dsl, child)
    qtbot.addWidget(window)
    assert window.case_button.text() == "Case: open…"
    dialog = window.open_case()
    assert isinstance(dialog, CaseStatusDialog)
    assert dialog.state.text() == "Case: Open" and dialog.close_case.isVisibleTo(dialog)
    assert not dialog.close_case.autoDefault()  # Enter closes the window, not the case
    assert not dialog.reopen.isVisibleTo(dialog)
    clock.advance(hours=1)
    dialog.summary.setPlainText("Early help plan ended; attendance back to 97%.")
    dialog.do_close()
    assert dialog.state.text() == "Case: Closed, awaiting a second DSL's sign-off"
    assert "Closing summary: Early help plan ended" in dialog.detail.text()
    assert dialog.sign.isVisibleTo(dialog) and not dialog.sign.isEnabled()  # not the closer
    dialog.accept()
    assert window.case_button.text() == "Case: awaiting sign-off…"

    _deputy(dsl)
    deputy = switch_to(dsl, "deputy", STAFF_PASS)
    second = CaseStatusDialog(desk, deputy, child, "Amy Khan")
    qtbot.addWidget(second)
    assert second.sign.isEnabled()
    clock.advance(hours=1)
    second.do_sign_off()
    assert second.state.text() == "Case: Closed" and "Signed off" in second.detail.text()
    assert not second.sign.isVisibleTo(second) and second.reopen.isVisibleTo(second)

    clock.advance(days=2)  # a new concern reopens the case by itself
    concerns.record_concern(deputy, content((child,), clock))
    second.refresh()
    assert second.state.text() == "Case: Open"
    assert second.detail.text() == "Reopened: a new concern."
    assert deadlines.status(deputy, child, sign_off=True).state is CaseState.OPEN

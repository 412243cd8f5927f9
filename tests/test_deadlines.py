"""Actions with due dates and owners: a referral due an answer in one working day (across
a weekend and bank holidays), overdue without one, closed by an outcome; reminders on
Needs attention; a child's case closed, signed off by a second DSL and reopened."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlcipher3 import dbapi2 as sqlcipher

from cerecorder.domain.deadlines import CaseState, DueState, working_days_after
from cerecorder.domain.errors import InvalidInput, PermissionDenied
from cerecorder.domain.model import ActionKind, Role
from cerecorder.services import attention, concerns, deadlines, users
from cerecorder.services import dsl as dsl_work
from cerecorder.services.session import Session
from test_packets import audit_actions
from test_schooldays import HOLIDAYS

from helpers import DSL_PASS, STAFF_PASS, MockClock, add_child, add_staff, content, switch_to


def _at(clock: MockClock, day: date, hour: int = 10) -> datetime:
    clock.current = datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)
    return clock.current


def _refer(s: Session, clock: MockClock, child: int, day: date) -> int:
    taken = _at(clock, day)
    return dsl_work.record_action(s, kind=ActionKind.REFERRAL_MASH, detail="Referred to MASH",
                                  taken_at=taken, child_ids=[child], holidays=HOLIDAYS)[0]


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    assert working_days_after(date(2026, 11, 20), 1, HOLIDAYS) == date(2026, 11, 23)  # Fri
    # Thursday 24/12: Christmas Day (Friday), the weekend and Boxing Day's substitute
    # (Monday 28/12) do not count
    assert working_days_after(date(2026, 12, 24), 1, HOLIDAYS) == date(2026, 12, 29)
    assert working_days_after(date(2026, 12, 24), 2, HOLIDAYS) == date(2026, 12, 30)


def test_a_referral_is_due_in_a_working_day_and_overdue_without_an_answer(
        dsl: Session, clock: MockClock) -> None:
    child = add_child(dsl, "Amy", "Khan")
    friday = _refer(dsl, clock, child, date(2026, 11, 20))
    christmas_eve = _refer(dsl, clock, child, date(2026, 12, 24))
    by_id = {a.action_id: a for a in deadlines.actions_of(dsl, child)}
    assert by_id[friday].due_on == date(2026, 11, 23)
    assert by_id[christmas_eve].due_on == date(2026, 12, 29)
    on_monday = by_id[friday]
    assert on_monday.state(date(2026, 11, 23)) is DueState.DUE_TODAY
    assert on_monday.state(date(2026, 11, 24)) is DueState.OVERDUE
    assert on_monday.late_by(date(2026, 11, 24), HOLIDAYS) == 1
    after = by_id[christmas_eve]
    assert after.state(date(2026, 12, 28)) is DueState.UPCOMING  # a bank holiday
    assert after.state(date(2026, 12, 29)) is DueState.DUE_TODAY
    assert after.late_by(date(2027, 1, 4), HOLIDAYS) == 3  # 30/12, 31/12, 04/01 (01/01 not)

    _at(clock, date(2026, 12, 29), 11)
    lines = [line for line in attention.needs_attention(dsl, HOLIDAYS)
             if line.need is attention.Need.ACTION]
    assert [line.record_id for line in lines] == [friday, christmas_eve]
    assert lines[0].text == ("Referral to MASH: Referred to MASH: overdue since 23/11/2026, "
                             "24 working day(s) late")  # 25/12 and 28/12 not
    assert lines[1].text.startswith("Referral to MASH: Referred to MASH: due today (29/12")
    assert deadlines.reminder_count(dsl) == 2


def test_an_outcome_closes_the_action(dsl: Session, clock: MockClock) -> None:
    child = add_child(dsl)
    action = _refer(dsl, clock, child, date(2026, 11, 20))
    _at(clock, date(2026, 11, 25))
    assert deadlines.reminder_count(dsl) == 1
    dsl_work.record_outcome(dsl, text="MASH: strategy discussion, section 47",
                            occurred_at=clock.now(), child_id=child, action_id=action)
    closed = deadlines.actions_of(dsl, child)[0]
    assert closed.state(date(2026, 11, 25)) is DueState.CLOSED
    assert deadlines.reminder_count(dsl) == 0
    with pytest.raises(InvalidInput, match="closed"):
        deadlines.set_due(dsl, action, date(2026, 12, 1), None)


def test_due_dates_and_owners_are_set_append_only(dsl: Session, clock: MockClock) -> None:
    child = add_child(dsl)
    deputy = users.add_user(dsl, name="deputy", display_name="Dee Puty", role=Role.DSL,
                            passphrase=DSL_PASS).id
    staff = add_staff(dsl)
    taken = _at(clock, date(2026, 11, 16))
    action = dsl_work.record_action(dsl, kind=ActionKind.MONITORING, detail="Weekly check-in",
                                    taken_at=taken, child_ids=[child])[0]
    with pytest.raises(InvalidInput, match="owner is a DSL"):
        deadlines.set_due(dsl, action, date(2026, 11, 20), staff)
    with pytest.raises(InvalidInput, match="before it was taken"):
        deadlines.set_due(dsl, action, date(2026, 11, 13), deputy)
    deadlines.set_due(dsl, action, date(2026, 11, 20), deputy)
    deadlines.set_due(dsl, action, date(2026, 11, 27), deputy)
    shown = deadlines.actions_of(dsl, child)[0]
    assert (shown.due_on, shown.owner_id) == (date(2026, 11, 27), deputy)
    with dsl.uow() as uow, pytest.raises(sqlcipher.IntegrityError, match="immutable"):
        uow.conn.execute("UPDATE action_deadlines SET due_on = '2026-12-31'")
    assert audit_actions(dsl).count("action_due_set") == 2


def test_a_case_closes_signed_off_by_a_second_dsl_and_reopens_on_a_new_concern(
        dsl: Session, clock: MockClock) -> None:
    child = add_child(dsl, "Ben", "Osei")
    users.add_user(dsl, name="deputy", display_name="Dee Puty", role=Role.DSL,
                   passphrase=DSL_PASS)
    _at(clock, date(2026, 11, 16))
    concerns.record_concern(dsl, content((child,), clock))
    assert deadlines.status(dsl, child, sign_off=True).state is CaseState.OPEN
    with pytest.raises(InvalidInput, match="closing summary"):
        deadlines.close_case(dsl, child, "  ", sign_off=True)
    _at(clock, date(2026, 11, 30))
    deadlines.close_case(dsl, child, "Early help plan ended; no further concerns.",
                         sign_off=True)
    found = deadlines.status(dsl, child, sign_off=True)
    assert found.state is CaseState.AWAITING_SIGN_OFF
    assert deadlines.status(dsl, child, sign_off=False).state is CaseState.CLOSED
    with pytest.raises(PermissionDenied, match="second DSL"):
        deadlines.sign_off_closure(dsl, child)
    deputy = switch_to(dsl, "deputy", DSL_PASS)
    deadlines.sign_off_closure(deputy, child)
    closed = deadlines.status(deputy, child, sign_off=True)
    assert closed.state is CaseState.CLOSED
    assert closed.describe() == "Closed: Early help plan ended; no further concerns."
    clock.advance(days=3)
    concerns.record_concern(deputy, content((child,), clock))
    reopened = deadlines.status(deputy, child, sign_off=True)
    assert (reopened.state, reopened.reopened_by) == (CaseState.OPEN, "a new concern")
    assert [a for a in audit_actions(deputy) if a.startswith("case_")] == [
        "case_closed", "case_signed_off"]


def test_a_closed_case_is_reopened_by_the_dsl_with_a_reason(dsl: Session, clock: MockClock
                                                            ) -> None:
    child = add_child(dsl)
    deadlines.close_case(dsl, child, "No concerns this year.", sign_off=False)
    with pytest.raises(InvalidInput, match="already closed"):
        deadlines.close_case(dsl, child, "Again", sign_off=False)
    clock.advance(hours=1)
    deadlines.reopen_case(dsl, child, "Call from the social worker", sign_off=False)
    assert deadlines.status(dsl, child, sign_off=False).describe() == (
        "Open (reopened: Call from the social worker)")
    with pytest.raises(InvalidInput, match="is open"):
        deadlines.reopen_case(dsl, child, "Again", sign_off=False)


def test_staff_see_no_deadlines_or_cases(dsl: Session) -> None:
    child = add_child(dsl)
    add_staff(dsl)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    for call in (lambda: deadlines.reminder_count(staff),
                 lambda: deadlines.actions_of(staff, child),
                 lambda: deadlines.status(staff, child, sign_off=False),
                 lambda: deadlines.close_case(staff, child, "x", sign_off=False)):
        with pytest.raises(PermissionDenied):
            call()

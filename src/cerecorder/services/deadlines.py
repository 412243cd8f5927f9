"""Actions with due dates and owners (a DSL or deputy), chased until an outcome closes
them, and a child's case: open, closed with a summary (signed off by a second DSL where
the school's policy asks), reopened by a new concern or by the DSL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cerecorder.domain.deadlines import (
    ActionDue,
    CaseState,
    CaseStatus,
    DueState,
    case_status,
    default_due,
)
from cerecorder.domain.errors import InvalidInput, PermissionDenied
from cerecorder.domain.model import ActionKind, Role
from cerecorder.domain.rules import check_clock, clean_text
from cerecorder.domain.schooldays import BankHolidays
from cerecorder.domain.timefmt import local_date, uk_date
from cerecorder.services import audit
from cerecorder.services.access import require
from cerecorder.services.session import Session
from cerecorder.storage.uow import UnitOfWork


def check_owner(uow: UnitOfWork, owner_id: int | None) -> None:
    if owner_id is not None and uow.users.get(owner_id).role is not Role.DSL:
        raise InvalidInput("An action's owner is a DSL or deputy DSL.")


def due_for(kind: ActionKind, taken_on: date, due_on: date | None,
            holidays: BankHolidays | None) -> date | None:
    """The date the DSL gave, else a referral's answer due in working days (where the
    bank holidays are known)."""
    if due_on is not None or holidays is None:
        return due_on
    return default_due(kind, taken_on, holidays)


def set_due(session: Session, action_id: int, due_on: date | None, owner_id: int | None
            ) -> None:
    """Give an open action a (new) due date and owner; the earlier row stays on file."""
    require(session.user, Role.DSL)
    now = session.clock.now()
    check_clock(now)
    with session.uow() as uow:
        action = uow.deadlines.action(action_id)
        if action.closed_at is not None:
            raise InvalidInput("That action is closed: an outcome has been recorded.")
        if due_on is not None and due_on < local_date(action.taken_at, session.tz):
            raise InvalidInput("An action cannot be due before it was taken.")
        check_owner(uow, owner_id)
        uow.deadlines.set_due(action_id, due_on, owner_id, now, session.user.id)
        audit.record(uow, session.clock, session.user, "action_due_set", "action", action_id,
                     owner=owner_id)
        uow.commit()


@dataclass(frozen=True)
class Reminder:
    """An action overdue or due today, as Needs attention and the unlock message show it."""

    action: ActionDue
    state: DueState
    child: str
    owner: str
    late_by: int  # working days

    def describe(self) -> str:
        what = self.action.kind.label
        if self.action.detail:
            what += f": {self.action.detail}"
        due = self.action.due_on
        assert due is not None
        when = (f"due today ({uk_date(due)})" if self.state is DueState.DUE_TODAY
                else f"overdue since {uk_date(due)}, {self.late_by} working day(s) late")
        owner = f"; owner {self.owner}" if self.owner else ""
        return f"{what}: {when}{owner}"


def reminders(session: Session, holidays: BankHolidays | None) -> list[Reminder]:
    """Open actions overdue or due today, most overdue first."""
    require(session.user, Role.DSL)
    today = local_date(session.clock.now(), session.tz)
    with session.uow() as uow:
        due = [a for a in uow.deadlines.open_with_due()
               if a.due_on is not None and a.due_on <= today]
        merged = uow.children.merged_map()
        ids = {merged.get(a.child_id, a.child_id) for a in due}
        names = {c.id: c.display_name for c in uow.children.many(ids)} if ids else {}
        users = uow.users.display_names() if due else {}
    return [Reminder(a, a.state(today),
                     names.get(merged.get(a.child_id, a.child_id), f"#{a.child_id}"),
                     users.get(a.owner_id, "") if a.owner_id is not None else "",
                     a.late_by(today, holidays)) for a in due]


@dataclass(frozen=True)
class ActionLine:
    """One line of the DSL's actions list: the action, its state today, whose it is."""

    action: ActionDue
    state: DueState
    child: str
    owner: str


def action_list(session: Session) -> list[ActionLine]:
    """Every action given a due date or an owner, open and closed, soonest due first."""
    require(session.user, Role.DSL)
    today = local_date(session.clock.now(), session.tz)
    with session.uow() as uow:
        found = uow.deadlines.with_deadlines()
        merged = uow.children.merged_map()
        ids = {merged.get(a.child_id, a.child_id) for a in found}
        names = {c.id: c.display_name for c in uow.children.many(ids)} if ids else {}
        users = uow.users.display_names() if found else {}
    return [ActionLine(a, a.state(today),
                       names.get(merged.get(a.child_id, a.child_id), f"#{a.child_id}"),
                       users.get(a.owner_id, "") if a.owner_id is not None else "")
            for a in found]


def owners(session: Session) -> list[tuple[int, str]]:
    """Who may own an action: the DSL and deputies (active users of the DSL role)."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        found = [(u.id, u.display_name) for u in uow.users.active() if u.role is Role.DSL]
    return sorted(found, key=lambda pair: pair[1].casefold())


def reminder_count(session: Session) -> int:
    """How many open actions are overdue or due today (the window title's count)."""
    require(session.user, Role.DSL)
    today = local_date(session.clock.now(), session.tz)
    with session.uow() as uow:
        return sum(1 for a in uow.deadlines.open_with_due()
                   if a.due_on is not None and a.due_on <= today)


def actions_of(session: Session, child_id: int) -> list[ActionDue]:
    """A child's actions (all its merged identities) with due dates, owners and closure."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        return uow.deadlines.for_children(uow.children.identity_ids(child_id))


# -- a child's case ---------------------------------------------------------------------

def _status(uow: UnitOfWork, child_id: int, sign_off: bool) -> CaseStatus:
    ids = uow.children.identity_ids(child_id)
    closures = uow.deadlines.closures(ids)
    return case_status(closures[-1] if closures else None, uow.deadlines.last_concern(ids),
                       uow.deadlines.last_reopening(ids), sign_off=sign_off)


def status(session: Session, child_id: int, *, sign_off: bool) -> CaseStatus:
    require(session.user, Role.DSL)
    with session.uow() as uow:
        uow.children.get(child_id)
        return _status(uow, child_id, sign_off)


def close_case(session: Session, child_id: int, summary: str, *, sign_off: bool) -> int:
    """Close an open case with the DSL's closing summary. With sign_off (the school's
    policy) it stays awaiting a second DSL's sign-off."""
    require(session.user, Role.DSL)
    summary = clean_text(summary.strip(), "The closing summary")
    if not summary:
        raise InvalidInput("Write a closing summary: why the case can close, and what "
                           "was done.")
    now = session.clock.now()
    check_clock(now)
    with session.uow() as uow:
        uow.children.get(child_id)
        if _status(uow, child_id, sign_off).state is not CaseState.OPEN:
            raise InvalidInput("That case is already closed.")
        closure_id = uow.deadlines.close_case(child_id, summary, now, session.tz,
                                              session.user.id)
        audit.record(uow, session.clock, session.user, "case_closed", "child", child_id,
                     closure=closure_id)
        uow.commit()
    return closure_id


def sign_off_closure(session: Session, child_id: int) -> None:
    """A second DSL signs off the closure awaiting it."""
    require(session.user, Role.DSL)
    now = session.clock.now()
    check_clock(now)
    with session.uow() as uow:
        found = _status(uow, child_id, True)
        if found.state is not CaseState.AWAITING_SIGN_OFF or found.closure is None:
            raise InvalidInput("That case has no closure awaiting sign-off.")
        if found.closure.closed_by == session.user.id:
            raise PermissionDenied("A closure is signed off by a second DSL, not the one "
                                   "who closed the case.")
        uow.deadlines.sign_off(found.closure.id, now, session.user.id)
        audit.record(uow, session.clock, session.user, "case_signed_off", "child", child_id,
                     closure=found.closure.id)
        uow.commit()


def reopen_case(session: Session, child_id: int, reason: str, *, sign_off: bool) -> int:
    require(session.user, Role.DSL)
    reason = clean_text(reason.strip(), "The reason")
    if not reason:
        raise InvalidInput("Say why the case is reopened.")
    now = session.clock.now()
    check_clock(now)
    with session.uow() as uow:
        if _status(uow, child_id, sign_off).state is CaseState.OPEN:
            raise InvalidInput("That case is open.")
        reopening = uow.deadlines.reopen_case(child_id, reason, now, session.tz,
                                              session.user.id)
        audit.record(uow, session.clock, session.user, "case_reopened", "child", child_id)
        uow.commit()
    return reopening

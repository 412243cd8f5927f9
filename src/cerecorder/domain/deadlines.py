"""Actions with due dates and owners, and a child's case status: the rules, no I/O.

Working days are weekdays that are not bank holidays (term dates do not matter: a MASH
answers in the holidays too). A referral expects an answer: MASH and children's social care
decide within one working day (Working Together to Safeguard Children 2023, 2.3), so such
an action is due one working day after it was taken unless the DSL sets another date.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cerecorder.domain.model import ActionKind
from cerecorder.domain.schooldays import BankHolidays

#: working days a referral's answer is due in, by kind of action
RESPONSE_DAYS = {ActionKind.REFERRAL_MASH: 1, ActionKind.REFERRAL_CSC: 1}


def is_working_day(day: date, holidays: BankHolidays | None) -> bool:
    """A weekday that is not a bank holiday (weekdays only where they are not known)."""
    return day.weekday() < 5 and (holidays is None or day not in holidays.days)


def working_days_after(start: date, count: int, holidays: BankHolidays) -> date:
    """The count-th working day after start (start itself never counts)."""
    day = start
    left = count
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            left -= 1
    return day


def default_due(kind: ActionKind, taken_on: date, holidays: BankHolidays) -> date | None:
    days = RESPONSE_DAYS.get(kind)
    return None if days is None else working_days_after(taken_on, days, holidays)


class DueState(enum.StrEnum):
    OVERDUE = "overdue"
    DUE_TODAY = "due today"
    UPCOMING = "upcoming"
    UNDATED = "no due date"
    CLOSED = "closed"


@dataclass(frozen=True)
class ActionDue:
    """An action as the DSL chases it: when it is due, whose it is, and whether an outcome
    has closed it."""

    action_id: int
    child_id: int
    concern_id: int | None
    kind: ActionKind
    detail: str
    taken_at: datetime
    due_on: date | None
    owner_id: int | None
    closed_at: datetime | None

    def state(self, today: date) -> DueState:
        if self.closed_at is not None:
            return DueState.CLOSED
        if self.due_on is None:
            return DueState.UNDATED
        if self.due_on < today:
            return DueState.OVERDUE
        return DueState.DUE_TODAY if self.due_on == today else DueState.UPCOMING

    def late_by(self, today: date, holidays: BankHolidays | None) -> int:
        """Working days past the due date (0 when not overdue)."""
        if self.due_on is None or self.state(today) is not DueState.OVERDUE:
            return 0
        day, late = self.due_on, 0
        while day < today:
            day += timedelta(days=1)
            late += is_working_day(day, holidays)
        return late


class CaseState(enum.StrEnum):
    OPEN = "open"
    AWAITING_SIGN_OFF = "awaiting sign-off"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"open": "Open", "awaiting sign-off": "Closed, awaiting a second DSL's "
                "sign-off", "closed": "Closed"}[self.value]


@dataclass(frozen=True)
class CaseClosure:
    id: int
    child_id: int
    summary: str
    closed_at: datetime
    tz: str
    closed_by: int
    signed_by: int | None
    signed_at: datetime | None


@dataclass(frozen=True)
class CaseStatus:
    """A child's case: open unless the latest closure is later than every concern about
    the child and every reopening; closed only once signed off where the school asks."""

    state: CaseState
    closure: CaseClosure | None  # the closure in force (None while open)
    reopened_by: str = ""  # why a closed case is open again: "a new concern" or a reason

    def describe(self) -> str:
        text = self.state.label
        if self.closure is not None:
            text += f": {self.closure.summary}"
        elif self.reopened_by:
            text += f" (reopened: {self.reopened_by})"
        return text


def case_status(last_closure: CaseClosure | None, last_concern: datetime | None,
                last_reopening: tuple[datetime, str] | None, *, sign_off: bool
                ) -> CaseStatus:
    if last_closure is None:
        return CaseStatus(CaseState.OPEN, None)
    after = last_closure.closed_at
    if last_concern is not None and last_concern > after:
        return CaseStatus(CaseState.OPEN, None, "a new concern")
    if last_reopening is not None and last_reopening[0] > after:
        return CaseStatus(CaseState.OPEN, None, last_reopening[1])
    if sign_off and last_closure.signed_by is None:
        return CaseStatus(CaseState.AWAITING_SIGN_OFF, last_closure)
    return CaseStatus(CaseState.CLOSED, last_closure)

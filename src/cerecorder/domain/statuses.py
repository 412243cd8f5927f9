"""A child's dated statuses (child protection plan, child in need, looked after, EHCP,
SEND, early help) and the professionals involved with the child, as the DSL records them
for the chronology's front sheet. Both are ended by a date, never edited."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from cerecorder.domain.timefmt import uk_date


class StatusKind(enum.StrEnum):
    CP_PLAN = "cp_plan"
    CHILD_IN_NEED = "child_in_need"
    LOOKED_AFTER = "looked_after"
    EHCP = "ehcp"
    SEND = "send"
    EARLY_HELP = "early_help"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    StatusKind.CP_PLAN: "Child protection plan",
    StatusKind.CHILD_IN_NEED: "Child in need",
    StatusKind.LOOKED_AFTER: "Looked after",
    StatusKind.EHCP: "EHCP",
    StatusKind.SEND: "SEND support",
    StatusKind.EARLY_HELP: "Early help",
}

#: roles the DSL picks from (any other may be typed)
PROFESSIONAL_ROLES = ("Allocated social worker", "Early help lead", "Police contact",
                      "Youth justice worker", "School nurse", "CAMHS worker",
                      "Independent reviewing officer", "Virtual school head")


def _span(start: date, end: date | None) -> str:
    return f"{uk_date(start)} to {uk_date(end) if end else 'now'}"


def _overlaps(start: date, end: date | None, since: date | None, until: date | None) -> bool:
    return (until is None or start <= until) and (since is None or end is None or end >= since)


@dataclass(frozen=True)
class Status:
    id: int
    child_id: int
    kind: StatusKind
    started_on: date
    ended_on: date | None = None
    note: str = ""

    @property
    def span(self) -> str:
        return _span(self.started_on, self.ended_on)

    def current(self, on: date) -> bool:
        return self.started_on <= on and (self.ended_on is None or self.ended_on >= on)

    def overlaps(self, since: date | None, until: date | None) -> bool:
        return _overlaps(self.started_on, self.ended_on, since, until)


@dataclass(frozen=True)
class Professional:
    id: int
    child_id: int
    role: str
    name: str
    agency: str
    contact: str
    from_on: date
    to_on: date | None = None

    @property
    def span(self) -> str:
        return _span(self.from_on, self.to_on)

    def current(self, on: date) -> bool:
        return self.from_on <= on and (self.to_on is None or self.to_on >= on)

    def overlaps(self, since: date | None, until: date | None) -> bool:
        return _overlaps(self.from_on, self.to_on, since, until)


def age_text(born: date | None, on: date) -> str:
    """A child's age on a day, as a chronology gives it: "14y 3m"; "" when the date of
    birth is unknown or after the day."""
    if born is None or on < born:
        return ""
    months = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
    return f"{months // 12}y {months % 12}m"

"""Subject access requests (UK GDPR article 15): answered within one calendar month of
receipt, extendable by up to two further months where the request is complex; third
parties (other children, family members, others, and where appropriate staff) redacted,
each redaction with its reason. The originals never change: a redaction is a record of
its own, applied to a copy."""

from __future__ import annotations

import calendar
import enum
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cerecorder.domain.schooldays import BankHolidays

MAX_EXTENSION_MONTHS = 2


class RedactionKind(enum.StrEnum):
    OTHER_CHILD = "other child"
    FAMILY = "family member"
    THIRD_PARTY = "third party"
    STAFF = "member of staff"


class SarStep(enum.StrEnum):
    EXTENDED = "extended"        # detail: the reason; new_due set
    SENT = "sent"                # detail: how the response went
    CLOSED = "closed"            # detail: why (withdrawn, refused with reason...)


def add_months(day: date, months: int) -> date:
    """The corresponding day so many months on; the month's last day where it has none
    (31 January + 1 month = 28 or 29 February), as the ICO counts."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_working_day(day: date, holidays: BankHolidays) -> date:
    while day.weekday() >= 5 or day in holidays.days:
        day += timedelta(days=1)
    return day


def due_date(received_on: date, holidays: BankHolidays, months: int = 1) -> date:
    """One calendar month from receipt (or more once extended), moved to the next working
    day when it falls at a weekend or on a bank holiday."""
    return next_working_day(add_months(received_on, months), holidays)


@dataclass(frozen=True)
class Redaction:
    id: int
    record: str          # the chronology entry: "<entry type>:<id>"
    field: str           # the part of it: event, decision, outcome, child_words
    text: str            # what is redacted there, every occurrence ("" = the whole field)
    kind: RedactionKind
    reason: str          # the exemption relied on
    made_at: datetime
    made_by: int

    @property
    def label(self) -> str:
        return f"[redacted: {self.kind.value}]"


def redact(value: str, redactions: list[Redaction]) -> str:
    """The text with each redaction applied: a whole field replaced, or every occurrence of
    the words (whole words, any case) replaced by the label."""
    for r in redactions:
        if not r.text:
            return r.label if value else value
        value = re.sub(rf"(?<!\w){re.escape(r.text)}(?!\w)", r.label, value,
                       flags=re.IGNORECASE)
    return value


@dataclass(frozen=True)
class SarCase:
    id: int
    child_id: int
    requester: str
    relationship: str
    received_on: date
    due_on: date
    opened_at: datetime
    opened_by: int
    steps: tuple[tuple[SarStep, date, str, date | None], ...] = ()  # (step, on, detail, new due)

    @property
    def due(self) -> date:
        extended = [s[3] for s in self.steps if s[0] is SarStep.EXTENDED and s[3]]
        return extended[-1] if extended else self.due_on

    @property
    def state(self) -> str:
        done = [s for s in self.steps if s[0] in (SarStep.SENT, SarStep.CLOSED)]
        if done:
            return f"{done[-1][0].value} {done[-1][1]:%d/%m/%Y}"
        return "open"

    @property
    def closed(self) -> bool:
        return any(s[0] in (SarStep.SENT, SarStep.CLOSED) for s in self.steps)

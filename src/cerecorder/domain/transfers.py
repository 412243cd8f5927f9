"""A child protection file's transfer to the next school, as KCSIE asks: sent separately
from the main pupil file within 5 school days, with confirmation of receipt, and a chase
when none comes. Its state follows from the steps recorded against it and today's date."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from cerecorder.domain.schooldays import SchoolCalendar
from cerecorder.domain.timefmt import uk_date

#: school days after sending (or the last chase) before a missing receipt is chased
CHASE_AFTER_SCHOOL_DAYS = 5


class StepKind(enum.StrEnum):
    DESTINATION = "destination"  # the destination named or corrected
    SENT = "sent"
    CHASED = "chased"
    ACKNOWLEDGED = "acknowledged"
    CANCELLED = "cancelled"


class AfterTransfer(enum.StrEnum):
    """What the sending school keeps once the receiving school acknowledged the file (the
    school's choice, policy key after_transfer): the whole file, read-only and marked as
    transferred; or only a read-only record of what was sent, the rest of the file then
    leaving the vault by the two-person destruction (IRMS: the last school keeps the file)."""

    WHOLE_FILE = "whole_file"
    RECORD = "record"

    @property
    def label(self) -> str:
        return ("the whole file, read-only, marked as transferred"
                if self is AfterTransfer.WHOLE_FILE else
                "a record of what was sent; the file is then destroyed (two people)")


DEFAULT_AFTER_TRANSFER = AfterTransfer.WHOLE_FILE


class TransferState(enum.StrEnum):
    TO_SEND = "to send"
    SENT = "sent"
    OVERDUE = "overdue"
    ACKNOWLEDGED = "acknowledged"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class TransferStep:
    kind: StepKind
    happened_on: date
    detail: str   # how it was sent, who acknowledged it, the destination, why cancelled
    note: str
    recorded_by: int


@dataclass(frozen=True)
class Transfer:
    id: int
    child_id: int
    destination: str
    destination_dsl: str
    moved_on: date
    due_on: date
    due_estimated: bool
    opened_at: datetime
    opened_by: int
    steps: tuple[TransferStep, ...] = ()

    def last(self, kind: StepKind) -> TransferStep | None:
        return next((s for s in reversed(self.steps) if s.kind is kind), None)

    @property
    def school(self) -> str:
        """The destination as last named ('' while it is not known)."""
        named = self.last(StepKind.DESTINATION)
        return named.detail if named is not None else self.destination

    @property
    def closed(self) -> bool:
        return any(s.kind in (StepKind.ACKNOWLEDGED, StepKind.CANCELLED) for s in self.steps)


@dataclass(frozen=True)
class TransferStatus:
    transfer: Transfer
    state: TransferState
    chase_on: date | None   # when a missing receipt is next to be chased

    def describe(self) -> str:
        t = self.transfer
        if self.state is TransferState.TO_SEND:
            return f"to send, due {uk_date(t.due_on)}"
        if self.state is TransferState.OVERDUE and t.last(StepKind.SENT) is None:
            return f"overdue: due {uk_date(t.due_on)}, not sent"
        if self.state in (TransferState.SENT, TransferState.OVERDUE) and self.chase_on:
            word = "no receipt: chase" if self.state is TransferState.OVERDUE else \
                "sent; chase from"
            return f"{word} {uk_date(self.chase_on)}"
        step = t.last(StepKind.ACKNOWLEDGED if self.state is TransferState.ACKNOWLEDGED
                      else StepKind.CANCELLED)
        return self.state.value + (f" {uk_date(step.happened_on)}" if step else "")


def status(transfer: Transfer, calendar: SchoolCalendar, today: date) -> TransferStatus:
    """Where a transfer stands today."""
    if transfer.last(StepKind.ACKNOWLEDGED) is not None:
        return TransferStatus(transfer, TransferState.ACKNOWLEDGED, None)
    if transfer.last(StepKind.CANCELLED) is not None:
        return TransferStatus(transfer, TransferState.CANCELLED, None)
    sent = transfer.last(StepKind.SENT)
    if sent is None:
        late = today > transfer.due_on
        return TransferStatus(transfer, TransferState.OVERDUE if late else
                              TransferState.TO_SEND, None)
    chased = transfer.last(StepKind.CHASED)
    since = max(sent.happened_on, chased.happened_on) if chased else sent.happened_on
    chase_on = calendar.school_days_after(since, CHASE_AFTER_SCHOOL_DAYS).due
    return TransferStatus(transfer, TransferState.OVERDUE if today >= chase_on else
                          TransferState.SENT, chase_on)


_ONE = {"concerns": "concern", "addenda": "addendum", "decisions": "decision",
        "actions": "action", "outcomes": "outcome", "events": "event"}


@dataclass(frozen=True)
class TransferRecord:
    """What the sending vault keeps of an acknowledged transfer, whatever happens to the
    file: who the child was, where the file went, how and when, who acknowledged it, and
    how many entries of each kind were sent (never what they said)."""

    transfer_id: int
    child_id: int
    child_name: str
    date_of_birth: date | None
    upn: str
    destination: str
    sent_on: date | None
    sent_how: str
    acknowledged_on: date
    acknowledged_by: str
    packet_id: str
    entries: dict[str, int]
    kept: AfterTransfer
    made_at: datetime

    def describe(self) -> str:
        counts = ", ".join(f"{n} {kind if n != 1 else _ONE.get(kind, kind)}"
                           for kind, n in sorted(self.entries.items()) if n)
        sent = f" on {uk_date(self.sent_on)}" if self.sent_on else ""
        return (f"File transferred to {self.destination}{sent} ({self.sent_how}); "
                f"acknowledged {uk_date(self.acknowledged_on)} by {self.acknowledged_by}. "
                f"Sent: {counts or 'no entries'}.")

"""File transfers to the next school (DSL only): opened with a deadline in school days,
then sent, chased and acknowledged, each step recorded and audited (ids, never what was
written)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import Child, Role
from cerecorder.domain.rules import MAX_NAME, check_date, clean_text
from cerecorder.domain.schooldays import BankHolidays, Deadline
from cerecorder.domain.timefmt import local_date, uk_date
from cerecorder.domain.transfers import (
    AfterTransfer,
    StepKind,
    TransferState,
    TransferStatus,
    status,
)
from cerecorder.services import audit, calendar, children, transfer_records
from cerecorder.services.access import require
from cerecorder.services.session import Session
from cerecorder.storage.uow import UnitOfWork

#: how far ahead a move may be planned
PLANNED_AHEAD = timedelta(days=366)
_ORDER = {TransferState.OVERDUE: 0, TransferState.TO_SEND: 1, TransferState.SENT: 2,
          TransferState.ACKNOWLEDGED: 3, TransferState.CANCELLED: 4}
_NEEDS = {
    StepKind.DESTINATION: "the receiving school's name",
    StepKind.SENT: "how the file was sent (for example: sealed packet, recorded post)",
    StepKind.CHASED: "how the receipt was chased",
    StepKind.ACKNOWLEDGED: "who acknowledged the file (name and role)",
    StepKind.CANCELLED: "why the transfer is cancelled",
}


@dataclass(frozen=True)
class TransferRow:
    status: TransferStatus
    child_name: str


def _today(session: Session) -> date:
    return local_date(session.clock.now(), session.tz)


def open_transfer(session: Session, holidays: BankHolidays, child_id: int, moved_on: date,
                  destination: str = "", destination_dsl: str = "") -> int:
    """A transfer for a child who moved (or will move) school. One at a time per child."""
    require(session.user, Role.DSL)
    today = _today(session)
    check_date(moved_on, today + PLANNED_AHEAD, "The day the child moves")
    destination = clean_text(destination.strip(), "The receiving school", MAX_NAME)
    destination_dsl = clean_text(destination_dsl.strip(), "The receiving DSL", MAX_NAME)
    deadline = calendar.transfer_deadline(session, holidays, moved_on)
    with session.uow() as uow:
        child = uow.children.get(child_id)
        still_open = [t for t in uow.transfers.for_child(child_id) if not t.closed]
        if still_open:
            raise InvalidInput(f"{child.display_name} already has a transfer open "
                               f"(#{still_open[0].id}): record its steps there.")
        transfer_id = uow.transfers.add(child_id, destination, destination_dsl, moved_on,
                                        deadline.due, deadline.estimated, session.clock.now(),
                                        session.user.id)
        audit.record(uow, session.clock, session.user, "transfer_opened", "transfer",
                     transfer_id, child=child_id)
        uow.commit()
    return transfer_id


def mark_left(session: Session, holidays: BankHolidays, child_id: int, left_on: date,
              destination: str = "", destination_dsl: str = "") -> int:
    """The DSL marks a child as left by hand (the roll import does it for a whole roll):
    the child leaves the roll on that day and a transfer opens, to the school named if it
    is known, in the same transaction. Returns the transfer's id."""
    require(session.user, Role.DSL)
    today = _today(session)
    check_date(left_on, today + PLANNED_AHEAD, "The leaving date")
    destination = clean_text(destination.strip(), "The receiving school", MAX_NAME)
    destination_dsl = clean_text(destination_dsl.strip(), "The receiving DSL", MAX_NAME)
    deadline = calendar.transfer_deadline(session, holidays, left_on)
    with session.uow() as uow:
        child = uow.children.get(child_id)
        if child.left_on is not None:
            raise InvalidInput(f"{child.display_name} was marked as left on "
                               f"{uk_date(child.left_on)} already: open a transfer from "
                               "the transfers list.")
        if any(not t.closed for t in uow.transfers.for_child(child_id)):
            raise InvalidInput(f"{child.display_name} already has a transfer open.")
        uow.children.set_left(child_id, left_on)
        audit.record(uow, session.clock, session.user, "child_left", "child", child_id,
                     source="by_hand")
        transfer_id = uow.transfers.add(child_id, destination, destination_dsl, left_on,
                                        deadline.due, deadline.estimated, session.clock.now(),
                                        session.user.id)
        audit.record(uow, session.clock, session.user, "transfer_opened", "transfer",
                     transfer_id, child=child_id, source="marked_left")
        uow.commit()
    return transfer_id


def open_for_leavers(uow: UnitOfWork, session: Session, child_ids: Iterable[int],
                     left_on: date, deadline: Deadline) -> list[int]:
    """Inside a roll import's transaction: a transfer 'to send', destination not yet known
    (for the DSL to complete), for each leaver whose file holds any record and has no
    transfer open. Returns the transfers' ids."""
    opened = []
    for child_id in child_ids:
        if not any(transfer_records.entry_counts(uow, child_id).values()):
            continue
        if any(not t.closed for t in uow.transfers.for_child(child_id)):
            continue
        transfer_id = uow.transfers.add(child_id, "", "", left_on, deadline.due,
                                        deadline.estimated, session.clock.now(),
                                        session.user.id)
        audit.record(uow, session.clock, session.user, "transfer_opened", "transfer",
                     transfer_id, child=child_id, source="roster_import")
        opened.append(transfer_id)
    return opened


def record_step(session: Session, transfer_id: int, kind: StepKind, detail: str,
                note: str = "", happened_on: date | None = None,
                after: AfterTransfer | None = None) -> None:
    """`after`: what the policy keeps once the file is acknowledged (None: the vault's
    setting; services/transfer_records.py)."""
    require(session.user, Role.DSL)
    kept = transfer_records.after_transfer(session, after)
    today = _today(session)
    happened_on = happened_on or today
    check_date(happened_on, today, "The day it happened")
    detail = clean_text(detail.strip(), _NEEDS[kind].capitalize(), MAX_NAME)
    if not detail:
        raise InvalidInput(f"Say {_NEEDS[kind]}.")
    note = clean_text(note.strip(), "The note")
    with session.uow() as uow:
        transfer = uow.transfers.get(transfer_id)
        if transfer.closed:
            raise InvalidInput(f"Transfer #{transfer_id} is closed: nothing more can be "
                               "recorded against it.")
        if kind is StepKind.SENT and not transfer.school:
            raise InvalidInput("Name the receiving school before recording the file as sent.")
        if kind in (StepKind.CHASED, StepKind.ACKNOWLEDGED) \
                and transfer.last(StepKind.SENT) is None:
            raise InvalidInput("Record how the file was sent first.")
        uow.transfers.add_step(transfer_id, kind, happened_on, detail, note,
                               session.clock.now(), session.user.id)
        audit.record(uow, session.clock, session.user, "transfer_step", "transfer",
                     transfer_id, step=kind.value)
        if kind is StepKind.ACKNOWLEDGED:
            transfer_records.keep_after_acknowledgement(uow, session, transfer, happened_on,
                                                        detail, kept)
        uow.commit()


def transfers(session: Session, holidays: BankHolidays, *,
              child_id: int | None = None) -> list[TransferRow]:
    """Every transfer where it stands today: overdue first, then to send, sent, closed."""
    require(session.user, Role.DSL)
    school = calendar.school_calendar(session, holidays)
    today = _today(session)
    with session.uow() as uow:
        found = uow.transfers.all() if child_id is None else uow.transfers.for_child(child_id)
        names = {t.child_id: uow.children.get(t.child_id).display_name for t in found}
    rows = [TransferRow(status(t, school, today), names[t.child_id]) for t in found]
    return sorted(rows, key=lambda r: (_ORDER[r.status.state], r.status.transfer.due_on,
                                       r.status.transfer.id))


def leavers_without_transfer(session: Session) -> list[Child]:
    """Pupils marked as left (by the roll import or by hand) whose file holds records but
    for whom no transfer was ever opened: the list asks the DSL about each."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        opened = {t.child_id for t in uow.transfers.all()}
        merged = uow.children.merged_map()
    return [row.child for row in children.roster(session, include_left=True)
            if row.child.left_on is not None and row.entries and row.child.id not in opened
            and row.child.id not in merged]


def overdue(session: Session, holidays: BankHolidays) -> list[TransferRow]:
    """For the DSL's first screen."""
    return [r for r in transfers(session, holidays)
            if r.status.state is TransferState.OVERDUE]


def describe(row: TransferRow) -> str:
    t = row.status.transfer
    to = t.school or "a school not yet named"
    return (f"{row.child_name} to {to} (moved {uk_date(t.moved_on)}): "
            f"{row.status.describe()}" + (" (deadline estimated)" if t.due_estimated else ""))

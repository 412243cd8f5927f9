"""What the sending school keeps once the receiving school acknowledged a child's file
(the school's choice: the policy key after_transfer, else the DSL's setting of the vault).

Either way a record of what was sent is made with the acknowledgement, in its
transaction. With the whole file kept, the file is read-only from then on and shown as
transferred. With the record alone, a destruction of the rest is requested in the name of
the DSL who acknowledged it, for an administrator to carry out (services/destruction.py:
two people, a legal hold still stops it). The review date does not hold it back: the
IRMS toolkit has the last school to hold a file keep it, and that is now the receiving
school. The record's child id is a plain number, so the record outlives the file."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import Role
from cerecorder.domain.retention import TRANSFERRED_RULE
from cerecorder.domain.timefmt import uk_date
from cerecorder.domain.transfers import (
    DEFAULT_AFTER_TRANSFER,
    AfterTransfer,
    StepKind,
    Transfer,
    TransferRecord,
)
from cerecorder.services import audit
from cerecorder.services.access import require
from cerecorder.services.session import Session
from cerecorder.storage.uow import UnitOfWork

AFTER_TRANSFER_KEY = "after_transfer"


def after_transfer(session: Session, fixed: AfterTransfer | None = None) -> AfterTransfer:
    """What is kept: the policy's value (fixed) first, then the vault's setting."""
    if fixed is not None:
        return fixed
    with session.uow() as uow:
        value = uow.meta.get(AFTER_TRANSFER_KEY)
    return AfterTransfer(value) if value else DEFAULT_AFTER_TRANSFER


def set_after_transfer(session: Session, value: AfterTransfer) -> None:
    require(session.user, Role.DSL)
    with session.uow() as uow:
        uow.meta.set(AFTER_TRANSFER_KEY, value.value)
        audit.record(uow, session.clock, session.user, "after_transfer_set", "vault",
                     session.vault.vault_id, kept=value.value)
        uow.commit()


def entry_counts(uow: UnitOfWork, child_id: int) -> dict[str, int]:
    """How many entries of each kind the child's file holds (a merged record's too)."""
    identity = uow.children.identity_ids(child_id)
    concerns = {c.id for own in identity for c in uow.concerns.for_child(own)}
    ids = sorted(concerns)
    return {
        "concerns": len(ids),
        "addenda": len(uow.concerns.addenda(ids)),
        "decisions": len(uow.dsl.triage_for(ids)),
        "actions": sum(len(uow.dsl.actions_for_child(own)) for own in identity),
        "outcomes": sum(len(uow.dsl.outcomes_for_child(own)) for own in identity),
        "events": sum(len(uow.dsl.events_for_child(own)) for own in identity),
    }


def keep_after_acknowledgement(uow: UnitOfWork, session: Session, transfer: Transfer,
                               acknowledged_on: date, acknowledged_by: str,
                               kept: AfterTransfer, packet_id: str = "") -> None:
    """Inside the acknowledgement's transaction: the record of what was sent and, when
    the record alone is kept, the destruction request for the rest."""
    child = uow.children.get(transfer.child_id)
    sent = transfer.last(StepKind.SENT)
    record = TransferRecord(
        transfer.id, child.id, child.display_name, child.details.date_of_birth,
        child.details.upn, transfer.school, sent.happened_on if sent else None,
        sent.detail if sent else "", acknowledged_on,
        acknowledged_by, packet_id, entry_counts(uow, child.id), kept, session.clock.now())
    uow.transfer_records.add(record, session.user.id)
    audit.record(uow, session.clock, session.user, "transfer_record_kept", "transfer",
                 transfer.id, child=child.id, kept=kept.value)
    if kept is AfterTransfer.RECORD:
        reason = (f"Transferred to {record.destination}, acknowledged "
                  f"{uk_date(record.acknowledged_on)} by {acknowledged_by}: the receiving "
                  "school keeps the file; this school keeps the record of what was sent.")
        request_id = uow.destructions.add_request(
            child.id, TRANSFERRED_RULE, record.acknowledged_on, reason, session.clock.now(),
            session.user.id)
        audit.record(uow, session.clock, session.user, "destruction_requested",
                     "destruction", request_id, child=child.id, rule="transferred")


def records(session: Session, child_id: int | None = None) -> list[TransferRecord]:
    require(session.user, Role.DSL, Role.ADMIN)
    with session.uow() as uow:
        return uow.transfer_records.all(child_id)


def handed_on(session: Session) -> list[TransferRecord]:
    """The records kept of files that left the vault after their transfer (the school's
    policy kept the record alone and the file was destroyed): all that shows them now."""
    require(session.user, Role.DSL, Role.ADMIN)
    with session.uow() as uow:
        kept = uow.transfer_records.all()
        here = {t.id for t in uow.transfers.all()}
    return [r for r in kept if r.transfer_id not in here]


def transferred(session: Session, child_id: int) -> TransferRecord | None:
    """The latest acknowledged transfer of the child's file, if it left: read-only then."""
    found = records(session, child_id)
    return found[-1] if found else None


def check_not_transferred(uow: UnitOfWork, child_ids: Iterable[int]) -> None:
    """Refuses a new entry in a file handed on to the next school."""
    for child_id in child_ids:
        found = uow.transfer_records.all(child_id)
        if found:
            r = found[-1]
            raise InvalidInput(
                f"{r.child_name}'s file was transferred to {r.destination} (acknowledged "
                f"{uk_date(r.acknowledged_on)}) and is read-only here: record it at the "
                "receiving school, or open a new file if the child comes back.")


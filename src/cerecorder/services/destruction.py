"""Destroying a child protection file after its retention review: two people, a DSL who
asks and an administrator who carries it out, both audited; never under a legal hold,
never before the review date. What stays is a certificate with ids and counts, no record
content; the file is then rewritten so that nothing remains in its free pages."""

from __future__ import annotations

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import Role
from cerecorder.domain.retention import (
    DEFAULT_YEARS,
    TRANSFERRED_RULE,
    Destroyed,
    DestructionRequest,
    RetentionRow,
    ReviewState,
)
from cerecorder.domain.rules import clean_text
from cerecorder.domain.timefmt import uk_date
from cerecorder.domain.transfers import AfterTransfer
from cerecorder.services import audit, retention, transfer_records
from cerecorder.services.access import require
from cerecorder.services.session import Session
from cerecorder.storage.destruction import compact, destroy


def _due(session: Session, child_id: int, years: int) -> RetentionRow:
    row = retention.file_review(session, child_id,
                                DEFAULT_YEARS if years == TRANSFERRED_RULE else years)
    if row is None:
        raise InvalidInput(f"There is no file for child {child_id}.")
    if row.state is ReviewState.HELD:
        raise InvalidInput("The file is under a legal hold ("
                           + "; ".join(h.name for h in row.holds) + "): it cannot be destroyed.")
    if years == TRANSFERRED_RULE:
        # the file left by transfer, and the school keeps a record of what was sent: the
        # receiving school keeps the file now (IRMS), so no review date holds it back
        kept = transfer_records.records(session, child_id)
        if not kept or kept[-1].kept is not AfterTransfer.RECORD:
            raise InvalidInput("The file was not handed on under a policy keeping only a "
                               "record of what was sent: it is reviewed by date of birth.")
        return row
    if row.state is ReviewState.NO_DATE:
        raise InvalidInput("The child has no date of birth, so the file's review date is not "
                           "known: it cannot be destroyed.")
    if row.state is ReviewState.KEEP:
        assert row.review_on is not None
        raise InvalidInput(f"The file is kept until {uk_date(row.review_on)}: it cannot be "
                           "destroyed before its review date.")
    return row


def request_destruction(session: Session, child_id: int, reason: str,
                        years: int = DEFAULT_YEARS) -> int:
    """The DSL, after reviewing a file that is due: asks for it to be destroyed."""
    require(session.user, Role.DSL)
    reason = clean_text(reason.strip(), "The reason")
    if not reason:
        raise InvalidInput("Say why the file is to be destroyed (the review's outcome).")
    row = _due(session, child_id, years)
    assert row.review_on is not None
    with session.uow() as uow:
        if any(r.child_id == child_id and not r.done for r in uow.destructions.all()):
            raise InvalidInput("A destruction of this file is already waiting for an "
                               "administrator.")
        request_id = uow.destructions.add_request(child_id, years, row.review_on, reason,
                                                  session.clock.now(), session.user.id)
        audit.record(uow, session.clock, session.user, "destruction_requested",
                     "destruction", request_id, child=child_id)
        uow.commit()
    return request_id


def requests(session: Session) -> list[DestructionRequest]:
    require(session.user, Role.DSL, Role.ADMIN)
    with session.uow() as uow:
        return uow.destructions.all()


def carry_out(session: Session, request_id: int) -> Destroyed:
    """The administrator, who is not the DSL who asked: the file goes, in one transaction,
    then the vault file is compacted. The review is checked again first: a hold set since
    the request stops it."""
    require(session.user, Role.ADMIN)
    with session.uow() as uow:
        found = {r.id: r for r in uow.destructions.all()}
    request = found.get(request_id)
    if request is None:
        raise InvalidInput(f"There is no destruction request #{request_id}.")
    if request.done:
        raise InvalidInput(f"Destruction request #{request_id} was carried out already.")
    if request.requested_by == session.user.id:
        raise InvalidInput("A destruction needs a second person: the one who asked cannot "
                           "carry it out.")
    _due(session, request.child_id, request.rule_years)
    with session.uow() as uow:
        identity = set(uow.children.identity_ids(request.child_id))
        kept = sorted(uow.destructions.shared_concerns(identity))
        counts = destroy(uow.conn, identity, uow.destructions.sole_concerns(identity))
        uow.destructions.record(request_id, counts, session.clock.now(), session.user.id)
        # the certificate says what stayed and why: concerns shared with other children
        # are theirs too, so only this child's link to them went (ids, never content)
        audit.record(uow, session.clock, session.user, "file_destroyed", "destruction",
                     request_id, child=request.child_id, rows=sum(counts.values()),
                     shared_concerns_kept=kept, kept_because="also in other children's files")
        uow.commit()
    compact(session.vault.conn)
    return Destroyed(request_id, counts, tuple(kept))

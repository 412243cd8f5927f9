"""The DSL's handover facts about a child: dated statuses, the professionals involved,
which chronology entries are significant, and the impact of an entry on the child; and
the DSL's own contact for front sheets. DSL only; every change audited (ids only).

Nothing here is edited in place: a status or an involvement is ended with a date (to
correct one, end it and add the right one), and a later mark or impact note of an entry
replaces the earlier one while both stay on file.
"""

from __future__ import annotations

from datetime import date

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import EntryType, Role
from cerecorder.domain.rules import MAX_NAME, check_clock, check_date, clean_text
from cerecorder.domain.statuses import Professional, Status, StatusKind
from cerecorder.domain.timefmt import local_date
from cerecorder.services import audit, transfer_records
from cerecorder.services.access import require
from cerecorder.services.session import Session
from cerecorder.storage.statuses import EntryRef

_CONTACT_KEY = "dsl_contact.{}"


def _today(session: Session) -> date:
    now = session.clock.now()
    check_clock(now)
    return local_date(now, session.tz)


def statuses(session: Session, child_id: int) -> list[Status]:
    """Every status of the child (and of records merged into it), oldest first."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        return uow.statuses.statuses(uow.children.identity_ids(child_id))


def professionals(session: Session, child_id: int) -> list[Professional]:
    require(session.user, Role.DSL)
    with session.uow() as uow:
        return uow.statuses.professionals(uow.children.identity_ids(child_id))


def add_status(session: Session, child_id: int, kind: StatusKind, started_on: date,
               note: str = "") -> int:
    require(session.user, Role.DSL)
    note = clean_text(note.strip(), "The note", MAX_NAME)
    check_date(started_on, _today(session), "The start date")
    with session.uow() as uow:
        uow.children.get(child_id)
        transfer_records.check_not_transferred(uow, [child_id])
        status_id = uow.statuses.add_status(child_id, kind, started_on, note,
                                            session.clock.now(), session.user.id)
        audit.record(uow, session.clock, session.user, "status_added", "child", child_id,
                     status=status_id, kind=kind.value)
        uow.commit()
    return status_id


def end_status(session: Session, status_id: int, ended_on: date, reason: str = "") -> None:
    require(session.user, Role.DSL)
    reason = clean_text(reason.strip(), "The reason", MAX_NAME)
    check_date(ended_on, _today(session), "The end date")
    with session.uow() as uow:
        status = uow.statuses.status(status_id)
        if ended_on < status.started_on:
            raise InvalidInput("The end date is before the status started.")
        uow.statuses.end_status(status_id, ended_on, reason, session.clock.now(),
                                session.user.id)
        audit.record(uow, session.clock, session.user, "status_ended", "child",
                     status.child_id, status=status_id)
        uow.commit()


def add_professional(session: Session, child_id: int, *, role: str, name: str,
                     agency: str = "", contact: str = "", from_on: date) -> int:
    require(session.user, Role.DSL)
    role, name = (clean_text(v.strip(), what, MAX_NAME)
                  for v, what in ((role, "The role"), (name, "The name")))
    agency, contact = (clean_text(v.strip(), what, MAX_NAME)
                       for v, what in ((agency, "The service or agency"),
                                       (contact, "The contact")))
    if not role or not name:
        raise InvalidInput("Give the professional's role and name.")
    check_date(from_on, _today(session), "The date involved from")
    with session.uow() as uow:
        uow.children.get(child_id)
        transfer_records.check_not_transferred(uow, [child_id])
        professional_id = uow.statuses.add_professional(
            child_id, role, name, agency, contact, from_on, session.clock.now(),
            session.user.id)
        audit.record(uow, session.clock, session.user, "professional_added", "child",
                     child_id, professional=professional_id)
        uow.commit()
    return professional_id


def end_professional(session: Session, professional_id: int, to_on: date,
                     reason: str = "") -> None:
    require(session.user, Role.DSL)
    reason = clean_text(reason.strip(), "The reason", MAX_NAME)
    check_date(to_on, _today(session), "The date involved to")
    with session.uow() as uow:
        found = uow.statuses.professional(professional_id)
        if to_on < found.from_on:
            raise InvalidInput("The end date is before the involvement began.")
        uow.statuses.end_professional(professional_id, to_on, reason, session.clock.now(),
                                      session.user.id)
        audit.record(uow, session.clock, session.user, "professional_ended", "child",
                     found.child_id, professional=professional_id)
        uow.commit()


def _ref(entry_type: EntryType, ref_id: int) -> EntryRef:
    if ref_id <= 0:
        raise InvalidInput("Choose an entry of the chronology.")
    return (entry_type.value, ref_id)


def mark_significant(session: Session, child_id: int, entry_type: EntryType, ref_id: int,
                     significant: bool = True) -> None:
    """Mark an entry of the child's chronology as a significant event (or no longer): the
    entry itself is not changed; the mark is kept beside it, with who and when."""
    require(session.user, Role.DSL)
    ref = _ref(entry_type, ref_id)
    with session.uow() as uow:
        uow.children.get(child_id)
        transfer_records.check_not_transferred(uow, [child_id])
        uow.statuses.mark(child_id, ref, significant, session.clock.now(), session.user.id)
        audit.record(uow, session.clock, session.user,
                     "entry_marked_significant" if significant else "entry_unmarked_significant",
                     "child", child_id, entry_type=entry_type.value, entry=ref_id)
        uow.commit()


def significant(session: Session, child_id: int) -> set[EntryRef]:
    require(session.user, Role.DSL)
    with session.uow() as uow:
        return uow.statuses.significant(uow.children.identity_ids(child_id))


def write_impact(session: Session, child_id: int, entry_type: EntryType, ref_id: int,
                 body: str) -> None:
    """The DSL's note of what an entry meant for the child (the chronology's "Impact on
    the child"); a later note replaces it on the chronology, "" withdraws it."""
    require(session.user, Role.DSL)
    ref = _ref(entry_type, ref_id)
    body = clean_text(body.strip(), "The impact on the child")
    with session.uow() as uow:
        uow.children.get(child_id)
        transfer_records.check_not_transferred(uow, [child_id])
        uow.statuses.add_impact(child_id, ref, body, session.clock.now(), session.tz,
                                session.user.id)
        audit.record(uow, session.clock, session.user, "impact_written", "child", child_id,
                     entry_type=entry_type.value, entry=ref_id)
        uow.commit()


def dsl_contact(session: Session) -> str:
    """How the signed-in DSL is reached (telephone, email), as front sheets give it."""
    with session.uow() as uow:
        return uow.meta.get(_CONTACT_KEY.format(session.user.id)) or ""


def set_dsl_contact(session: Session, contact: str) -> None:
    require(session.user, Role.DSL)
    contact = clean_text(contact.strip(), "The contact", MAX_NAME)
    with session.uow() as uow:
        uow.meta.set(_CONTACT_KEY.format(session.user.id), contact)
        audit.record(uow, session.clock, session.user, "dsl_contact_set", "user",
                     session.user.id)
        uow.commit()

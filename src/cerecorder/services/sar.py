"""Subject access requests (DSL only; audited with ids): the case and its deadline, every
record about the child, the redactions with their reasons, and the redacted copy, whose
text layer holds the labels and never the redacted words."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date
from pathlib import Path

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.handover import ChronologyDocument, DocumentRenderer
from cerecorder.domain.model import ChronologyEntry, Role
from cerecorder.domain.rules import MAX_NAME, check_date, clean_text
from cerecorder.domain.sar import (
    MAX_EXTENSION_MONTHS,
    Redaction,
    RedactionKind,
    SarCase,
    SarStep,
    due_date,
    redact,
)
from cerecorder.domain.schooldays import BankHolidays
from cerecorder.domain.timefmt import local_date
from cerecorder.services import audit, handover
from cerecorder.services.access import require
from cerecorder.services.chronology import chronology
from cerecorder.services.search import search_concerns
from cerecorder.services.session import Session
from cerecorder.storage.fileio import atomic_write

FIELDS = ("event", "decision", "outcome", "child_words")
#: the reason offered for another child named in the child's records
OTHER_CHILD_REASON = ("Third-party personal data: another child (Data Protection Act 2018, "
                      "Schedule 2, Part 3, paragraph 16)")


def _today(session: Session) -> date:
    return local_date(session.clock.now(), session.tz)


def record_key(entry: ChronologyEntry) -> str:
    """How a redaction names the entry it applies to."""
    return f"{entry.entry_type.value}:{entry.ref_id}"


def open_case(session: Session, holidays: BankHolidays, child_id: int, requester: str,
              relationship: str, received_on: date) -> int:
    require(session.user, Role.DSL)
    requester = clean_text(requester.strip(), "Who asked", MAX_NAME)
    relationship = clean_text(relationship.strip(), "Their relationship to the child", MAX_NAME)
    if not requester:
        raise InvalidInput("Say who made the request.")
    check_date(received_on, _today(session), "The day the request was received")
    due = due_date(received_on, holidays)
    with session.uow() as uow:
        uow.children.get(child_id)
        case_id = uow.sars.add_case(child_id, requester, relationship, received_on, due,
                                    session.clock.now(), session.user.id)
        audit.record(uow, session.clock, session.user, "sar_opened", "sar", case_id,
                     child=child_id)
        uow.commit()
    return case_id


def cases(session: Session) -> list[SarCase]:
    require(session.user, Role.DSL)
    with session.uow() as uow:
        return uow.sars.cases()


def extend(session: Session, holidays: BankHolidays, case_id: int, months: int,
           reason: str) -> date:
    """Up to two further months where the request is complex, with the reason (the
    requester must be told within the first month)."""
    require(session.user, Role.DSL)
    reason = clean_text(reason.strip(), "The reason for the extension")
    if not reason:
        raise InvalidInput("Say why the request needs longer (it is complex, or one of "
                           "several).")
    if not 1 <= months <= MAX_EXTENSION_MONTHS:
        raise InvalidInput(f"An extension is of 1 or {MAX_EXTENSION_MONTHS} months.")
    with session.uow() as uow:
        case = uow.sars.get(case_id)
        if case.closed:
            raise InvalidInput(f"Request #{case_id} is answered or closed.")
        if any(s[0] is SarStep.EXTENDED for s in case.steps):
            raise InvalidInput(f"Request #{case_id} was extended already.")
        today = _today(session)
        if today > case.due_on:
            raise InvalidInput("The first month has passed: an extension had to be made, and "
                               "the requester told, within it.")
        new_due = due_date(case.received_on, holidays, 1 + months)
        uow.sars.add_step(case_id, SarStep.EXTENDED, today, reason, new_due,
                          session.clock.now(), session.user.id)
        audit.record(uow, session.clock, session.user, "sar_extended", "sar", case_id)
        uow.commit()
    return new_due


def close(session: Session, case_id: int, step: SarStep, detail: str) -> None:
    require(session.user, Role.DSL)
    if step is SarStep.EXTENDED:
        raise ValueError("use extend()")
    detail = clean_text(detail.strip(), "What happened")
    if not detail:
        raise InvalidInput("Say how the response was sent, or why the request is closed.")
    with session.uow() as uow:
        case = uow.sars.get(case_id)
        if case.closed:
            raise InvalidInput(f"Request #{case_id} is answered or closed already.")
        uow.sars.add_step(case_id, step, _today(session), detail, None, session.clock.now(),
                          session.user.id)
        audit.record(uow, session.clock, session.user, f"sar_{step.value}", "sar", case_id)
        uow.commit()


def add_redaction(session: Session, case_id: int, record: str, field: str, text: str,
                  kind: RedactionKind, reason: str) -> int:
    """Redact every occurrence of `text` (or, with "", the whole field) in one entry."""
    require(session.user, Role.DSL)
    if field not in FIELDS:
        raise InvalidInput(f"Redact one of: {', '.join(FIELDS)}.")
    text = clean_text(text.strip(), "The words to redact", MAX_NAME)
    reason = clean_text(reason.strip(), "The reason (the exemption relied on)")
    if not reason:
        raise InvalidInput("Say why (the exemption relied on): it goes in the redaction log.")
    with session.uow() as uow:
        case = uow.sars.get(case_id)
        if case.closed:
            raise InvalidInput(f"Request #{case_id} is answered or closed.")
        redaction_id = uow.sars.add_redaction(case_id, record, field, text, kind, reason,
                                              session.clock.now(), session.user.id)
        audit.record(uow, session.clock, session.user, "sar_redaction", "sar", case_id,
                     redaction=redaction_id)
        uow.commit()
    return redaction_id


def suggest_other_children(session: Session, case_id: int) -> int:
    """Redact, in every entry, the names of the other children of the child's concerns
    (the copy already leaves them out where the school's records name them). Returns how
    many redactions were made."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        case = uow.sars.get(case_id)
        own = set(uow.children.identity_ids(case.child_id))
        others: set[int] = set()
        for i in own:
            for concern in uow.concerns.for_child(i):
                others |= set(concern.content.child_ids) - own
        names = sorted({n for k in uow.children.many(others)
                        for n in (k.display_name, k.legal_name) if n}, key=len, reverse=True)
        done = {(r.record, r.field, r.text.casefold()) for r in uow.sars.redactions(case_id)}
    rows = chronology(session, case.child_id)
    made = 0
    for row in rows:
        for field in FIELDS:
            value = str(getattr(row, field))
            for name in names:
                key = (record_key(row), field, name.casefold())
                if key not in done and name.casefold() in value.casefold():
                    add_redaction(session, case_id, key[0], field, name,
                                  RedactionKind.OTHER_CHILD, OTHER_CHILD_REASON)
                    done.add(key)
                    made += 1
    return made


def named_elsewhere(session: Session, case_id: int, limit: int = 500) -> list[int]:
    """Concerns not about the child whose words or whose DSL work may name them (by their
    name as the school knows it): for the DSL to review, since what they say about the
    child is the child's personal data too."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        case = uow.sars.get(case_id)
        own = set(uow.children.identity_ids(case.child_id))
        linked = {c.id for i in own for c in uow.concerns.for_child(i)}
        names = {n for k in uow.children.many(own) for n in (k.display_name, k.legal_name)}
    found: set[int] = set()
    for name in sorted(names):
        found |= {hit.concern_id for hit in search_concerns(session, name, limit)}
    return sorted(found - linked)


def redactions(session: Session, case_id: int) -> list[Redaction]:
    require(session.user, Role.DSL)
    with session.uow() as uow:
        return uow.sars.redactions(case_id)


def disclosure(session: Session, case_id: int, *, staff_names: bool = False
               ) -> ChronologyDocument:
    """The child's chronology for the requester, every redaction applied to a copy; staff
    appear by role unless the DSL decides their names may go."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        case = uow.sars.get(case_id)
        marks = uow.sars.redactions(case_id)
    by_entry: dict[tuple[str, str], list[Redaction]] = defaultdict(list)
    for r in marks:
        by_entry[(r.record, r.field)].append(r)
    doc = handover.chronology_document(
        session, case.child_id, purpose=f"Subject access request #{case_id} (UK GDPR "
        "article 15)", staff_names=staff_names)
    def apply(row: ChronologyEntry, field: str) -> str:
        return redact(str(getattr(row, field)), by_entry.get((record_key(row), field), []))

    rows = tuple(dataclasses.replace(
        row, event=apply(row, "event"), decision=apply(row, "decision"),
        outcome=apply(row, "outcome"), child_words=apply(row, "child_words"))
        for row in doc.rows)
    return dataclasses.replace(doc, rows=rows)


def redaction_log(session: Session, case_id: int) -> list[str]:
    """One line a redaction: what was redacted where and why, never the words redacted."""
    return [f"#{r.id}\t{r.record}\t{r.field}\t{'whole field' if not r.text else 'words'}\t"
            f"{r.kind.value}\t{r.reason}" for r in redactions(session, case_id)]


def save_response(session: Session, renderer: DocumentRenderer, case_id: int, folder: Path,
                  password: str, *, staff_names: bool = False) -> tuple[Path, Path, int]:
    """The redacted copy (PDF, protected when a password is given) and its redaction log,
    written into `folder`; audited as a disclosure. Returns both paths and the count."""
    doc = disclosure(session, case_id, staff_names=staff_names)
    log = redaction_log(session, case_id)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = doc.header.document_id
    pdf = renderer.chronology(doc)
    pdf_path = folder / f"{stamp}-subject-access.pdf"
    log_path = folder / f"{stamp}-redaction-log.txt"
    atomic_write(log_path, (
        f"Redaction log for subject access request #{case_id}, document {stamp}\n"
        "id\tentry\tfield\twhat\tkind\treason\n" + "\n".join(log) + "\n").encode("utf-8"))
    handover.save_export(session, pdf_path, renderer.protect(pdf, password) if password
                         else pdf, kind="chronology", object_id=doc.child_id,
                         document_id=stamp, protected=bool(password))
    return pdf_path, log_path, len(log)

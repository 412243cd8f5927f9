"""Handover documents: the read models of a concern record and a child's chronology, the
list of children to choose from, and the audit of every export and print.

Who may: a concern record, the DSL or the member of staff who recorded it; a chronology,
the DSL only. Building a document opens the record (audited as a view, as on screen);
writing or printing it is audited separately ("exported" / "printed", ids only).
"""

from __future__ import annotations

import base64
import contextlib
import json
import secrets
import unicodedata
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.handover import (
    DEFAULT_MARKING,
    AddendumLine,
    ChildSummary,
    ChronologyDocument,
    ConcernDocument,
    DocumentHeader,
    IndicatorLine,
)
from cerecorder.domain.model import Child, ConcernStatus, EntryType, Role
from cerecorder.domain.rules import MAX_NAME, clean_text
from cerecorder.domain.taxonomy import unavailable
from cerecorder.domain.timefmt import local_date
from cerecorder.services import audit
from cerecorder.services.access import require, require_can_read
from cerecorder.services.children import RosterRow, roster
from cerecorder.services.chronology import chronology
from cerecorder.services.concerns import open_concern
from cerecorder.services.session import Session
from cerecorder.storage.fileio import atomic_write

SCHOOL_KEY = "school_name"
KINDS = ("concern", "chronology")


def new_document_id() -> str:
    """'CER-' and 10 random base32 characters: quoted on every page and in the audit."""
    return "CER-" + base64.b32encode(secrets.token_bytes(10)).decode("ascii")[:10]


def school_name(session: Session) -> str:
    with session.uow() as uow:
        return uow.meta.get(SCHOOL_KEY) or ""


def set_school_name(session: Session, name: str) -> None:
    require(session.user, Role.DSL)
    name = clean_text(name.strip(), "The school name", MAX_NAME)
    with session.uow() as uow:
        uow.meta.set(SCHOOL_KEY, name)
        audit.record(uow, session.clock, session.user, "school_name_set", "vault",
                     session.vault.vault_id)
        uow.commit()


def _header(session: Session, marking: str, school: str) -> DocumentHeader:
    anchor = session.current_anchor()
    return DocumentHeader(
        school=school or school_name(session),
        marking=marking.strip() or DEFAULT_MARKING,
        document_id=new_document_id(),
        generated_by=session.user.display_name,
        generated_at=session.clock.now(),
        generated_tz=session.tz,
        demo=session.is_demo,
        anchor="" if anchor is None else json.dumps(anchor.to_json(), sort_keys=True,
                                                    separators=(",", ":")),
    )


def _summary(child: Child) -> ChildSummary:
    d = child.details
    return ChildSummary(
        name=child.display_name, legal_name=child.legal_name, date_of_birth=d.date_of_birth,
        upn=d.upn, year_group=d.year_group, reg_group=d.reg_group, gender=d.gender,
        flags=tuple(f.label for f in sorted(d.flags)),
    )


def concern_document(
    session: Session, concern_id: int, *, marking: str = DEFAULT_MARKING, school: str = ""
) -> ConcernDocument:
    require(session.user, Role.STAFF, Role.DSL)
    view = open_concern(session, concern_id)  # checks the reader; audits the view
    concern = view.concern
    require_can_read(session.user, concern)
    if concern.status is not ConcernStatus.SUBMITTED:
        raise InvalidInput("Submit the concern before printing or exporting it.")
    with session.uow() as uow:
        names = uow.users.display_names()
        kids = uow.children.many(concern.content.child_ids)
    version = concern.taxonomy_version
    taxonomy = session.taxonomy.get(version)  # None: a version this copy does not have
    groups = {g.code: g.label for g in taxonomy.groups} if taxonomy else {}
    items = {i.code: i for i in taxonomy.items} if taxonomy else {}
    indicators = []
    for code in concern.content.indicator_codes:
        item = items.get(code)
        if item is None:
            indicators.append(IndicatorLine("Unknown", unavailable(code, version), "", code))
        else:
            indicators.append(IndicatorLine(groups[item.group], item.label,
                                            item.applicability, code))
    group_order = {label: i for i, label in enumerate(groups.values())}
    indicators.sort(key=lambda i: (group_order.get(i.group, len(group_order)), i.label))
    c = concern.content
    return ConcernDocument(
        header=_header(session, marking, school),
        concern_id=concern.id, concern_uid=concern.uid,
        children=tuple(_summary(k) for k in kids),
        author=names.get(concern.author_id, "?"),
        created_at=concern.created_at, submitted_at=concern.submitted_at,
        occurred_at=c.occurred_at, tz=concern.tz, location=c.location, facts=c.facts,
        child_words=c.child_words, opinion=c.opinion, indicators=tuple(indicators),
        indicators_other=c.indicators_other, action_taken=c.action_taken, informed=c.informed,
        urgency=c.urgency.label, taxonomy_version=concern.taxonomy_version,
        addenda=tuple(
            AddendumLine(names.get(a.author_id, "?"), a.created_at, a.tz, a.body)
            for a in view.addenda
        ),
    )


def chronology_document(
    session: Session, child_id: int, *, purpose: str, date_from: date | None = None,
    date_to: date | None = None, entry_types: Iterable[EntryType] | None = None,
    marking: str = DEFAULT_MARKING, school: str = "",
) -> ChronologyDocument:
    """A child's chronology for handing over, filtered by local date (in each entry's own
    zone, inclusive) and entry type."""
    require(session.user, Role.DSL)
    purpose = clean_text(purpose.strip(), "The purpose of disclosure")
    if date_from and date_to and date_from > date_to:
        raise InvalidInput("The start date is after the end date.")
    types = None if entry_types is None else tuple(t for t in EntryType if t in set(entry_types))
    if types == ():
        raise InvalidInput("Choose at least one type of entry.")
    with session.uow() as uow:
        kept = uow.children.merged_map().get(child_id)
    if kept is not None:  # its own entries alone would be a partial chronology
        raise InvalidInput(f"Record #{child_id} was merged into #{kept}, whose chronology "
                           f"holds both records: export the chronology of #{kept}.")
    entries = chronology(session, child_id)  # checks the child exists; audits the view
    with session.uow() as uow:
        child = uow.children.get(child_id)

    rows = []
    for e in entries:
        day = local_date(e.occurred_at, e.tz)
        if (date_from and day < date_from) or (date_to and day > date_to):
            continue
        if types is not None and e.entry_type not in types:
            continue
        rows.append(e)
    first = local_date(rows[0].occurred_at, rows[0].tz) if rows else None
    last = local_date(rows[-1].occurred_at, rows[-1].tz) if rows else None
    return ChronologyDocument(
        header=_header(session, marking, school), child_id=child_id, child=_summary(child),
        purpose=purpose, period_from=date_from or first, period_to=date_to or last,
        date_from=date_from, date_to=date_to, entry_types=types, rows=tuple(rows),
    )


def record_export(
    session: Session, kind: str, object_id: int, document_id: str, protected: bool,
    printed: bool = False,
) -> None:
    """Audit a document leaving the vault, on paper or as a file. Ids only."""
    require(session.user, Role.STAFF, Role.DSL)
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    with session.uow() as uow:
        audit.record(uow, session.clock, session.user, "printed" if printed else "exported",
                     kind, object_id, document=document_id, protected=bool(protected))
        uow.commit()


def save_export(
    session: Session, path: Path, pdf: bytes, *, kind: str, object_id: int, document_id: str,
    protected: bool, force: bool = False,
) -> None:
    """Write a rendered document atomically, then audit it. An existing file is kept
    unless force; if the audit cannot be written, the new file is removed again."""
    if path.exists() and not force:
        raise InvalidInput(f"{path} already exists; choose another name or replace it.")
    atomic_write(path, pdf)
    try:
        record_export(session, kind, object_id, document_id, protected)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


def _fold(text: str) -> str:
    """Case- and accent-insensitive form for searching names: 'Zoe' finds 'Zoë'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def children_for_export(session: Session, search: str = "") -> list[RosterRow]:
    """The roll with chronology sizes, for choosing whose chronology to export (DSL).
    Leavers too: a child protection file goes to the new school after the child leaves."""
    require(session.user, Role.DSL)
    rows = roster(session, include_left=True)
    wanted = _fold(search.strip())
    if not wanted:
        return rows
    return [
        r for r in rows
        if wanted in _fold(" ".join((r.child.display_name, r.child.legal_name,
                                     r.child.details.upn)))
    ]

"""Handover documents: the read models of a concern record and a child's chronology, the
list of children to choose from, and the audit of every export and print.

Who may: a concern record, the DSL or the member of staff who recorded it; a chronology,
the DSL only. Building a document opens the record (audited as a view, as on screen);
writing or printing it is audited separately ("exported" / "printed", ids only).
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import secrets
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.handover import (
    DEFAULT_MARKING,
    ROLE_LABELS,
    AddendumLine,
    AttachmentLine,
    ChildSummary,
    ChronologyDocument,
    ConcernDocument,
    DocumentHeader,
    DslLine,
    IndicatorLine,
    extract_line,
    fold_dsl_work,
    period_counts,
    withhold_names,
)
from cerecorder.domain.model import (
    ActionKind,
    Child,
    ChronologyEntry,
    ConcernStatus,
    EntryType,
    Role,
)
from cerecorder.domain.rules import MAX_NAME, clean_text
from cerecorder.domain.taxonomy import unavailable
from cerecorder.domain.timefmt import from_utc_text, local_date
from cerecorder.services import attachments, audit, concern_categories, statuses
from cerecorder.services.access import require, require_can_read
from cerecorder.services.children import RosterRow, roster
from cerecorder.services.chronology import chronology
from cerecorder.services.concerns import open_concern
from cerecorder.services.session import Session
from cerecorder.storage.fileio import atomic_write

SCHOOL_KEY = "school_name"
KINDS = ("concern", "chronology", "report")


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


def _header(session: Session, marking: str, school: str, *, subject: str,
            scope: str = "") -> DocumentHeader:
    anchor = session.current_anchor()
    return DocumentHeader(
        school=school or school_name(session),
        marking=marking.strip() or DEFAULT_MARKING,
        document_id=new_document_id(),
        generated_by=session.user.display_name,
        generated_role=ROLE_LABELS[session.user.role],
        generated_at=session.clock.now(),
        generated_tz=session.tz,
        demo=session.is_demo,
        subject=subject,
        scope=scope,
        anchor="" if anchor is None else json.dumps(anchor.to_json(), sort_keys=True,
                                                    separators=(",", ":")),
    )


def document_header(session: Session, marking: str, school: str, subject: str
                    ) -> DocumentHeader:
    """The furniture of a document that is not about one child (a report)."""
    return _header(session, marking, school, subject=subject)


def _summary(child: Child) -> ChildSummary:
    d = child.details
    return ChildSummary(
        name=child.display_name, legal_name=child.legal_name, date_of_birth=d.date_of_birth,
        upn=d.upn, year_group=d.year_group, reg_group=d.reg_group, gender=d.gender,
        flags=tuple(f.label for f in sorted(d.flags)),
    )


def concern_children(session: Session, concern_id: int) -> list[tuple[int, str]]:
    """The children of a concern (id, name), for choosing whose copy to make."""
    require(session.user, Role.STAFF, Role.DSL)
    with session.uow() as uow:
        concern = uow.concerns.get(concern_id)
        require_can_read(session.user, concern)
        return [(k.id, k.display_name) for k in uow.children.many(concern.content.child_ids)]


def _copy_children(kids: list[Child], for_child: int | None
                   ) -> tuple[tuple[ChildSummary, ...], Callable[[str], str]]:
    """The children as a copy shows them, and what its text goes through: in a copy for
    one child, the others are "another pupil" and their names are taken out of the text."""
    if for_child is None:
        return tuple(_summary(k) for k in kids), lambda value: value
    own = next(k for k in kids if k.id == for_child)
    others = [k for k in kids if k.id != for_child]
    names = [n for k in others for n in (k.display_name, k.legal_name)]
    keep = (own.display_name, own.legal_name)
    shown = tuple(_summary(k) if k.id == for_child
                  else ChildSummary(name="Another pupil", legal_name="", withheld=True)
                  for k in kids)
    return shown, lambda value: withhold_names(value, names, keep)


ROLES_ONLY = "Staff are named by their role only"


def _roles_only(header: DocumentHeader) -> DocumentHeader:
    return dataclasses.replace(header, scope="; ".join(
        x for x in (header.scope, ROLES_ONLY) if x))


def concern_document(
    session: Session, concern_id: int, *, for_child: int | None = None, purpose: str = "",
    marking: str = DEFAULT_MARKING, school: str = "", staff_names: bool = True,
    append_files: bool = False,
) -> ConcernDocument:
    """A concern record: the DSL's full copy for the school's file (for_child None), or a
    copy for one child's file, which names no other pupil and needs a purpose of
    disclosure (it is made to leave the school). Without staff_names, whoever recorded
    or did anything is shown by role alone (a copy for external sharing). The record
    lists the concern's files with their hashes; with append_files (DSL) its files are
    appended (images, PDF pages, text and e-mails; export.appended says how), each
    checked against its hash first."""
    if append_files:
        require(session.user, Role.DSL)
    doc = _concern_document(session, concern_id, for_child=for_child, purpose=purpose,
                            marking=marking, school=school)
    doc = dataclasses.replace(doc, **_files(session, concern_id, append_files))
    if staff_names:
        return doc
    return dataclasses.replace(
        doc, header=_roles_only(doc.header), author="",
        addenda=tuple(dataclasses.replace(a, author="") for a in doc.addenda),
        dsl_part=tuple(dataclasses.replace(line, by="") for line in doc.dsl_part),
        attachments=tuple(dataclasses.replace(a, added_by="") for a in doc.attachments))


def _files(session: Session, concern_id: int, append: bool) -> dict[str, Any]:
    """The record's list of the concern's files and, when asked, the bytes to append."""
    with session.uow() as uow:
        names = uow.users.display_names()
        roles = {i: ROLE_LABELS[r] for i, r in uow.users.roles().items()}
        tz = uow.concerns.get(concern_id).tz
    found = attachments.concern_attachments(session, concern_id)
    lines = tuple(AttachmentLine(
        a.id, a.file_name, a.kind.value, a.size, a.sha256, names.get(a.added_by, "?"),
        roles.get(a.added_by, ""), a.added_at, tz, a.photo.taken_at, a.photo.has_location)
        for a in found)
    appended = tuple((a.id, a.kind.value, attachments.read(session, a.id)[1])
                     for a in found if append)
    return {"attachments": lines, "appended": appended}


def _concern_document(
    session: Session, concern_id: int, *, for_child: int | None, purpose: str, marking: str,
    school: str,
) -> ConcernDocument:
    require(session.user, Role.STAFF, Role.DSL)
    view = open_concern(session, concern_id)  # checks the reader; audits the view
    concern = view.concern
    require_can_read(session.user, concern)
    if concern.status is not ConcernStatus.SUBMITTED:
        raise InvalidInput("Submit the concern before printing or exporting it.")
    with session.uow() as uow:
        names = uow.users.display_names()
        roles = {i: ROLE_LABELS[r] for i, r in uow.users.roles().items()}
        kids = uow.children.many(concern.content.child_ids)
        maps = uow.body_maps.maps([concern_id])
    if for_child is not None and for_child not in {k.id for k in kids}:
        raise InvalidInput(f"Child #{for_child} is not one of the children in concern "
                           f"#{concern_id}.")
    purpose = clean_text(purpose.strip(), "The purpose of disclosure")
    if for_child is not None and not purpose:
        raise InvalidInput("Say why this copy is being shared (the purpose of disclosure): "
                           "a copy for one child's file is made to leave the school.")
    children, out = _copy_children(kids, for_child)
    is_dsl = session.user.role is Role.DSL
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
    named = [child for child in children if not child.withheld]
    copy_for = named[0].name if for_child is not None else ""
    if copy_for and len(children) > 1:
        scope = f"Copy for {copy_for}'s file: other pupils involved are not named"
    elif len(children) > 1:
        scope = "DSL's full copy for the school's own file: names every pupil involved"
    else:
        scope = ""
    return ConcernDocument(
        header=_header(session, marking, school,
                       subject="; ".join(child.identity for child in named), scope=scope),
        concern_id=concern.id, concern_uid=concern.uid,
        children=children,
        author=names.get(concern.author_id, "?"),
        created_at=concern.created_at, submitted_at=concern.submitted_at,
        occurred_at=c.occurred_at, tz=concern.tz, location=out(c.location),
        facts=out(c.facts), child_words=out(c.child_words), opinion=out(c.opinion),
        indicators=tuple(indicators), indicators_other=out(c.indicators_other),
        action_taken=out(c.action_taken), informed=out(c.informed),
        urgency=c.urgency.label, taxonomy_version=concern.taxonomy_version,
        categories=tuple(concern_categories.labels(session, concern.id)),
        addenda=tuple(
            AddendumLine(names.get(a.author_id, "?"), a.created_at, a.tz, out(a.body),
                         roles.get(a.author_id, ""))
            for a in view.addenda
        ),
        dsl_part=_dsl_part(session, concern.id, kids, for_child, out) if is_dsl else (),
        dsl_part_included=is_dsl,
        author_role=roles.get(concern.author_id, ""),
        copy_for=copy_for, purpose=purpose,
        body_marks=tuple(dataclasses.replace(mark, colour=out(mark.colour),
                                 description=out(mark.description),
                                 child_words=out(mark.child_words))
                         for body_map in maps for mark in body_map.marks),
    )


def _dsl_part(session: Session, concern_id: int, kids: list[Child], for_child: int | None,
              out: Callable[[str], str]) -> tuple[DslLine, ...]:
    """The DSL's decisions with their reasons, actions and outcomes on a concern, each with
    who and when. A copy for one child keeps only that child's actions and outcomes."""
    with session.uow() as uow:
        names = uow.users.display_names()
        roles = {i: ROLE_LABELS[r] for i, r in uow.users.roles().items()}
        decisions = uow.dsl.triage_for([concern_id])
        actions = uow.dsl.actions_for_concern(concern_id)
        outcomes = uow.dsl.outcomes_for_concern(concern_id)
    several = for_child is None and len(kids) > 1
    child_names = {k.id: k.display_name for k in kids}
    lines = [
        DslLine("Decision", out(f"{t.decision.label}: {t.rationale}".rstrip(": ")),
                names.get(t.decided_by, "?"), roles.get(t.decided_by, ""), t.decided_at, t.tz)
        for t in decisions
    ]
    for _id, child, kind, detail, at, tz, by in actions:
        if for_child is not None and child != for_child:
            continue
        label = ActionKind(kind).label
        lines.append(DslLine(
            "Action", out(f"{label}: {detail}" if detail else label), names.get(by, "?"),
            roles.get(by, ""), from_utc_text(at), tz,
            child_names.get(child, "") if several else ""))
    for _id, child, _action, text, at, tz, by in outcomes:
        if for_child is not None and child != for_child:
            continue
        lines.append(DslLine(
            "Outcome", out(text), names.get(by, "?"), roles.get(by, ""), from_utc_text(at),
            tz, child_names.get(child, "") if several else ""))
    return tuple(sorted(lines, key=lambda line: line.at))


def _without_other_pupils(session: Session, child_id: int, rows: list[ChronologyEntry]
                          ) -> list[ChronologyEntry]:
    """A chronology is one child's: the other pupils of a concern about several are taken
    out of its rows' text by name, as in a copy of the concern for this child's file."""
    concern_ids = {r.concern_id for r in rows if r.concern_id is not None}
    with session.uow() as uow:
        own = set(uow.children.identity_ids(child_id))
        found = uow.concerns.many(concern_ids)
        others = {c.id: set(c.content.child_ids) - own for c in found.values()}
        kids = {k.id: k for k in uow.children.many(
            {i for ids in others.values() for i in ids} | own)}
    keep = [n for i in own if i in kids for n in (kids[i].display_name, kids[i].legal_name)]
    out = []
    for row in rows:
        other = others.get(row.concern_id or 0, set())
        if not other:
            out.append(row)
            continue
        names = [n for i in other for n in (kids[i].display_name, kids[i].legal_name)]

        def hide(value: str, names: list[str] = names) -> str:
            return withhold_names(value, names, keep)

        out.append(dataclasses.replace(
            row, source=hide(row.source), event=hide(row.event), decision=hide(row.decision),
            outcome=hide(row.outcome), child_words=hide(row.child_words)))
    return out


def chronology_document(
    session: Session, child_id: int, *, purpose: str, date_from: date | None = None,
    date_to: date | None = None, entry_types: Iterable[EntryType] | None = None,
    marking: str = DEFAULT_MARKING, school: str = "", staff_names: bool = True,
    significant_only: bool = False,
) -> ChronologyDocument:
    """A child's chronology for handing over, filtered by local date (in each entry's own
    zone, inclusive), entry type and, for the summary chronology, the DSL's significance
    marks. The DSL's decisions and actions on a concern are folded into its row. Without
    staff_names, people are given by their role alone (a copy for external sharing)."""
    require(session.user, Role.DSL)
    purpose = clean_text(purpose.strip(), "The purpose of disclosure")
    if not purpose:
        raise InvalidInput("Say why the chronology is being shared (the purpose of "
                           "disclosure, printed on the cover): it is made to leave the "
                           "school's file.")
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

    in_period = []
    for e in entries:
        day = local_date(e.occurred_at, e.tz)
        if (date_from and day < date_from) or (date_to and day > date_to):
            continue
        in_period.append(e)
    rows = [e for e in in_period if types is None or e.entry_type in types]
    rows = _without_other_pupils(session, child_id, rows)
    if not staff_names:
        rows = [dataclasses.replace(r, recorded_by="") for r in rows]
    rows = fold_dsl_work(rows, (lambda e: e.significant) if significant_only
                         else (lambda _: True))
    # the period is the dates'; a choice of entry types is a filter within it
    first = local_date(in_period[0].occurred_at, in_period[0].tz) if in_period else None
    last = local_date(in_period[-1].occurred_at, in_period[-1].tz) if in_period else None
    since, until = date_from or first, date_to or last
    summary = _summary(child)
    header = _header(session, marking, school, subject=summary.identity,
                     scope=extract_line(date_from, date_to, types, significant_only))
    return ChronologyDocument(
        header=header if staff_names else _roles_only(header),
        child_id=child_id, child=summary,
        purpose=purpose, period_from=since, period_to=until,
        date_from=date_from, date_to=date_to, entry_types=types, rows=tuple(rows),
        counts=period_counts(in_period), significant_only=significant_only,
        # the statuses and people of the dates asked for; without them, every one on file
        # up to today (a current status may have begun after the last entry)
        statuses=tuple(x for x in statuses.statuses(session, child_id)
                       if x.overlaps(date_from, date_to)),
        professionals=tuple(p for p in statuses.professionals(session, child_id)
                            if p.overlaps(date_from, date_to)),
        dsl_contact=statuses.dsl_contact(session),
        attachment_counts=_attachment_counts(session, rows),
    )


def _attachment_counts(session: Session,
                       rows: Iterable[ChronologyEntry]) -> tuple[tuple[int, int], ...]:
    """How many files each concern in the rows holds, for the chronology to say so."""
    ids = sorted({r.concern_id for r in rows
                  if r.entry_type is EntryType.CONCERN and r.concern_id is not None})
    with session.uow() as uow:
        counts = ((i, len(uow.attachments.for_concern(i))) for i in ids)
        return tuple((i, n) for i, n in counts if n)


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

"""Intelligence reports for the police or a partnership (issue 14). The DSL picks register
entries and concerns; the report carries who, what, where and when, the vehicles, phones
and accounts, the source as a role, and the marking, and nothing else of any child's file.
Saving or printing one is a disclosure: kept in the vault with its purpose and what was
picked (table disclosures), and audited with ids only.
"""

from __future__ import annotations

import contextlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.handover import DEFAULT_MARKING, ROLE_LABELS, DocumentHeader
from cerecorder.domain.intel import SCOPE, TITLE, IntelDocument, IntelItem
from cerecorder.domain.model import ConcernStatus, EntryKind, Role
from cerecorder.domain.register import KIND_FIELDS, Entry
from cerecorder.domain.rules import MAX_NAME, clean_text
from cerecorder.domain.timefmt import uk_date, uk_datetime
from cerecorder.services import audit
from cerecorder.services.access import require
from cerecorder.services.handover import new_document_id, school_name
from cerecorder.services.session import Session
from cerecorder.storage.fileio import atomic_write

FORMATS = ("pdf", "csv")
_COLUMN = {EntryKind.VEHICLE: "vehicles", EntryKind.PHONE: "phones",
           EntryKind.ACCOUNT: "accounts", EntryKind.PERSON: "people",
           EntryKind.PLACE: "places", EntryKind.GROUP: "people"}


@dataclass(frozen=True)
class Candidate:
    """Something the DSL may pick: a concern or a register entry, one line to show."""

    kind: str  # "concern" or "entry"
    id: int
    line: str


def candidates(session: Session, child_id: int | None = None) -> list[Candidate]:
    """What may go into a report: a child's concerns and the entries linked to them; or,
    with no child, every register entry and every concern linked to one."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        merged = uow.register.merged_map()
        if child_id is None:
            entries = [e for e in uow.register.all() if e.id not in merged]
            links = uow.register.links_of_entries(None)
            concern_ids = sorted({ln.concern_id for ln in links if ln.concern_id is not None})
        else:
            identity = uow.children.identity_ids(child_id)
            concern_ids = sorted({c.id for i in identity for c in uow.concerns.for_child(i)})
            links = uow.register.links_of_children(identity)
            linked = {merged.get(ln.entry_id, ln.entry_id) for ln in links}
            entries = list(uow.register.many(sorted(linked)).values())
        found = uow.concerns.many(concern_ids)
        names = {k.id: k.display_name for k in uow.children.many(
            {c for x in found.values() for c in x.content.child_ids})}
    rows = [Candidate("entry", e.id, f"{e.kind.label}: {e.details.summary}") for e in entries]
    for cid in concern_ids:
        concern = found[cid]
        if concern.status is not ConcernStatus.SUBMITTED or concern.content.occurred_at is None:
            continue
        who = ", ".join(names.get(c, f"#{c}") for c in concern.content.child_ids)
        first = (concern.content.facts.strip().splitlines() or [""])[0]
        if len(first) > 80:
            first = first[:80].rsplit(" ", 1)[0] + "…"
        when = uk_datetime(concern.content.occurred_at, concern.tz)
        rows.append(Candidate("concern", cid, f"{when} · {who} · {first}"))
    return rows


def _header(session: Session, marking: str, school: str, count: str) -> DocumentHeader:
    anchor = session.current_anchor()
    return DocumentHeader(
        school=school or school_name(session), marking=marking.strip() or DEFAULT_MARKING,
        document_id=new_document_id(), generated_by=session.user.display_name,
        generated_role=ROLE_LABELS[session.user.role], generated_at=session.clock.now(),
        generated_tz=session.tz, demo=session.is_demo, subject=f"{TITLE}: {count}",
        scope=SCOPE,
        anchor="" if anchor is None else json.dumps(anchor.to_json(), sort_keys=True,
                                                    separators=(",", ":")))


def _purpose(text: str) -> str:
    purpose = clean_text(text.strip(), "The purpose of disclosure", MAX_NAME * 5)
    if not purpose:
        raise InvalidInput("Say why this is being shared (the purpose of disclosure): it is "
                           "printed on the report and kept with the record of the disclosure.")
    return purpose


def _entry_value(entry: Entry) -> str:
    return entry.details.summary or f"{entry.kind.label} #{entry.id}"


def report(session: Session, *, entry_ids: Iterable[int] = (), concern_ids: Iterable[int] = (),
           purpose: str, marking: str = "", school: str = "") -> IntelDocument:
    """The report's read model: the picked concerns, oldest first, then the picked entries."""
    require(session.user, Role.DSL)
    purpose = _purpose(purpose)
    wanted_concerns = sorted(set(concern_ids))
    wanted_entries = sorted(set(entry_ids))
    if not wanted_concerns and not wanted_entries:
        raise InvalidInput("Pick at least one register entry or concern for the report.")
    with session.uow() as uow:
        concerns = uow.concerns.many(wanted_concerns)
        missing = [c for c in wanted_concerns if c not in concerns
                   or concerns[c].status is not ConcernStatus.SUBMITTED]
        if missing:
            raise InvalidInput(f"No submitted concern #{missing[0]}: nothing was made.")
        merged = uow.register.merged_map()
        entries = uow.register.many(wanted_entries)
        absent = [e for e in wanted_entries if e not in entries]
        if absent:
            raise InvalidInput(f"No register entry #{absent[0]}: nothing was made.")
        identities = {e: {e, *(k for k, v in merged.items() if v == e)} for e in wanted_entries}
        links = uow.register.links_of_entries(
            {i for ids in identities.values() for i in ids})
        kids = {k.id: k for k in uow.children.many(
            {c for x in concerns.values() for c in x.content.child_ids})}
        roles = uow.users.roles()
    header = _header(session, marking, school, _count(len(wanted_concerns),
                                                      len(wanted_entries)))
    role = {i: ROLE_LABELS[r] for i, r in roles.items()}
    # which picked entries each picked concern names, and where each picked entry was seen
    entry_of = {i: e for e, ids in identities.items() for i in ids}
    in_concern: dict[int, set[int]] = defaultdict(set)
    reporters: dict[int, set[str]] = defaultdict(set)
    for ln in links:
        if ln.concern_id in concerns:
            in_concern[ln.concern_id].add(entry_of[ln.entry_id])
            if ln.reported_by is not None:
                reporters[entry_of[ln.entry_id]].add(role.get(ln.reported_by, "unknown"))

    order = sorted(concerns.values(), key=lambda c: (c.content.occurred_at, c.id))
    items: list[IntelItem] = []
    number = {c.id: n for n, c in enumerate(order, 1)}
    for c in order:
        assert c.content.occurred_at is not None  # submitted
        columns: dict[str, list[str]] = defaultdict(list)
        for e in sorted(in_concern.get(c.id, ())):
            columns[_COLUMN[entries[e].kind]].append(_entry_value(entries[e]))
        signs = sorted(session.taxonomy.label(code, c.taxonomy_version)
                       for code in c.content.indicator_codes)
        who = "; ".join(
            kids[k].display_name + (f" (born {uk_date(born)})"
                                    if (born := kids[k].details.date_of_birth) else "")
            for k in c.content.child_ids if k in kids)
        what = c.content.facts.strip() + (("\nSigns: " + "; ".join(signs)) if signs else "")
        items.append(IntelItem(
            number=number[c.id], kind="Concern", reference=f"Concern #{c.id}",
            when=uk_datetime(c.content.occurred_at, c.tz), where=c.content.location,
            who=who, what=what, vehicles=tuple(columns["vehicles"]),
            phones=tuple(columns["phones"]), accounts=tuple(columns["accounts"]),
            people=tuple(columns["people"]), places=tuple(columns["places"]),
            source=role.get(c.author_id, "unknown")))
    for n, e in enumerate(wanted_entries, len(order) + 1):
        entry = entries[e]
        seen = sorted({number[c] for c, picked in in_concern.items() if e in picked})
        values = (_entry_value(entry),)
        named_in = ", ".join(f"item {i}" for i in seen)
        items.append(IntelItem(
            number=n, kind=entry.kind.label, reference=f"Register entry #{e}",
            when="; ".join(items[i - 1].when for i in seen),
            where=entry.details.get("address") or entry.details.get("postcode")
            or entry.details.get("area"),
            who=_entry_value(entry) if entry.kind in (EntryKind.PERSON, EntryKind.GROUP)
            else "",
            what=f"Named in {named_in}" if named_in else "",
            vehicles=values if entry.kind is EntryKind.VEHICLE else (),
            phones=values if entry.kind is EntryKind.PHONE else (),
            accounts=values if entry.kind is EntryKind.ACCOUNT else (),
            source="; ".join(sorted(reporters.get(e, ()))) or "DSL (register)",
            details=tuple((label, entry.details.get(f)) for f, label in
                          KIND_FIELDS[entry.kind].items() if entry.details.get(f))))
    return IntelDocument(header=header, purpose=purpose, items=tuple(items),
                         concern_ids=tuple(wanted_concerns), entry_ids=tuple(wanted_entries))


def _count(concerns: int, entries: int) -> str:
    return (f"{concerns} concern{'s' * (concerns != 1)}, {entries} register "
            f"entr{'ies' if entries != 1 else 'y'}")


def record_disclosure(session: Session, doc: IntelDocument, file_format: str) -> int:
    """Keep the disclosure (purpose, what was picked) and audit it with ids only."""
    require(session.user, Role.DSL)
    if file_format not in FORMATS:
        raise ValueError(f"unknown format {file_format!r}")
    items = [("concern", c) for c in doc.concern_ids] + [("entry", e) for e in doc.entry_ids]
    with session.uow() as uow:
        disclosure_id = uow.screening.add_disclosure(
            doc.header.document_id, file_format, doc.purpose, items, session.clock.now(),
            session.tz, session.user.id)
        audit.record(uow, session.clock, session.user, "disclosed", "disclosure",
                     disclosure_id, document=doc.header.document_id, format=file_format,
                     concerns=list(doc.concern_ids), entries=list(doc.entry_ids))
        uow.commit()
    return disclosure_id


def save(session: Session, path: Path, data: bytes, doc: IntelDocument, file_format: str, *,
         force: bool = False) -> int:
    """Write the report atomically, then record the disclosure; if that cannot be
    recorded, the file is removed again."""
    require(session.user, Role.DSL)
    if path.exists() and not force:
        raise InvalidInput(f"{path} already exists; choose another name or replace it.")
    atomic_write(path, data)
    try:
        return record_disclosure(session, doc, file_format)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise

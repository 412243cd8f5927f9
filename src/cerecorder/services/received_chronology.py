"""A child's file received from the school before, in this school's chronology: each
entry as the sending school recorded it, with its original author, role and times, the
source saying "from <school>, verified" (the packet's signature held when it was
imported). Read-only: the rows come from the signed file as it was received, never from
this school's own tables, so nothing here can be marked, annotated or changed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from cerecorder.domain.model import ChronologyEntry, EntryType
from cerecorder.domain.timefmt import from_utc_text
from cerecorder.storage.uow import UnitOfWork


def _at(value: object) -> datetime | None:
    try:
        return from_utc_text(str(value)) if value else None
    except ValueError:
        return None


def _by(person: object) -> tuple[str, str]:
    if not isinstance(person, dict):
        return "?", ""
    return str(person.get("name") or "?"), str(person.get("role") or "")


def received_entries(uow: UnitOfWork, identity: list[int], tz: str) -> list[ChronologyEntry]:
    """Every entry of every file received for these child records (a merged record's
    too), in the chronology's columns; ref_ids are negative so they never meet a row of
    this vault's own."""
    entries: list[ChronologyEntry] = []
    for own in identity:
        for row in uow.transfer_packets.received(child_id=own):
            document = json.loads(bytes(row[7]))["document"]
            school = str(document.get("from_school") or "the school before")
            entries.extend(_from_file(document.get("file") or {}, school, int(row[0]), tz))
    return entries


def _from_file(file: dict[str, Any], school: str, received_id: int, tz: str
               ) -> Iterator[ChronologyEntry]:
    counter = iter(range(1, 1_000_000))
    where = f"from {school}, verified"

    def entry(at: object, kind: EntryType, source: str, event: str, person: object, *,
              decision: str = "", outcome: str = "", written: object = None
              ) -> ChronologyEntry | None:
        when = _at(at)
        if when is None:
            return None
        name, role = _by(person)
        return ChronologyEntry(
            occurred_at=when, tz=tz, entry_type=kind, source=f"{source} ({where})",
            event=event, decision=decision, outcome=outcome, recorded_by=name,
            recorded_role=role, ref_id=-(received_id * 1_000_000 + next(counter)),
            recorded_at=_at(written), received_from=school)

    def action(a: dict[str, Any]) -> ChronologyEntry | None:
        label, detail = str(a.get("kind_label") or "Action"), str(a.get("detail") or "")
        return entry(a.get("taken_at"), EntryType.ACTION, "DSL action",
                     f"{label}: {detail}" if detail else label, a.get("recorded_by"))

    found: list[ChronologyEntry | None] = []
    for c in file.get("concerns") or []:
        signs = "; ".join(str(s.get("label", "")) for s in c.get("signs") or [])
        text = str(c.get("facts") or "") + (f"\nSigns: {signs}" if signs else "")
        found.append(entry(c.get("occurred_at"), EntryType.CONCERN,
                           f"Concern #{c.get('id')}", text, c.get("recorded_by"),
                           written=c.get("submitted_at")))
        for a in c.get("addenda") or []:
            found.append(entry(a.get("written_at"), EntryType.ADDENDUM,
                               f"Addendum to concern #{c.get('id')}", str(a.get("text") or ""),
                               a.get("written_by")))
        for d in c.get("decisions") or []:
            found.append(entry(d.get("decided_at"), EntryType.TRIAGE,
                               f"DSL triage of concern #{c.get('id')}", "Triage decision",
                               d.get("decided_by"), decision=f"{d.get('decision_label')}: "
                               f"{d.get('reason')}".rstrip(": ")))
        for a in c.get("actions") or []:
            found.append(action(a))
        for o in c.get("outcomes") or []:
            found.append(entry(o.get("occurred_at"), EntryType.OUTCOME, "Outcome", "",
                               o.get("recorded_by"), outcome=str(o.get("text") or "")))
    for a in file.get("actions_without_concern") or []:
        found.append(action(a))
    for o in file.get("outcomes_without_concern") or []:
        found.append(entry(o.get("occurred_at"), EntryType.OUTCOME, "Outcome", "",
                           o.get("recorded_by"), outcome=str(o.get("text") or "")))
    for e in file.get("events") or []:
        found.append(entry(e.get("occurred_at"), EntryType.EVENT,
                           str(e.get("kind_label") or "Event"),
                           str(e.get("summary") or ""), e.get("recorded_by"),
                           outcome=str(e.get("outcome") or "")))
    yield from (e for e in found if e is not None)


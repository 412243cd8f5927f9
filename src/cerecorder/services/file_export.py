"""A child's whole child protection file as open JSON, for a receiving school that does not
run CE Recorder (its schema is docs/child-file.schema.json, so another product can import
it). It is one child's copy: other pupils of a concern about several are counted, never
named, and their names are taken out of the text as in a per-child PDF. DSL only; the
export is audited as a disclosure with its purpose."""

from __future__ import annotations

import contextlib
import json
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.handover import ROLE_LABELS, withhold_names
from cerecorder.domain.model import ActionKind, EventKind, Role
from cerecorder.domain.rules import clean_text
from cerecorder.domain.timefmt import from_utc_text, to_utc_text
from cerecorder.services import audit
from cerecorder.services.access import require
from cerecorder.services.handover import new_document_id, school_name
from cerecorder.services.session import Session
from cerecorder.storage.fileio import atomic_write

FORMAT = "cerecorder-child-file"
VERSION = 1
SCHEMA = "https://cerecorder.example/schema/child-file-1.json"


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: datetime | None) -> str | None:
    return to_utc_text(value) if value else None


def child_file(session: Session, child_id: int, *, purpose: str) -> dict[str, Any]:
    """The file as a JSON-ready dict: the child, every concern with its addenda and the
    DSL's decisions, actions and outcomes, and the significant events. Not audited: only
    a file written (save_child_file) leaves the vault."""
    require(session.user, Role.DSL)
    purpose = clean_text(purpose.strip(), "The purpose of disclosure", 500)
    if not purpose:
        raise InvalidInput("Say the purpose of disclosure: it goes with the file.")
    school = school_name(session)
    document_id = new_document_id()
    with session.uow() as uow:
        child = uow.children.get(child_id)
        names = uow.users.display_names()
        roles = {i: ROLE_LABELS[r] for i, r in uow.users.roles().items()}
        own = set(uow.children.identity_ids(child_id))
        concerns = list({c.id: c for i in own for c in uow.concerns.for_child(i)}.values())
        ids = [c.id for c in concerns]
        addenda = uow.concerns.addenda(ids)
        decisions = uow.dsl.triage_for(ids)
        actions = [a for i in own for a in uow.dsl.actions_for_child(i)]
        outcomes = [o for i in own for o in uow.dsl.outcomes_for_child(i)]
        events = [e for i in own for e in uow.dsl.events_for_child(i)]
        others = {i for c in concerns for i in c.content.child_ids} - own
        kids = {k.id: k for k in uow.children.many(others | own)}

    keep = [n for i in own if i in kids for n in (kids[i].display_name, kids[i].legal_name)]
    hidden = [n for i in others if i in kids for n in (kids[i].display_name, kids[i].legal_name)]

    def text(value: str) -> str:
        return withhold_names(value, hidden, keep) if hidden else value

    def person(user_id: int) -> dict[str, str]:
        return {"name": names.get(user_id, "?"), "role": roles.get(user_id, "")}

    by_concern: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: {"addenda": [], "decisions": [], "actions": [], "outcomes": []})
    for a in addenda:
        by_concern[a.concern_id]["addenda"].append({
            "written_at": _time(a.created_at), "text": text(a.body),
            "written_by": person(a.author_id)})
    for t in decisions:
        by_concern[t.concern_id]["decisions"].append({
            "decided_at": _time(t.decided_at), "decision": t.decision.value,
            "decision_label": t.decision.label, "reason": text(t.rationale),
            "decided_by": person(t.decided_by)})
    loose_actions: list[dict[str, Any]] = []
    loose_outcomes: list[dict[str, Any]] = []
    for aid, concern_id, kind, detail, at, _tz, by, *_recorded in actions:
        item = {"id": int(aid), "taken_at": _time(from_utc_text(at)), "kind": kind,
                "kind_label": ActionKind(kind).label, "detail": text(detail),
                "recorded_by": person(by)}
        (by_concern[concern_id]["actions"] if concern_id else loose_actions).append(item)
    for _oid, action_id, concern_id, body, at, _tz, by in outcomes:
        item = {"action_id": action_id, "occurred_at": _time(from_utc_text(at)),
                "text": text(body), "recorded_by": person(by)}
        (by_concern[concern_id]["outcomes"] if concern_id else loose_outcomes).append(item)

    labels = session.taxonomy
    return {
        "$schema": SCHEMA,
        "format": FORMAT,
        "version": VERSION,
        "document_id": document_id,
        "generated_at": _time(session.clock.now()),
        "generated_by": person(session.user.id),
        "school": school,
        "purpose": purpose,
        "child": {
            "legal_forenames": child.details.legal_forenames,
            "legal_surname": child.details.legal_surname,
            "preferred_forenames": child.details.preferred_forenames,
            "preferred_surname": child.details.preferred_surname,
            "date_of_birth": _day(child.details.date_of_birth),
            "upn": child.details.upn,
            "gender": child.details.gender,
            "left_on": _day(child.left_on),
        },
        "concerns": [{
            "id": c.id,
            "uid": c.uid,
            "occurred_at": _time(c.content.occurred_at),
            "submitted_at": _time(c.submitted_at),
            "recorded_by": person(c.author_id),
            "location": text(c.content.location),
            "facts": text(c.content.facts),
            "child_words": text(c.content.child_words),
            "opinion": text(c.content.opinion),
            "signs": [{"code": code, "label": labels.label(code, c.taxonomy_version)}
                      for code in sorted(c.content.indicator_codes)],
            "taxonomy_version": c.taxonomy_version,
            "other_signs": text(c.content.indicators_other),
            "action_taken": text(c.content.action_taken),
            "informed": text(c.content.informed),
            "urgency": c.content.urgency.value,
            "other_pupils": len(set(c.content.child_ids) - own),
            **by_concern[c.id],
        } for c in sorted(concerns, key=lambda c: (c.content.occurred_at or c.created_at,
                                                     c.id))],
        "actions_without_concern": loose_actions,
        "outcomes_without_concern": loose_outcomes,
        "events": [{
            "occurred_at": _time(from_utc_text(at)), "kind": kind,
            "kind_label": EventKind(kind).label, "summary": text(summary),
            "outcome": text(outcome), "recorded_by": person(by),
        } for _eid, kind, at, _tz, summary, outcome, by, *_recorded
            in sorted(events, key=lambda e: e[2])],
    }


def save_child_file(session: Session, path: Path, child_id: int, data: dict[str, Any], *,
                    force: bool = False) -> None:
    """Write the file (child_file's) atomically, then audit it as a disclosure (ids and the
    document id); if the audit cannot be written the file goes again."""
    require(session.user, Role.DSL)
    if path.exists() and not force:
        raise InvalidInput(f"{path} already exists; choose another name or replace it.")
    atomic_write(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    try:
        with session.uow() as uow:
            audit.record(uow, session.clock, session.user, "exported", "child", child_id,
                         document=data["document_id"], format="json", protected=False)
            uow.commit()
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise

"""A child's chronology: the time-ordered union of concerns, addenda, decisions, actions,
outcomes and events, in the multi-agency columns, each with the DSL's significance mark
and impact note. Opening one is audited."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from cerecorder.domain.categories import category_labels
from cerecorder.domain.handover import ROLE_LABELS
from cerecorder.domain.model import (
    ActionKind,
    ChronologyEntry,
    EntryType,
    EventKind,
    Role,
)
from cerecorder.domain.timefmt import from_utc_text
from cerecorder.services import audit, screening
from cerecorder.services.access import require
from cerecorder.services.received_chronology import received_entries
from cerecorder.services.session import Session


def chronology(session: Session, child_id: int) -> list[ChronologyEntry]:
    require(session.user, Role.DSL)
    with session.uow() as uow:
        uow.children.get(child_id)
        names = uow.users.display_names()
        roles = {i: ROLE_LABELS[r] for i, r in uow.users.roles().items()}
        # a merged record's history is this child's history too (see merge_children)
        identity = uow.children.identity_ids(child_id)
        concerns = list({c.id: c for own in identity
                         for c in uow.concerns.for_child(own)}.values())
        concern_ids = [c.id for c in concerns]
        addenda = uow.concerns.addenda(concern_ids)
        kinds = uow.categories.for_concerns(concern_ids)
        decisions = uow.dsl.triage_for(concern_ids)
        actions = [a for own in identity for a in uow.dsl.actions_for_child(own)]
        outcomes = [o for own in identity for o in uow.dsl.outcomes_for_child(own)]
        events = [e for own in identity for e in uow.dsl.events_for_child(own)]
        screenings = screening.screenings_in(session, uow, child_id)
        marked = uow.statuses.significant(identity)
        impacts = uow.statuses.impacts(identity)
        received = received_entries(uow, list(identity), session.tz)
        audit.record(uow, session.clock, session.user, "chronology_viewed", "child", child_id)
        uow.commit()

    labels = session.taxonomy
    entries: list[ChronologyEntry] = []
    for c in concerns:
        assert c.content.occurred_at is not None  # submitted concerns always have one
        signs = sorted(labels.label(code, c.taxonomy_version) for code in c.content.indicator_codes)
        text = c.content.facts
        text += "\nCategories: " + "; ".join(category_labels(
            labels, c.taxonomy_version, kinds.get(c.id, ()), c.content.indicator_codes))
        if signs:
            text += "\nSigns: " + "; ".join(signs)
        entries.append(ChronologyEntry(
            occurred_at=c.content.occurred_at, tz=c.tz, entry_type=EntryType.CONCERN,
            source=f"Concern #{c.id}", event=text, decision="", outcome="",
            recorded_by=names.get(c.author_id, "?"),
            recorded_role=roles.get(c.author_id, ""), ref_id=c.id, concern_id=c.id,
            indicator_codes=c.content.indicator_codes, child_words=c.content.child_words,
            taxonomy_version=c.taxonomy_version, recorded_at=c.created_at,
        ))
    for a in addenda:
        entries.append(ChronologyEntry(
            occurred_at=a.created_at, tz=a.tz, entry_type=EntryType.ADDENDUM,
            source=f"Addendum to concern #{a.concern_id}", event=a.body, decision="", outcome="",
            recorded_by=names.get(a.author_id, "?"),
            recorded_role=roles.get(a.author_id, ""), ref_id=a.id, concern_id=a.concern_id,
        ))
    for t in decisions:
        entries.append(ChronologyEntry(
            occurred_at=t.decided_at, tz=t.tz, entry_type=EntryType.TRIAGE,
            source=f"DSL triage of concern #{t.concern_id}", event="Triage decision",
            decision=f"{t.decision.label}: {t.rationale}".rstrip(": "), outcome="",
            recorded_by=names.get(t.decided_by, "?"),
            recorded_role=roles.get(t.decided_by, ""), ref_id=t.id, concern_id=t.concern_id,
            kind=t.decision.value,
        ))
    outcomes_by_action: dict[int, list[str]] = defaultdict(list)
    for oid, action_id, concern_id, text, at, tz, by in outcomes:
        if action_id is not None:
            outcomes_by_action[int(action_id)].append(text)
            continue
        entries.append(ChronologyEntry(
            occurred_at=from_utc_text(at), tz=tz, entry_type=EntryType.OUTCOME, source="Outcome",
            event="", decision="", outcome=text, recorded_by=names.get(by, "?"),
            recorded_role=roles.get(by, ""), ref_id=oid,
            concern_id=concern_id,
        ))
    for aid, concern_id, kind, detail, at, tz, by, written in actions:
        label = ActionKind(kind).label
        entries.append(ChronologyEntry(
            occurred_at=from_utc_text(at), tz=tz, entry_type=EntryType.ACTION, source="DSL action",
            event=f"{label}: {detail}" if detail else label, decision="",
            outcome="\n".join(outcomes_by_action.get(aid, [])),
            recorded_by=names.get(by, "?"),
            recorded_role=roles.get(by, ""), ref_id=aid, concern_id=concern_id, kind=kind,
            recorded_at=from_utc_text(written),
        ))
    for eid, kind, at, tz, summary, outcome, by, written in events:
        entries.append(ChronologyEntry(
            occurred_at=from_utc_text(at), tz=tz, entry_type=EntryType.EVENT,
            source=EventKind(kind).label, event=summary, decision="", outcome=outcome,
            recorded_by=names.get(by, "?"), recorded_role=roles.get(by, ""), ref_id=eid, kind=kind,
            recorded_at=from_utc_text(written),
        ))
    for s in screenings:
        entries.append(ChronologyEntry(
            occurred_at=s.signed_at, tz=s.tz, entry_type=EntryType.SCREENING,
            source="Screening", event=s.chronology_text, decision="", outcome="",
            recorded_by=names.get(s.signed_by, "?"), recorded_role=roles.get(s.signed_by, ""),
            ref_id=s.id, kind=s.band,
        ))
    entries = [_annotated(e, marked, impacts) for e in entries] + received
    order = list(EntryType)
    entries.sort(key=lambda e: (e.occurred_at, order.index(e.entry_type), e.ref_id))
    return entries


def _annotated(entry: ChronologyEntry, marked: set[tuple[str, int]],
               impacts: dict[tuple[str, int], str]) -> ChronologyEntry:
    """The entry with the DSL's significance mark and impact note, kept beside it."""
    ref = (entry.entry_type.value, entry.ref_id)
    if ref not in marked and ref not in impacts:
        return entry
    return dataclasses.replace(entry, significant=ref in marked, impact=impacts.get(ref, ""))

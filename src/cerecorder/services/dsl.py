"""The DSL's work: the triage queue, decisions with reasons, actions, outcomes and
significant events for the chronology."""

from __future__ import annotations

from datetime import datetime

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import ActionKind, Concern, EventKind, Role, TriageDecision
from cerecorder.domain.rules import check_triage, clean_text
from cerecorder.services import audit, flags
from cerecorder.services.access import require
from cerecorder.services.session import Session


def triage_queue(session: Session) -> list[Concern]:
    require(session.user, Role.DSL)
    with session.uow() as uow:
        return uow.concerns.untriaged()


def triage(session: Session, concern_id: int, decision: TriageDecision, rationale: str) -> int:
    require(session.user, Role.DSL)
    rationale = clean_text(rationale, "The rationale")
    check_triage(decision, rationale)
    with session.uow() as uow:
        uow.concerns.get(concern_id)
        triage_id = uow.dsl.add_triage(
            concern_id, decision, rationale, session.user.id, session.clock.now(), session.tz
        )
        audit.record(uow, session.clock, session.user, "concern_triaged", "concern", concern_id,
                     decision=decision.value)
        uow.commit()
    return triage_id


def _children_of(session: Session, concern_id: int | None, child_ids: list[int]) -> list[int]:
    with session.uow() as uow:
        if concern_id is not None:
            linked = uow.concerns.get(concern_id).content.child_ids
            child_ids = child_ids or list(linked)
            stray = set(child_ids) - set(linked)
            if stray:
                raise InvalidInput("A child named is not part of that concern.")
        uow.children.many(child_ids)
    if not child_ids:
        raise InvalidInput("Name the child (or concern) this is about.")
    return child_ids


def record_action(
    session: Session, *, kind: ActionKind, detail: str, taken_at: datetime,
    concern_id: int | None = None, child_ids: list[int] | None = None,
) -> list[int]:
    """One action row per child, so each chronology stands on its own."""
    require(session.user, Role.DSL)
    detail = clean_text(detail, "The action detail")
    children = _children_of(session, concern_id, list(child_ids or []))
    now = session.clock.now()
    with session.uow() as uow:
        ids = [
            uow.dsl.add_action(child, concern_id, kind, detail, taken_at, session.tz,
                               session.user.id, now)
            for child in children
        ]
        for action_id, child in zip(ids, children, strict=True):
            audit.record(uow, session.clock, session.user, "action_recorded", "action",
                         action_id, child=child, kind=kind.value)
        uow.commit()
    return ids


def record_outcome(
    session: Session, *, text: str, occurred_at: datetime, child_id: int,
    action_id: int | None = None, concern_id: int | None = None,
) -> int:
    require(session.user, Role.DSL)
    text = clean_text(text, "The outcome")
    if not text.strip():
        raise InvalidInput("An outcome needs some text.")
    with session.uow() as uow:
        uow.children.get(child_id)
        if action_id is not None and uow.dsl.action_child(action_id) != child_id:
            raise InvalidInput("That action was recorded for another child.")
        if (concern_id is not None
                and child_id not in uow.concerns.get(concern_id).content.child_ids):
            raise InvalidInput("That concern is about another child.")
        outcome_id = uow.dsl.add_outcome(child_id, action_id, concern_id, text, occurred_at,
                                         session.tz, session.user.id, session.clock.now())
        audit.record(uow, session.clock, session.user, "outcome_recorded", "outcome", outcome_id,
                     child=child_id)
        uow.commit()
    return outcome_id


def add_event(
    session: Session, *, child_id: int, kind: EventKind, occurred_at: datetime, summary: str,
    outcome: str = "",
) -> int:
    require(session.user, Role.DSL)
    summary = clean_text(summary, "The summary")
    outcome = clean_text(outcome, "The outcome")
    if not summary.strip():
        raise InvalidInput("Describe the event.")
    with session.uow() as uow:
        uow.children.get(child_id)
        event_id = uow.dsl.add_event(child_id, kind, occurred_at, session.tz, summary, outcome,
                                     session.user.id, session.clock.now())
        audit.record(uow, session.clock, session.user, "event_recorded", "event", event_id,
                     child=child_id, kind=kind.value)
        flags.refresh(uow, session, [child_id])
        uow.commit()
    return event_id

"""The DSL's work: the triage queue, decisions with reasons, actions, outcomes and
significant events for the chronology."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import (
    ActionKind,
    Child,
    Concern,
    EventKind,
    Role,
    TriageDecision,
)
from cerecorder.domain.rules import (
    check_clock,
    check_time,
    check_triage,
    clean_text,
    youngest_birth,
)
from cerecorder.domain.schooldays import BankHolidays
from cerecorder.domain.timefmt import from_utc_text, local_date
from cerecorder.services import audit, deadlines, flags, transfer_records
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
    now = session.clock.now()
    check_clock(now)
    with session.uow() as uow:
        uow.concerns.get(concern_id)
        triage_id = uow.dsl.add_triage(concern_id, decision, rationale, session.user.id, now,
                                       session.tz)
        audit.record(uow, session.clock, session.user, "concern_triaged", "concern", concern_id,
                     decision=decision.value)
        uow.commit()
    return triage_id


def _children_of(session: Session, concern_id: int | None, child_ids: list[int]
                 ) -> tuple[list[int], date | None]:
    """The children an action is for, and the youngest one's date of birth if known."""
    with session.uow() as uow:
        if concern_id is not None:
            linked = uow.concerns.get(concern_id).content.child_ids
            child_ids = child_ids or list(linked)
            stray = set(child_ids) - set(linked)
            if stray:
                raise InvalidInput("A child named is not part of that concern.")
        born = youngest_birth(k.details.date_of_birth for k in uow.children.many(child_ids))
    if not child_ids:
        raise InvalidInput("Name the child (or concern) this is about.")
    return child_ids, born


def record_action(
    session: Session, *, kind: ActionKind, detail: str, taken_at: datetime,
    concern_id: int | None = None, child_ids: list[int] | None = None,
    due_on: date | None = None, owner_id: int | None = None,
    holidays: BankHolidays | None = None,
) -> list[int]:
    """One action row per child, so each chronology stands on its own. An action may be
    due by a date and owned by a DSL; a referral is due an answer in working days where
    the bank holidays are known (services.deadlines)."""
    require(session.user, Role.DSL)
    detail = clean_text(detail, "The action detail")
    children, born = _children_of(session, concern_id, list(child_ids or []))
    now = session.clock.now()
    check_clock(now)
    check_time(taken_at, now, "The time the action was taken", tz=session.tz, born=born)
    taken_on = local_date(taken_at, session.tz)
    due_on = deadlines.due_for(kind, taken_on, due_on, holidays)
    if due_on is not None and due_on < taken_on:
        raise InvalidInput("An action cannot be due before it was taken.")
    with session.uow() as uow:
        transfer_records.check_not_transferred(uow, children)
        deadlines.check_owner(uow, owner_id)
        ids = [
            uow.dsl.add_action(child, concern_id, kind, detail, taken_at, session.tz,
                               session.user.id, now)
            for child in children
        ]
        if due_on is not None or owner_id is not None:
            for action_id in ids:
                uow.deadlines.set_due(action_id, due_on, owner_id, now, session.user.id)
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
    now = session.clock.now()
    check_clock(now)
    with session.uow() as uow:
        transfer_records.check_not_transferred(uow, [child_id])
        born = uow.children.get(child_id).details.date_of_birth
        check_time(occurred_at, now, "The time of the outcome", tz=session.tz, born=born)
        if action_id is not None and uow.dsl.action_child(action_id) != child_id:
            raise InvalidInput("That action was recorded for another child.")
        if (concern_id is not None
                and child_id not in uow.concerns.get(concern_id).content.child_ids):
            raise InvalidInput("That concern is about another child.")
        outcome_id = uow.dsl.add_outcome(child_id, action_id, concern_id, text, occurred_at,
                                         session.tz, session.user.id, now)
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
    now = session.clock.now()
    check_clock(now)
    with session.uow() as uow:
        transfer_records.check_not_transferred(uow, [child_id])
        born = uow.children.get(child_id).details.date_of_birth
        check_time(occurred_at, now, "The time of the event", tz=session.tz, born=born)
        event_id = uow.dsl.add_event(child_id, kind, occurred_at, session.tz, summary, outcome,
                                     session.user.id, now)
        audit.record(uow, session.clock, session.user, "event_recorded", "event", event_id,
                     child=child_id, kind=kind.value)
        flags.refresh(uow, session, [child_id])
        uow.commit()
    return event_id


@dataclass(frozen=True)
class FollowUpEntry:
    """A decision, action or outcome recorded on a concern."""

    at: datetime
    tz: str
    what: str
    text: str
    recorded_by: int
    child_id: int | None = None


@dataclass(frozen=True)
class ChildContext:
    """A child of a concern as the DSL reads it beside the concern: the record the
    chronology lives in (after any merge), and how many concerns came before this one."""

    child: Child
    earlier_concerns: int


@dataclass(frozen=True)
class FollowUp:
    entries: list[FollowUpEntry]
    children: list[ChildContext]


def follow_up(session: Session, concern_id: int) -> FollowUp:
    """What the DSL has decided and done on a concern, oldest first, and its children."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        concern = uow.concerns.get(concern_id)
        entries = [FollowUpEntry(t.decided_at, t.tz, "Decision",
                                 f"{t.decision.label}: {t.rationale}".rstrip(": "),
                                 t.decided_by)
                   for t in uow.dsl.triage_for([concern_id])]
        for _aid, child, kind, detail, at, tz, by, _c in uow.dsl.actions_for_concerns(
                [concern_id]):
            label = ActionKind(kind).label
            entries.append(FollowUpEntry(from_utc_text(at), tz, "Action",
                                         f"{label}: {detail}" if detail else label, by, child))
        for _oid, child, _action, text, at, tz, by, _c in uow.dsl.outcomes_for_concerns(
                [concern_id]):
            entries.append(FollowUpEntry(from_utc_text(at), tz, "Outcome", text, by, child))
        merged = uow.children.merged_map()
        kids: list[ChildContext] = []
        for child_id in dict.fromkeys(merged.get(c, c) for c in concern.content.child_ids):
            earlier = {c.id for own in uow.children.identity_ids(child_id)
                       for c in uow.concerns.for_child(own)
                       if c.id != concern_id and c.content.occurred_at is not None
                       and concern.content.occurred_at is not None
                       and c.content.occurred_at < concern.content.occurred_at}
            kids.append(ChildContext(uow.children.get(child_id), len(earlier)))
    entries.sort(key=lambda e: e.at)
    return FollowUp(entries, kids)

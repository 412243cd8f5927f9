"""Recording concerns: drafts autosave into the vault; submitting makes them permanent;
later information and corrections are addenda."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from cerecorder.domain.errors import InvalidInput, PermissionDenied, RecordImmutable
from cerecorder.domain.model import (
    Addendum,
    Concern,
    ConcernContent,
    ConcernStatus,
    Progress,
    Role,
)
from cerecorder.domain.register import MAX_MENTIONS, clean_mention
from cerecorder.domain.rules import (
    check_clock,
    check_concern_for_submission,
    check_time,
    clean_text,
    youngest_birth,
)
from cerecorder.services import audit, flags
from cerecorder.services.access import require, require_can_read
from cerecorder.services.session import Session
from cerecorder.storage.uow import UnitOfWork

_TEXT_FIELDS = {
    "location": "Where it happened",
    "facts": "What was seen or heard",
    "child_words": "The child's own words",
    "opinion": "Your opinion",
    "indicators_other": "Other signs",
    "action_taken": "Action taken",
    "informed": "Who was informed",
}


def _clean(session: Session, content: ConcernContent) -> ConcernContent:
    values: dict[str, Any] = {
        f: clean_text(getattr(content, f), label) for f, label in _TEXT_FIELDS.items()
    }
    session.taxonomy.current.check_codes(content.indicator_codes)
    if len(content.mentions) > MAX_MENTIONS:
        raise InvalidInput(f"A concern can name up to {MAX_MENTIONS} people, vehicles, "
                           "places and phones; describe the rest in what was seen or heard.")
    values["mentions"] = tuple(clean_mention(m.kind, m.text) for m in content.mentions)
    return replace(content, **values)


def save_draft(session: Session, content: ConcernContent, concern_id: int | None = None) -> int:
    """Create or update the author's draft (the autosave path); returns its id."""
    content, now = _checked_draft(session, content)
    with session.uow() as uow:
        concern_id = _write_draft(uow, session, content, concern_id, now)
        uow.commit()
    return concern_id


def _checked_draft(session: Session, content: ConcernContent) -> tuple[ConcernContent, datetime]:
    require(session.user, Role.STAFF, Role.DSL)
    content = _clean(session, content)
    now = session.clock.now()
    check_clock(now)
    if content.occurred_at is not None:
        check_time(content.occurred_at, now, "The time it happened", tz=session.tz)
    return content, now


def _write_draft(uow: UnitOfWork, session: Session, content: ConcernContent,
                 concern_id: int | None, now: datetime) -> int:
    uow.children.many(content.child_ids)
    if concern_id is None:
        concern_id = uow.concerns.create_draft(
            str(uuid.uuid4()), session.user.id, now, session.tz,
            session.taxonomy.current.version, content,
        )
        audit.record(uow, session.clock, session.user, "concern_draft_created", "concern",
                     concern_id)
    else:
        existing = uow.concerns.get(concern_id)
        _require_own_draft(session, existing)
        uow.concerns.update_draft(concern_id, content, now)
    return concern_id


def _require_own_draft(session: Session, concern: Concern) -> None:
    if concern.author_id != session.user.id:
        raise PermissionDenied("Only the author can change a draft.")
    if concern.status is not ConcernStatus.DRAFT:
        raise RecordImmutable("This concern has been submitted; add an addendum instead.")


def submit(session: Session, concern_id: int) -> None:
    """Make a draft permanent. From here on its content cannot change."""
    require(session.user, Role.STAFF, Role.DSL)
    with session.uow() as uow:
        _submit(uow, session, concern_id)
        uow.commit()


def _submit(uow: UnitOfWork, session: Session, concern_id: int) -> None:
    concern = uow.concerns.get(concern_id)
    _require_own_draft(session, concern)
    now = session.clock.now()
    check_clock(now)
    born = youngest_birth(k.details.date_of_birth
                          for k in uow.children.many(concern.content.child_ids))
    check_concern_for_submission(concern.content, now, tz=concern.tz, born=born)
    uow.concerns.submit(concern_id, now)
    audit.record(uow, session.clock, session.user, "concern_submitted", "concern",
                 concern_id, children=list(concern.content.child_ids))
    flags.refresh(uow, session, concern.content.child_ids)


def record_concern(session: Session, content: ConcernContent) -> int:
    """Save and submit in one step (the command line and imports): one transaction, so a
    concern that fails the submission checks leaves no draft behind."""
    content, now = _checked_draft(session, content)
    with session.uow() as uow:
        concern_id = _write_draft(uow, session, content, None, now)
        _submit(uow, session, concern_id)
        uow.commit()
    return concern_id


def discard_draft(session: Session, concern_id: int) -> None:
    with session.uow() as uow:
        _require_own_draft(session, uow.concerns.get(concern_id))
        uow.concerns.delete_draft(concern_id)
        audit.record(uow, session.clock, session.user, "concern_draft_discarded", "concern",
                     concern_id)
        uow.commit()


def my_concerns(session: Session, status: ConcernStatus | None = None) -> list[Concern]:
    require(session.user, Role.STAFF, Role.DSL)
    with session.uow() as uow:
        return uow.concerns.by_author(session.user.id, status)


def my_progress(session: Session) -> list[tuple[Concern, Progress]]:
    """The user's own concerns, newest first, each with how far the DSL has got: seen by
    a DSL other than the author, a decision recorded. Never which decision: that is the
    DSL's to tell."""
    require(session.user, Role.STAFF, Role.DSL)
    with session.uow() as uow:
        mine = uow.concerns.by_author(session.user.id)
        return _progress(uow, mine)


def progress_of(session: Session, concern_id: int) -> Progress:
    """How far one concern has got, for its author or the DSL."""
    with session.uow() as uow:
        concern = uow.concerns.get(concern_id)
        require_can_read(session.user, concern)
        return _progress(uow, [concern])[0][1]


def _progress(uow: UnitOfWork, items: list[Concern]) -> list[tuple[Concern, Progress]]:
    submitted = [c.id for c in items if c.status is ConcernStatus.SUBMITTED]
    decided = {t.concern_id for t in uow.dsl.triage_for(submitted)}
    seen = uow.audit.seen_by_dsl(submitted)

    def state(c: Concern) -> Progress:
        if c.status is ConcernStatus.DRAFT:
            return Progress.DRAFT
        if c.id in decided:
            return Progress.DECIDED
        return Progress.SEEN if c.id in seen else Progress.SUBMITTED

    return [(c, state(c)) for c in items]


@dataclass(frozen=True)
class ConcernView:
    concern: Concern
    addenda: list[Addendum]


def open_concern(session: Session, concern_id: int) -> ConcernView:
    with session.uow() as uow:
        concern = uow.concerns.get(concern_id)
        require_can_read(session.user, concern)
        addenda = uow.concerns.addenda([concern_id])
        if concern.status is ConcernStatus.SUBMITTED:
            audit.record(uow, session.clock, session.user, "concern_viewed", "concern", concern_id)
            uow.commit()
    return ConcernView(concern, addenda)


#: what comes with an addendum in its transaction (a correcting body map): given the unit of
#: work, the addendum's id and its time, it writes and returns details for the audit row
AddendumPart = Callable[[UnitOfWork, int, datetime], Mapping[str, object]]


def add_addendum(session: Session, concern_id: int, body: str, *,
                 empty: str = "An addendum needs some text.",
                 on_draft: str = "Edit the draft itself; addenda are for submitted concerns.",
                 part: AddendumPart | None = None) -> int:
    """A correction or later information: the author or the DSL may add one."""
    body = clean_text(body, "The addendum")
    if not body.strip():
        raise InvalidInput(empty)
    now = session.clock.now()
    check_clock(now)
    with session.uow() as uow:
        concern = uow.concerns.get(concern_id)
        require_can_read(session.user, concern)
        if concern.status is not ConcernStatus.SUBMITTED:
            raise InvalidInput(on_draft)
        addendum_id = uow.concerns.add_addendum(concern_id, session.user.id, now, session.tz,
                                                body)
        details = part(uow, addendum_id, now) if part else {}
        audit.record(uow, session.clock, session.user, "addendum_added", "concern", concern_id,
                     addendum=addendum_id, **details)
        uow.commit()
    return addendum_id

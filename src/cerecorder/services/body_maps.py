"""Body maps (issue 16): the marks seen on a child, placed on the outlines drawn for this
project. A concern's map is part of its draft and is locked with it at submission; a
correction is an addendum carrying a new map, never an edit. Audited by ids only.

The outlines come from the caller (the composition root loads the shipped file), so a
mark is checked against the views the screen and the PDF draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cerecorder.domain.body_map import BodyMap, BodyMark, Outlines, check_mark
from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import Concern, ConcernStatus, Role
from cerecorder.domain.rules import check_clock, clean_text
from cerecorder.services import audit, concerns
from cerecorder.services.access import require, require_can_read
from cerecorder.services.session import Session
from cerecorder.storage.uow import UnitOfWork

MAX_MARKS = 100


def _clean(marks: Sequence[BodyMark], outlines: Outlines) -> list[BodyMark]:
    if len(marks) > MAX_MARKS:
        raise InvalidInput(f"A body map holds at most {MAX_MARKS} marks.")
    cleaned = []
    for mark in marks:
        check_mark(mark, outlines)
        cleaned.append(BodyMark(
            mark.view, mark.x, mark.y, mark.kind, mark.size_cm,
            clean_text(mark.colour.strip(), "The colour"),
            clean_text(mark.description.strip(), "The description"),
            clean_text(mark.child_words.strip(), "The child's words")))
    return cleaned


def save_draft_map(session: Session, concern_id: int, marks: Sequence[BodyMark],
                   outlines: Outlines) -> None:
    """The author's draft now has these marks (none: no body map)."""
    require(session.user, Role.STAFF, Role.DSL)
    cleaned = _clean(marks, outlines)
    now = session.clock.now()
    check_clock(now)
    with session.uow() as uow:
        concern = uow.concerns.get(concern_id)
        if concern.author_id != session.user.id or concern.status is not ConcernStatus.DRAFT:
            raise InvalidInput("Only the author's draft takes a body map; "
                               "a submitted concern is corrected by an addendum.")
        uow.body_maps.replace_draft_map(concern_id, cleaned, outlines.version, now,
                                        session.user.id)
        audit.record(uow, session.clock, session.user, "body_map_saved", "concern",
                     concern_id, marks=len(cleaned))
        uow.commit()


def add_correcting_map(session: Session, concern_id: int, body: str,
                       marks: Sequence[BodyMark], outlines: Outlines) -> int:
    """An addendum (its text says why) with a new body map; returns the addendum's id."""
    cleaned = _clean(marks, outlines)
    if not cleaned:
        raise InvalidInput("A correcting body map needs at least one mark.")

    def with_map(uow: UnitOfWork, addendum_id: int, now: datetime) -> dict[str, object]:
        uow.body_maps.add_correcting_map(concern_id, addendum_id, cleaned, outlines.version,
                                         now, session.user.id)
        return {"body_map_marks": len(cleaned)}

    return concerns.add_addendum(
        session, concern_id, body, part=with_map,
        empty="Say in the addendum why the body map is added.",
        on_draft="Edit the draft's body map; addenda are for submitted concerns.")


def concern_maps(session: Session, concern_id: int) -> list[BodyMap]:
    """The concern's own map (if any) first, then any correcting maps, oldest first."""
    with session.uow() as uow:
        require_can_read(session.user, uow.concerns.get(concern_id))
        return uow.body_maps.maps([concern_id])


def child_maps(session: Session, child_id: int) -> list[tuple[BodyMap, Concern]]:
    """Every map of the child's submitted concerns (merged records too), each with its
    concern, oldest concern first and each concern's own map before its corrections
    (DSL; audited as a read of the child's file)."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        uow.children.get(child_id)
        found = {c.id: c for own in uow.children.identity_ids(child_id)
                 for c in uow.concerns.for_child(own)}
        maps = uow.body_maps.maps(found)
        audit.record(uow, session.clock, session.user, "body_maps_viewed", "child", child_id,
                     maps=len(maps))
        uow.commit()

    def when(item: tuple[BodyMap, Concern]) -> tuple[object, ...]:
        body_map, concern = item
        return (concern.content.occurred_at or body_map.created_at, concern.id,
                body_map.addendum_id is not None, body_map.id)

    return sorted(((m, found[m.concern_id]) for m in maps), key=when)

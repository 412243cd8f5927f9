"""Children: the DSL keeps profiles; staff may see names to pick a child for a concern."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import Child, ChildDetails, ChildLink, LinkKind, Role
from cerecorder.domain.rules import MAX_NAME, clean_text
from cerecorder.services import audit
from cerecorder.services.access import require
from cerecorder.services.session import Session

_TEXT_FIELDS = (
    "legal_forenames", "legal_surname", "preferred_forenames", "preferred_surname", "upn",
    "admission_number", "year_group", "reg_group", "gender",
)


def _clean(details: ChildDetails) -> ChildDetails:
    values: dict[str, Any] = {
        f: clean_text(str(getattr(details, f)).strip(), f.replace("_", " ").capitalize(), MAX_NAME)
        for f in _TEXT_FIELDS
    }
    if not values["legal_forenames"] and not values["legal_surname"]:
        raise InvalidInput("A child needs a legal forename or surname.")
    return replace(details, **values)


def add_child(session: Session, details: ChildDetails) -> int:
    require(session.user, Role.DSL)
    details = _clean(details)
    with session.uow() as uow:
        if details.upn and uow.children.by_upn(details.upn):
            raise InvalidInput(f"A child with UPN {details.upn} is already on roll.")
        child_id = uow.children.add(details, session.clock.now(), session.user.id)
        audit.record(uow, session.clock, session.user, "child_added", "child", child_id)
        uow.commit()
    return child_id


def update_child(session: Session, child_id: int, details: ChildDetails) -> None:
    require(session.user, Role.DSL)
    details = _clean(details)
    with session.uow() as uow:
        uow.children.get(child_id)
        uow.children.update(child_id, details)
        audit.record(uow, session.clock, session.user, "child_updated", "child", child_id)
        uow.commit()


def list_children(session: Session, *, include_left: bool = False) -> list[Child]:
    """The roll, for picking a child. Staff see it too: a concern must name its child."""
    require(session.user, Role.STAFF, Role.DSL)
    with session.uow() as uow:
        return uow.children.all(include_left=include_left)


@dataclass(frozen=True)
class RosterRow:
    """A pupil-list row. The counts are None for staff: how many concerns others have
    raised about a child is not theirs to see."""

    child: Child
    open_concerns: int | None
    entries: int | None


def roster(session: Session, *, include_left: bool = False) -> list[RosterRow]:
    require(session.user, Role.STAFF, Role.DSL)
    with session.uow() as uow:
        pupils = uow.children.all(include_left=include_left)
        if session.user.role is not Role.DSL:
            return [RosterRow(c, None, None) for c in pupils]
        open_counts = uow.children.open_concern_counts()
        entries = uow.children.entry_counts()
    return [RosterRow(c, open_counts.get(c.id, 0), entries.get(c.id, 0)) for c in pupils]


def link_children(
    session: Session, child_id: int, other_id: int, kind: LinkKind, note: str = ""
) -> None:
    require(session.user, Role.DSL)
    if child_id == other_id:
        raise InvalidInput("A child cannot be linked to themselves.")
    note = clean_text(note, "The note", MAX_NAME)
    with session.uow() as uow:
        uow.children.many([child_id, other_id])
        uow.children.link(child_id, other_id, kind, note, session.clock.now(), session.user.id)
        audit.record(uow, session.clock, session.user, "children_linked", "child", child_id,
                     other=other_id, kind=kind.value)
        uow.commit()


@dataclass(frozen=True)
class ChildProfile:
    child: Child
    links: list[tuple[ChildLink, Child]]


def child_profile(session: Session, child_id: int) -> ChildProfile:
    require(session.user, Role.DSL)
    with session.uow() as uow:
        child = uow.children.get(child_id)
        links = uow.children.links(child_id)
        others = uow.children.many(link.other_id for link in links)
    return ChildProfile(child, list(zip(links, others, strict=True)))

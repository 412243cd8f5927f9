"""Children: the DSL keeps profiles; staff may see names to pick a child for a concern."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import Child, ChildDetails, ChildLink, EventKind, LinkKind, Role
from cerecorder.domain.rules import MAX_NAME, check_date, clean_text
from cerecorder.domain.timefmt import local_date
from cerecorder.services import audit
from cerecorder.services.access import require
from cerecorder.services.session import Session
from cerecorder.storage.roll_changes import roll_version

_TEXT_FIELDS = (
    "legal_forenames", "legal_surname", "preferred_forenames", "preferred_surname", "upn",
    "admission_number", "year_group", "reg_group", "gender",
)


def _clean(session: Session, details: ChildDetails) -> ChildDetails:
    check_date(details.date_of_birth, local_date(session.clock.now(), session.tz),
               "The date of birth")
    values: dict[str, Any] = {
        f: clean_text(str(getattr(details, f)).strip(), f.replace("_", " ").capitalize(), MAX_NAME)
        for f in _TEXT_FIELDS
    }
    if not values["legal_forenames"] and not values["legal_surname"]:
        raise InvalidInput("A child needs a legal forename or surname.")
    return replace(details, **values)


def add_child(session: Session, details: ChildDetails) -> int:
    require(session.user, Role.DSL)
    details = _clean(session, details)
    with session.uow() as uow:
        if details.upn and uow.children.by_upn(details.upn):
            raise InvalidInput(f"A child with UPN {details.upn} is already on roll.")
        child_id = uow.children.add(details, session.clock.now(), session.user.id)
        audit.record(uow, session.clock, session.user, "child_added", "child", child_id)
        uow.commit()
    return child_id


def update_child(session: Session, child_id: int, details: ChildDetails) -> None:
    require(session.user, Role.DSL)
    details = _clean(session, details)
    with session.uow() as uow:
        uow.children.get(child_id)
        uow.children.update(child_id, details)
        audit.record(uow, session.clock, session.user, "child_updated", "child", child_id)
        uow.commit()


def list_children(session: Session, *, include_left: bool = False,
                  include_merged: bool = False) -> list[Child]:
    """The roll, for picking a child. Staff see it too: a concern must name its child.
    Merged records are left out, except to name the child an old concern names."""
    require(session.user, Role.STAFF, Role.DSL)
    version = roll_version(session.vault.conn)  # read first: a change after it only
    kept = session.rolls.get((include_left, include_merged))  # costs a second read
    if version is not None and kept is not None and kept[0] == version:
        return list(kept[1])  # a school's roll is read once, until it changes
    with session.uow() as uow:
        roll = uow.children.all(include_left=include_left, include_merged=include_merged)
    if version is not None:
        session.rolls[(include_left, include_merged)] = (version, tuple(roll))
    return roll


@dataclass(frozen=True)
class RosterRow:
    """A pupil-list row. The counts are None for staff: how many concerns others have
    raised about a child is not theirs to see."""

    child: Child
    open_concerns: int | None
    entries: int | None


def roster(session: Session, *, include_left: bool = False,
           entries: bool = True) -> list[RosterRow]:
    """The pupil list; without ``entries`` (the main window shows none) the chronology
    counts are None, and not counted."""
    require(session.user, Role.STAFF, Role.DSL)
    with session.uow() as uow:
        pupils = uow.children.all(include_left=include_left)
        if session.user.role is not Role.DSL:
            return [RosterRow(c, None, None) for c in pupils]
        merged = uow.children.merged_map()
        open_counts = _fold(uow.children.open_concern_counts(), merged)
        counted = _fold(uow.children.entry_counts(), merged) if entries else None
    return [RosterRow(c, open_counts.get(c.id, 0),
                      None if counted is None else counted.get(c.id, 0)) for c in pupils]


def merged_names(session: Session) -> dict[int, str]:
    """A merged record's id to the name of the record kept: the concern lists name the
    child a concern was recorded about, whichever of their records it names."""
    require(session.user, Role.STAFF, Role.DSL)
    with session.uow() as uow:
        merged = uow.children.merged_map()
        kept = {c.id: c for c in uow.children.many(set(merged.values()))}
    return {child_id: kept[target].display_name for child_id, target in merged.items()}


def _fold(counts: dict[int, int], merged: dict[int, int]) -> dict[int, int]:
    """Counts of merged records added to the record they were merged into."""
    folded: dict[int, int] = {}
    for child_id, n in counts.items():
        target = merged.get(child_id, child_id)
        folded[target] = folded.get(target, 0) + n
    return folded


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


def unlink_children(session: Session, child_id: int, other_id: int, kind: LinkKind) -> None:
    """Take back a link made in error, on whichever of either child's records it was made."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        uow.children.many([child_id, other_id])
        removed = sum(uow.children.unlink(mine, theirs, kind)
                      for mine in uow.children.identity_ids(child_id)
                      for theirs in uow.children.identity_ids(other_id))
        if not removed:
            raise InvalidInput("These two pupils are not linked that way.")
        audit.record(uow, session.clock, session.user, "children_unlinked", "child", child_id,
                     other=other_id, kind=kind.value)
        uow.commit()


@dataclass(frozen=True)
class ChildProfile:
    child: Child
    links: list[tuple[ChildLink, Child]]
    #: other records of this child, merged into this one
    merged: list[Child] = field(default_factory=list)
    #: set when this record was itself merged into another: the one to open instead
    merged_into: Child | None = None


def child_profile(session: Session, child_id: int) -> ChildProfile:
    """The child, their links (made on any of their merged records, shown once, to the
    record each linked child now lives in) and the records merged into them."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        child = uow.children.get(child_id)
        merged = uow.children.merged_map()
        identity = uow.children.identity_ids(child_id)
        seen: dict[tuple[int, LinkKind], ChildLink] = {}
        for own in identity:
            for link in uow.children.links(own):
                other = merged.get(link.other_id, link.other_id)
                if other not in identity:
                    seen.setdefault((other, link.kind),
                                    ChildLink(child_id, other, link.kind, link.note))
        links = list(seen.values())
        others = uow.children.many(link.other_id for link in links)
        into = merged.get(child_id)
        pairs = sorted(zip(links, others, strict=True),
                       key=lambda pair: (pair[0].kind, pair[1].display_name.casefold()))
        return ChildProfile(
            child, pairs, uow.children.many(identity[1:]),
            None if into is None else uow.children.get(into))


def merge_children(session: Session, keep_id: int, duplicate_id: int, reason: str) -> None:
    """Two records are the same child: the duplicate's concerns, decisions, actions,
    outcomes, events and links show in the kept record's chronology from now on. Nothing
    recorded is deleted or re-written: the duplicate stays, marked as merged. The kept
    record takes any detail it lacks from the duplicate (a UPN moves, as UPNs are unique).
    Final, and audited; the reason goes into the chronology as an event."""
    require(session.user, Role.DSL)
    reason = clean_text(reason.strip(), "The reason", MAX_NAME)
    if not reason:
        raise InvalidInput("Say why these two records are the same child.")
    if keep_id == duplicate_id:
        raise InvalidInput("A record cannot be merged with itself.")
    with session.uow() as uow:
        keep, duplicate = uow.children.many([keep_id, duplicate_id])
        merged = uow.children.merged_map()
        for record in (keep, duplicate):
            if record.id in merged:
                raise InvalidInput(f"{record.display_name} (#{record.id}) is already merged "
                                   f"into #{merged[record.id]}; merge with that record.")
        kept = keep.details
        filled = {f: getattr(duplicate.details, f) for f in (*_TEXT_FIELDS, "date_of_birth")
                  if not getattr(kept, f) and getattr(duplicate.details, f)}
        if "upn" in filled:  # a UPN is unique: it moves to the record kept
            uow.children.update(duplicate.id, replace(duplicate.details, upn=""))
        uow.children.update(keep.id, replace(
            kept, **filled, flags=kept.flags | duplicate.details.flags))
        if keep.left_on is not None and duplicate.left_on is None:
            uow.children.set_left(keep.id, None)
        uow.children.mark_merged(duplicate.id, keep.id, session.clock.now(), session.user.id)
        # the merge and its reason belong in the chronology, where the next reader looks
        uow.dsl.add_event(
            keep.id, EventKind.OTHER, session.clock.now(), session.tz,
            f"Records merged: {duplicate.legal_name} (#{duplicate.id}) is the same child as "
            f"{keep.legal_name} (#{keep.id}); both records now show in this chronology. "
            f"Reason: {reason}", "", session.user.id, session.clock.now())
        audit.record(uow, session.clock, session.user, "children_merged", "child", keep.id,
                     merged=duplicate.id, filled=sorted(filled))
        from cerecorder.services import flags  # the rules load when a merge needs them

        flags.refresh(uow, session, [keep.id, duplicate.id])
        uow.commit()

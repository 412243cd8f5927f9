"""The contextual register (issue 14): the DSL's list of people, vehicles, places, phones,
online accounts and groups, matched from what staff typed in concerns, merged, corrected
by revision, and read with every child and concern linked to them.

Staff name things in a concern (ConcernContent.mentions) and nothing else: every function
here is the DSL's. Each change is audited with ids only and brings the flags of every
child it touches up to date in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import Child, EntryKind, Role
from cerecorder.domain.register import (
    Entry,
    Link,
    PendingMention,
    Revision,
    clean_entry,
    key_from_text,
)
from cerecorder.domain.rules import MAX_NAME, clean_text
from cerecorder.services import audit, flags
from cerecorder.services.access import require
from cerecorder.services.session import Session
from cerecorder.storage.uow import UnitOfWork


@dataclass(frozen=True)
class RegisterRow:
    entry: Entry
    #: the children linked, each as the record they now live in
    child_ids: tuple[int, ...]
    first_seen: datetime | None = None
    last_seen: datetime | None = None


def _reason(text: str, what: str) -> str:
    reason = clean_text(text.strip(), "The reason", MAX_NAME)
    if not reason:
        raise InvalidInput(f"Say why {what}.")
    return reason


def _identity(uow: UnitOfWork, entry_id: int) -> list[int]:
    """The entry and every entry merged into it."""
    merged = uow.register.merged_map()
    return [entry_id, *sorted(k for k, v in merged.items() if v == entry_id)]


def _kept(uow: UnitOfWork, entry_id: int) -> int:
    return uow.register.merged_map().get(entry_id, entry_id)


def _children_of_entries(uow: UnitOfWork, entry_ids: list[int]) -> set[int]:
    return {link.child_id for link in uow.register.links_of_entries(entry_ids)}


def register(session: Session, kind: EntryKind | None = None) -> list[RegisterRow]:
    """Every entry not merged into another, with the children linked to it and when it
    was first and last seen."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        merged = uow.register.merged_map()
        children = uow.children.merged_map()
        linked: dict[int, set[int]] = {}
        seen: dict[int, list[datetime]] = {}
        for link in uow.register.links_of_entries(None):
            kept = merged.get(link.entry_id, link.entry_id)
            linked.setdefault(kept, set()).add(children.get(link.child_id, link.child_id))
            seen.setdefault(kept, []).append(link.seen_at)
        return [RegisterRow(e, tuple(sorted(linked.get(e.id, ()))),
                            min(seen.get(e.id, ()), default=None),
                            max(seen.get(e.id, ()), default=None))
                for e in uow.register.all(kind) if e.id not in merged]


def create_entry(session: Session, kind: EntryKind, values: Mapping[str, str]) -> int:
    require(session.user, Role.DSL)
    with session.uow() as uow:
        entry_id = _create(session, uow, kind, values, session.clock.now())
        uow.commit()
    return entry_id


def _create(session: Session, uow: UnitOfWork, kind: EntryKind, values: Mapping[str, str],
            now: datetime) -> int:
    details = clean_entry(kind, values)
    entry_id = uow.register.add_entry(kind, now, session.user.id)
    uow.register.add_revision(entry_id, details, "", now, session.user.id)
    audit.record(uow, session.clock, session.user, "register_entry_created", "register_entry",
                 entry_id, kind=kind.value)
    return entry_id


def revise_entry(session: Session, entry_id: int, values: Mapping[str, str],
                 reason: str) -> int:
    """Correct an entry: a new revision; every earlier wording stays on record."""
    require(session.user, Role.DSL)
    reason = _reason(reason, "the entry is corrected")
    with session.uow() as uow:
        entry = uow.register.get(entry_id)
        details = clean_entry(entry.kind, values)
        revision_id = uow.register.add_revision(entry_id, details, reason,
                                                session.clock.now(), session.user.id)
        audit.record(uow, session.clock, session.user, "register_entry_revised",
                     "register_entry", entry_id, revision=revision_id)
        flags.refresh(uow, session, _children_of_entries(uow, _identity(uow, entry_id)))
        uow.commit()
    return revision_id


def find_matches(session: Session, kind: EntryKind, text: str) -> list[Entry]:
    """Entries a line staff typed may be: the same key, else the words in its fields."""
    require(session.user, Role.DSL)
    key = key_from_text(kind, text)
    words = [w for w in text.casefold().split() if len(w) > 2]
    with session.uow() as uow:
        merged = uow.register.merged_map()
        if key is not None:
            same = [merged.get(i, i) for i in uow.register.by_key(kind, key)]
            if same:
                return list(uow.register.many(same).values())
        return [e for e in uow.register.all(kind) if e.id not in merged and words and any(
            w in " ".join(e.details.values.values()).casefold() for w in words)]


def pending_mentions(session: Session) -> list[PendingMention]:
    """What staff named in submitted concerns and the DSL has not yet matched: they wait
    here as unmatched children wait for a match."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        return uow.register.pending_mentions()


def match_mention(session: Session, concern_id: int, position: int, *,
                  entry_id: int | None = None, values: Mapping[str, str] | None = None) -> int:
    """Link a line staff typed to an entry (an existing one, or one made from ``values``)
    for every child of its concern, as reported by the concern's author when it
    happened. Returns the entry's id."""
    require(session.user, Role.DSL)
    if (entry_id is None) == (values is None):
        raise InvalidInput("Choose an entry to match, or describe a new one.")
    now = session.clock.now()
    with session.uow() as uow:
        concern = uow.concerns.get(concern_id)
        mention = uow.register.mention(concern_id, position)
        if uow.register.mention_settled(concern_id, position):
            raise InvalidInput("That line has already been matched or set aside.")
        if entry_id is None:
            assert values is not None
            entry_id = _create(session, uow, mention.kind, values, now)
        else:
            entry_id = _kept(uow, entry_id)
            if uow.register.get(entry_id).kind is not mention.kind:
                raise InvalidInput(f"That line names a {mention.kind.label.lower()}; choose "
                                   "an entry of that kind.")
        assert concern.content.occurred_at is not None  # submitted
        for child_id in concern.content.child_ids:
            uow.register.add_link(entry_id, child_id, concern_id=concern_id, mention=position,
                                  reported_by=concern.author_id,
                                  seen_at=concern.content.occurred_at, note="", now=now,
                                  by=session.user.id)
        audit.record(uow, session.clock, session.user, "register_mention_matched", "concern",
                     concern_id, position=position, entry=entry_id)
        flags.refresh(uow, session, _children_of_entries(uow, _identity(uow, entry_id)))
        uow.commit()
    return entry_id


def dismiss_mention(session: Session, concern_id: int, position: int, reason: str) -> None:
    """Set a line aside as no register entry (the line itself stays in the concern)."""
    require(session.user, Role.DSL)
    reason = _reason(reason, "this line is set aside")
    with session.uow() as uow:
        uow.register.mention(concern_id, position)
        if uow.register.mention_settled(concern_id, position):
            raise InvalidInput("That line has already been matched or set aside.")
        uow.register.dismiss_mention(concern_id, position, reason, session.clock.now(),
                                     session.user.id)
        audit.record(uow, session.clock, session.user, "register_mention_dismissed",
                     "concern", concern_id, position=position)
        uow.commit()


def link_entry(session: Session, entry_id: int, child_id: int, *,
               concern_id: int | None = None, seen_at: datetime | None = None,
               note: str = "") -> int:
    """The DSL links an entry to a child (and a concern about them) directly."""
    require(session.user, Role.DSL)
    note = clean_text(note.strip(), "The note", MAX_NAME)
    with session.uow() as uow:
        entry_id = _kept(uow, entry_id)
        uow.register.get(entry_id)
        uow.children.get(child_id)
        reporter = session.user.id
        if concern_id is not None:
            concern = uow.concerns.get(concern_id)
            if child_id not in concern.content.child_ids:
                raise InvalidInput("That concern is about another child.")
            seen_at = seen_at or concern.content.occurred_at
            reporter = concern.author_id
        link_id = uow.register.add_link(
            entry_id, child_id, concern_id=concern_id, mention=None, reported_by=reporter,
            seen_at=seen_at or session.clock.now(), note=note, now=session.clock.now(),
            by=session.user.id)
        audit.record(uow, session.clock, session.user, "register_entry_linked",
                     "register_entry", entry_id, child=child_id, concern=concern_id)
        flags.refresh(uow, session, _children_of_entries(uow, _identity(uow, entry_id)))
        uow.commit()
    return link_id


def merge_entries(session: Session, keep_id: int, duplicate_id: int, reason: str) -> None:
    """Two entries are one thing: the duplicate's revisions and links show under the
    entry kept from now on. Nothing is re-written; the merge is final and audited."""
    require(session.user, Role.DSL)
    reason = _reason(reason, "these two entries are the same")
    if keep_id == duplicate_id:
        raise InvalidInput("An entry cannot be merged with itself.")
    with session.uow() as uow:
        keep, duplicate = uow.register.get(keep_id), uow.register.get(duplicate_id)
        merged = uow.register.merged_map()
        for entry in (keep, duplicate):
            if entry.id in merged:
                raise InvalidInput(f"Entry #{entry.id} is already merged into "
                                   f"#{merged[entry.id]}; merge with that entry.")
        if keep.kind is not duplicate.kind:
            raise InvalidInput(f"A {keep.kind.label.lower()} cannot be merged with a "
                               f"{duplicate.kind.label.lower()}.")
        uow.register.add_merge(duplicate_id, keep_id, reason, session.clock.now(),
                               session.user.id)
        audit.record(uow, session.clock, session.user, "register_entries_merged",
                     "register_entry", keep_id, merged=duplicate_id)
        flags.refresh(uow, session, _children_of_entries(uow, _identity(uow, keep_id)))
        uow.commit()


@dataclass(frozen=True)
class EntryView:
    entry: Entry
    #: every revision of the entry and of the entries merged into it, oldest first
    revisions: list[Revision]
    #: each with its child as the record they now live in
    links: list[Link]
    children: list[Child]
    concern_ids: list[int]
    first_seen: datetime | None
    last_seen: datetime | None
    reported_by: list[str]
    merged: list[int]


def entry_view(session: Session, entry_id: int) -> EntryView:
    """An entry with its children, concerns, first and last seen and who reported it.
    Opening one is audited, as a chronology is."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        entry = uow.register.get(_kept(uow, entry_id))
        identity = _identity(uow, entry.id)
        folded = uow.children.merged_map()
        links = [replace(link, child_id=folded.get(link.child_id, link.child_id))
                 for link in uow.register.links_of_entries(identity)]
        child_ids = sorted({link.child_id for link in links})
        names = uow.users.display_names()
        seen = [link.seen_at for link in links]
        reporters = sorted({names.get(link.reported_by, "?") for link in links
                            if link.reported_by is not None})
        audit.record(uow, session.clock, session.user, "register_entry_viewed",
                     "register_entry", entry.id)
        view = EntryView(
            entry, uow.register.revisions(identity), links, uow.children.many(child_ids),
            sorted({link.concern_id for link in links if link.concern_id is not None}),
            min(seen, default=None), max(seen, default=None), reporters, identity[1:])
        uow.commit()
    return view


def child_entries(session: Session, child_id: int) -> list[tuple[Entry, list[Link]]]:
    """The entries linked to a child (on any of their records) with those links."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        merged = uow.register.merged_map()
        links = uow.register.links_of_children(uow.children.identity_ids(child_id))
        by_entry: dict[int, list[Link]] = {}
        for link in links:
            by_entry.setdefault(merged.get(link.entry_id, link.entry_id), []).append(link)
        entries = uow.register.many(by_entry)
        return [(entries[e], by_entry[e]) for e in sorted(by_entry)]

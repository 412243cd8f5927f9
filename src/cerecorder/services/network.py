"""The network view's read models (issue 14): from a child, the register entries linked
to them and the other children linked through those entries (the peer group); from an
entry, every child and concern linked to it. DSL only; opening and printing one are
audited with ids, as a chronology is.

Every child id is folded into the record it now lives in, and every entry id into the
entry kept after a merge, so a duplicate never shows as a second node.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import Child, Role
from cerecorder.domain.register import Entry, Link
from cerecorder.services import audit
from cerecorder.services.access import require
from cerecorder.services.session import Session
from cerecorder.storage.uow import UnitOfWork


@dataclass(frozen=True)
class Tie:
    """One entry and one child, joined by one or more links."""

    entry_id: int
    child_id: int
    first_seen: datetime
    last_seen: datetime
    #: the concerns the links came from, oldest id first
    concern_ids: tuple[int, ...]
    #: how many times the child and the entry were linked
    times: int


@dataclass(frozen=True)
class ChildNetwork:
    child: Child
    #: the entries linked to the child, by id
    entries: list[Entry]
    #: the other children linked through those entries, by name
    peers: list[Child]
    #: every child-entry tie in the picture, the centre child's first
    ties: list[Tie]

    def ties_of(self, child_id: int) -> list[Tie]:
        return [t for t in self.ties if t.child_id == child_id]


@dataclass(frozen=True)
class EntryNetwork:
    entry: Entry
    #: the children linked to the entry, by name
    children: list[Child]
    ties: list[Tie]
    #: the links themselves (one per concern line or direct link), in date order, with
    #: child ids folded
    links: list[Link]


def _ties(links: Iterable[Link]) -> list[Tie]:
    grouped: dict[tuple[int, int], list[Link]] = {}
    for link in links:
        grouped.setdefault((link.entry_id, link.child_id), []).append(link)
    return [Tie(entry_id, child_id, min(x.seen_at for x in found),
                max(x.seen_at for x in found),
                tuple(sorted({x.concern_id for x in found if x.concern_id is not None})),
                len(found))
            for (entry_id, child_id), found in sorted(grouped.items())]


def _folded(uow: UnitOfWork, links: Iterable[Link]) -> list[Link]:
    """The links with their entry and child as the records they now live in."""
    entries, children = uow.register.merged_map(), uow.children.merged_map()
    return [Link(x.id, entries.get(x.entry_id, x.entry_id), children.get(x.child_id, x.child_id),
                 x.concern_id, x.mention, x.reported_by, x.seen_at, x.note) for x in links]


def _by_name(found: list[Child]) -> list[Child]:
    return sorted(found, key=lambda c: (c.display_name.casefold(), c.id))


def child_network(session: Session, child_id: int) -> ChildNetwork:
    """The peer group of one child, as the register links them."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        kept = uow.children.merged_map().get(child_id, child_id)
        child = uow.children.get(kept)
        own = _folded(uow, uow.register.links_of_children(uow.children.identity_ids(kept)))
        entry_ids = sorted({x.entry_id for x in own})
        merged = uow.register.merged_map()
        ties = _ties(_folded(uow, uow.register.links_of_entries(
            [*entry_ids, *(d for d, k in merged.items() if k in entry_ids)])))
        ties.sort(key=lambda t: (t.child_id != kept, t.entry_id, t.child_id))
        peer_ids = sorted({t.child_id for t in ties} - {kept})
        entries = uow.register.many(entry_ids)
        audit.record(uow, session.clock, session.user, "register_network_viewed", "child",
                     kept, entries=len(entry_ids), peers=len(peer_ids))
        network = ChildNetwork(child, [entries[i] for i in entry_ids],
                               _by_name(uow.children.many(peer_ids)), ties)
        uow.commit()
    return network


def entry_network(session: Session, entry_id: int) -> EntryNetwork:
    """Every child and concern linked to an entry (and to the entries merged into it)."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        merged = uow.register.merged_map()
        kept = merged.get(entry_id, entry_id)
        entry = uow.register.get(kept)
        identity = [kept, *sorted(d for d, k in merged.items() if k == kept)]
        links = sorted(_folded(uow, uow.register.links_of_entries(identity)),
                       key=lambda x: (x.seen_at, x.id))
        child_ids = sorted({x.child_id for x in links})
        audit.record(uow, session.clock, session.user, "register_network_viewed",
                     "register_entry", kept, children=len(child_ids))
        network = EntryNetwork(entry, _by_name(uow.children.many(child_ids)), _ties(links),
                               links)
        uow.commit()
    return network


def network_printed(session: Session, centre: str, centre_id: int) -> None:
    """A network view went to the printer: audited as a print of a chronology is."""
    require(session.user, Role.DSL)
    if centre not in ("child", "register_entry"):
        raise InvalidInput("A network is drawn from a child or a register entry.")
    with session.uow() as uow:
        audit.record(uow, session.clock, session.user, "register_network_printed", centre,
                     centre_id)
        uow.commit()

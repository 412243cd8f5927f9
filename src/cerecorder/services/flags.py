"""Pattern flags (issue 14): computed by domain.patterns from a child's concerns, events and
register links whenever one of those is saved or imported, and all at once on demand.

A flag belongs to the child's record kept after any merge and names the records that
raised it. The DSL reviews it (no action or action taken, with a reason); a reviewed flag
stays quiet while the rule finds nothing it has not seen, and a new flag is raised when
new evidence arrives. An open flag the rules no longer support is withdrawn.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TypeVar

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import EntryKind, Role
from cerecorder.domain.patterns import (
    ChildFacts,
    ConcernFact,
    EventFact,
    Flag,
    FlagReview,
    FlagStatus,
    Hit,
    LinkFact,
    ReviewOutcome,
    evaluate,
)
from cerecorder.domain.register import Entry, Link
from cerecorder.domain.rules import MAX_NAME, clean_text
from cerecorder.services import audit
from cerecorder.services.access import require
from cerecorder.services.session import Session
from cerecorder.storage.uow import UnitOfWork

_T = TypeVar("_T")


def _folded(fact: ConcernFact, merged: dict[int, int]) -> ConcernFact:
    if not merged.keys() & fact.child_ids:
        return fact
    return replace(fact, child_ids=frozenset(merged.get(c, c) for c in fact.child_ids))


@dataclass
class _Data:
    """Records the rules read, loaded for some children (on a save) or for all (on a
    recompute), keyed by the ids they were recorded under."""

    merged: dict[int, int]
    concerns: dict[int, list[ConcernFact]]
    events: dict[int, list[EventFact]]
    links_by_child: dict[int, list[Link]]
    links_by_entry: dict[int, list[Link]]
    entry_merges: dict[int, int]
    entries: dict[int, Entry]
    linked_concerns: dict[int, ConcernFact]
    mention: Callable[[int, int], str]
    flags: dict[int, list[Flag]]

    def facts(self, child_id: int) -> ChildFacts:
        merged = self.merged
        identity = [child_id, *sorted(k for k, v in merged.items() if v == child_id)]
        concerns = {c.concern_id: _folded(c, merged)
                    for own in identity for c in self.concerns.get(own, ())}
        events = tuple(e for own in identity for e in self.events.get(own, ()))
        mine = {self.entry_merges.get(link.entry_id, link.entry_id)
                for own in identity for link in self.links_by_child.get(own, ())}
        network = tuple(self._fact(link) for entry_id in sorted(mine)
                        for link in self.links_by_entry.get(entry_id, ()))
        return ChildFacts(
            child_id, concerns=tuple(concerns.values()), events=events,
            links=tuple(f for f in network if f.child_id == child_id), network=network,
            network_concerns={f.concern_id: _folded(self.linked_concerns[f.concern_id], merged)
                              for f in network if f.concern_id in self.linked_concerns})

    def _fact(self, link: Link) -> LinkFact:
        """A person's relationship is to one child: what was said of them with this link
        (the line staff typed, the DSL's note), not the entry's description of them."""
        entry = self.entries[self.entry_merges.get(link.entry_id, link.entry_id)]
        said = link.note
        if entry.kind is EntryKind.PERSON and link.concern_id is not None \
                and link.mention is not None:
            said += " " + self.mention(link.concern_id, link.mention)
        return LinkFact(entry.id, entry.kind, self.merged.get(link.child_id, link.child_id),
                        link.concern_id, link.seen_at, said.strip())


def _group(pairs: Iterable[tuple[int, _T]]) -> dict[int, list[_T]]:
    grouped: dict[int, list[_T]] = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped


def _load(uow: UnitOfWork, child_ids: Iterable[int] | None) -> _Data:
    """What the rules need for these children (and each record merged into them), or
    for every child when ``child_ids`` is None: a handful of statements either way."""
    merged = uow.children.merged_map()
    entry_merges = uow.register.merged_map()
    if child_ids is None:
        concerns = uow.flags.concern_facts()
        events = uow.flags.event_facts()
        links = uow.register.links_of_entries(None)
        flags = uow.flags.for_children(None)
    else:
        kept = {merged.get(c, c) for c in child_ids}
        identity = kept | {k for k, v in merged.items() if v in kept}
        concerns = uow.flags.concern_facts(child_ids=identity)
        events = uow.flags.event_facts(identity)
        mine = uow.register.links_of_children(identity)
        entry_ids = {entry_merges.get(link.entry_id, link.entry_id) for link in mine}
        whole = entry_ids | {k for k, v in entry_merges.items() if v in entry_ids}
        links = uow.register.links_of_entries(whole) if mine else []
        flags = uow.flags.for_children(set(child_ids) | identity)
    linked_ids = {link.concern_id for link in links if link.concern_id is not None}
    by_id = {c.concern_id: c for c in concerns}
    linked = by_id if child_ids is None else {
        c.concern_id: c for c in uow.flags.concern_facts(concern_ids=linked_ids)
    } if linked_ids else {}
    entries = uow.register.many({entry_merges.get(link.entry_id, link.entry_id)
                                 for link in links})

    def mention(concern_id: int, position: int) -> str:
        return uow.register.mention(concern_id, position).text

    return _Data(
        merged=merged,
        concerns=_group((child, c) for c in concerns for child in c.child_ids),
        events=_group(events),
        links_by_child=_group((link.child_id, link) for link in links),
        links_by_entry=_group((entry_merges.get(link.entry_id, link.entry_id), link)
                              for link in links),
        entry_merges=entry_merges, entries=entries, linked_concerns=linked,
        mention=mention, flags=_group((f.child_id, f) for f in flags))


def refresh(uow: UnitOfWork, session: Session, child_ids: Iterable[int] | None) -> None:
    """Bring the flags of these children (None: every child) up to date inside the
    caller's transaction."""
    wanted = None if child_ids is None else set(child_ids)
    data = _load(uow, wanted)
    merged = data.merged
    every = set(data.concerns) | set(data.events) | set(data.links_by_child) | set(data.flags)
    targets = every if wanted is None else wanted
    for gone in sorted(targets & set(merged)):
        _reconcile(uow, session, gone, [], data.flags.get(gone, []))  # moved to the one kept
    for child_id in sorted({merged.get(c, c) for c in targets}):
        hits = evaluate(session.taxonomy.rules.current, data.facts(child_id),
                        session.taxonomy.lookup)
        _reconcile(uow, session, child_id, hits, data.flags.get(child_id, []))


def _reconcile(uow: UnitOfWork, session: Session, child_id: int, hits: list[Hit],
               existing: list[Flag]) -> None:
    rules = session.taxonomy.rules.current
    now = session.clock.now()
    supported: set[int] = set()
    for hit in hits:
        same = [f for f in existing if f.rule_code == hit.rule_code
                and f.status is not FlagStatus.WITHDRAWN and f.evidence & hit.evidence]
        supported.update(f.id for f in same)
        if any(hit.evidence <= f.evidence for f in same):
            continue  # nothing the flag (open or reviewed) has not already named
        still_open = [f for f in same if f.status is FlagStatus.OPEN]
        if still_open:
            uow.flags.add_evidence(still_open[-1].id, hit.evidence - still_open[-1].evidence,
                                   now)
            audit.record(uow, session.clock, session.user, "flag_evidence_added", "flag",
                         still_open[-1].id, child=child_id)
            continue
        flag_id = uow.flags.raise_flag(child_id, hit.rule_code, rules.version, hit.evidence,
                                       now)
        supported.add(flag_id)
        audit.record(uow, session.clock, session.user, "flag_raised", "flag", flag_id,
                     child=child_id, rule=hit.rule_code, rules_version=rules.version)
    for flag in existing:
        if flag.status is FlagStatus.OPEN and flag.id not in supported:
            uow.flags.set_status(flag.id, FlagStatus.WITHDRAWN)
            audit.record(uow, session.clock, session.user, "flag_withdrawn", "flag", flag.id,
                         child=child_id)


def recompute_all(session: Session) -> int:
    """Every child's flags, after a taxonomy or rule change; returns the open flags."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        refresh(uow, session, None)
        audit.record(uow, session.clock, session.user, "flags_recomputed", "flag", "",
                     rules_version=session.taxonomy.rules.current.version)
        open_flags = len(uow.flags.with_status(FlagStatus.OPEN))
        uow.commit()
    return open_flags


def open_flags(session: Session, child_id: int | None = None) -> list[Flag]:
    """Flags waiting for the DSL's review, oldest first; for one child if named."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        found = uow.flags.with_status(FlagStatus.OPEN)
        if child_id is not None:
            uow.children.get(child_id)
            found = [f for f in found if f.child_id == child_id]
        return found


@dataclass(frozen=True)
class FlagHistory:
    flag: Flag
    reviews: list[FlagReview]


def child_flags(session: Session, child_id: int) -> list[FlagHistory]:
    """Every flag a child has had, with its reviews."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        found = uow.flags.for_children([child_id])
        reviews = uow.flags.reviews(f.id for f in found)
    return [FlagHistory(f, [r for r in reviews if r.flag_id == f.id]) for f in found]


def review(session: Session, flag_id: int, outcome: ReviewOutcome, reason: str) -> int:
    """The DSL's decision on a flag, with the reason; recorded, audited and final."""
    require(session.user, Role.DSL)
    reason = clean_text(reason.strip(), "The reason", MAX_NAME * 5)
    if not reason:
        raise InvalidInput(f"A reason is required for '{outcome.label}'.")
    with session.uow() as uow:
        flag = uow.flags.get(flag_id)
        if flag.status is not FlagStatus.OPEN:
            raise InvalidInput(f"Flag #{flag_id} is {flag.status.value}, not waiting for a "
                               "review.")
        review_id = uow.flags.add_review(flag_id, outcome, reason, session.clock.now(),
                                         session.tz, session.user.id)
        uow.flags.set_status(flag_id, FlagStatus.REVIEWED)
        audit.record(uow, session.clock, session.user, "flag_reviewed", "flag", flag_id,
                     child=flag.child_id, outcome=outcome.value)
        uow.commit()
    return review_id

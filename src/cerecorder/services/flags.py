"""Pattern flags (issue 14): computed by domain.patterns from a child's concerns, events and
register links whenever one of those is saved or imported, and all at once on demand.

A flag belongs to the child's record kept after any merge and names the records that
raised it. The DSL reviews it (no action or action taken, with a reason); a reviewed flag
stays quiet while the rule finds nothing it has not seen, and a new flag is raised when
new evidence arrives. An open flag the rules no longer support is withdrawn.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

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
from cerecorder.domain.register import Link
from cerecorder.domain.rules import MAX_NAME, clean_text
from cerecorder.domain.timefmt import from_utc_text
from cerecorder.services import audit
from cerecorder.services.access import require
from cerecorder.services.session import Session
from cerecorder.storage.uow import UnitOfWork


def _folded(fact: ConcernFact, merged: dict[int, int]) -> ConcernFact:
    if not merged.keys() & fact.child_ids:
        return fact
    return replace(fact, child_ids=frozenset(merged.get(c, c) for c in fact.child_ids))


def facts_for(uow: UnitOfWork, child_id: int,
              merged: dict[int, int] | None = None) -> ChildFacts:
    """What the rules read about one child (a record kept, with those merged into it)."""
    merged = uow.children.merged_map() if merged is None else merged
    identity = [child_id, *sorted(k for k, v in merged.items() if v == child_id)]
    concerns = uow.flags.concern_facts(child_ids=identity)
    events = [EventFact(int(e[0]), str(e[1]), from_utc_text(str(e[2])))
              for own in identity for e in uow.dsl.events_for_child(own)]
    mine = uow.register.links_of_children(identity)
    if not mine:  # most children: nothing in the register, so no network to read
        return ChildFacts(child_id, concerns=tuple(_folded(c, merged) for c in concerns),
                          events=tuple(events))
    entry_merges = uow.register.merged_map()
    entry_ids = {entry_merges.get(link.entry_id, link.entry_id) for link in mine}
    whole = entry_ids | {k for k, v in entry_merges.items() if v in entry_ids}
    network_links = uow.register.links_of_entries(whole)
    entries = uow.register.many(entry_ids)

    def fact(link: Link) -> LinkFact:
        """A person's relationship is to one child: what was said of them with this link
        (the line staff typed, the DSL's note), not the entry's description of them."""
        entry = entries[entry_merges.get(link.entry_id, link.entry_id)]
        said = link.note
        if entry.kind is EntryKind.PERSON and link.concern_id is not None \
                and link.mention is not None:
            said += " " + uow.register.mention(link.concern_id, link.mention).text
        return LinkFact(entry.id, entry.kind, merged.get(link.child_id, link.child_id),
                        link.concern_id, link.seen_at, said.strip())

    network = tuple(fact(n) for n in network_links)
    linked = uow.flags.concern_facts(
        concern_ids=[n.concern_id for n in network_links if n.concern_id is not None])
    return ChildFacts(
        child_id,
        concerns=tuple(_folded(c, merged) for c in concerns),
        events=tuple(events),
        links=tuple(f for f in network if f.child_id == child_id),
        network=network,
        network_concerns={c.concern_id: _folded(c, merged) for c in linked},
    )


def refresh(uow: UnitOfWork, session: Session, child_ids: Iterable[int]) -> None:
    """Bring the flags of these children up to date inside the caller's transaction."""
    merged = uow.children.merged_map()
    wanted = set(child_ids)
    for gone in sorted(wanted & set(merged)):
        _reconcile(uow, session, gone, [])  # a merged record's flags move to the one kept
    for child_id in sorted({merged.get(c, c) for c in wanted}):
        _reconcile(uow, session, child_id, evaluate(
            session.taxonomy.rules.current, facts_for(uow, child_id, merged),
            session.taxonomy.lookup))


def _reconcile(uow: UnitOfWork, session: Session, child_id: int, hits: list[Hit]) -> None:
    rules = session.taxonomy.rules.current
    now = session.clock.now()
    existing = uow.flags.for_children([child_id])
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
        refresh(uow, session, [c.id for c in uow.children.all(include_left=True)])
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

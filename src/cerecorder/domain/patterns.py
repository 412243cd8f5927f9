"""Pattern flags: rules kept as versioned data (flag-rules-N.json beside the taxonomy) and a
small engine of pure functions that reads one child's concerns, events and register links
and says which rules fire, naming the records behind each (DESIGN.md, "Rules as data").

Each rule names a test below and its parameters; a rule set can tighten a window or add a
sign without code. The engine knows nothing of storage or of who is asking.
"""

from __future__ import annotations

import bisect
import enum
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cerecorder.domain.model import EntryKind, EventKind
from cerecorder.domain.taxonomy import APPLICABILITY, Taxonomy, TaxonomyItem

_FILE = re.compile(r"^flag-rules-(\d+)\.json$")

#: What a flag's evidence points at: ("entry" | "concern" | "event", id).
Ref = tuple[str, int]


class FlagStatus(enum.StrEnum):
    OPEN = "open"
    REVIEWED = "reviewed"
    WITHDRAWN = "withdrawn"


class ReviewOutcome(enum.StrEnum):
    NO_ACTION = "no_action"
    ACTION_TAKEN = "action_taken"

    @property
    def label(self) -> str:
        return "No action" if self is ReviewOutcome.NO_ACTION else "Action taken"


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    test: str
    reason: str
    source: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class RuleSet:
    version: str
    rules: tuple[Rule, ...]

    def rule(self, code: str) -> Rule:
        for rule in self.rules:
            if rule.code == code:
                return rule
        raise KeyError(code)


@dataclass(frozen=True)
class Flag:
    id: int
    child_id: int
    rule_code: str
    rule_version: str
    raised_at: datetime
    status: FlagStatus
    evidence: frozenset[Ref]

    def ids(self, ref_type: str) -> list[int]:
        return sorted(i for t, i in self.evidence if t == ref_type)


@dataclass(frozen=True)
class FlagReview:
    id: int
    flag_id: int
    outcome: ReviewOutcome
    reason: str
    reviewed_at: datetime
    reviewed_by: int



# --- Facts the engine reads ----------------------------------------------------------

@dataclass(frozen=True)
class ConcernFact:
    concern_id: int
    at: datetime
    codes: frozenset[str]
    taxonomy_version: str
    child_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class EventFact:
    event_id: int
    kind: str
    at: datetime


@dataclass(frozen=True)
class LinkFact:
    """An entry linked to a child (ids already folded through any merges)."""

    entry_id: int
    kind: EntryKind
    child_id: int
    concern_id: int | None
    seen_at: datetime
    #: what was said of the entry with this link ("her boyfriend, about 22")
    relationship: str = ""


@dataclass(frozen=True)
class ChildFacts:
    child_id: int
    concerns: tuple[ConcernFact, ...] = ()
    events: tuple[EventFact, ...] = ()
    #: this child's own links
    links: tuple[LinkFact, ...] = ()
    #: every link, to any child, of the entries this child is linked to
    network: tuple[LinkFact, ...] = ()
    #: the concerns those links name, whoever they are about
    network_concerns: Mapping[int, ConcernFact] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    rule_code: str
    evidence: frozenset[Ref]


Lookup = Callable[[str, str], TaxonomyItem | None]


# --- The tests -----------------------------------------------------------------------

def _days(params: Mapping[str, Any], name: str) -> timedelta:
    return timedelta(days=int(params[name]))


def _is_sign(lookup: Lookup, fact: ConcernFact, code: str, applies_to: Iterable[str]) -> bool:
    item = lookup(code, fact.taxonomy_version)
    return item is not None and item.kind == "indicator" and bool(
        item.applies_to & set(applies_to))


def _signs_rising(rule: Rule, facts: ChildFacts, lookup: Lookup) -> list[Hit]:
    """At least N signs within W days, where there were none in the Q days before."""
    p = rule.params
    quiet, within = _days(p, "quiet_days"), _days(p, "within_days")
    signs = sorted((c.at, c.concern_id) for c in facts.concerns for code in c.codes
                   if _is_sign(lookup, c, code, p["applies_to"]))
    times = [at for at, _ in signs]
    hits = []
    for i, (start, _) in enumerate(signs):
        if i and start - times[i - 1] < quiet:
            continue  # an earlier sign is within the quiet period: not a new rise
        end = bisect.bisect_right(times, start + within)
        window = [cid for _, cid in signs[i:end]]
        if len(window) >= int(p["at_least"]):
            hits.append(Hit(rule.code, frozenset(("concern", c) for c in window)))
    return hits


def _events_of(facts: ChildFacts, kind: str) -> list[EventFact]:
    return sorted((e for e in facts.events if e.kind == kind), key=lambda e: (e.at, e.event_id))


def _first_event(rule: Rule, facts: ChildFacts, lookup: Lookup) -> list[Hit]:
    events = _events_of(facts, rule.params["event"])
    return [Hit(rule.code, frozenset({("event", events[0].event_id)}))] if events else []


def _repeated_events(rule: Rule, facts: ChildFacts, lookup: Lookup) -> list[Hit]:
    """N or more events of a kind within W days; overlapping runs are one hit."""
    p = rule.params
    events = _events_of(facts, p["event"])
    clusters: list[set[int]] = []
    start = 0
    for j, last in enumerate(events):
        while last.at - events[start].at > _days(p, "within_days"):
            start += 1
        if j + 1 - start < int(p["at_least"]):
            continue
        window = {e.event_id for e in events[start:j + 1]}
        if clusters and clusters[-1] & window:
            clusters[-1] |= window
        else:
            clusters.append(window)
    return [Hit(rule.code, frozenset(("event", e) for e in c)) for c in clusters]


def _matching(side: Mapping[str, Any], facts: ChildFacts,
              lookup: Lookup) -> list[tuple[datetime, Ref]]:
    """The dated records one side of a 'together' rule names: concerns with any of its
    sign codes, events of its kinds, and people linked with a relationship it names."""
    codes = set(side.get("codes", ()))
    found: list[tuple[datetime, Ref]] = [
        (c.at, ("concern", c.concern_id)) for c in facts.concerns if c.codes & codes]
    kinds = set(side.get("events", ()))
    found += [(e.at, ("event", e.event_id)) for e in facts.events if e.kind in kinds]
    words = [w.casefold() for w in side.get("relationship", ())]
    found += [(link.seen_at, ("entry", link.entry_id)) for link in facts.links
              if link.kind is EntryKind.PERSON
              and any(w in link.relationship.casefold() for w in words)]
    return found


def _near(times: list[datetime], at: datetime, within: timedelta) -> bool:
    """Whether any of the sorted ``times`` is within ``within`` of ``at``."""
    i = bisect.bisect_left(times, at - within)
    return i < len(times) and times[i] <= at + within


def _together(rule: Rule, facts: ChildFacts, lookup: Lookup) -> list[Hit]:
    """Something of the first kind and something of the second within W days; the hit
    names every record that has a partner (one concern with both sorts of sign ticked is
    a pair on its own)."""
    within = _days(rule.params, "within_days")
    first = _matching(rule.params["first"], facts, lookup)
    second = _matching(rule.params["second"], facts, lookup)
    first_times, second_times = sorted(at for at, _ in first), sorted(at for at, _ in second)
    evidence = {ref for at, ref in first if _near(second_times, at, within)}
    evidence |= {ref for at, ref in second if _near(first_times, at, within)}
    return [Hit(rule.code, frozenset(evidence))] if evidence else []


def _kinds(rule: Rule) -> set[EntryKind]:
    return {EntryKind(k) for k in rule.params["kinds"]}


def _shared_entry(rule: Rule, facts: ChildFacts, lookup: Lookup) -> list[Hit]:
    """An entry of the kinds named linked to at least N children, this one among them."""
    hits = []
    mine = sorted({link.entry_id for link in facts.links if link.kind in _kinds(rule)})
    for entry_id in mine:
        links = [link for link in facts.network if link.entry_id == entry_id]
        if len({link.child_id for link in links}) >= int(rule.params["children"]):
            hits.append(Hit(rule.code, frozenset(
                {("entry", entry_id)} | {("concern", link.concern_id) for link in links
                                         if link.concern_id is not None})))
    return hits


def _linked_to_exploitation(rule: Rule, facts: ChildFacts, lookup: Lookup) -> list[Hit]:
    """This child linked to a place or person that was already linked to a concern about
    another child with signs of exploitation."""
    hits = []
    for entry_id in sorted({link.entry_id for link in facts.links
                            if link.kind in _kinds(rule)}):
        latest_mine = max(link.seen_at for link in facts.links if link.entry_id == entry_id)
        theirs = set()
        for link in facts.network:
            concern = facts.network_concerns.get(link.concern_id or 0)
            if (link.entry_id != entry_id or link.child_id == facts.child_id
                    or concern is None or facts.child_id in concern.child_ids
                    or link.seen_at > latest_mine):
                continue
            if any(_is_sign(lookup, concern, code, rule.params["applies_to"])
                   for code in concern.codes):
                theirs.add(concern.concern_id)
        if theirs:
            hits.append(Hit(rule.code, frozenset(
                {("entry", entry_id)} | {("concern", c) for c in theirs})))
    return hits


def _any_sign(rule: Rule, facts: ChildFacts, lookup: Lookup) -> list[Hit]:
    """Each concern with one of the signs named: one that always deserves a look."""
    codes = set(rule.params["codes"])
    return [Hit(rule.code, frozenset({("concern", c.concern_id)}))
            for c in sorted(facts.concerns, key=lambda c: c.concern_id) if c.codes & codes]


TESTS: Mapping[str, Callable[[Rule, ChildFacts, Lookup], list[Hit]]] = {
    "signs_rising": _signs_rising,
    "first_event": _first_event,
    "repeated_events": _repeated_events,
    "together": _together,
    "shared_entry": _shared_entry,
    "linked_to_exploitation": _linked_to_exploitation,
    "any_sign": _any_sign,
}


def evaluate(rules: RuleSet, facts: ChildFacts, lookup: Lookup) -> list[Hit]:
    """Every rule's hits for one child, in the rule set's order."""
    return [hit for rule in rules.rules for hit in TESTS[rule.test](rule, facts, lookup)]


# --- Loading -------------------------------------------------------------------------

_REQUIRED = {
    "signs_rising": ("applies_to", "at_least", "within_days", "quiet_days"),
    "first_event": ("event",),
    "repeated_events": ("event", "at_least", "within_days"),
    "together": ("first", "second", "within_days"),
    "shared_entry": ("kinds", "children"),
    "linked_to_exploitation": ("kinds", "applies_to"),
    "any_sign": ("codes",),
}


def parse_rules(data: Mapping[str, Any], taxonomy: Taxonomy) -> RuleSet:
    """Build and check a rule set; a broken file, or one naming a sign the taxonomy does
    not have, fails loudly when the program starts rather than quietly never firing."""
    version = str(data["version"])
    known = {i.code for i in taxonomy.items}
    events = {k.value for k in EventKind}
    rules = []
    for raw in data["rules"]:
        rule = Rule(code=str(raw["code"]), label=str(raw["label"]), test=str(raw["test"]),
                    reason=str(raw["reason"]), source=str(raw["source"]),
                    params=dict(raw["params"]))
        where = f"flag rules {version}: {rule.code}"
        if rule.test not in TESTS:
            raise ValueError(f"{where} names an unknown test {rule.test}")
        missing = [p for p in _REQUIRED[rule.test] if p not in rule.params]
        if missing or not rule.reason.strip() or not rule.source.strip():
            raise ValueError(f"{where} lacks {', '.join(missing) or 'a reason or source'}")
        p = rule.params
        sides = [p["first"], p["second"]] if rule.test == "together" else [p]
        codes = {c for side in sides for c in side.get("codes", ())}
        kinds = {k for side in sides for k in side.get("events", ())}
        kinds |= {p["event"]} if "event" in p else set()
        if codes - known or kinds - events:
            raise ValueError(f"{where} names unknown signs or events: "
                             + ", ".join(sorted((codes - known) | (kinds - events))))
        if not set(p.get("applies_to", APPLICABILITY)) <= set(APPLICABILITY):
            raise ValueError(f"{where} has a bad applicability")
        for kind in p.get("kinds", ()):
            EntryKind(kind)
        rules.append(rule)
    if len({r.code for r in rules}) != len(rules):
        raise ValueError(f"flag rules {version}: duplicate rule codes")
    return RuleSet(version, tuple(rules))


class RuleLibrary:
    """Every rule set found; the highest version is the one flags are computed with."""

    def __init__(self, sets: Sequence[RuleSet]) -> None:
        self._sets = {s.version: s for s in sets}

    @classmethod
    def load(cls, folder: Path, taxonomy: Taxonomy) -> RuleLibrary:
        found = sorted(
            (int(m.group(1)), p) for p in folder.iterdir() if (m := _FILE.match(p.name)))
        return cls([parse_rules(json.loads(p.read_text(encoding="utf-8")), taxonomy)
                    for _, p in found])

    @property
    def current(self) -> RuleSet:
        """The newest rule set; an empty one where none is shipped (no flags)."""
        if not self._sets:
            return RuleSet("0", ())
        return self._sets[max(self._sets, key=int)]

    def version(self, version: str) -> RuleSet | None:
        return self._sets.get(version)

"""Pattern-flag rules (issue 14): each shipped rule fires on its positive case and stays
quiet on its near misses. The engine is pure: facts in, hits out."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from cerecorder import paths
from cerecorder.domain.model import EntryKind
from cerecorder.domain.patterns import (
    ChildFacts,
    ConcernFact,
    EventFact,
    LinkFact,
    RuleSet,
    evaluate,
    parse_rules,
)

from helpers import TAXONOMY

RULES = TAXONOMY.rules.current
DAY0 = datetime(2026, 9, 7, 10, 0, tzinfo=UTC)
ME, OTHER = 1, 2


def day(n: float) -> datetime:
    return DAY0 + timedelta(days=n)


def concern(cid: int, at: float, *codes: str, children: frozenset[int] = frozenset({ME})
            ) -> ConcernFact:
    return ConcernFact(cid, day(at), frozenset(codes), "1", children)


def missing(eid: int, at: float) -> EventFact:
    return EventFact(eid, "missing_episode", day(at))


def only(code: str) -> RuleSet:
    return RuleSet(RULES.version, (RULES.rule(code),))


def hits(code: str, facts: ChildFacts) -> list[frozenset[tuple[str, int]]]:
    return [h.evidence for h in evaluate(only(code), facts, TAXONOMY.lookup)]


def test_the_shipped_rules_each_have_a_reason_and_a_source_in_the_seeds() -> None:
    seeds = {"000_afa780e7e2f92633.txt", "003_d8d5c9ec3560b848.txt"}
    assert len(RULES.rules) >= 7
    for rule in RULES.rules:
        assert rule.reason.strip() and rule.label.strip()
        assert any(seed in rule.source for seed in seeds), rule.code


# --- signs rising ---------------------------------------------------------------------

def test_signs_rising_fires_on_three_signs_in_28_days_after_a_quiet_spell() -> None:
    facts = ChildFacts(ME, concerns=(
        concern(1, -200, "SHARED-03"),  # long before: outside the 90 quiet days
        concern(2, 0, "SHARED-01"), concern(3, 10, "KTS-FAMILY-09"),
        concern(4, 27, "CSE-01")))
    assert hits("SIGNS-RISING", facts) == [frozenset({("concern", 2), ("concern", 3),
                                                      ("concern", 4)})]


@pytest.mark.parametrize("concerns", [
    # two signs only
    (concern(2, 0, "SHARED-01"), concern(3, 10, "KTS-FAMILY-09")),
    # three signs, but over 29 days
    (concern(2, 0, "SHARED-01"), concern(3, 10, "SHARED-02"), concern(4, 29, "CSE-01")),
    # three signs in 28 days, but one 60 days before: not a rise from nothing
    (concern(1, -60, "SHARED-03"), concern(2, 0, "SHARED-01"), concern(3, 10, "SHARED-02"),
     concern(4, 20, "CSE-01")),
    # vulnerabilities and CSE models are not signs
    (concern(2, 0, "VULN-01"), concern(3, 1, "VULN-02"), concern(4, 2, "CSE-MODEL-01")),
])
def test_signs_rising_stays_quiet_on_near_misses(concerns: tuple[ConcernFact, ...]) -> None:
    assert hits("SIGNS-RISING", ChildFacts(ME, concerns=concerns)) == []


# --- missing episodes -----------------------------------------------------------------

def test_a_first_missing_episode_is_flagged_once_and_other_events_are_not() -> None:
    facts = ChildFacts(ME, events=(missing(7, 5), missing(8, 100),
                                   EventFact(9, "strategy_meeting", day(1))))
    assert hits("MISSING-FIRST", facts) == [frozenset({("event", 7)})]
    assert hits("MISSING-FIRST", ChildFacts(ME, events=(
        EventFact(9, "return_home_interview", day(1)),))) == []


def test_three_missing_episodes_in_90_days_fire_and_a_fourth_joins_them() -> None:
    three = (missing(1, 0), missing(2, 40), missing(3, 89))
    assert hits("MISSING-REPEATED", ChildFacts(ME, events=three)) == [
        frozenset({("event", 1), ("event", 2), ("event", 3)})]
    four = ChildFacts(ME, events=(*three, missing(4, 100)))
    assert hits("MISSING-REPEATED", four) == [
        frozenset({("event", 1), ("event", 2), ("event", 3), ("event", 4)})]


def test_three_missing_episodes_over_more_than_90_days_do_not_fire() -> None:
    spread = (missing(1, 0), missing(2, 50), missing(3, 91))
    assert hits("MISSING-REPEATED", ChildFacts(ME, events=spread)) == []
    assert hits("MISSING-REPEATED", ChildFacts(ME, events=spread[:2])) == []


# --- together -------------------------------------------------------------------------

def test_new_possessions_with_a_missing_episode_or_late_returns_fire() -> None:
    with_event = ChildFacts(ME, concerns=(concern(1, 0, "KTS-IDENTITY-02"),),
                            events=(missing(5, 30),))
    assert hits("POSSESSIONS-AND-MISSING", with_event) == [
        frozenset({("concern", 1), ("event", 5)})]
    late = ChildFacts(ME, concerns=(concern(1, 0, "SHARED-01"), concern(2, 50, "SHARED-05")))
    assert hits("POSSESSIONS-AND-MISSING", late) == [frozenset({("concern", 1),
                                                                ("concern", 2)})]
    # one concern with both signs ticked ("came home late in new trainers") is both halves
    both = ChildFacts(ME, concerns=(concern(1, 0, "SHARED-01", "KTS-FAMILY-04"),))
    assert hits("POSSESSIONS-AND-MISSING", both) == [frozenset({("concern", 1)})]


def test_possessions_and_missing_apart_or_alone_do_not_fire() -> None:
    apart = ChildFacts(ME, concerns=(concern(1, 0, "SHARED-01"),), events=(missing(5, 57),))
    assert hits("POSSESSIONS-AND-MISSING", apart) == []
    alone = ChildFacts(ME, concerns=(concern(1, 0, "SHARED-01"), concern(2, 3, "SHARED-04")))
    assert hits("POSSESSIONS-AND-MISSING", alone) == []


def _person(entry: int, at: float, relationship: str, child: int = ME) -> LinkFact:
    return LinkFact(entry, EntryKind.PERSON, child, None, day(at), relationship)


def test_an_older_boyfriend_with_gifts_fires_from_a_sign_or_a_register_person() -> None:
    signs = ChildFacts(ME, concerns=(concern(1, 0, "CSE-01"), concern(2, 20, "CSE-06")))
    assert hits("OLDER-PARTNER-AND-GIFTS", signs) == [frozenset({("concern", 1),
                                                                 ("concern", 2)})]
    person = ChildFacts(ME, concerns=(concern(2, 20, "SHARED-01"),),
                        links=(_person(40, 10, "Older boyfriend, about 22"),))
    assert hits("OLDER-PARTNER-AND-GIFTS", person) == [frozenset({("entry", 40),
                                                                  ("concern", 2)})]


def test_a_boyfriend_without_gifts_or_gifts_with_another_person_do_not_fire() -> None:
    assert hits("OLDER-PARTNER-AND-GIFTS", ChildFacts(ME, concerns=(
        concern(1, 0, "CSE-01"), concern(2, 5, "SHARED-04")))) == []
    assert hits("OLDER-PARTNER-AND-GIFTS", ChildFacts(
        ME, concerns=(concern(2, 20, "SHARED-01"),),
        links=(_person(40, 10, "runner"),))) == []
    assert hits("OLDER-PARTNER-AND-GIFTS", ChildFacts(ME, concerns=(
        concern(1, 0, "CSE-01"), concern(2, 60, "SHARED-01")))) == []


# --- the register ---------------------------------------------------------------------

def _link(entry: int, kind: EntryKind, child: int, concern_id: int | None, at: float
          ) -> LinkFact:
    return LinkFact(entry, kind, child, concern_id, day(at))


def test_an_entry_linked_to_two_children_fires_for_each_and_names_the_entry() -> None:
    car = [_link(30, EntryKind.VEHICLE, ME, 1, 0), _link(30, EntryKind.VEHICLE, OTHER, 2, 5)]
    facts = ChildFacts(ME, links=(car[0],), network=tuple(car))
    assert hits("SHARED-ENTRY", facts) == [frozenset({("entry", 30), ("concern", 1),
                                                      ("concern", 2)})]
    theirs = ChildFacts(OTHER, links=(car[1],), network=tuple(car))
    assert hits("SHARED-ENTRY", theirs) == hits("SHARED-ENTRY", facts)


def test_an_entry_of_one_child_or_an_account_shared_does_not_fire() -> None:
    mine = [_link(30, EntryKind.VEHICLE, ME, 1, 0), _link(30, EntryKind.VEHICLE, ME, 3, 9)]
    assert hits("SHARED-ENTRY", ChildFacts(ME, links=tuple(mine), network=tuple(mine))) == []
    account = [_link(31, EntryKind.ACCOUNT, ME, 1, 0),
               _link(31, EntryKind.ACCOUNT, OTHER, 2, 0)]
    assert hits("SHARED-ENTRY", ChildFacts(ME, links=(account[0],),
                                           network=tuple(account))) == []


def _park(child: int, concern_id: int, at: float) -> LinkFact:
    return _link(50, EntryKind.PLACE, child, concern_id, at)


def test_a_place_already_in_another_childs_exploitation_concern_fires() -> None:
    network = (_park(OTHER, 2, 0), _park(ME, 1, 10))
    others = {2: concern(2, 0, "CCE-02", children=frozenset({OTHER})),
              1: concern(1, 10, "SHARED-06")}
    facts = ChildFacts(ME, links=(network[1],), network=network, network_concerns=others)
    assert hits("LINKED-TO-EXPLOITATION", facts) == [frozenset({("entry", 50),
                                                                ("concern", 2)})]


@pytest.mark.parametrize(("their_codes", "their_day", "kind", "shared"), [
    (("VULN-03",), 0, EntryKind.PLACE, False),       # their concern shows no sign
    (("CCE-02",), 20, EntryKind.PLACE, False),       # theirs came after this child's
    (("CCE-02",), 0, EntryKind.VEHICLE, False),      # a car: the shared-entry rule's job
    (("CCE-02",), 0, EntryKind.PLACE, True),         # a concern about both children
])
def test_linked_to_exploitation_near_misses(their_codes: tuple[str, ...], their_day: int,
                                            kind: EntryKind, shared: bool) -> None:
    children = frozenset({OTHER, ME}) if shared else frozenset({OTHER})
    network = (_link(50, kind, OTHER, 2, their_day), _link(50, kind, ME, 1, 10))
    others = {2: concern(2, their_day, *their_codes, children=children)}
    facts = ChildFacts(ME, links=(network[1],), network=network, network_concerns=others)
    assert hits("LINKED-TO-EXPLOITATION", facts) == []


def test_found_far_from_home_fires_per_concern_with_the_sign() -> None:
    facts = ChildFacts(ME, concerns=(concern(1, 0, "KTS-FAMILY-07"),
                                     concern(2, 3, "KTS-FAMILY-09")))
    assert hits("FAR-FROM-HOME", facts) == [frozenset({("concern", 1)})]


# --- the rule file --------------------------------------------------------------------

def _shipped() -> dict[str, object]:
    data = json.loads((paths.taxonomy_dir() / "flag-rules-1.json").read_text("utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(("change", "message"), [
    (lambda r: r.update(test="astrology"), "unknown test"),
    (lambda r: r["params"].pop("within_days"), "lacks within_days"),
    (lambda r: r["params"].update(applies_to=["CCE", "FGM"]), "bad applicability"),
    (lambda r: r.update(source=" "), "reason or source"),
])
def test_a_broken_rule_file_fails_loudly(change: object, message: str) -> None:
    data = _shipped()
    rules = data["rules"]
    assert isinstance(rules, list)
    change(rules[0])  # type: ignore[operator]
    with pytest.raises(ValueError, match=message):
        parse_rules(data, TAXONOMY.current)


def test_a_rule_naming_a_sign_the_taxonomy_lacks_fails_loudly() -> None:
    data = _shipped()
    rules = data["rules"]
    assert isinstance(rules, list)
    rules[-1]["params"]["codes"] = ["KTS-FAMILY-99"]
    with pytest.raises(ValueError, match="KTS-FAMILY-99"):
        parse_rules(data, TAXONOMY.current)

"""The network's read models (services/network.py): a child's peer group through the
register, an entry's children and concerns, each folded into the records kept after a
merge of children or of entries; audited with ids."""

from __future__ import annotations

from datetime import timedelta

from cerecorder.domain.model import EntryKind, Mention
from cerecorder.services import children, concerns, network, register
from cerecorder.services.session import Session

from helpers import MockClock, add_child, content

CAR = Mention(EntryKind.VEHICLE, "silver Astra SV18 KWD")


def _audit(s: Session) -> list[tuple[str, str, str]]:
    return [(str(r[0]), str(r[1]), str(r[2])) for r in s.vault.conn.execute(
        "SELECT action, object_type, object_id FROM audit ORDER BY id")]


def test_a_childs_network_is_their_entries_and_the_peers_linked_through_them(
        dsl: Session, clock: MockClock) -> None:
    amy, ben, cat, dev = (add_child(dsl, n, "Khan") for n in ("Amy", "Ben", "Cat", "Dev"))
    first = concerns.record_concern(dsl, content((amy,), clock, mentions=(CAR,)))
    car = register.match_mention(dsl, first, 0, values={"registration": "SV18KWD"})
    clock.advance(days=10)
    later = concerns.record_concern(dsl, content((amy, ben), clock, mentions=(CAR,)))
    register.match_mention(dsl, later, 0, entry_id=car)
    phone = register.create_entry(dsl, EntryKind.PHONE, {"number": "07700 900472"})
    register.link_entry(dsl, phone, cat, note="in her contacts")
    register.link_entry(dsl, phone, amy)
    register.create_entry(dsl, EntryKind.PHONE, {"number": "07700 900999"})  # nobody's

    found = network.child_network(dsl, amy)
    assert [e.id for e in found.entries] == [car, phone]
    assert [c.id for c in found.peers] == [ben, cat]  # not Dev: nothing joins them
    assert [(t.entry_id, t.child_id) for t in found.ties] == [
        (car, amy), (phone, amy), (car, ben), (phone, cat)]
    [mine] = [t for t in found.ties_of(amy) if t.entry_id == car]
    assert (mine.times, mine.concern_ids) == (2, (first, later))
    assert mine.last_seen - mine.first_seen == timedelta(days=10)
    assert network.child_network(dsl, dev).ties == []
    assert ("register_network_viewed", "child", str(amy)) in _audit(dsl)

    # a second record of Ben, and a duplicate of the car, fold into the ones kept
    ben_again = add_child(dsl, "Benjamin", "Khan")
    copy = register.create_entry(dsl, EntryKind.VEHICLE, {"registration": "SV18 KWD",
                                                          "colour": "silver"})
    register.link_entry(dsl, copy, ben_again)
    register.link_entry(dsl, copy, dev)
    children.merge_children(dsl, ben, ben_again, "same boy, entered twice")
    register.merge_entries(dsl, car, copy, "same car")
    found = network.child_network(dsl, amy)
    assert [e.id for e in found.entries] == [car, phone]
    assert [c.id for c in found.peers] == [ben, cat, dev]
    assert [t.child_id for t in found.ties if t.entry_id == car] == [amy, ben, dev]

    drawn = network.entry_network(dsl, copy)  # the duplicate opens the entry kept
    assert drawn.entry.id == car
    assert [c.id for c in drawn.children] == [amy, ben, dev]
    assert {x.concern_id for x in drawn.links} == {first, later, None}
    assert [x.seen_at for x in drawn.links] == sorted(x.seen_at for x in drawn.links)
    assert ("register_network_viewed", "register_entry", str(car)) in _audit(dsl)
    network.network_printed(dsl, "child", amy)
    assert _audit(dsl)[-1] == ("register_network_printed", "child", str(amy))


def test_the_register_says_when_each_entry_was_first_and_last_seen(
        dsl: Session, clock: MockClock) -> None:
    amy = add_child(dsl)
    first = concerns.record_concern(dsl, content((amy,), clock, mentions=(CAR,)))
    car = register.match_mention(dsl, first, 0, values={"registration": "SV18KWD"})
    clock.advance(days=3)
    register.link_entry(dsl, car, amy)
    phone = register.create_entry(dsl, EntryKind.PHONE, {"number": "07700 900472"})
    rows = {r.entry.id: r for r in register.register(dsl)}
    assert rows[car].last_seen is not None and rows[car].first_seen is not None
    assert rows[car].last_seen - rows[car].first_seen == timedelta(days=3, hours=2)
    assert (rows[phone].first_seen, rows[phone].last_seen) == (None, None)

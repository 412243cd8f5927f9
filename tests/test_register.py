"""The contextual register and pattern flags through the services (issue 14): staff name
things in a concern and see nothing else; the DSL matches, merges, corrects and reads
entries; flags are raised, reviewed, stay quiet and come back with new evidence; the
database keeps every revision, link, merge and review as it was written."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cerecorder.domain.errors import InvalidInput, PermissionDenied, RecordImmutable
from cerecorder.domain.model import ConcernStatus, EntryKind, EventKind, Mention
from cerecorder.domain.patterns import FlagStatus, ReviewOutcome
from cerecorder.services import children, concerns, flags, register
from cerecorder.services import dsl as dsl_work
from cerecorder.services.session import Session
from cerecorder.storage.connection import db_errors_explained

from helpers import STAFF_PASS, MockClock, add_child, add_staff, content, switch_to

CAR = Mention(EntryKind.VEHICLE, "silver Astra, AB51 ABC")


def _raw(s: Session, sql: str, *params: object) -> None:
    s.vault.conn.execute("BEGIN")
    try:
        with db_errors_explained():
            s.vault.conn.execute(sql, params)
    finally:
        s.vault.conn.execute("ROLLBACK")


def _audit_actions(s: Session) -> list[str]:
    return [str(r[0]) for r in s.vault.conn.execute("SELECT action FROM audit ORDER BY id")]


def _concern(s: Session, clock: MockClock, child: int, *mentions: Mention,
             codes: frozenset[str] = frozenset({"SHARED-04"})) -> int:
    return concerns.record_concern(s, content((child,), clock, mentions=tuple(mentions),
                                              indicator_codes=codes))


def _car(s: Session, concern_id: int) -> int:
    return register.match_mention(s, concern_id, 0, values={
        "registration": "ab51abc", "colour": "silver", "model": "Astra"})


def test_staff_name_things_in_a_concern_and_cannot_read_the_register(
        dsl: Session, clock: MockClock) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    add_staff(dsl)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    draft = concerns.save_draft(staff, content((amy,), clock, mentions=(
        Mention(EntryKind.VEHICLE, "  silver Astra,\n AB51 ABC "),
        Mention(EntryKind.PERSON, "'Dee', older boyfriend"))))
    saved = concerns.my_concerns(staff, ConcernStatus.DRAFT)[0].content.mentions
    assert saved == (CAR, Mention(EntryKind.PERSON, "'Dee', older boyfriend"))
    concerns.submit(staff, draft)
    assert concerns.open_concern(staff, draft).concern.content.mentions == saved
    for call in (lambda: register.register(staff), lambda: register.entry_view(staff, 1),
                 lambda: register.child_entries(staff, amy),
                 lambda: register.pending_mentions(staff),
                 lambda: register.find_matches(staff, EntryKind.VEHICLE, "AB51ABC"),
                 lambda: register.create_entry(staff, EntryKind.PHONE,
                                               {"number": "07700 900123"}),
                 lambda: register.match_mention(staff, draft, 0, entry_id=1),
                 lambda: flags.open_flags(staff), lambda: flags.child_flags(staff, amy),
                 lambda: flags.recompute_all(staff),
                 lambda: flags.review(staff, 1, ReviewOutcome.NO_ACTION, "fine")):
        with pytest.raises(PermissionDenied):
            call()
    with pytest.raises(InvalidInput, match="remove the line"):
        concerns.save_draft(staff, content((amy,), clock, mentions=(
            Mention(EntryKind.PHONE, "  "),)))
    staff.lock()


def test_the_dsl_matches_lines_to_entries_and_reads_an_entry_whole(
        dsl: Session, clock: MockClock) -> None:
    amy, ben = add_child(dsl, "Amy", "Khan"), add_child(dsl, "Ben", "Osei")
    first = _concern(dsl, clock, amy, CAR)
    clock.advance(days=3)
    second = _concern(dsl, clock, ben, Mention(EntryKind.VEHICLE, "ab51 abc again"),
                      Mention(EntryKind.PHONE, "07700 900123"))
    assert [(p.concern_id, p.position) for p in register.pending_mentions(dsl)] == [
        (first, 0), (second, 0), (second, 1)]
    car = _car(dsl, first)
    assert [e.id for e in register.find_matches(dsl, EntryKind.VEHICLE, "AB 51 ABC")] == [car]
    assert [e.id for e in register.find_matches(dsl, EntryKind.VEHICLE, "an astra")] == [car]
    assert register.match_mention(dsl, second, 0, entry_id=car) == car
    register.dismiss_mention(dsl, second, 1, "Ben's own phone")
    assert register.pending_mentions(dsl) == []
    with pytest.raises(InvalidInput, match="already"):
        register.match_mention(dsl, second, 0, entry_id=car)

    [row] = register.register(dsl)
    assert (row.entry.key, row.child_ids) == ("AB51ABC", (amy, ben))
    view = register.entry_view(dsl, car)
    assert [c.id for c in view.children] == [amy, ben]
    assert view.concern_ids == [first, second]
    assert view.first_seen == clock.now() - timedelta(days=3, hours=2)
    assert view.last_seen == clock.now() - timedelta(hours=2)
    assert view.reported_by == ["Dana Lead"]
    assert "register_entry_viewed" in _audit_actions(dsl)
    assert [e.id for e, _ in register.child_entries(dsl, ben)] == [car]


def test_a_correction_is_a_revision_and_the_first_wording_stays(
        dsl: Session, clock: MockClock) -> None:
    amy = add_child(dsl)
    car = _car(dsl, _concern(dsl, clock, amy, CAR))
    with pytest.raises(InvalidInput, match="Say why"):
        register.revise_entry(dsl, car, {"registration": "AB51 ABD"}, " ")
    register.revise_entry(dsl, car, {"registration": "AB51 ABD", "colour": "grey"},
                          "Registration misread")
    view = register.entry_view(dsl, car)
    assert view.entry.key == "AB51ABD"
    assert [r.details.get("registration") for r in view.revisions] == ["AB51 ABC", "AB51 ABD"]
    assert register.find_matches(dsl, EntryKind.VEHICLE, "AB51ABC") == []
    for sql in ("UPDATE register_revisions SET details = '{}'",
                "DELETE FROM register_revisions", "DELETE FROM register_entries",
                "UPDATE register_entries SET kind = 'phone'",
                "UPDATE register_links SET child_id = 1", "DELETE FROM register_links"):
        with pytest.raises(RecordImmutable):
            _raw(dsl, sql)


def test_merging_entries_keeps_both_histories_and_is_final(
        dsl: Session, clock: MockClock) -> None:
    amy, ben = add_child(dsl, "Amy", "Khan"), add_child(dsl, "Ben", "Osei")
    keep = _car(dsl, _concern(dsl, clock, amy, CAR))
    duplicate = register.match_mention(dsl, _concern(dsl, clock, ben, Mention(
        EntryKind.VEHICLE, "silver car, Astra?")), 0, values={"model": "Astra"})
    phone = register.create_entry(dsl, EntryKind.PHONE, {"number": "07700 900123"})
    with pytest.raises(InvalidInput, match="cannot be merged"):
        register.merge_entries(dsl, keep, phone, "same")
    with pytest.raises(InvalidInput, match="Say why"):
        register.merge_entries(dsl, keep, duplicate, "")
    assert not [f for f in flags.open_flags(dsl) if f.rule_code == "SHARED-ENTRY"]
    register.merge_entries(dsl, keep, duplicate, "Same car, seen by two staff")
    view = register.entry_view(dsl, duplicate)  # opens the entry kept
    assert view.entry.id == keep and view.merged == [duplicate]
    assert [c.id for c in view.children] == [amy, ben]
    assert len(view.revisions) == 2
    assert [r.entry.id for r in register.register(dsl, EntryKind.VEHICLE)] == [keep]
    shared = [f for f in flags.open_flags(dsl) if f.rule_code == "SHARED-ENTRY"]
    assert {f.child_id for f in shared} == {amy, ben}
    assert all(f.ids("entry") == [keep] for f in shared)
    with pytest.raises(InvalidInput, match="already merged"):
        register.merge_entries(dsl, phone, duplicate, "again")
    for sql in ("DELETE FROM register_merges", "UPDATE register_merges SET keep_id = 3"):
        with pytest.raises(RecordImmutable):
            _raw(dsl, sql)
    assert "register_entries_merged" in _audit_actions(dsl)


def test_a_reviewed_flag_stays_quiet_until_new_evidence_arrives(
        dsl: Session, clock: MockClock) -> None:
    amy, ben, cat = (add_child(dsl, n, "Khan") for n in ("Amy", "Ben", "Cat"))
    car = _car(dsl, _concern(dsl, clock, amy, CAR))
    register.match_mention(dsl, _concern(dsl, clock, ben, CAR), 0, entry_id=car)
    [flag] = flags.open_flags(dsl, amy)
    assert (flag.rule_code, flag.ids("entry"), flag.rule_version) == ("SHARED-ENTRY", [car], "1")
    with pytest.raises(InvalidInput, match="reason is required"):
        flags.review(dsl, flag.id, ReviewOutcome.NO_ACTION, "  ")
    flags.review(dsl, flag.id, ReviewOutcome.NO_ACTION, "Ben's uncle's car; known to us")
    with pytest.raises(InvalidInput, match="not waiting"):
        flags.review(dsl, flag.id, ReviewOutcome.ACTION_TAKEN, "again")
    assert flags.open_flags(dsl, amy) == []

    flags.recompute_all(dsl)  # the same evidence again: quiet
    _concern(dsl, clock, amy)  # something unrelated about Amy: quiet
    assert flags.open_flags(dsl, amy) == []
    [history] = flags.child_flags(dsl, amy)
    assert history.flag.status is FlagStatus.REVIEWED
    assert history.reviews[0].reason == "Ben's uncle's car; known to us"

    register.match_mention(dsl, _concern(dsl, clock, cat, CAR), 0, entry_id=car)
    [again] = flags.open_flags(dsl, amy)  # a third child in the car: new evidence
    assert again.id != flag.id and again.evidence > flag.evidence
    actions = _audit_actions(dsl)
    assert actions.count("flag_reviewed") == 1 and "flag_raised" in actions
    for sql in ("UPDATE flags SET status = 'open' WHERE status = 'reviewed'",
                "DELETE FROM flag_reviews", "UPDATE flag_reviews SET reason = 'x'",
                "DELETE FROM flag_evidence", "UPDATE flags SET rule_code = 'X'",
                "DELETE FROM flags"):
        with pytest.raises(RecordImmutable):
            _raw(dsl, sql)


def test_events_and_signs_raise_flags_as_they_are_saved(
        dsl: Session, clock: MockClock) -> None:
    amy = add_child(dsl)
    event = _missing(dsl, amy, clock)
    [first] = flags.open_flags(dsl, amy)
    assert (first.rule_code, first.ids("event")) == ("MISSING-FIRST", [event])
    for n in range(3):
        clock.advance(days=5)
        _concern(dsl, clock, amy, codes=frozenset({"SHARED-01", "CCE-02"} if n else
                                                  {"SHARED-03"}))
    codes = sorted(f.rule_code for f in flags.open_flags(dsl, amy))
    assert codes == ["MISSING-FIRST", "POSSESSIONS-AND-MISSING", "SIGNS-RISING"]


def _missing(s: Session, child: int, clock: MockClock) -> int:
    return dsl_work.add_event(s, child_id=child, kind=EventKind.MISSING_EPISODE,
                         occurred_at=clock.now() - timedelta(hours=5),
                         summary="Not home overnight; found in another town.")


def test_a_merged_childs_flags_move_to_the_record_kept(dsl: Session, clock: MockClock) -> None:
    amy, twin = add_child(dsl, "Amy", "Khan"), add_child(dsl, "Amy", "Khan")
    _missing(dsl, twin, clock)
    [flag] = flags.open_flags(dsl)
    assert flag.child_id == twin
    children.merge_children(dsl, amy, twin, "Entered twice")
    [moved] = flags.open_flags(dsl)
    assert moved.child_id == amy and moved.evidence == flag.evidence
    assert flags.child_flags(dsl, twin)[0].flag.status is FlagStatus.WITHDRAWN


def test_a_line_cannot_be_added_to_a_submitted_concern(dsl: Session, clock: MockClock) -> None:
    concern_id = _concern(dsl, clock, add_child(dsl), CAR)
    with pytest.raises(RecordImmutable):
        _raw(dsl, "INSERT INTO concern_mentions(concern_id, position, kind, text) "
             "VALUES (?, 1, 'phone', '07700 900123')", concern_id)
    with pytest.raises(RecordImmutable):
        _raw(dsl, "DELETE FROM concern_mentions WHERE concern_id = ?", concern_id)


def test_a_boyfriend_is_so_to_one_child_not_to_everyone_linked_to_him(
        dsl: Session, clock: MockClock) -> None:
    cat, dan = add_child(dsl, "Cat", "Khan"), add_child(dsl, "Dan", "Osei")
    gifts = frozenset({"SHARED-01"})
    hers = _concern(dsl, clock, cat, Mention(EntryKind.PERSON, "'Tiny', her boyfriend, 22"),
                    codes=gifts)
    his = _concern(dsl, clock, dan, Mention(EntryKind.PERSON, "Tiny, gives him lifts"),
                   codes=gifts)
    tiny = register.match_mention(dsl, hers, 0, values={"nicknames": "Tiny"})
    register.match_mention(dsl, his, 0, entry_id=tiny)
    partner = {f.child_id for f in flags.open_flags(dsl)
               if f.rule_code == "OLDER-PARTNER-AND-GIFTS"}
    assert partner == {cat}

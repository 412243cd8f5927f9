"""Record invariants, role checks and read models, through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cerecorder.domain.errors import InvalidInput, PermissionDenied, RecordImmutable
from cerecorder.domain.model import (
    ActionKind,
    ChildDetails,
    ChildFlag,
    ConcernStatus,
    EntryType,
    EventKind,
    LinkKind,
    Role,
    TriageDecision,
    Urgency,
)
from cerecorder.services import children, chronology, concerns, maintenance, search, users
from cerecorder.services import dsl as dsl_work
from cerecorder.services.session import Session
from cerecorder.storage.connection import db_errors_explained

from helpers import STAFF_PASS, TAXONOMY, MockClock, add_child, add_staff, content, switch_to


def _raw(s: Session, sql: str, *params: object) -> None:
    with db_errors_explained():
        s.vault.conn.execute(sql, params)


def test_a_draft_autosaves_then_becomes_permanent(dsl: Session, clock: MockClock) -> None:
    child = add_child(dsl)
    draft = concerns.save_draft(dsl, content((child,), clock, facts="first words"))
    concerns.save_draft(dsl, content((child,), clock, facts="first words, then more"), draft)
    assert concerns.my_concerns(dsl, ConcernStatus.DRAFT)[0].content.facts.endswith("more")
    concerns.submit(dsl, draft)
    view = concerns.open_concern(dsl, draft)
    assert view.concern.status is ConcernStatus.SUBMITTED
    assert view.concern.submitted_at == clock.now()
    assert view.concern.taxonomy_version == TAXONOMY.current.version
    with pytest.raises(RecordImmutable, match="addendum"):
        concerns.save_draft(dsl, content((child,), clock), draft)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE concerns SET facts = 'rewritten' WHERE id = ?",
        "UPDATE concerns SET status = 'draft' WHERE id = ?",
        "DELETE FROM concerns WHERE id = ?",
        "DELETE FROM concern_children WHERE concern_id = ?",
        "INSERT INTO concern_indicators(concern_id, code) VALUES (?, 'CCE-01')",
        "UPDATE addenda SET body = 'changed' WHERE concern_id = ?",
        "DELETE FROM addenda WHERE concern_id = ?",
        "UPDATE audit SET action = 'nothing' WHERE id = ?",
        "DELETE FROM triage WHERE concern_id = ?",
        "INSERT OR REPLACE INTO concerns(id, uid, status, author_id, created_at, tz, "
        "updated_at, urgency, taxonomy_version, facts) SELECT id, uid, 'draft', author_id, "
        "created_at, tz, updated_at, urgency, taxonomy_version, 'FORGED' FROM concerns "
        "WHERE id = ?",
        "INSERT OR REPLACE INTO audit SELECT id, at, actor_id, 'forged', object_type, "
        "object_id, detail, prev_hash, hash FROM audit WHERE id = ?",
        "REPLACE INTO addenda SELECT id, concern_id, author_id, created_at, tz, 'forged' "
        "FROM addenda WHERE concern_id = ?",
    ],
)
def test_the_database_itself_refuses_to_change_submitted_records(
    dsl: Session, clock: MockClock, sql: str
) -> None:
    child = add_child(dsl)
    concern_id = concerns.record_concern(dsl, content((child,), clock))
    concerns.add_addendum(dsl, concern_id, "A later detail.")
    dsl_work.triage(dsl, concern_id, TriageDecision.MONITOR, "Keep an eye on it")
    dsl.vault.conn.execute("BEGIN")
    try:
        with pytest.raises(RecordImmutable):
            _raw(dsl, sql, concern_id)
    finally:
        dsl.vault.conn.execute("ROLLBACK")


def test_a_child_cannot_be_moved_from_a_draft_into_a_submitted_concern(
    dsl: Session, clock: MockClock
) -> None:
    amy, ben = add_child(dsl, "Amy", "Khan"), add_child(dsl, "Ben", "Osei")
    submitted = concerns.record_concern(dsl, content((amy,), clock))
    draft = concerns.save_draft(dsl, content((ben,), clock))
    with pytest.raises(RecordImmutable):
        _raw(dsl, "UPDATE concern_children SET concern_id = ? WHERE concern_id = ?",
             submitted, draft)
    with pytest.raises(RecordImmutable):
        _raw(dsl, "UPDATE concern_indicators SET concern_id = ? WHERE concern_id = ?",
             submitted, draft)


def test_a_concern_cannot_be_born_submitted(dsl: Session) -> None:
    with pytest.raises(RecordImmutable):
        _raw(dsl, "INSERT INTO concerns(uid, status, author_id, created_at, tz, updated_at, "
             "submitted_at, occurred_at, urgency, taxonomy_version) VALUES ('u', 'submitted', 1,"
             " 'x', 'Europe/London', 'x', 'x', 'x', 'low', '1')")


def test_addenda_belong_to_submitted_concerns(dsl: Session, clock: MockClock) -> None:
    child = add_child(dsl)
    draft = concerns.save_draft(dsl, content((child,), clock))
    with pytest.raises(InvalidInput, match="Edit the draft"):
        concerns.add_addendum(dsl, draft, "too early")
    concerns.submit(dsl, draft)
    with pytest.raises(InvalidInput):
        concerns.add_addendum(dsl, draft, "   ")
    concerns.add_addendum(dsl, draft, "Mum phoned: the phone was a birthday present.")
    assert [a.body for a in concerns.open_concern(dsl, draft).addenda] == [
        "Mum phoned: the phone was a birthday present."
    ]


def test_recording_in_one_step_leaves_no_draft_when_submission_fails(
    dsl: Session, clock: MockClock
) -> None:
    """Save and submit are one transaction: a refused concern leaves no draft and no audit
    row; an accepted one has both audit rows (created, then submitted)."""
    child = add_child(dsl)

    def audited() -> list[tuple[str, str]]:
        with dsl.uow() as uow:
            return [(r[0], r[1]) for r in uow.conn.execute(
                "SELECT action, object_id FROM audit WHERE object_type = 'concern' ORDER BY id")]

    with pytest.raises(InvalidInput, match="what was seen or heard"):
        concerns.record_concern(dsl, content((child,), clock, facts="  "))
    assert concerns.my_concerns(dsl) == []
    assert audited() == []
    concern_id = concerns.record_concern(dsl, content((child,), clock))
    assert [c.id for c in concerns.my_concerns(dsl)] == [concern_id]
    assert audited() == [("concern_draft_created", str(concern_id)),
                         ("concern_submitted", str(concern_id))]


def test_submission_needs_a_child_facts_and_a_past_time(dsl: Session, clock: MockClock) -> None:
    child = add_child(dsl)
    draft = concerns.save_draft(dsl, content((), clock, facts="  "))
    with pytest.raises(InvalidInput) as told:
        concerns.submit(dsl, draft)
    assert "choose at least one child" in str(told.value)
    assert "what was seen or heard" in str(told.value)
    future = concerns.save_draft(
        dsl, content((child,), clock, occurred_at=clock.now() + timedelta(hours=3))
    )
    with pytest.raises(InvalidInput, match="future"):
        concerns.submit(dsl, future)


def test_a_one_megabyte_paste_is_refused_and_the_draft_kept(dsl: Session,
                                                            clock: MockClock) -> None:
    child = add_child(dsl)
    draft = concerns.save_draft(dsl, content((child,), clock, facts="what I saw"))
    with pytest.raises(InvalidInput, match="1,048,576 characters"):
        concerns.save_draft(dsl, content((child,), clock, facts="x" * 1_048_576), draft)
    assert concerns.my_concerns(dsl)[0].content.facts == "what I saw"


def test_text_that_cannot_be_stored_is_refused(dsl: Session, clock: MockClock) -> None:
    child = add_child(dsl)
    with pytest.raises(InvalidInput, match="NUL"):
        concerns.save_draft(dsl, content((child,), clock, facts="a\x00b"))
    with pytest.raises(InvalidInput, match="not valid text"):
        concerns.save_draft(dsl, content((child,), clock, facts="a\ud800b"))


@pytest.mark.parametrize("name", [("Zoë", "Ólafsdóttir"), ("Nguyễn", "Văn An"),
                                  ("Łukasz", "Żółkiewski"), ("Şükrü", "Yılmaz"),
                                  ("Анастасия", "Иванова"), ("مريم", "الحسن"), ("美咲", "佐藤")])
def test_names_in_any_script_round_trip(dsl: Session, clock: MockClock,
                                        name: tuple[str, str]) -> None:
    child = add_child(dsl, *name)
    concern_id = concerns.record_concern(dsl, content((child,), clock,
                                                      facts=f"{name[0]} said hello"))
    assert children.child_profile(dsl, child).child.display_name == f"{name[0]} {name[1]}"
    hits = search.search_concerns(dsl, name[0])
    assert [h.concern_id for h in hits] == [concern_id]


def test_unknown_indicator_codes_are_refused(dsl: Session, clock: MockClock) -> None:
    child = add_child(dsl)
    with pytest.raises(InvalidInput, match="ZZZ-99"):
        concerns.save_draft(dsl, content((child,), clock, indicator_codes=frozenset({"ZZZ-99"})))


def test_staff_see_only_their_own_concerns(dsl: Session, clock: MockClock) -> None:
    add_staff(dsl)
    child = add_child(dsl)
    dsl_concern = concerns.record_concern(dsl, content((child,), clock, facts="DSL saw it"))
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    assert [c.display_name for c in children.list_children(staff)] == ["Zoë Ólafsdóttir"]
    mine = concerns.record_concern(staff, content((child,), clock, facts="Teacher saw it"))
    assert [c.id for c in concerns.my_concerns(staff)] == [mine]
    with pytest.raises(PermissionDenied):
        concerns.open_concern(staff, dsl_concern)
    with pytest.raises(PermissionDenied):
        concerns.add_addendum(staff, dsl_concern, "not mine")
    assert [h.concern_id for h in search.search_concerns(staff, "saw")] == [mine]
    for forbidden in (
        lambda: chronology.chronology(staff, child),
        lambda: dsl_work.triage(staff, mine, TriageDecision.MONITOR, "reason"),
        lambda: dsl_work.triage_queue(staff),
        lambda: children.add_child(staff, ChildDetails("A", "B")),
        lambda: users.list_users(staff),
        lambda: maintenance.verify(staff),
    ):
        with pytest.raises(PermissionDenied):
            forbidden()
    staff.lock()


def test_admin_manages_users_but_sees_no_record_content(dsl: Session, clock: MockClock) -> None:
    users.add_user(dsl, name="it", display_name="IT", role=Role.ADMIN,
                   passphrase="admin passphrase here")
    child = add_child(dsl)
    concern_id = concerns.record_concern(dsl, content((child,), clock))
    admin = switch_to(dsl, "it", "admin passphrase here")
    assert {u.name for u in users.list_users(admin)} == {"dsl", "it"}
    assert maintenance.verify(admin).ok
    for forbidden in (
        lambda: concerns.open_concern(admin, concern_id),
        lambda: children.list_children(admin),
        lambda: chronology.chronology(admin, child),
        lambda: search.search_concerns(admin, "car"),
        lambda: concerns.save_draft(admin, content((child,), clock)),
    ):
        with pytest.raises(PermissionDenied):
            forbidden()
    admin.lock()


def test_not_referring_needs_a_reason(dsl: Session, clock: MockClock) -> None:
    child = add_child(dsl)
    concern_id = concerns.record_concern(dsl, content((child,), clock))
    with pytest.raises(InvalidInput, match="reason is required"):
        dsl_work.triage(dsl, concern_id, TriageDecision.NO_FURTHER_ACTION, " ")
    dsl_work.triage(dsl, concern_id, TriageDecision.REFER_MASH, "")
    # and the database agrees, whatever code writes to it
    with pytest.raises(Exception, match="CHECK constraint"):
        dsl.vault.conn.execute(
            "INSERT INTO triage(concern_id, decision, rationale, decided_by, decided_at, tz) "
            "VALUES (?, 'monitor', '', 1, 'x', 'Europe/London')", (concern_id,))


def test_the_queue_puts_urgent_then_oldest_first(dsl: Session, clock: MockClock) -> None:
    child = add_child(dsl)
    low = concerns.record_concern(dsl, content((child,), clock, urgency=Urgency.LOW))
    clock.advance(minutes=5)
    high_old = concerns.record_concern(dsl, content((child,), clock, urgency=Urgency.HIGH))
    clock.advance(minutes=5)
    high_new = concerns.record_concern(dsl, content((child,), clock, urgency=Urgency.HIGH))
    clock.advance(minutes=5)
    now = concerns.record_concern(dsl, content((child,), clock, urgency=Urgency.IMMEDIATE))
    assert [c.id for c in dsl_work.triage_queue(dsl)] == [now, high_old, high_new, low]
    dsl_work.triage(dsl, now, TriageDecision.REFER_POLICE, "")
    assert [c.id for c in dsl_work.triage_queue(dsl)] == [high_old, high_new, low]


def test_chronology_merges_everything_in_time_order(dsl: Session, clock: MockClock) -> None:
    amy = add_child(dsl, "Amy", "Khan", upn="A123456789012")
    ben = add_child(dsl, "Ben", "Khan", flags=frozenset({ChildFlag.LOOKED_AFTER}))
    children.link_children(dsl, amy, ben, LinkKind.SIBLING)
    start = clock.now()
    concern_id = concerns.record_concern(
        dsl, content((amy, ben), clock, occurred_at=start - timedelta(days=2))
    )
    clock.advance(hours=1)
    dsl_work.triage(dsl, concern_id, TriageDecision.EARLY_HELP, "Family asked for support")
    clock.advance(hours=1)
    action_ids = dsl_work.record_action(dsl, kind=ActionKind.PARENTS_INFORMED, detail="Phoned mum",
                                   taken_at=clock.now(), concern_id=concern_id)
    dsl_work.record_outcome(dsl, text="Mum will attend a meeting", occurred_at=clock.now(),
                       child_id=amy, action_id=action_ids[0])
    dsl_work.add_event(dsl, child_id=amy, kind=EventKind.MISSING_EPISODE,
                  occurred_at=start - timedelta(days=1), summary="Missing overnight",
                  outcome="Found by police at 06:10")
    clock.advance(hours=1)
    concerns.add_addendum(dsl, concern_id, "Amy later said the car belonged to a cousin.")
    rows = chronology.chronology(dsl, amy)
    assert [r.entry_type for r in rows] == [
        EntryType.CONCERN, EntryType.EVENT, EntryType.TRIAGE, EntryType.ACTION,
        EntryType.ADDENDUM,
    ]
    assert rows == sorted(rows, key=lambda r: r.occurred_at)
    concern_row, event_row, triage_row, action_row, addendum_row = rows
    assert "Signs:" in concern_row.event and concern_row.recorded_by == "Dana Lead"
    assert concern_row.indicator_codes == {"SHARED-01", "CSE-01"}
    assert event_row.source == "Missing episode" and event_row.outcome.startswith("Found")
    assert triage_row.decision == "Early Help: Family asked for support"
    assert action_row.outcome == "Mum will attend a meeting"
    assert "cousin" in addendum_row.event
    # Ben shares the concern, triage and action, but not Amy's event or outcome
    ben_rows = chronology.chronology(dsl, ben)
    assert [r.entry_type for r in ben_rows] == [EntryType.CONCERN, EntryType.TRIAGE,
                                                EntryType.ACTION, EntryType.ADDENDUM]
    assert ben_rows[2].outcome == ""
    roster = {r.child.id: r.entries for r in children.roster(dsl)}
    assert roster == {amy: len(rows), ben: len(ben_rows)}
    with pytest.raises(InvalidInput, match="another child"):
        dsl_work.record_outcome(dsl, text="x", occurred_at=clock.now(), child_id=ben,
                                action_id=action_ids[0])
    cal = add_child(dsl, "Cal", "Other")
    with pytest.raises(InvalidInput, match="concern is about another child"):
        dsl_work.record_outcome(dsl, text="x", occurred_at=clock.now(), child_id=cal,
                                concern_id=concern_id)
    profile = children.child_profile(dsl, amy)
    assert [(link.kind, other.display_name) for link, other in profile.links] == [
        (LinkKind.SIBLING, "Ben Khan")]
    actions = [row[3] for row in dsl.vault.uow().audit.rows()]
    assert actions.count("chronology_viewed") == 2
    assert chronology.chronology(dsl, cal) == []  # nothing was filed for Cal


def test_drafts_are_not_in_the_chronology_or_search(dsl: Session, clock: MockClock) -> None:
    child = add_child(dsl)
    concerns.save_draft(dsl, content((child,), clock, facts="unfinished thought"))
    assert chronology.chronology(dsl, child) == []
    assert search.search_concerns(dsl, "unfinished") == []


@pytest.mark.parametrize("query", ['"phone', "phone OR", "NEAR(", "*", "a:b", "-x", "'; DROP"])
def test_search_treats_typed_operators_as_text(dsl: Session, clock: MockClock,
                                               query: str) -> None:
    child = add_child(dsl)
    concerns.record_concern(dsl, content((child,), clock, facts="new phone and cash"))
    search.search_concerns(dsl, query)  # never a syntax error


def test_search_finds_prefixes_and_ignores_accents(dsl: Session, clock: MockClock) -> None:
    child = add_child(dsl)
    concern_id = concerns.record_concern(dsl, content((child,), clock,
                                                      facts="Seen at the café with cash"))
    assert [h.concern_id for h in search.search_concerns(dsl, "cafe")] == [concern_id]
    hit = search.search_concerns(dsl, "cas")[0]
    assert "[cash]" in hit.snippet and hit.child_names == ("Zoë Ólafsdóttir",)


def test_search_finds_a_concern_by_its_childrens_names_and_the_dsls_work(
        dsl: Session, clock: MockClock) -> None:
    """The search box suggests a name: a concern is found by the names of its children
    (accents aside) and, for the DSL, by what was decided and done on it. Every word must
    match somewhere on the concern."""
    from cerecorder.domain.model import ActionKind, TriageDecision
    from cerecorder.services import dsl as dsl_work

    from helpers import STAFF_PASS, add_staff, switch_to

    ines = add_child(dsl, "Inês", "Gonçalves")
    amy = add_child(dsl, "Amy", "Khan")
    about_ines = concerns.record_concern(dsl, content((ines,), clock, facts="New trainers."))
    about_amy = concerns.record_concern(dsl, content((amy,), clock, facts="New trainers."))
    assert [h.concern_id for h in search.search_concerns(dsl, "goncalves")] == [about_ines]
    assert [h.concern_id for h in search.search_concerns(dsl, "ines trainers")] == [about_ines]
    assert search.search_concerns(dsl, "ines rocket") == []  # every word must match
    hit = search.search_concerns(dsl, "gonc")[0]
    assert hit.snippet == "New trainers."  # matched by name: the facts are shown

    dsl_work.triage(dsl, about_amy, TriageDecision.MONITOR, "Mentor to check in weekly.")
    dsl_work.record_action(dsl, kind=ActionKind.REFERRAL_CSC, detail="Spoke to Duty Desk",
                           taken_at=clock.now(), concern_id=about_amy)
    dsl_work.record_outcome(dsl, text="Assessment opened by social care",
                            occurred_at=clock.now(), child_id=amy, concern_id=about_amy)
    for words in ("mentor weekly", "monitor", "duty desk", "assessment", "social care",
                  "amy mentor"):
        assert [h.concern_id for h in search.search_concerns(dsl, words)] == [about_amy], words
    assert "[Mentor]" in search.search_concerns(dsl, "mentor")[0].snippet
    # decisions and kinds of action are stored as codes: their labels are found too
    dsl_work.record_action(dsl, kind=ActionKind.POLICE, detail="", taken_at=clock.now(),
                           concern_id=about_ines)
    assert [h.concern_id for h in search.search_concerns(dsl, "police")] == [about_ines]

    add_staff(dsl)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    try:
        own = concerns.record_concern(staff, content((amy,), clock, facts="Late again."))
        assert [h.concern_id for h in search.search_concerns(staff, "khan")] == [own]
        assert search.search_concerns(staff, "mentor") == []  # not the DSL's work
    finally:
        staff.lock()


@pytest.mark.parametrize("walk", [False, True], ids=["look up each", "walk newest first"])
def test_search_sorts_newest_first_by_either_way(dsl: Session, clock: MockClock,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 walk: bool) -> None:
    """Few matches are looked up and sorted, many are found by walking the concerns newest
    first: both give the newest event first (not the newest saved), skip drafts, keep
    a staff member to their own concerns and stop at the limit."""
    from cerecorder.storage import repositories

    monkeypatch.setattr(repositories, "_WALK_PER_LOOKUP", 10**9 if walk else 0)
    child = add_child(dsl)
    ages = [5, 1, 9, 3, 7, 2]  # days ago, in the order they are recorded
    recorded = [concerns.record_concern(dsl, content(
        (child,), clock, facts=f"Seen with a scooter ({n}).",
        occurred_at=clock.now() - timedelta(days=days))) for n, days in enumerate(ages)]
    concerns.save_draft(dsl, content((child,), clock, facts="A scooter, unfinished."))
    newest_first = [recorded[n] for n in sorted(range(len(ages)), key=ages.__getitem__)]
    assert [h.concern_id for h in search.search_concerns(dsl, "scooter")] == newest_first
    assert [h.concern_id for h in search.search_concerns(dsl, "scooter", limit=2)] == \
        newest_first[:2]
    add_staff(dsl)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    try:
        own = concerns.record_concern(staff, content(
            (child,), clock, facts="A scooter again.", occurred_at=clock.now()
            - timedelta(days=4)))
        assert [h.concern_id for h in search.search_concerns(staff, "scooter")] == [own]
    finally:
        staff.lock()


def test_snippets_bracket_the_matched_words() -> None:
    from cerecorder.services.search import snippet

    text = ("On Tuesday after school Amy was seen at the café on Station Road with two older "
            "men who gave her a new phone and some cash before driving off in a grey car")
    shown = snippet(["nothing relevant here", text], "cafe phone")
    assert shown == "…was seen at the [café] on Station Road with two older men who gave…"
    assert "[phone]" in snippet([text], "PHONE cash")
    assert snippet([text], "zebra") == ""


def test_every_change_is_audited_and_the_chain_verifies(dsl: Session, clock: MockClock) -> None:
    child = add_child(dsl)
    concern_id = concerns.record_concern(dsl, content((child,), clock))
    chronology.chronology(dsl, child)
    rows = dsl.vault.uow().audit.rows()
    assert [r[3] for r in rows] == [
        "vault_created", "user_added", "signing_key_created", "unlock", "child_added",
        "concern_draft_created",
        # an older boyfriend (CSE-01) and gifts (SHARED-01) in one concern: a pattern flag
        "concern_submitted", "flag_raised", "chronology_viewed",
    ]
    assert str(concern_id) in [r[5] for r in rows]
    assert maintenance.verify(dsl).ok


def test_tampering_with_the_audit_names_the_row(dsl: Session) -> None:
    add_child(dsl)
    conn = dsl.vault.conn
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET object_id = '999' WHERE id = 3")
    report = maintenance.verify(dsl)
    assert not report.ok and report.audit_first_broken == 3


def test_admin_cannot_make_an_account_that_reads_records(dsl: Session) -> None:
    users.add_user(dsl, name="it", display_name="IT", role=Role.ADMIN,
                   passphrase="admin passphrase here")
    admin = switch_to(dsl, "it", "admin passphrase here")
    with pytest.raises(PermissionDenied, match="Only a DSL"):
        users.add_user(admin, name="it2", display_name="IT", role=Role.DSL,
                       passphrase="another long passphrase")
    assert users.add_user(admin, name="ta", display_name="TA", role=Role.STAFF,
                          passphrase="another long passphrase").role is Role.STAFF
    admin.lock()


def test_a_former_users_name_is_refused_plainly(dsl: Session) -> None:
    staff_id = add_staff(dsl, "teacher")
    users.remove_user(dsl, staff_id)
    for name in ("teacher", "Teacher", " TEACHER "):
        with pytest.raises(InvalidInput, match="taken"):
            users.add_user(dsl, name=name, display_name="T", role=Role.STAFF,
                           passphrase=STAFF_PASS)

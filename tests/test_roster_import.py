"""Importing the pupil roll into a vault (services.roster_import), merging two records of
one child, links, and `cerecorder-admin import-roster`. All pupils are made up."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlcipher3 import dbapi2 as sqlcipher

from cerecorder.domain.errors import DiskFull, InvalidInput, PermissionDenied
from cerecorder.domain.model import ChildDetails, EntryType, LinkKind, Role
from cerecorder.domain.roster import RosterField
from cerecorder.services import (
    children,
    chronology,
    concerns,
    handover,
    roster_import,
    users,
)
from cerecorder.services.session import Session
from cerecorder.storage.children import ChildRepository
from test_cli import cli

from helpers import DSL_PASS, STAFF_PASS, MockClock, add_child, add_staff, content, switch_to

ROLL = (
    "\ufeffAdno,UPN,Legal Surname,Legal Forename,Preferred Forename,DOB,Gender,Year,Reg\r\n"
    "001234,L936211225001,O'Neil-Smith,Zoë,Zo,03/04/2013,F,Year 8,8E\r\n"
    '001235,A936211225002,"Nguyễn, Thi",Minh Anh,,14/09/2012,F,Year 9,9H\r\n'
    "001236,P936211225003,Ólafsdóttir,Björk,,31/01/2014,M,Year 7,7K\r\n"
).encode("utf-8")


def audit(s: Session) -> list[tuple[str, str, dict[str, object]]]:
    with s.uow() as uow:
        return [(r[3], r[5], json.loads(r[6])) for r in uow.audit.rows()]


def vault_state(s: Session) -> str:
    """A digest of every row of every table: equal means nothing was written."""
    digest = hashlib.sha256()
    with s.uow() as uow:
        tables = [r[0] for r in uow.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()]
        for table in tables:
            for row in uow.conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall():
                digest.update(repr((table, tuple(row))).encode())
    return digest.hexdigest()


def run_import(s: Session, data: bytes, **kw: object) -> roster_import.ImportResult:
    preview = roster_import.preview_import(s, roster_import.open_roster(s, data),
                                           full_roll=bool(kw.pop("full_roll", False)))
    return roster_import.commit_import(s, preview, **kw)  # type: ignore[arg-type]


def test_first_import_adds_every_pupil_audited_and_a_second_changes_nothing(
        dsl: Session) -> None:
    result = run_import(dsl, ROLL)
    assert (result.added, result.updated, result.left, result.skipped) == (3, 0, 0, 0)
    roll = {c.details.upn: c for c in children.list_children(dsl)}
    zoe = roll["L936211225001"]
    assert zoe.legal_name == "Zoë O'Neil-Smith" and zoe.display_name == "Zo O'Neil-Smith"
    assert zoe.details.date_of_birth == date(2013, 4, 3)
    assert zoe.details.admission_number == "001234"
    events = audit(dsl)
    assert [e[0] for e in events].count("child_added") == 3
    assert events[-1][0] == "roster_imported"
    assert events[-1][2]["new"] == 3 and events[-1][2]["encoding"] == (
        "UTF-8 with byte-order mark")
    assert "Zo" not in json.dumps(events)  # audit details carry ids, never names

    preview = roster_import.preview_import(dsl, roster_import.open_roster(dsl, ROLL))
    assert preview.plan.counts["unchanged"] == 3
    assert preview.source.mapping_from == "remembered"


def test_updates_leavers_and_returners_keep_every_record(dsl: Session, clock: MockClock) -> None:
    run_import(dsl, ROLL)
    ben = add_child(dsl, "Ben", "Baker", date_of_birth=date(2013, 2, 2))
    concern = concerns.record_concern(dsl, content((ben,), clock))
    changed = ROLL.replace(b"Year 8,8E", b"Year 9,9E").replace(
        b"001236,P936211225003,\xc3\x93lafsd\xc3\xb3ttir,Bj\xc3\xb6rk,,31/01/2014,M,Year 7,7K\r\n",
        b"")
    preview = roster_import.preview_import(
        dsl, roster_import.open_roster(dsl, changed), full_roll=True, left_on=date(2026, 7, 22))
    assert preview.plan.counts == {"new": 0, "updated": 1, "unchanged": 1, "conflict": 0,
                                   "left": 2, "problems": 0}
    lines = roster_import.preview_lines(preview, 4)
    assert any("Year group: Year 8 → Year 9" in line for line in lines)
    assert any("Warning: 2 of 4 pupils" in line for line in lines)
    roster_import.commit_import(dsl, preview)

    everyone = {c.legal_name: c for c in children.list_children(dsl, include_left=True)}
    assert everyone["Björk Ólafsdóttir"].left_on == date(2026, 7, 22)
    assert everyone["Ben Baker"].left_on == date(2026, 7, 22)
    assert everyone["Zoë O'Neil-Smith"].details.reg_group == "9E"
    assert len(children.list_children(dsl)) == 2
    # a leaver's chronology is still whole
    assert [e.concern_id for e in chronology.chronology(dsl, ben)
            if e.entry_type is EntryType.CONCERN] == [concern]
    assert sum(1 for e in audit(dsl) if e[0] == "child_left") == 2

    # back on the roll next term
    result = run_import(dsl, ROLL, full_roll=True)
    assert (result.updated, result.left) == (2, 0)  # Zoë's reg, Björk returns; Ben stays left
    assert children.list_children(dsl, include_left=True)[0].left_on == date(2026, 7, 22)
    bjork = next(c for c in children.list_children(dsl) if c.details.upn == "P936211225003")
    assert bjork.left_on is None


def test_a_leaver_s_chronology_can_still_be_chosen_for_export(dsl: Session) -> None:
    ben = add_child(dsl, "Ben", "Baker", date_of_birth=date(2013, 2, 2))
    assert run_import(dsl, ROLL, full_roll=True).left == 1
    # the file goes to Ben's new school after he has left
    assert ben in [r.child.id for r in handover.children_for_export(dsl, "baker")]


def test_problem_rows_are_left_out_only_when_the_user_says_so(dsl: Session) -> None:
    bad = ROLL + b"001237,B936211225003,Carter,Cal,,31/02/2013,M,Year 7,7K\r\n"
    preview = roster_import.preview_import(dsl, roster_import.open_roster(dsl, bad))
    assert [(p.line, "check letter" in p.message) for p in preview.plan.problems] == [
        (5, True)]
    before = vault_state(dsl)
    with pytest.raises(InvalidInput, match="import the rest"):
        roster_import.commit_import(dsl, preview)
    assert vault_state(dsl) == before
    result = roster_import.commit_import(dsl, preview, import_rest=True)
    assert (result.added, result.skipped) == (3, 1)


def test_a_whole_roll_with_no_pupils_is_refused(dsl: Session) -> None:
    run_import(dsl, ROLL)
    before = vault_state(dsl)
    headings_only = ROLL.split(b"\r\n")[0] + b"\r\n"
    source = roster_import.open_roster(dsl, headings_only)
    with pytest.raises(InvalidInput, match="no pupils"):
        roster_import.preview_import(dsl, source, full_roll=True)
    assert roster_import.preview_import(dsl, source).plan.counts["new"] == 0
    assert vault_state(dsl) == before
    assert len(children.list_children(dsl)) == 3  # nobody marked as left


def test_a_stale_preview_is_refused(dsl: Session) -> None:
    preview = roster_import.preview_import(dsl, roster_import.open_roster(dsl, ROLL))
    add_child(dsl, "Björk", "Ólafsdóttir", upn="P936211225003")  # someone adds her meanwhile
    before = vault_state(dsl)
    with pytest.raises(InvalidInput, match="changed since this preview"):
        roster_import.commit_import(dsl, preview)
    assert vault_state(dsl) == before


def test_the_commit_is_all_or_nothing(dsl: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    run_import(dsl, ROLL)
    bigger = ROLL + b"001240,,Dale,Dee,,04/04/2013,F,Year 8,8E\r\n"
    preview = roster_import.preview_import(
        dsl, roster_import.open_roster(dsl, bigger.replace(b"Year 9,9H", b"Year 10,10H")),
        full_roll=True)
    add_child(dsl, "Eve", "Ezra")  # a leaver, so the commit reaches set_left
    preview = roster_import.preview_import(dsl, preview.source, full_roll=True)
    before = vault_state(dsl)

    def full(*_: object) -> None:
        raise DiskFull("The disk is full.")

    monkeypatch.setattr(ChildRepository, "set_left", full)
    with pytest.raises(DiskFull):
        roster_import.commit_import(dsl, preview)
    assert vault_state(dsl) == before  # the new pupil and the update were rolled back


def test_an_unrecognised_column_is_mapped_by_hand_and_remembered(dsl: Session) -> None:
    data = b"Called,Surname,Forename,DOB\nJay,Jones,Jayden,01/09/2012\n"
    source = roster_import.open_roster(dsl, data)
    assert 0 not in source.mapping
    mapping = {**source.mapping, 0: RosterField.PREFERRED_FORENAMES}
    preview = roster_import.preview_import(dsl, source, mapping)
    roster_import.commit_import(dsl, preview)
    assert children.list_children(dsl)[0].display_name == "Jay Jones"
    again = roster_import.open_roster(dsl, data.replace(b"Jay,", b"J,"))
    assert (again.mapping_from, again.mapping) == ("remembered", mapping)


def test_staff_cannot_import_and_the_administrator_can(dsl: Session) -> None:
    add_staff(dsl)
    users.add_user(dsl, name="it", display_name="IT", role=Role.ADMIN, passphrase=STAFF_PASS)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    with pytest.raises(PermissionDenied):
        roster_import.open_roster(staff, ROLL)
    admin = switch_to(staff, "it", STAFF_PASS)
    assert run_import(admin, ROLL).added == 3
    admin.lock()


def test_merging_two_records_of_one_child_combines_their_chronologies(
        dsl: Session, clock: MockClock) -> None:
    keep = add_child(dsl, "Zoë", "O'Neil", date_of_birth=date(2013, 4, 3))
    twin = add_child(dsl, "Zoe", "ONeil", upn="L936211225001", reg_group="8E")
    sibling = add_child(dsl, "Sam", "O'Neil")
    first = concerns.record_concern(dsl, content((keep,), clock))
    second = concerns.record_concern(dsl, content((twin,), clock))
    both = concerns.record_concern(dsl, content((keep, twin), clock))
    children.link_children(dsl, twin, sibling, LinkKind.SIBLING, "brother")
    with pytest.raises(InvalidInput, match="why"):
        children.merge_children(dsl, keep, twin, " ")

    children.merge_children(dsl, keep, twin, "Same child: entered twice by two staff")

    rows = chronology.chronology(dsl, keep)
    assert sorted(e.concern_id for e in rows if e.entry_type is EntryType.CONCERN) == sorted(
        [first, second, both])  # nothing lost, the shared concern once
    merge_event = [e for e in rows if e.entry_type is EntryType.EVENT]
    assert len(merge_event) == 1 and "entered twice" in merge_event[0].event
    profile = children.child_profile(dsl, keep)
    assert profile.child.details.upn == "L936211225001"  # the UPN moved to the kept record
    assert profile.child.details.reg_group == "8E"
    assert [(link.kind, other.id) for link, other in profile.links] == [
        (LinkKind.SIBLING, sibling)]
    assert [c.id for c in profile.merged] == [twin]
    assert children.child_profile(dsl, twin).merged_into is not None
    assert twin not in [c.id for c in children.list_children(dsl, include_left=True)]
    assert children.child_profile(dsl, sibling).links[0][1].id == keep
    roster = {r.child.id: r for r in children.roster(dsl)}
    assert roster[keep].entries == 3 + 1  # three concerns and the merge event
    merges = [e for e in audit(dsl) if e[0] == "children_merged"]
    assert [(e[1], e[2]["merged"]) for e in merges] == [(str(keep), twin)]

    with pytest.raises(InvalidInput, match="already merged"):
        children.merge_children(dsl, sibling, twin, "again")
    # the roll import finds the kept record through the merged one's identifiers
    preview = roster_import.preview_import(dsl, roster_import.open_roster(
        dsl, b"UPN,Surname,Forename,DOB\nL936211225001,O'Neil,Zoe,03/04/2013\n"))
    assert (preview.plan.rows[0].child_id, preview.plan.counts["unchanged"]) == (keep, 1)


def test_a_merged_record_s_chronology_is_exported_only_from_the_record_kept(
        dsl: Session, clock: MockClock) -> None:
    keep = add_child(dsl, "Zoë", "O'Neil", date_of_birth=date(2013, 4, 3))
    twin = add_child(dsl, "Zoe", "ONeil")
    concerns.record_concern(dsl, content((keep,), clock))
    concerns.record_concern(dsl, content((twin,), clock))
    children.merge_children(dsl, keep, twin, "Entered twice")
    with pytest.raises(InvalidInput, match=f"merged into #{keep}"):
        handover.chronology_document(dsl, twin, purpose="Transfer to new school")
    whole = handover.chronology_document(dsl, keep, purpose="Transfer to new school")
    assert len([r for r in whole.rows if r.entry_type is EntryType.CONCERN]) == 2


def test_the_database_keeps_children_and_merges(dsl: Session) -> None:
    a, b = add_child(dsl, "Amy", "Able"), add_child(dsl, "Amy", "Able")
    children.merge_children(dsl, a, b, "same")
    conn = dsl.vault.conn
    for sql in ("DELETE FROM children WHERE id = 1", "UPDATE children SET merged_into = NULL",
                "UPDATE children SET merged_into = id WHERE id = 1"):
        with pytest.raises(sqlcipher.DatabaseError):
            conn.execute(sql)
        conn.rollback()


def test_only_the_dsl_merges(dsl: Session) -> None:
    a, b = add_child(dsl, "Amy", "Able"), add_child(dsl, "Amy", "Able")
    add_staff(dsl)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    with pytest.raises(PermissionDenied):
        children.merge_children(staff, a, b, "same")
    staff.lock()


# -- arbitrary bytes -------------------------------------------------------------------------

HEADER = b"UPN,Legal Surname,Legal Forename,DOB,Reg\r\n"
#: pieces of real exports, so that generated files get past the header into the rows
TOKENS = [b",", b";", b"\t", b"|", b'"', b"\r\n", b"\n", b"\r", b"\xef\xbb\xbf", b"\x92",
          b"\xe9", b"\xff", b"L936211225001", b"B936211225003", b"Amy", b"O'Neil-Smith",
          "Zoë".encode(), b"31/02/2013", b"03/04/2013", b"2013-04-03", b" ", b"8E"]
CSVISH = st.one_of(st.binary(max_size=2000),
                   st.lists(st.sampled_from(TOKENS), max_size=200).map(b"".join))


def test_arbitrary_bytes_never_crash_the_import_nor_change_the_vault(dsl: Session) -> None:
    add_child(dsl, "Amy", "Able", upn="L936211225001")
    before = vault_state(dsl)

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(CSVISH)
    def whole_pipeline(data: bytes) -> None:
        """Bytes with no roll header in them: refused with a message, at any step."""
        try:
            preview = roster_import.preview_import(dsl, roster_import.open_roster(dsl, data),
                                                   full_roll=True)
            roster_import.commit_import(dsl, preview)
        except InvalidInput:
            pass
        assert vault_state(dsl) == before

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(CSVISH)
    def preview_behind_a_good_header(body: bytes) -> None:
        """Rows of anything after a sound header: every row is read or told as a problem,
        and the preview writes nothing."""
        try:
            source = roster_import.open_roster(dsl, HEADER + body)
            preview = roster_import.preview_import(dsl, source, full_roll=True)
        except InvalidInput:
            return
        plan = preview.plan
        assert len(plan.rows) + len(plan.problems) >= len(source.file.rows)
        roster_import.preview_lines(preview, 1)
        assert vault_state(dsl) == before

    whole_pipeline()
    preview_behind_a_good_header()


# -- the command line --------------------------------------------------------------------


def test_cli_dry_run_prints_the_preview_and_writes_nothing(
        tmp_path: Path, dsl: Session) -> None:
    folder = dsl.vault.files.folder
    add_child(dsl, "Ben", "Baker")
    dsl.lock()
    roll = tmp_path / "roll.csv"
    roll.write_bytes(ROLL + b"001237,B936211225003,Carter,Cal,,01/02/2013,M,Year 7,7K\r\n")
    result = cli("import-roster", folder, roll, "--dry-run", "--full-roll",
                 "--left-on", "22/07/2026", lines=[DSL_PASS])
    assert result.code == 0, result.err
    out = result.out
    assert "Read as UTF-8 with byte-order mark, comma-separated: 4 rows" in out
    assert "Legal Forename → Legal forename(s)" in out
    assert "3 new, 0 updated, 0 unchanged, 0 conflicting, 1 problem row, 1 to mark as left "\
           "on 22/07/2026." in out
    assert "line 5: Cal Carter: UPN B936211225003 has the wrong check letter" in out
    assert "#1 Ben Baker" in out
    assert "Dry run: nothing was written." in out

    refused = cli("import-roster", folder, roll, lines=[DSL_PASS])
    assert refused.code == 1 and "import the rest" in refused.err
    done = cli("import-roster", folder, roll, "--import-rest", "--map", "Gender=none",
               lines=[DSL_PASS])
    assert done.code == 0, done.err
    assert "Gender → not imported" in done.out
    assert "Imported: 3 added, 0 updated, 0 marked as left, 1 row left out." in done.out
    listed = cli("children", folder, lines=[DSL_PASS])
    assert "L936211225001\tZo O'Neil-Smith" in listed.out


def test_cli_import_roster_bad_input(tmp_path: Path, dsl: Session) -> None:
    folder = dsl.vault.files.folder
    dsl.lock()
    missing = cli("import-roster", folder, tmp_path / "nope.csv", lines=[DSL_PASS])
    assert missing.code == 1 and "Cannot read" in missing.err
    roll = tmp_path / "roll.csv"
    roll.write_bytes(ROLL)
    wrong = cli("import-roster", folder, roll, "--map", "House=upn", lines=[DSL_PASS])
    assert wrong.code == 1 and "no column headed 'House'" in wrong.err
    odd = cli("import-roster", folder, roll, "--map", "Reg=colour", lines=[DSL_PASS])
    assert odd.code == 1 and "must be one of" in odd.err


def test_child_details_an_import_cannot_supply_are_kept(dsl: Session) -> None:
    child = children.add_child(dsl, ChildDetails(
        "Zoë", "O'Neil-Smith", upn="L936211225001", admission_number="001234",
        date_of_birth=date(2013, 4, 3), flags=frozenset()))
    thin = b"UPN,Surname,Forename,DOB,Adno\nL936211225001,O'Neil-Smith,Zoe,,\n"
    preview = roster_import.preview_import(dsl, roster_import.open_roster(dsl, thin))
    assert preview.plan.rows[0].outcome.value == "unchanged"
    roster_import.commit_import(dsl, preview)
    kept = children.child_profile(dsl, child).child.details
    assert (kept.admission_number, kept.date_of_birth, kept.legal_forenames) == (
        "001234", date(2013, 4, 3), "Zoë")


def test_a_link_made_in_error_is_taken_back_audited(dsl: Session) -> None:
    amy, ben = add_child(dsl, "Amy", "Able"), add_child(dsl, "Ben", "Able")
    children.link_children(dsl, amy, ben, LinkKind.SIBLING)
    with pytest.raises(InvalidInput, match="not linked that way"):
        children.unlink_children(dsl, amy, ben, LinkKind.ASSOCIATE)
    children.unlink_children(dsl, ben, amy, LinkKind.SIBLING)
    assert children.child_profile(dsl, amy).links == []
    assert audit(dsl)[-1][:2] == ("children_unlinked", str(ben))
    add_staff(dsl)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    with pytest.raises(PermissionDenied):
        children.unlink_children(staff, amy, ben, LinkKind.SIBLING)
    staff.lock()

"""Reading MIS roll exports (domain.roster): encodings, delimiters, headers, problem rows,
UPN check letters and matching. The CSVs are shaped like SIMS, Arbor, Bromcom and iSAMS
exports; every pupil in them is made up."""

from __future__ import annotations

from datetime import date

import pytest

from cerecorder.domain import roster as roster_module
from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import Child, ChildDetails
from cerecorder.domain.roster import (
    RosterField,
    guess_mapping,
    header_key,
    mentioned_identifiers,
    name_key,
    parse_date_of_birth,
    parse_rows,
    read_roster,
    upn_check_letter,
    upn_problem,
)
from cerecorder.domain.roster_match import Outcome, plan_import

TODAY = date(2026, 11, 30)

# SIMS "Student List" export saved by Excel: BOM, CRLF, quoted commas, a blank line,
# trailing empty columns
SIMS = (
    "\ufeffAdno,UPN,Legal Surname,Legal Forename,Preferred Forename,DOB,Gender,Year,Reg,,\r\n"
    "001234,L936211225001,O'Neil-Smith,Zoë,Zo,03/04/2013,F,Year 8,8E,,\r\n"
    '001235,A936211225002,"Nguyễn, Thi",Minh Anh,,14/09/2012,F,Year 9,9H,,\r\n'
    "\r\n"
    "001236,P936211225003,Ólafsdóttir,Björk,,2014-01-31,M,Year 7,7K,,\r\n"
).encode("utf-8")

# Arbor export: semicolons, ISO dates with a time, no BOM
ARBOR = (
    "First Name;Last Name;Preferred First Name;Date of Birth;UPN;Admission Number;"
    "Year Group;Registration Form\n"
    "Chloé;Dupont-Lefèvre;;2013-06-02T00:00:00;D936211225004;A100;Year 8;8L\n"
    "Kwame;Mensah;Kay;2012-12-25;T936211225005;A101;Year 9;9R\n"
).encode()

# Bromcom export saved on Windows: tab-separated, Windows-1252 bytes (é, ö and a curly apostrophe)
BROMCOM = (
    "Legal First Name\tLegal Last Name\tDate Of Birth\tGender\tReg Group\tUPN\tAdmission No\r\n"
    "Ren\xe9e\tK\xf6hler\t05/05/2013\tFemale\t8W\tG936211225006\t2001\r\n"
    "Aoife\tO\x92Brien\t11/11/2011\tFemale\t10N\tW936211225007\t2002\r\n"
).encode("latin-1")

# iSAMS export: vertical bars, unfamiliar extra columns
ISAMS = (
    "School Id|Forename|Surname|Known As|NC Year|Form|DOB|Sex|House\n"
    "I-77|Tomás|García|Tom|7|7E|01/02/2014|M|Drake\n"
).encode()


def test_sims_export_with_bom_crlf_quoted_commas_and_blank_lines() -> None:
    roster = read_roster(SIMS)
    assert roster.encoding == "UTF-8 with byte-order mark"
    assert roster.delimiter == ","
    assert roster.header[0] == "Adno"  # the BOM is not part of the first heading
    assert len(roster.header) == 9  # trailing empty headings trimmed
    mapping = guess_mapping(roster.header)
    assert set(mapping.values()) == set(RosterField) - {RosterField.PREFERRED_SURNAME}
    rows, problems = parse_rows(roster, mapping, TODAY)
    assert problems == []
    assert [r.line for r in rows] == [2, 3, 5]  # line numbers count the blank line
    zoe, minh, bjork = (r.details for r in rows)
    assert (zoe.legal_forenames, zoe.legal_surname, zoe.preferred_forenames) == (
        "Zoë", "O'Neil-Smith", "Zo")
    assert zoe.date_of_birth == date(2013, 4, 3)
    assert zoe.gender == "Female" and zoe.year_group == "Year 8" and zoe.reg_group == "8E"
    assert zoe.admission_number == "001234"  # leading zeros kept
    assert minh.legal_surname == "Nguyễn, Thi"
    assert bjork.date_of_birth == date(2014, 1, 31) and bjork.gender == "Male"


def test_arbor_export_semicolons_and_iso_dates() -> None:
    roster = read_roster(ARBOR)
    assert (roster.encoding, roster.delimiter_name) == ("UTF-8", "semicolon")
    rows, problems = parse_rows(roster, guess_mapping(roster.header), TODAY)
    assert problems == []
    assert rows[0].details.legal_surname == "Dupont-Lefèvre"
    assert rows[0].details.date_of_birth == date(2013, 6, 2)
    assert rows[1].details.preferred_forenames == "Kay"
    assert rows[1].details.admission_number == "A101"


def test_bromcom_export_in_windows_1252_with_tabs() -> None:
    roster = read_roster(BROMCOM)
    assert (roster.encoding, roster.delimiter_name) == ("Windows-1252", "tab")
    rows, problems = parse_rows(roster, guess_mapping(roster.header), TODAY)
    assert problems == []
    assert rows[0].details.legal_forenames == "Renée"
    assert rows[0].details.legal_surname == "Köhler"
    assert rows[1].details.legal_surname == "O\u2019Brien"  # the curly apostrophe byte 0x92


def test_isams_export_with_unknown_columns() -> None:
    roster = read_roster(ISAMS)
    mapping = guess_mapping(roster.header)
    assert roster.delimiter == "|"
    assert 0 not in mapping and 8 not in mapping  # School Id and House are not guessed
    rows, _ = parse_rows(roster, mapping, TODAY)
    d = rows[0].details
    assert (d.legal_forenames, d.preferred_forenames, d.year_group, d.reg_group) == (
        "Tomás", "Tom", "7", "7E")


def test_excel_unicode_text_is_utf16_with_tabs() -> None:
    roster = read_roster(ISAMS.decode().replace("|", "\t").encode("utf-16"))
    assert (roster.encoding, roster.delimiter_name) == ("UTF-16", "tab")
    rows, _ = parse_rows(roster, guess_mapping(roster.header), TODAY)
    assert rows[0].details.legal_surname == "García"


def test_a_report_title_above_the_headings_is_skipped() -> None:
    data = (b"Student List - Whole School\r\nPrinted 30/11/2026 09:12\r\n\r\n"
            b"Surname,Forename,DOB\r\nAble,Amy,03 Apr 2013\r\n")
    roster = read_roster(data)
    assert (roster.header_line, roster.header) == (4, ("Surname", "Forename", "DOB"))
    rows, problems = parse_rows(roster, guess_mapping(roster.header), TODAY)
    assert (problems, rows[0].line, rows[0].details.date_of_birth) == ([], 5, date(2013, 4, 3))


def test_header_key_ignores_case_and_spacing_only() -> None:
    assert header_key(["Legal Surname", "UPN"]) == header_key(["legal_surname", " upn "])
    assert header_key(["Legal Surname", "UPN"]) != header_key(["UPN", "Legal Surname"])


@pytest.mark.parametrize(("upn", "ok"), [
    ("B801200005001", True),
    ("A801200005001", False),  # wrong check letter
    ("A123456789012", True),
    ("K93621122501A", True),  # a temporary UPN ends in a letter
    ("B80120000500", False),  # too short
    ("I801200005001", False),
])
def test_upn_check_letter(upn: str, ok: bool) -> None:
    assert (upn_problem(upn) is None) is ok


def test_upn_check_letter_worked_example() -> None:
    # 2x2 + 4x7 + 9x1 + 10x6 + 12x4 + 13x9 = 266; 266 mod 23 = 13, the 14th letter of
    # A-Z without I and O: P
    assert upn_check_letter("207000016049") == "P"


def test_problem_rows_are_listed_with_line_numbers() -> None:
    data = (
        b"UPN,Surname,Forename,DOB\n"
        b"L936211225001,Able,Amy,01/01/2013\n"
        b",,,01/01/2013\n"                        # 3: no name
        b"A936211225002,Baker,Ben,31/02/2013\n"   # 4: impossible date
        b"L936211225001,Carter,Cal,02/02/2013\n"  # 5: UPN repeated (line 2 too)
        b"B936211225003,Dale,Dee,03/03/2013\n"    # 6: wrong check letter
        b"T936211225005,Eve,Ezra,03/03/2099\n"    # 7: in the future
        b"G936211225006,Ford,Fay,4/5/13\n"        # 8: two-digit year
        b"W936211225007,Gray,,05/05/2013\n"       # 9: no legal forename
    )
    roster = read_roster(data)
    rows, problems = parse_rows(roster, guess_mapping(roster.header), TODAY)
    assert rows == []
    found = {p.line: p.message for p in problems}
    assert sorted(found) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert "no name" in found[3]
    assert "31/02/2013" in found[4]
    assert "also on line 5" in found[2] and "also on line 2" in found[5]
    assert "check letter" in found[6] and "should start with P" in found[6]
    assert "future" in found[7]
    assert "two-digit year" in found[8]
    assert "forename" in found[9]


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", b"\x00\x01\x02"])
def test_unreadable_files_are_refused_plainly(data: bytes) -> None:
    with pytest.raises(InvalidInput):
        read_roster(data)


def test_an_unclosed_quotation_mark_is_told_at_its_line() -> None:
    data = b'Forename,Surname\nAmy,Able\n"Ben,Baker\n' + b"Cal,Carter\n" * 20_000
    with pytest.raises(InvalidInput, match=r"from line 3: .* quotation mark"):
        read_roster(data)


def test_a_mapping_must_name_the_child() -> None:
    roster = read_roster(b"Pupil,Birthday,Family\nAmy Able,01/01/2013,Able\n")
    with pytest.raises(InvalidInput, match="Legal forename"):
        parse_rows(roster, guess_mapping(roster.header), TODAY)
    with pytest.raises(InvalidInput, match="Two columns"):
        parse_rows(roster, {0: RosterField.LEGAL_FORENAMES, 1: RosterField.LEGAL_SURNAME,
                            2: RosterField.LEGAL_SURNAME}, TODAY)


def test_dates_of_birth() -> None:
    assert parse_date_of_birth("03/04/2013", TODAY) == date(2013, 4, 3)
    assert parse_date_of_birth("2013-04-03", TODAY) == date(2013, 4, 3)
    assert parse_date_of_birth("03/04/2013 00:00:00", TODAY) == date(2013, 4, 3)
    assert parse_date_of_birth("2013-04-03T00:00:00Z", TODAY) == date(2013, 4, 3)
    assert parse_date_of_birth("3-Apr-2013", TODAY) == date(2013, 4, 3)
    with pytest.raises(InvalidInput, match="more than 30 years"):
        parse_date_of_birth("01/01/1950", TODAY)


def test_a_file_with_us_dates_is_refused_not_misread() -> None:
    us = read_roster(b"Forename,Surname,DOB\nAmy,Able,03/04/2013\nBen,Baker,02/13/2013\n")
    with pytest.raises(InvalidInput, match=r"month first.*line 3: 02/13/2013"):
        parse_rows(us, guess_mapping(us.header), TODAY)  # Amy would be born 3 April
    # one slip in a UK file is that row's problem; the day-first dates show the file's way
    uk = read_roster(b"Forename,Surname,DOB\nAmy,Able,03/04/2013\nBen,Baker,02/13/2013\n"
                     b"Cal,Carter,25/12/2012\n")
    rows, problems = parse_rows(uk, guess_mapping(uk.header), TODAY)
    assert [r.details.date_of_birth for r in rows] == [date(2013, 4, 3), date(2012, 12, 25)]
    assert [p.line for p in problems] == [3]


def test_names_match_without_case_accents_or_punctuation() -> None:
    assert name_key("Zoë", "O'Neil-Smith") == name_key("ZOE", "ONeil Smith")
    assert name_key("Zoë", "Smith") != name_key("Zoë", "Smyth")


def _child(child_id: int, fore: str, sur: str, born: date | None = None, upn: str = "",
           adno: str = "", left: date | None = None, **more: str) -> Child:
    return Child(child_id, ChildDetails(fore, sur, date_of_birth=born, upn=upn,
                                        admission_number=adno, **more), left)


def _plan(csv_text: str, existing: list[Child], **kw: object):  # type: ignore[no-untyped-def]
    roster = read_roster(csv_text.encode())
    mapping = guess_mapping(roster.header)
    rows, problems = parse_rows(roster, mapping, TODAY)
    return plan_import(rows, problems, existing, full_roll=bool(kw.get("full_roll")),
                       left_on=TODAY, merged_into=kw.get("merged"),  # type: ignore[arg-type]
                       mentioned=mentioned_identifiers(roster, mapping))


HEAD = "UPN,Adno,Surname,Forename,DOB,Reg\n"


def test_matching_order_upn_then_admission_number_then_name_and_birth() -> None:
    existing = [
        _child(1, "Amy", "Able", date(2013, 1, 1), upn="L936211225001", reg_group="8E"),
        _child(2, "Ben", "Baker", date(2013, 2, 2), adno="2002"),
        _child(3, "Zoë", "O'Neil", date(2013, 3, 3)),
        _child(4, "Dee", "Dale", date(2013, 4, 4), reg_group="8K"),
    ]
    plan = _plan(HEAD
                 + "L936211225001,,Able,Amy,01/01/2013,9E\n"   # UPN: reg changes
                 + "A936211225002,2002,Baker,Ben,02/02/2013,\n"  # adno: gains a UPN
                 + ",,ONEIL,Zoe,03/03/2013,\n"                  # name and birth
                 + ",,Dale,Dee,04/04/2013,8K\n"                 # unchanged
                 + ",,Ezra,Eve,05/05/2013,7E\n", existing)      # new
    by_line = {p.row.line: p for p in plan.rows}
    assert (by_line[2].outcome, by_line[2].child_id, by_line[2].matched_on) == (
        Outcome.UPDATED, 1, "UPN")
    assert [(c.before, c.after) for c in by_line[2].changes] == [("8E", "9E")]
    assert (by_line[3].child_id, by_line[3].matched_on) == (2, "admission number")
    assert by_line[3].result is not None and by_line[3].result.upn == "A936211225002"
    assert (by_line[4].child_id, by_line[4].matched_on) == (3, "name and date of birth")
    assert by_line[4].outcome is Outcome.UNCHANGED  # the import does not restyle a name
    assert by_line[5].outcome is Outcome.UNCHANGED
    assert by_line[6].outcome is Outcome.NEW and by_line[6].child_id is None


def test_doubtful_matches_are_conflicts_not_guesses() -> None:
    existing = [
        _child(1, "Amy", "Able", date(2013, 1, 1), upn="L936211225001", adno="1001"),
        _child(2, "Ben", "Baker", date(2013, 2, 2), upn="A936211225002", adno="1002"),
        _child(3, "Cal", "Carter", date(2013, 3, 3), upn="P936211225003"),
        _child(4, "Dee", "Dale", date(2013, 4, 4)),
        _child(5, "Dee", "Dale", date(2013, 4, 4)),
    ]
    plan = _plan(HEAD
                 + "L936211225001,1002,Able,Amy,01/01/2013,\n"   # UPN and adno disagree
                 + "T936211225005,1001,Able,Amy,01/01/2013,\n"   # adno, different UPN
                 + "D936211225004,,Carter,Cal,03/03/2013,\n"     # name+birth, other UPN
                 + ",,Dale,Dee,04/04/2013,\n", existing)        # two candidates
    assert [p.outcome for p in plan.rows] == [Outcome.CONFLICT] * 4
    assert plan.rows[0].candidates == (1, 2)
    assert "#3" in plan.rows[2].conflict and plan.rows[3].candidates == (4, 5)


def test_a_record_typed_in_without_a_date_of_birth_is_found_by_name() -> None:
    existing = [
        _child(1, "Amy", "Able"),                          # typed in by hand
        _child(2, "Ben", "Baker", date(2013, 2, 2)),
        _child(3, "Cal", "Carter"), _child(4, "Cal", "Carter"),
    ]
    plan = _plan(HEAD
                 + "L936211225001,,Able,Amy,01/01/2013,8E\n"  # Amy, now with UPN and birth
                 + ",,Baker,Ben,,\n"                          # no birth: cannot tell
                 + ",,Baker,Ben,03/03/2014,\n"                # another Ben Baker
                 + ",,Carter,Cal,04/04/2013,\n", existing)    # two undated records
    amy, ben, other_ben, cal = plan.rows
    assert (amy.outcome, amy.child_id) == (Outcome.UPDATED, 1)
    assert amy.result is not None and amy.result.upn == "L936211225001"
    assert ben.outcome is Outcome.CONFLICT and ben.candidates == (2,)
    assert other_ben.outcome is Outcome.NEW
    assert cal.outcome is Outcome.CONFLICT and cal.candidates == (3, 4)


def test_a_permanent_upn_replaces_a_temporary_one() -> None:
    temporary = upn_check_letter("93621122500A") + "93621122500A"
    assert upn_problem(temporary) is None
    existing = [_child(1, "Amy", "Able", date(2013, 1, 1), upn=temporary, adno="1001"),
                _child(2, "Ben", "Baker", date(2013, 2, 2), upn=temporary[:-1] + "B")]
    plan = _plan(HEAD + "L936211225001,1001,Able,Amy,01/01/2013,\n"  # by admission number
                 + "A936211225002,,Baker,Ben,02/02/2013,\n", existing)  # by name and birth
    amy, ben = plan.rows
    assert (amy.outcome, amy.child_id) == (Outcome.UPDATED, 1)
    assert [(c.before, c.after) for c in amy.changes] == [(temporary, "L936211225001")]
    assert (ben.outcome, ben.child_id) == (Outcome.UPDATED, 2)
    # a different child with that admission number, or a permanent UPN, still conflicts
    plan = _plan(HEAD + "L936211225001,1001,Able,Anna,01/01/2013,\n", existing)
    assert plan.rows[0].outcome is Outcome.CONFLICT
    settled = [_child(1, "Amy", "Able", date(2013, 1, 1), upn="A936211225002", adno="1001")]
    plan = _plan(HEAD + "L936211225001,1001,Able,Amy,01/01/2013,\n", settled)
    assert plan.rows[0].outcome is Outcome.CONFLICT


def test_two_rows_for_one_pupil_conflict() -> None:
    existing = [_child(1, "Amy", "Able", date(2013, 1, 1), adno="1001")]
    plan = _plan(HEAD + ",1001,Able,Amy,01/01/2013,\n,,Able,Amy,01/01/2013,8E\n", existing)
    # neither row is applied: which of the two (reg group 8E or none) is right is a guess
    assert [p.outcome for p in plan.rows] == [Outcome.CONFLICT, Outcome.CONFLICT]
    assert "line 3" in plan.rows[0].conflict and "line 2" in plan.rows[1].conflict
    assert [p.candidates for p in plan.rows] == [(1,), (1,)]
    assert plan.skipped == 2


def test_a_new_pupil_twice_in_the_file_is_not_made_into_two_records() -> None:
    text = (HEAD + ",,Pond,Amy,01/02/2013,8E\n"
            + ",,Pond,Amy,01/02/2013,8E\n"        # the same pupil again
            + ",,Smith,Jo,,7K\n,,Smith,Jo,,7L\n"   # a name twice, no date of birth
            + "L936211225001,,Jones,Sam,03/03/2013,\n"  # two pupils, told apart by UPN
            + "A936211225002,,Jones,Sam,03/03/2013,\n"
            + ",,Pond,Amy,01/02/2014,8E\n")       # another Amy Pond, born a year later
    plan = _plan(text, [])
    assert [p.outcome for p in plan.rows] == [Outcome.CONFLICT] * 4 + [Outcome.NEW] * 3
    assert "line 3" in plan.rows[0].conflict and "line 2" in plan.rows[1].conflict
    assert "same name and no date of birth as line 5" in plan.rows[2].conflict
    assert plan.counts["new"] == 3


def test_a_pupil_on_a_problem_row_is_not_marked_as_left() -> None:
    existing = [_child(1, "Amy", "Pond", date(2013, 2, 1)),
                _child(2, "Rory", "Williams", date(2012, 1, 1))]
    # no UPN or admission number column: Amy's row is unreadable but still names her
    plan = _plan("Forename,Surname,DOB\nAmy,Pond,31/02/2013\n", existing, full_roll=True)
    assert [p.line for p in plan.problems] == [2]
    assert [c.id for c in plan.leavers] == [2]


def test_the_row_limit_counts_pupils_not_headings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(roster_module, "MAX_ROWS", 3)
    pupils = "".join(f"Pupil,Number{n},01/01/2013\n" for n in range(3))
    titled = '"Pupil roll, exported 30/11/2026"\n\nForename,Surname,DOB\n' + pupils
    assert len(read_roster(titled.encode()).rows) == 3
    with pytest.raises(InvalidInput, match="more than 3 pupils"):
        read_roster((titled + "One,Toomany,01/01/2013\n").encode())


def test_full_roll_marks_missing_pupils_as_leavers_and_brings_back_returners() -> None:
    existing = [
        _child(1, "Amy", "Able", date(2013, 1, 1), upn="L936211225001"),
        _child(2, "Ben", "Baker", date(2013, 2, 2)),                       # not in file
        _child(3, "Cal", "Carter", date(2013, 3, 3), left=date(2025, 7, 1)),  # returns
        _child(4, "Dee", "Dale", date(2013, 4, 4), left=date(2025, 7, 1)),    # stays left
        _child(5, "Eve", "Ezra", date(2013, 5, 5), upn="T936211225005"),    # problem row
    ]
    text = (HEAD + "L936211225001,,Able,Amy,01/01/2013,\n,,Carter,Cal,03/03/2013,\n"
            + "T936211225005,,Ezra,Eve,31/02/2013,\n")
    plan = _plan(text, existing, full_roll=True)
    assert [c.id for c in plan.leavers] == [2]  # Eve's row has a problem but names her
    returner = plan.rows[1]
    assert returner.outcome is Outcome.UPDATED and returner.changes[-1].field is None
    assert _plan(text, existing, full_roll=False).leavers == ()


def test_a_merged_record_s_identifiers_find_the_record_kept() -> None:
    existing = [
        _child(1, "Amy", "Able", date(2013, 1, 1), upn="L936211225001"),
        _child(2, "Amy", "Able", date(2013, 1, 1), upn="A936211225002"),
    ]
    plan = _plan(HEAD + "A936211225002,,Able,Amy,01/01/2013,\n", existing, merged={2: 1})
    assert (plan.rows[0].outcome, plan.rows[0].child_id) == (Outcome.UNCHANGED, 1)

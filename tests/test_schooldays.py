"""School days: the shipped bank holidays, term dates read from CSV and iCalendar files,
transfer deadlines across half terms, holidays and bank holidays, and the command line."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cerecorder import paths
from cerecorder.cli.main import run
from cerecorder.domain.errors import InvalidInput, PermissionDenied
from cerecorder.domain.handover import DocumentRenderer
from cerecorder.domain.schooldays import BankHolidays, Period, PeriodKind, SchoolCalendar
from cerecorder.domain.term_dates import read_term_dates
from cerecorder.services import calendar
from cerecorder.services.session import Session
from test_packets import audit_actions

from helpers import DSL_PASS, STAFF_PASS, TAXONOMY, MockClock, add_staff, switch_to

HOLIDAYS = BankHolidays.load(paths.calendar_dir())
TERM, CLOSED = PeriodKind.TERM, PeriodKind.CLOSURE
YEAR = (
    Period(TERM, "Autumn term", date(2026, 9, 2), date(2026, 12, 18)),
    Period(CLOSED, "Half term", date(2026, 10, 26), date(2026, 10, 30)),
    Period(CLOSED, "INSET day", date(2026, 11, 27), date(2026, 11, 27)),
    Period(TERM, "Spring term", date(2027, 1, 4), date(2027, 3, 26)),
    Period(TERM, "Summer term", date(2027, 4, 12), date(2027, 7, 21)),
    Period(CLOSED, "Half term", date(2027, 5, 31), date(2027, 6, 4)),
)


def _easter(year: int) -> date:
    """The Gregorian computus (Meeus), independent of the shipped data."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _by_the_rules(year: int) -> set[date]:
    def monday_on_or_after(day: date) -> date:
        return day + timedelta(days=(7 - day.weekday()) % 7)

    def last_monday(month: int) -> date:
        day = date(year, month + 1, 1) - timedelta(days=1)
        return day - timedelta(days=day.weekday())

    easter = _easter(year)
    days = {easter - timedelta(days=2), easter + timedelta(days=1),
            monday_on_or_after(date(year, 5, 1)), last_monday(5), last_monday(8)}
    new_year = date(year, 1, 1)
    days.add(new_year if new_year.weekday() < 5 else monday_on_or_after(new_year))
    christmas, boxing = date(year, 12, 25), date(year, 12, 26)
    taken: set[date] = set()
    for holiday in (christmas, boxing):
        day = holiday
        while day.weekday() >= 5 or day in taken:
            day += timedelta(days=1)
        taken.add(day)
    return days | taken


def test_the_shipped_bank_holidays_are_england_and_wales_for_2024_to_2030() -> None:
    assert (HOLIDAYS.first_year, HOLIDAYS.last_year) == (2024, 2030)
    assert "gov.uk" in HOLIDAYS.source.casefold()
    for year in range(2024, 2031):
        shipped = {d for d in HOLIDAYS.days if d.year == year}
        assert shipped == _by_the_rules(year), year
    assert date(2026, 12, 28) in HOLIDAYS.days  # Boxing Day 2026 is a Saturday
    assert date(2028, 1, 3) in HOLIDAYS.days    # New Year's Day 2028 is a Saturday


@pytest.fixture
def year() -> SchoolCalendar:
    return SchoolCalendar(YEAR, HOLIDAYS)


@pytest.mark.parametrize(("moved_on", "due"), [
    (date(2026, 10, 22), date(2026, 11, 5)),  # across the half term
    (date(2026, 11, 23), date(2026, 12, 1)),   # over an INSET day and a weekend
    (date(2027, 4, 28), date(2027, 5, 6)),    # over the early May bank holiday
    (date(2026, 12, 18), date(2027, 1, 8)),   # the last day of term: into the new term
    (date(2026, 12, 23), date(2027, 1, 8)),   # in the holiday: the first 5 days of term
    (date(2027, 3, 29), date(2027, 4, 16)),   # Easter Monday, in the holiday
    (date(2027, 5, 29), date(2027, 6, 11)),   # a Saturday before half term
])
def test_transfer_deadlines_count_school_days(year: SchoolCalendar, moved_on: date,
                                              due: date) -> None:
    deadline = year.transfer_deadline(moved_on)
    assert (deadline.due, deadline.estimated) == (due, False)
    assert deadline.describe() == f"due {due:%d/%m/%Y}"


def test_without_term_dates_the_deadline_is_an_estimate_that_says_so() -> None:
    deadline = SchoolCalendar((), HOLIDAYS).transfer_deadline(date(2026, 12, 24))
    # Christmas Day, the Boxing Day substitute and New Year's Day are skipped
    assert deadline.due == date(2027, 1, 5)
    assert deadline.estimated
    assert "term dates are not set" in deadline.describe()


def test_beyond_the_term_dates_the_deadline_is_estimated(year: SchoolCalendar) -> None:
    deadline = year.transfer_deadline(date(2027, 7, 20))
    assert deadline.due == date(2027, 7, 27)  # 21/07 in term, then weekdays
    assert deadline.estimated and "do not reach" in deadline.reason


def test_overlapping_terms_are_refused_with_their_dates() -> None:
    with pytest.raises(InvalidInput, match="overlaps Autumn term ending 18/12/2026"):
        SchoolCalendar((*YEAR, Period(TERM, "Extra", date(2026, 12, 1), date(2027, 1, 2))),
                       HOLIDAYS)
    with pytest.raises(InvalidInput, match="before it starts"):
        Period(TERM, "Backwards", date(2026, 9, 2), date(2026, 9, 1))


CSV = """Term,Start,End,Type
Autumn term,02/09/2026,18/12/2026,Term
Half term,26/10/2026,30/10/2026,Holiday
INSET day,2026-11-27,2026-11-27,INSET
Spring term,04/01/2027,26/03/2027,
"""


def test_a_csv_of_term_dates_is_read() -> None:
    read = read_term_dates(("\ufeff" + CSV).encode("utf-8"))
    assert read.file_format == "CSV" and read.left_out == ()
    assert [(p.kind, p.name, p.first_day, p.last_day) for p in read.periods] == [
        (TERM, "Autumn term", date(2026, 9, 2), date(2026, 12, 18)),
        (CLOSED, "Half term", date(2026, 10, 26), date(2026, 10, 30)),
        (CLOSED, "INSET day", date(2026, 11, 27), date(2026, 11, 27)),
        (TERM, "Spring term", date(2027, 1, 4), date(2027, 3, 26)),
    ]
    semicolons = read_term_dates(b"Name;First day;Last day\nHalf term;26/10/2026;30/10/2026\n")
    assert semicolons.periods[0].kind is CLOSED  # told from its name


@pytest.mark.parametrize(("text", "message"), [
    ("Term,Start\nAutumn,02/09/2026\n", "a first day and a last day column"),
    ("Term,Start,End\nAutumn,02/09/2026,31/02/2027\n", "Line 2: '31/02/2027' is not a date"),
    ("Term,Start,End\nAutumn,18/12/2026,02/09/2026\n", "Line 2: it ends 02/09/2026, before"),
    ("Term,Start,End\nYear,01/09/2026,21/07/2027\n", "Line 2: .* is longer than a term"),
    ("Term,Start,End\nOld,02/09/1926,18/12/1926\n", "not a plausible term date"),
    ("Term,Start,End\n", "no term dates"),
    ("", "empty"),
])
def test_a_bad_csv_is_refused_with_its_line(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        read_term_dates(text.encode("utf-8"))


def _ics(*events: tuple[str, str, str | None]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Somewhere Council//Term dates//EN"]
    for n, (summary, start, end) in enumerate(events):
        lines += ["BEGIN:VEVENT", f"UID:{n}@council.example", "DTSTAMP:20260101T000000Z",
                  f"DTSTART;VALUE=DATE:{start}", *([f"DTEND;VALUE=DATE:{end}"] if end else []),
                  f"SUMMARY:{summary}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def test_a_council_ics_is_read_in_its_several_shapes() -> None:
    read = read_term_dates(_ics(
        ("Autumn term starts", "20260902", "20260903"),
        ("Half term", "20261026", "20261031"),       # DTEND is the day after
        ("Autumn term ends", "20261218", "20261219"),
        ("Spring Term", "20270104", "20270327"),      # one event spanning the term
        ("Parents' evening", "20261112", None),
        ("Summer term starts", "20270412", None),     # no end: listed, not guessed
    ))
    assert read.file_format == "iCalendar"
    assert sorted((p.kind, p.name, p.first_day, p.last_day) for p in read.periods) == sorted([
        (CLOSED, "Half term", date(2026, 10, 26), date(2026, 10, 30)),
        (TERM, "Spring Term", date(2027, 1, 4), date(2027, 3, 26)),
        (TERM, "Autumn term", date(2026, 9, 2), date(2026, 12, 18)),
    ])
    assert read.left_out == (
        "'Parents' evening' on 12/11/2026: not a term or a closure",
        "'Summer term starts' on 12/04/2027: no end of term after it",
    )
    calendar_read = SchoolCalendar(read.periods, HOLIDAYS)
    assert calendar_read.transfer_deadline(date(2026, 10, 22)).due == date(2026, 11, 5)


def test_a_damaged_ics_is_refused_plainly() -> None:
    with pytest.raises(InvalidInput, match="cannot be read"):
        read_term_dates(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:notadate\r\n")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600) | st.text(max_size=300).map(
    lambda t: ("BEGIN:VCALENDAR\r\n" + t).encode("utf-8", "replace")))
def test_no_file_makes_the_reader_fail_other_than_plainly(data: bytes) -> None:
    try:
        read = read_term_dates(data)
    except InvalidInput:
        return
    assert read.periods


def test_term_dates_set_later_replace_only_the_days_they_cover(dsl: Session) -> None:
    first = calendar.set_term_dates(dsl, YEAR[:3], HOLIDAYS)
    assert (first.added, first.replaced, first.kept) == (3, 0, 0)
    moved = Period(TERM, "Autumn term", date(2026, 9, 3), date(2026, 12, 18))
    change = calendar.set_term_dates(dsl, (moved, *YEAR[1:3], *YEAR[3:]), HOLIDAYS)
    assert (change.added, change.replaced, change.kept) == (6, 3, 0)
    later = calendar.set_term_dates(
        dsl, (Period(TERM, "Autumn term", date(2027, 9, 1), date(2027, 12, 17)),), HOLIDAYS)
    assert (later.added, later.replaced, later.kept) == (1, 0, 6)
    kept = calendar.term_dates(dsl)
    assert kept[0] == moved and len(kept) == 7
    assert "7 period" not in later.describe() and "6 kept" in later.describe()
    assert audit_actions(dsl).count("term_dates_set") == 3


def test_a_period_typed_by_hand_is_added_to_the_rest(dsl: Session) -> None:
    calendar.set_term_dates(dsl, YEAR[:1], HOLIDAYS)
    inset = Period(CLOSED, "INSET day", date(2026, 11, 27), date(2026, 11, 27))
    change = calendar.set_term_dates(dsl, (inset,), HOLIDAYS, replace=False)
    assert (change.added, change.replaced, change.kept) == (1, 0, 1)
    assert calendar.term_dates(dsl) == (YEAR[0], inset)
    clash = Period(TERM, "Extra term", date(2026, 12, 1), date(2026, 12, 20))
    with pytest.raises(InvalidInput, match="overlaps Autumn term"):
        calendar.set_term_dates(dsl, (clash,), HOLIDAYS, replace=False)
    assert calendar.remove_term_dates(dsl, (inset,)) == 1
    assert calendar.term_dates(dsl) == (YEAR[0],)
    assert audit_actions(dsl).count("term_dates_removed") == 1


def test_staff_cannot_set_term_dates(dsl: Session) -> None:
    add_staff(dsl)
    teacher = switch_to(dsl, "teacher", STAFF_PASS)
    with pytest.raises(PermissionDenied):
        calendar.set_term_dates(teacher, YEAR, HOLIDAYS)
    with pytest.raises(PermissionDenied):
        calendar.remove_term_dates(teacher, YEAR)
    assert calendar.term_dates(teacher) == ()


def _cli(*argv: object, lines: tuple[str, ...] = (DSL_PASS,),
         documents: DocumentRenderer | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in argv], taxonomy=TAXONOMY, clock=MockClock(),
               bank_holidays=HOLIDAYS, documents=documents,
               stdin=io.StringIO("".join(f"{x}\n" for x in lines)), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_the_command_line_sets_and_lists_term_dates(dsl: Session, vault_dir: Path,
                                                    tmp_path: Path) -> None:
    dsl.lock()
    ics = tmp_path / "council.ics"
    ics.write_bytes(_ics(("Autumn term", "20260902", "20261219"),
                         ("Half term", "20261026", "20261031"), ("Fireworks", "20261105", None)))
    code, out, err = _cli("term-dates", vault_dir, "--import", ics, "--dry-run")
    assert code == 0, err
    assert out.startswith("Would set 2 period(s) from 02/09/2026 to 18/12/2026")
    assert "term\t02/09/2026\t18/12/2026\tAutumn term" in out
    assert "left out: 'Fireworks' on 05/11/2026" in err
    assert _cli("term-dates", vault_dir)[1] == ""  # the dry run wrote nothing
    code, out, _ = _cli("term-dates", vault_dir, "--import", ics, "--deadline", "22/10/2026")
    assert code == 0
    assert "A file transfer for a move on 22/10/2026 is due 05/11/2026." in out
    code, out, _ = _cli("term-dates", vault_dir)
    assert out.splitlines() == ["term\t02/09/2026\t18/12/2026\tAutumn term",
                                "closed\t26/10/2026\t30/10/2026\tHalf term"]
    bad = tmp_path / "bad.csv"
    bad.write_text("Term,Start,End\nAutumn,02/09/2026,31/02/2027\n", encoding="utf-8")
    code, out, err = _cli("term-dates", vault_dir, "--import", bad)
    assert (code, out) == (1, "")
    assert err.strip() == ("cerecorder-admin: Line 2: '31/02/2027' is not a date "
                           "(dd/mm/yyyy)")


def test_the_installed_command_counts_with_the_shipped_bank_holidays(tmp_path: Path) -> None:
    admin = Path(sys.executable).with_name("cerecorder-admin")
    vault = tmp_path / "school"
    made = subprocess.run([admin, "init", vault, "--name", "dsl"], input=f"{DSL_PASS}\n"
                          f"{DSL_PASS}\n", capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stderr
    done = subprocess.run([admin, "term-dates", vault, "--deadline", "24/12/2026"],
                          input=f"{DSL_PASS}\n", capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "is due 05/01/2027 (estimated: the school's term dates are not set" in done.stdout

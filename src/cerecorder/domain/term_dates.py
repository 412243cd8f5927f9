"""Reading a school's term dates from the files schools have: a CSV typed in a spreadsheet
(one period a row: name, first day, last day, and optionally whether it is a term or a
closure) or the iCalendar (.ics) file a local authority publishes.

A local authority's calendar says the same thing in several ways: "Autumn term" as one
event spanning the term, "Autumn term starts" and "Autumn term ends" as two one-day events,
"Half term" or "INSET day" as closures. Whatever is not understood is listed, never
guessed, so the preview shows the DSL what was left out.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.roster import decode
from cerecorder.domain.schooldays import MAX_PERIODS, Period, PeriodKind
from cerecorder.domain.timefmt import uk_date

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_PERIOD_DAYS = 200  # a term is at most about 16 weeks; a whole year is not a term
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y",
                 "%a %d %b %Y", "%A %d %B %Y")
_CLOSED = re.compile(r"half[\s-]*term|holiday|inset|training day|closed|closure|"
                     r"staff (development )?day|non[\s-]*pupil|teacher day|pd day",
                     re.IGNORECASE)
_TERM = re.compile(r"\bterm\b", re.IGNORECASE)
_STARTS = re.compile(r"\b(starts?|begins?|opens?|first day)\b", re.IGNORECASE)
_ENDS = re.compile(r"\b(ends?|finish(es)?|closes?|last day)\b", re.IGNORECASE)
_HEADINGS = {
    "name": ("name", "term", "description", "event", "title", "period"),
    "first": ("start", "starts", "first day", "from", "start date", "date from", "begins"),
    "last": ("end", "ends", "last day", "to", "end date", "date to", "finishes"),
    "kind": ("type", "kind", "term or closure"),
}


@dataclass(frozen=True)
class TermDatesFile:
    file_format: str
    periods: tuple[Period, ...]
    left_out: tuple[str, ...]  # what was not understood, each with its line or date

    @property
    def span(self) -> tuple[date, date]:
        return (min(p.first_day for p in self.periods), max(p.last_day for p in self.periods))


def read_term_dates(data: bytes) -> TermDatesFile:
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(f"The file is {len(data) // 1024} KB: term dates are far smaller. "
                           "Is it the right file?")
    text, _ = decode(data)
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise InvalidInput("This is not a term dates file (it holds binary data): use a CSV "
                           "or an iCalendar (.ics) file.")
    if not text.strip():
        raise InvalidInput("The file is empty.")
    read = _read_ics(text) if text.lstrip().upper().startswith("BEGIN:VCALENDAR") \
        else _read_csv(text)
    if not read.periods:
        raise InvalidInput("The file holds no term dates that could be understood"
                           + (": " + "; ".join(read.left_out[:3]) if read.left_out else "."))
    if len(read.periods) > MAX_PERIODS:
        raise InvalidInput(f"The file holds {len(read.periods)} periods, more than "
                           f"{MAX_PERIODS}: is it the right file?")
    return read


def _period(kind: PeriodKind, name: str, first: date, last: date, where: str) -> Period:
    for day in (first, last):
        if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            raise InvalidInput(f"{where}: {uk_date(day)} is not a plausible term date")
    if last < first:
        raise InvalidInput(f"{where}: it ends {uk_date(last)}, before it starts "
                           f"{uk_date(first)}")
    if (last - first).days > MAX_PERIOD_DAYS:
        raise InvalidInput(f"{where}: {uk_date(first)} to {uk_date(last)} is longer than a "
                           "term; give each term on its own row")
    return Period(kind, " ".join(name.split())[:80], first, last)


def _kind_of(name: str) -> PeriodKind:
    return PeriodKind.CLOSURE if _CLOSED.search(name) else PeriodKind.TERM


def _parse_date(text: str, where: str) -> date:
    value = " ".join(text.replace(",", " ").split())
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise InvalidInput(f"{where}: '{text[:40]}' is not a date (dd/mm/yyyy)")


def _columns(header: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, heading in enumerate(header):
        key = " ".join(heading.casefold().replace("_", " ").split())
        for field, names in _HEADINGS.items():
            if key in names and field not in found:
                found[field] = index
    if "first" not in found or "last" not in found:
        raise InvalidInput("The CSV needs a heading row with a first day and a last day "
                           "column (for example: Term, Start, End).")
    return found


def _read_csv(text: str) -> TermDatesFile:
    try:
        dialect = csv.Sniffer().sniff("\n".join(text.splitlines()[:20]), delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = [(n, [c.strip() for c in cells]) for n, cells in
            enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1)
            if any(c.strip() for c in cells)]
    if not rows:
        raise InvalidInput("The file is empty.")
    columns = _columns(rows[0][1])
    periods: list[Period] = []
    left_out: list[str] = []

    def cell(cells: list[str], field: str) -> str:
        index = columns.get(field)
        return cells[index] if index is not None and index < len(cells) else ""

    for line, cells in rows[1:]:
        where = f"Line {line}"
        name, kind_text = cell(cells, "name"), cell(cells, "kind").casefold()
        if not cell(cells, "first"):
            left_out.append(f"{where}: no first day")
            continue
        first = _parse_date(cell(cells, "first"), where)
        last = _parse_date(cell(cells, "last"), where) if cell(cells, "last") else first
        if not kind_text:
            kind = _kind_of(name)
        elif kind_text == "term":
            kind = PeriodKind.TERM
        elif _CLOSED.search(kind_text):
            kind = PeriodKind.CLOSURE
        else:
            left_out.append(f"{where}: type '{kind_text[:20]}' is neither a term nor a "
                            "closure")
            continue
        periods.append(_period(kind, name, first, last, where))
    return TermDatesFile("CSV", tuple(periods), tuple(left_out))


def _day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise ValueError("not a date")


def _read_ics(text: str) -> TermDatesFile:
    import icalendar  # a quarter of a second to import: only when a calendar is read

    try:
        calendar = icalendar.Calendar.from_ical(text)
    except ValueError as exc:
        raise InvalidInput("The iCalendar file cannot be read: it is damaged or not an "
                           ".ics file.") from exc
    periods: list[Period] = []
    left_out: list[str] = []
    starts: list[tuple[date, str]] = []
    ends: list[tuple[date, str]] = []
    for event in calendar.walk("VEVENT"):
        summary = " ".join(str(event.get("SUMMARY", "")).split())
        try:
            first = _day(event.decoded("DTSTART"))
            end = event.decoded("DTEND") if "DTEND" in event else None
        except (KeyError, ValueError):
            left_out.append(f"'{summary[:40]}': no start date")
            continue
        last = first if end is None else _day(end)
        if end is not None and not isinstance(end, datetime) and last > first:
            last -= timedelta(days=1)  # an all-day event's end is the day after
        where = f"'{summary[:40]}' on {uk_date(first)}"
        if _CLOSED.search(summary):
            periods.append(_period(PeriodKind.CLOSURE, summary, first, last, where))
        elif _TERM.search(summary) and _STARTS.search(summary) and first == last:
            starts.append((first, summary))
        elif _TERM.search(summary) and _ENDS.search(summary) and first == last:
            ends.append((first, summary))
        elif _TERM.search(summary) and last > first:
            periods.append(_period(PeriodKind.TERM, summary, first, last, where))
        else:
            left_out.append(f"{where}: not a term or a closure")
    periods += _paired(sorted(starts), sorted(ends), left_out)
    return TermDatesFile("iCalendar", tuple(periods), tuple(left_out))


def _paired(starts: list[tuple[date, str]], ends: list[tuple[date, str]],
            left_out: list[str]) -> list[Period]:
    """Each "term starts" day with the first "term ends" day after it."""
    periods = []
    pending = list(ends)
    for index, (first, summary) in enumerate(starts):
        following = starts[index + 1][0] if index + 1 < len(starts) else date.max
        match = next((e for e in pending if first <= e[0] < following), None)
        if match is None:
            left_out.append(f"'{summary[:40]}' on {uk_date(first)}: no end of term after it")
            continue
        pending.remove(match)
        name = _STARTS.sub("", summary).strip(" -:") or summary
        periods.append(_period(PeriodKind.TERM, name, first, match[0],
                               f"'{summary[:40]}' on {uk_date(first)}"))
    left_out += [f"'{s[:40]}' on {uk_date(d)}: no start of term before it" for d, s in pending]
    return periods

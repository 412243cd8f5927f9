"""School days: the school's term dates, its closures and the bank holidays of England and
Wales, and the deadlines counted in them.

KCSIE asks for a child protection file to reach the new school within 5 school days of an
in-year move, or within the first 5 school days of the new term when the child moves in a
holiday. A deadline is only as good as the term dates: where the school has not set them
for the days counted, the deadline is estimated from weekdays and bank holidays, and says so.
"""

from __future__ import annotations

import enum
import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.timefmt import uk_date

TRANSFER_SCHOOL_DAYS = 5
BANK_HOLIDAYS_FILE = "bank-holidays-england-and-wales.json"
MAX_PERIODS = 400  # ten years of terms, half terms and INSET days, with room to spare
_LOOKAHEAD_DAYS = 400  # how far to search for the next school day before giving up


class PeriodKind(enum.StrEnum):
    TERM = "term"          # the school is open on its weekdays
    CLOSURE = "closure"    # a half term, an INSET day or a closure inside a term

    @property
    def label(self) -> str:
        return "Term" if self is PeriodKind.TERM else "Closed"


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    name: str
    first_day: date
    last_day: date

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise InvalidInput(f"{self.name or self.kind.label}: it ends "
                               f"{uk_date(self.last_day)}, before it starts "
                               f"{uk_date(self.first_day)}")

    def holds(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind.value, "name": self.name,
                "first_day": self.first_day.isoformat(), "last_day": self.last_day.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Period:
        return cls(PeriodKind(data["kind"]), data["name"], date.fromisoformat(data["first_day"]),
                   date.fromisoformat(data["last_day"]))


@dataclass(frozen=True)
class BankHolidays:
    days: frozenset[date]
    first_year: int
    last_year: int
    source: str

    @classmethod
    def load(cls, folder: Path) -> BankHolidays:
        data = json.loads((folder / BANK_HOLIDAYS_FILE).read_text(encoding="utf-8"))
        return cls(frozenset(date.fromisoformat(e["date"]) for e in data["events"]),
                   int(data["first_year"]), int(data["last_year"]), str(data["source"]))

    def known(self, day: date) -> bool:
        return self.first_year <= day.year <= self.last_year


#: where the shipped bank holidays are not to hand: every deadline is then estimated
NO_BANK_HOLIDAYS = BankHolidays(frozenset(), 0, -1, "none")


@dataclass(frozen=True)
class Deadline:
    due: date
    estimated: bool
    reason: str

    def describe(self) -> str:
        text = f"due {uk_date(self.due)}"
        return f"{text} (estimated: {self.reason})" if self.estimated else text


class SchoolCalendar:
    """The days the school is open: weekdays inside a term, outside its closures, that are
    not bank holidays."""

    def __init__(self, periods: Iterable[Period], bank_holidays: BankHolidays) -> None:
        self.periods = tuple(sorted(periods, key=lambda p: (p.first_day, p.kind.value)))
        if len(self.periods) > MAX_PERIODS:
            raise InvalidInput(f"{len(self.periods)} term dates is more than {MAX_PERIODS}")
        self.terms = tuple(p for p in self.periods if p.kind is PeriodKind.TERM)
        self.closures = tuple(p for p in self.periods if p.kind is PeriodKind.CLOSURE)
        self.bank_holidays = bank_holidays
        _check_overlaps(self.terms)

    def covers(self, day: date) -> bool:
        """Whether the school's term dates reach this day (from the first term's start to
        the last term's end), so that a day outside every term is a known holiday."""
        return bool(self.terms) and self.terms[0].first_day <= day <= self.terms[-1].last_day

    def in_term(self, day: date) -> bool:
        return any(t.holds(day) for t in self.terms)

    def is_school_day(self, day: date) -> bool:
        return (day.weekday() < 5 and day not in self.bank_holidays.days
                and self.in_term(day) and not any(c.holds(day) for c in self.closures))

    def _open_weekday(self, day: date) -> bool:
        """The estimate where the school's term dates do not reach: a weekday that is not a
        bank holiday."""
        return day.weekday() < 5 and day not in self.bank_holidays.days

    def school_days_after(self, start: date, count: int) -> Deadline:
        """The count-th school day after start (start itself not counted)."""
        return self._count(start + timedelta(days=1), count)

    def _count(self, first: date, count: int) -> Deadline:
        day, found, estimated = first, 0, False
        for _ in range(_LOOKAHEAD_DAYS + count * 7):
            known = self.covers(day)
            estimated |= not known or not self.bank_holidays.known(day)
            if self.is_school_day(day) if known else self._open_weekday(day):
                found += 1
                if found == count:
                    return Deadline(day, estimated, self._why_estimated(estimated))
            day += timedelta(days=1)
        raise InvalidInput(f"no {count} school days found after {uk_date(first)}")

    def _why_estimated(self, estimated: bool) -> str:
        if not estimated:
            return ""
        if not self.terms:
            return "the school's term dates are not set, so weekdays are counted"
        return "the school's term dates do not reach these days, so weekdays are counted"

    def transfer_deadline(self, moved_on: date) -> Deadline:
        """KCSIE: within 5 school days of an in-year move, or within the first 5 school
        days of the new term for a move in a holiday."""
        if not self.covers(moved_on) or self.in_term(moved_on):
            return self.school_days_after(moved_on, TRANSFER_SCHOOL_DAYS)
        return self._count(moved_on, TRANSFER_SCHOOL_DAYS)


def _check_overlaps(terms: Sequence[Period]) -> None:
    for earlier, later in itertools.pairwise(terms):
        if later.first_day <= earlier.last_day:
            raise InvalidInput(f"{later.name or 'A term'} starting {uk_date(later.first_day)} "
                               f"overlaps {earlier.name or 'the term'} ending "
                               f"{uk_date(earlier.last_day)}")


def periods_to_json(periods: Iterable[Period]) -> str:
    return json.dumps([p.to_json() for p in periods], separators=(",", ":"))


def periods_from_json(text: str) -> tuple[Period, ...]:
    return tuple(Period.from_json(item) for item in json.loads(text))

"""What every report shares: its period (dd/mm/yyyy to dd/mm/yyyy, inclusive), small-number
suppression, and the tables a report is made of (services.reports builds the furniture
and audits the export).

Suppression: a count from 1 to 4 is shown as "fewer than 5" (a nought stays 0, since it
names no one). A breakdown shown beside its total would let one suppressed cell be
recovered by subtraction, so where exactly one cell of a breakdown is suppressed, the
next smallest cell of 5 or more is shown as "5 or more" (complementary suppression); the totals
themselves are shown only where they are 5 or more.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.handover import DocumentHeader
from cerecorder.domain.timefmt import parse_uk_date, to_utc_text, uk_date

THRESHOLD = 5
FEWER = "fewer than 5"
#: a count suppressed only so that a suppressed neighbour cannot be worked out
AT_LEAST = "5 or more"
#: the longest period a report covers: five school years
MAX_DAYS = 5 * 366


@dataclass(frozen=True)
class Period:
    """Whole days, start and end included."""

    start: date
    end: date

    @classmethod
    def parse(cls, start: str, end: str) -> Period:
        """From dd/mm/yyyy texts, or InvalidInput saying which is wrong."""
        days = []
        for what, value in (("--from", start), ("--to", end)):
            try:
                days.append(parse_uk_date(value))
            except ValueError as exc:
                raise InvalidInput(f"{what}: {exc}") from exc
        return cls.of(days[0], days[1])

    @classmethod
    def of(cls, start: date, end: date) -> Period:
        if end < start:
            raise InvalidInput("The report's end date is before its start date.")
        if (end - start).days > MAX_DAYS:
            raise InvalidInput("A report covers at most five years.")
        return cls(start, end)

    @property
    def label(self) -> str:
        return f"{uk_date(self.start)} to {uk_date(self.end)}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def earlier(self, count: int) -> list[Period]:
        """The periods of the same length before this one, oldest first (for trends)."""
        found, end = [], self.start - timedelta(days=1)
        for _ in range(count):
            start = end - timedelta(days=self.days - 1)
            found.append(Period(start, end))
            end = start - timedelta(days=1)
        return found[::-1]

    def bounds_utc(self, tz: str) -> tuple[str, str]:
        """The period as UTC texts comparable with stored times (start inclusive, end
        exclusive), the days taken in the school's zone."""
        zone = ZoneInfo(tz)
        first = datetime.combine(self.start, time(), zone).astimezone(UTC)
        after = datetime.combine(self.end + timedelta(days=1), time(), zone).astimezone(
            UTC)
        return to_utc_text(first), to_utc_text(after)


def shown(count: int) -> str:
    """One count as printed: 0, 'fewer than 5' or the number."""
    return FEWER if 0 < count < THRESHOLD else str(count)


def suppressed(counts: Mapping[str, int]) -> dict[str, str]:
    """A breakdown's cells as printed, with complementary suppression (module docstring)."""
    out = {key: shown(value) for key, value in counts.items()}
    hidden = [k for k, v in counts.items() if 0 < v < THRESHOLD]
    if len(hidden) == 1:
        others = sorted((v, k) for k, v in counts.items() if v >= THRESHOLD)
        if others:
            out[others[0][1]] = AT_LEAST
    return out


@dataclass(frozen=True)
class Breakdown:
    """One table: raw counts by label (kept for the tests and the chart's scale); what is
    shown comes through suppression."""

    title: str
    unit: str
    counts: dict[str, int]
    total: int
    #: the rows do not partition the total (a concern has several categories, a child
    #: several statuses), so no cell can be recovered from it by subtraction
    overlapping: bool = False

    @property
    def cells(self) -> dict[str, str]:
        if self.overlapping:
            return {k: shown(v) for k, v in self.counts.items()}
        return suppressed(self.counts)

    @property
    def total_shown(self) -> str:
        return shown(self.total)


@dataclass(frozen=True)
class Trend:
    periods: tuple[Period, ...]  # oldest first, this one last
    totals: tuple[int, ...]
    by_category: dict[str, tuple[int, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class GovernorsReport:
    header: DocumentHeader
    period: Period
    concerns: int
    children: int
    breakdowns: tuple[Breakdown, ...]
    trend: Trend

    def breakdown(self, title: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.title == title)


# -- the Ofsted inspection pack ----------------------------------------------------------


@dataclass(frozen=True)
class DslReferral:
    """A concern staff referred to the DSL in the period, and what came of it."""

    concern_id: int
    occurred: str  # dd/mm/yyyy HH:MM, the school's time
    children: str  # names, comma-separated
    categories: str  # labels, separated by "; " (a label may hold a comma)
    decision: str  # the DSL's latest triage decision, or that it awaits triage
    to_local_authority: bool
    outcome: str  # the latest outcome recorded, with its date, or that none is yet


@dataclass(frozen=True)
class LaReferral:
    """A referral to MASH or children's social care made in the period."""

    action_id: int
    concern_id: int | None
    taken: str
    child: str
    kind: str
    detail: str
    outcome: str


@dataclass(frozen=True)
class PlanLine:
    """A child with a plan (child protection, child in need, early help) during the
    period, from the child's dated statuses."""

    child: str
    year_group: str
    plan: str
    started: str
    ended: str  # dd/mm/yyyy, or "ongoing"


@dataclass(frozen=True)
class MissingLine:
    """A child with a concern of the category children missing education in the period."""

    child: str
    year_group: str
    concerns: int
    latest: str  # the latest such concern's date


@dataclass(frozen=True)
class OfstedPack:
    header: DocumentHeader
    period: Period
    referrals: tuple[DslReferral, ...]
    local_authority: tuple[LaReferral, ...]
    plans: tuple[PlanLine, ...]
    missing_education: tuple[MissingLine, ...]

    @property
    def summary(self) -> str:
        """How many of each list, in a line (the window's and the PDF's summary)."""
        def many(count: int, one: str, more: str) -> str:
            return f"{count} {one if count == 1 else more}"

        return ", ".join((
            many(len(self.referrals), "referral to the DSL", "referrals to the DSL"),
            f"{len(self.local_authority)} referred to the local authority",
            many(len({p.child for p in self.plans}), "child with a plan",
                 "children with a plan"),
            many(len(self.missing_education), "child missing education",
                 "children missing education")))

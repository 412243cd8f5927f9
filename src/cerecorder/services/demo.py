"""Demo vaults: the safeguarding records of a fictional secondary school, for training,
screenshots and benchmarks. Every person in them is made up.

Deterministic: everything is drawn from ``random.Random(seed)`` and dated back from a
fixed anchor (1 September 2026), so one seed always gives the same pupils, concerns and
wording. The clock stamps only what happened in this vault: when staff, children and
their links were imported (``created_at``) and the audit trail.

Records go in through the unit of work's connection in batches rather than one service
call each (the decade size has 150,000 concerns), but the schema's triggers still hold:
a concern is inserted as a draft, given its children and indicators, then submitted.
The audit trail gets one ``demo_batch_created`` event per batch, with counts and id
ranges (never content), so the hash chain stays whole.

UPNs follow the DfE layout (check letter, LA number, establishment number, year of
allocation, serial) with the DfE check letter; the numbers behind them are invented.
Term dates are approximate: fixed holidays, no bank holidays.
"""

from __future__ import annotations

import bisect
import itertools
import json
import random
import shutil
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType

from cerecorder.crypto.keyslots import KdfParams
from cerecorder.domain.model import EventKind, Role, TriageDecision
from cerecorder.domain.roster import upn_check_letter
from cerecorder.domain.taxonomy import Taxonomy, TaxonomyLibrary
from cerecorder.domain.timefmt import to_utc_text, zone
from cerecorder.services import (
    audit,
    demo_cme,
    demo_evidence,
    demo_file_life,
    demo_story,
    users,
)
from cerecorder.services.clock import Clock
from cerecorder.services.demo_people import (
    BACKGROUND_WEIGHTS,
    BACKGROUNDS,
    FORM_LETTERS,
    HOME_LA,
    OTHER_LAS,
    PREFERRED,
    STAFF_SURNAMES,
    STAFF_TITLES,
)
from cerecorder.services.demo_wording import (
    ACTIONS_TAKEN,
    ADDENDA,
    ADULTS,
    CARERS,
    DECISION_WEIGHTS,
    DECISIONS,
    EVENTS,
    EXTRA_FACTS,
    FOLLOW_UP,
    GENERAL_LOCATIONS,
    GENERIC_OPINIONS,
    GENERIC_WORDS,
    HANDLES,
    INFORMED,
    ITEMS,
    LOOKED_AFTER_CARERS,
    NICKNAMES,
    PLACES,
    RATIONALES,
    STANDALONE_OUTCOMES,
    SUBJECTS,
    THEMES,
    TOWNS,
    URGENCIES,
    VEHICLES,
    WEEKDAYS,
    Scenario,
)
from cerecorder.services.handover import SCHOOL_KEY
from cerecorder.services.session import Session, create
from cerecorder.storage.connection import Connection, db_errors_explained

ANCHOR = date(2026, 9, 1)
TZ = "Europe/London"
DEMO_USER = "demo"
DEMO_SCHOOL = "Eastcombe Academy (fictional, demo)"
BATCH = 2_000

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoSize:
    """How big the demo school is.

    ``long_chronologies`` are the chronology lengths (entries) given to the children with
    the longest records, longest first; benchmarks open the first.
    """

    description: str
    years: int
    roll: int
    leavers: int
    concerns: int
    share_with_concerns: float
    long_chronologies: tuple[int, ...]
    former_staff: int


#: "tiny" exists for the tests: it builds in about a second.
SIZES: Mapping[str, DemoSize] = MappingProxyType({
    "school": DemoSize(
        "a 1,500-pupil secondary school over its last three school years, with its leavers",
        years=3, roll=1_500, leavers=850, concerns=4_000, share_with_concerns=0.3,
        long_chronologies=(500, 300, 220, 160, 120), former_staff=8,
    ),
    "decade": DemoSize(
        "ten years of a 1,500-pupil school: 15,000 pupils and 150,000 concerns",
        years=10, roll=1_500, leavers=13_500, concerns=150_000, share_with_concerns=0.75,
        long_chronologies=(560, 520, 480, 420, 380, 340, 300, 260), former_staff=30,
    ),
    "tiny": DemoSize(
        "a small school over two years, for tests",
        years=2, roll=140, leavers=40, concerns=300, share_with_concerns=0.35,
        long_chronologies=(80,), former_staff=3,
    ),
})


@dataclass(frozen=True)
class DemoSummary:
    children: int
    concerns: int
    addenda: int
    decisions: int
    actions: int
    outcomes: int
    events: int


# -- the school calendar --------------------------------------------------------------

def _school_year(day: date) -> int:
    """The year a school year starts in: 2025 for 2025/26."""
    return day.year if day.month >= 9 else day.year - 1


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=-day.weekday() % 7)


def _is_holiday(day: date) -> bool:
    """Approximate English term dates: half terms, Christmas, Easter and summer."""
    m, d = day.month, day.day
    if (m == 7 and d > 21) or m == 8 or (m == 9 and d < 3) or (m == 12 and d > 19):
        return True
    if (m == 1 and d < 4) or (m == 4 and d < 15):
        return True
    for start in (date(day.year, 10, 24), date(day.year, 2, 12), date(day.year, 5, 25)):
        monday = _monday_on_or_after(start)
        if monday <= day < monday + timedelta(days=5):
            return True
    return False


def _school_days(start: date, end: date) -> list[date]:
    days = (start + timedelta(days=n) for n in range((end - start).days))
    return [d for d in days if d.weekday() < 5 and not _is_holiday(d)]


def _utc(day: date, minutes: int) -> datetime:
    """A local (UK) time of day on a date, as an aware UTC datetime."""
    local = datetime(day.year, day.month, day.day, tzinfo=zone(TZ)) + timedelta(minutes=minutes)
    return local.astimezone(UTC)


# -- people ---------------------------------------------------------------------------

@dataclass(eq=False)
class _Pupil:
    forenames: str
    surname: str
    gender: str
    born: date
    year_group: int  # at the anchor, or when they left
    form: str
    joined: date
    left_on: date | None
    background: int
    family: str
    upn: str = ""
    admission: str = ""
    preferred_forenames: str = ""
    preferred_surname: str = ""
    flags: dict[str, bool] = field(default_factory=dict)
    id: int = 0
    window: tuple[int, int] = (0, 0)  # school days on roll in the period, [lo, hi)
    concerns: int = 0
    theme: str = "general"
    target: int = 0  # chronology length to reach, for the children picked to have long ones
    crisis: tuple[int, int] | None = None
    associates: list[_Pupil] = field(default_factory=list)
    entries: int = 0

    @property
    def name(self) -> str:
        return self.preferred_forenames or self.forenames.split(" ")[0]

    def year_on(self, day: date) -> int:
        reference = self.left_on or ANCHOR
        return self.year_group - (_school_year(reference) - _school_year(day))


@dataclass(frozen=True)
class _Staff:
    id: int
    role: Role
    start: date
    end: date
    weight: float


_FLAG_RATES = {"send": 0.13, "looked_after": 0.012, "child_in_need": 0.03, "cp_plan": 0.008}
_HIGH_RISK_FLAG_RATES = {
    "send": 0.3, "looked_after": 0.2, "child_in_need": 0.35, "cp_plan": 0.15,
}
_FLAG_COLUMNS = ("looked_after", "send", "cp_plan", "child_in_need", "ehcp")


class _Builder:
    """Draws the school and writes it. One instance per demo vault."""

    def __init__(
        self, session: Session, size: DemoSize, rng: random.Random, progress: Progress
    ) -> None:
        self.s = session
        self.size = size
        self.rng = rng
        self.progress = progress
        self.taxonomy: Taxonomy = session.taxonomy.current
        self.codes = {i.code for i in self.taxonomy.items}
        self.start = ANCHOR.replace(year=ANCHOR.year - size.years)
        self.days = _school_days(self.start, ANCHOR)
        self.now = to_utc_text(session.clock.now())
        self.end = _utc(ANCHOR, 0)
        self.counts: dict[str, int] = dict.fromkeys(
            ("children", "concerns", "addenda", "decisions", "actions", "outcomes", "events"),
            0,
        )
        self.staff: list[_Staff] = []
        self.pupils: list[_Pupil] = []
        self.siblings: list[tuple[_Pupil, _Pupil]] = []
        self.in_story: set[int] = set()  # the storyline's pupils, by id
        self.used_upns: set[str] = set()
        self.admissions: dict[int, int] = {}
        self.strategy_meetings: list[tuple[_Pupil, datetime]] = []

    # -- staff -------------------------------------------------------------------------

    def add_staff(self, logins: Sequence[int]) -> None:
        """The DSL and two teachers can log in; former staff (removed, no key slot) wrote
        older records. In the longer sizes a former DSL did the triage until four years
        before the anchor."""
        rng = self.rng
        dsl_from = max(self.start, ANCHOR.replace(year=ANCHOR.year - 4))
        recent = ANCHOR.replace(year=ANCHOR.year - min(3, self.size.years))
        demo_id, *teachers = logins
        self.staff.append(_Staff(demo_id, Role.DSL, dsl_from, ANCHOR, 0.4))
        self.staff += [_Staff(t, Role.STAFF, recent, ANCHOR, 1.5) for t in teachers]
        rows = []
        next_id = self._next_id("users")
        surnames = rng.sample(STAFF_SURNAMES, self.size.former_staff)
        if dsl_from > self.start:
            rows.append((next_id, "h.whitcombe", "Mrs H. Whitcombe", Role.DSL, self.start,
                         dsl_from))
            next_id += 1
        for n, surname in enumerate(surnames):
            first_year = rng.randrange(self.start.year - 3, ANCHOR.year)
            last_year = max(first_year + rng.randint(1, 6), self.start.year + 1)
            begin, end = date(first_year, 9, 1), date(min(last_year, ANCHOR.year), 7, 21)
            title = rng.choice(STAFF_TITLES)
            initial = rng.choice("ABCDEFGHJKLMNPRSTW")
            rows.append((next_id + n, f"{initial.lower()}.{surname.lower()}",
                         f"{title} {initial}. {surname}", Role.STAFF, begin, end))
        with self.s.uow() as uow:
            _insert(uow.conn, "users", "id, name, display_name, role, created_at, removed_at",
                    [(i, name, shown, role.value, self.now, to_utc_text(_utc(end, 17 * 60)))
                     for i, name, shown, role, _begin, end in rows])
            audit.record(uow, self.s.clock, self.s.user, "demo_batch_created", "user",
                         f"{rows[0][0]}-{rows[-1][0]}" if rows else "", former_staff=len(rows))
            uow.commit()
        for i, _name, _shown, role, begin, end in rows:
            self.staff.append(_Staff(i, role, begin, end, 1.0))

    def _next_id(self, table: str) -> int:
        with self.s.uow() as uow, db_errors_explained():
            return int(uow.conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
                       .fetchone()[0])

    def _author(self, day: date) -> _Staff:
        active = [s for s in self.staff if s.start <= day < s.end]
        return self.rng.choices(active, [s.weight for s in active])[0]

    def _dsl(self, day: date) -> int:
        dsls = [s for s in self.staff if s.role is Role.DSL and s.start <= day < s.end]
        return dsls[0].id if dsls else self.staff[0].id

    # -- pupils ------------------------------------------------------------------------

    def add_pupils(self) -> None:
        rng, size = self.rng, self.size
        roll_year = _school_year(ANCHOR)
        for year in range(7, 14):
            share = 1 / 6 if year <= 11 else 1 / 12
            for _ in range(round(size.roll * share)):
                external = year >= 12 and rng.random() < 0.3
                joined = date(roll_year - (year - (12 if external else 7)), 9, 1)
                self._pupil(year, roll_year, joined, None)
        first, last = self.start.year, ANCHOR.year - 1
        # Leavers stay long enough that about `roll` of them are on roll at any time: the
        # decade's 15,000 pupils would otherwise crowd its middle years.
        stay = size.years * 365 * size.roll / size.leavers
        for _ in range(size.leavers):
            left_year = rng.randint(first, last)
            kind = rng.random()
            if kind < 0.45:
                year, left = 11, date(left_year + 1, 7, 21)
            elif kind < 0.7:
                year, left = 13, date(left_year + 1, 7, 21)
            else:
                year = rng.randint(7, 13)
                lo = bisect.bisect_left(self.days, date(left_year, 9, 1))
                hi = bisect.bisect_left(self.days, date(left_year + 1, 8, 1))
                left = self.days[rng.randrange(lo, hi)]
            external = year >= 12 and rng.random() < 0.3
            joined = date(left_year - (year - (12 if external else 7)), 9, 1)
            joined = max(joined, left - timedelta(days=int(stay * rng.uniform(0.5, 1.5))))
            self._pupil(year, left_year, joined, left)
        for p in self.pupils:
            lo = bisect.bisect_left(self.days, max(p.joined, self.start))
            hi = bisect.bisect_left(self.days, p.left_on or ANCHOR)
            p.window = (lo, max(lo, hi))

    def _pupil(self, year: int, school_year: int, joined: date, left: date | None) -> None:
        rng = self.rng
        if rng.random() < 0.1:  # an in-year admission
            joined += timedelta(days=rng.randrange(30, 700))
            if left is not None and joined >= left:
                joined = left - timedelta(days=rng.randrange(20, 120))
        born_from = date(school_year - year - 5, 9, 1)
        born = born_from + timedelta(days=rng.randrange(365))
        gender = rng.choice("FM")
        sibling = self._sibling_of(born)
        if sibling is not None:
            background, family = sibling.background, sibling.family
        else:
            background = rng.choices(range(len(BACKGROUNDS)), BACKGROUND_WEIGHTS)[0]
            family = rng.choice(BACKGROUNDS[background].surnames)
            if rng.random() < 0.03:
                second = rng.choice(BACKGROUNDS[0].surnames)
                family = "|".join(f"{form}-{second}" for form in family.split("|"))
        names = BACKGROUNDS[background if rng.random() < 0.88 else rng.randrange(
            len(BACKGROUNDS))]
        pool = names.girls if gender == "F" else names.boys
        forenames = rng.choice(pool)
        if rng.random() < 0.3:
            middle = rng.choice(pool)
            if middle != forenames:
                forenames += " " + middle
        surname = self._surname(family, gender)
        pupil = _Pupil(forenames, surname, gender, born, year, rng.choice(
            FORM_LETTERS[: 8 if year <= 11 else 4]), joined, left, background, family)
        first = forenames.split(" ")[0]
        if first in PREFERRED and rng.random() < 0.4:
            pupil.preferred_forenames = PREFERRED[first]
        if rng.random() < 0.01:
            pupil.preferred_surname = self._surname(
                rng.choice(BACKGROUNDS[background].surnames), gender)
        pupil.upn = self._upn(born)
        intake = joined.year if joined.month >= 9 else joined.year - 1
        self.admissions[intake] = self.admissions.get(intake, 0) + 1
        pupil.admission = f"{intake % 100:02d}{self.admissions[intake]:04d}"
        pupil.flags = {name: rng.random() < rate for name, rate in _FLAG_RATES.items()}
        pupil.flags["ehcp"] = pupil.flags["send"] and rng.random() < 0.2
        if sibling is not None:
            self.siblings.append((sibling, pupil))
        self.pupils.append(pupil)

    @staticmethod
    def _surname(family: str, gender: str) -> str:
        male, _, female = family.partition("|")
        return female if gender == "F" and female else male

    def _sibling_of(self, born: date) -> _Pupil | None:
        if not self.pupils or self.rng.random() > 0.12:
            return None
        other = self.pupils[self.rng.randrange(len(self.pupils))]
        gap = abs((other.born - born).days)
        return other if 365 <= gap <= 5 * 365 else None

    def _upn(self, born: date) -> str:
        rng = self.rng
        while True:
            la = HOME_LA if rng.random() < 0.8 else rng.choice(OTHER_LAS)
            allocated = (_school_year(born) + 5) % 100  # the reception year
            body = f"{la}{rng.randint(2000, 2999)}{allocated:02d}{rng.randrange(1000):03d}"
            upn = upn_check_letter(body) + body
            if upn not in self.used_upns:
                self.used_upns.add(upn)
                return upn

    # -- who has records -----------------------------------------------------------------

    def assign_records(self) -> None:
        """Decide how many concerns each child has: most none, a long tail, and a few
        children with long chronologies."""
        rng, size = self.rng, self.size
        eligible = [p for p in self.pupils if p.window[1] > p.window[0]]
        longest = max(p.window[1] - p.window[0] for p in eligible)
        settled = [p for p in eligible if p.window[1] - p.window[0] >= 0.75 * longest]
        chosen = rng.sample(settled, len(size.long_chronologies))
        for pupil, target in zip(chosen, size.long_chronologies, strict=True):
            pupil.target = target
            pupil.concerns = max(1, target * 2 // 7)  # each brings a decision, actions, ...
            pupil.theme = rng.choice(("cce", "cce", "cse", "both"))
        remaining = size.concerns - sum(p.concerns for p in chosen)
        involved, weights = [], []
        for p in eligible:
            if p.target:
                continue
            span = (p.window[1] - p.window[0]) / longest
            chance = size.share_with_concerns * (0.5 + 0.5 * span)
            if any(p.flags.values()):
                chance = min(0.9, chance * 2)
            if rng.random() < chance:
                involved.append(p)
                weights.append(rng.lognormvariate(0, 1.4) * span)
        involved = involved[:remaining]
        weights = weights[: len(involved)]
        cap = max(3, chosen[0].concerns // 2)
        scale = (remaining - len(involved)) / sum(weights)
        counts = [min(cap, 1 + int(w * scale)) for w in weights]
        short = remaining - sum(counts)
        while short > 0:
            n = rng.randrange(len(counts))
            if counts[n] < cap:
                counts[n] += 1
                short -= 1
        for p, count in zip(involved, counts, strict=True):
            p.concerns = count
            themes = (("general", 85), ("cce", 8), ("cse", 7)) if count <= 5 else (
                (("general", 50), ("cce", 25), ("cse", 15), ("both", 10)) if count < 20
                else (("general", 30), ("cce", 30), ("cse", 20), ("both", 20)))
            p.theme = rng.choices([t for t, _ in themes], [w for _, w in themes])[0]
        for p in (*chosen, *involved):
            if p.concerns >= 20 or p.target:
                for name, rate in _HIGH_RISK_FLAG_RATES.items():
                    p.flags[name] = p.flags[name] or rng.random() < rate
            if p.concerns >= 12:
                lo, hi = p.window
                width = max(60, (hi - lo) // 3)
                begin = rng.randint(lo, max(lo, hi - width))
                p.crisis = (begin, min(hi, begin + width))
        self._group_associates([p for p in (*chosen, *involved)
                                if p.theme != "general" and p.concerns >= 4])

    def _group_associates(self, candidates: list[_Pupil]) -> None:
        """Friendship groups among children at risk of exploitation, of similar age and
        on roll at the same time."""
        rng = self.rng
        candidates.sort(key=lambda p: (p.born, p.joined))
        n = 0
        while n < len(candidates):
            group = candidates[n : n + rng.randint(2, 5)]
            n += len(group) + (1 if rng.random() < 0.4 else 0)
            for a, b in itertools.combinations(group, 2):
                if a.window[0] < b.window[1] and b.window[0] < a.window[1]:
                    a.associates.append(b)
                    b.associates.append(a)

    # -- writing children ------------------------------------------------------------------

    def write_pupils(self) -> None:
        base = self._next_id("children")
        for n, p in enumerate(self.pupils):
            p.id = base + n
        creator = self.s.user.id
        for start in range(0, len(self.pupils), 5 * BATCH):
            chunk = self.pupils[start : start + 5 * BATCH]
            rows = [
                (p.id, p.forenames, p.surname, p.preferred_forenames, p.preferred_surname,
                 p.born.isoformat(), p.upn, p.admission, str(p.year_group),
                 f"{p.year_group}{p.form}", p.gender,
                 *(int(p.flags[f]) for f in _FLAG_COLUMNS),
                 None if p.left_on is None else p.left_on.isoformat(), self.now, creator)
                for p in chunk
            ]
            with self.s.uow() as uow:
                _insert(uow.conn, "children",
                        "id, legal_forenames, legal_surname, preferred_forenames, "
                        "preferred_surname, date_of_birth, upn, admission_number, year_group, "
                        f"reg_group, gender, {', '.join(_FLAG_COLUMNS)}, left_on, created_at, "
                        "created_by", rows)
                audit.record(uow, self.s.clock, self.s.user, "demo_batch_created", "child",
                             f"{chunk[0].id}-{chunk[-1].id}", children=len(chunk))
                uow.commit()
        self.counts["children"] = len(self.pupils)
        links = {(min(a.id, b.id), max(a.id, b.id), "sibling", "Same household")
                 for a, b in self.siblings}
        links |= {(min(a.id, b.id), max(a.id, b.id), "associate",
                   "Named together in concerns; same friendship group")
                  for a in self.pupils for b in a.associates}
        with self.s.uow() as uow:
            _insert(uow.conn, "child_links", "child_a, child_b, kind, note, created_at, created_by",
                    [(*link, self.now, creator) for link in sorted(links)])
            audit.record(uow, self.s.clock, self.s.user, "demo_batch_created", "child_link",
                         "", links=len(links))
            uow.commit()

    # -- concerns ----------------------------------------------------------------------------

    def _day_in(self, p: _Pupil) -> int:
        rng = self.rng
        if p.crisis is not None and rng.random() < 0.7:
            return rng.randrange(*p.crisis) if p.crisis[1] > p.crisis[0] else p.crisis[0]
        return rng.randrange(*p.window)

    def plan_concerns(self) -> list[tuple[int, int, _Pupil, float]]:
        """(school day, tie-break, child, how far through the child's record), by day."""
        plans: list[tuple[int, int, _Pupil, float]] = []
        for p in self.pupils:
            days = sorted(self._day_in(p) for _ in range(p.concerns))
            last = max(1, len(days) - 1)
            plans += [(day, len(plans), p, n / last) for n, day in enumerate(days)]
        plans.sort(key=lambda plan: (plan[0], plan[1]))
        return plans

    def write_concerns(self) -> None:
        plans = self.plan_concerns()
        total = len(plans)
        concern_id = self._next_id("concerns")
        action_id = self._next_id("actions")
        self.progress(0, total)
        for start in range(0, total, BATCH):
            batch = _Batch()
            first_id = concern_id
            for day, _tie, pupil, progress in plans[start : start + BATCH]:
                action_id = self._concern(batch, concern_id, action_id, day, pupil, progress)
                concern_id += 1
            batch.write(self.s, first_id, concern_id - 1)
            for name, rows in (("concerns", batch.concerns), ("addenda", batch.addenda),
                               ("decisions", batch.triage), ("actions", batch.actions),
                               ("outcomes", batch.outcomes)):
                self.counts[name] += len(rows)
            self.progress(min(total, start + BATCH), total)

    def _fills(self, p: _Pupil, day: date, occurred: datetime) -> dict[str, str]:
        rng = self.rng
        he, him, his = ("she", "her", "her") if p.gender == "F" else ("he", "him", "his")
        year = max(7, min(13, p.year_on(day)))
        if p.associates and rng.random() < 0.5:
            friend = rng.choice(p.associates).name
        else:
            background = rng.choices(BACKGROUNDS, BACKGROUND_WEIGHTS)[0]
            friend = rng.choice(background.girls + background.boys)
        carers = LOOKED_AFTER_CARERS if p.flags["looked_after"] else CARERS
        subject = rng.choice(SUBJECTS)
        toilets = rng.choice((f"Year {year} toilets", "science block toilets",
                              "toilets by the library"))
        local = occurred.astimezone(zone(TZ))
        fills = {
            "name": p.name, "he": he, "He": he.capitalize(), "him": him, "his": his,
            "His": his.capitalize(), "year": str(year), "reg": f"{year}{p.form}",
            "younger": str(max(7, year - 2)), "subject": subject,
            "Subject": subject[0].upper() + subject[1:], "toilets": toilets,
            "Toilets": toilets[0].upper() + toilets[1:], "friend": friend,
            "vehicle": rng.choice(VEHICLES), "adult": rng.choice(ADULTS),
            "place": rng.choice(PLACES), "town": rng.choice(TOWNS),
            "item": rng.choice(ITEMS), "amount": str(rng.choice((120, 200, 300, 450, 800))),
            "older": str(rng.randint(18, 25)), "nickname": rng.choice(NICKNAMES),
            "handle": rng.choice(HANDLES), "sessions": str(rng.randint(4, 12)),
            "time": f"{local:%H:%M}", "weekday": WEEKDAYS[local.weekday()],
        }
        carer = rng.choice(carers).format_map(fills)
        fills["carer"], fills["Carer"] = carer, carer[0].upper() + carer[1:]
        return fills

    def _scenario(self, p: _Pupil, progress: float) -> Scenario:
        rng = self.rng
        chance = 0.06 if p.theme == "general" else 0.1 + 0.45 * progress
        if rng.random() >= chance:
            return rng.choice(THEMES["general"])
        theme = rng.choice(("cce", "cse")) if p.theme in ("both", "general") else p.theme
        return rng.choice(THEMES[theme])

    def _codes(self, scenario: Scenario, p: _Pupil) -> list[str]:
        rng = self.rng
        known = [c for c in scenario.codes if c in self.codes]
        picked = rng.sample(known, rng.randint(1, len(known))) if known else []
        if rng.random() < 0.15:
            picked.append(rng.choice(self.taxonomy.of_kind("indicator")).code)
        if rng.random() < 0.1:
            known = [c for flag, c in (("looked_after", "VULN-19"), ("send", "VULN-03"))
                     if p.flags[flag] and c in self.codes]
            picked.append(known[0] if known else
                          rng.choice(self.taxonomy.of_kind("vulnerability")).code)
        if not picked and not scenario.other:
            picked.append(rng.choice(self.taxonomy.of_kind("indicator")).code)
        return sorted(set(picked))

    def _concern(
        self, batch: _Batch, concern_id: int, action_id: int, day_index: int, p: _Pupil,
        progress: float,
    ) -> int:
        """Draw one concern and what followed it; returns the next free action id."""
        rng = self.rng
        day = self.days[day_index]
        scenario = self._scenario(p, progress)
        if scenario.evening:
            occurred = _utc(day - timedelta(days=1), rng.randint(17 * 60, 23 * 60 + 30))
            created = _utc(day, rng.randint(8 * 60 + 10, 10 * 60 + 30))
        else:
            occurred = _utc(day, rng.randint(8 * 60 + 15, 15 * 60 + 40))
            created = occurred + timedelta(minutes=rng.randint(5, 150))
        submitted = created + timedelta(minutes=rng.randint(3, 25))
        fills = self._fills(p, day, occurred)
        children = [p]
        if p.associates and rng.random() < (0.03 if scenario.theme == "general" else 0.12):
            with_them = [a for a in p.associates if a.window[0] <= day_index < a.window[1]]
            children += rng.sample(with_them, min(len(with_them), rng.randint(1, 2)))
        facts = rng.choice(scenario.facts)
        if len(children) > 1:
            facts += " " + " and ".join(c.name for c in children[1:]) + (
                " was" if len(children) == 2 else " were") + " there too."
        if rng.random() < 0.35:
            facts += " " + rng.choice(EXTRA_FACTS)
        words = ""
        if rng.random() < 0.8:
            pool = scenario.words if scenario.words and rng.random() < 0.85 else GENERIC_WORDS
            words = f'"{rng.choice(pool)}"'
        opinion = ""
        if rng.random() < 0.8:
            opinion = rng.choice(scenario.opinions if rng.random() < 0.75 else GENERIC_OPINIONS)
        location = rng.choice(scenario.locations or GENERAL_LOCATIONS)
        informed = ", ".join(rng.sample(INFORMED, rng.randint(1, 2)))
        urgency = rng.choices(URGENCIES, scenario.urgency)[0]
        author = self._author(day)
        codes = self._codes(scenario, p)
        batch.concerns.append((
            concern_id, str(uuid.UUID(int=rng.getrandbits(128), version=4)), "draft", author.id,
            to_utc_text(created), TZ, to_utc_text(submitted), to_utc_text(occurred),
            location.format_map(fills), facts.format_map(fills), words.format_map(fills),
            opinion.format_map(fills), scenario.other,
            rng.choice(ACTIONS_TAKEN).format_map(fills), informed.format_map(fills),
            urgency.value, self.taxonomy.version,
        ))
        batch.children += [(concern_id, c.id, n) for n, c in enumerate(children)]
        batch.codes += [(concern_id, code) for code in codes]
        batch.categories += [(concern_id, kind) for kind in scenario.kinds]
        for c in children:
            c.entries += 1

        for _ in range(rng.choice((0,) * 17 + (1, 1, 2))):
            at = submitted + timedelta(hours=rng.uniform(1, 24 * 20))
            if at < self.end:
                writer = author.id if author.end > at.date() and rng.random() < 0.6 else (
                    self._dsl(at.date()))
                batch.addenda.append((concern_id, writer, to_utc_text(at), TZ,
                                      rng.choice(ADDENDA).format_map(fills)))
                for c in children:
                    c.entries += 1

        decided = submitted + timedelta(minutes=rng.randint(15, 26 * 60))
        recent = day_index >= len(self.days) - 8
        if decided >= self.end or (recent and rng.random() < 0.5):
            return action_id  # still in the DSL's queue
        weights = list(DECISION_WEIGHTS[urgency])
        if scenario.theme != "general":
            weights[0] += 8
        decision = rng.choices(DECISIONS, weights)[0]
        labels = [self.taxonomy.item(c).label.lower() for c in codes[:2]]
        fills["signs"] = "; ".join(labels) or "signs noted in this concern"
        rationale = rng.choice(RATIONALES[decision]).format_map(fills)
        dsl = self._dsl(decided.date())
        batch.triage.append((concern_id, decision.value, rationale, dsl,
                             to_utc_text(decided), TZ))
        for c in children:
            c.entries += 1
        if decision is TriageDecision.REFER_MASH and rng.random() < 0.15:
            self.strategy_meetings.append((p, decided + timedelta(days=rng.randint(2, 10))))
        for kind, detail, outcomes in FOLLOW_UP[decision]:
            if rng.random() > (0.9 if decision.is_referral else 0.3):
                continue
            taken = decided + timedelta(minutes=rng.randint(10, 180))
            if taken >= self.end:
                continue
            for c in children:
                batch.actions.append((
                    action_id, c.id, concern_id, kind.value, detail.format_map(fills),
                    to_utc_text(taken), TZ, dsl,
                    to_utc_text(taken + timedelta(minutes=rng.randint(5, 60))),
                ))
                c.entries += 1
                happened = taken + timedelta(days=rng.uniform(1, 20))
                if outcomes and rng.random() < 0.75 and happened < self.end:
                    batch.outcomes.append((
                        c.id, action_id, concern_id, rng.choice(outcomes).format_map(fills),
                        to_utc_text(happened), TZ, dsl,
                        to_utc_text(happened + timedelta(hours=rng.uniform(1, 48))),
                    ))
                action_id += 1
        if p.concerns >= 12 and rng.random() < 0.03:
            happened = decided + timedelta(days=rng.uniform(20, 60))
            if happened < self.end:
                batch.outcomes.append((
                    p.id, None, concern_id, rng.choice(STANDALONE_OUTCOMES).format_map(fills),
                    to_utc_text(happened), TZ, dsl, to_utc_text(happened),
                ))
                p.entries += 1
        return action_id

    # -- significant events -----------------------------------------------------------------

    def write_events(self) -> None:
        """Missing episodes, return-home interviews, meetings and the like, mostly for the
        children at highest risk; the children picked for long chronologies are topped up
        with them to their target length."""
        rng = self.rng
        events: list[tuple[_Pupil, EventKind, datetime]] = [
            (p, EventKind.STRATEGY_MEETING, at) for p, at in self.strategy_meetings
            if at < self.end
        ]
        for p in self.pupils:
            if p.concerns < 3 or p.theme == "general":
                continue
            for _ in range(int(p.concerns * rng.uniform(0, 0.2))):
                events += self._missing(p)
            for kind, rate in ((EventKind.POLICE_CONTACT, 0.05), (EventKind.HEALTH_CONTACT, 0.02),
                               (EventKind.EXCLUSION, 0.03)):
                events += [(p, kind, self._event_time(p))
                           for _ in range(int(p.concerns * rate * rng.uniform(0.5, 1.5)))]
            if p.flags["cp_plan"]:
                events.append((p, EventKind.CP_CONFERENCE, self._event_time(p)))
        events += [(p, EventKind.REFERRAL, self._event_time(p)) for p in self.pupils if p.target]
        planned: dict[_Pupil, int] = {}
        for p, _kind, _at in events:
            planned[p] = planned.get(p, 0) + 1
        for p in self.pupils:
            while p.target and p.entries + planned.get(p, 0) < p.target:
                extra = self._missing(p) if rng.random() < 0.8 else [
                    (p, EventKind.POLICE_CONTACT, self._event_time(p))]
                events += extra
                planned[p] = planned.get(p, 0) + len(extra)
        events.sort(key=lambda e: (e[2], e[0].id, e[1].value))
        for start in range(0, len(events), BATCH):
            rows = []
            for p, kind, at in events[start : start + BATCH]:
                summaries, outcomes = EVENTS[kind]
                fills = self._fills(p, at.date(), at)
                rows.append((
                    p.id, kind.value, to_utc_text(at), TZ,
                    rng.choice(summaries).format_map(fills),
                    rng.choice(outcomes).format_map(fills), self._dsl(at.date()),
                    to_utc_text(min(self.end, at + timedelta(hours=rng.uniform(2, 48)))),
                ))
                p.entries += 1
            with self.s.uow() as uow:
                _insert(uow.conn, "events", "child_id, kind, occurred_at, tz, summary, outcome, "
                        "recorded_by, recorded_at", rows)
                audit.record(uow, self.s.clock, self.s.user, "demo_batch_created", "event",
                             "", events=len(rows))
                uow.commit()
            self.counts["events"] += len(rows)

    def write_story(self) -> None:
        """The county-lines storyline and its controls (services/demo_story.py), for pupils
        on roll through the spring term of 2026 with nothing else recorded about them."""
        spring = date(2026, 1, 5)
        linked = {id(q) for p in self.pupils for q in p.associates}
        free = [p for p in self.pupils
                if not (p.concerns or p.entries or p.target or p.associates)
                and id(p) not in linked and p.left_on is None and p.joined < spring
                and p.year_group in (10, 11)]
        picked: list[_Pupil] = []
        for gender in demo_story.GENDERS:
            pupil = next(p for p in free if p.gender == gender and p not in picked)
            picked.append(pupil)
        self.in_story = {p.id for p in picked}
        added = demo_story.write_story(
            self.s, [(p.id, p.name) for p in picked],
            author=lambda day: self._author(day).id, dsl=self._dsl)
        for name, n in added.items():
            self.counts[name] += n

    def write_missing_education(self) -> None:
        """Children missing education (services/demo_cme.py), for pupils on roll in Years 9
        and 10 (8 and 9 in 2025/26) with nothing else recorded about them."""
        linked = {id(q) for p in self.pupils for q in p.associates}
        added = demo_cme.write_missing_education(self.s, demo_cme.pick(
            [(p.id, p.name, p.gender, p.joined) for p in self.pupils
             if not (p.concerns or p.entries or p.target or p.associates)
             and id(p) not in linked and p.left_on is None and p.year_group in (9, 10)
             and p.id not in self.in_story]),
            author=lambda day: self._author(day).id, dsl=self._dsl)
        for name, n in added.items():
            self.counts[name] += n

    def write_evidence(self, files: demo_evidence.DemoFiles) -> None:
        """Attachments and body maps (services/demo_evidence.py) for a girl and a boy on
        roll who already have concerns."""
        on_roll = [p for p in self.pupils if p.left_on is None and p.concerns]
        picked = [next(p for p in on_roll if p.gender == g) for g in ("F", "M")
                  if any(p.gender == g for p in on_roll)]
        self.counts["concerns"] += demo_evidence.add_evidence(
            self.s, files, [p.id for p in picked])

    def _event_time(self, p: _Pupil) -> datetime:
        day = self.days[self._day_in(p)]
        return min(_utc(day, self.rng.randint(9 * 60, 22 * 60)), self.end - timedelta(days=3))

    def _missing(self, p: _Pupil) -> list[tuple[_Pupil, EventKind, datetime]]:
        """A missing episode, usually followed by a return-home interview within 72 hours."""
        at = self._event_time(p)
        episode = [(p, EventKind.MISSING_EPISODE, at)]
        if self.rng.random() < 0.8:
            later = at + timedelta(hours=self.rng.uniform(20, 72))
            episode.append((p, EventKind.RETURN_HOME_INTERVIEW, min(later, self.end)))
        return episode


def _insert(conn: Connection, table: str, columns: str, rows: Sequence[Sequence[object]]) -> None:
    """Insert many rows with one statement. With cipher_memory_security on, each statement
    execution costs far more than each row (its statement journal is allocated, locked and
    wiped), so one statement per table per batch is several times faster than executemany."""
    if not rows:
        return
    names = columns.split(", ")
    picks = ", ".join(f"value ->> {n}" for n in range(len(names)))
    with db_errors_explained():
        conn.execute(f"INSERT INTO {table}({columns}) SELECT {picks} FROM json_each(?)",
                     (json.dumps(rows, ensure_ascii=False),))


@dataclass
class _Batch:
    """Rows for one transaction, in the order the triggers need them."""

    concerns: list[tuple[object, ...]] = field(default_factory=list)
    children: list[tuple[int, int, int]] = field(default_factory=list)
    codes: list[tuple[int, str]] = field(default_factory=list)
    categories: list[tuple[int, str]] = field(default_factory=list)
    addenda: list[tuple[object, ...]] = field(default_factory=list)
    triage: list[tuple[object, ...]] = field(default_factory=list)
    actions: list[tuple[object, ...]] = field(default_factory=list)
    outcomes: list[tuple[object, ...]] = field(default_factory=list)

    def write(self, session: Session, first_id: int, last_id: int) -> None:
        """Drafts first (their updated_at is the submission time), then their children and
        indicators, then submission, then what may only follow a submitted concern."""
        with session.uow() as uow:
            _insert(uow.conn, "concerns",
                    "id, uid, status, author_id, created_at, tz, updated_at, occurred_at, "
                    "location, facts, child_words, opinion, indicators_other, action_taken, "
                    "informed, urgency, taxonomy_version", self.concerns)
            _insert(uow.conn, "concern_children", "concern_id, child_id, position",
                    self.children)
            _insert(uow.conn, "concern_indicators", "concern_id, code", self.codes)
            _insert(uow.conn, "concern_categories", "concern_id, code", self.categories)
            with db_errors_explained():
                uow.conn.execute(
                    "UPDATE concerns SET status = 'submitted', submitted_at = updated_at "
                    "WHERE id BETWEEN ? AND ? AND status = 'draft'", (first_id, last_id))
            _insert(uow.conn, "addenda", "concern_id, author_id, created_at, tz, body",
                    self.addenda)
            _insert(uow.conn, "triage", "concern_id, decision, rationale, decided_by, "
                    "decided_at, tz", self.triage)
            _insert(uow.conn, "actions", "id, child_id, concern_id, kind, detail, taken_at, tz, "
                    "recorded_by, recorded_at", self.actions)
            _insert(uow.conn, "outcomes", "child_id, action_id, concern_id, text, occurred_at, "
                    "tz, recorded_by, recorded_at", self.outcomes)
            audit.record(
                uow, session.clock, session.user, "demo_batch_created", "concern",
                f"{first_id}-{last_id}", concerns=len(self.concerns), addenda=len(self.addenda),
                decisions=len(self.triage), actions=len(self.actions),
                outcomes=len(self.outcomes),
            )
            uow.commit()


def create_demo_vault(
    folder: Path, *, passphrase: str, seed: int, size: str, clock: Clock,
    taxonomy: TaxonomyLibrary, progress: Progress | None = None, kdf: KdfParams | None = None,
    evidence: demo_evidence.DemoFiles | None = None,
) -> DemoSummary:
    """Create a new vault at ``folder`` full of fictional records and lock it.

    The user ``demo`` (DSL) and the staff ``teacher1`` and ``teacher2`` all open it with
    ``passphrase``; the recovery key is not kept. A build that fails removes the folder.
    ``evidence`` (made by the composition root) adds attachments and body maps.
    """
    spec = SIZES[size]
    report = progress or (lambda done, total: None)
    session, _recovery_key = create(
        folder, user_name=DEMO_USER, display_name="Demo DSL", role=Role.DSL,
        passphrase=passphrase, clock=clock, taxonomy=taxonomy, kdf=kdf,
    )
    try:
        logins = [session.user.id] + [
            users.add_user(session, name=f"teacher{n}", display_name=f"Demo Teacher {n}",
                           role=Role.STAFF, passphrase=passphrase).id
            for n in (1, 2)
        ]
        with session.uow() as uow:
            uow.meta.set("demo", "1")
            uow.meta.set("demo_seed", str(seed))
            uow.meta.set("demo_size", size)
            uow.meta.set(SCHOOL_KEY, DEMO_SCHOOL)  # exports need one
            uow.commit()
        rng = random.Random(seed)
        builder = _Builder(session, spec, rng, report)
        builder.add_staff(logins)
        builder.add_pupils()
        builder.assign_records()
        builder.write_pupils()
        builder.write_concerns()
        builder.write_events()
        builder.write_story()
        builder.write_missing_education()
        if evidence is not None:
            builder.write_evidence(evidence)
        # the file's life (services/demo_file_life.py): pupils on roll with concerns
        with_files = [p.id for p in builder.pupils if p.concerns and p.left_on is None]
        demo_file_life.write_file_life(session, with_files[:4], with_files[4:7],
                                       with_files[7:10])
    except BaseException:
        session.lock()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    session.lock()
    return DemoSummary(**builder.counts)


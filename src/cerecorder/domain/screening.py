"""Screening instruments and assessments (issue 14, "A screening tool").

An instrument is versioned data (resources/screening/<id>-<version>.json): domains of
questions, the answers each question takes with their scores, each question's weight and
source, and the bands the total falls into. A local authority's own instrument replaces
the default as a file of the same shape. An assessment stores the instrument's id and
version with its answers, and the vault keeps a copy of every instrument it was used
with, so an old assessment always reads with the questions it was made with.

A screening informs the DSL's judgement; nothing here decides anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.timefmt import uk_date

_FILE = re.compile(r"^(?P<id>[a-z0-9][a-z0-9-]*)-(?P<version>\d+)\.json$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
#: the nine domains issue 14 names; an instrument of another shape is refused
DEFAULT_DOMAINS = ("MISSING", "EDUCATION", "SUBSTANCES", "RELATIONSHIPS", "GIFTS", "ONLINE",
                   "HEALTH", "EMOTIONAL", "VULNERABILITIES")
MAX_NOTE = 2_000


@dataclass(frozen=True)
class Answer:
    code: str
    label: str
    score: int


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    weight: int
    source: str
    domain: str
    taxonomy: tuple[str, ...] = ()


@dataclass(frozen=True)
class Domain:
    code: str
    label: str
    description: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    start: int  # the lowest total in this band
    review_days: int  # how soon a screening in this band is due for review, by default


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    title: str
    note: str
    answers: tuple[Answer, ...]
    bands: tuple[Band, ...]
    domains: tuple[Domain, ...]
    #: the JSON the instrument was read from, kept in the vault beside assessments
    text: str = field(default="", compare=False, repr=False)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for d in self.domains for q in d.questions)

    @property
    def name(self) -> str:
        return f"{self.title} (version {self.version})"

    def answer(self, code: str) -> Answer:
        for a in self.answers:
            if a.code == code:
                return a
        raise KeyError(code)

    def band_for(self, total: int) -> Band:
        return [b for b in self.bands if b.start <= total][-1]

    def band(self, code: str) -> Band:
        for b in self.bands:
            if b.code == code:
                return b
        raise KeyError(code)


@dataclass(frozen=True)
class Scores:
    by_domain: Mapping[str, int]
    total: int
    band: Band
    unanswered: int


def score(instrument: Instrument, answers: Mapping[str, str]) -> Scores:
    """Each answer's score times its question's weight, summed per domain and overall; the
    overall total falls into a band. Unanswered questions score nothing and are counted."""
    by_domain: dict[str, int] = {}
    missing = 0
    for domain in instrument.domains:
        total = 0
        for q in domain.questions:
            code = answers.get(q.code)
            if code is None:
                missing += 1
                continue
            total += instrument.answer(code).score * q.weight
        by_domain[domain.code] = total
    overall = sum(by_domain.values())
    return Scores(by_domain, overall, instrument.band_for(overall), missing)


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be text")
    return value.strip()


def _code(value: Any, what: str) -> str:
    code = _text(value, what)
    if not _CODE.match(code):
        raise ValueError(f"{what} {code!r} is not a code (letters, digits, - . _)")
    return code


def _int(value: Any, what: str, least: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < least:
        raise ValueError(f"{what} must be a whole number of at least {least}")
    return value


def parse_instrument(data: Mapping[str, Any], text: str = "") -> Instrument:
    """Build and check an instrument from its JSON form. A broken file fails loudly, with
    the instrument and the item named, before any assessment can be made with it."""
    ident = _code(data.get("id"), "the instrument id")
    version = str(data.get("version", ""))
    if not version.isdigit() or int(version) < 1:
        raise ValueError(f"screening instrument {ident}: the version must be a number")
    where = f"screening instrument {ident} {version}"
    try:
        answers = tuple(Answer(_code(a["code"], "an answer code"),
                               _text(a["label"], "an answer label"),
                               _int(a["score"], "an answer score", 0))
                        for a in data["answers"])
        review = data.get("review_days", {})
        bands = tuple(Band(_code(b["code"], "a band code"), _text(b["label"], "a band label"),
                           _int(b["from"], "a band's start", 0),
                           _int(review.get(b["code"], 91), "a band's review days", 1))
                      for b in data["bands"])
        domains = tuple(
            Domain(_code(d["code"], "a domain code"), _text(d["label"], "a domain label"),
                   str(d.get("description", "")),
                   tuple(Question(_code(q["code"], "a question code"),
                                  _text(q["text"], "a question"),
                                  _int(q.get("weight", 1), "a weight", 1),
                                  _text(q["source"], f"the source of {q.get('code')}"),
                                  str(d["code"]),
                                  tuple(str(c) for c in q.get("taxonomy", ())))
                         for q in d["questions"]))
            for d in data["domains"])
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{where}: a required field is missing or malformed ({exc})") from exc
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from exc
    for what, codes in (("answer", [a.code for a in answers]),
                        ("band", [b.code for b in bands]),
                        ("domain", [d.code for d in domains]),
                        ("question", [q.code for d in domains for q in d.questions])):
        if len(set(codes)) != len(codes):
            raise ValueError(f"{where}: duplicate {what} codes")
    if len(answers) < 2 or not domains or any(not d.questions for d in domains):
        raise ValueError(f"{where}: it needs two answers or more and a question in each domain")
    starts = [b.start for b in bands]
    if not bands or starts[0] != 0 or starts != sorted(set(starts)):
        raise ValueError(f"{where}: bands must start at 0 and rise")
    return Instrument(ident, version, _text(data.get("title"), "the title"),
                      str(data.get("note", "")), answers, bands, domains, text)


def read_instrument(text: str) -> Instrument:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"a screening instrument is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError("a screening instrument must be a JSON object")
    return parse_instrument(data, text)


class ScreeningLibrary:
    """The instruments shipped in a folder; the default is the highest version of the
    instrument named DEFAULT_ID, unless one replaces it (`with_default`)."""

    DEFAULT_ID = "cce-cse-screening"

    def __init__(self, instruments: Iterable[Instrument], default: Instrument | None = None,
                 problem: str = "") -> None:
        self._all = {(i.id, i.version): i for i in instruments}
        shipped = [i for i in self._all.values() if i.id == self.DEFAULT_ID]
        #: a local authority's instrument replaces the default (the policy names it)
        self.replaced = default is not None
        #: why the instrument the policy names cannot be used: no screening until fixed
        self.problem = problem
        self.default = default or (max(shipped, key=lambda i: int(i.version))
                                   if shipped else None)

    @classmethod
    def load(cls, folder: Path) -> ScreeningLibrary:
        if not folder.is_dir():
            return cls([])
        return cls(read_instrument(p.read_text(encoding="utf-8"))
                   for p in sorted(folder.iterdir()) if _FILE.match(p.name))

    def with_default(self, instrument: Instrument) -> ScreeningLibrary:
        """This library with a local authority's instrument in place of the default."""
        return ScreeningLibrary([*self._all.values(), instrument], default=instrument)

    def unusable(self, problem: str) -> ScreeningLibrary:
        """This library when the policy names an instrument that cannot be used."""
        return ScreeningLibrary(self._all.values(), problem=problem)

    def get(self, ident: str, version: str) -> Instrument | None:
        return self._all.get((ident, version))


# -- assessments ---------------------------------------------------------------------------

@dataclass(frozen=True)
class AnswerGiven:
    question: str
    answer: str
    note: str = ""
    #: the concerns (chronology entries) this answer rests on
    cites: tuple[int, ...] = ()


@dataclass(frozen=True)
class Assessment:
    id: int
    child_id: int
    instrument_id: str
    instrument_version: str
    assessed_on: date
    review_on: date
    total: int
    band: str
    band_label: str
    domain_scores: Mapping[str, int]
    answers: tuple[AnswerGiven, ...]
    signed_at: datetime
    tz: str
    signed_by: int

    @property
    def chronology_text(self) -> str:
        """How it reads in the chronology: "Screening: medium, review 01/03/2027"."""
        return f"Screening: {self.band_label.lower()}, review {uk_date(self.review_on)}"


def check_assessment(instrument: Instrument, answers: Iterable[AnswerGiven],
                     assessed_on: date, review_on: date, today: date) -> tuple[AnswerGiven, ...]:
    """An assessment may be signed once every question is answered with one of the
    instrument's answers, dated today or before and reviewed after that."""
    given = tuple(answers)
    codes = {q.code for q in instrument.questions}
    known = {a.code for a in instrument.answers}
    seen = [a.question for a in given]
    if len(set(seen)) != len(seen) or not set(seen) <= codes:
        raise InvalidInput("Each answer must be to one of the instrument's questions, once.")
    if any(a.answer not in known for a in given):
        raise InvalidInput("An answer is not one the instrument offers.")
    left = len(codes - set(seen))
    if left:
        raise InvalidInput(f"{left} question(s) not answered: answer each (Not known is an "
                           "answer) before signing.")
    if any(len(a.note) > MAX_NOTE for a in given):
        raise InvalidInput(f"A note is longer than {MAX_NOTE:,} characters.")
    if assessed_on > today:
        raise InvalidInput(f"The screening date ({uk_date(assessed_on)}) is in the future.")
    if review_on <= assessed_on:
        raise InvalidInput(f"The review date ({uk_date(review_on)}) must come after the "
                           f"screening date ({uk_date(assessed_on)}).")
    if review_on > assessed_on + timedelta(days=366):
        raise InvalidInput("The review date must be within a year of the screening.")
    return given


def default_review(instrument: Instrument, band: Band, assessed_on: date) -> date:
    return assessed_on + timedelta(days=band.review_days)


@dataclass(frozen=True)
class ChartPoint:
    on: date
    total: int
    band_label: str


def chart_points(assessments: Iterable[Assessment]) -> tuple[ChartPoint, ...]:
    """The totals over time, oldest first: what the child window's chart draws."""
    return tuple(ChartPoint(a.assessed_on, a.total, a.band_label)
                 for a in sorted(assessments, key=lambda a: (a.assessed_on, a.id)))


def chart_text(points: Iterable[ChartPoint]) -> str:
    """The chart as text, for screen readers and the tooltip: each dated score."""
    shown = [f"{uk_date(p.on)}: {p.band_label.lower()} ({p.total})" for p in points]
    return ("Screenings: " + "; ".join(shown) + ".") if shown else "No screening yet."

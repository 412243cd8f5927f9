"""The governors' safeguarding report (termly or yearly): how many concerns of each kind,
about which children (year group, sex, SEND, looked after, child protection plan, child in
need), the referrals made and whether their outcomes are in, and the trend against the
periods of the same length before. Counts only, never names; small numbers suppressed as
services.reports says.

A concern of several categories counts once in each, so the category rows may add up to
more than the concerns; the children rows count each child once however many concerns.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from cerecorder.domain.categories import by_indicator, categories
from cerecorder.domain.model import ActionKind
from cerecorder.domain.reports import Breakdown, GovernorsReport, Period, Trend
from cerecorder.services import reports
from cerecorder.services.session import Session
from cerecorder.storage.reports import ChildRow, ConcernRow, ReportRepository

TITLE = "Safeguarding report for governors"
EARLIER = 3  # periods before this one in the trend
NOT_RECORDED = "Not recorded"
STATUS_LABELS = {"send": "SEND", "looked_after": "Looked after",
                 "cp_plan": "Child protection plan", "child_in_need": "Child in need"}


def categories_of(session: Session, repo: ReportRepository, rows: list[ConcernRow],
                   start: str, before: str) -> dict[int, frozenset[str]]:
    """What each concern counts in (domain.categories.counted_categories), worked out
    per version once rather than per concern."""
    chosen = repo.categories(start, before)
    old = [r for r in rows if r.concern_id not in chosen]
    indicators = repo.indicators_of(r.concern_id for r in old) if old else {}
    found = {k: frozenset(v) for k, v in chosen.items()}
    maps = {v: by_indicator(session.taxonomy, v) for v in {r.taxonomy_version for r in old}}
    for r in old:
        codes, none = maps[r.taxonomy_version]
        kinds: frozenset[str] = frozenset().union(
            *(codes.get(c, frozenset()) for c in indicators.get(r.concern_id, ())))
        found[r.concern_id] = kinds or none
    return found


def _in(period: Period, tz: str, rows: list[ConcernRow]) -> list[ConcernRow]:
    start, before = period.bounds_utc(tz)
    return [r for r in rows if start <= r.occurred_at < before]


def _by(children: list[ChildRow], key: str) -> dict[str, int]:
    counted = Counter((getattr(c, key) or NOT_RECORDED) for c in children)
    return dict(sorted(counted.items(), key=lambda kv: (kv[0] == NOT_RECORDED, _order(kv[0]))))


def _order(label: str) -> tuple[int, str]:
    """Year groups in school order (R, 1 ... 13), other labels alphabetically."""
    text = label.casefold().removeprefix("year ").strip()
    if text in ("r", "reception"):
        return (0, "")
    return (int(text), "") if text.isdigit() else (100, label.casefold())


def build(session: Session, period: Period, *, marking: str = "", school: str = ""
          ) -> GovernorsReport:
    """The report for a period (DSL only), with the trend over the periods before it."""
    header = reports.header(session, marking=marking, school=school, title=TITLE)
    spans = [*period.earlier(EARLIER), period]
    start, _ = spans[0].bounds_utc(session.tz)
    _, before = period.bounds_utc(session.tz)
    labels = {c.code: c.label for c in categories(session.taxonomy.current)}
    with session.vault.uow() as uow:
        repo = uow.reports
        rows = repo.concerns(start, before)
        kinds = categories_of(session, repo, rows, start, before)
        this_start, _ = period.bounds_utc(session.tz)
        referrals = repo.referrals(this_start, before)
        roll = repo.children(period.start.isoformat(), period.end.isoformat())
    now = _in(period, session.tz, rows)
    child_ids = sorted({c for r in now for c in r.child_ids})
    kids = [roll[c] for c in child_ids if c in roll]
    trend_rows = [_in(p, session.tz, rows) for p in spans]
    per_period = [Counter(code for r in t for code in kinds[r.concern_id])
                  for t in trend_rows]
    trend = Trend(
        periods=tuple(spans), totals=tuple(len(t) for t in trend_rows),
        by_category={labels[code]: tuple(c.get(code, 0) for c in per_period)
                     for code in labels},
    )
    by_category = per_period[-1]
    referral_kinds = Counter(ActionKind(r.kind).label for r in referrals)
    outcomes = {"Outcome recorded": sum(r.outcome for r in referrals),
                "Awaiting an outcome": sum(not r.outcome for r in referrals)}
    breakdowns = (
        Breakdown("Concerns by category", "concerns",
                  {labels[c]: by_category.get(c, 0) for c in labels}, len(now),
                  overlapping=True),
        Breakdown("Children by year group", "children", _by(kids, "year_group"), len(kids)),
        Breakdown("Children by sex", "children", _by(kids, "sex"), len(kids)),
        Breakdown("Children with a status", "children",
                  {label: sum(kind in k.flags for k in kids)
                   for kind, label in STATUS_LABELS.items()}, len(kids), overlapping=True),
        Breakdown("Referrals made", "referrals",
                  {ActionKind(k).label: referral_kinds.get(ActionKind(k).label, 0)
                   for k in ("referral_mash", "referral_csc", "police")}, len(referrals)),
        Breakdown("Referral outcomes", "referrals", outcomes, len(referrals)),
    )
    return GovernorsReport(header=header, period=period, concerns=len(now),
                           children=len(kids), breakdowns=breakdowns, trend=trend)


def school_year(day: date) -> Period:
    """The school year (1 September to 31 August) a day falls in: the yearly report."""
    first = date(day.year if day.month >= 9 else day.year - 1, 9, 1)
    return Period(first, date(first.year + 1, 8, 31))

"""The Ofsted inspection pack (School inspection handbook: what the school is asked for by
8am on the first day): the referrals staff made to the DSL in the period with what came of
each, those referred on to the local authority (MASH or children's social care), the
children with a plan (child protection, child in need, early help) from their dated
statuses, and the children missing education (the category). DSL only.

Unlike the governors' report it names children: inspectors choose case files from it.
It is marked on every page and audited as an export like any other report.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from cerecorder.domain.categories import categories
from cerecorder.domain.model import ActionKind, TriageDecision
from cerecorder.domain.reports import (
    DslReferral,
    LaReferral,
    MissingLine,
    OfstedPack,
    Period,
    PlanLine,
)
from cerecorder.domain.statuses import StatusKind
from cerecorder.domain.timefmt import from_utc_text, local_date, uk_date, uk_datetime
from cerecorder.services import reports
from cerecorder.services.report_governors import categories_of
from cerecorder.services.session import Session

TITLE = "Safeguarding: Ofsted inspection pack"
MISSING_EDUCATION = "CAT-CME"
AWAITING_TRIAGE = "Awaiting the DSL's decision"
NO_OUTCOME = "No outcome recorded yet"
ONGOING = "ongoing"


def _when(text: str, tz: str) -> str:
    return uk_datetime(from_utc_text(text), tz)


def _day(text: str | None) -> str:
    return ONGOING if text is None else uk_date(date.fromisoformat(text))


def build(session: Session, period: Period, *, marking: str = "", school: str = ""
          ) -> OfstedPack:
    header = reports.header(session, marking=marking, school=school, title=TITLE)
    tz = session.tz
    start, before = period.bounds_utc(tz)
    labels = {c.code: c.label for c in categories(session.taxonomy.current)}
    order = list(labels)
    with session.vault.uow() as uow:
        repo = uow.reports
        rows = sorted(repo.concerns(start, before), key=lambda r: (r.occurred_at, r.concern_id))
        kinds = categories_of(session, repo, rows, start, before)
        decisions = repo.decisions(start, before)
        outcomes = repo.concern_outcomes(start, before)
        la_rows = repo.la_referrals(start, before)
        plan_rows = repo.plans(period.start.isoformat(), period.end.isoformat())
        merged = uow.children.merged_map()
        wanted = ({c for r in rows for c in r.child_ids}
                  | {merged.get(r.child_id, r.child_id) for r in la_rows}
                  | {merged.get(p.child_id, p.child_id) for p in plan_rows})
        kids = {c.id: c for c in uow.children.many(wanted)}

    def name(child_id: int) -> str:
        kept = merged.get(child_id, child_id)
        return kids[kept].display_name if kept in kids else f"#{kept}"

    def year(child_id: int) -> str:
        kept = merged.get(child_id, child_id)
        return kids[kept].details.year_group if kept in kids else ""

    to_la = {r.concern_id for r in la_rows if r.concern_id is not None}
    referrals = []
    missing: dict[int, list[str]] = defaultdict(list)
    # the same few sets of categories and decisions come back concern after concern
    shown: dict[frozenset[str], str] = {}
    decided = {d.value: d.label for d in TriageDecision}
    for r in rows:
        decision = decisions.get(r.concern_id)
        outcome = outcomes.get(r.concern_id)
        kind = kinds[r.concern_id]
        listed = shown.get(kind)
        if listed is None:
            listed = shown[kind] = "; ".join(labels[c] for c in sorted(kind, key=order.index))
        referrals.append(DslReferral(
            concern_id=r.concern_id, occurred=_when(r.occurred_at, tz),
            children=name(r.child_ids[0]) if len(r.child_ids) == 1 else ", ".join(
                sorted((name(c) for c in r.child_ids), key=str.casefold)),
            categories=listed,
            decision=AWAITING_TRIAGE if decision is None else decided[decision],
            to_local_authority=(r.concern_id in to_la
                                or decision == TriageDecision.REFER_MASH.value),
            outcome=NO_OUTCOME if outcome is None
            else f"{uk_date(local_date(from_utc_text(outcome[0]), tz))}: {outcome[1]}"))
        if MISSING_EDUCATION in kind:
            for c in r.child_ids:
                missing[c].append(r.occurred_at)
    local_authority = tuple(
        LaReferral(r.action_id, r.concern_id, _when(r.taken_at, tz), name(r.child_id),
                   ActionKind(r.kind).label, r.detail, r.outcome or NO_OUTCOME)
        for r in la_rows)
    plans = tuple(
        PlanLine(name(p.child_id), year(p.child_id), StatusKind(p.kind).label,
                 _day(p.started_on), _day(p.ended_on))
        for p in sorted(plan_rows, key=lambda p: (StatusKind(p.kind).label,
                                                  name(p.child_id).casefold(), p.started_on)))
    missing_lines = tuple(sorted(
        (MissingLine(name(c), year(c), len(times), _when(max(times), tz)[:10])
         for c, times in missing.items()), key=lambda m: m.child.casefold()))
    return OfstedPack(header=header, period=period, referrals=tuple(referrals),
                      local_authority=local_authority, plans=plans,
                      missing_education=missing_lines)

"""CCE and CSE screening (issue 14): the DSL answers an instrument's questions about a
child, each answer optionally citing concerns from the chronology, and signs it; the
assessment then stands as signed (triggers), goes into the chronology and is due for
review on its review date.

Which instrument: the policy's `screening_instrument` file (laid over the shipped library
by the composition root), else a `screening-instrument.json` in the vault folder, else
the default shipped in resources/screening.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from cerecorder.domain.errors import InvalidInput, NotFound
from cerecorder.domain.model import Role
from cerecorder.domain.screening import (
    AnswerGiven,
    Assessment,
    Instrument,
    check_assessment,
    read_instrument,
    score,
)
from cerecorder.domain.timefmt import local_date, uk_date
from cerecorder.services import audit
from cerecorder.services.access import require
from cerecorder.services.session import Session
from cerecorder.storage.screening import Head
from cerecorder.storage.uow import UnitOfWork

VAULT_FILE = "screening-instrument.json"


@dataclass(frozen=True)
class DueScreening:
    """A child whose newest screening's review date has come (Needs attention)."""

    child_id: int
    child_name: str
    screening_id: int
    band_label: str
    review_on: date
    days_overdue: int


def instrument(session: Session) -> Instrument:
    """The instrument a new screening is made with."""
    require(session.user, Role.DSL)
    shipped = session.taxonomy.screening
    if shipped.problem:
        raise InvalidInput(shipped.problem)
    if shipped.replaced and shipped.default is not None:
        return shipped.default  # the policy's own instrument
    local = session.vault.files.folder / VAULT_FILE
    if local.is_file():
        try:
            return read_instrument(local.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise InvalidInput(f"The screening instrument {local} cannot be used: {exc}. "
                               "Ask IT to correct or remove it.") from exc
    if shipped.default is None:
        raise NotFound("This copy of CE Recorder has no screening instrument.")
    return shipped.default


def _labels(uow: UnitOfWork) -> dict[tuple[str, str, str], str]:
    """Band labels of every instrument the vault's screenings were made with, as kept in
    the vault; one this copy cannot read (from a newer copy) leaves its codes shown."""
    labels = {}
    for _, _, text in uow.screening.instruments_kept():
        try:
            made = read_instrument(text)
        except ValueError:
            continue
        labels.update({(made.id, made.version, b.code): b.label for b in made.bands})
    return labels


def instrument_of(session: Session, assessment: Assessment) -> Instrument | None:
    """The instrument an assessment was made with (as kept in the vault)."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        text = uow.screening.instrument_text(assessment.instrument_id,
                                             assessment.instrument_version)
    return None if text is None else read_instrument(text)


def sign(session: Session, child_id: int, made_with: Instrument,
         answers: Iterable[AnswerGiven], *, assessed_on: date, review_on: date) -> int:
    """Score and sign a screening. Each citation must be a submitted concern about this
    child (or a record merged into it)."""
    require(session.user, Role.DSL)
    now = session.clock.now()
    given = check_assessment(made_with, answers, assessed_on, review_on,
                             local_date(now, session.tz))
    result = score(made_with, {a.question: a.answer for a in given})
    with session.uow() as uow:
        uow.children.get(child_id)
        kept = uow.children.merged_map().get(child_id)
        if kept is not None:
            raise InvalidInput(f"Record #{child_id} was merged into #{kept}: screen #{kept}.")
        own = {c.id for i in uow.children.identity_ids(child_id)
               for c in uow.concerns.for_child(i)}
        cited = {c for a in given for c in a.cites}
        if not cited <= own:
            raise InvalidInput("An answer cites a concern that is not in this child's "
                               "chronology: " + ", ".join(f"#{c}" for c in sorted(cited - own)))
        try:
            uow.screening.keep_instrument(made_with, now)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from exc
        screening_id = uow.screening.add(
            child_id, made_with, assessed_on=assessed_on, review_on=review_on,
            total=result.total, band=result.band.code, scores=result.by_domain,
            answers=given, now=now, tz=session.tz, by=session.user.id)
        audit.record(uow, session.clock, session.user, "screening_signed", "screening",
                     screening_id, child=child_id, instrument=made_with.id,
                     version=made_with.version, cited=sorted(cited))
        uow.commit()
    return screening_id


def screenings(session: Session, child_id: int) -> list[Assessment]:
    """A child's signed screenings, oldest first (a merged record's too)."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        return screenings_in(session, uow, child_id)


def screenings_in(session: Session, uow: UnitOfWork, child_id: int) -> list[Assessment]:
    """As screenings(), inside the caller's unit of work (the chronology's read)."""
    require(session.user, Role.DSL)
    labels = _labels(uow)
    return uow.screening.for_children(uow.children.identity_ids(child_id), labels)


def open_screening(session: Session, screening_id: int) -> Assessment:
    """One screening, to read its answers (audited as a view)."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        found = uow.screening.get(screening_id, _labels(uow))
        audit.record(uow, session.clock, session.user, "screening_viewed", "screening",
                     screening_id)
        uow.commit()
    return found


def due_for_review(session: Session, today: date) -> list[DueScreening]:
    """Children whose newest screening is due for review on or before today, most overdue
    first; a merged record's screenings count for the record kept."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        labels = _labels(uow)
        merged = uow.children.merged_map()
        newest: dict[int, Head] = {}
        for a in uow.screening.newest_heads():
            kept = merged.get(a.child_id, a.child_id)
            if kept not in newest or (a.assessed_on, a.id) > (newest[kept].assessed_on,
                                                               newest[kept].id):
                newest[kept] = a
        due = {k: a for k, a in newest.items() if a.review_on <= today}
        names = {c.id: c.display_name for c in uow.children.many(list(due))}
    return sorted((DueScreening(
        k, names.get(k, f"Child #{k}"), a.id,
        labels.get((a.instrument_id, a.instrument_version, a.band), a.band.capitalize()),
        a.review_on, (today - a.review_on).days)
        for k, a in due.items()), key=lambda d: (d.review_on, d.child_id))


@dataclass(frozen=True)
class Citable:
    """A concern in the child's chronology an answer may cite."""

    concern_id: int
    line: str  # "16/11/2026 · Seen getting into a car…"
    codes: frozenset[str]  # the signs it ticked, to offer it first where they match


def citable(session: Session, child_id: int) -> list[Citable]:
    """The child's submitted concerns (a merged record's too), newest first."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        found = {c.id: c for i in uow.children.identity_ids(child_id)
                 for c in uow.concerns.for_child(i)}
    rows = []
    for c in sorted(found.values(), key=lambda c: (c.content.occurred_at is None,
                                                   c.content.occurred_at), reverse=True):
        if c.content.occurred_at is None or c.submitted_at is None:
            continue
        first = (c.content.facts.strip().splitlines() or [""])[0]
        short = first if len(first) <= 60 else first[:59] + "…"
        rows.append(Citable(c.id, f"#{c.id} · {uk_date(local_date(c.content.occurred_at, c.tz))}"
                            f" · {short}", frozenset(c.content.indicator_codes)))
    return rows

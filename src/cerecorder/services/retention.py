"""Retention review and legal holds (DSL only; audited with ids). Destruction after
review is a separate, two-person path, not here."""

from __future__ import annotations

from datetime import date

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import Role
from cerecorder.domain.retention import (
    DEFAULT_YEARS,
    MAX_YEARS,
    MIN_YEARS,
    LegalHold,
    RetentionRow,
    ReviewState,
    review_state,
)
from cerecorder.domain.rules import MAX_NAME, check_date, clean_text
from cerecorder.domain.timefmt import local_date
from cerecorder.services import audit
from cerecorder.services.access import require
from cerecorder.services.session import Session

_ORDER = {ReviewState.DUE: 0, ReviewState.NO_DATE: 1, ReviewState.HELD: 2, ReviewState.KEEP: 3}


def _today(session: Session) -> date:
    return local_date(session.clock.now(), session.tz)


def check_years(years: int) -> int:
    if not MIN_YEARS <= years <= MAX_YEARS:
        raise InvalidInput(f"A retention rule of {years} years is outside {MIN_YEARS} to "
                           f"{MAX_YEARS}; the guidance is date of birth plus {DEFAULT_YEARS}.")
    return years


def holds(session: Session) -> list[LegalHold]:
    require(session.user, Role.DSL)
    with session.uow() as uow:
        return uow.holds.all()


def set_hold(session: Session, child_id: int | None, name: str, reason: str,
             from_on: date | None = None) -> int:
    """A legal hold on one child's file, or (child_id None) on every file."""
    require(session.user, Role.DSL)
    name = clean_text(name.strip(), "The hold's name", MAX_NAME)
    reason = clean_text(reason.strip(), "The reason for the hold")
    if not name or not reason:
        raise InvalidInput("A legal hold needs a name (for example the inquiry's) and a "
                           "reason.")
    from_on = from_on or _today(session)
    check_date(from_on, _today(session), "The hold's start")
    with session.uow() as uow:
        if child_id is not None:
            uow.children.get(child_id)
        hold_id = uow.holds.add(child_id, name, reason, from_on, session.clock.now(),
                                session.user.id)
        audit.record(uow, session.clock, session.user, "legal_hold_set", "legal_hold",
                     hold_id, child=child_id)
        uow.commit()
    return hold_id


def lift_hold(session: Session, hold_id: int, reason: str) -> None:
    require(session.user, Role.DSL)
    reason = clean_text(reason.strip(), "The reason for lifting the hold")
    if not reason:
        raise InvalidInput("Say why the hold is lifted.")
    with session.uow() as uow:
        found = {h.id: h for h in uow.holds.all()}
        if hold_id not in found:
            raise InvalidInput(f"There is no legal hold #{hold_id}.")
        if not found[hold_id].in_force:
            raise InvalidInput(f"Legal hold #{hold_id} was lifted already.")
        uow.holds.lift(hold_id, reason, session.clock.now(), session.user.id)
        audit.record(uow, session.clock, session.user, "legal_hold_lifted", "legal_hold",
                     hold_id)
        uow.commit()


def review_list(session: Session, years: int = DEFAULT_YEARS) -> list[RetentionRow]:
    """Every child's file with its review date and state: due first, then those without a
    date of birth, held, and kept. A file is every child record the vault holds, on roll
    or left (the last school to hold a file keeps it)."""
    require(session.user, Role.DSL)
    return _rows(session, years)


def file_review(session: Session, child_id: int, years: int) -> RetentionRow | None:
    """One file's review, for a destruction: the DSL who asks and the administrator who
    carries it out both check it."""
    require(session.user, Role.DSL, Role.ADMIN)
    return next((r for r in _rows(session, years) if r.child_id == child_id), None)


def _rows(session: Session, years: int) -> list[RetentionRow]:
    check_years(years)
    today = _today(session)
    with session.uow() as uow:
        kids = uow.children.all(include_left=True)
        merged = uow.children.merged_map()
        every = uow.holds.all()
    rows = []
    for child in kids:
        if child.id in merged:
            continue  # its history is read with the record it was merged into
        applying = tuple(h for h in every if h.in_force and h.child_id in (None, child.id))
        due, state = review_state(child.details.date_of_birth, applying, today, years)
        rows.append(RetentionRow(child.id, child.display_name, due, state, applying))
    return sorted(rows, key=lambda r: (_ORDER[r.state], r.review_on or date.max, r.child_id))

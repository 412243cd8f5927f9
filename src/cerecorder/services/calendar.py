"""The school's term dates, kept in the vault (they are the school's, and every laptop that
opens the vault counts deadlines on the same days), and the deadlines counted with them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import Role
from cerecorder.domain.schooldays import (
    BankHolidays,
    Deadline,
    Period,
    SchoolCalendar,
    periods_from_json,
    periods_to_json,
)
from cerecorder.domain.timefmt import uk_date
from cerecorder.services import audit
from cerecorder.services.access import require
from cerecorder.services.session import Session

TERM_DATES_KEY = "term_dates"


@dataclass(frozen=True)
class TermDatesChange:
    """What setting term dates would do: the periods kept, added and replaced."""

    periods: tuple[Period, ...]
    added: int
    replaced: int
    kept: int
    span: tuple[date, date]

    def describe(self) -> str:
        first, last = self.span
        return (f"{self.added} period(s) from {uk_date(first)} to {uk_date(last)}; "
                f"{self.replaced} set earlier for those dates replaced, {self.kept} kept.")


def term_dates(session: Session) -> tuple[Period, ...]:
    with session.uow() as uow:
        stored = uow.meta.get(TERM_DATES_KEY)
    return periods_from_json(stored) if stored else ()


def school_calendar(session: Session, holidays: BankHolidays) -> SchoolCalendar:
    return SchoolCalendar(term_dates(session), holidays)


def plan_term_dates(session: Session, incoming: Iterable[Period], holidays: BankHolidays,
                    *, replace: bool = True) -> TermDatesChange:
    """A file's periods replace the ones set earlier within the span it covers; those
    outside it (last year's terms, say) stay, so older deadlines still count the same days.
    A period typed by hand (replace=False) is added to the rest."""
    return _planned(term_dates(session), tuple(incoming), holidays, replace)


def _planned(old: tuple[Period, ...], new: tuple[Period, ...], holidays: BankHolidays,
             replace: bool) -> TermDatesChange:
    if not new:
        raise InvalidInput("No term dates to set.")
    first, last = min(p.first_day for p in new), max(p.last_day for p in new)
    kept = tuple(p for p in old if not replace or p.last_day < first or p.first_day > last)
    kept = tuple(p for p in kept if p not in new)
    calendar = SchoolCalendar(kept + new, holidays)  # refuses overlapping terms, with dates
    return TermDatesChange(calendar.periods, len(new), len(old) - len(kept), len(kept),
                           (first, last))


def set_term_dates(session: Session, incoming: Iterable[Period], holidays: BankHolidays,
                   *, replace: bool = True) -> TermDatesChange:
    """DSL or administrator (IT may load the local authority's calendar); planned again
    inside the transaction, and audited with counts only."""
    require(session.user, Role.DSL, Role.ADMIN)
    with session.uow() as uow:
        stored = uow.meta.get(TERM_DATES_KEY)
        change = _planned(periods_from_json(stored) if stored else (), tuple(incoming),
                          holidays, replace)
        uow.meta.set(TERM_DATES_KEY, periods_to_json(change.periods))
        audit.record(uow, session.clock, session.user, "term_dates_set", "vault",
                     session.vault.vault_id, added=change.added, replaced=change.replaced,
                     kept=change.kept)
        uow.commit()
    return change


def transfer_deadline(session: Session, holidays: BankHolidays, moved_on: date) -> Deadline:
    return school_calendar(session, holidays).transfer_deadline(moved_on)


def remove_term_dates(session: Session, gone: Iterable[Period]) -> int:
    """Take periods typed or imported by mistake out of the term dates; audited with the
    count. Returns how many went."""
    require(session.user, Role.DSL, Role.ADMIN)
    unwanted = set(gone)
    with session.uow() as uow:
        stored = uow.meta.get(TERM_DATES_KEY)
        old = periods_from_json(stored) if stored else ()
        kept = tuple(p for p in old if p not in unwanted)
        uow.meta.set(TERM_DATES_KEY, periods_to_json(kept))
        audit.record(uow, session.clock, session.user, "term_dates_removed", "vault",
                     session.vault.vault_id, removed=len(old) - len(kept))
        uow.commit()
    return len(old) - len(kept)

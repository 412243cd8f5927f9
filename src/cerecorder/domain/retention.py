"""Retention of child protection files (IRMS toolkit for schools): a file is kept until the
child's date of birth plus 25 years, then reviewed; a legal hold (an inquiry's moratorium)
stops destruction whatever the date."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from cerecorder.domain.timefmt import uk_date

DEFAULT_YEARS = 25
#: the rule a destruction request names when the file left by transfer and the school's
#: policy keeps only a record of what was sent (services/transfer_records.py): no age
TRANSFERRED_RULE = 0
MIN_YEARS, MAX_YEARS = 6, 100


def review_date(born: date, years: int = DEFAULT_YEARS) -> date:
    """Date of birth plus `years`; a birthday on 29 February is reviewed on 28 February."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return born.replace(year=born.year + years, day=28)


@dataclass(frozen=True)
class LegalHold:
    id: int
    child_id: int | None  # None: every file
    name: str
    reason: str
    from_on: date
    set_at: datetime
    set_by: int
    lifted_at: datetime | None = None
    lift_reason: str = ""

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None

    def describe(self) -> str:
        scope = "every file" if self.child_id is None else "this file"
        return f"{self.name} (on {scope} from {uk_date(self.from_on)}): {self.reason}"


class ReviewState(enum.StrEnum):
    KEEP = "keep"              # the review date has not come
    DUE = "due for review"
    HELD = "held"              # a legal hold stops destruction
    NO_DATE = "no date of birth"


@dataclass(frozen=True)
class RetentionRow:
    child_id: int
    name: str
    review_on: date | None
    state: ReviewState
    holds: tuple[LegalHold, ...]

    def describe(self) -> str:
        if self.state is ReviewState.NO_DATE:
            return "no date of birth: set one, or review the file by hand"
        when = uk_date(self.review_on) if self.review_on else "-"
        if self.state is ReviewState.HELD:
            return f"held ({'; '.join(h.name for h in self.holds)}); review {when}"
        return f"{self.state.value} {when}" if self.state is ReviewState.DUE else f"keep to {when}"


def review_state(born: date | None, holds: tuple[LegalHold, ...], today: date,
                 years: int = DEFAULT_YEARS) -> tuple[date | None, ReviewState]:
    if born is None:
        return None, ReviewState.NO_DATE
    due = review_date(born, years)
    if any(h.in_force for h in holds):
        return due, ReviewState.HELD
    return due, ReviewState.DUE if due <= today else ReviewState.KEEP


@dataclass(frozen=True)
class DestructionRequest:
    """A DSL's request to destroy a file after review and, once an administrator carried
    it out, the certificate: when, by whom, and how many rows of which kind went."""

    id: int
    child_id: int
    rule_years: int
    review_on: date
    reason: str
    requested_at: datetime
    requested_by: int
    destroyed_at: datetime | None = None
    destroyed_by: int | None = None
    rows_deleted: Mapping[str, int] | None = None

    @property
    def done(self) -> bool:
        return self.destroyed_at is not None

    @property
    def review_text(self) -> str:
        """The review date, or for a file handed on, when its transfer was acknowledged."""
        if self.rule_years == TRANSFERRED_RULE:
            return f"transferred {uk_date(self.review_on)}"
        return uk_date(self.review_on)


@dataclass(frozen=True)
class Destroyed:
    """What a destruction did: rows deleted per table, and the concerns that stayed because
    they are in other children's files too (the certificate's shared_concerns_kept)."""

    request_id: int
    counts: Mapping[str, int]
    shared_concerns_kept: tuple[int, ...]

    def describe(self) -> str:
        text = (f"Destroyed: request #{self.request_id}, {sum(self.counts.values())} rows; "
                "the certificate is in the audit.")
        kept = self.shared_concerns_kept
        if kept:
            ids = ", ".join(f"#{i}" for i in kept)
            text += (f" Kept: {len(kept)} concern{'' if len(kept) == 1 else 's'} ({ids}) "
                     f"also about other children, which stay{'s' if len(kept) == 1 else ''} "
                     "in their files; only this child's link went.")
        return text

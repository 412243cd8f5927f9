"""Record rules that hold whatever the storage or the window: checked by the services."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import ConcernContent, TriageDecision
from cerecorder.domain.timefmt import DEFAULT_TZ, local_date, uk_date, uk_datetime

#: One free-text field may hold this many characters: about 50 pages. A 1 MB paste is
#: almost always a mistake; it is refused with a message and the user's text stays put.
MAX_TEXT = 100_000
MAX_NAME = 200
#: The longest protective marking a document's header and footer are laid out for.
MAX_MARKING = 60


def check_marking(value: str, what: str = "--marking") -> str:
    """A marking typed outside the policy file (the admin command line's --marking), by
    the policy file's rule: one line, not empty, at most MAX_MARKING characters."""
    text = value.strip()
    if not text:
        raise InvalidInput(f"{what} is empty; leave it out to print the usual marking.")
    if any(ch in text for ch in "\r\n\x00"):
        raise InvalidInput(f"{what} must be a single line.")
    if len(text) > MAX_MARKING:
        raise InvalidInput(f"{what} is {len(text)} characters long; the limit is "
                           f"{MAX_MARKING}.")
    return text
#: Clocks on school laptops drift; a concern a few minutes "in the future" is not an error.
CLOCK_SKEW = timedelta(minutes=10)

#: The earliest date any record may carry: an incident, action, outcome or event, a date
#: of birth, a leaving date, and the computer's clock when a record is made. Every record
#: is about a child at school now or lately, so nothing in it is older than 1990 (a pupil
#: born then is in their mid-thirties). An earlier date is a slip ("0225" for 2025), a
#: clock that lost its setting, or a damaged packet, and is refused on save and import.
EARLIEST = date(1990, 1, 1)
#: How far past this computer's clock a stored time may be, so that nothing is recorded
#: as having happened in the future: school laptops' clocks drift, and a packet carries
#: the time of the laptop that sent it. (Submitting a concern is stricter: CLOCK_SKEW.)
FUTURE_ALLOWANCE = timedelta(days=1)
_EARLIEST_TIME = datetime.combine(EARLIEST, time(), tzinfo=UTC)


def time_problem(moment: datetime, now: datetime, what: str, *, tz: str = DEFAULT_TZ,
                 born: date | None = None) -> str:
    """Why a time cannot be stored ("" if it can): it must lie between EARLIEST (or the
    child's date of birth, when known) and now plus FUTURE_ALLOWANCE."""
    shown = uk_datetime(moment, tz)
    if moment < _EARLIEST_TIME:
        return (f"{what} ({shown}) is before {uk_date(EARLIEST)}, the earliest date a "
                "record may have: check the year.")
    if born is not None and local_date(moment, tz) < born:
        return (f"{what} ({shown}) is before the child's date of birth "
                f"({uk_date(born)}): check the date.")
    if moment > now + FUTURE_ALLOWANCE:
        return (f"{what} ({shown}) is in the future: check the date and time, and this "
                "computer's clock.")
    return ""


def check_time(moment: datetime, now: datetime, what: str, *, tz: str = DEFAULT_TZ,
               born: date | None = None) -> None:
    problem = time_problem(moment, now, what, tz=tz, born=born)
    if problem:
        raise InvalidInput(problem)


def date_problem(day: date, today: date, what: str) -> str:
    """Why a date of birth or leaving date cannot be stored ("" if it can): it must lie
    between EARLIEST and today."""
    if day < EARLIEST:
        return (f"{what} ({uk_date(day)}) is before {uk_date(EARLIEST)}, the earliest date "
                "a record may have: check the year.")
    if day > today:
        return f"{what} ({uk_date(day)}) is in the future: check the date."
    return ""


def check_date(day: date | None, today: date, what: str) -> None:
    problem = "" if day is None else date_problem(day, today, what)
    if problem:
        raise InvalidInput(problem)


def check_clock(now: datetime) -> None:
    """A record is stamped with this computer's clock: one that has lost its setting
    (a flat battery resets some to 1980 or 2000) would date it wrongly for good."""
    if now < _EARLIEST_TIME:
        raise InvalidInput(f"This computer's clock says {uk_date(now.date())}, before "
                           f"{uk_date(EARLIEST)}: set its date and time, then try again.")


def youngest_birth(dates_of_birth: Iterable[date | None]) -> date | None:
    """The latest known date of birth among a record's children: nothing that involved
    them all can have happened before it."""
    known = [d for d in dates_of_birth if d is not None]
    return max(known) if known else None


def check_record_dates(now: datetime, times: Mapping[str, datetime | None],
                       dates_of_birth: Iterable[date | None] = ()) -> None:
    """Every time and date of birth a received record carries, in the range above (a
    date of birth with a day's allowance too: the sender's today may be ahead of ours)."""
    for what, moment in times.items():
        if moment is not None:
            check_time(moment, now, what)
    for born in dates_of_birth:
        check_date(born, local_date(now) + FUTURE_ALLOWANCE, "A date of birth")


def clean_text(value: str, field: str, limit: int = MAX_TEXT) -> str:
    """NFC-normalise and refuse what cannot be stored faithfully (NUL, lone surrogates)."""
    if "\x00" in value:
        raise InvalidInput(f"{field} contains a NUL character, which cannot be stored.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInput(f"{field} contains characters that are not valid text.") from exc
    value = unicodedata.normalize("NFC", value)
    if len(value) > limit:
        raise InvalidInput(
            f"{field} is {len(value):,} characters long; the limit is {limit:,}. "
            "Nothing has been saved: shorten it or attach a summary."
        )
    return value


def submission_problems(content: ConcernContent, now: datetime) -> dict[str, str]:
    """What a concern still needs before it becomes permanent, by the field concerned (a
    ConcernContent attribute), so a form can say each beside its own box."""
    problems: dict[str, str] = {}
    if not content.child_ids:
        problems["child_ids"] = "choose at least one child"
    if not content.facts.strip():
        problems["facts"] = "say what was seen or heard"
    if content.occurred_at is None:
        problems["occurred_at"] = "say when it happened"
    elif content.occurred_at > now + CLOCK_SKEW:
        problems["occurred_at"] = "the time it happened is in the future"
    return problems


def check_concern_for_submission(content: ConcernContent, now: datetime, *,
                                 tz: str = DEFAULT_TZ, born: date | None = None) -> None:
    """What a concern needs before it becomes permanent. `born`: the youngest child's
    date of birth, when known."""
    problems = submission_problems(content, now)
    if problems:
        raise InvalidInput("Before submitting: " + "; ".join(problems.values()) + ".")
    if content.occurred_at is not None:
        check_time(content.occurred_at, now, "The time it happened", tz=tz, born=born)


_FOLDS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "\u0131": "i", "æ": "ae",
                        "œ": "oe", "þ": "th", "ð": "d"})


class _Bare(dict[int, int | str | None]):
    """str.translate's table for decomposed text: combining marks go, the letters above
    are spelt out, anything else stays. Each character is looked up once, then cached,
    so a roll of names folds at C speed."""

    def __missing__(self, code: int) -> int | str | None:
        found = None if unicodedata.combining(chr(code)) else _FOLDS.get(code, code)
        self[code] = found
        return found


_BARE = _Bare()


def fold(text: str) -> str:
    """Text as a search compares it: case and accents dropped, so "goncalves" finds
    Gonçalves, "stanescu" Stănescu and "sorensen" Sørensen."""
    if text.isascii():  # most names: nothing to decompose, and casefold is lower
        return text.lower()
    return unicodedata.normalize("NFKD", text.casefold()).translate(_BARE)


def check_triage(decision: TriageDecision, rationale: str) -> None:
    """KCSIE: record the reasons for decisions; a decision not to refer always needs one."""
    if not decision.is_referral and not rationale.strip():
        raise InvalidInput(
            f"A reason is required for the decision '{decision.label}' (not referring)."
        )

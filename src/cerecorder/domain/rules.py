"""Record rules that hold whatever the storage or the window: checked by the services."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import ConcernContent, TriageDecision

#: One free-text field may hold this many characters: about 50 pages. A 1 MB paste is
#: almost always a mistake; it is refused with a message and the user's text stays put.
MAX_TEXT = 100_000
MAX_NAME = 200
#: Clocks on school laptops drift; a concern a few minutes "in the future" is not an error.
CLOCK_SKEW = timedelta(minutes=10)


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


def check_concern_for_submission(content: ConcernContent, now: datetime) -> None:
    """What a concern needs before it becomes permanent."""
    problems = submission_problems(content, now)
    if problems:
        raise InvalidInput("Before submitting: " + "; ".join(problems.values()) + ".")


_FOLDS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "\u0131": "i", "æ": "ae",
                        "œ": "oe", "þ": "th", "ð": "d"})


def fold(text: str) -> str:
    """Text as a search compares it: case and accents dropped, so "goncalves" finds
    Gonçalves, "stanescu" Stănescu and "sorensen" Sørensen."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.translate(_FOLDS)


def check_triage(decision: TriageDecision, rationale: str) -> None:
    """KCSIE: record the reasons for decisions; a decision not to refer always needs one."""
    if not decision.is_referral and not rationale.strip():
        raise InvalidInput(
            f"A reason is required for the decision '{decision.label}' (not referring)."
        )

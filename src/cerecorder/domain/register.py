"""The contextual register: people, vehicles, places, phones, online accounts and groups
named in concerns, with the normalised keys that let two spellings of one car, one phone
or one account meet (DESIGN.md, "Contextual register").

Normalisation is strict about shape and lenient about spelling: case, spaces, hyphens and
(for registrations) O typed for 0 or I for 1 in the wrong place are forgiven; anything
that is not the format at all is refused with a message naming an example.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import EntryKind, Mention
from cerecorder.domain.rules import MAX_NAME, clean_text

#: Field -> label, per kind (issue 14, "The register").
KIND_FIELDS: Mapping[EntryKind, Mapping[str, str]] = MappingProxyType({
    EntryKind.PERSON: MappingProxyType({
        "name": "Name, if known",
        "nicknames": "Nicknames and street names",
        "description": "Description",
        "approximate_age": "Approximate age",
        "relationship": "Relationship to the child (for example older boyfriend, runner)",
    }),
    EntryKind.VEHICLE: MappingProxyType({
        "registration": "Registration",
        "make": "Make",
        "model": "Model",
        "colour": "Colour",
        "marks": "Other marks (a foreign or partial registration goes here)",
    }),
    EntryKind.PLACE: MappingProxyType({
        "description": "Description",
        "address": "Address",
        "postcode": "Postcode",
        "place_kind": "Kind of place (park, shop, hotel, address used for dealing...)",
    }),
    EntryKind.PHONE: MappingProxyType({"number": "Phone number", "note": "Note"}),
    EntryKind.ACCOUNT: MappingProxyType({
        "platform": "Platform", "handle": "Handle", "note": "Note"}),
    EntryKind.GROUP: MappingProxyType({"name": "Name", "area": "Area"}),
})

#: A description may run to a paragraph; every other field is one line.
_LONG_FIELDS = frozenset({"description", "marks", "note"})
MAX_DESCRIPTION = 2_000
#: One line staff type about something they heard of, while recording a concern.
MAX_MENTION = MAX_NAME
#: People, vehicles, places, phones... one line each: a concern names a few, not a list.
MAX_MENTIONS = 30


@dataclass(frozen=True)
class EntryDetails:
    """What one revision of an entry says. ``values`` holds only non-empty fields."""

    kind: EntryKind
    values: Mapping[str, str]

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    @property
    def key(self) -> str | None:
        """The normalised key two entries are the same thing by, or None (people and
        groups are matched by the DSL's judgement, not by a key)."""
        return entry_key(self.kind, self.values)

    @property
    def summary(self) -> str:
        """One line for lists: the key if there is one, else the first fields."""
        parts = [self.values[f] for f in KIND_FIELDS[self.kind] if self.values.get(f)]
        return " · ".join(parts)[:MAX_NAME]


@dataclass(frozen=True)
class Entry:
    id: int
    kind: EntryKind
    created_at: datetime
    details: EntryDetails  # as its latest revision says

    @property
    def key(self) -> str | None:
        return self.details.key


@dataclass(frozen=True)
class Revision:
    id: int
    entry_id: int
    details: EntryDetails
    reason: str
    revised_at: datetime
    revised_by: int | None


@dataclass(frozen=True)
class Link:
    id: int
    entry_id: int
    child_id: int
    concern_id: int | None
    mention: int | None
    reported_by: int | None
    seen_at: datetime
    note: str


@dataclass(frozen=True)
class PendingMention:
    concern_id: int
    position: int
    mention: Mention
    author_id: int
    occurred_at: datetime


# --- UK vehicle registrations -------------------------------------------------------

# L = letter position, D = digit position; {m,n} repeats. Order matters only for the
# lenient pass (the exact pass has one answer: the shapes do not overlap).
_REG_FORMATS = (
    ("current", (("L", 2, 2), ("D", 2, 2), ("L", 3, 3))),  # AB51 ABC (2001-)
    ("prefix", (("L", 1, 1), ("D", 1, 3), ("L", 3, 3))),  # A123 BCD (1983-2001)
    ("suffix", (("L", 3, 3), ("D", 1, 3), ("L", 1, 1))),  # ABC 123D (1963-1983)
    ("dateless", (("L", 1, 3), ("D", 1, 4))),  # ABC 123, ABZ 1234 (NI)
    ("dateless", (("D", 1, 4), ("L", 1, 3))),  # 1234 AB
)
_TO_LETTER = str.maketrans("01", "OI")
_TO_DIGIT = str.maketrans("OI", "01")
_REG_EXAMPLE = "for example AB51 ABC, A123 BCD, ABC 123D or ABC 123"


def _reg_pattern(parts: tuple[tuple[str, int, int], ...], lenient: bool) -> re.Pattern[str]:
    letter, digit = ("[A-Z01]", "[0-9OI]") if lenient else ("[A-Z]", "[0-9]")
    return re.compile("^" + "".join(
        f"({letter if k == 'L' else digit}{{{lo},{hi}}})" for k, lo, hi in parts) + "$")


_REG_PATTERNS = tuple(
    (parts, _reg_pattern(parts, False), _reg_pattern(parts, True)) for _, parts in _REG_FORMATS
)


def _reg_squash(text: str) -> str:
    return re.sub(r"[\s\-.]", "", unicodedata.normalize("NFKC", text)).upper()


def normalise_registration(text: str) -> str:
    """A UK registration as it is written on the plate: 'ab51abc' -> 'AB51 ABC'.

    Spaces, hyphens and case never matter; a letter O where the format wants a digit
    reads as 0 (and I as 1), and the other way round, when the exact reading fits no
    format. The key is this with the space removed (``registration_key``)."""
    squashed = _reg_squash(text)
    if not squashed:
        raise InvalidInput("Give the registration, " + _REG_EXAMPLE + ".")
    for lenient in (False, True):
        for parts, exact, loose in _REG_PATTERNS:
            match = (loose if lenient else exact).match(squashed)
            if match is None:
                continue
            if lenient and not all(
                any(c.isalpha() for c in g)
                for g, (kind, _, _) in zip(match.groups(), parts, strict=True) if kind == "L"
            ):
                continue  # a run of letters needs one real letter: '12345' is no plate
            groups = [
                g.translate(_TO_LETTER if kind == "L" else _TO_DIGIT)
                for g, (kind, _, _) in zip(match.groups(), parts, strict=True)
            ]
            plate = "".join(groups)
            # the space goes before the last three letters (current, prefix) or between
            # the letters and the digits (suffix's last letter stays with its digits)
            if parts[0][0] == "L" and parts[-1] == ("L", 3, 3):
                return f"{plate[:-3]} {plate[-3:]}"
            if len(parts) == 3:  # suffix
                return f"{groups[0]} {groups[1]}{groups[2]}"
            return f"{groups[0]} {groups[1]}"
    raise InvalidInput(
        f"'{text.strip()[:40]}' is not a UK registration ({_REG_EXAMPLE}); a foreign or "
        "partial registration goes under other marks."
    )


def registration_key(text: str) -> str:
    return normalise_registration(text).replace(" ", "")


# --- Phone numbers (E.164) ----------------------------------------------------------

_PHONE_EXAMPLE = "for example 07700 900123, +44 7700 900123 or +33 6 12 34 56 78"


def normalise_phone(text: str) -> str:
    """E.164: '07700 900 123', '+44 (0)7700 900123' and '0044 7700 900123' are all
    '+447700900123'. A number without a country code is read as a UK number; any other
    country needs its + (or 00) and code."""
    raw = unicodedata.normalize("NFKC", text).strip()
    squashed = re.sub(r"[\s\-.()/]", "", raw.replace("(0)", ""))
    if not squashed:
        raise InvalidInput("Give the phone number, " + _PHONE_EXAMPLE + ".")
    if squashed.startswith("+"):
        digits = squashed[1:]
    elif squashed.startswith("00"):
        digits = squashed[2:]
    elif squashed.startswith("0"):
        digits = "44" + squashed[1:]
    elif squashed.startswith("44") and len(squashed) == 12:
        digits = squashed  # copied from a messaging app without its +
    else:
        raise InvalidInput(f"'{raw[:40]}' is not a phone number CE Recorder can read "
                           f"({_PHONE_EXAMPLE}).")
    if not digits.isascii() or not digits.isdigit():
        raise InvalidInput(f"'{raw[:40]}' has characters a phone number cannot have "
                           f"({_PHONE_EXAMPLE}).")
    if digits.startswith("44"):
        national = digits[2:].removeprefix("0")  # '+44 07700...' is a common slip
        if not 9 <= len(national) <= 10 or national[0] not in "1235789":
            raise InvalidInput(f"'{raw[:40]}' is not a UK number: after 0 (or +44) a UK "
                               "number has 9 or 10 digits, starting 1, 2, 3, 5, 7, 8 or 9.")
        return "+44" + national
    if digits[:1] in ("", "0") or not 8 <= len(digits) <= 15:
        raise InvalidInput(f"'{raw[:40]}' is not an international number: a country code "
                           "and number are 8 to 15 digits after the +.")
    return "+" + digits


# --- Online accounts ----------------------------------------------------------------

_PLATFORM_ALIASES = {
    "insta": "instagram", "ig": "instagram", "snap": "snapchat", "sc": "snapchat",
    "twitter": "x", "x.com": "x", "twitter.com": "x", "tik tok": "tiktok", "fb": "facebook",
    "whats app": "whatsapp", "wa": "whatsapp", "yt": "youtube",
}


def normalise_platform(text: str) -> str:
    platform = " ".join(unicodedata.normalize("NFKC", text).split()).casefold()
    platform = _PLATFORM_ALIASES.get(platform, platform)
    if not platform:
        raise InvalidInput("Say which platform the account is on (for example Snapchat).")
    if len(platform) > 40 or ":" in platform:
        raise InvalidInput(f"'{text.strip()[:40]}' is not a platform name.")
    return platform


def normalise_handle(text: str) -> str:
    """'@Big_Dave ' -> 'big_dave'. A handle is one word: no spaces inside."""
    handle = unicodedata.normalize("NFKC", text).strip().lstrip("@").casefold()
    if not handle:
        raise InvalidInput("Give the account's handle (the @name).")
    if any(c.isspace() or unicodedata.category(c).startswith("C") for c in handle) \
            or len(handle) > 100:
        raise InvalidInput(f"'{text.strip()[:40]}' is not a handle: a handle is one word, "
                           "with no spaces.")
    return handle


def account_key(platform: str, handle: str) -> str:
    return f"{normalise_platform(platform)}:{normalise_handle(handle)}"


# --- Postcodes ----------------------------------------------------------------------

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def normalise_postcode(text: str) -> str:
    """UK postcodes upper-case with one space: 'ss1  2ab' -> 'SS1 2AB'. An O typed for
    the zero that starts the inward code is forgiven ('SS1 O AB' is 'SS1 0AB')."""
    squashed = re.sub(r"\s", "", unicodedata.normalize("NFKC", text)).upper()
    if len(squashed) >= 3 and squashed[-3] == "O":
        squashed = squashed[:-3] + "0" + squashed[-2:]
    match = _POSTCODE.match(squashed)
    if match is None and squashed != "GIR0AA":
        raise InvalidInput(f"'{text.strip()[:40]}' is not a UK postcode (for example "
                           "SS1 2AB or EC1A 1BB).")
    return f"{squashed[:-3]} {squashed[-3:]}"


# --- Entries ------------------------------------------------------------------------

_NORMALISERS = {
    (EntryKind.VEHICLE, "registration"): normalise_registration,
    (EntryKind.PHONE, "number"): normalise_phone,
    (EntryKind.ACCOUNT, "platform"): normalise_platform,
    (EntryKind.ACCOUNT, "handle"): normalise_handle,
    (EntryKind.PLACE, "postcode"): normalise_postcode,
}


def entry_key(kind: EntryKind, values: Mapping[str, str]) -> str | None:
    """The key of already-cleaned values (see ``clean_entry``)."""
    if kind is EntryKind.VEHICLE and values.get("registration"):
        return values["registration"].replace(" ", "")
    if kind is EntryKind.PHONE and values.get("number"):
        return values["number"]
    if kind is EntryKind.ACCOUNT and values.get("platform") and values.get("handle"):
        return f"{values['platform']}:{values['handle']}"
    if kind is EntryKind.PLACE and values.get("postcode"):
        return values["postcode"]
    return None


def clean_entry(kind: EntryKind, values: Mapping[str, str]) -> EntryDetails:
    """Check and normalise what the DSL typed for an entry; refuse unknown fields."""
    known = KIND_FIELDS[kind]
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise InvalidInput(f"A {kind.label.lower()} has no field {', '.join(unknown)}.")
    cleaned: dict[str, str] = {}
    for name, label in known.items():
        value = " ".join(values.get(name, "").split()) if name not in _LONG_FIELDS \
            else values.get(name, "").strip()
        value = clean_text(value, label.split(" (")[0],
                           MAX_DESCRIPTION if name in _LONG_FIELDS else MAX_NAME)
        if value:
            normalise = _NORMALISERS.get((kind, name))
            cleaned[name] = normalise(value) if normalise else value
    if not cleaned:
        raise InvalidInput(f"Say something about the {kind.label.lower()}.")
    if kind is EntryKind.ACCOUNT and not ("platform" in cleaned and "handle" in cleaned):
        raise InvalidInput("An online account needs its platform and its handle.")
    if kind is EntryKind.PHONE and "number" not in cleaned:
        raise InvalidInput("A phone entry needs the number.")
    return EntryDetails(kind, MappingProxyType(cleaned))


def clean_mention(kind: EntryKind, text: str) -> Mention:
    """One line, as staff typed it: kept as written (the DSL normalises when matching)."""
    line = " ".join(clean_text(text, f"The {kind.label.lower()} mentioned", MAX_MENTION).split())
    if not line:
        raise InvalidInput(f"Say something about the {kind.label.lower()} mentioned, or "
                           "remove the line.")
    return Mention(kind, line)


def key_from_text(kind: EntryKind, text: str) -> str | None:
    """The key a line staff typed would have, if the line is just a registration, a
    number, an @handle on a platform ('snapchat @dave') or a postcode; else None."""
    try:
        if kind is EntryKind.VEHICLE:
            return registration_key(text)
        if kind is EntryKind.PHONE:
            return normalise_phone(text)
        if kind is EntryKind.PLACE:
            return normalise_postcode(text)
        if kind is EntryKind.ACCOUNT:
            platform, _, handle = text.strip().rpartition(" ")
            return account_key(platform, handle) if platform else None
    except InvalidInput:
        return None
    return None

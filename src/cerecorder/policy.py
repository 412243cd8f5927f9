"""The machine-wide policy file school IT puts on every laptop (policy.toml in the platform's
site config folder; on Windows also the registry policy, winpolicy.py; docs/policy.md is its
reference).

A key the file sets beats the user's own setting. A bad file never stops the app: each
problem becomes one message naming the key, the key keeps its default, and every valid key
still applies. No Qt here, so the admin command line reads the same policy.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cerecorder.domain.attachments import MEGABYTE, Limits
from cerecorder.domain.retention import MAX_YEARS, MIN_YEARS
from cerecorder.domain.rules import MAX_MARKING, MAX_NAME
from cerecorder.domain.transfers import AfterTransfer

if TYPE_CHECKING:  # the documents' model loads with the first document, not at start
    from cerecorder.domain.handover import (
        ChronologyDocument,
        ConcernDocument,
        DocumentHeader,
        DocumentRenderer,
        PageSource,
    )
    from cerecorder.domain.intel import IntelDocument

#: A marking is printed centred at the top and bottom of every page: keep it short.
#: How the settings window names each key it shows as fixed.
LABELS = {
    "vault_location": "Vault folder",
    "idle_lock_minutes": "Lock after",
    "protective_marking": "Protective marking",
    "school_name": "School name",
    "recipient_card": "DSL recipient card",
    "outbox_folder": "Outbox folder",
    "inbox_folder": "Inbox folder",
    "offer_demo": "Demo vault offered",
    "anchor_folder": "Anchor folder",
    "retention_years": "Files reviewed at date of birth plus",
    "screening_instrument": "Screening instrument",
    "after_transfer": "After a transfer is acknowledged, keep",
    "case_sign_off": "Closing a case needs a second DSL",
    "attachment_file_mb": "Largest attachment",
    "attachment_concern_mb": "Most attachments a concern holds",
}
#: the most attachment_file_mb or attachment_concern_mb may be: a concern's files travel
#: in one packet (at most 160 MiB). They go as they are since format 2, but a laptop not
#: yet updated puts them inside as base64 (4/3 the size), and its packets must still fit.
MAX_ATTACHMENT_MB = 112
#: Policy keys that are also user settings (ui/settings_model.py UiSettings, same names).
SETTINGS_KEYS = ("idle_lock_minutes", "outbox_folder", "inbox_folder", "recipient_card")


class _Bad(Exception):
    """One key's value is unusable; the message says why, in IT's terms."""


@dataclass(frozen=True)
class Policy:
    """What the policy file fixes; None means the file leaves it to the user or default."""

    vault_location: Path | None = None
    idle_lock_minutes: int | None = None
    protective_marking: str | None = None
    school_name: str | None = None
    recipient_card: Path | None = None
    outbox_folder: Path | None = None
    inbox_folder: Path | None = None
    offer_demo: bool | None = None
    anchor_folder: Path | None = None
    retention_years: int | None = None
    screening_instrument: Path | None = None
    after_transfer: AfterTransfer | None = None
    case_sign_off: bool | None = None
    attachment_file_mb: int | None = None
    attachment_concern_mb: int | None = None

    @property
    def attachment_limits(self) -> Limits:
        """The attachment limits, each the policy's or the default (25 MB, 100 MB)."""
        default = Limits()
        return Limits(
            file_bytes=(self.attachment_file_mb * MEGABYTE if self.attachment_file_mb
                        else default.file_bytes),
            concern_bytes=(self.attachment_concern_mb * MEGABYTE
                           if self.attachment_concern_mb else default.concern_bytes))

    @property
    def fixed(self) -> frozenset[str]:
        """The keys the file sets."""
        return frozenset(f.name for f in dataclasses.fields(self)
                         if getattr(self, f.name) is not None)

    @property
    def marking(self) -> str:
        from cerecorder.domain.handover import DEFAULT_MARKING

        return self.protective_marking or DEFAULT_MARKING

    @property
    def demo_offered(self) -> bool:
        return self.offer_demo is not False

    def summary(self) -> tuple[tuple[str, str], ...]:
        """What the file fixes, as (label, value) lines for people to read."""
        lines = []
        for key in LABELS:
            value = getattr(self, key)
            if value is None:
                continue
            if isinstance(value, bool):
                text = "yes" if value else "no"
            elif key == "idle_lock_minutes":
                text = f"{value} minutes"
            elif key == "retention_years":
                text = f"{value} years"
            elif key.startswith("attachment_"):
                text = f"{value} MB"
            elif key == "after_transfer":
                text = value.label
            else:
                text = str(value)
            lines.append((LABELS[key], text))
        return tuple(lines)

    def settings_overrides(self) -> dict[str, int | str]:
        """The user settings this policy fixes, as the settings hold them (paths as text)."""
        overrides: dict[str, int | str] = {}
        for key in SETTINGS_KEYS:
            value = getattr(self, key)
            if value is not None:
                overrides[key] = str(value) if isinstance(value, Path) else value
        return overrides


@dataclass(frozen=True)
class PolicyReading:
    """A policy and what was wrong with the file it came from (one line per problem)."""

    policy: Policy
    problems: tuple[str, ...] = ()
    #: the file read, or the registry key (winpolicy.SOURCE, text); None when there is none
    source: Path | str | None = None
    ignored: tuple[str, ...] = ()  # other policy files found, each with why it does not count


def _text(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise _Bad(f"must be text in quotes, not {_toml_type(value)}")
    text: str = value.strip()
    if not text:
        raise _Bad("is empty; delete the line to leave it unset")
    if any(ch in text for ch in "\r\n\x00"):
        raise _Bad("must be a single line")
    if len(text) > limit:
        raise _Bad(f"is {len(text)} characters long; the limit is {limit}")
    return text


def _marking(value: Any) -> str:
    return _text(value, MAX_MARKING)


def _school(value: Any) -> str:
    return _text(value, MAX_NAME)


#: An environment variable left in a path after expansion ($NAME, ${NAME}, %NAME%).
_VARIABLE = re.compile(r"\$\{?[A-Za-z_]\w*\}?|%[A-Za-z_][\w()]*%")


def _path(value: Any) -> Path:
    """An absolute path; ~ and environment variables ($HOME, %USERPROFILE%) are expanded
    for the user running the app, so one file serves every user of a laptop."""
    text = _text(value, 4096)
    expanded = Path(os.path.expandvars(os.path.expanduser(text)))
    unset = _VARIABLE.search(str(expanded))  # expandvars leaves an unset one as written
    if unset:
        raise _Bad(f"names the environment variable {unset.group()}, which is not set for "
                   f"this user")
    if not expanded.is_absolute():
        raise _Bad(f"must be an absolute path (after expanding ~ and environment "
                   f"variables it is {str(expanded)!r})")
    return expanded


def _minutes(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(f"must be a whole number of minutes from 1 to 60, not {_toml_type(value)}")
    if not 1 <= value <= 60:
        raise _Bad(f"must be from 1 to 60 minutes, not {value}")
    return value


def _years(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(f"must be a whole number of years from {MIN_YEARS} to {MAX_YEARS}, not "
                   f"{_toml_type(value)}")
    if not MIN_YEARS <= value <= MAX_YEARS:
        raise _Bad(f"must be from {MIN_YEARS} to {MAX_YEARS} years, not {value}")
    return value


def _megabytes(value: Any) -> int:
    """A size in MB (MiB) from 1 to MAX_ATTACHMENT_MB: packets carry a concern's files
    whole, up to crypto.packets.MAX_PACKET_BYTES, so no concern may hold more."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(f"must be a whole number of MB from 1 to {MAX_ATTACHMENT_MB}, not "
                   f"{_toml_type(value)}")
    if not 1 <= value <= MAX_ATTACHMENT_MB:
        raise _Bad(f"must be from 1 to {MAX_ATTACHMENT_MB} MB, not {value}")
    return value


def _after_transfer(value: Any) -> AfterTransfer:
    choices = " or ".join(f'"{c.value}"' for c in AfterTransfer)
    if not isinstance(value, str):
        raise _Bad(f"must be {choices}, not {_toml_type(value)}")
    try:
        return AfterTransfer(value.strip().lower())
    except ValueError:
        raise _Bad(f"must be {choices}, not {value!r}") from None


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"must be true or false (no quotes), not {_toml_type(value)}")
    return value


def _toml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return "a date or time"


KEYS: dict[str, Callable[[Any], Any]] = {
    "vault_location": _path,
    "idle_lock_minutes": _minutes,
    "protective_marking": _marking,
    "school_name": _school,
    "recipient_card": _path,
    "outbox_folder": _path,
    "inbox_folder": _path,
    "offer_demo": _flag,
    "anchor_folder": _path,
    "retention_years": _years,
    "screening_instrument": _path,
    "after_transfer": _after_transfer,
    "case_sign_off": _flag,
    "attachment_file_mb": _megabytes,
    "attachment_concern_mb": _megabytes,
}


def parse(text: str) -> tuple[Policy, tuple[str, ...]]:
    """The policy in a file's text, and one message per problem, each naming its key."""
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))  # Notepad may add a BOM
    except tomllib.TOMLDecodeError as exc:
        hint = ""
        if '"' in text and "\\" in text:  # a backslash in a basic string is an escape
            hint = (" (Windows paths: write them in single quotes, 'C:\\CE\\vault', or with "
                    "forward slashes)")
        return Policy(), (f"the file is not valid TOML: {exc}{hint}; every key uses its "
                          "default",)
    return from_values(data)


def from_values(data: Mapping[str, Any]) -> tuple[Policy, tuple[str, ...]]:
    """The policy in a file's keys or the registry's values, and one message per problem."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in data.items():
        check = KEYS.get(key)
        if check is None:
            close = difflib.get_close_matches(key, KEYS, n=1)
            guess = f"; did you mean {close[0]}?" if close else f"; the keys are {', '.join(KEYS)}"
            problems.append(f"{key}: unknown key, ignored{guess}")
            continue
        try:
            values[key] = check(value)
        except _Bad as exc:
            problems.append(f"{key}: {exc}; the default applies")
    return Policy(**values), tuple(problems)


def read(path: Path) -> PolicyReading:
    """The policy at path; no file means no policy (most home installs)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return PolicyReading(Policy())
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return PolicyReading(Policy(), (f"the file could not be read ({reason}); every key "
                                        "uses its default",), path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return PolicyReading(Policy(), ("the file is not UTF-8 text (save it as UTF-8); every "
                                        "key uses its default",), path)
    policy, problems = parse(text)
    return PolicyReading(policy, problems + _open_to_everyone(path), path)


def find(machine: Sequence[Path], own: tuple[Path, str] | None,
         registry: PolicyReading | None = None) -> PolicyReading:
    """The policy in force. On Windows the registry policy (registry: Group Policy, Intune
    or the MSI's properties wrote it), on macOS the configuration profile's, wins whole
    when it holds any value. Otherwise the
    first of the machine's files (in their order) that exists wins; a file the session's
    environment names (own: the file and the variable naming it) counts only when none
    exists. Every other policy found is named in `ignored`."""
    found = [path for path in machine if _exists(path)]
    if registry is not None:
        winner = registry
        ignored = [f"{path} (the machine policy {registry.source} comes first)"
                   for path in found]
    elif not found:
        return read(own[0]) if own else PolicyReading(Policy())
    else:
        winner = dataclasses.replace(read(found[0]), source=found[0])
        ignored = [f"{path} (the policy in {found[0]} comes first)" for path in found[1:]]
    if own and _exists(own[0]):
        ignored.append(f"{own[0]}, named by {own[1]} (a machine policy exists, and wins)")
    return dataclasses.replace(winner, ignored=tuple(ignored))


def _exists(path: Path) -> bool:
    """A file we cannot even look for (a folder without permission) counts as there: read
    then says it cannot be read, and no other file takes its place."""
    try:
        path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True
    return True


def _open_to_everyone(path: Path) -> tuple[str, ...]:
    """A policy file any user may change could point every staff laptop's packets at
    someone else's recipient card. It still applies (refusing it would withdraw the
    school's idle lock too), but IT is told at every start until it is fixed. POSIX
    modes only: Windows guards ProgramData with ACLs."""
    if os.name != "posix":
        return ()
    try:
        mode = path.stat().st_mode
    except OSError:
        return ()
    if not mode & 0o002:
        return ()
    return (f"the file can be changed by every user of this computer (mode "
            f"{mode & 0o777:04o}); make it writable by administrators only (0644)",)


def problems_text(reading: PolicyReading) -> str:
    """What to tell the person at the computer about a bad policy file."""
    lines = "\n".join(f"\u2022 {problem}" for problem in reading.problems)
    return (f"The school's policy ({reading.source}) has problems. CE Recorder carries "
            f"on: each key named below uses its default, and the rest of the policy "
            f"applies.\n\n{lines}\n\nPlease tell your school's IT support.")


class MarkedDocuments:
    """A DocumentRenderer that stamps the policy's protective marking and school name on
    every handover document before rendering, whichever front end built it."""

    def __init__(self, make_renderer: Callable[[], DocumentRenderer], policy: Policy) -> None:
        self.policy = policy
        self._make: Callable[[], DocumentRenderer] | None = make_renderer
        self._renderer: DocumentRenderer | None = None

    @property
    def renderer(self) -> DocumentRenderer:
        """Made at the first document: the PDF libraries take a third of a second to load,
        which starting the app need not wait for."""
        if self._renderer is None:
            assert self._make is not None
            self._renderer, self._make = self._make(), None
        return self._renderer

    def loaded(self) -> MarkedDocuments:
        """Itself with the PDF libraries loaded now (the self-test checks they are there)."""
        _ = self.renderer
        return self

    def _header(self, header: DocumentHeader) -> DocumentHeader:
        return dataclasses.replace(
            header, marking=self.policy.protective_marking or header.marking,
            school=self.policy.school_name or header.school)

    def concern(self, doc: ConcernDocument) -> bytes:
        return self.renderer.concern(dataclasses.replace(doc, header=self._header(doc.header)))

    def chronology(self, doc: ChronologyDocument, *, landscape: bool = True) -> bytes:
        return self.renderer.chronology(
            dataclasses.replace(doc, header=self._header(doc.header)), landscape=landscape)

    def intel(self, doc: IntelDocument) -> bytes:
        return self.renderer.intel(dataclasses.replace(doc, header=self._header(doc.header)))

    def intel_csv(self, doc: IntelDocument) -> bytes:
        return self.renderer.intel_csv(
            dataclasses.replace(doc, header=self._header(doc.header)))

    def report(self, kind: str, doc: Any, *, csv: bool = False) -> bytes:
        return self.renderer.report(
            kind, dataclasses.replace(doc, header=self._header(doc.header)), csv=csv)

    def protect(self, data: bytes, password: str) -> bytes:
        return self.renderer.protect(data, password)

    def pages(self, data: bytes) -> PageSource:
        return self.renderer.pages(data)

"""Read models of the documents that leave the vault: a concern record and a child's
chronology. Services fill them; the export layer renders them. Plain frozen data: no
rendering and no storage here."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from cerecorder.domain.body_map import BodyMark
from cerecorder.domain.model import ActionKind, ChronologyEntry, EntryType, EventKind, Role
from cerecorder.domain.statuses import Professional, Status
from cerecorder.domain.timefmt import uk_date, uk_datetime

if TYPE_CHECKING:
    from cerecorder.domain.intel import IntelDocument

DEFAULT_MARKING = "OFFICIAL-SENSITIVE"
NBSP = "\u00a0"


ANOTHER_PUPIL = "another pupil"


def withhold_names(value: str, names: Iterable[str], keep: Iterable[str] = ()) -> str:
    """Text with other pupils' names, and the words of them, replaced by "[another
    pupil]": for a copy about one child of a concern about several. Whole words only, as
    written (a capitalised name, not the same word in lower case); words of `keep` (this
    child's own names, which a sibling may share) and words under 3 letters are left."""
    kept = {w for name in keep for w in re.split(r"[\s-]+", name) if w}
    full = {n.strip() for n in names if n.strip()}
    parts = {w for name in full for w in re.split(r"[\s-]+", name)
             if len(w) >= 3 and w not in kept}
    wanted = sorted(full | parts, key=len, reverse=True)  # a full name before its words
    if not wanted:
        return value
    pattern = "|".join(re.escape(w) for w in wanted)
    return re.sub(rf"(?<!\w)(?:{pattern})(?!\w)", f"[{ANOTHER_PUPIL}]", value)


def name_warning(name: str) -> str:
    """What to tell the user before exporting a document that names this child, when the
    PDF cannot draw the name faithfully (see export.pdf: no right-to-left shaping, no CJK
    glyphs in DejaVu Sans); "" when it can."""
    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in name):
        return (f"{name}: the name is in a right-to-left script, which the PDF prints "
                "unjoined and in the wrong order; check it by hand (the UPN identifies "
                "the child).")
    if any(unicodedata.east_asian_width(c) in ("W", "F") and unicodedata.category(c) == "Lo"
           for c in name):
        return (f"{name}: the PDF cannot draw Chinese, Japanese or Korean characters (they "
                "print as empty boxes); check the name by hand (the UPN identifies the "
                "child).")
    return ""


def unbroken(value: str) -> str:
    """A label and its value that must stay on one line (no-break spaces)."""
    return value.replace(" ", NBSP)

ENTRY_TYPE_LABELS = {
    EntryType.CONCERN: "Concerns",
    EntryType.ADDENDUM: "Addenda",
    EntryType.TRIAGE: "DSL decisions",
    EntryType.ACTION: "Actions",
    EntryType.OUTCOME: "Outcomes",
    EntryType.EVENT: "Events",
    EntryType.SCREENING: "Screenings",
}
SIGNIFICANT_ONLY = "significant events only"


@dataclass(frozen=True)
class ChildSummary:
    """A child as a document names them."""

    name: str
    legal_name: str
    date_of_birth: date | None = None
    upn: str = ""
    year_group: str = ""
    reg_group: str = ""
    gender: str = ""
    flags: tuple[str, ...] = ()  # labels, e.g. "Looked after"
    #: another pupil in a copy made for one child: shown without name, DOB or UPN
    withheld: bool = False

    @property
    def dob_text(self) -> str:
        return uk_date(self.date_of_birth) if self.date_of_birth else "Not recorded"

    @property
    def identity(self) -> str:
        """Name, date of birth and UPN: what identifies the child on every page. No-break
        spaces keep each label with its value."""
        dob = unbroken(f"DOB {self.dob_text}")
        upn = unbroken(f"UPN {self.upn or 'not recorded'}")
        return f"{self.name} · {dob} · {upn}"


@dataclass(frozen=True)
class IndicatorLine:
    """One ticked sign, labelled as it was in the concern's taxonomy version."""

    group: str
    label: str
    applicability: str  # "CCE", "CSE" or "CCE and CSE"
    code: str = ""


ROLE_LABELS = {Role.STAFF: "member of staff", Role.DSL: "DSL", Role.ADMIN: "administrator"}


def who(name: str, role: str) -> str:
    """A recorder as a document names them: "Dana Lead (DSL)", or the role alone in a
    copy without staff names."""
    if name and role:
        return f"{name} ({role})"
    return name or role or "?"


@dataclass(frozen=True)
class AddendumLine:
    author: str
    created_at: datetime
    tz: str
    body: str
    role: str = ""  # the author's role, as ROLE_LABELS names it

    @property
    def when(self) -> str:
        return uk_datetime(self.created_at, self.tz)


@dataclass(frozen=True)
class AttachmentLine:
    """One of the concern's files as the record lists it: enough to check the evidence
    later (the full SHA-256), never its content."""

    attachment_id: int
    file_name: str
    kind: str  # the AttachmentKind's value
    size: int
    sha256: str
    added_by: str
    role: str
    added_at: datetime
    tz: str
    taken_at: datetime | None = None  # a photo's time taken, by the camera's clock
    has_location: bool = False

    @property
    def when(self) -> str:
        return uk_datetime(self.added_at, self.tz)


@dataclass(frozen=True)
class DslLine:
    """One thing the DSL did about a concern: a triage decision and its reason, an action
    (to whom and when), or an outcome."""

    what: str  # "Decision", "Action" or "Outcome"
    detail: str
    by: str
    role: str
    at: datetime
    tz: str
    child: str = ""  # the child an action or outcome is about, where several are involved

    @property
    def when(self) -> str:
        return uk_datetime(self.at, self.tz)


@dataclass(frozen=True)
class DocumentHeader:
    """What every page of a document carries."""

    school: str
    marking: str
    document_id: str
    generated_by: str
    generated_at: datetime  # aware UTC
    generated_tz: str
    demo: bool
    generated_role: str = ""  # the generating user's role, as ROLE_LABELS names it
    #: whom the document is about (ChildSummary.identity), so that every page of a mixed
    #: pile of printouts can be sorted back to its child
    subject: str = ""
    #: a partial document says so on every page: "Extract: ..." or "Copy for ... only"
    scope: str = ""
    #: the vault's signed anchor when the document was made, as compact JSON (kept in the
    #: PDF's keywords), so a printed or sent document bears witness to the audit's state
    anchor: str = ""

    @property
    def generated_line(self) -> str:
        return (f"Generated by {self.generated_by} on "
                f"{uk_datetime(self.generated_at, self.generated_tz)}")


@dataclass(frozen=True)
class ConcernDocument:
    header: DocumentHeader
    concern_id: int
    concern_uid: str
    children: tuple[ChildSummary, ...]
    author: str
    created_at: datetime
    submitted_at: datetime | None
    occurred_at: datetime | None
    tz: str
    location: str
    facts: str
    child_words: str
    opinion: str
    indicators: tuple[IndicatorLine, ...]
    indicators_other: str
    action_taken: str
    informed: str
    urgency: str  # the label
    taxonomy_version: str
    #: the kinds of concern (KCSIE Part one) it is counted under, as labels
    categories: tuple[str, ...] = ()
    addenda: tuple[AddendumLine, ...] = ()
    #: what the DSL did, in time order
    dsl_part: tuple[DslLine, ...] = ()
    dsl_part_included: bool = True  # False in a copy made by its recorder, not the DSL
    author_role: str = ""
    #: a copy for one child's file: that child's name, else "" for the DSL's full copy
    copy_for: str = ""
    purpose: str = ""  # of disclosure: required for a copy that leaves the school
    #: the body map's marks: the concern's own, then those of correcting addenda
    body_marks: tuple[BodyMark, ...] = ()
    #: the concern's files, its own then those brought with addenda, in order added
    attachments: tuple[AttachmentLine, ...] = ()
    #: the files the DSL chose to append (all of them), by attachment id, with their bytes
    appended: tuple[tuple[int, str, bytes], ...] = ()

    @property
    def warnings(self) -> tuple[str, ...]:
        """Names in the copy the PDF cannot draw faithfully (name_warning)."""
        return tuple(w for w in (name_warning(c.name) for c in self.children
                                 if not c.withheld) if w)

    @property
    def withheld(self) -> int:
        return sum(1 for child in self.children if child.withheld)

    @property
    def copy_note(self) -> str:
        """What the record says about whose copy it is, when several children are in it."""
        others = self.withheld
        if self.copy_for and others:
            pupils = "pupil" if others == 1 else "pupils"
            return (f"This copy is for {self.copy_for}'s file. The other {others} {pupils} "
                    f"involved appear as \u201c{ANOTHER_PUPIL}\u201d, without name, date of "
                    "birth or UPN, and their names are replaced in the text where they match "
                    "the school's records: check the text before sharing. The DSL's full "
                    "copy stays on the school's file.")
        if len(self.children) > 1:
            return ("The DSL's full copy for the school's own file: it names every pupil "
                    "involved. Share a copy for one child's file instead.")
        return ""

    def when(self, moment: datetime | None) -> str:
        return uk_datetime(moment, self.tz) if moment is not None else "Not recorded"


@dataclass(frozen=True)
class ChronologyDocument:
    header: DocumentHeader
    child_id: int
    child: ChildSummary
    purpose: str
    period_from: date | None  # the filter's start, else the first entry's date
    period_to: date | None
    date_from: date | None  # the filters as chosen
    date_to: date | None
    entry_types: tuple[EntryType, ...] | None  # None: every type
    rows: tuple[ChronologyEntry, ...]
    #: PERIOD_COUNTS over every entry in the period, whatever the entry types chosen
    counts: tuple[tuple[str, int], ...] = ()
    #: the summary chronology: only the entries the DSL marked as significant
    significant_only: bool = False
    #: the child's statuses and the professionals involved over the period, oldest first
    statuses: tuple[Status, ...] = ()
    professionals: tuple[Professional, ...] = ()
    dsl_contact: str = ""  # how the DSL who made the document is reached
    #: how many files each concern in the rows holds, by concern id (none: left out)
    attachment_counts: tuple[tuple[int, int], ...] = ()

    @property
    def period_text(self) -> str:
        if self.period_from is None and self.period_to is None:
            return "No entries"
        start = uk_date(self.period_from) if self.period_from else "the first entry"
        end = uk_date(self.period_to) if self.period_to else "the last entry"
        return f"{start} to {end}"

    @property
    def warnings(self) -> tuple[str, ...]:
        """Names the PDF cannot draw faithfully (name_warning)."""
        warning = name_warning(self.child.name)
        return (warning,) if warning else ()

    @property
    def filters_text(self) -> str:
        parts = []
        if self.date_from or self.date_to:
            parts.append("dates " + _span(self.date_from, self.date_to))
        types = _types_text(self.entry_types)
        if types:
            parts.append(f"entry types: {types}")
        if self.significant_only:
            parts.append(SIGNIFICANT_ONLY)
        if not parts:
            return "None: the complete chronology"
        return "; ".join(parts)


def _span(start: date | None, end: date | None) -> str:
    return (f"{uk_date(start) if start else 'the first entry'} to "
            f"{uk_date(end) if end else 'the last entry'}")


def _types_text(entry_types: tuple[EntryType, ...] | None) -> str:
    """The entry types chosen, or "" when the choice leaves none out."""
    if entry_types is None or set(entry_types) == set(EntryType):
        return ""
    return ", ".join(ENTRY_TYPE_LABELS[t] for t in EntryType if t in entry_types)


#: what a chronology's front sheet counts over its period: a label and the (entry type,
#: kind) pairs that count towards it
PERIOD_COUNTS: tuple[tuple[str, frozenset[tuple[EntryType, str]]], ...] = (
    ("Concerns", frozenset({(EntryType.CONCERN, "")})),
    ("Missing episodes", frozenset({(EntryType.EVENT, EventKind.MISSING_EPISODE)})),
    ("Return-home interviews", frozenset({(EntryType.EVENT,
                                           EventKind.RETURN_HOME_INTERVIEW)})),
    ("Police contacts", frozenset({(EntryType.EVENT, EventKind.POLICE_CONTACT),
                                   (EntryType.ACTION, ActionKind.POLICE)})),
    ("Referrals", frozenset({(EntryType.EVENT, EventKind.REFERRAL),
                             (EntryType.ACTION, ActionKind.REFERRAL_MASH),
                             (EntryType.ACTION, ActionKind.REFERRAL_CSC),
                             (EntryType.ACTION, ActionKind.EARLY_HELP)})),
    ("Strategy meetings", frozenset({(EntryType.EVENT, EventKind.STRATEGY_MEETING)})),
    ("Child protection conferences", frozenset({(EntryType.EVENT,
                                                 EventKind.CP_CONFERENCE)})),
)


def period_counts(entries: Iterable[ChronologyEntry]) -> tuple[tuple[str, int], ...]:
    """How many of each kind of significant entry: for the front sheet."""
    seen = [(e.entry_type, e.kind if e.entry_type is not EntryType.CONCERN else "")
            for e in entries]
    return tuple((label, sum(1 for s in seen if s in kinds)) for label, kinds in PERIOD_COUNTS)


def extract_line(date_from: date | None, date_to: date | None,
                 entry_types: tuple[EntryType, ...] | None, significant_only: bool = False
                 ) -> str:
    """What a filtered chronology says on every page; "" for the complete one."""
    types = _types_text(entry_types)
    if not (date_from or date_to or types or significant_only):
        return ""
    dates = _span(date_from, date_to) if date_from or date_to else "all dates"
    return (f"Extract: {dates}, " + (f"entry types: {types}" if types else "all entry types")
            + (f", {SIGNIFICANT_ONLY}" if significant_only else ""))


_FOLDED = (EntryType.TRIAGE, EntryType.ACTION, EntryType.OUTCOME)


def _done(entry: ChronologyEntry, what: str) -> str:
    """A decision, action or outcome as a line of its concern's row: what, then who and
    when."""
    return (f"{what} ({who(entry.recorded_by, entry.recorded_role)}, "
            f"{uk_datetime(entry.occurred_at, entry.tz)})")


def _decision(text: str) -> str:
    """ "Label: reason" (as the chronology gives a decision) as "Decision: Label. Reason:
    reason"."""
    label, _, reason = text.partition(": ")
    return f"Decision: {label}." + (f" Reason: {reason}" if reason else "")


def fold_dsl_work(rows: Sequence[ChronologyEntry],
                  keep: Callable[[ChronologyEntry], bool] = lambda _: True
                  ) -> list[ChronologyEntry]:
    """The rows a handover chronology shows: the DSL's decisions (with their reasons) and
    actions on a concern go into that concern's Action column, and their outcomes into its
    Outcome column, instead of rows of their own; a concern's work follows its row even
    when only the concern passes `keep` (the significance filter). Work on a concern that
    is not shown stays a row of its own, if it passes `keep` itself (a decision with its
    reason in the Action column)."""
    shown = {r.concern_id for r in rows if r.entry_type is EntryType.CONCERN and keep(r)}
    actions: dict[int, list[str]] = defaultdict(list)
    outcomes: dict[int, list[str]] = defaultdict(list)
    out: list[ChronologyEntry] = []
    for row in rows:
        concern = row.concern_id
        if row.entry_type in _FOLDED and concern is not None and concern in shown:
            if row.entry_type is EntryType.TRIAGE:
                actions[concern].append(_done(row, _decision(row.decision)))
            elif row.entry_type is EntryType.ACTION:
                actions[concern].append(_done(row, row.event))
                if row.outcome:
                    outcomes[concern].append(row.outcome)
            else:
                outcomes[concern].append(_done(row, row.outcome))
            continue
        if keep(row):
            out.append(dataclasses.replace(
                row, event=f"DSL decision on concern #{concern}",
                decision=_decision(row.decision))
                if row.entry_type is EntryType.TRIAGE else row)
    return [dataclasses.replace(row, decision="\n".join(actions[row.concern_id]),
                                outcome="\n".join(outcomes[row.concern_id]))
            if row.entry_type is EntryType.CONCERN and row.concern_id is not None
            and (row.concern_id in actions or row.concern_id in outcomes) else row
            for row in out]


@dataclass(frozen=True)
class PageImage:
    """One page of a rendered document as pixels: 4 bytes a pixel (red, green, blue,
    unused), rows of `stride` bytes. For the preview and for printing, which draw the
    PDF's own pages so that paper and file are the same document."""

    width: int
    height: int
    stride: int
    pixels: bytes
    landscape: bool


class PageSource(Protocol):
    """The pages of one rendered document, drawn one at a time (a long chronology is
    never held as images all at once)."""

    def __len__(self) -> int: ...

    def size(self, index: int) -> tuple[float, float]:
        """Width and height of a page in points (1/72 inch)."""
        ...

    def page(self, index: int, dpi: float) -> PageImage: ...

    def close(self) -> None: ...


class DocumentRenderer(Protocol):
    """Turns the read models into files. The export layer provides one (export.pdf.
    PdfRenderer); the composition root hands it to the front ends, which may not import
    the export layer themselves."""

    def concern(self, doc: ConcernDocument) -> bytes: ...

    def chronology(self, doc: ChronologyDocument, *, landscape: bool = True) -> bytes: ...

    def intel(self, doc: IntelDocument) -> bytes: ...

    def intel_csv(self, doc: IntelDocument) -> bytes: ...

    def report(self, kind: str, doc: Any, *, csv: bool = False) -> bytes:
        """A report (export.reports.RENDERERS names each kind) as a PDF, or its CSV."""
        ...

    def protect(self, data: bytes, password: str) -> bytes: ...

    def pages(self, data: bytes) -> PageSource: ...

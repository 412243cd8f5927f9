"""Matching a roll read from the MIS (domain.roster) to the children already in the
vault. Pure: rows and records in, a plan out.

One identity per child: a second record for the same child splits the chronology, which
is how warning signs get missed. So a row is matched on UPN, then admission number, then
legal name and date of birth, and anything doubtful is shown as a conflict, never guessed.
"""

from __future__ import annotations

import enum
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from cerecorder.domain.model import Child, ChildDetails
from cerecorder.domain.roster import RosterField, RosterRow, RowProblem, name_key
from cerecorder.domain.timefmt import uk_date


class Outcome(enum.StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class Change:
    field: RosterField | None  # None: the pupil comes back onto the roll
    before: str
    after: str


@dataclass(frozen=True)
class PlannedRow:
    row: RosterRow
    outcome: Outcome
    child_id: int | None = None
    matched_on: str = ""
    changes: tuple[Change, ...] = ()
    conflict: str = ""
    #: the existing records a conflicting row could be
    candidates: tuple[int, ...] = ()
    #: what the record becomes (new and updated rows)
    result: ChildDetails | None = None


@dataclass(frozen=True)
class ImportPlan:
    rows: tuple[PlannedRow, ...]
    problems: tuple[RowProblem, ...]
    leavers: tuple[Child, ...]
    left_on: date | None

    def of(self, outcome: Outcome) -> list[PlannedRow]:
        return [r for r in self.rows if r.outcome is outcome]

    @property
    def counts(self) -> dict[str, int]:
        counts = {o.value: len(self.of(o)) for o in Outcome}
        counts["left"] = len(self.leavers)
        counts["problems"] = len(self.problems)
        return counts

    @property
    def skipped(self) -> int:
        """Rows the commit would leave out: problems and conflicts."""
        return len(self.problems) + len(self.of(Outcome.CONFLICT))

    def fingerprint(self) -> str:
        """What the commit would write; if the vault changed since the preview, this does."""
        parts: list[str] = []
        for r in self.rows:
            parts.append(f"{r.row.line}:{r.outcome}:{r.child_id}:{r.result!r}")
        parts.extend(f"left:{c.id}" for c in self.leavers)
        parts.append(f"on:{self.left_on}")
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


#: an import never blanks these: a pupil keeps an identifier the file happens to lack
_KEPT_IF_BLANK = (RosterField.UPN, RosterField.ADMISSION_NUMBER, RosterField.DATE_OF_BIRTH)
_NAMES = (RosterField.LEGAL_FORENAMES, RosterField.LEGAL_SURNAME,
          RosterField.PREFERRED_FORENAMES, RosterField.PREFERRED_SURNAME)


def _shown(value: object) -> str:
    if isinstance(value, date):
        return uk_date(value)
    return "" if value is None else str(value)


def _merge_into(existing: ChildDetails, row: RosterRow) -> tuple[ChildDetails, list[Change]]:
    updates: dict[str, Any] = {}
    changes: list[Change] = []
    for target in RosterField:
        if target not in row.supplied:
            continue
        new = getattr(row.details, target.value)
        old = getattr(existing, target.value)
        if target in _KEPT_IF_BLANK and new in ("", None):
            continue
        if target in _NAMES and new and name_key(new, "") == name_key(old, ""):
            continue  # an export in capitals or without accents does not restyle a name
        if new != old:
            updates[target.value] = new
            changes.append(Change(target, _shown(old), _shown(new)))
    return replace(existing, **updates), changes


@dataclass
class _Index:
    by_upn: dict[str, int] = field(default_factory=dict)
    by_admission: dict[str, int] = field(default_factory=dict)
    by_name: dict[tuple[str, date | None], list[int]] = field(
        default_factory=lambda: defaultdict(list))
    by_name_only: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def plan_import(
    rows: Iterable[RosterRow],
    problems: Iterable[RowProblem],
    existing: Sequence[Child],
    *,
    full_roll: bool,
    left_on: date | None,
    merged_into: Mapping[int, int] | None = None,
    mentioned: Iterable[str] = (),
) -> ImportPlan:
    """Match each row to at most one child. ``existing`` is every child in the vault,
    leavers too; ``merged_into`` sends a merged record's identifiers to the record it was
    merged into. ``mentioned`` are the UPNs and admission numbers on any row of the file,
    problem rows too: a child named there, or by legal name on a problem row, is never
    counted as a leaver."""
    merged = dict(merged_into or {})
    children = {c.id: c for c in existing}
    index = _Index()
    for child in sorted(existing, key=lambda c: c.id in merged):  # own identifiers first
        target = merged.get(child.id, child.id)
        d = child.details
        if d.upn:
            index.by_upn.setdefault(d.upn, target)
        if d.admission_number:
            index.by_admission.setdefault(d.admission_number, target)
        if child.id not in merged:
            key = (name_key(d.legal_forenames, d.legal_surname), d.date_of_birth)
            index.by_name[key].append(child.id)
            index.by_name_only[key[0]].append(child.id)

    planned = _one_row_per_pupil([_plan_row(row, index, children) for row in rows], children)

    problem_rows = tuple(problems)
    leavers: list[Child] = []
    if full_roll:
        touched = {p.child_id for p in planned if p.child_id is not None}
        touched |= {i for p in planned for i in p.candidates}
        named = set(mentioned)
        # a row that cannot be read may still be this pupil: never guess they have left
        on_problem_rows = {p.pupil_key for p in problem_rows if p.pupil_key}
        for child in existing:
            if (child.left_on is None and child.id not in merged and child.id not in touched
                    and child.details.upn not in named
                    and child.details.admission_number not in named
                    and name_key(child.details.legal_forenames,
                                 child.details.legal_surname) not in on_problem_rows):
                leavers.append(child)
    return ImportPlan(tuple(planned), problem_rows, tuple(leavers),
                      left_on if full_roll else None)


def _told_apart(a: ChildDetails, b: ChildDetails) -> bool:
    return bool((a.upn and b.upn and a.upn != b.upn) or (
        a.admission_number and b.admission_number and a.admission_number != b.admission_number))


def _one_row_per_pupil(planned: list[PlannedRow],
                       children: Mapping[int, Child]) -> list[PlannedRow]:
    """Rows that are, or may be, one pupil twice: rows matching the same record, and new
    rows with one name and date of birth and nothing to tell them apart. Either row could
    be the right one, so neither is applied: each is a conflict."""
    by_child: dict[int, list[int]] = defaultdict(list)
    by_name: dict[tuple[str, date | None], list[PlannedRow]] = defaultdict(list)
    for p in planned:
        if p.outcome is Outcome.NEW:
            d = p.row.details
            by_name[(name_key(d.legal_forenames, d.legal_surname), d.date_of_birth)].append(p)
        elif p.outcome is not Outcome.CONFLICT and p.child_id is not None:
            by_child[p.child_id].append(p.row.line)
    why: dict[int, PlannedRow] = {}
    for p in planned:
        if p.outcome is Outcome.NEW:
            d = p.row.details
            twins = [o.row.line for o in by_name[(name_key(d.legal_forenames, d.legal_surname),
                                                  d.date_of_birth)]
                     if o is not p and not _told_apart(d, o.row.details)]
            if twins:
                lines = ", ".join(map(str, twins))
                alike = "name and date of birth" if d.date_of_birth else (
                    "name and no date of birth")
                why[p.row.line] = _conflict(p.row, (
                    f"same {alike} as line {lines}, and no UPN or admission number to tell "
                    "them apart: remove the repeated line, or give each pupil their UPN"))
        elif p.child_id is not None and len(by_child.get(p.child_id, ())) > 1:
            lines = ", ".join(str(n) for n in by_child[p.child_id] if n != p.row.line)
            why[p.row.line] = _conflict(p.row, (
                f"matches the same pupil as line {lines} "
                f"({children[p.child_id].legal_name}): the file has this pupil twice"),
                p.child_id)
    return [why.get(p.row.line, p) for p in planned]


def _plan_row(row: RosterRow, index: _Index, children: Mapping[int, Child]) -> PlannedRow:
    d = row.details
    by_upn = index.by_upn.get(d.upn) if d.upn else None
    by_adno = index.by_admission.get(d.admission_number) if d.admission_number else None
    if by_upn is not None:
        if by_adno is not None and by_adno != by_upn:
            return _conflict(row, (
                f"its UPN is #{by_upn}'s ({children[by_upn].legal_name}) but its admission "
                f"number is #{by_adno}'s ({children[by_adno].legal_name})"), by_upn, by_adno)
        return _matched(row, children[by_upn], "UPN")
    if by_adno is not None:
        other = children[by_adno]
        if d.upn and other.details.upn and not _permanent_upn_for(other.details, d):
            return _conflict(row, (
                f"admission number {d.admission_number} belongs to #{by_adno} "
                f"({other.legal_name}), whose UPN is {other.details.upn}, not {d.upn}"), by_adno)
        return _matched(row, other, "admission number")
    key = (name_key(d.legal_forenames, d.legal_surname), d.date_of_birth)
    same = index.by_name.get(key, []) if d.date_of_birth is not None else []
    if len(same) > 1:
        ids = ", ".join(f"#{i}" for i in same)
        return _conflict(row, f"several pupils have this name and date of birth ({ids}); "
                              "merge them or give the row a UPN", *same)
    if same:
        other = children[same[0]]
        if d.upn and other.details.upn and not _permanent_upn_for(other.details, d):
            return _conflict(row, (
                f"same name and date of birth as #{other.id}, whose UPN is "
                f"{other.details.upn}, not {d.upn}"), other.id)
        if d.admission_number and other.details.admission_number:
            return _conflict(row, (
                f"same name and date of birth as #{other.id}, whose admission number is "
                f"{other.details.admission_number}, not {d.admission_number}"), other.id)
        return _matched(row, other, "name and date of birth")
    return _by_name_alone(row, index, children)


def _permanent_upn_for(record: ChildDetails, row: ChildDetails) -> bool:
    """A pupil admitted with a temporary UPN (its last character a letter) is given a
    permanent one later; the next roll then has the new UPN against the old record. It
    is the same pupil only if the name and date of birth agree too."""
    return (record.upn[-1:].isalpha() and row.upn[-1:].isdigit()
            and record.date_of_birth is not None
            and record.date_of_birth == row.date_of_birth
            and name_key(record.legal_forenames, record.legal_surname)
            == name_key(row.legal_forenames, row.legal_surname))


def _by_name_alone(row: RosterRow, index: _Index, children: Mapping[int, Child]) -> PlannedRow:
    """No identifier matched. A record of this name with no date of birth (typed in by
    hand before the roll came) is this pupil if it is the only one and nothing in it
    contradicts the row; a row with no date of birth against a record that has one
    cannot be told apart, so it waits for a person to decide."""
    d = row.details
    named = [children[i] for i in index.by_name_only.get(
        name_key(d.legal_forenames, d.legal_surname), [])]
    if not named:
        return PlannedRow(row, Outcome.NEW, result=d)
    undated = [c for c in named if c.details.date_of_birth is None
               and not (d.upn and c.details.upn)
               and not (d.admission_number and c.details.admission_number)]
    if len(undated) == 1:
        return _matched(row, undated[0], "name (the record had no date of birth)")
    ids = tuple(c.id for c in (undated or named))
    listed = ", ".join(f"#{i}" for i in ids)
    if len(undated) > 1:
        return _conflict(row, f"several records of this name have no date of birth "
                              f"({listed}): give the file UPNs or dates of birth, or merge "
                              "the records if they are one child", *ids)
    if d.date_of_birth is None:
        return _conflict(row, f"no date of birth, UPN or admission number to tell this pupil "
                              f"from {listed} of the same name", *ids)
    return PlannedRow(row, Outcome.NEW, result=d)


def _conflict(row: RosterRow, why: str, *candidates: int) -> PlannedRow:
    return PlannedRow(row, Outcome.CONFLICT, conflict=why, candidates=candidates)


def _matched(row: RosterRow, child: Child, on: str) -> PlannedRow:
    if on == "UPN":  # found by a UPN it already holds, or one of a record merged into it
        row = replace(row, supplied=row.supplied - {RosterField.UPN})
    result, changes = _merge_into(child.details, row)
    if child.left_on is not None:
        changes.append(Change(None, f"left {uk_date(child.left_on)}", "on roll"))
    if not changes:
        return PlannedRow(row, Outcome.UNCHANGED, child.id, on)
    return PlannedRow(row, Outcome.UPDATED, child.id, on, tuple(changes), result=result)

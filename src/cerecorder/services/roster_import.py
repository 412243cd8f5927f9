"""Importing the pupil roll from the school's MIS: open the file, preview what would
change, then commit it all or nothing, audited. The app's wizard and
`cerecorder-admin import-roster` both go through here and show the same preview.

The DSL or the school administrator may import: a roll holds what the MIS already holds
(names, dates of birth, UPNs, groups) and no safeguarding record.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import Role
from cerecorder.domain.roster import (
    RosterField,
    RosterFile,
    RosterRow,
    RowProblem,
    check_mapping,
    counted,
    guess_mapping,
    header_key,
    mentioned_identifiers,
    parse_rows,
    read_roster,
)
from cerecorder.domain.roster_match import ImportPlan, Outcome, PlannedRow, plan_import
from cerecorder.domain.rules import check_date
from cerecorder.domain.schooldays import NO_BANK_HOLIDAYS, BankHolidays
from cerecorder.domain.timefmt import local_date, uk_date
from cerecorder.services import audit, calendar, transfers
from cerecorder.services.access import require
from cerecorder.services.session import Session
from cerecorder.storage.uow import UnitOfWork

_MAPPING_KEY = "roster_mapping:"
IMPORTERS = (Role.DSL, Role.ADMIN)


@dataclass(frozen=True)
class RosterSource:
    """The file read, and the column mapping to start from."""

    file: RosterFile
    header_key: str
    mapping: dict[int, RosterField]
    #: "remembered" (this header set was imported before) or "recognised" (by header name)
    mapping_from: str


@dataclass(frozen=True)
class RosterPreview:
    source: RosterSource
    mapping: dict[int, RosterField]
    rows: tuple[RosterRow, ...]
    plan: ImportPlan
    full_roll: bool


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    left: int
    skipped: int
    #: leavers with a safeguarding file, each given a transfer to send
    transfers_opened: int = 0


def today(session: Session) -> date:
    return local_date(session.clock.now(), session.tz)


def _remembered(uow: UnitOfWork, key: str, header: tuple[str, ...]) -> dict[int, RosterField]:
    text = uow.meta.get(_MAPPING_KEY + key)
    if text is None:
        return {}
    try:
        saved = json.loads(text)
        mapping = {int(i): RosterField(f) for i, f in saved.items()}
        check_mapping(header, mapping)
    except (ValueError, TypeError, AttributeError, InvalidInput):
        return {}  # a mapping that no longer fits is forgotten, not trusted
    return mapping


def open_roster(session: Session, data: bytes) -> RosterSource:
    """Read the file; start from the mapping last used for this header set, if any."""
    require(session.user, *IMPORTERS)
    roster = read_roster(data)
    key = header_key(roster.header)
    with session.uow() as uow:
        remembered = _remembered(uow, key, roster.header)
    if remembered:
        return RosterSource(roster, key, remembered, "remembered")
    return RosterSource(roster, key, guess_mapping(roster.header), "recognised")


def _plan(uow: UnitOfWork, source: RosterSource, mapping: Mapping[int, RosterField],
          rows: list[RosterRow], problems: list[RowProblem], full_roll: bool,
          left_on: date | None) -> ImportPlan:
    return plan_import(
        rows, problems, uow.children.all(include_left=True, include_merged=True),
        full_roll=full_roll, left_on=left_on, merged_into=uow.children.merged_map(),
        mentioned=mentioned_identifiers(source.file, mapping))


def preview_import(
    session: Session, source: RosterSource, mapping: Mapping[int, RosterField] | None = None,
    *, full_roll: bool = False, left_on: date | None = None,
) -> RosterPreview:
    """What the import would do. Writes nothing."""
    require(session.user, *IMPORTERS)
    if full_roll and not source.file.rows:
        raise InvalidInput("The file has headings but no pupils, so it cannot be the whole "
                           "roll: every pupil would be marked as left. Export the roll again.")
    check_date(left_on, today(session), "The leaving date")
    chosen = dict(source.mapping if mapping is None else mapping)
    rows, problems = parse_rows(source.file, chosen, today(session))
    with session.uow() as uow:
        plan = _plan(uow, source, chosen, rows, problems, full_roll,
                     (left_on or today(session)) if full_roll else None)
    return RosterPreview(source, chosen, tuple(rows), plan, full_roll)


def commit_import(session: Session, preview: RosterPreview, *,
                  import_rest: bool = False, holidays: BankHolidays | None = None
                  ) -> ImportResult:
    """Write the previewed import in one transaction: every change or none. Refused if
    the roll changed since the preview, or if rows would be left out without consent.
    A leaver whose file holds records gets a transfer to send (KCSIE), its deadline in
    school days (holidays: the bank holidays; without them the deadline is estimated)."""
    require(session.user, *IMPORTERS)
    plan = preview.plan
    deadline = None if plan.left_on is None else calendar.transfer_deadline(
        session, holidays or NO_BANK_HOLIDAYS, plan.left_on)
    if plan.skipped and not import_rest:
        raise InvalidInput(
            f"{counted(plan.skipped)} with problems or conflicts. Fix the file and import it "
            "again, or choose to import the rest.")
    now = session.clock.now()
    user = session.user
    with session.uow() as uow:
        current = _plan(uow, preview.source, preview.mapping, list(preview.rows),
                        list(plan.problems), preview.full_roll, plan.left_on)
        if current.fingerprint() != plan.fingerprint():
            raise InvalidInput("The pupil list changed since this preview was made. "
                               "Preview the file again.")
        added = updated = 0
        for p in current.rows:
            if p.outcome is Outcome.NEW and p.result is not None:
                child_id = uow.children.add(p.result, now, user.id)
                audit.record(uow, session.clock, user, "child_added", "child", child_id,
                             source="roster_import")
                added += 1
            elif p.outcome is Outcome.UPDATED and p.child_id is not None:
                assert p.result is not None  # an updated row always carries its result
                uow.children.update(p.child_id, p.result)
                returned = any(c.field is None for c in p.changes)
                if returned:
                    uow.children.set_left(p.child_id, None)
                audit.record(uow, session.clock, user, "child_updated", "child", p.child_id,
                             source="roster_import", returned_to_roll=returned,
                             fields=sorted(c.field.value for c in p.changes if c.field))
                updated += 1
        for child in current.leavers:
            uow.children.set_left(child.id, current.left_on)
            audit.record(uow, session.clock, user, "child_left", "child", child.id,
                         source="roster_import")
        transfers_opened = [] if deadline is None or current.left_on is None else \
            transfers.open_for_leavers(uow, session, [c.id for c in current.leavers],
                                       current.left_on, deadline)
        uow.meta.set(_MAPPING_KEY + preview.source.header_key, json.dumps(
            {str(i): f.value for i, f in sorted(preview.mapping.items())}))
        audit.record(uow, session.clock, user, "roster_imported", "roster",
                     preview.source.header_key, encoding=preview.source.file.encoding,
                     full_roll=preview.full_roll, **current.counts)
        uow.commit()
    return ImportResult(added, updated, len(current.leavers), current.skipped,
                        len(transfers_opened))


def transfers_text(result: ImportResult) -> str:
    """What the import opened for the DSL ('' when nothing), ending in a space."""
    n = result.transfers_opened
    if not n:
        return ""
    opened = "a transfer" if n == 1 else "transfers"
    return (f"{counted(n, 'leaver')} with a safeguarding file: {opened} to send opened, "
            "the receiving school to be named by the DSL (Transfers). ")


# -- the preview as text (the command line prints it; the wizard shows the same lines) ----


def row_name(p: PlannedRow) -> str:
    return f"{p.row.details.legal_forenames} {p.row.details.legal_surname}".strip()


def row_identifiers(p: PlannedRow) -> str:
    d = p.row.details
    return ", ".join(text for text in (
        f"born {uk_date(d.date_of_birth)}" if d.date_of_birth else "",
        f"UPN {d.upn}" if d.upn else "",
        f"adno {d.admission_number}" if d.admission_number else "") if text)


def row_action(p: PlannedRow) -> str:
    """What the import would do with the row, in words."""
    if p.outcome is Outcome.NEW:
        groups = " ".join(v for v in (p.row.details.year_group, p.row.details.reg_group) if v)
        return "new pupil" + (f" in {groups}" if groups else "")
    if p.outcome is Outcome.CONFLICT:
        return p.conflict
    found = f"#{p.child_id}, matched on {p.matched_on}"
    if p.outcome is Outcome.UNCHANGED:
        return f"{found}: no change"
    changes = "; ".join(
        (f"{c.field.label}: {c.before or '(blank)'} → {c.after or '(blank)'}" if c.field
         else f"back on roll (was {c.before})") for c in p.changes)
    return f"{found}: {changes}"


def describe_row(p: PlannedRow) -> str:
    ids = row_identifiers(p)
    return f"{row_name(p)}" + (f" ({ids})" if ids else "") + f": {row_action(p)}"


def summary_line(plan: ImportPlan) -> str:
    c = plan.counts
    parts = [f"{c['new']} new", f"{c['updated']} updated", f"{c['unchanged']} unchanged",
             f"{c['conflict']} conflicting", counted(c['problems'], "problem row")]
    if plan.left_on is not None:
        parts.append(f"{c['left']} to mark as left on {uk_date(plan.left_on)}")
    return ", ".join(parts) + "."


def leaver_warning(preview: RosterPreview, on_roll: int) -> str:
    """A full-roll import that would empty much of the roll is more likely the wrong file."""
    left = len(preview.plan.leavers)
    if left and left * 4 >= on_roll:
        return (f"Warning: {left} of {on_roll} pupils on roll are not in this file and would "
                "be marked as left. Is this the whole roll?")
    return ""


def on_roll_count(session: Session) -> int:
    require(session.user, *IMPORTERS)
    with session.uow() as uow:
        return len(uow.children.all())


def preview_lines(preview: RosterPreview, on_roll: int) -> list[str]:
    source, plan = preview.source, preview.plan
    f = source.file
    lines = [
        f"Read as {f.encoding}, {f.delimiter_name}-separated: {len(f.rows)} rows after the "
        f"headings on line {f.header_line}.",
        "Columns (" + (("remembered from the last import of these headings"
                        if source.mapping_from == "remembered" else "recognised by heading")
                       if preview.mapping == source.mapping else "as mapped") + "):",
    ]
    for i, name in enumerate(f.header):
        target = preview.mapping.get(i)
        lines.append(f"  {name or '(no heading)'} → {target.label if target else 'not imported'}")
    lines.append(summary_line(plan))
    warning = leaver_warning(preview, on_roll)
    if warning:
        lines.append(warning)
    sections = (
        ("New pupils", plan.of(Outcome.NEW)),
        ("Updated", plan.of(Outcome.UPDATED)),
        ("Conflicts (not imported: resolve by hand, or merge the records)",
         plan.of(Outcome.CONFLICT)),
    )
    for title, rows in sections:
        if rows:
            lines.append("")
            lines.append(f"{title}:")
            lines.extend(f"  line {p.row.line}: {describe_row(p)}" for p in rows)
    if plan.problems:
        lines.append("")
        lines.append("Problem rows (not imported: fix the file, or import the rest):")
        lines.extend(f"  line {p.line}: " + (f"{p.name}: " if p.name else "") + p.message
                     for p in plan.problems)
    if plan.leavers and plan.left_on is not None:
        lines.append("")
        lines.append(f"Leavers (not in the file; marked as left on {uk_date(plan.left_on)}, "
                     "their records kept):")
        lines.extend(f"  #{c.id} {c.legal_name}" + (f", UPN {c.details.upn}"
                                                    if c.details.upn else "")
                     for c in plan.leavers)
    return lines

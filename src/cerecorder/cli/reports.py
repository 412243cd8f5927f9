"""cerecorder-admin report VAULT KIND --from dd/mm/yyyy --to dd/mm/yyyy --out FILE.pdf
[--csv FILE.csv] (DSL only), for IT's scheduling: the same report the app makes. Each
kind is one entry of REPORTS; each file written is audited as an export."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.handover import DocumentRenderer
from cerecorder.domain.reports import Period
from cerecorder.domain.rules import check_marking
from cerecorder.services import reports
from cerecorder.services.session import Session

if TYPE_CHECKING:
    from cerecorder.cli.file_life import AddCommand
    from cerecorder.cli.main import Context


@dataclass(frozen=True)
class BuiltReport:
    document_id: str
    pdf: bytes
    csv: bytes
    summary: str
    #: what stderr says about the files written
    warning: str = ("holds counts only, no names; it is still marked and confidential to "
                    "the governing body.")


#: (the unlocked vault, the period, the marking, the school's name, the renderer)
ReportBuilder = Callable[[Session, Period, str, str, DocumentRenderer], BuiltReport]


def _governors(session: Session, period: Period, marking: str, school: str,
               documents: DocumentRenderer) -> BuiltReport:
    from cerecorder.services import report_governors

    made = report_governors.build(session, period, marking=marking, school=school)
    return BuiltReport(made.header.document_id, documents.report("governors", made),
                       documents.report("governors", made, csv=True),
                       f"governors' report, {period.label}")


def _ofsted(session: Session, period: Period, marking: str, school: str,
            documents: DocumentRenderer) -> BuiltReport:
    from cerecorder.services import report_ofsted

    made = report_ofsted.build(session, period, marking=marking, school=school)
    return BuiltReport(made.header.document_id, documents.report("ofsted", made),
                       documents.report("ofsted", made, csv=True),
                       f"Ofsted inspection pack, {period.label}: {len(made.referrals)} "
                       f"referrals to the DSL, {len(made.local_authority)} to the local "
                       "authority", warning="names children: keep it to the inspection "
                       "team and the safeguarding leads, and delete it after the inspection.")


REPORTS: dict[str, ReportBuilder] = {"governors": _governors, "ofsted": _ofsted}


def _check(path: Path, suffix: str, force: bool) -> None:
    if path.suffix.lower() != suffix:
        raise InvalidInput(f"{path.name}: the file name should end in {suffix}.")
    if path.exists() and not force:
        raise InvalidInput(f"{path} already exists; use --force to replace it.")
    if not path.parent.is_dir():
        raise InvalidInput(f"The folder {path.parent} does not exist.")


def report(ctx: Context, args: argparse.Namespace) -> int:
    period = Period.parse(args.date_from, args.date_to)  # refused before any passphrase
    if args.marking is not None:
        args.marking = check_marking(args.marking)
    _check(args.out, ".pdf", args.force)
    if args.csv is not None:
        _check(args.csv, ".csv", args.force)
    documents = ctx.documents
    with ctx.unlocked(args) as opened:
        reports.require_dsl(opened)
        made = REPORTS[args.kind](opened, period, args.marking or "", args.school or "",
                                  documents)
        reports.save(opened, args.out, made.pdf, made.document_id, force=args.force)
        if args.csv is not None:
            reports.save(opened, args.csv, made.csv, made.document_id, force=args.force)
    ctx.console.say(f"Wrote {args.out}" + (f" and {args.csv}" if args.csv else "")
                    + f" (document {made.document_id}: {made.summary}).")
    print(f"cerecorder-admin: warning: {args.out} {made.warning}", file=ctx.console.stderr)
    return 0


def add_commands(command: AddCommand) -> None:
    p = command("report", report, "A report for a period (DSL only): governors (counts by "
                "category, year group, sex and status, referrals, trends; no names, counts "
                "under 5 suppressed) or ofsted (the inspection pack: referrals to the DSL "
                "with outcomes, those to the local authority, children with a plan, "
                "children missing education; names children), as a PDF and optionally a "
                "CSV.")
    p.add_argument("kind", choices=sorted(REPORTS), metavar="KIND",
                   help="which report: " + ", ".join(sorted(REPORTS)))
    p.add_argument("--from", dest="date_from", required=True, metavar="dd/mm/yyyy")
    p.add_argument("--to", dest="date_to", required=True, metavar="dd/mm/yyyy")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    p.add_argument("--csv", type=Path, metavar="FILE.csv", help="the same figures as CSV")
    p.add_argument("--marking", metavar="TEXT", help="the protective marking on every page")
    p.add_argument("--school", metavar="NAME", help="the school's name (default: the "
                   "vault's setting)")
    p.add_argument("--force", action="store_true", help="replace files that exist")

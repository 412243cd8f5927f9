"""cerecorder-admin's PDF exports: export-chronology and export-concern (DSL; a member
of staff may export a concern they recorded). Each checks its output path before asking
for anything, reads a PDF password after the passphrase or generates one, and audits the
file it writes."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from cerecorder.domain import pdf_password
from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import EntryType
from cerecorder.domain.timefmt import parse_uk_date
from cerecorder.services import handover, intel, session

if TYPE_CHECKING:
    from cerecorder.cli.main import Context


def uk_date_arg(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return parse_uk_date(text)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc


def _check_out(args: argparse.Namespace) -> None:
    """Refuse before asking for anything: an existing file is kept unless --force."""
    if args.out.suffix.lower() != ".pdf":
        raise InvalidInput("The output file name should end in .pdf.")
    if args.out.exists() and not args.force:
        raise InvalidInput(f"{args.out} already exists; use --force to replace it.")
    if not args.out.parent.is_dir():
        raise InvalidInput(f"The folder {args.out.parent} does not exist.")


def pdf_password_for(ctx: Context, args: argparse.Namespace) -> str:
    if args.generate_password:
        return pdf_password.generate()
    if not args.password_stdin:
        return ""
    password = ctx.console.secret("Password for the PDF", confirm=True)
    if not password:
        raise InvalidInput("The PDF password is empty; nothing was exported.")
    pdf_password.check(password)
    return password


def _save(ctx: Context, opened: session.Session, args: argparse.Namespace, data: bytes,
          kind: str, object_id: int, document_id: str, password: str,
          warnings: tuple[str, ...] = ()) -> None:
    for warning in warnings:  # names the PDF cannot draw faithfully
        print(f"cerecorder-admin: warning: {warning}", file=ctx.console.stderr)
    if password:
        data = ctx.documents.protect(data, password)
    handover.save_export(opened, args.out, data, kind=kind, object_id=object_id,
                         document_id=document_id, protected=bool(password), force=args.force)
    ctx.console.say(f"Wrote {args.out} (document {document_id}"
                    + (", password-protected)." if password else ")."))
    if args.generate_password:
        ctx.console.say(f"PDF password: {password}")
    if password:
        ctx.console.say(pdf_password.SEPARATELY)
    if not password:
        print(f"cerecorder-admin: warning: {args.out} is not password-protected: it is a "
              "readable copy of confidential records; keep it safe and delete it when done.",
              file=ctx.console.stderr)


def _entry_types(text: str | None) -> list[EntryType] | None:
    """--types concern,event,...: the entry types to include, as the app's filter."""
    if not text:
        return None
    names = [name.strip().casefold() for name in text.split(",") if name.strip()]
    known = {t.value: t for t in EntryType}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise InvalidInput(f"Unknown entry type {unknown[0]!r}: choose from "
                           + ", ".join(known) + ".")
    return [known[name] for name in names]


def export_chronology(ctx: Context, args: argparse.Namespace) -> int:
    _check_out(args)
    start, end = uk_date_arg(args.date_from), uk_date_arg(args.date_to)
    types = _entry_types(args.types)
    documents = ctx.documents
    with ctx.unlocked(args) as opened:
        password = pdf_password_for(ctx, args)
        doc = handover.chronology_document(
            opened, args.child, purpose=args.purpose or "", date_from=start, date_to=end,
            entry_types=types, school=args.school or "", staff_names=not args.roles_only,
            significant_only=args.significant,
        )
        data = documents.chronology(doc, landscape=not args.portrait)
        _save(ctx, opened, args, data, "chronology", args.child, doc.header.document_id,
              password, doc.warnings)
    return 0


def export_concern(ctx: Context, args: argparse.Namespace) -> int:
    _check_out(args)
    documents = ctx.documents
    with ctx.unlocked(args) as opened:
        password = pdf_password_for(ctx, args)
        doc = handover.concern_document(opened, args.concern, for_child=args.for_child,
                                        purpose=args.purpose or "", school=args.school or "",
                                        staff_names=not args.roles_only,
                                        append_files=args.append_attachments)
        data = documents.concern(doc)
        _save(ctx, opened, args, data, "concern", args.concern, doc.header.document_id,
              password, doc.warnings)
    return 0


def intel_report(ctx: Context, args: argparse.Namespace) -> int:
    """An intelligence report of the picked entries and concerns, as a PDF or (--csv) a
    CSV: a disclosure, kept with its purpose and audited."""
    suffix = ".csv" if args.csv else ".pdf"
    if args.out.suffix.lower() != suffix:
        raise InvalidInput(f"The output file name should end in {suffix}.")
    if args.out.exists() and not args.force:
        raise InvalidInput(f"{args.out} already exists; use --force to replace it.")
    if not args.out.parent.is_dir():
        raise InvalidInput(f"The folder {args.out.parent} does not exist.")
    documents = ctx.documents
    with ctx.unlocked(args) as opened:
        doc = intel.report(opened, entry_ids=args.entry or (), concern_ids=args.concern or (),
                           purpose=args.purpose, school=args.school or "")
        data = documents.intel_csv(doc) if args.csv else documents.intel(doc)
        intel.save(opened, args.out, data, doc, "csv" if args.csv else "pdf",
                   force=args.force)
    ctx.console.say(f"Wrote {args.out} (document {doc.header.document_id}: {doc.summary}).")
    print(f"cerecorder-admin: warning: {args.out} is a readable copy of confidential "
          "records; send it by a secure route and delete it when done.", file=ctx.console.stderr)
    return 0

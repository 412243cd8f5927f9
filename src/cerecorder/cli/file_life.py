"""cerecorder-admin and the life of a child protection file: the school's term dates
(deadlines count school days), transfers to the next school (due within 5 school days of a
move), the whole file for a school without CE Recorder, retention review and legal holds."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from cerecorder.cli.exports import pdf_password_for, uk_date_arg
from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.pdf_password import SEPARATELY
from cerecorder.domain.retention import ReviewState
from cerecorder.domain.schooldays import PeriodKind
from cerecorder.domain.term_dates import MAX_FILE_BYTES, read_term_dates
from cerecorder.domain.timefmt import uk_date
from cerecorder.domain.transfers import StepKind
from cerecorder.services import (
    calendar,
    destruction,
    file_export,
    handover,
    packets,
    transfer_packets,
    transfer_records,
)
from cerecorder.services import retention as keeping
from cerecorder.services import transfers as transfer_work

if TYPE_CHECKING:
    from cerecorder.cli.main import Context

Handler = Callable[["Context", argparse.Namespace], int]


class AddCommand(Protocol):
    def __call__(self, name: str, handler: Handler, text: str, *,
                 user: bool = True) -> argparse.ArgumentParser: ...


def add_commands(command: AddCommand) -> None:
    p = command("term-dates", term_dates,
                "List the school's term dates, or set them from a CSV or iCalendar (.ics) "
                "file (DSL or administrator); --deadline tells when a file transfer for a "
                "move on that day is due.")
    p.add_argument("--import", dest="import_file", type=Path, metavar="FILE",
                   help="term dates to set: they replace those set earlier for the days the "
                   "file covers")
    p.add_argument("--dry-run", action="store_true",
                   help="with --import, print what would be set; write nothing")
    p.add_argument("--deadline", metavar="dd/mm/yyyy",
                   help="the day a child moved: print the transfer deadline")
    p = command("transfers", list_transfers,
                "List file transfers (DSL only): id, child id, state, deadline, chase date, "
                "destination; then pupils who left with a file and no transfer opened.")
    p.add_argument("--child", type=int, metavar="ID", help="only this child's transfers")
    p = command("transfer-open", open_transfer,
                "Open a file transfer for a child who moves school (DSL only); prints its id "
                "and deadline.")
    p.add_argument("--child", type=int, required=True, metavar="ID")
    p.add_argument("--moved-on", required=True, metavar="dd/mm/yyyy")
    p.add_argument("--to", dest="destination", default="", metavar="SCHOOL",
                   help="the receiving school, if known")
    p.add_argument("--dsl", default="", metavar="NAME", help="the receiving school's DSL")
    p = command("transfer-step", transfer_step,
                "Record a step of a file transfer (DSL only): the destination named, the file "
                "sent, a chase, the receipt acknowledged, or the transfer cancelled.")
    p.add_argument("--transfer", type=int, required=True, metavar="ID")
    p.add_argument("--step", required=True, choices=[k.value for k in StepKind])
    p.add_argument("--detail", required=True, metavar="TEXT",
                   help="the school's name, how it was sent or chased, who acknowledged it, "
                   "or why it is cancelled")
    p.add_argument("--on", dest="happened_on", metavar="dd/mm/yyyy", help="default today")
    p.add_argument("--note", default="", metavar="TEXT")
    p = command("retention", retention,
                "List child protection files due for review (date of birth plus the policy's "
                "years, 25 by default), those with no date of birth, and those held; then the "
                "legal holds (DSL only).")
    p.add_argument("--all", action="store_true", help="every file, also those kept")
    p = command("legal-hold", legal_hold,
                "Set a legal hold, which stops destruction, on one child's file or every file "
                "(DSL only).")
    scope = p.add_mutually_exclusive_group(required=True)
    scope.add_argument("--child", type=int, metavar="ID")
    scope.add_argument("--all-files", action="store_true")
    p.add_argument("--name", required=True, metavar="TEXT", help="for example the inquiry's")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.add_argument("--from", dest="from_on", metavar="dd/mm/yyyy", help="default today")
    p = command("lift-hold", lift_hold, "Lift a legal hold, with the reason (DSL only).")
    p.add_argument("--hold", type=int, required=True, metavar="ID")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p = command("destruction", destruction_cmd,
                "Destroy a file after its review, two people: the DSL asks (--child with "
                "--reason), then an administrator carries it out (--carry-out); alone, list "
                "the requests and certificates.")
    ask = p.add_mutually_exclusive_group()
    ask.add_argument("--child", type=int, metavar="ID", help="DSL: ask for this file")
    ask.add_argument("--carry-out", type=int, metavar="REQUEST",
                     help="administrator: destroy the file of this request")
    p.add_argument("--reason", metavar="TEXT", help="with --child: the review's outcome")
    p = command("transfer", seal_transfer,
                "Seal a child's whole file for a school that runs CE Recorder (DSL only): for "
                "its DSL's recipient card, once its fingerprint is checked with them by phone.")
    p.add_argument("--child", type=int, required=True, metavar="ID")
    p.add_argument("--card", type=Path, required=True, metavar="SCHOOL.cecard")
    p.add_argument("--fingerprint", required=True, metavar="CODE",
                   help="the receiving DSL's signer fingerprint, as they read it out")
    p.add_argument("--purpose", required=True, metavar="TEXT", help="purpose of disclosure")
    p.add_argument("--out", type=Path, required=True, metavar="DIR")
    p = command("import-transfer", import_transfer,
                "Import a transfer packet from another school (DSL only); its signed receipt "
                "is written beside it, to send back.")
    p.add_argument("file", type=Path, metavar="FILE")
    p = command("transfer-receipt", transfer_receipt,
                "File the receiving school's signed receipt for a transfer packet (DSL only): "
                "the transfer is acknowledged.")
    p.add_argument("file", type=Path, metavar="FILE")
    p = command("export-file", export_file,
                "Write a child's whole file for a school that does not run CE Recorder (DSL "
                "only): the chronology and each concern as PDFs (copies for this child's "
                "file), the open JSON file (docs/child-file.schema.json), into DIR.")
    p.add_argument("--child", type=int, required=True, metavar="ID")
    p.add_argument("--out", type=Path, required=True, metavar="DIR")
    p.add_argument("--purpose", required=True, metavar="TEXT", help="purpose of disclosure")
    protection = p.add_mutually_exclusive_group()
    protection.add_argument("--password-stdin", action="store_true",
                            help="protect the PDFs (AES-256) with a password read after the "
                            "passphrase")
    protection.add_argument("--generate-password", action="store_true",
                            help="protect the PDFs with a generated password, printed once")
    p.add_argument("--school", metavar="NAME", help="the school's name (default: the vault's)")
    p.add_argument("--roles-only", action="store_true", help="name staff by their role only")


def _read(path: Path) -> bytes:
    """The whole file, unless it is far larger than term dates could be."""
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InvalidInput(f"Cannot read {path}: {exc.strerror or exc}.") from exc


def term_dates(ctx: Context, args: argparse.Namespace) -> int:
    moved_on = uk_date_arg(args.deadline)
    incoming = read_term_dates(_read(args.import_file)) if args.import_file else None
    with ctx.unlocked(args) as opened:
        if incoming is not None:
            for line in incoming.left_out:
                print(f"cerecorder-admin: warning: {args.import_file}: left out: {line}",
                      file=ctx.console.stderr)
            if args.dry_run:
                change = calendar.plan_term_dates(opened, incoming.periods, ctx.bank_holidays)
            else:
                change = calendar.set_term_dates(opened, incoming.periods, ctx.bank_holidays)
            ctx.console.say(("Would set " if args.dry_run else "Set ") + change.describe())
        periods = calendar.term_dates(opened)
        deadline = (calendar.transfer_deadline(opened, ctx.bank_holidays, moved_on)
                    if moved_on else None)
    if incoming is None or args.dry_run:
        for period in periods if incoming is None else change.periods:
            kind = "term" if period.kind is PeriodKind.TERM else "closed"
            ctx.console.say(f"{kind}\t{uk_date(period.first_day)}\t{uk_date(period.last_day)}"
                            f"\t{period.name}")
    if deadline is not None and moved_on is not None:
        ctx.console.say(f"A file transfer for a move on {uk_date(moved_on)} is "
                        f"{deadline.describe()}.")
    return 0


def list_transfers(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.unlocked(args) as opened:
        rows = transfer_work.transfers(opened, ctx.bank_holidays, child_id=args.child)
        leavers = transfer_work.leavers_without_transfer(opened)
        gone = [] if args.child is not None else transfer_records.handed_on(opened)
    for row in rows:
        t, chase = row.status.transfer, row.status.chase_on
        ctx.console.say("\t".join((
            str(t.id), str(t.child_id), row.status.state.value,
            uk_date(t.due_on) + ("?" if t.due_estimated else ""),
            uk_date(chase) if chase else "-", t.school or "-")))
    for child in leavers if args.child is None else [c for c in leavers if c.id == args.child]:
        left = uk_date(child.left_on) if child.left_on else "-"
        ctx.console.say(f"-\t{child.id}\tno transfer opened\tleft {left}\t-\t-")
    for record in gone:  # the file went; the record of what was sent stays
        ctx.console.say(f"{record.transfer_id}\t{record.child_id}\tfile handed on, record "
                        f"kept\t-\t-\t{record.destination}\t{record.describe()}")
    return 0


def open_transfer(ctx: Context, args: argparse.Namespace) -> int:
    moved_on = uk_date_arg(args.moved_on)
    assert moved_on is not None  # required
    with ctx.unlocked(args) as opened:
        transfer_id = transfer_work.open_transfer(
            opened, ctx.bank_holidays, args.child, moved_on, args.destination, args.dsl)
        row = transfer_work.transfers(opened, ctx.bank_holidays, child_id=args.child)
    opened_row = next(r for r in row if r.status.transfer.id == transfer_id)
    ctx.console.say(f"Transfer #{transfer_id}: {transfer_work.describe(opened_row)}")
    return 0


def transfer_step(ctx: Context, args: argparse.Namespace) -> int:
    happened_on = uk_date_arg(args.happened_on)
    with ctx.unlocked(args) as opened:
        transfer_work.record_step(opened, args.transfer, StepKind(args.step), args.detail,
                                  args.note, happened_on, ctx.after_transfer)
    ctx.console.say(f"Recorded: transfer #{args.transfer} {args.step}.")
    return 0


def export_file(ctx: Context, args: argparse.Namespace) -> int:
    """Each PDF is written and audited as the single exports are; the JSON last, so a
    folder that holds it holds the whole file. Every name starts with a new document id,
    so nothing already in the folder is replaced."""
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"{out} is a file: name a folder for the child's file.")
    documents = ctx.documents
    with ctx.unlocked(args) as opened:
        password = pdf_password_for(ctx, args)
        data = file_export.child_file(opened, args.child, purpose=args.purpose)
        stamp = str(data["document_id"])
        json_path = out / f"{stamp}-child-file.json"
        out.mkdir(parents=True, exist_ok=True)
        chronology = handover.chronology_document(
            opened, args.child, purpose=args.purpose, school=args.school or "",
            staff_names=not args.roles_only)
        files = [(out / f"{stamp}-chronology.pdf", documents.chronology(chronology),
                  "chronology", args.child, chronology.header.document_id,
                  chronology.warnings)]
        for concern in data["concerns"]:
            doc = handover.concern_document(opened, int(concern["id"]), for_child=args.child,
                                            purpose=args.purpose, school=args.school or "",
                                            staff_names=not args.roles_only)
            files.append((out / f"{stamp}-concern-{concern['id']}.pdf", documents.concern(doc),
                          "concern", int(concern["id"]), doc.header.document_id,
                          doc.warnings))
        for path, pdf, kind, object_id, document_id, warnings in files:
            for warning in warnings:
                print(f"cerecorder-admin: warning: {warning}", file=ctx.console.stderr)
            handover.save_export(opened, path, documents.protect(pdf, password) if password
                                 else pdf, kind=kind, object_id=object_id,
                                 document_id=document_id, protected=bool(password))
        file_export.save_child_file(opened, json_path, args.child, data)
    ctx.console.say(f"Wrote {len(files)} PDF(s) and {json_path.name} to {out} "
                    f"(document {stamp}).")
    if args.generate_password:
        ctx.console.say(f"PDF password: {password}")
    if password:
        ctx.console.say(SEPARATELY)
    print(f"cerecorder-admin: warning: {json_path} is not protected: it is a readable copy of "
          "the child's file for the receiving school; send it securely and delete it when done."
          + ("" if password else " The PDFs are not password-protected either."),
          file=ctx.console.stderr)
    return 0


def retention(ctx: Context, args: argparse.Namespace) -> int:
    """Files one a line: child id, state, review date (or -), the holds on it; then each
    legal hold: hold:ID, child id or "all", in force or lifted, from, its name."""
    with ctx.unlocked(args) as opened:
        rows = keeping.review_list(opened, ctx.retention_years)
        holds = keeping.holds(opened)
    for row in rows:
        if row.state is ReviewState.KEEP and not args.all:
            continue
        ctx.console.say("\t".join((
            str(row.child_id), row.state.value,
            uk_date(row.review_on) if row.review_on else "-",
            ",".join(f"hold:{h.id}" for h in row.holds) or "-")))
    for hold in holds:
        ctx.console.say("\t".join((
            f"hold:{hold.id}", "all" if hold.child_id is None else str(hold.child_id),
            "in force" if hold.in_force else "lifted", uk_date(hold.from_on), hold.name)))
    return 0


def legal_hold(ctx: Context, args: argparse.Namespace) -> int:
    from_on = uk_date_arg(args.from_on)
    with ctx.unlocked(args) as opened:
        hold_id = keeping.set_hold(opened, None if args.all_files else args.child, args.name,
                                   args.reason, from_on)
    ctx.console.say(f"Legal hold #{hold_id} set on "
                    + ("every file." if args.all_files else f"child {args.child}'s file."))
    return 0


def lift_hold(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.unlocked(args) as opened:
        keeping.lift_hold(opened, args.hold, args.reason)
    ctx.console.say(f"Legal hold #{args.hold} lifted.")
    return 0


def destruction_cmd(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.unlocked(args) as opened:
        if args.child is not None:
            request_id = destruction.request_destruction(opened, args.child, args.reason or "",
                                                         ctx.retention_years)
            ctx.console.say(f"Destruction request #{request_id} for child {args.child}'s file "
                            "waits for an administrator (a second person).")
            return 0
        if args.carry_out is not None:
            ctx.console.say(destruction.carry_out(opened, args.carry_out).describe())
            return 0
        found = destruction.requests(opened)
    for request in found:
        state = (f"destroyed {uk_date(request.destroyed_at.date())}" if request.destroyed_at
                 else "waiting for an administrator")
        review = request.review_text
        ctx.console.say(f"{request.id}\t{request.child_id}\t{state}\t"
                        + (review if review.startswith("transferred") else f"review {review}"))
    return 0


def seal_transfer(ctx: Context, args: argparse.Namespace) -> int:
    out: Path = args.out
    if not out.is_dir():
        raise InvalidInput(f"The folder {out} does not exist.")
    card = packets.RecipientCard.from_bytes(packets.read_file(args.card))
    with ctx.unlocked(args) as opened:
        packet_id, sealed = transfer_packets.seal_transfer(opened, args.child, card,
                                                           args.fingerprint, args.purpose)
        packets.write_file(out / f"{packet_id}.cetransfer", sealed)
    ctx.console.say(f"Wrote {packet_id}.cetransfer to {out}, sealed for "
                    f"{card.school or 'the receiving school'}. Send it; their signed receipt "
                    "acknowledges the transfer (transfer-receipt).")
    return 0


def import_transfer(ctx: Context, args: argparse.Namespace) -> int:
    sealed = packets.read_file(args.file)
    with ctx.unlocked(args) as opened:
        received = transfer_packets.import_transfer(opened, sealed)
    receipt = args.file.with_suffix(".cereceipt")
    packets.write_file(receipt, received.receipt, force=True)
    ctx.console.say(("Already received: " if received.already else "Received: ")
                    + f"child {received.child_id}'s file {received.describe()}. Send "
                    f"{receipt.name} back to the sending school.")
    return 0


def transfer_receipt(ctx: Context, args: argparse.Namespace) -> int:
    data = packets.read_file(args.file)
    with ctx.unlocked(args) as opened:
        transfer_id = transfer_packets.file_receipt(opened, data, ctx.after_transfer)
    ctx.console.say("Receipt filed" + (f": transfer #{transfer_id} acknowledged."
                                       if transfer_id else "."))
    return 0

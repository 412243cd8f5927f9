"""cerecorder-admin's subject access requests (DSL only): open a case, redact, export the
redacted copy with its redaction log, and record how it ended."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from cerecorder.cli.exports import pdf_password_for, uk_date_arg
from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.pdf_password import SEPARATELY
from cerecorder.domain.roster import counted
from cerecorder.domain.sar import RedactionKind, SarStep
from cerecorder.domain.timefmt import uk_date
from cerecorder.services import sar as sar_work

#: --kind's words (one word each, for scripts), and what the copy then says
KINDS = {"other-child": RedactionKind.OTHER_CHILD, "family": RedactionKind.FAMILY,
         "third-party": RedactionKind.THIRD_PARTY, "staff": RedactionKind.STAFF}

if TYPE_CHECKING:
    from cerecorder.cli.file_life import AddCommand
    from cerecorder.cli.main import Context


def add_commands(command: AddCommand) -> None:
    p = command("sar", list_cases, "List subject access requests (DSL only): id, child id, "
                "received, due, state; with --case, also the other concerns that may name "
                "the child, to review.")
    p.add_argument("--case", type=int, metavar="ID")
    p = command("sar-open", open_case, "Open a subject access request for a child's records "
                "(DSL only); prints its id and due date (one calendar month).")
    p.add_argument("--child", type=int, required=True, metavar="ID")
    p.add_argument("--requester", required=True, metavar="TEXT", help="who asked")
    p.add_argument("--relationship", default="", metavar="TEXT",
                   help="to the child, for example: the child, mother")
    p.add_argument("--received", required=True, metavar="dd/mm/yyyy")
    p = command("sar-step", record_step, "Extend a request (complex: --months 1 or 2), or "
                "record it sent or closed (DSL only).")
    p.add_argument("--case", type=int, required=True, metavar="ID")
    p.add_argument("--step", required=True, choices=[s.value for s in SarStep])
    p.add_argument("--detail", required=True, metavar="TEXT",
                   help="the reason for an extension, how it was sent, or why it closed")
    p.add_argument("--months", type=int, default=2, help="with extended: 1 or 2")
    p = command("sar-redact", add_redaction, "Redact for a request (DSL only): the other "
                "children named in the child's records, or words (or a whole field) of one "
                "entry, with the reason.")
    p.add_argument("--case", type=int, required=True, metavar="ID")
    p.add_argument("--other-children", action="store_true",
                   help="every other child of the child's concerns, wherever named")
    p.add_argument("--record", metavar="TYPE:ID", help="the entry, as sar-export's log names "
                   "it (for example concern:12)")
    p.add_argument("--field", choices=list(sar_work.FIELDS))
    p.add_argument("--text", default="", metavar="WORDS", help="default: the whole field")
    p.add_argument("--kind", choices=list(KINDS))
    p.add_argument("--reason", metavar="TEXT", help="the exemption relied on")
    p = command("sar-export", export, "Write the redacted copy (PDF) and its redaction log "
                "into DIR (DSL only); staff are named by role unless --staff-names.")
    p.add_argument("--case", type=int, required=True, metavar="ID")
    p.add_argument("--out", type=Path, required=True, metavar="DIR")
    protection = p.add_mutually_exclusive_group()
    protection.add_argument("--password-stdin", action="store_true",
                            help="protect the PDF with a password read after the passphrase")
    protection.add_argument("--generate-password", action="store_true",
                            help="protect the PDF with a generated password, printed once")
    p.add_argument("--staff-names", action="store_true",
                   help="name staff (default: their role only)")


def list_cases(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.unlocked(args) as opened:
        found = [c for c in sar_work.cases(opened) if args.case in (None, c.id)]
        if args.case is not None and not found:
            raise InvalidInput(f"There is no subject access request #{args.case}.")
        elsewhere = sar_work.named_elsewhere(opened, args.case) if args.case else []
    for case in found:
        ctx.console.say(f"{case.id}\t{case.child_id}\t{uk_date(case.received_on)}\t"
                        f"due {uk_date(case.due)}\t{case.state}")
    if args.case is not None:
        ctx.console.say("named elsewhere: " + (", ".join(f"concern:{i}" for i in elsewhere)
                                               or "none found"))
    return 0


def open_case(ctx: Context, args: argparse.Namespace) -> int:
    received = uk_date_arg(args.received)
    assert received is not None  # required
    with ctx.unlocked(args) as opened:
        case_id = sar_work.open_case(opened, ctx.bank_holidays, args.child, args.requester,
                                     args.relationship, received)
        due = next(c.due for c in sar_work.cases(opened) if c.id == case_id)
    ctx.console.say(f"Subject access request #{case_id}: due {uk_date(due)}.")
    return 0


def record_step(ctx: Context, args: argparse.Namespace) -> int:
    step = SarStep(args.step)
    with ctx.unlocked(args) as opened:
        if step is SarStep.EXTENDED:
            due = sar_work.extend(opened, ctx.bank_holidays, args.case, args.months,
                                  args.detail)
            ctx.console.say(f"Request #{args.case} extended: due {uk_date(due)}. Tell the "
                            "requester, with the reason, within the first month.")
        else:
            sar_work.close(opened, args.case, step, args.detail)
            ctx.console.say(f"Request #{args.case} {step.value}.")
    return 0


def add_redaction(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.unlocked(args) as opened:
        if args.other_children:
            made = sar_work.suggest_other_children(opened, args.case)
            ctx.console.say(f"{counted(made, 'redaction')} of other children's names.")
            return 0
        if not (args.record and args.field and args.kind and args.reason):
            raise InvalidInput("Name --record, --field, --kind and --reason (or use "
                               "--other-children).")
        redaction_id = sar_work.add_redaction(opened, args.case, args.record, args.field,
                                              args.text, KINDS[args.kind], args.reason)
    ctx.console.say(f"Redaction #{redaction_id} made.")
    return 0


def export(ctx: Context, args: argparse.Namespace) -> int:
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"{out} is a file: name a folder for the response.")
    documents = ctx.documents
    with ctx.unlocked(args) as opened:
        password = pdf_password_for(ctx, args)
        pdf, log, count = sar_work.save_response(opened, documents, args.case, out, password,
                                                 staff_names=args.staff_names)
    ctx.console.say(f"Wrote {pdf.name} and {log.name} to {out} ({counted(count, 'redaction')}).")
    if args.generate_password:
        ctx.console.say(f"PDF password: {password}")
    if password:
        ctx.console.say(SEPARATELY)
    return 0

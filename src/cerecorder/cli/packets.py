"""cerecorder-admin's sealed packets: the DSL's recipient card, a staff laptop's card and
its enrolment, the inbox's import, and the packet identity. Each checks an output path
before asking for anything."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from cerecorder.domain.errors import InvalidInput
from cerecorder.services import cards, packet_cards, packets

if TYPE_CHECKING:
    from cerecorder.cli.main import Context


def write_new(path: Path, force: bool) -> None:
    """Refuse before asking for anything: an existing file is kept unless --force."""
    if path.exists() and not force:
        raise InvalidInput(f"{path} already exists; use --force to replace it.")
    if not path.parent.is_dir():
        raise InvalidInput(f"The folder {path.parent} does not exist.")


def card(ctx: Context, args: argparse.Namespace) -> int:
    write_new(args.out, args.force)
    with ctx.unlocked(args) as opened:
        card = packet_cards.recipient_card(opened)
        packets.write_file(args.out, card.to_bytes(), force=args.force)
    ctx.console.say(f"Wrote the recipient card {args.out}: packets will be sealed for "
                    + ", ".join(r.name for r in card.recipients) + ".")
    ctx.console.say(f"Fingerprint (read it aloud to whoever sets the card on a staff "
                    f"laptop): {card.signer_fingerprint}")
    return 0


def pin_card(ctx: Context, args: argparse.Namespace) -> int:
    card = packets.RecipientCard.from_bytes(packets.read_file(args.file))
    if not args.fingerprint:
        ctx.console.say(f"Fingerprint of {args.file}: {card.signer_fingerprint}")
        raise InvalidInput("Compare it with the fingerprint the DSL reads out to you, then "
                           "run again with --fingerprint CODE (as read out).")
    with ctx.unlocked(args) as opened:
        changed = cards.pin_card(opened, card, args.fingerprint)
    ctx.console.say(f"This laptop now seals for the cards signed by the DSL's vault "
                    f"{card.signer_fingerprint}: " + ", ".join(r.name for r in card.recipients)
                    + "." if changed else "Already confirmed; nothing changed.")
    return 0


def staff_card(ctx: Context, args: argparse.Namespace) -> int:
    write_new(args.out, args.force)
    with ctx.unlocked(args) as opened:
        card = packet_cards.staff_card(opened)
        packets.write_file(args.out, card.to_bytes(), force=args.force)
    ctx.console.say(f"Wrote the enrolment file {args.out} for "
                    + ", ".join(u.name for u in card.users) + ".")
    ctx.console.say(f"Fingerprint (read it aloud to the DSL): {card.fingerprint}")
    return 0


def enrol(ctx: Context, args: argparse.Namespace) -> int:
    card = packets.StaffCard.from_bytes(packets.read_file(args.file))
    if not args.fingerprint:
        ctx.console.say(f"Fingerprint of {args.file}: {card.fingerprint}")
        raise InvalidInput("Compare it with the fingerprint the staff laptop shows, then run "
                           "again with --fingerprint CODE (as read out to you).")
    with ctx.unlocked(args) as opened:
        names = packet_cards.enrol(opened, card, args.fingerprint)
    ctx.console.say(("Enrolled " + ", ".join(names) + ".") if names
                    else "Already enrolled; nothing changed.")
    return 0


def inbox(ctx: Context, args: argparse.Namespace) -> int:
    from cerecorder.cli.main import EXIT_PROBLEM  # main imports this module

    with ctx.unlocked(args) as opened:
        report = packets.import_inbox(opened, args.folder)
    for o in report.outcomes:
        if o.status == "refused":
            print(f"cerecorder-admin: refused {o.file_name} ({o.reason}): {o.message}",
                  file=ctx.console.stderr)
        else:
            ctx.console.say(f"{o.status}\t{o.file_name}\t{o.message}")
        if o.warning:
            print(f"cerecorder-admin: {o.file_name}: {o.warning}", file=ctx.console.stderr)
    ctx.console.say(report.summary)
    return EXIT_PROBLEM if report.count("refused") or any(o.warning for o in report.outcomes) \
        else 0


def export_identity(ctx: Context, args: argparse.Namespace) -> int:
    write_new(args.out, args.force)
    with ctx.unlocked(args) as opened:
        identity = packet_cards.packet_identity(opened)
        packets.write_file(args.out, (identity + "\n").encode("ascii"), force=args.force,
                           secret=True)
    ctx.console.say(f"Wrote your packet identity to {args.out}.")
    print(f"cerecorder-admin: warning: {args.out} opens every packet sealed for you: keep it "
          "as safe as the recovery key, and delete it when done.", file=ctx.console.stderr)
    return 0

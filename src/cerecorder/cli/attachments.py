"""cerecorder-admin and attachments (issue 16), DSL only: list them (ids, sizes and
hashes, so their value as evidence can be checked), and export one file, audited, as the
single way an attachment leaves the vault from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from cerecorder.services import attachments

if TYPE_CHECKING:
    from cerecorder.cli.file_life import AddCommand
    from cerecorder.cli.main import Context


def add_commands(command: AddCommand) -> None:
    p = command("attachments", list_attachments,
                "List attachments (DSL only), one a line: id, concern:ID or child:ID, file "
                "name, size in bytes, SHA-256.")
    p.add_argument("--concern", type=int, metavar="ID", help="only this concern's")
    p = command("export-attachment", export_attachment,
                "Write one attachment to a file as it was added (DSL only); audited as an "
                "export. An existing file is never replaced.")
    p.add_argument("id", type=int, metavar="ID", help="the attachment's id")
    p.add_argument("--out", type=Path, required=True, metavar="FILE")


def list_attachments(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.unlocked(args) as opened:
        found = attachments.listing(opened, args.concern)
    for a in found:
        owner = f"concern:{a.concern_id}" if a.concern_id is not None else f"child:{a.child_id}"
        ctx.console.say("\t".join((str(a.id), owner, a.file_name, str(a.size), a.sha256)))
    return 0


def export_attachment(ctx: Context, args: argparse.Namespace) -> int:
    out: Path = args.out
    with ctx.unlocked(args) as opened:
        found = attachments.export(opened, args.id, out)
    ctx.console.say(f"Wrote attachment {found.id} ({found.size:,} bytes) to {out}; "
                    f"SHA-256 {found.sha256}.")
    print(f"cerecorder-admin: warning: {out} is not protected: it is a readable copy of "
          "evidence; keep it safe and delete it when done.", file=ctx.console.stderr)
    return 0

"""cerecorder-admin term-dates: the school's term dates, which deadlines in school days
count on (a file transfer is due within 5 school days of a move)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from cerecorder.cli.exports import uk_date_arg
from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.schooldays import PeriodKind
from cerecorder.domain.term_dates import MAX_FILE_BYTES, read_term_dates
from cerecorder.domain.timefmt import uk_date
from cerecorder.services import calendar

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

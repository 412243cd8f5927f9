"""cerecorder-admin. Exit 0 on success; on failure one plain line on stderr and a non-zero
code (1 a problem to fix, 2 bad usage, 3 verify found damage, 4 not allowed), never a
traceback.

Passphrases come from standard input when it is not a terminal (one per line, in the
order the command needs them), else from a prompt that does not echo.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import logging
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from cerecorder import __version__
from cerecorder.cli import attachments, exports, file_life, reports, sar
from cerecorder.cli import packets as packet_cli
from cerecorder.domain.attachments import Limits
from cerecorder.domain.errors import (
    CERecorderError,
    EnvironmentProblem,
    InvalidInput,
    NoAccess,
    PermissionDenied,
    VaultInUse,
)
from cerecorder.domain.handover import DocumentRenderer
from cerecorder.domain.model import EntryKind, EntryType, Role
from cerecorder.domain.retention import DEFAULT_YEARS
from cerecorder.domain.roster import RosterField, counted
from cerecorder.domain.rotation import ProgressCallback, RekeyProgress
from cerecorder.domain.schooldays import BankHolidays
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.domain.timefmt import uk_datetime
from cerecorder.domain.transfers import AfterTransfer
from cerecorder.services import (
    demo,
    flags,
    handover,
    maintenance,
    register,
    roster_import,
    session,
    users,
)
from cerecorder.services.clock import Clock
from cerecorder.services.demo_evidence import DemoFiles

log = logging.getLogger("cerecorder.cli")

EXIT_PROBLEM, EXIT_USAGE, EXIT_DAMAGED, EXIT_DENIED = 1, 2, 3, 4


class Console:
    """Standard streams and the passphrase source, injectable for tests."""

    def __init__(self, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> None:
        self.stdin, self.stdout, self.stderr = stdin, stdout, stderr

    def say(self, text: str) -> None:
        print(text, file=self.stdout)

    def secret(self, prompt: str, *, confirm: bool = False) -> str:
        if not self.stdin.isatty():
            line = self.stdin.readline()
            if not line:
                raise InvalidInput(f"Expected a line on standard input for: {prompt}")
            return line.rstrip("\r\n")
        first = getpass.getpass(f"{prompt}: ")
        if confirm and getpass.getpass(f"{prompt} (again): ") != first:
            raise InvalidInput("The two entries differ; nothing was changed.")
        return first


class Context:
    def __init__(self, taxonomy: TaxonomyLibrary, clock: Clock, console: Console,
                 documents: DocumentRenderer | None = None,
                 anchor_folders: Sequence[Path] = (),
                 bank_holidays: BankHolidays | None = None,
                 retention_years: int = DEFAULT_YEARS,
                 demo_files: Callable[[], DemoFiles] | None = None,
                 after_transfer: AfterTransfer | None = None,
                 attachment_limits: Limits | None = None) -> None:
        self.taxonomy, self.clock, self.console = taxonomy, clock, console
        #: the policy's attachment limits, for the commands that take files in (packets)
        self.attachment_limits = attachment_limits or Limits()
        #: the demo's evidence files, made by the composition root (Pillow, ReportLab)
        self.demo_files = demo_files
        #: the policy's retention rule (date of birth plus so many years)
        self.retention_years = retention_years
        #: what the policy keeps of a file once its transfer is acknowledged (None: the
        #: vault's setting)
        self.after_transfer = after_transfer
        self._documents = documents
        self.anchor_folders = tuple(anchor_folders)
        self._bank_holidays = bank_holidays

    @property
    def known_bank_holidays(self) -> BankHolidays | None:
        """The bank holidays if this installation has them (a deadline is estimated
        without them)."""
        return self._bank_holidays

    @property
    def bank_holidays(self) -> BankHolidays:
        """England and Wales's bank holidays, shipped as data (from the composition root)."""
        if self._bank_holidays is None:
            raise EnvironmentProblem("This installation has no bank holidays file.")
        return self._bank_holidays

    @property
    def documents(self) -> DocumentRenderer:
        """The PDF renderer (with its fonts) from the composition root: the command line
        may not import the export layer itself."""
        if self._documents is None:
            raise EnvironmentProblem("This installation cannot write PDFs (no renderer).")
        return self._documents

    def user_for(self, vault: Path, given: str | None) -> str:
        if given:
            return given
        names = session.vault_user_names(vault)
        if len(names) == 1:
            return names[0]
        raise InvalidInput("This vault has several users: name one with --user.")

    def open(self, args: argparse.Namespace, *, rolled_back_ok: bool = False
             ) -> session.Session:
        """Unlock for a command. A vault older than an anchor seen is refused, for a DSL
        too, except to acknowledge a deliberate restore."""
        name = self.user_for(args.vault, args.user)
        opened = session.unlock(
            args.vault, user_name=name, passphrase=self.console.secret(f"Passphrase for {name}"),
            clock=self.clock, taxonomy=self.taxonomy, anchor_folders=self.anchor_folders,
        )
        opened.attachment_limits = self.attachment_limits
        _refuse_rolled_back(opened, args, rolled_back_ok)
        return opened

    @contextlib.contextmanager
    def unlocked(self, args: argparse.Namespace, *, rolled_back_ok: bool = False
                 ) -> Iterator[session.Session]:
        """The vault unlocked for one command, locked again however the command ends."""
        opened = self.open(args, rolled_back_ok=rolled_back_ok)
        try:
            yield opened
        finally:
            opened.lock()

    def open_for_reading(self, args: argparse.Namespace, *, inspect: bool = False
                         ) -> tuple[session.Session, bool]:
        """Open beside a running app if the vault is in use (backup, verify). `inspect`
        (verify) opens a vault older than an anchor to report it."""
        name = self.user_for(args.vault, args.user)
        secret = self.console.secret(f"Passphrase for {name}")
        try:
            opened, read_only = session.unlock(
                args.vault, user_name=name, passphrase=secret, clock=self.clock,
                taxonomy=self.taxonomy, anchor_folders=self.anchor_folders, inspect=inspect,
            ), False
        except VaultInUse:
            opened, read_only = session.unlock(
                args.vault, user_name=name, passphrase=secret, clock=self.clock,
                taxonomy=self.taxonomy, read_only=True, anchor_folders=self.anchor_folders,
                inspect=inspect,
            ), True
        _refuse_rolled_back(opened, args, inspect)
        return opened, read_only


def _refuse_rolled_back(opened: session.Session, args: argparse.Namespace, allowed: bool
                        ) -> None:
    if opened.rollback is None or allowed:
        return
    opened.lock()  # writes no anchor: the vault is older than one
    raise EnvironmentProblem(
        opened.rollback.sentence(opened.tz).removesuffix(" Ask your DSL.")
        + f" If it was restored on purpose, acknowledge it: cerecorder-admin "
        f"acknowledge-restore {args.vault}")


def _init(ctx: Context, args: argparse.Namespace) -> int:
    passphrase = ctx.console.secret(f"New passphrase for {args.name}", confirm=True)
    opened, recovery_key = session.create(
        args.vault, user_name=args.name, display_name=args.display_name or args.name,
        role=Role(args.role), passphrase=passphrase, clock=ctx.clock, taxonomy=ctx.taxonomy,
        anchor_folders=ctx.anchor_folders,
    )
    opened.lock()
    ctx.console.say(f"Created the vault in {args.vault} with user {args.name} ({args.role}).")
    ctx.console.say("")
    ctx.console.say("RECOVERY KEY (shown once; print it and keep it in the school safe):")
    ctx.console.say(f"    {recovery_key}")
    return 0


def _demo(ctx: Context, args: argparse.Namespace) -> int:
    passphrase = ctx.console.secret("New passphrase for user demo", confirm=True)
    summary = demo.create_demo_vault(
        args.vault, passphrase=passphrase, seed=args.seed, size=args.size, clock=ctx.clock,
        taxonomy=ctx.taxonomy,
        progress=(lambda done, total: None) if args.quiet else _progress(ctx.console),
        evidence=ctx.demo_files() if ctx.demo_files else None,
    )
    ctx.console.say(
        f"Demo vault in {args.vault}: {summary.children:,} pupils, {summary.concerns:,} concerns, "
        f"{summary.addenda:,} addenda, {summary.decisions:,} decisions, {summary.events:,} events. "
        "User: demo (DSL). All people in it are fictional."
    )
    return 0


def _progress(console: Console) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        print(f"\r  {done:,} of {total:,} concerns", end="", file=console.stderr, flush=True)
        if done == total:
            print(file=console.stderr)

    return report


def _rotation_progress(console: Console) -> ProgressCallback:
    def report(step: RekeyProgress) -> None:  # from the rotation's watcher thread
        line = f"{step.sentence} ({step.fraction:.0%})"
        print(f"\r  {line:<76}", end="", file=console.stderr, flush=True)
        if step.fraction >= 1:
            print(file=console.stderr)

    return report


def _verify(ctx: Context, args: argparse.Namespace) -> int:
    opened, _read_only = ctx.open_for_reading(args, inspect=True)
    try:
        report = maintenance.verify(opened)
    finally:
        opened.lock()
    say = ctx.console.say
    say("SQLCipher integrity: " + ("ok" if not report.integrity_problems else "DAMAGED"))
    for problem in report.integrity_problems[:20]:
        say(f"  {problem}")
    say(f"Schema version: {report.schema_version} (expected {report.expected_schema})")
    say("Schema and triggers: " + ("as the migrations create them" if not report.schema_problems
                                   else "ALTERED"))
    for problem in report.schema_problems:
        say(f"  {problem}")
    if not report.audit_readable:
        say("Audit chain: COULD NOT BE READ (the database is damaged)")
    elif report.audit_first_broken is None:
        say(f"Audit chain: intact ({report.audit_rows:,} events)")
    else:
        say(f"Audit chain: BROKEN at event {report.audit_first_broken}")
    if report.anchor_finding is not None:
        say(f"Anchors: OLDER THAN SEEN: {report.anchor_finding}")
    elif report.anchor_unsigned:
        say("Anchors: NOT SIGNED BY THIS VAULT (forged, or its signing key was replaced)")
    elif report.anchors_held:
        say(f"Anchors: ok (the vault holds {_counted_anchors(report.anchors_held)} seen)")
    else:
        say("Anchors: none seen yet")
    for note in (*report.anchor_unsigned, *report.anchor_notes):
        say(f"  {note}")
    if report.attachment_mismatches:
        say(f"Attachments: {len(report.attachment_mismatches)} of "
            f"{report.attachments_checked:,} DO NOT MATCH their recorded SHA-256: "
            + ", ".join(f"#{i}" for i in report.attachment_mismatches))
    else:
        say(f"Attachments: ok ({report.attachments_checked:,} re-hashed)")
    return 0 if report.ok else EXIT_DAMAGED


def _counted_anchors(n: int) -> str:
    return "1 anchor" if n == 1 else f"all {n} anchors"


def _acknowledge_restore(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.unlocked(args, rolled_back_ok=True) as opened:
        finding = maintenance.acknowledge_restore(opened)
    seen = finding.seen.anchor
    ctx.console.say(f"Acknowledged: this vault, older than the copy seen on "
                    f"{uk_datetime(seen.at)}, is now the one in use; the audit records it.")
    return 0


def _backup(ctx: Context, args: argparse.Namespace) -> int:
    opened, read_only = ctx.open_for_reading(args)
    try:
        maintenance.backup(opened, args.dest, read_only=read_only)
    finally:
        opened.lock()
    ctx.console.say(f"Backed up to {args.dest} (still encrypted; opens with the same passphrases).")
    return 0


def _restore(ctx: Context, args: argparse.Namespace) -> int:
    check_as = None
    if args.user:
        check_as = (args.user, ctx.console.secret(f"Passphrase for {args.user} (in the backup)"))
    aside = maintenance.restore(args.backup, args.vault, force=args.force, clock=ctx.clock,
                                check_as=check_as, taxonomy=ctx.taxonomy)
    ctx.console.say(f"Restored {args.backup} into {args.vault}"
                    + (" (opened and verified first)." if check_as else
                       " (its files were checked; with --user it is also opened and verified)."))
    if aside is not None:
        ctx.console.say(f"The vault it replaced is kept in {aside}.")
    ctx.console.say("The restored vault is older than what its users have seen: until a DSL "
                    "acknowledges the restore (at their next unlock, or with cerecorder-admin "
                    f"acknowledge-restore {args.vault}), everyone else is refused.")
    return 0


def _users(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.unlocked(args) as opened:
        for user in users.list_users(opened):
            ctx.console.say(f"{user.id}\t{user.name}\t{user.role.value}\t{user.display_name}")
    return 0


def _add_user(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.unlocked(args) as opened:
        new = users.add_user(
            opened, name=args.name, display_name=args.display_name or args.name,
            role=Role(args.role),
            passphrase=ctx.console.secret(f"New passphrase for {args.name}", confirm=True),
        )
    ctx.console.say(f"Added {new.name} ({new.role.value}).")
    return 0


def _remove_user(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.unlocked(args) as opened:
        target = next((u for u in users.list_users(opened) if u.name == args.name), None)
        if target is None:
            raise InvalidInput(f"There is no user called '{args.name}'.")
        before, after = users.remove_user(opened, target.id, _rotation_progress(ctx.console))
    ctx.console.say(f"Removed {args.name}; the database key has been rotated.")
    ctx.console.say(
        f"The vault's signing key has changed too (fingerprint {before or 'none'} is now "
        f"{after}): staff laptops take the new key from the next recipient card the DSL "
        "gives them; until then they still trust the old one, so hand out the new card "
        "now (or have IT pin it with pin-card).")
    return 0


def _passwd(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.unlocked(args) as opened:
        users.change_passphrase(opened, ctx.console.secret("New passphrase", confirm=True))
    ctx.console.say("Passphrase changed.")
    return 0


def _recover(ctx: Context, args: argparse.Namespace) -> int:
    opened = session.unlock_with_recovery_key(
        args.vault, recovery_key=ctx.console.secret("Recovery key"), user_name=args.user,
        new_passphrase=ctx.console.secret(f"New passphrase for {args.user}", confirm=True),
        clock=ctx.clock, taxonomy=ctx.taxonomy, anchor_folders=ctx.anchor_folders,
    )
    opened.lock()
    ctx.console.say(f"New passphrase set for {args.user}.")
    return 0


def _children(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.unlocked(args) as opened:
        rows = handover.children_for_export(opened, args.search or "")
    for row in rows:
        upn = row.child.details.upn or "-"
        ctx.console.say(f"{row.child.id}\t{upn}\t{row.child.display_name}\t{row.entries or 0}")
    return 0


def _flags(ctx: Context, args: argparse.Namespace) -> int:
    """Open flags, one a line: flag id, child id, rule code, rule version, raised on,
    and the ids of the entries, concerns and events behind it (never what they say)."""
    with ctx.unlocked(args) as opened:
        found = flags.open_flags(opened, args.child)

    for flag in found:
        refs = [f"{label}={','.join(map(str, flag.ids(ref_type))) or '-'}"
                for label, ref_type in (("entries", "entry"), ("concerns", "concern"),
                                        ("events", "event"))]
        ctx.console.say("\t".join((
            str(flag.id), str(flag.child_id), flag.rule_code, flag.rule_version,
            uk_datetime(flag.raised_at), *refs)))
    return 0


def _register(ctx: Context, args: argparse.Namespace) -> int:
    """Register entries, one a line: id, kind, normalised key (or -), linked children."""
    kind = None if args.kind is None else EntryKind(args.kind)
    with ctx.unlocked(args) as opened:
        rows = register.register(opened, kind)
    for row in rows:
        children = ",".join(map(str, row.child_ids)) or "-"
        ctx.console.say(f"{row.entry.id}\t{row.entry.kind.value}\t{row.entry.key or '-'}\t"
                        f"children={children}")
    return 0


def _roster_mapping(source: roster_import.RosterSource,
                    given: Sequence[str]) -> dict[int, RosterField]:
    """--map "HEADING=FIELD" (FIELD one of the RosterField values, or "none")."""
    mapping = dict(source.mapping)
    headers = [h.casefold() for h in source.file.header]
    for item in given:
        heading, _, target = item.rpartition("=")
        if heading.casefold() not in headers:
            raise InvalidInput(f"--map {item}: the file has no column headed '{heading}'.")
        index = headers.index(heading.casefold())
        mapping.pop(index, None)
        if target.strip().lower() != "none":
            try:
                field = RosterField(target.strip().lower())
            except ValueError:
                raise InvalidInput(f"--map {item}: the field must be one of "
                                   + ", ".join(f.value for f in RosterField)
                                   + " or none.") from None
            mapping = {i: f for i, f in mapping.items() if f is not field}
            mapping[index] = field
    return mapping


def _import_roster(ctx: Context, args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"Cannot read {args.file}: {exc.strerror or exc}.") from exc
    left_on = exports.uk_date_arg(args.left_on)
    if left_on is not None and not args.full_roll:
        raise InvalidInput("--left-on goes with --full-roll.")
    with ctx.unlocked(args) as opened:
        source = roster_import.open_roster(opened, data)
        mapping = _roster_mapping(source, args.map or [])
        preview = roster_import.preview_import(opened, source, mapping,
                                               full_roll=args.full_roll, left_on=left_on)
        for line in roster_import.preview_lines(preview,
                                                roster_import.on_roll_count(opened)):
            ctx.console.say(line)
        if args.dry_run:
            ctx.console.say("")
            ctx.console.say("Dry run: nothing was written.")
            if preview.plan.skipped and not args.import_rest:
                ctx.console.say(f"To import, fix the {counted(preview.plan.skipped)} above or "
                                "add --import-rest to leave them out.")
            return 0
        result = roster_import.commit_import(opened, preview, import_rest=args.import_rest,
                                             holidays=ctx.known_bank_holidays)
    ctx.console.say("")
    ctx.console.say(f"Imported: {result.added} added, {result.updated} updated, "
                    f"{result.left} marked as left, {counted(result.skipped)} left out.")
    if result.transfers_opened:
        ctx.console.say(roster_import.transfers_text(result).strip())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cerecorder-admin",
        description="Administer CE Recorder vaults: create, demo, verify, back up, restore, "
        "users, children, PDF exports. Passphrases (then any PDF password) are read from "
        "standard input when it is not a terminal.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Callable[[Context, argparse.Namespace], int], text: str,
                *, user: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("vault", type=Path, metavar="VAULT", help="the vault folder")
        if user:
            p.add_argument("--user", help="user name (optional when the vault has one user)")
        p.set_defaults(handler=handler)
        return p

    p = command("init", _init, "Create a vault and its first user; prints the recovery key.",
                user=False)
    p.add_argument("--name", required=True)
    p.add_argument("--display-name")
    p.add_argument("--role", choices=[r.value for r in Role], default=Role.DSL.value)

    p = command("demo", _demo, "Create a training vault of fictional pupils (user 'demo').",
                user=False)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--size", choices=list(demo.SIZES), default="school")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")

    command("verify", _verify, "Check SQLCipher integrity, the schema, the audit chain, "
            "the anchors seen outside the vault and every attachment's SHA-256.")
    command("acknowledge-restore", _acknowledge_restore,
            "DSL: accept that the vault was restored from an older copy on purpose (audited).")
    p = command("backup", _backup, "Write a consistent, still-encrypted copy to DEST.")
    p.add_argument("dest", type=Path, metavar="DEST")

    p = sub.add_parser("restore", help="Restore a backup into VAULT (keeps any vault replaced).")
    p.add_argument("backup", type=Path, metavar="BACKUP")
    p.add_argument("vault", type=Path, metavar="VAULT")
    p.add_argument("--force", action="store_true", help="replace an existing vault")
    p.add_argument("--user", help="open the backup as this user and verify it before "
                   "replacing anything (asks the passphrase)")
    p.set_defaults(handler=_restore)

    command("users", _users, "List users and roles (no record content).")
    p = command("add-user", _add_user, "Add a user (asks your passphrase, then theirs).")
    p.add_argument("name")
    p.add_argument("--display-name")
    p.add_argument("--role", choices=[r.value for r in Role], default=Role.STAFF.value)
    p = command("remove-user", _remove_user,
                "Remove a user and rotate the database key and the signing key.")
    p.add_argument("name")
    command("passwd", _passwd, "Change your passphrase.")
    p = command("recover", _recover, "Set a new passphrase for a user with the recovery key.",
                user=False)
    p.add_argument("--user", required=True)

    p = command("children", _children, "List children: id, UPN, name, chronology entries "
                "(DSL only).")
    p.add_argument("--search", metavar="TEXT", help="part of a name or UPN")

    p = command("flags", _flags, "List open pattern flags: flag id, child id, rule, rule "
                "version, date raised and the ids of the entries, concerns and events behind "
                "it (DSL only).")
    p.add_argument("--child", type=int, metavar="ID", help="only this child's flags")
    p = command("register", _register, "List register entries: id, kind, normalised key and "
                "the ids of the children linked (DSL only).")
    p.add_argument("--kind", choices=[k.value for k in EntryKind])

    def export_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
        protection = p.add_mutually_exclusive_group()
        protection.add_argument("--password-stdin", action="store_true",
                                help="protect the PDF (AES-256) with a password read after "
                                "the passphrase (4 words, or 12 characters or more)")
        protection.add_argument("--generate-password", action="store_true",
                                help="protect the PDF with a generated password, printed "
                                "once: send it separately from the file")
        p.add_argument("--force", action="store_true", help="replace an existing file")
        p.add_argument("--roles-only", action="store_true",
                       help="name staff by their role only (a copy for external sharing)")
        p.add_argument("--school", metavar="NAME",
                       help="the school's name on every page (default: the vault's setting)")

    p = command("export-chronology", exports.export_chronology,
                "Export a child's chronology as a PDF (DSL only).")
    p.add_argument("--child", type=int, required=True, metavar="ID")
    export_options(p)
    p.add_argument("--purpose", metavar="TEXT", help="purpose of disclosure, for the cover "
                   "(required)")
    p.add_argument("--portrait", action="store_true", help="portrait pages (default landscape)")
    p.add_argument("--from", dest="date_from", metavar="dd/mm/yyyy")
    p.add_argument("--to", dest="date_to", metavar="dd/mm/yyyy")
    p.add_argument("--types", metavar="TYPE,...",
                   help="only these entry types: " + ", ".join(t.value for t in EntryType))
    p.add_argument("--significant", action="store_true",
                   help="significant events only: the summary chronology (the entries the "
                   "DSL marked as significant, with the concerns' decisions and actions)")
    p = command("export-concern", exports.export_concern, "Export a concern record as a PDF.")
    p.add_argument("--concern", type=int, required=True, metavar="ID")
    export_options(p)
    p.add_argument("--for-child", type=int, metavar="ID",
                   help="a copy for this child's file: other pupils are not named (needs "
                   "--purpose); without it, the DSL's full copy for the school's file")
    p.add_argument("--purpose", metavar="TEXT", help="purpose of disclosure")
    p.add_argument("--append-attachments", action="store_true",
                   help="append the concern's images, PDF pages, text files and e-mails to "
                   "the record (DSL); the record lists every attachment with its SHA-256 "
                   "either way")

    file_life.add_commands(command)
    attachments.add_commands(command)
    sar.add_commands(command)
    reports.add_commands(command)
    p = command("intel-report", exports.intel_report,
                "An intelligence report for the police or a partnership of the register "
                "entries and concerns named (DSL only): a disclosure, kept with its purpose.")
    p.add_argument("--entry", type=int, action="append", metavar="ID",
                   help="a register entry to include (again for more)")
    p.add_argument("--concern", type=int, action="append", metavar="ID",
                   help="a concern to include (again for more)")
    p.add_argument("--purpose", required=True, metavar="TEXT", help="purpose of disclosure")
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.add_argument("--csv", action="store_true", help="write a CSV instead of a PDF")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.add_argument("--school", metavar="NAME",
                   help="the school's name on every page (default: the vault's setting)")

    p = command("import-roster", _import_roster,
                "Import the pupil roll from an MIS CSV export (DSL or admin): prints the "
                "preview, then imports all of it or nothing.")
    p.add_argument("file", type=Path, metavar="FILE.csv")
    p.add_argument("--dry-run", action="store_true", help="print the preview; write nothing")
    p.add_argument("--full-roll", action="store_true",
                   help="the file is the whole roll: mark pupils not in it as left")
    p.add_argument("--left-on", metavar="dd/mm/yyyy",
                   help="the leaving date for --full-roll (default today)")
    p.add_argument("--import-rest", action="store_true",
                   help="import the sound rows even if some have problems or conflicts")
    p.add_argument("--map", action="append", metavar="HEADING=FIELD",
                   help="say which field a column holds (or 'none'); fields: "
                   + ", ".join(f.value for f in RosterField))
    p = command("card", packet_cli.card,
                "Export the DSL's recipient card for staff laptops (DSL only).")
    p.add_argument("--out", type=Path, required=True, metavar="CARD")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p = command("inbox", packet_cli.inbox, "Import sealed concern packets from FOLDER (DSL or "
                "administrator); exit 1 if any packet was refused or came with a warning.")
    p.add_argument("folder", type=Path, metavar="FOLDER")
    p = command("enrol", packet_cli.enrol,
                "Enrol a staff laptop from its enrolment file (DSL only).")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--fingerprint", metavar="CODE",
                   help="the fingerprint the staff laptop shows, read out to you")
    p = command("pin-card", packet_cli.pin_card,
                "On a staff laptop: trust the DSL's recipient card FILE once its fingerprint "
                "is checked with the DSL (staff or administrator); again with a new card "
                "signed by another vault.")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--fingerprint", metavar="CODE",
                   help="the fingerprint the DSL reads out to you")
    p = command("staff-card", packet_cli.staff_card, "Export this staff laptop's enrolment file.")
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p = command("export-identity", packet_cli.export_identity,
                "Write your packet identity, to open packets with the age tool (DSL only).")
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    return parser


def run(
    argv: Sequence[str], *, taxonomy: TaxonomyLibrary, clock: Clock,
    documents: DocumentRenderer | None = None, anchor_folders: Sequence[Path] = (),
    bank_holidays: BankHolidays | None = None, retention_years: int = DEFAULT_YEARS,
    demo_files: Callable[[], DemoFiles] | None = None,
    after_transfer: AfterTransfer | None = None, stdin: TextIO | None = None,
    stdout: TextIO | None = None, stderr: TextIO | None = None,
    attachment_limits: Limits | None = None,
) -> int:
    console = Console(stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    ctx = Context(taxonomy, clock, console, documents, anchor_folders, bank_holidays,
                  retention_years, demo_files, after_transfer, attachment_limits)
    try:
        code = int(args.handler(ctx, args))
    except PermissionDenied as exc:
        print(f"cerecorder-admin: not allowed: {exc}", file=console.stderr)
        return EXIT_DENIED
    except (EnvironmentProblem, CERecorderError) as exc:
        print(f"cerecorder-admin: {exc}", file=console.stderr)
        log.info("command %s failed: %s", args.command, type(exc).__name__)
        return EXIT_PROBLEM
    except PermissionError as exc:  # a file of another owner that no layer expected
        print(f"cerecorder-admin: {NoAccess(exc.filename or 'a file')}", file=console.stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        print("cerecorder-admin: interrupted; nothing half-written was kept.", file=console.stderr)
        return EXIT_PROBLEM
    except Exception as exc:
        # where, never the message: it may quote a record (as app.py's _report_bug)
        log.error("command %s: internal error %s at\n%s", args.command, type(exc).__name__,
                  "".join(traceback.format_tb(exc.__traceback__)))
        print("cerecorder-admin: internal error (a bug); details are in the log file.",
              file=console.stderr)
        return EXIT_PROBLEM
    log.info("command %s finished with %s", args.command, code)
    return code

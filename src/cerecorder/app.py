"""Composition root: wires the clock, the taxonomy, logging and paths into the front ends."""

from __future__ import annotations

import argparse
import gc
import io
import logging
import logging.handlers
import os
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from cerecorder import config, hardening, macpolicy, paths, policy, winpolicy
from cerecorder.domain.body_map import load_outlines
from cerecorder.domain.retention import DEFAULT_YEARS
from cerecorder.domain.schooldays import BankHolidays
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.policy import Policy, PolicyReading
from cerecorder.services.clock import SystemClock
from cerecorder.ui.settings_model import UiSettings

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from cerecorder.domain.body_map import Outlines
    from cerecorder.domain.handover import DocumentRenderer
    from cerecorder.services.demo_evidence import DemoFiles
    from cerecorder.ui.context import AppContext

log = logging.getLogger("cerecorder")


class PrivateLog(logging.handlers.RotatingFileHandler):
    """The stock handler opens each log file (the first, and the new one at every
    rotation) under the umask: under umask 000 that is 0666. This one opens it 0600."""

    def _open(self) -> io.TextIOWrapper:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0)
        fd = os.open(self.baseFilename, flags, 0o600)
        try:
            os.chmod(self.baseFilename, 0o600)  # an older version left its log 0644
        except OSError:
            os.close(fd)
            raise
        return open(fd, "a", encoding=self.encoding, errors=self.errors)


def configure_logging() -> None:
    """A rotated log of ids and events in the platform log folder; never record content.
    The folder is 0700 and every log file 0600, whatever the umask."""
    folder = paths.log_dir()
    try:
        hardening.private_folder(folder)
        for old in folder.glob("cerecorder.log.*"):  # rotated by an older version
            old.chmod(0o600)
        handler: logging.Handler = PrivateLog(
            folder / "cerecorder.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()  # a read-only profile must not stop the app
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    # A log write that fails (a full disk) must not print a traceback over the plain message
    logging.raiseExceptions = False
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def find_policy() -> PolicyReading:
    """School IT's policy in force: on Windows the registry policy, on macOS the
    configuration profile's, else the file (docs/policy.md says which wins)."""
    return policy.find(paths.machine_policy_files(), paths.own_policy_file(),
                       winpolicy.machine_reading() or macpolicy.machine_reading())


def read_policy() -> PolicyReading:
    """The policy in force; each problem goes to the log (key and problem, no values of
    records: a policy holds none), and so does each policy file that does not count."""
    reading = find_policy()
    for problem in reading.problems:
        log.warning("policy file %s: %s", reading.source, problem)
    for other in reading.ignored:
        log.info("policy file also found, ignored: %s", other)
    return reading


def documents(rules: Policy) -> policy.MarkedDocuments:
    """The PDF renderer, stamping the policy's marking and school name on every page."""

    def renderer() -> DocumentRenderer:
        from cerecorder.export.pdf import PdfRenderer

        return PdfRenderer(paths.resources_dir() / "fonts")

    return policy.MarkedDocuments(renderer, rules)


def admin_main() -> None:
    """`cerecorder-admin`."""
    hardening.disable_crash_dumps()  # before anything can open a vault
    from cerecorder.cli import main as cli  # not loaded when the desktop app starts

    cli.build_parser().parse_args(sys.argv[1:])  # --help, --version, bad usage: exit here,
    configure_logging()  # before a log folder is made or the policy read
    reading = read_policy()
    for problem in reading.problems:
        print(f"warning: policy file {reading.source}: {problem}", file=sys.stderr)
    taxonomy = load_taxonomy(reading.policy)
    sys.exit(cli.run(sys.argv[1:], taxonomy=taxonomy, clock=SystemClock(),
                     documents=documents(reading.policy),
                     bank_holidays=BankHolidays.load(paths.calendar_dir()),
                     retention_years=reading.policy.retention_years or DEFAULT_YEARS,
                     after_transfer=reading.policy.after_transfer,
                     attachment_limits=reading.policy.attachment_limits,
                     anchor_folders=anchor_folders(reading.policy),
                     demo_files=lambda: _demo_files(load_outlines(paths.bodymap_dir()))))


def load_taxonomy(rules: Policy) -> TaxonomyLibrary:
    """The shipped taxonomy, rules and screening instruments, with the local authority's
    instrument in place of the default when the policy names one. One that cannot be used
    stops new screenings with the reason, rather than screening with another tool."""
    library = TaxonomyLibrary.load(paths.taxonomy_dir())
    chosen = rules.screening_instrument
    if chosen is not None:
        from cerecorder.domain.screening import read_instrument

        try:
            library.screening = library.screening.with_default(
                read_instrument(chosen.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            log.warning("policy screening_instrument unusable: %s", type(exc).__name__)
            library.screening = library.screening.unusable(
                f"The screening instrument the school's policy names ({chosen}) cannot be "
                f"used: {exc}. Ask IT to correct it; no screening can be made until then.")
    return library


def anchor_folders(rules: Policy) -> tuple[Path, ...]:
    """Where anchors are kept: the user's state folder, and the folder school IT keeps on
    another machine when the policy names one (services/anchors.py)."""
    return (paths.anchor_dir(), *((rules.anchor_folder,) if rules.anchor_folder else ()))


def _demo_files(outlines: Outlines) -> DemoFiles:
    """The demo's evidence files, made only when a demo vault is built (Pillow and
    ReportLab are not loaded to start the app)."""
    from cerecorder.demo_files import demo_files

    return demo_files(paths.resources_dir() / "fonts", outlines)


def build_context(rules: Policy | None = None) -> AppContext:
    """What the windows are given, with school IT's policy laid over the user's settings."""
    from cerecorder.ui.context import AppContext  # the admin command line never loads Qt

    rules = rules or Policy()
    own = config.load_settings()

    def save_settings(in_force: UiSettings) -> None:
        config.save_settings(config.own_part(in_force, own, rules))

    return AppContext(
        clock=SystemClock(),
        taxonomy=load_taxonomy(rules),
        settings=config.apply_policy(own, rules),
        save_settings=save_settings,
        default_vault_dir=rules.vault_location or paths.default_vault_dir(),
        demo_vault_dir=paths.demo_vault_dir(),
        ui_dir=paths.ui_dir(),
        documents=documents(rules),
        policy_fixed=rules.fixed,
        policy_summary=rules.summary(),
        offer_demo=rules.demo_offered,
        anchor_folders=anchor_folders(rules),
        bank_holidays=BankHolidays.load(paths.calendar_dir()),
        body_outlines=(outlines := load_outlines(paths.bodymap_dir())),
        demo_files=lambda: _demo_files(outlines),
        retention_years=rules.retention_years or DEFAULT_YEARS,
        after_transfer=rules.after_transfer,
        case_sign_off=bool(rules.case_sign_off),
        attachment_limits=rules.attachment_limits,
    )


def warn_about_policy(reading: PolicyReading, parent: QWidget | None = None) -> None:
    """A bad policy file is told once at start, in a dialog; the app runs on."""
    if not reading.problems:
        return
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.warning(parent, "CE Recorder: school policy", policy.problems_text(reading))


def check_policy(draft: Path | None = None) -> int:
    """`cerecorder --check-policy [FILE]`: for IT, the policy file in force, its problems
    and the policy files that do not count; or a draft FILE, before it is deployed."""
    reading = policy.read(draft) if draft else find_policy()
    own = paths.own_policy_file()
    if draft:
        print(f"Policy file: {draft} (a draft, checked only: not in force)")
    elif reading.source is None:
        looked = [*([winpolicy.SOURCE] if sys.platform == "win32" else []),
                  *([macpolicy.profile()] if sys.platform == "darwin" else []),
                  *paths.machine_policy_files(), *([own[0]] if own else [])]
        print("Policy file: none (not there: every key uses its default); looked for "
              + ", ".join(str(path) for path in looked))
    elif reading.source == winpolicy.SOURCE:
        print(f"Policy: the registry, {reading.source} (the machine policy, from Group "
              "Policy, Intune or the MSI: it comes before any policy file)")
    elif reading.source == str(macpolicy.profile()):
        print(f"Policy: the configuration profile, {reading.source} (the machine policy, "
              "from MDM: it comes before any policy file)")
    elif own and reading.source == own[0]:
        print(f"Policy file: {reading.source} (named by {own[1]}: no machine policy exists)")
    else:
        print(f"Policy file: {reading.source} (the machine policy: no user's environment "
              "variable can replace it)")
    for label, value in reading.policy.summary():
        print(f"  {label}: {value}")
    for other in reading.ignored:
        print(f"also found, ignored: {other}")
    for problem in reading.problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if reading.problems else 0


def _report_bug(kind: type[BaseException], error: BaseException,
                tb: TracebackType | None) -> None:
    """A bug in a window's slot: log where (never the message, which may quote a record)
    and tell the user plainly instead of vanishing into a stderr nobody sees."""
    frames = "".join(traceback.format_tb(tb))
    log.error("internal error %s at\n%s", kind.__name__, frames)
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(None, "CE Recorder", "Something went wrong inside CE Recorder (a "
                         "bug). Your saved records are safe. Details are in the log file.")


class _Version(argparse.Action):
    """argparse's version action, but the version is read only when asked for (reading
    the package metadata costs tens of milliseconds at every start)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS,
                 help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        from cerecorder import __version__

        print(f"{parser.prog} {__version__}")  # to stdout, as argparse's own does
        parser.exit()


def app_parser() -> argparse.ArgumentParser:
    """The desktop app's own options; anything else is left to Qt (-platform, -style).
    --help and --version print and exit before Qt loads (over SSH there is no screen)."""
    parser = argparse.ArgumentParser(
        prog="cerecorder", allow_abbrev=False,
        description="CE Recorder, the desktop app: record safeguarding concerns in an "
        "encrypted vault. Without options it opens its window. The admin command line is "
        "cerecorder-admin.")
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation (temporary vault, record, PDF, print) "
                        "and exit 0 when it works")
    parser.add_argument("--check-policy", nargs="?", const="", metavar="FILE",
                        help="show the school policy in force, or check the draft FILE, "
                        "and its problems; exit 1 when it has any")
    return parser


def main() -> None:
    """The desktop app; `--self-test` and `--check-policy` are for school IT and CI."""
    hardening.disable_crash_dumps()  # before anything can open a vault
    options, qt_args = app_parser().parse_known_args(sys.argv[1:])
    if options.check_policy is not None:
        sys.exit(check_policy(Path(options.check_policy) if options.check_policy else None))
    if options.self_test:
        from cerecorder import selftest

        rules = find_policy().policy
        sys.exit(selftest.run(rules, lambda: documents(rules).loaded()))
    configure_logging()
    reading = read_policy()
    from PySide6.QtWidgets import QApplication

    from cerecorder.ui.controller import AppController, shut_down

    app = QApplication([sys.argv[0], *qt_args])
    sys.excepthook = _report_bug
    app.setApplicationName(paths.APP_NAME)
    app.setApplicationDisplayName(paths.APP_NAME)
    app.setQuitOnLastWindowClosed(True)
    ctx = build_context(reading.policy)
    from cerecorder.ui.look import apply_look

    apply_look(app, ctx.ui_dir)
    warn_about_policy(reading)
    # What is alive now (modules, Qt's bindings, the taxonomy and rules) lives as long as
    # the process: kept out of the cyclic collector, whose every full pass over it cost
    # some 25 ms at random moments (a window opening, a key typed). No collection first:
    # it would add that much to the start, for a few kilobytes of start-up garbage.
    gc.freeze()
    controller = AppController(ctx)
    controller.start()
    log.info("started")
    code = app.exec()
    controller.lock(reopen=False)
    shut_down(app)
    sys.exit(code)

"""Composition root: wires the clock, the taxonomy, logging and paths into the front ends."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import traceback
from types import TracebackType
from typing import TYPE_CHECKING

from cerecorder import config, paths, policy
from cerecorder.domain.handover import DocumentRenderer
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.policy import Policy, PolicyReading
from cerecorder.services.clock import SystemClock
from cerecorder.ui.settings_model import UiSettings

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from cerecorder.ui.context import AppContext

log = logging.getLogger("cerecorder")


def configure_logging() -> None:
    """A rotated log of ids and events in the platform log folder; never record content."""
    folder = paths.log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            folder / "cerecorder.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()  # a read-only profile must not stop the app
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def read_policy() -> PolicyReading:
    """School IT's policy file; each problem goes to the log (key and problem, no values
    of records: a policy holds none)."""
    reading = policy.read(paths.policy_file())
    for problem in reading.problems:
        log.warning("policy file %s: %s", reading.source, problem)
    return reading


def documents(rules: Policy) -> policy.MarkedDocuments:
    """The PDF renderer, stamping the policy's marking and school name on every page."""

    def renderer() -> DocumentRenderer:
        from cerecorder.export.pdf import PdfRenderer

        return PdfRenderer(paths.resources_dir() / "fonts")

    return policy.MarkedDocuments(renderer, rules)


def admin_main() -> None:
    from cerecorder.cli import main as cli  # not loaded when the desktop app starts

    configure_logging()
    reading = read_policy()
    for problem in reading.problems:
        print(f"warning: policy file {reading.source}: {problem}", file=sys.stderr)
    taxonomy = TaxonomyLibrary.load(paths.taxonomy_dir())
    sys.exit(cli.run(sys.argv[1:], taxonomy=taxonomy, clock=SystemClock(),
                     documents=documents(reading.policy)))


def build_context(rules: Policy | None = None) -> AppContext:
    """What the windows are given, with school IT's policy laid over the user's settings."""
    from cerecorder.ui.context import AppContext  # the admin command line never loads Qt

    rules = rules or Policy()
    own = config.load_settings()

    def save_settings(in_force: UiSettings) -> None:
        config.save_settings(config.own_part(in_force, own, rules))

    return AppContext(
        clock=SystemClock(),
        taxonomy=TaxonomyLibrary.load(paths.taxonomy_dir()),
        settings=config.apply_policy(own, rules),
        save_settings=save_settings,
        default_vault_dir=rules.vault_location or paths.default_vault_dir(),
        demo_vault_dir=paths.demo_vault_dir(),
        ui_dir=paths.ui_dir(),
        documents=documents(rules),
        policy_fixed=rules.fixed,
        policy_summary=rules.summary(),
        offer_demo=rules.demo_offered,
    )


def warn_about_policy(reading: PolicyReading, parent: QWidget | None = None) -> None:
    """A bad policy file is told once at start, in a dialog; the app runs on."""
    if not reading.problems:
        return
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.warning(parent, "CE Recorder: school policy", policy.problems_text(reading))


def check_policy() -> int:
    """`cerecorder --check-policy`: for IT, the policy file in force and its problems."""
    reading = policy.read(paths.policy_file())
    print(f"Policy file: {paths.policy_file()}"
          + ("" if reading.source else " (not there: every key uses its default)"))
    for label, value in reading.policy.summary():
        print(f"  {label}: {value}")
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


def main() -> None:
    """The desktop app; `--self-test` and `--check-policy` are for school IT and CI."""
    if sys.argv[1:2] == ["--check-policy"]:
        sys.exit(check_policy())
    if sys.argv[1:2] == ["--self-test"]:
        from cerecorder import selftest

        rules = policy.read(paths.policy_file()).policy
        sys.exit(selftest.run(rules, lambda: documents(rules).loaded()))
    configure_logging()
    reading = read_policy()
    from PySide6.QtWidgets import QApplication

    from cerecorder.ui.controller import AppController, shut_down

    app = QApplication(sys.argv)
    sys.excepthook = _report_bug
    app.setApplicationName(paths.APP_NAME)
    app.setApplicationDisplayName(paths.APP_NAME)
    app.setQuitOnLastWindowClosed(True)
    ctx = build_context(reading.policy)
    from cerecorder.ui.look import apply_look

    apply_look(app, ctx.ui_dir)
    warn_about_policy(reading)
    controller = AppController(ctx)
    controller.start()
    log.info("started")
    code = app.exec()
    controller.lock(reopen=False)
    shut_down(app)
    sys.exit(code)

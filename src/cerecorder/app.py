"""Composition root: wires the clock, the taxonomy, logging and paths into the front ends."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import traceback
from types import TracebackType
from typing import TYPE_CHECKING

from cerecorder import config, paths
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.services.clock import SystemClock

if TYPE_CHECKING:
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


def admin_main() -> None:
    from cerecorder.cli import main as cli  # not loaded when the desktop app starts
    from cerecorder.export.pdf import PdfRenderer

    configure_logging()
    taxonomy = TaxonomyLibrary.load(paths.taxonomy_dir())
    sys.exit(cli.run(sys.argv[1:], taxonomy=taxonomy, clock=SystemClock(),
                     documents=PdfRenderer(paths.resources_dir() / "fonts")))


def build_context() -> AppContext:
    from cerecorder.export.pdf import PdfRenderer
    from cerecorder.ui.context import AppContext  # the admin command line never loads Qt

    return AppContext(
        clock=SystemClock(),
        taxonomy=TaxonomyLibrary.load(paths.taxonomy_dir()),
        settings=config.load_settings(),
        save_settings=config.save_settings,
        default_vault_dir=paths.default_vault_dir(),
        demo_vault_dir=paths.demo_vault_dir(),
        ui_dir=paths.ui_dir(),
        documents=PdfRenderer(paths.resources_dir() / "fonts"),
    )


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
    """The desktop app."""
    configure_logging()
    from PySide6.QtWidgets import QApplication

    from cerecorder.ui.controller import AppController, shut_down

    app = QApplication(sys.argv)
    sys.excepthook = _report_bug
    app.setApplicationName(paths.APP_NAME)
    app.setApplicationDisplayName(paths.APP_NAME)
    app.setQuitOnLastWindowClosed(True)
    ctx = build_context()
    style = ctx.ui_dir / "style.qss"
    if style.is_file():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    controller = AppController(ctx)
    controller.start()
    log.info("started")
    code = app.exec()
    controller.lock(reopen=False)
    shut_down(app)
    sys.exit(code)

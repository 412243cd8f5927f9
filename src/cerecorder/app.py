"""Composition root: wires the clock, the taxonomy, logging and paths into the front ends."""

from __future__ import annotations

import logging
import logging.handlers
import sys

from cerecorder import config, paths
from cerecorder.cli import main as cli
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.services.clock import SystemClock
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
    configure_logging()
    taxonomy = TaxonomyLibrary.load(paths.taxonomy_dir())
    sys.exit(cli.run(sys.argv[1:], taxonomy=taxonomy, clock=SystemClock()))


def build_context() -> AppContext:
    return AppContext(
        clock=SystemClock(),
        taxonomy=TaxonomyLibrary.load(paths.taxonomy_dir()),
        settings=config.load_settings(),
        save_settings=config.save_settings,
        default_vault_dir=paths.default_vault_dir(),
        demo_vault_dir=paths.demo_vault_dir(),
        ui_dir=paths.ui_dir(),
    )


def main() -> None:
    """The desktop app."""
    configure_logging()
    from PySide6.QtWidgets import QApplication

    from cerecorder.ui.controller import AppController, shut_down

    app = QApplication(sys.argv)
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

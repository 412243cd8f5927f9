"""Composition root: wires the clock, the taxonomy, logging and paths into the front ends."""

from __future__ import annotations

import logging
import logging.handlers
import sys

from cerecorder import paths
from cerecorder.cli import main as cli
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.services.clock import SystemClock

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


def main() -> None:
    """The desktop app. Its windows are the next piece of work (the desktop-app issue);
    until then this points the user at what exists."""
    configure_logging()
    print(
        "CE Recorder: the desktop windows are not built yet.\n"
        "The vault, records and admin command line are: see `cerecorder-admin --help`,\n"
        f"for example `cerecorder-admin demo \"{paths.demo_vault_dir()}\"`."
    )
    sys.exit(0)

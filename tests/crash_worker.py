"""Crash-safety worker, run as a separate process by tests/test_crash_safety.py.

Not a test module. Usage:

    python crash_worker.py VAULT USER CHILD_ID FIRST_SERIAL   (passphrase on stdin)

It unlocks the vault through the service layer, prints "ready", then saves concerns about
CHILD_ID for ever, numbering them from FIRST_SERIAL. Only after record_concern has
RETURNED does it print the concern's serial and flush, so every serial the parent reads
is a save the application reported as done. The parent kills it with SIGKILL.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from cerecorder import paths
from cerecorder.domain.model import ConcernContent, Urgency
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.services import concerns, session
from cerecorder.services.clock import SystemClock

INDICATORS = frozenset({"SHARED-01", "CSE-01"})


def serial_text(number: int) -> str:
    return f"serial-{number:07d}"


def facts_for(number: int) -> str:
    """The full facts text of concern NUMBER; the parent checks it arrived whole."""
    return (
        f"Crash-safety concern {serial_text(number)}: seen getting into a car with two "
        "older males after school; " + "details " * 40 + f"end of {serial_text(number)}."
    )


def main(argv: list[str]) -> int:
    folder, user_name, child_id, first = Path(argv[1]), argv[2], int(argv[3]), int(argv[4])
    passphrase = sys.stdin.readline().rstrip("\r\n")
    clock = SystemClock()
    opened = session.unlock(
        folder, user_name=user_name, passphrase=passphrase, clock=clock,
        taxonomy=TaxonomyLibrary.load(paths.taxonomy_dir()),
    )
    print("ready", flush=True)
    number = first
    while True:
        content = ConcernContent(
            child_ids=(child_id,),
            occurred_at=clock.now() - timedelta(hours=1),
            location="Bus stop outside the main gate",
            facts=facts_for(number),
            indicator_codes=INDICATORS,
            urgency=Urgency.HIGH,
        )
        concerns.record_concern(opened, content)
        # The save has returned: only now may the parent count on it.
        print(serial_text(number), flush=True)
        number += 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Restore worker, run as a separate process by tests/test_restore.py. Not a test module.

    python restore_worker.py N BACKUP VAULT

Runs `cerecorder-admin restore BACKUP VAULT --force` in process, but kills itself with
SIGKILL just before its Nth call of os.replace (the journal, the two renames of the
swap, the restore event): the moments a power cut or a killed process can leave.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from cerecorder import paths
from cerecorder.cli.main import run
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.services.clock import SystemClock


def main(argv: list[str]) -> int:
    kill_at, backup, vault = int(argv[1]), argv[2], argv[3]
    real_replace = os.replace
    calls = 0

    def replace(src: str | Path, dst: str | Path) -> None:
        nonlocal calls
        calls += 1
        if calls == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(src, dst)

    os.replace = replace  # type: ignore[assignment]
    return run(["restore", backup, vault, "--force"],
               taxonomy=TaxonomyLibrary.load(paths.taxonomy_dir()), clock=SystemClock())


if __name__ == "__main__":
    sys.exit(main(sys.argv))

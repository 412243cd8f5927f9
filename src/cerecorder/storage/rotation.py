"""Moving vault.db to a new key (PRAGMA rekey), and telling how far it has got.

SQLCipher's rekey is one statement: it rewrites every page, under the new key, into the
WAL in one transaction, commits, and the checkpoint then copies the pages into vault.db.
Neither step reports progress, so a watcher thread reads the -wal file's size as it
grows towards vault.db's (the WAL is emptied first, so it grows from nothing), and
estimates the commit and the checkpoint, which change no file's size, from how long the
re-encryption took (bench/rotation_bench.py measured both).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from cerecorder.domain.rotation import ProgressCallback, RekeyProgress
from cerecorder.storage.connection import Connection, db_errors_explained
from cerecorder.storage.repositories import MetaRepository

#: meta key: SHA-256 of the key a rotation in progress is moving the database to
ROTATION_KEY = "rotation_key_sha256"
#: the share of a rotation's time that re-encrypting into the WAL takes, and the time the
#: commit and checkpoint take after it, as a share of the re-encryption's: bench/
#: rotation_bench.py measured 0.75 and 0.33 on a 2 GB vault, 0.71 and 0.41 on 100 MB.
#: Erring high on the write-back ends in a last step of a few per cent, not a bar that
#: stands still at the end.
ENCRYPT_SHARE = 0.7
WRITE_BACK_RATIO = 0.4
#: the estimate of the write-back stops short of the end until the checkpoint returns
WRITE_BACK_CAP = 0.98
POLL_SECONDS = 0.1


def rekey(conn: Connection, db: Path, new_key: bytes,
          progress: ProgressCallback | None = None) -> None:
    """Move the database to a new key and clear the rotation's record. The checkpoint
    moves the re-encrypted pages out of the WAL into vault.db (DESIGN.md, Known traps).
    `progress` is called from another thread, a few times a second."""
    with db_errors_explained():
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # so the WAL grows from nothing
        with _watched(db, progress) as watcher:
            conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
            watcher.encrypted()
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    MetaRepository(conn).delete(ROTATION_KEY)


class _Watcher:
    """Polls the -wal file's size on its own thread and reports each new permille."""

    def __init__(self, db: Path, progress: ProgressCallback | None) -> None:
        self.wal = db.with_name(f"{db.name}-wal")
        self.total = max(1, db.stat().st_size)
        self.progress = progress
        self.started = time.monotonic()
        self.encrypt_seconds: float | None = None  # once the WAL holds every page
        self.stop = threading.Event()
        self.reported = -1

    def encrypted(self) -> None:
        """The rekey returned: whatever the WAL's size says, every page is in it."""
        if self.encrypt_seconds is None:
            self.encrypt_seconds = time.monotonic() - self.started

    def run(self) -> None:
        while not self.stop.wait(POLL_SECONDS):
            self.report()

    def report(self, *, done: bool = False) -> None:
        try:
            in_wal = self.wal.stat().st_size
        except OSError:  # not there yet, or already truncated by the checkpoint
            in_wal = 0
        if in_wal >= self.total:
            self.encrypted()
        now = time.monotonic()
        if done:
            fraction, encrypted = 1.0, self.total
        elif self.encrypt_seconds is None:
            fraction, encrypted = ENCRYPT_SHARE * in_wal / self.total, in_wal
        else:
            expected = max(POLL_SECONDS, WRITE_BACK_RATIO * self.encrypt_seconds)
            since = now - self.started - self.encrypt_seconds
            fraction = ENCRYPT_SHARE + (1 - ENCRYPT_SHARE) * min(WRITE_BACK_CAP,
                                                                 since / expected)
            encrypted = self.total
        permille = int(fraction * 1000)
        if permille > self.reported and self.progress is not None:
            self.reported = permille
            self.progress(RekeyProgress(permille / 1000, encrypted, self.total))


@contextlib.contextmanager
def _watched(db: Path, progress: ProgressCallback | None) -> Iterator[_Watcher]:
    watcher = _Watcher(db, progress)
    if progress is None:
        yield watcher
        return
    thread = threading.Thread(target=watcher.run, name="rekey progress", daemon=True)
    thread.start()
    try:
        yield watcher
    finally:
        watcher.stop.set()
        thread.join()
    watcher.report(done=True)

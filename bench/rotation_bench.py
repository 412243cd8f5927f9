"""Key rotation of a large vault (issue 16): removing a user re-encrypts the whole file;
how long that takes, and how smoothly its progress moves.

    python bench/rotation_bench.py [--megabytes 2000]

Builds a new vault in a temporary folder with that many MB of 20 MB attachments (random
bytes: what SQLCipher encrypts does not matter), then removes a user. Figures: wall and
CPU seconds (time.process_time) of the rotation; the share of its time that the WAL took
to grow to vault.db's size (storage/rotation.py's ENCRYPT_SHARE) and the write-back
(commit and checkpoint) against the re-encryption (its WRITE_BACK_RATIO); and for the
progress reported, the longest wait between two reports, the largest step, and the
furthest the reported fraction strayed from the share of the time gone. Always exits 0.
"""

from __future__ import annotations

import argparse
import itertools
import os
import tempfile
import time
from pathlib import Path

from cerecorder import paths
from cerecorder.crypto.keyslots import KdfParams
from cerecorder.domain.model import ChildDetails, Role
from cerecorder.domain.rotation import RekeyProgress
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.services import attachments, children, session, users
from cerecorder.services.clock import SystemClock

FILE = 20 * 1000 * 1000
TARGET_GAP = 1.0  # seconds without a report: the bar must not look stuck


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=2000)
    files = max(1, parser.parse_args().megabytes * 1000 * 1000 // FILE)
    with tempfile.TemporaryDirectory(dir=Path(__file__).parent / ".cache") as tmp:
        folder = Path(tmp) / "vault"
        s, _ = session.create(folder, user_name="dsl", display_name="Dana Lead", role=Role.DSL,
                              passphrase="bench passphrase for rotation",
                              clock=SystemClock(), taxonomy=TaxonomyLibrary.load(
                                  paths.taxonomy_dir()),
                              kdf=KdfParams(memory_kib=1024, iterations=1, lanes=1))
        child = children.add_child(s, ChildDetails("Many", "Files"))
        start = time.perf_counter()
        for n in range(files):
            attachments.add_to_chronology(s, child, b"\xff\xd8\xff\xe0" + os.urandom(FILE - 4),
                                          f"scan-{n:03}.jpg")
        print(f"built {files} files of 20 MB in {time.perf_counter() - start:.0f} s")
        leaver = users.add_user(s, name="leaver", display_name="Leaver", role=Role.STAFF,
                                passphrase="a passphrase for the leaver").id
        db = folder / "vault.db"
        wal = folder / "vault.db-wal"
        heard: list[tuple[float, RekeyProgress]] = []
        full_wal: list[float] = []

        def report(step: RekeyProgress) -> None:
            now = time.perf_counter()
            heard.append((now, step))
            if not full_wal and wal.exists() and wal.stat().st_size >= db.stat().st_size:
                full_wal.append(now)

        cpu, wall = time.process_time(), time.perf_counter()
        users.remove_user(s, leaver, report)
        cpu, ended = time.process_time() - cpu, time.perf_counter()
        size = db.stat().st_size
        s.lock()
    took = ended - wall
    print(f"vault.db {size / 1e6:,.0f} MB: rotation {took:.1f} s wall, {cpu:.1f} s CPU "
          f"({size / 1e6 / took:,.0f} MB/s)")
    encrypted = next((t for t, step in heard if step.writing_back), ended)
    if full_wal:
        encrypted = min(encrypted, full_wal[0])
    share = (encrypted - wall) / took
    print(f"re-encrypting into the WAL: {share:.0%} of the time; write-back "
          f"{(ended - encrypted) / (encrypted - wall):.2f} x the re-encryption's time")
    times = [wall] + [t for t, _ in heard] + [ended]
    gap = max(b - a for a, b in itertools.pairwise(times))
    fractions = [0.0] + [step.fraction for _, step in heard]
    jump, before = max((b - a, a) for a, b in itertools.pairwise(fractions))
    stray = max(abs(step.fraction - (t - wall) / took) for t, step in heard)
    print(f"progress: {len(heard)} reports, longest wait {gap:.2f} s (target <= "
          f"{TARGET_GAP} s {'PASS' if gap <= TARGET_GAP else 'MISS'}), largest step "
          f"{jump:.1%} (from {before:.1%}), furthest from the time gone {stray:.1%}")


if __name__ == "__main__":
    main()

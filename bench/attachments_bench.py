"""Attachments (issue 16): a 20 MB photo attached to a draft and read back, and how much
the vault grows for it.

    python bench/attachments_bench.py [--runs 5]

A new vault in a temporary folder (cheapest key derivation: unlocking is not measured).
Figures are CPU seconds (time.process_time, steadier than wall time on a loaded machine)
with wall seconds beside them; the script reports PASS or MISS and always exits 0.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from run import pct

from cerecorder import paths
from cerecorder.crypto.keyslots import KdfParams
from cerecorder.domain.model import ConcernContent, Role
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.services import attachments, concerns, session
from cerecorder.services.clock import SystemClock

ATTACH_TARGET = 1.0  # seconds, a 20 MB photo
GROWTH_TARGET = 0.01  # of the attachments' size
SIZE = 20 * 1000 * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    photo = b"\xff\xd8\xff\xe0" + os.urandom(SIZE - 4)  # a JPEG's start; EXIF-less
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "vault"
        s, _ = session.create(folder, user_name="dsl", display_name="Dana Lead", role=Role.DSL,
                              passphrase="bench passphrase for attachments",
                              clock=SystemClock(), taxonomy=TaxonomyLibrary.load(
                                  paths.taxonomy_dir()),
                              kdf=KdfParams(memory_kib=1024, iterations=1, lanes=1))
        s.vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = folder.joinpath("vault.db").stat().st_size
        added: list[tuple[float, float]] = []
        read: list[tuple[float, float]] = []
        for _ in range(runs):
            draft = concerns.save_draft(s, ConcernContent(facts="Bench."))
            cpu, wall = time.process_time(), time.perf_counter()
            attachment_id = attachments.add_to_draft(s, draft, photo, "IMG_0001.jpg")
            added.append((time.process_time() - cpu, time.perf_counter() - wall))
            cpu, wall = time.process_time(), time.perf_counter()
            assert attachments.read(s, attachment_id)[1] == photo
            read.append((time.process_time() - cpu, time.perf_counter() - wall))
        s.vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        growth = folder.joinpath("vault.db").stat().st_size - before - runs * SIZE
        s.lock()
    for name, values, target in (("attach 20 MB", added, ATTACH_TARGET),
                                 ("read 20 MB", read, None)):
        p95 = pct([c for c, _ in values], 0.95)
        verdict = "" if target is None else (" PASS" if p95 <= target else " MISS")
        print(f"{name}: p95 {p95:.3f} s CPU (wall {pct([w for _, w in values], 0.95):.3f} s)"
              + (f", target {target} s{verdict}" if target else ""))
    share = growth / (runs * SIZE)
    print(f"vault growth beyond the bytes: {share:.2%}, target {GROWTH_TARGET:.0%} "
          + ("PASS" if share <= GROWTH_TARGET else "MISS"))


if __name__ == "__main__":
    main()

"""The pupil-roll import: preview and commit of a 2,000-pupil MIS export.

    python bench/roster_bench.py

Two imports into a fresh vault: the first term (2,000 new pupils), then the next term's
full roll against them (1,950 on roll again, 200 of them with a new registration group,
50 joiners, 50 leavers). Target: preview plus commit <= 2 s for each. The time is the
median of a few runs, each on a fresh vault. Reports PASS or MISS and always exits 0.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cerecorder import paths
from cerecorder.domain.model import Role
from cerecorder.domain.roster import upn_check_letter
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.services import roster_import, session

PUPILS = 2000
TARGET_SECONDS = 2.0
RUNS = 3
FORENAMES = ("Zoë", "Amir", "Chloé", "Kwame", "Siobhán", "Tomás", "Aoife", "Björk", "Jayden",
             "Minh Anh", "Renée", "Oluwaseun", "Leah-Rose", "Mateusz", "Ayşe", "Callum")
SURNAMES = ("O'Neil-Smith", "Nguyễn", "Ólafsdóttir", "Mensah", "García", "Köhler", "Kowalski",
            "Dupont-Lefèvre", "Brown", "Patel", "Ahmed", "Murphy", "Öztürk", "Evans", "Khan")


class Clock:
    def now(self) -> datetime:
        return datetime(2026, 11, 16, 9, 30, tzinfo=UTC)


def roll(pupils: list[tuple[str, ...]]) -> bytes:
    lines = ["Adno,UPN,Legal Surname,Legal Forename,Preferred Forename,DOB,Gender,Year,Reg"]
    for p in pupils:
        lines.append(",".join(f'"{v}"' if "," in v else v for v in p))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def pupils(rng: random.Random, start: int, count: int,
           years: tuple[int, ...] = (7, 8, 9, 10, 11)) -> list[tuple[str, ...]]:
    """Names come from small lists, so two pupils may share a name and birthday; joiners
    are given a year group of their own so that none is (rightly) held as a conflict."""
    made = []
    for n in range(start, start + count):
        body = f"936211{n:06d}"
        year = years[n % len(years)]
        born = date(2025 - year - 5, 9, 1) + timedelta(days=rng.randrange(365))
        made.append((f"{n:06d}", upn_check_letter(body) + body, rng.choice(SURNAMES),
                     rng.choice(FORENAMES), "", born.strftime("%d/%m/%Y"), rng.choice("FM"),
                     f"Year {year}", f"{year}{rng.choice('EHKLNRSW')}"))
    return made


def one_run(folder: Path, seed: int) -> tuple[float, float, float, float]:
    rng = random.Random(seed)
    taxonomy = TaxonomyLibrary.load(paths.taxonomy_dir())
    s, _ = session.create(folder, user_name="dsl", display_name="Dana Lead", role=Role.DSL,
                          passphrase="benchmark passphrase", clock=Clock(), taxonomy=taxonomy,
                          kdf=session.KdfParams(memory_kib=1024, iterations=1, lanes=1))
    first_term = pupils(rng, 0, PUPILS)
    next_term = [(*p[:8], p[8][:-1] + "Z") if i % 10 == 0 else p
                 for i, p in enumerate(first_term[50:])] + pupils(rng, PUPILS, 50, (12,))
    figures: list[float] = []
    for data, full in ((roll(first_term), False), (roll(next_term), True)):
        start = time.perf_counter()
        preview = roster_import.preview_import(s, roster_import.open_roster(s, data),
                                               full_roll=full)
        middle = time.perf_counter()
        roster_import.commit_import(s, preview)
        figures += [middle - start, time.perf_counter() - middle]
        print(f"    {preview.plan.counts}", file=sys.stderr)
    s.lock()
    return figures[0], figures[1], figures[2], figures[3]


def main() -> int:
    results = []
    for run in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            results.append(one_run(Path(tmp) / "vault", run))
    medians = [statistics.median(r[i] for r in results) for i in range(4)]
    print(f"Pupil roll import, {PUPILS:,} pupils (median of {RUNS}; target <= "
          f"{TARGET_SECONDS:.1f} s for preview + commit):")
    for label, preview, commit in (("first import (all new)", medians[0], medians[1]),
                                   ("next term (updates, joiners, leavers)", medians[2],
                                    medians[3])):
        total = preview + commit
        verdict = "PASS" if total <= TARGET_SECONDS else "MISS"
        print(f"  {label}: preview {preview:.2f} s + commit {commit:.2f} s = {total:.2f} s "
              f"{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

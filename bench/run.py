"""Benchmarks on a demo vault: unlocking, saving a concern, the longest chronology,
full-text search, pattern flags (for one save, and for the whole vault), and what
encryption costs against a plaintext copy of the same data.

    python bench/run.py                  the decade-sized vault (150,000 concerns)
    python bench/run.py --size school    a quick run on the school-sized vault

The demo vault is built once and kept in bench/.cache/ (git-ignored); each run works on
a copy. Figures are milliseconds; the script reports PASS or MISS per target and always
exits 0: benchmarks report, they do not fail a build.

SQLCipher's cipher_memory_security is process-wide and cannot be switched off once on
(and the app's connections switch it on), so the plaintext baseline, and the encrypted
run without memory security, each run in a fresh worker process.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

from cerecorder import paths
from cerecorder.crypto import keyslots
from cerecorder.domain.errors import NotAVault
from cerecorder.domain.model import ConcernContent, Urgency
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.services import chronology, concerns, demo, flags, search, session
from cerecorder.services.clock import SystemClock
from cerecorder.storage.uow import UnitOfWork
from cerecorder.storage.vault import DB_NAME, connect_database, read_keyslots

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
PASSPHRASE = "benchmark passphrase, not a secret"
SEED = 2026
SEARCHES = ("trainers", "county lines", "boyfriend", "missing", "hotel keys", "Eastcombe")
#: (measure, target in ms for its p95, or None); ratios are checked separately
TARGETS = {"save a concern": 10.0, "longest chronology": 30.0, "full-text search": 30.0,
           "flags for one saved concern": 20.0, "recompute every flag": 10_000.0}
MAX_RATIO = 1.5

Timings = dict[str, list[float]]


def timed(fn: Callable[[], object], repeat: int, warm_up: int = 2) -> list[float]:
    """Milliseconds per call, after a few calls that warm the page cache."""
    for _ in range(warm_up):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


# -- the vault ---------------------------------------------------------------------------

def cached_vault(size: str, taxonomy: TaxonomyLibrary, rebuild: bool) -> Path:
    """The demo vault for this size, built on first use (into a temporary folder, so an
    interrupted build is never taken for a finished one)."""
    folder = CACHE / f"{size}-seed{SEED}"
    if rebuild:
        shutil.rmtree(folder, ignore_errors=True)
    if (folder / DB_NAME).exists():
        return folder
    partial = CACHE / f"{size}-seed{SEED}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    CACHE.mkdir(exist_ok=True)
    print(f"Building the {size} demo vault once ({demo.SIZES[size].description})...")

    def report(done: int, total: int) -> None:
        print(f"\r  {done:,} of {total:,} concerns", end="", flush=True)

    start = time.perf_counter()
    summary = demo.create_demo_vault(
        partial, passphrase=PASSPHRASE, seed=SEED, size=size, clock=SystemClock(),
        taxonomy=taxonomy, progress=report,
    )
    elapsed = time.perf_counter() - start
    partial.rename(folder)
    print(f"\n  built in {elapsed:.0f} s: {summary.children:,} pupils, "
          f"{summary.concerns:,} concerns, {summary.addenda:,} addenda, "
          f"{summary.decisions:,} decisions, {summary.actions:,} actions, "
          f"{summary.outcomes:,} outcomes, {summary.events:,} events")
    return folder


def database_key(folder: Path) -> bytes:
    slots = read_keyslots(folder)
    slot = slots.user_slot(demo.DEMO_USER)
    assert slot is not None
    opened = keyslots.unwrap(slot, PASSPHRASE, slots.vault_id)
    return next(k for k in opened.candidate_keys if _opens(folder, k))


def _opens(folder: Path, key: bytes) -> bool:
    try:
        connect_database(folder, key, read_only=True).close()
    except NotAVault:
        return False
    return True


def longest_chronology_child(conn: Any) -> tuple[int, int]:
    """The child with the most chronology entries, and how many, counted in SQL."""
    row = conn.execute(
        "SELECT child_id, count(*) FROM ("
        " SELECT cc.child_id FROM concern_children cc"
        " UNION ALL SELECT cc.child_id FROM addenda a"
        "  JOIN concern_children cc ON cc.concern_id = a.concern_id"
        " UNION ALL SELECT cc.child_id FROM triage t"
        "  JOIN concern_children cc ON cc.concern_id = t.concern_id"
        " UNION ALL SELECT child_id FROM actions"
        " UNION ALL SELECT child_id FROM outcomes WHERE action_id IS NULL"
        " UNION ALL SELECT child_id FROM events"
        ") GROUP BY child_id ORDER BY 2 DESC LIMIT 1"
    ).fetchone()
    return int(row[0]), int(row[1])


def new_content(child_id: int, n: int) -> ConcernContent:
    return ConcernContent(
        child_ids=(child_id,),
        occurred_at=datetime.now(UTC) - timedelta(hours=1),
        location="Bus stop outside school",
        facts=f"Benchmark concern {n}: seen getting into a silver hatchback after school.",
        child_words='"He is just a mate who gives me lifts."',
        opinion="I do not think this is a family member.",
        indicator_codes=frozenset({"KTS-FAMILY-09", "SHARED-02"}),
        urgency=Urgency.HIGH,
        informed="DSL (in person)",
    )


# -- the SQL-level workload, run on each kind of connection -------------------------------

def sql_workload(conn: Any, child_id: int, repeat: int) -> Timings:
    """The statements behind a chronology, a search and a save, without the services."""
    uow = UnitOfWork(conn)

    def load_chronology() -> None:
        with uow:
            found = uow.concerns.for_child(child_id)
            ids = [c.id for c in found]
            uow.concerns.addenda(ids)
            uow.dsl.triage_for(ids)
            uow.dsl.actions_for_child(child_id)
            uow.dsl.outcomes_for_child(child_id)
            uow.dsl.events_for_child(child_id)

    words = iter(SEARCHES * (repeat + 2))

    def run_search() -> None:
        query = search.terms(next(words))
        assert query
        with uow:
            uow.concerns.many(uow.concerns.search(query, None, 50, dsl_work=True))

    saved = iter(range(10**6))

    def save() -> None:
        n = next(saved)
        now = datetime.now(UTC)
        with uow:
            concern_id = uow.concerns.create_draft(
                f"bench-{os.getpid()}-{n}", 1, now, "Europe/London", "1", new_content(child_id, n)
            )
            uow.concerns.submit(concern_id, now)
            uow.commit()

    return {
        "chronology SQL": timed(load_chronology, repeat),
        "search SQL": timed(run_search, repeat * len(SEARCHES)),
        "concern insert": timed(save, repeat * 3),
    }


def open_worker_connection(path: Path, key: str, memory_security: bool) -> Any:
    """The settings of storage.connection.connect, with or without key and memory security."""
    conn = sqlcipher.connect(str(path), isolation_level=None, check_same_thread=False)
    if key:
        conn.execute(f"PRAGMA key = \"x'{key}'\"")
        conn.execute(f"PRAGMA cipher_page_size = {read_keyslots(path.parent).page_size}")
        conn.execute(f"PRAGMA cipher_memory_security = {'ON' if memory_security else 'OFF'}")
    for pragma in ("temp_store = MEMORY", "foreign_keys = ON", "journal_mode = WAL",
                   "synchronous = FULL", "busy_timeout = 5000"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def worker(kind: str, path: Path, child_id: int, repeat: int) -> None:
    """Runs in a fresh process: prints the workload's timings as JSON."""
    key = sys.stdin.readline().strip() if kind == "cipher" else ""
    conn = open_worker_connection(path, key, memory_security=False)
    try:
        print(json.dumps(sql_workload(conn, child_id, repeat)))
    finally:
        conn.close()


def in_worker(kind: str, path: Path, child_id: int, repeat: int, key: bytes = b"") -> Timings:
    result = subprocess.run(
        [sys.executable, __file__, "--worker", kind, str(path), str(child_id), str(repeat)],
        input=key.hex() + "\n", capture_output=True, text=True, check=True,
    )
    timings: Timings = json.loads(result.stdout)
    return timings


def export_plaintext(folder: Path, key: bytes, dest: Path) -> None:
    dest.unlink(missing_ok=True)
    conn = connect_database(folder, key)
    try:
        conn.execute(f"ATTACH DATABASE '{dest}' AS plain KEY ''")
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute("DETACH DATABASE plain")
    finally:
        conn.close()


# -- the run ---------------------------------------------------------------------------

def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=("decade", "school"), default="decade")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per measure")
    parser.add_argument("--rebuild", action="store_true", help="build the demo vault again")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        kind, path, child, repeat = args.worker
        worker(kind, Path(path), int(child), int(repeat))
        return 0

    taxonomy = TaxonomyLibrary.load(paths.taxonomy_dir())
    clock = SystemClock()
    cached = cached_vault(args.size, taxonomy, args.rebuild)
    work = CACHE / f"run-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(cached, work / "vault")
    folder = work / "vault"
    db_mib = (folder / DB_NAME).stat().st_size / 2**20
    results: list[tuple[str, list[float], float | None]] = []
    notes: list[str] = []
    try:
        def unlock() -> session.Session:
            return session.unlock(folder, user_name=demo.DEMO_USER, passphrase=PASSPHRASE,
                                  clock=clock, taxonomy=taxonomy)

        results.append(("unlock (Argon2id, default cost)",
                        timed(lambda: unlock().lock(), max(5, args.repeat // 4), 1), None))
        key = database_key(folder)
        results.append(("unlock without the KDF (raw key)",
                        timed(lambda: connect_database(folder, key).close(), args.repeat), None))

        s = unlock()
        try:
            child_id, entries = longest_chronology_child(s.vault.conn)
            (children, concern_count), = s.vault.conn.execute(
                "SELECT (SELECT count(*) FROM children), (SELECT count(*) FROM concerns)"
            ).fetchall()
            loaded = len(chronology.chronology(s, child_id))
            notes.append(f"longest chronology: child {child_id}, {loaded} entries "
                         f"({entries} counted in SQL)")
            results.append(("longest chronology",
                            timed(lambda: chronology.chronology(s, child_id), args.repeat),
                            TARGETS["longest chronology"]))
            words = iter(SEARCHES * (args.repeat + 2))
            hits = {w: len(search.search_concerns(s, w)) for w in SEARCHES}
            notes.append("search hits (first page of 50): "
                         + ", ".join(f"{w!r} {n}" for w, n in hits.items()))
            results.append(("full-text search",
                            timed(lambda: search.search_concerns(s, next(words)),
                                  args.repeat * len(SEARCHES)),
                            TARGETS["full-text search"]))
            saved = iter(range(10**6))
            results.append(("save a concern",
                            timed(lambda: concerns.record_concern(
                                s, new_content(child_id, next(saved))), args.repeat * 3),
                            TARGETS["save a concern"]))

            def refresh() -> None:  # what a save of a concern about this child adds
                with s.uow() as uow:
                    flags.refresh(uow, s, [child_id])
                    uow.commit()

            results.append(("flags for one saved concern", timed(refresh, args.repeat * 3),
                            TARGETS["flags for one saved concern"]))
            results.append(("recompute every flag", timed(lambda: flags.recompute_all(s), 3, 1),
                            TARGETS["recompute every flag"]))
            notes.append(f"open flags after recomputing: {len(flags.open_flags(s)):,}")
        finally:
            s.lock()

        conn = connect_database(folder, key)
        try:
            encrypted = sql_workload(conn, child_id, args.repeat)
        finally:
            conn.close()
        without_memsec = in_worker("cipher", folder / DB_NAME, child_id, args.repeat, key)
        plain = work / "plain.db"
        export_plaintext(folder, key, plain)
        plaintext = in_worker("plain", plain, child_id, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"CE Recorder benchmarks: {args.size} demo vault, {children:,} pupils, "
          f"{concern_count:,} concerns, vault.db {db_mib:,.0f} MiB")
    for note in notes:
        print(f"  {note}")
    print()
    print(f"{'measure':<36}{'runs':>6}{'p50 ms':>10}{'p95 ms':>10}{'target':>10}  result")
    for name, times, target in results:
        p95 = pct(times, 0.95)
        verdict = "" if target is None else ("PASS" if p95 <= target else "MISS")
        shown = "" if target is None else f"<= {target:g}"
        print(f"{name:<36}{len(times):>6}{pct(times, 0.5):>10.1f}{p95:>10.1f}{shown:>10}  "
              f"{verdict}")
    print()
    print("Same statements on one connection: SQLCipher as the app opens it (memory security "
          "on),")
    print("SQLCipher without memory security, and a plaintext SQLite copy (p50 ms; ratio to "
          "plaintext).")
    print(f"{'statements':<20}{'app':>10}{'no memsec':>11}{'plain':>9}{'app/plain':>11}"
          f"{'cipher/plain':>14}  target <= {MAX_RATIO:g}x")
    for name in encrypted:
        app, bare, base = (pct(t[name], 0.5) for t in (encrypted, without_memsec, plaintext))
        ratio = app / base
        print(f"{name:<20}{app:>10.2f}{bare:>11.2f}{base:>9.2f}{ratio:>10.1f}x{bare / base:>13.1f}x"
              f"  {'PASS' if ratio <= MAX_RATIO else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The frozen bundle (python3 dev.py bundle): its size and how fast it starts.

    python3 bench/bundle_start.py [--runs 5]

1. Size of dist/cerecorder on disk, and of the .deb if built.
2. Start to first window: dist/cerecorder/cerecorder on a fresh profile (the first-run
   window), offscreen, timed from just before the process is spawned until the log says
   "started", which main() writes right after showing the first window (before its first
   paint, a few milliseconds later). The first run follows a drop of the page cache when
   this process may do that (root on Linux), so it is a true cold start; the others are
   warm.
3. `--self-test` wall time: the whole check (Qt, a vault with the production key
   derivation, a PDF) from process start to exit.

Figures are seconds; no targets, the script always exits 0.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "cerecorder"
APP = BUNDLE / ("cerecorder.exe" if os.name == "nt" else "cerecorder")


def drop_page_cache() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def first_window(home: Path) -> float:
    env = {**os.environ, "CERECORDER_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    log = home / "logs" / "cerecorder.log"
    started = time.perf_counter()
    process = subprocess.Popen([str(APP)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        while True:
            if log.exists() and " started" in log.read_text(encoding="utf-8"):
                return time.perf_counter() - started
            if process.poll() is not None:
                sys.exit(f"the app exited with {process.returncode} before its first window")
            if time.perf_counter() - started > 120:
                sys.exit("no first window after 120 s")
            time.sleep(0.005)
    finally:
        process.terminate()
        process.wait(timeout=30)


def self_test() -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    subprocess.run([str(APP), "--self-test"], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def files(path: Path) -> list[Path]:
    """Every file and symlink under path, not following symlinks (as du counts)."""
    return [Path(top, name) for top, _dirs, names in os.walk(path) for name in names]


def size(path: Path) -> float:
    found = [path] if path.is_file() else files(path)
    return sum(p.lstat().st_size for p in found) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not APP.exists():
        sys.exit(f"no {APP}: run python3 dev.py bundle first")
    print(f"bundle dist/cerecorder: {size(BUNDLE):.0f} MiB in {len(files(BUNDLE)):,} files")
    for deb in sorted((ROOT / "dist").glob("cerecorder_*.deb")):
        print(f"package {deb.name}: {size(deb):.0f} MiB")
    cold = drop_page_cache()
    with tempfile.TemporaryDirectory() as tmp:
        times = [first_window(Path(tmp) / f"home-{i}") for i in range(args.runs)]
    label = "cold (page cache dropped)" if cold else "first run (page cache not dropped)"
    print(f"start to first window: {label} {times[0]:.2f} s; warm median "
          f"{statistics.median(times[1:] or times):.2f} s over {len(times[1:]) or 1} runs")
    tests = [self_test() for _ in range(args.runs)]
    print(f"--self-test wall time: median {statistics.median(tests):.2f} s, "
          f"max {max(tests):.2f} s over {len(tests)} runs")


if __name__ == "__main__":
    main()

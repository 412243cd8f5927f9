"""The DSL's first screen on the decade vault: Needs attention read and painted, and a
child's pattern flags window, before and after recomputing every flag (which leaves
every flag the rules find open: the most a DSL who never reviewed could face).

    python bench/attention_bench.py                 the decade vault, offscreen
    python bench/attention_bench.py --size school   a quick run

The vault comes from bench/run.py's cache; each run works on a copy. Figures are
milliseconds; the script reports PASS or MISS and always exits 0.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time

from PySide6.QtWidgets import QApplication
from run import CACHE, PASSPHRASE, cached_vault, pct
from ui_bench import close_window, quiet_offscreen_warnings, use_display, wait_for_paint

from cerecorder import paths
from cerecorder.app import build_context
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.services import attention, demo, flags, session
from cerecorder.services.session import Session
from cerecorder.ui.context import AppContext
from cerecorder.ui.controller import shut_down
from cerecorder.ui.flag_views import FlagsWindow
from cerecorder.ui.needs_attention import NeedsAttention

PAINTED_TARGET = 150.0  # p95, Needs attention read and painted


def ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def measure(app: QApplication, ctx: AppContext, s: Session, runs: int
            ) -> tuple[dict[str, list[float]], int, int]:
    read: list[float] = []
    painted: list[float] = []
    flag_window: list[float] = []
    lines = 0
    for n in range(runs + 1):
        start = time.perf_counter()
        found = attention.needs_attention(s)
        if n:
            read.append(ms_since(start))
        start = time.perf_counter()
        page = NeedsAttention(ctx, s)
        page.resize(1200, 700)
        page.refresh()
        page.show()
        wait_for_paint(app, page.table.viewport())
        if n:  # the first in a process pays for fonts and styles
            painted.append(ms_since(start))
        lines = page.model.rowCount()
        close_window(app, page)
    flagged = max((line for line in found if line.child_id is not None
                   and line.need is attention.Need.FLAG), default=None,
                  key=lambda line: line.record_id)
    if flagged is not None and flagged.child_id is not None:
        for _ in range(runs):
            start = time.perf_counter()
            window = FlagsWindow(ctx, s, flagged.child_id)
            window.show()
            wait_for_paint(app, window.evidence_table.viewport())
            flag_window.append(ms_since(start))
            close_window(app, window)
    return ({"Needs attention read (service)": read,
             "Needs attention read and painted": painted,
             "a child's flags window painted": flag_window}, lines,
            sum(line.need is attention.Need.FLAG for line in found))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=("school", "decade"), default="decade")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--display", help="an X display to use instead of offscreen")
    args = parser.parse_args(argv)
    platform = use_display(args.display)
    taxonomy = TaxonomyLibrary.load(paths.taxonomy_dir())
    cached = cached_vault(args.size, taxonomy, rebuild=False)
    work = CACHE / f"attention-run-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    vault = work / "vault"
    shutil.copytree(cached, vault)
    os.environ["CERECORDER_HOME"] = str(work / "home")
    quiet_offscreen_warnings()
    app = QApplication([sys.argv[0]])
    ctx = build_context()
    style = ctx.ui_dir / "style.qss"
    if style.is_file():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    s = session.unlock(vault, user_name=demo.DEMO_USER, passphrase=PASSPHRASE,
                       clock=ctx.clock, taxonomy=taxonomy)
    results = []
    try:
        for state in ("as built", "every flag recomputed"):
            if state != "as built":
                flags.recompute_all(s)
            timings, lines, flag_lines = measure(app, ctx, s, args.repeat)
            results.append((state, timings, lines, flag_lines))
    finally:
        s.lock()
        shut_down(app)
        shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"Needs attention benchmarks: {args.size} demo vault, Qt platform {platform}")
    print(f"{'measure':<52}{'runs':>6}{'p50 ms':>9}{'p95 ms':>9}{'target':>11}  result")
    for state, timings, lines, flag_lines in results:
        print(f"  {state}: {lines:,} lines, {flag_lines:,} of them flags")
        for name, times in timings.items():
            if not times:
                continue
            target = PAINTED_TARGET if name.endswith("painted") and "Needs" in name else None
            verdict = "" if target is None else (
                "PASS" if pct(times, 0.95) <= target else "MISS")
            shown = "" if target is None else f"<= {target:g}"
            print(f"{name:<52}{len(times):>6}{pct(times, 0.5):>9.1f}{pct(times, 0.95):>9.1f}"
                  f"{shown:>11}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""UI benchmarks on the demo school: how long the desktop app keeps a person waiting.

    python bench/ui_bench.py                  the school-sized demo vault, offscreen
    python bench/ui_bench.py --display :0     on a real X display instead

1. Cold start: a fresh interpreter runs cerecorder.app.main() unchanged, on a settings
   file whose last vault is the demo school, and reports when the unlock dialog has first
   painted. The clock starts in this process just before the child is spawned, so the
   interpreter's own start-up counts. The target is on the median.
2. Opening the longest chronology (about 500 entries) in a ChildWindow until its table
   has painted. The target is on the p95.
3. Typing in the main window's pupil search one key at a time (QTest key clicks), each
   key timed until the event loop is free again: the roster's re-filter and layout
   change, the view update and the paint. Each name is then cleared (Ctrl+A, Backspace),
   also timed. Over the roll, then again with "Include leavers" ticked. The target is on the p95.
   Opening the main window until the pupil table has painted: the target is on the
   median. Refreshing it is shown too, without a target.
4. Opening the concern form for a pupil from the main window until the form has painted.
   The target is on the p95. The same again with the app's idle watcher on, as while a
   vault is unlocked, is shown beside it.
5. Locking (as Ctrl+L does, from the main window) until the unlock window has painted;
   each run unlocks again first, untimed. The target is on the p95.
6. Opening the network view of the child with the most register links (the demo's
   county-lines storyline) until the graph has painted. The target is on the p95.

The demo vault comes from bench/run.py's cache (bench/.cache/, built on first use) and
each run works on a copy. Qt uses the offscreen platform unless there is a display
(DISPLAY, WAYLAND_DISPLAY or --display). The app's source is byte-compiled first, as an
installed app is. Figures are milliseconds, each measured twice: on the wall clock and
as the CPU time the process used (time.process_time, every thread; for the cold start,
the child's). On a machine busy with other work the wall figure includes waiting for a
core and the CPU one does not. The script reports PASS or MISS on each and always exits 0.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QMessageLogContext,
    QObject,
    Qt,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from run import CACHE, PASSPHRASE, cached_vault, pct

from cerecorder import paths
from cerecorder.app import build_context
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.services import children, demo, network, session
from cerecorder.services.session import Session
from cerecorder.ui.concern_form import ConcernDialog
from cerecorder.ui.context import AppContext
from cerecorder.ui.controller import AppController, shut_down
from cerecorder.ui.dsl_views import ChildWindow
from cerecorder.ui.main_window import MainWindow
from cerecorder.ui.network_view import NetworkWindow

# issue 12's targets
COLD_START_TARGET = 400.0  # median
CHRONOLOGY_TARGET = 100.0  # p95
MAIN_WINDOW_TARGET = 150.0  # median
KEYSTROKE_TARGET = 16.0  # p95
FORM_TARGET = 150.0  # p95
LOCK_TARGET = 200.0  # p95
NETWORK_TARGET = 100.0  # p95
NAMES_TO_TYPE = 6

#: Runs cerecorder.app.main() unchanged. It wraps AppController.start to note the time
#: and to watch the dialog start() shows; after that dialog's first paint event, a zero
#: timer fires once the paint pass is done: it prints the times since CE_BENCH_T0 as JSON,
#: with the CPU time the process had used by then ("cpu ..."), and quits the app, which
#: main() then shuts down as it always does.
LAUNCHER = r"""
import json, os, time
t0 = float(os.environ["CE_BENCH_T0"])
marks = {"interpreter": time.time() - t0, "cpu interpreter": time.process_time()}
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
from cerecorder import app
from cerecorder.ui import controller
marks["imports"] = time.time() - t0
marks["cpu imports"] = time.process_time()
original_start = controller.AppController.start

class PaintWatch(QObject):
    seen = False
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            marks["first paint event"] = time.time() - t0
            QTimer.singleShot(0, done)
        return False

def done():
    marks["painted"] = time.time() - t0
    marks["cpu painted"] = time.process_time()
    marks["dialog"] = type(watch.dialog).__name__
    print(json.dumps(marks), flush=True)
    QApplication.quit()

def start(self):
    marks["app and context"] = time.time() - t0
    marks["cpu app and context"] = time.process_time()
    original_start(self)
    marks["dialog built and shown"] = time.time() - t0
    marks["cpu dialog built and shown"] = time.process_time()
    watch.dialog = self.dialog
    self.dialog.installEventFilter(watch)

watch = PaintWatch()
controller.AppController.start = start
app.main()
"""


#: The floor for a cold start: Python, PySide6 and one empty window until it has painted
#: (printed as ms since CE_BENCH_T0, like the launcher's marks).
BARE_WINDOW = r"""
import os, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, done)
        return False

def done():
    print((time.time() - float(os.environ["CE_BENCH_T0"])) * 1000, time.process_time() * 1000,
          flush=True)
    QApplication.quit()

app = QApplication([])
window = QWidget()
watch = Painted()
window.installEventFilter(watch)
window.show()
app.exec()
"""


@dataclass
class Measure:
    name: str
    times: list[float]  # wall clock, ms
    cpu: list[float]  # the CPU time the (child) process used meanwhile, ms
    target: float | None = None
    judged_on: str = "p95"  # p50, p95 or max

    def stat(self, which: str, cpu: bool = False) -> float:
        values = self.cpu if cpu else self.times
        if which == "max":
            return max(values)
        return pct(values, 0.5 if which == "p50" else 0.95)

    def verdict(self, cpu: bool = False) -> str:
        if self.target is None:
            return ""
        return "PASS" if self.stat(self.judged_on, cpu) <= self.target else "MISS"


def ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000


class Stopwatch:
    """Wall time and this process's CPU time (every thread's), in ms since it started. On
    a machine busy with other work the wall figure waits for a core; the CPU one does not."""

    def __init__(self) -> None:
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()

    def wall(self) -> float:
        return (time.perf_counter() - self.wall0) * 1000

    def cpu(self) -> float:
        return (time.process_time() - self.cpu0) * 1000


def compile_app() -> None:
    """Byte-compile the app's source, as an installed app is (pip, the .deb and the
    bundle compile it): with PYTHONDONTWRITEBYTECODE set, or a read-only tree, every cold
    start would otherwise compile each module again."""
    import compileall

    import cerecorder

    compileall.compile_dir(Path(cerecorder.__file__).parent, quiet=1)


# -- 1. cold start -----------------------------------------------------------------------

def cold_start(work: Path, vault: Path, runs: int) -> tuple[Measure, list[str]]:
    home = work / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.json").write_text(
        json.dumps({"last_vault": str(vault), "last_user": demo.DEMO_USER}), encoding="utf-8")
    env = dict(os.environ, CERECORDER_HOME=str(home))

    def once() -> dict[str, float]:
        env["CE_BENCH_T0"] = repr(time.time())
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", LAUNCHER], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert child.stdout is not None
        line = child.stdout.readline()
        seen = ms_since(start)
        _, err = child.communicate(timeout=60)
        if child.returncode != 0 or not line.strip():
            raise RuntimeError(f"the launcher failed ({child.returncode}):\n{err}")
        found = json.loads(line)
        if found.pop("dialog") != "UnlockDialog":
            raise RuntimeError(f"the app did not offer to unlock {vault}: {line}")
        marks = {k: v * 1000 for k, v in found.items()}  # seconds to ms
        marks["parent saw the line"] = seen
        return marks

    compile_app()
    once()  # the first run pays for cold disk caches; not counted
    results = [once() for _ in range(runs)]
    median = {k: statistics.median(r[k] for r in results) for k in results[0]}
    steps = ("interpreter", "imports", "app and context", "dialog built and shown",
             "painted")
    interp, imports, context, shown, painted = (median[k] for k in steps)
    cpu = {k: median[f"cpu {k}"] for k in steps}
    baseline, bare, bare_cpu = [], [], []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        baseline.append(ms_since(start))
        env["CE_BENCH_T0"] = repr(time.time())
        wall, used = subprocess.run([sys.executable, "-c", BARE_WINDOW], env=env, check=True,
                                    capture_output=True, text=True).stdout.split()
        bare.append(float(wall))
        bare_cpu.append(float(used))
    notes = [
        f"cold start, median ms from spawn: interpreter up {interp:.0f}, imports "
        f"+{imports - interp:.0f}, QApplication/context/controller +{context - imports:.0f}, "
        f"unlock dialog built and shown +{shown - context:.0f}, painted +{painted - shown:.0f}"
        f" = {painted:.0f} (the parent read the line at {median['parent saw the line']:.0f}"
        f"; a bare `python -c pass` takes {statistics.median(baseline):.0f}, a bare PySide6 "
        f"window painted {statistics.median(bare):.0f}: the floor)",
        f"cold start, median CPU ms of the child: interpreter {cpu['interpreter']:.0f}, "
        f"imports +{cpu['imports'] - cpu['interpreter']:.0f}, QApplication/context/"
        f"controller +{cpu['app and context'] - cpu['imports']:.0f}, unlock dialog built "
        f"and shown +{cpu['dialog built and shown'] - cpu['app and context']:.0f}, painted "
        f"+{cpu['painted'] - cpu['dialog built and shown']:.0f} = {cpu['painted']:.0f} (the "
        f"bare PySide6 window {statistics.median(bare_cpu):.0f})",
    ]
    return Measure("start to painted unlock window", [r["painted"] for r in results],
                   [r["cpu painted"] for r in results], COLD_START_TARGET, "p50"), notes


# -- in process: the Qt side ---------------------------------------------------------------

class PaintWatch(QObject):
    seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.seen = True
        return False


def wait_for_paint(app: QApplication, widget: QWidget, limit_s: float = 5.0) -> bool:
    """Process events until ``widget`` (a viewport) has painted, or the limit passes."""
    watch = PaintWatch()
    widget.installEventFilter(watch)
    deadline = time.perf_counter() + limit_s
    try:
        while not watch.seen and time.perf_counter() < deadline:
            app.processEvents()
    finally:
        widget.removeEventFilter(watch)
    return watch.seen


def close_window(app: QApplication, window: QWidget) -> None:
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()


def chronology_opens(app: QApplication, ctx: AppContext, s: Session,
                     runs: int) -> tuple[Measure, list[str]]:
    longest = max(children.roster(s, include_left=True), key=lambda r: r.entries or 0)
    child_id = longest.child.id
    build: list[float] = []
    to_paint: list[float] = []
    to_paint_cpu: list[float] = []
    settled: list[float] = []
    refit: list[float] = []
    first, rows, unpainted = 0.0, 0, 0
    for n in range(runs + 1):
        start = time.perf_counter()
        watch = Stopwatch()
        window = ChildWindow(ctx, s, child_id)
        built = ms_since(start)
        window.show()
        if not wait_for_paint(app, window.table.viewport()):
            unpainted += 1
        painted, painted_cpu = ms_since(start), watch.cpu()
        while window.fit_timer.isActive():  # a column resize after the paint re-fits rows
            app.processEvents()
        app.processEvents()
        if n == 0:  # the first open in a process pays for fonts and styles: not counted
            first, rows = painted, window.model.rowCount()
            for _ in range(3):
                begin = time.perf_counter()
                window.fit_rows()
                refit.append(ms_since(begin))
        else:
            build.append(built)
            to_paint.append(painted)
            to_paint_cpu.append(painted_cpu)
            settled.append(ms_since(start))
        close_window(app, window)
    notes = [
        f"chronology of child {child_id} ({rows} rows), median ms: built (queries, audit, "
        f"models, filters) {statistics.median(build):.0f}, table painted "
        f"{statistics.median(to_paint):.0f}, event loop idle {statistics.median(settled):.0f}"
        f"; fit_rows() alone {statistics.median(refit):.0f}; the first open in the process "
        f"{first:.0f} (not counted)",
    ]
    if unpainted:
        notes.append(f"chronology: {unpainted} opens never painted the table (5 s limit)")
    return Measure("open ~500-entry chronology, painted", to_paint, to_paint_cpu,
                   CHRONOLOGY_TARGET), notes


def network_opens(app: QApplication, ctx: AppContext, s: Session,
                  runs: int) -> tuple[Measure, list[str]]:
    with s.uow() as uow:
        child_id = int(uow.conn.execute(
            "SELECT child_id FROM register_links GROUP BY child_id "
            "ORDER BY count(*) DESC, child_id LIMIT 1").fetchone()[0])
    reads: list[float] = []
    to_paint: list[float] = []
    to_paint_cpu: list[float] = []
    first, nodes = 0.0, 0
    for n in range(runs + 1):
        start = time.perf_counter()
        network.child_network(s, child_id)
        reads.append(ms_since(start))
        watch = Stopwatch()
        window = NetworkWindow.for_child(ctx, s, child_id)
        window.show()
        wait_for_paint(app, window.graph.viewport())
        if n == 0:  # fonts and styles load once per process: not counted
            first, nodes = watch.wall(), len(window.nodes)
            reads.pop()
        else:
            to_paint.append(watch.wall())
            to_paint_cpu.append(watch.cpu())
        close_window(app, window)
    notes = [f"network of child {child_id} ({nodes} nodes), median ms: the read model "
             f"alone {statistics.median(reads):.1f}, the window painted "
             f"{statistics.median(to_paint):.0f}; the first open {first:.0f} (not counted)"]
    return Measure("open a child's network view, painted", to_paint, to_paint_cpu,
                   NETWORK_TARGET), notes


@dataclass
class Key:
    text: str  # the box's text after the key
    ms: float
    cpu: float


def type_names(app: QApplication, window: MainWindow, names: list[str]) -> list[Key]:
    """Type each name a key at a time, then clear the box; time every key."""
    box = window.search_box
    keys: list[Key] = []

    def timed(press: Callable[[], None]) -> None:
        app.processEvents()  # a typist's gap: nothing is pending before the key
        watch = Stopwatch()
        press()  # the re-filter runs in the key's textChanged handler
        app.processEvents()  # the view's update and paint
        keys.append(Key(box.text(), watch.wall(), watch.cpu()))

    for name in names:
        for char in name:
            timed(lambda c=char: QTest.keyClick(box, c))
        QTest.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        timed(lambda: QTest.keyClick(box, Qt.Key.Key_Backspace))
    return keys


def spread(names: list[str], k: int) -> list[str]:
    """k names spread through the list, ASCII only (QTest types Latin-1 keys)."""
    usable = [n for n in names if n.isascii()]
    step = max(1, len(usable) // k)
    return usable[step // 2::step][:k]


def main_window(app: QApplication, ctx: AppContext,
                s: Session) -> tuple[list[Measure], list[str]]:
    opened: list[float] = []
    opened_cpu: list[float] = []
    for _ in range(5):
        watch = Stopwatch()
        window = MainWindow(ctx, s)
        built = watch.wall()
        window.tabs.setCurrentWidget(window.pupil_view.parentWidget())  # a DSL starts on
        window.show()                                                # Needs attention
        wait_for_paint(app, window.pupil_view.viewport())
        opened.append(watch.wall())
        opened_cpu.append(watch.cpu())
        close_window(app, window)
    window = MainWindow(ctx, s)
    window.tabs.setCurrentWidget(window.pupil_view.parentWidget())
    window.show()
    window.activateWindow()
    window.search_box.setFocus()
    wait_for_paint(app, window.pupil_view.viewport())
    refreshed: list[float] = []
    refreshed_cpu: list[float] = []
    for _ in range(3):
        watch = Stopwatch()
        window.refresh()
        app.processEvents()
        refreshed.append(watch.wall())
        refreshed_cpu.append(watch.cpu())

    rows = window.roster.all_rows()
    on_roll = [r.child.display_name for r in rows if r.child.left_on is None]
    leavers = [r.child.display_name for r in rows if r.child.left_on is not None]
    typed = spread(on_roll, NAMES_TO_TYPE)
    keys_roll = type_names(app, window, typed)
    start = time.perf_counter()
    window.show_left.setChecked(True)
    app.processEvents()
    toggled = ms_since(start)
    typed_left = spread(on_roll, NAMES_TO_TYPE // 2) + spread(leavers, NAMES_TO_TYPE // 2)
    keys_left = type_names(app, window, typed_left)
    close_window(app, window)

    notes = [f"main window: {len(on_roll):,} on roll and {len(leavers):,} leavers; the last "
             f"open built in {built:.0f} ms of {opened[-1]:.0f} ms to the painted pupil table"]
    for label, names, keys in (("on roll", typed, keys_roll),
                               ("with leavers", typed_left, keys_left)):
        worst = max(keys, key=lambda k: k.ms)
        clears = [k.ms for k in keys if not k.text]
        over = sum(k.ms > KEYSTROKE_TARGET for k in keys)
        notes.append(f"search {label}: {', '.join(names)}; {over} of {len(keys)} keys over "
                     f"{KEYSTROKE_TARGET:g} ms; slowest {worst.ms:.0f} ms (box then "
                     f"{worst.text!r}); clearing the box max {max(clears):.0f} ms")
    notes.append(f"ticking \"Include leavers\": {toggled:.0f} ms")
    return [
        Measure("main window open, pupils painted", opened, opened_cpu, MAIN_WINDOW_TARGET,
                "p50"),
        Measure("main window refresh (F5, after dialogs)", refreshed, refreshed_cpu),
        Measure("pupil search, per key (on roll)", [k.ms for k in keys_roll],
                [k.cpu for k in keys_roll], KEYSTROKE_TARGET),
        Measure("pupil search, per key (+ leavers)", [k.ms for k in keys_left],
                [k.cpu for k in keys_left], KEYSTROKE_TARGET),
    ], notes


def concern_form_opens(app: QApplication, ctx: AppContext, s: Session,
                       runs: int) -> tuple[Measure, list[str]]:
    """New concern about the first pupil listed, as the button does, until the form has
    painted; each form is closed again (Keep as draft: nothing was typed, nothing saved).
    Then again with the idle watcher on, as the app has it while a vault is unlocked (a
    filter in Python that sees every event in the app): shown, not judged."""
    window = MainWindow(ctx, s)
    window.show()
    wait_for_paint(app, window.pupil_view.viewport())
    child_id = window.roster.row(window.roster.index(0, 0)).child.id

    def opens() -> tuple[list[float], list[float], float]:
        times: list[float] = []
        cpu: list[float] = []
        first = 0.0
        for n in range(runs + 1):
            before = set(window.findChildren(ConcernDialog))
            watch = Stopwatch()
            window.new_concern(child_ids=[child_id])
            form = next(f for f in window.findChildren(ConcernDialog) if f not in before)
            wait_for_paint(app, form)
            if n == 0:  # the first in a process pays for the taxonomy's widgets: not counted
                first = watch.wall()
            else:
                times.append(watch.wall())
                cpu.append(watch.cpu())
            form.reject()
            close_window(app, form)
        return times, cpu, first

    times, cpu, first = opens()
    controller = AppController(ctx)
    app.installEventFilter(controller.watcher)
    try:
        watched, watched_cpu, _ = opens()
    finally:
        app.removeEventFilter(controller.watcher)
    close_window(app, window)
    return (Measure("concern form open, painted", times, cpu, FORM_TARGET),
            [f"concern form: the first open in the process {first:.0f} ms (not counted); "
             f"with the idle watcher on (as while unlocked) p50 {pct(watched, 0.5):.0f}, "
             f"p95 {pct(watched, 0.95):.0f} ms, CPU p50 {pct(watched_cpu, 0.5):.0f}, p95 "
             f"{pct(watched_cpu, 0.95):.0f} ms"])


def lock_to_unlock(app: QApplication, ctx: AppContext, vault: Path,
                   taxonomy: TaxonomyLibrary, runs: int) -> tuple[Measure, list[str]]:
    """The controller's lock, from an unlocked main window, until the unlock window has
    painted; every window is hidden before that (tests/test_realscreen.py checks it)."""
    controller = AppController(ctx)
    hidden: list[float] = []
    times: list[float] = []
    cpu: list[float] = []
    for n in range(runs + 1):
        opened = session.unlock(vault, user_name=demo.DEMO_USER, passphrase=PASSPHRASE,
                                clock=ctx.clock, taxonomy=taxonomy)
        controller.unlocked(opened)
        assert controller.window is not None
        wait_for_paint(app, controller.window.pupil_view.viewport())
        app.processEvents()
        watch = Stopwatch()
        controller.lock()
        returned = watch.wall()
        dialog = controller.dialog
        assert dialog is not None
        wait_for_paint(app, dialog)
        if n:  # the first lock in a process is not counted
            times.append(watch.wall())
            cpu.append(watch.cpu())
            hidden.append(returned)
        close_window(app, dialog)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    controller.idle.stop()
    return (Measure("lock to unlock window painted", times, cpu, LOCK_TARGET),
            [f"lock: median {statistics.median(hidden):.0f} ms until lock() returned "
             "(windows hidden, drafts saved, session closed, unlock window shown)"])


def quiet_offscreen_warnings() -> None:
    """The offscreen plugin warns on every window shown; other messages pass on."""
    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if "does not support propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def in_process(work: Path, vault: Path, taxonomy: TaxonomyLibrary,
               runs: int) -> tuple[list[Measure], list[str]]:
    """The app's own QApplication, style sheet and context, on an unlocked session."""
    os.environ["CERECORDER_HOME"] = str(work / "home-in-process")
    quiet_offscreen_warnings()
    app = QApplication([sys.argv[0]])
    app.setApplicationName(paths.APP_NAME)
    ctx = build_context()
    style = ctx.ui_dir / "style.qss"
    if style.is_file():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    gc.freeze()  # as app.main does once its context is built
    s = session.unlock(vault, user_name=demo.DEMO_USER, passphrase=PASSPHRASE,
                       clock=ctx.clock, taxonomy=taxonomy)
    try:
        try:
            chronology, notes = chronology_opens(app, ctx, s, runs)
            drawn, drawn_notes = network_opens(app, ctx, s, runs)
            windows, more = main_window(app, ctx, s)
            form, form_notes = concern_form_opens(app, ctx, s, runs)
        finally:
            s.lock()
        locking, lock_notes = lock_to_unlock(app, ctx, vault, taxonomy, runs)
    finally:
        shut_down(app)
    return ([chronology, drawn, *windows, form, locking],
            notes + drawn_notes + more + form_notes + lock_notes)


# -- the run ---------------------------------------------------------------------------

def use_display(display: str | None) -> str:
    """Offscreen unless there is a screen; returns the Qt platform's name."""
    if display:
        os.environ["DISPLAY"] = display
        os.environ["QT_QPA_PLATFORM"] = "xcb"
    elif (sys.platform.startswith("linux") and not os.environ.get("DISPLAY")
          and not os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return os.environ.get("QT_QPA_PLATFORM", "default")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=("school", "decade"), default="school")
    parser.add_argument("--starts", type=int, default=7, help="cold starts timed")
    parser.add_argument("--repeat", type=int, default=10, help="chronology opens timed")
    parser.add_argument("--display", help="an X display to use instead of offscreen")
    args = parser.parse_args(argv)
    platform = use_display(args.display)

    taxonomy = TaxonomyLibrary.load(paths.taxonomy_dir())
    cached = cached_vault(args.size, taxonomy, rebuild=False)
    work = CACHE / f"ui-run-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    vault = work / "vault"
    shutil.copytree(cached, vault)
    try:
        started, notes = cold_start(work, vault, args.starts)
        measures, more = in_process(work, vault, taxonomy, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"CE Recorder UI benchmarks: {args.size} demo vault, Qt platform {platform}")
    for note in notes + more:
        print(f"  {note}")
    print()
    print("wall: the clock on the wall; cpu: the CPU time the process used meanwhile (on a "
          "busy machine the\nwall figure includes waiting for a core). Each is judged on the "
          "target's statistic.")
    print(f"{'measure':<40}{'runs':>5}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}"
          f"{'cpu p50':>8}{'cpu p95':>8}{'target':>13}  wall  cpu")
    for m in (started, *measures):
        target = "" if m.target is None else f"{m.judged_on} <= {m.target:g}"
        print(f"{m.name:<40}{len(m.times):>5}{m.stat('p50'):>8.1f}{m.stat('p95'):>8.1f}"
              f"{m.stat('max'):>8.1f}{m.stat('p50', True):>8.1f}{m.stat('p95', True):>8.1f}"
              f"{target:>13}  {m.verdict():<4}  {m.verdict(True)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Attachments (issue 16): a 20 MB photo attached to a draft and read back, how much the
vault grows for it, opening a 12-megapixel photo and opening a concern with 10 of them.

    python bench/attachments_bench.py [--runs 5] [--display :N]

A new vault in a temporary folder (cheapest key derivation: unlocking is not measured).
The 12-megapixel photo is a real JPEG (4000 x 3000, a gradient with noise over it, as a
phone's photo of a dim room), made by Qt in memory. Opening it is the concern's
Attachments window's Open until the viewer has painted (then one zoom step in, shown
without a target); opening the concern is the
concern view until it has painted, then its Attachments window until that has painted.
Qt uses the offscreen platform unless --display names an X display.
Figures are CPU seconds (time.process_time, steadier than wall time on a loaded machine)
with wall seconds beside them; the script reports PASS or MISS and always exits 0.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from run import pct

from cerecorder import paths
from cerecorder.crypto.keyslots import KdfParams
from cerecorder.domain.attachments import Limits
from cerecorder.domain.model import ChildDetails, ConcernContent, Role
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.services import attachments, children, concerns, session
from cerecorder.services.clock import SystemClock
from cerecorder.services.session import Session

ATTACH_TARGET = 1.0  # seconds, a 20 MB photo
GROWTH_TARGET = 0.01  # of the attachments' size
OPEN_PHOTO_TARGET = 0.3  # seconds, a 12-megapixel photo
OPEN_CONCERN_TARGET = 0.2  # seconds, a concern with 10 attachments
SIZE = 20 * 1000 * 1000
FILES = 10

Timings = list[tuple[float, float]]


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - cpu, time.perf_counter() - wall


def store_figures(s: Session, folder: Path, runs: int) -> tuple[Timings, Timings, float]:
    photo = b"\xff\xd8\xff\xe0" + os.urandom(SIZE - 4)  # a JPEG's start; EXIF-less
    s.vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = folder.joinpath("vault.db").stat().st_size
    added: Timings = []
    read: Timings = []
    for _ in range(runs):
        draft = concerns.save_draft(s, ConcernContent(facts="Bench."))
        cpu, wall = time.process_time(), time.perf_counter()
        attachment_id = attachments.add_to_draft(s, draft, photo, "IMG_0001.jpg")
        added.append((time.process_time() - cpu, time.perf_counter() - wall))
        read.append(timed(lambda i=attachment_id: attachments.read(s, i)))  # type: ignore[misc]
    s.vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    growth = folder.joinpath("vault.db").stat().st_size - before - runs * SIZE
    return added, read, growth / (runs * SIZE)


def twelve_megapixels() -> bytes:
    """A 4000 x 3000 JPEG at quality 90 with noise all over it, written by Qt in memory."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF
    from PySide6.QtGui import QColor, QImage, QImageWriter, QLinearGradient, QPainter

    width, height = 4000, 3000
    noise = QImage(os.urandom(width * height * 4), width, height,
                   QImage.Format.Format_RGB32)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    gradient = QLinearGradient(QPointF(0, 0), QPointF(width, height))
    gradient.setColorAt(0, QColor("#3a4a5c"))
    gradient.setColorAt(1, QColor("#c9b38f"))
    painter.fillRect(image.rect(), gradient)
    painter.setOpacity(0.18)
    painter.drawImage(0, 0, noise)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"JPEG"))
    writer.setQuality(90)
    assert writer.write(image), writer.errorString()
    return bytes(buffer.data().data())


def viewer_figures(s: Session, runs: int
                   ) -> tuple[Timings, Timings, Timings, Timings, int]:
    """Opening the photo and zooming in a step, the concern view and the concern's
    Attachments window."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QWidget

    from cerecorder.app import documents
    from cerecorder.domain.body_map import load_outlines
    from cerecorder.policy import Policy
    from cerecorder.ui.attachment_viewer import ZOOM_STEP, AttachmentsDialog, ImageViewer
    from cerecorder.ui.concern_view import ConcernViewDialog
    from cerecorder.ui.context import AppContext, UiSettings

    qt = QApplication.instance() or QApplication([])
    photo = twelve_megapixels()
    child = children.add_child(s, ChildDetails("Zoë", "Ólafsdóttir"))
    draft = concerns.save_draft(s, ConcernContent(
        child_ids=(child,), facts="Bruising seen on both forearms at break.",
        occurred_at=s.clock.now()))
    limits = Limits(file_bytes=len(photo) + 1, concern_bytes=FILES * (len(photo) + 1))
    for number in range(FILES):
        attachments.add_to_draft(s, draft, photo, f"IMG_{number:04}.jpg", limits)
    concerns.submit(s, draft)
    ctx = AppContext(clock=s.clock, taxonomy=s.taxonomy, settings=UiSettings(),
                     save_settings=lambda _: None, default_vault_dir=Path("."),
                     demo_vault_dir=Path("."), ui_dir=paths.ui_dir(),
                     documents=documents(Policy()),
                     body_outlines=load_outlines(paths.bodymap_dir()))

    class Painted(QObject):
        """Every widget painted, by the window it is in."""

        def __init__(self) -> None:
            super().__init__()
            self.windows: set[QWidget] = set()

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget):
                self.windows.add(watched.window())
            return False

    def until_painted(make: Callable[[], QWidget | None]) -> QWidget:
        watch = Painted()
        qt.installEventFilter(watch)
        shown = make()
        assert shown is not None
        shown.show()
        while shown not in watch.windows:  # the new window's own paint, or a child's
            qt.processEvents()
        qt.removeEventFilter(watch)
        return shown

    def one_run() -> tuple[Timings, list[QWidget]]:
        """The concern view, its Attachments window, the photo and a zoom step."""
        shown: list[QWidget] = []
        figures = [timed(lambda: shown.append(until_painted(
            lambda: ConcernViewDialog(ctx, s, draft))))]
        figures.append(timed(lambda: shown.append(until_painted(
            lambda: AttachmentsDialog(shown[0], s, draft, ctx.documents)))))
        dialog = shown[1]
        assert isinstance(dialog, AttachmentsDialog)
        figures.append(timed(lambda: shown.append(until_painted(dialog.open_current))))
        viewer = shown[2]
        assert isinstance(viewer, ImageViewer)
        figures.append(timed(lambda: (viewer.set_zoom(viewer.zoom * ZOOM_STEP),
                                      qt.processEvents())))
        return figures, shown

    opened: Timings = []
    zoomed: Timings = []
    views: Timings = []
    lists: Timings = []
    for run in range(runs + 1):  # the first warms Qt's caches and is not counted
        (view, files, photo_open, zoom), shown = one_run()
        for each in reversed(shown):
            each.close()
            each.deleteLater()
        qt.processEvents()
        if run:
            views.append(view)
            lists.append(files)
            opened.append(photo_open)
            zoomed.append(zoom)
    return opened, zoomed, views, lists, len(photo)


def report(name: str, values: Timings, target: float | None) -> None:
    p95 = pct([c for c, _ in values], 0.95)
    verdict = "" if target is None else (" PASS" if p95 <= target else " MISS")
    print(f"{name}: p95 {p95:.3f} s CPU (wall {pct([w for _, w in values], 0.95):.3f} s)"
          + (f", target {target} s{verdict}" if target else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--display", help="an X display to open the windows on")
    args = parser.parse_args()
    if args.display:
        os.environ.update(DISPLAY=args.display, QT_QPA_PLATFORM="xcb")
    else:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "vault"
        s, _ = session.create(folder, user_name="dsl", display_name="Dana Lead", role=Role.DSL,
                              passphrase="bench passphrase for attachments",
                              clock=SystemClock(), taxonomy=TaxonomyLibrary.load(
                                  paths.taxonomy_dir()),
                              kdf=KdfParams(memory_kib=1024, iterations=1, lanes=1))
        added, read, share = store_figures(s, folder, args.runs)
        opened, zoomed, views, lists, size = viewer_figures(s, args.runs)
        s.lock()
    report("attach 20 MB", added, ATTACH_TARGET)
    report("read 20 MB", read, None)
    print(f"vault growth beyond the bytes: {share:.2%}, target {GROWTH_TARGET:.0%} "
          + ("PASS" if share <= GROWTH_TARGET else "MISS"))
    print(f"(the 12-megapixel JPEG is {size / 1e6:.1f} MB; Qt platform "
          f"{os.environ['QT_QPA_PLATFORM']})")
    report("open a 12-megapixel photo", opened, OPEN_PHOTO_TARGET)
    report("  then zoom in a step (past the fit)", zoomed, None)
    report(f"open a concern with {FILES} attachments", views, OPEN_CONCERN_TARGET)
    report(f"  then its Attachments window ({FILES} files)", lists, OPEN_CONCERN_TARGET)


if __name__ == "__main__":
    main()

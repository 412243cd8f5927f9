"""The Qt half of `cerecorder --self-test` (selftest.py): where this copy's Qt plugins are,
whether a window paints, whether a page reaches a printer. Kept here because only ui/ and
app.py may import PySide6."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from cerecorder.domain.handover import PageSource
from cerecorder.ui import preview
from cerecorder.ui.context import AppContext
from cerecorder.ui.setup import StartDialog


def plugins_folder() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))


def first_run_window_paints(ctx: AppContext, style_sheet: str) -> bool:
    """The style sheet applies and the first-run window draws (offscreen if no screen)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setStyleSheet(style_sheet)
    dialog = StartDialog(ctx)
    painted = not dialog.grab().isNull()
    dialog.deleteLater()
    return painted


def print_first_page(pages: PageSource, out: Path) -> int:
    """The first page drawn onto a Qt printer as Print does, into a PDF file instead of
    onto paper; the number of pages sent."""
    printer = preview.new_printer(pages, "CE Recorder self-test")
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    printer.setFromTo(1, 1)  # one page proves the path; each costs a 300 dpi drawing
    return preview.print_pages(pages, printer)

"""The preview of a handover document before it is printed or saved, and printing it.

Both draw the rendered PDF's own pages (domain.handover.PageSource), one page at a time:
what the DSL sees is what the printer gets and what the file holds, and a 120-page
chronology is never held as images all at once. Printing goes to Qt's print system and
writes no file of ours.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt
from PySide6.QtGui import (
    QImage,
    QKeyEvent,
    QKeySequence,
    QPageLayout,
    QPainter,
    QPixmap,
    QShortcut,
)
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.handover import PageImage, PageSource
from cerecorder.ui.common import fit_to_screen
from cerecorder.ui.widgets import named

#: printers rarely resolve more than this for text; higher only costs time and memory
PRINT_DPI_LIMIT = 300


def to_qimage(page: PageImage) -> QImage:
    """A QImage that owns a copy of the page's pixels."""
    return QImage(page.pixels, page.width, page.height, page.stride,
                  QImage.Format.Format_RGBX8888).copy()


def new_printer(pages: PageSource, title: str) -> QPrinter:
    """A printer set up for the document: its orientation, the whole sheet (the PDF
    carries its own margins), every page."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    printer.setFullPage(True)
    landscape = len(pages) > 0 and pages.size(0)[0] > pages.size(0)[1]
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape
                               else QPageLayout.Orientation.Portrait)
    printer.setFromTo(1, len(pages))
    return printer


def print_pages(pages: PageSource, printer: QPrinter, parent: QWidget | None = None) -> int:
    """Draw the chosen pages onto the printer, each scaled to the sheet. Returns the
    number of pages sent; 0 when the user cancelled or the printer could not start."""
    first = max(printer.fromPage(), 1) - 1
    last = min(printer.toPage() or len(pages), len(pages)) - 1
    if last < first:
        return 0
    dpi = min(printer.resolution(), PRINT_DPI_LIMIT)
    progress = QProgressDialog("Sending pages to the printer…", "Cancel", 0,
                               last - first + 1, parent)
    progress.setWindowTitle("Printing")
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(500)
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    sent = 0
    try:
        for index in range(first, last + 1):
            if progress.wasCanceled():
                printer.abort()
                return 0
            if index > first:
                printer.newPage()
            image = to_qimage(pages.page(index, dpi))
            sheet = painter.viewport()
            size = image.size().scaled(sheet.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x = sheet.x() + (sheet.width() - size.width()) // 2
            y = sheet.y() + (sheet.height() - size.height()) // 2
            painter.drawImage(QRect(QPoint(x, y), size), image)
            sent += 1
            progress.setValue(sent)
            QApplication.processEvents()
    finally:
        painter.end()
        progress.close()
    return sent


class DocumentPreview(QDialog):
    """Page through the document as it will be printed or saved. Closes with PRINT or
    SAVE when the user chooses one; the caller does the work. An attached PDF is shown
    the same way (`printable` False: it is not printed, only saved as an audited copy)."""

    PRINT, SAVE = 10, 11

    def __init__(self, pages: PageSource, title: str, parent: QWidget | None = None, *,
                 printable: bool = True, save_text: str = "&Save PDF…",
                 window_title: str | None = None) -> None:
        super().__init__(parent)
        self.pages = pages
        self.index = 0
        self.zoom = 1.0
        self.setWindowTitle(window_title or f"Preview: {title}")
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setObjectName("previewPage")
        named(self.image, "Page image")
        self.pane = QScrollArea()
        self.pane.setWidget(self.image)
        self.pane.setWidgetResizable(True)
        self.pane.setAlignment(Qt.AlignmentFlag.AlignCenter)
        named(self.pane, "Document pages", "Page Up and Page Down turn the page")
        self.where = QLabel()
        self.where.setAccessibleName("Page number")
        self.previous = QPushButton("&Previous page")
        self.next = QPushButton("&Next page")
        self.zoom_in = QPushButton("Zoom &in")
        self.zoom_out = QPushButton("Zoom &out")
        self.print_button = QPushButton("P&rint…")
        self.save_button = QPushButton(save_text)
        close = QPushButton("&Close")
        for button, name in ((self.previous, "Previous page (Page Up)"),
                             (self.next, "Next page (Page Down)"),
                             (self.zoom_in, "Zoom in (Ctrl++)"),
                             (self.zoom_out, "Zoom out (Ctrl+-)"),
                             (self.print_button, "Print (Ctrl+P)"),
                             (self.save_button, save_text.replace("&", "").rstrip("…")
                              + " (Ctrl+S)"),
                             (close, "Close the preview")):
            named(button, name.split(" (")[0])
            button.setToolTip(name)
            button.setAutoDefault(False)
        self.previous.clicked.connect(lambda: self.show_page(self.index - 1))
        self.next.clicked.connect(lambda: self.show_page(self.index + 1))
        self.zoom_in.clicked.connect(lambda: self.set_zoom(self.zoom * 1.25))
        self.zoom_out.clicked.connect(lambda: self.set_zoom(self.zoom / 1.25))
        self.print_button.clicked.connect(lambda: self.done(self.PRINT))
        self.save_button.clicked.connect(lambda: self.done(self.SAVE))
        close.clicked.connect(self.reject)
        self.page_keys = {
            Qt.Key.Key_PageUp: lambda: self.show_page(self.index - 1),
            Qt.Key.Key_PageDown: lambda: self.show_page(self.index + 1),
            Qt.Key.Key_Home: lambda: self.show_page(0),
            Qt.Key.Key_End: lambda: self.show_page(len(self.pages) - 1),
        }
        self.pane.installEventFilter(self)
        keys = [("Ctrl++", lambda: self.set_zoom(self.zoom * 1.25)),
                ("Ctrl+=", lambda: self.set_zoom(self.zoom * 1.25)),
                ("Ctrl+-", lambda: self.set_zoom(self.zoom / 1.25)),
                ("Ctrl+S", lambda: self.done(self.SAVE))]
        if printable:
            keys.append(("Ctrl+P", lambda: self.done(self.PRINT)))
        for sequence, slot in keys:
            QShortcut(QKeySequence(sequence), self, slot)
        self.print_button.setVisible(printable)
        bar = QHBoxLayout()
        for widget in (self.previous, self.where, self.next):
            bar.addWidget(widget)
        bar.addStretch(1)
        for widget in (self.zoom_out, self.zoom_in):
            bar.addWidget(widget)
        bar.addStretch(1)
        for widget in (self.print_button, self.save_button, close):
            bar.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.pane, 1)
        fit_to_screen(self, 1100, 860)
        self.show_page(0)
        self.pane.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        """Page Up, Page Down, Home and End turn pages, even where the page has the
        focus (a scroll area would otherwise only scroll); the page follows the size of
        the window."""
        if event.type() == QEvent.Type.Resize:  # the page is fitted to the room there is
            self.show_page(self.index)
        elif isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            turn = self.page_keys.get(Qt.Key(event.key()))
            if turn is not None and not event.modifiers():
                turn()
                return True
        return super().eventFilter(watched, event)

    def set_zoom(self, zoom: float) -> None:
        self.zoom = min(max(zoom, 0.5), 3.0)
        self.show_page(self.index)

    def show_page(self, index: int) -> None:
        total = len(self.pages)
        if total == 0:
            self.where.setText("No pages")
            return
        self.index = min(max(index, 0), total - 1)
        # zoom 1 is the whole page fitted to the window
        width_pt, height_pt = self.pages.size(self.index)
        room = self.pane.size()
        dpi = 72 * self.zoom * self.devicePixelRatioF() * min(
            max(room.width() - 24, 200) / width_pt, max(room.height() - 24, 200) / height_pt)
        pixmap = QPixmap.fromImage(to_qimage(self.pages.page(self.index, dpi)))
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        self.image.setPixmap(pixmap)
        self.image.setMinimumSize(QSize(1, 1))
        self.where.setText(f"Page {self.index + 1} of {total}")
        self.previous.setEnabled(self.index > 0)
        self.next.setEnabled(self.index < total - 1)

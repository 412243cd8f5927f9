"""Attachments shown (issue 16): listed with name, size, who added them, the addendum that
brought them and the full SHA-256; opened from memory only. An image is zoomable, with
what the photo says of itself (when it was taken, that it carries a location); a PDF goes
through the same PDFium pages as the preview; an e-mail shows its headers and its text
(HTML is never rendered); text is read-only. Saving a copy is the audited export, which
never overwrites a file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import (
    QImage,
    QImageIOHandler,
    QImageReader,
    QKeyEvent,
    QKeySequence,
    QPixmap,
    QScreen,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.attachments import IMAGES, Attachment, AttachmentKind, email_text, file_size
from cerecorder.domain.errors import CERecorderError
from cerecorder.domain.handover import DocumentRenderer
from cerecorder.domain.model import Addendum
from cerecorder.domain.timefmt import uk_datetime
from cerecorder.services import attachments
from cerecorder.services.session import Session
from cerecorder.ui.common import name_of, user_names
from cerecorder.ui.preview import DocumentPreview
from cerecorder.ui.widgets import message_label, named

ID_ROLE = Qt.ItemDataRole.UserRole
ZOOM_STEP = 1.25
HALF = 0.5  # zoomed in past the fit but not past this, a photo is decoded at half size
WINDOW_MARGIN = (40, 80)  # the viewer's window round its picture, in pixels
LOCATED = "This photo carries a location (where it was taken) in its data."


def photo_lines(found: Attachment) -> list[str]:
    """What a photo says of itself, in words (nothing for other files)."""
    lines = []
    if found.photo.taken_at is not None:
        lines.append(f"Taken {found.photo.taken_at:%d/%m/%Y %H:%M} (by the camera's clock)")
    if found.photo.has_location:
        lines.append(LOCATED)
    return lines


def addendum_notes(session: Session, addenda: Sequence[Addendum],
                   names: dict[int, str]) -> dict[int, str]:
    """Each addendum's id and how a file it brought is labelled."""
    return {a.id: f"with the addendum by {name_of(names, session, a.author_id)}, "
                  f"{uk_datetime(a.created_at, a.tz)}" for a in addenda}


class Picture:
    """A picture's bytes in memory (a QBuffer over them, never a file), decoded at a
    fraction of its full size: a JPEG decodes at a half, a quarter or an eighth far
    quicker than whole. Turned as its EXIF orientation says; the bytes are never changed."""

    def __init__(self, data: bytes) -> None:
        self.data = QByteArray(data)
        reader, _buffer = self._reader()
        self.stored = reader.size()  # from the header, before any pixel is decoded
        turned = reader.transformation() & QImageIOHandler.Transformation.TransformationRotate90
        #: as shown, turned upright
        self.size = self.stored.transposed() if turned else self.stored

    def _reader(self) -> tuple[QImageReader, QBuffer]:
        buffer = QBuffer()
        buffer.setData(self.data)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        reader = QImageReader(buffer)
        reader.setAutoTransform(True)
        return reader, buffer

    def decode(self, scale: float) -> QImage:
        """The picture at scale (at most 1) of its full size; null if it cannot be read."""
        reader, _buffer = self._reader()
        if scale < 1 and self.stored.isValid():
            reader.setScaledSize(QSize(max(1, round(self.stored.width() * scale)),
                                       max(1, round(self.stored.height() * scale))))
        return reader.read()


def window_size(image: QSize, screen: QScreen | None) -> QSize:
    """The viewer's size for an image: the image and a margin, at most 900 x 650 and
    never larger than the screen (common.fit_to_screen's room)."""
    width, height = image.width() + WINDOW_MARGIN[0], image.height() + WINDOW_MARGIN[1]
    if screen is not None:
        room = screen.availableGeometry()
        width, height = min(width, room.width() - 40), min(height, room.height() - 60)
    return QSize(min(width, 900), min(height, 650))


class ImageViewer(QDialog):
    """An image from memory in a scroll area, opened to fit the window and decoded at
    that size on the screen (its pixels, at 150% too); Ctrl++ / Ctrl+- / Ctrl+0 (actual
    size) and the wheel zoom. Zoomed in past what is decoded, it is decoded again, once at
    half size and once whole, and kept. The photo's facts, when it has any, are said
    above it."""

    def __init__(self, parent: QWidget | None, title: str, picture: Picture,
                 facts: list[str] | None = None) -> None:
        """`image` stays null when the picture cannot be decoded (viewer_for)."""
        super().__init__(parent)
        self.setWindowTitle(title)
        self.source = picture
        window = window_size(picture.size, self.screen())
        fit = min(1.0, (window.width() - WINDOW_MARGIN[0]) / max(1, picture.size.width()),
                  (window.height() - WINDOW_MARGIN[1]) / max(1, picture.size.height()))
        # at the fit, in the screen's pixels: a 12-megapixel photo is not decoded whole
        self.image = picture.decode(min(1.0, fit * self.devicePixelRatioF()))
        self.decoded_scale = self.image.width() / max(1, picture.size.width())
        self.facts = QLabel("\n".join(facts or []))
        self.facts.setWordWrap(True)
        self.facts.setVisible(bool(facts))
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                           | Qt.TextInteractionFlag.TextSelectableByMouse)
        named(self.facts, "About this photo")
        self.picture = QLabel()
        named(self.picture, title, "Ctrl+plus and Ctrl+minus zoom, Ctrl+0 is actual size")
        self.area = QScrollArea()
        self.area.setWidget(self.picture)
        self.area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.facts)
        layout.addWidget(self.area, 1)
        self.least = min(0.05, fit)  # a huge picture still fits
        self.zoom = fit
        if not self.image.isNull():
            self.set_zoom(fit)
        self.resize(window.boundedTo(picture.size * fit + QSize(*WINDOW_MARGIN)))

    def set_zoom(self, zoom: float) -> None:
        """Zoom is in the window's own (logical) pixels to the picture's."""
        self.zoom = min(max(zoom, self.least), 20.0)
        ratio = self.devicePixelRatioF()
        needed = self.zoom * ratio  # of the picture's pixels, on the screen's
        if needed > self.decoded_scale + 1e-6 and self.decoded_scale < 1:
            scale = HALF if needed <= HALF else 1.0
            sharper = self.source.decode(scale)
            if not sharper.isNull():
                self.image, self.decoded_scale = sharper, scale
        image = self.image
        target = self.source.size * needed
        if image.size() != target:
            image = image.scaled(target, Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self.picture.setPixmap(pixmap)
        self.picture.resize(pixmap.deviceIndependentSize().toSize())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if event.matches(QKeySequence.StandardKey.ZoomIn) or (
                ctrl and event.key() in (Qt.Key.Key_Plus, Qt.Key.Key_Equal)):
            self.set_zoom(self.zoom * ZOOM_STEP)
        elif event.matches(QKeySequence.StandardKey.ZoomOut) or (
                ctrl and event.key() == Qt.Key.Key_Minus):
            self.set_zoom(self.zoom / ZOOM_STEP)
        elif ctrl and event.key() == Qt.Key.Key_0:
            self.set_zoom(1.0)
        else:
            super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        self.set_zoom(self.zoom * ZOOM_STEP ** steps)


def text_viewer(parent: QWidget | None, title: str, text: str) -> QDialog:
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    box = QPlainTextEdit(text)
    box.setReadOnly(True)
    named(box, title)
    QVBoxLayout(dialog).addWidget(box)
    dialog.resize(700, 500)
    return dialog


def save_copy(parent: QWidget, session: Session, attachment_id: int) -> str:
    """Asks where, writes the one file (audited); what happened, in words ("" if the
    user chose no file)."""
    name, _ = QFileDialog.getSaveFileName(
        parent, "Save a copy", "", options=QFileDialog.Option.DontConfirmOverwrite)
    if not name:
        return ""
    try:
        attachments.export(session, attachment_id, Path(name))
    except CERecorderError as exc:
        return str(exc)
    return f"A copy was saved as {name}."


def pdf_viewer(parent: QWidget, session: Session, found: Attachment, data: bytes,
               documents: DocumentRenderer | None) -> DocumentPreview | None:
    """The PDF's pages drawn by PDFium from the bytes in memory (the renderer's pages,
    as the preview draws ours); "Save a copy…" is the audited export. None when there is
    no renderer or PDFium cannot read the file."""
    if documents is None:
        return None
    try:
        pages = documents.pages(data)
    except Exception:  # PDFium's own error for a damaged file; this layer cannot name it
        return None
    viewer = DocumentPreview(pages, found.file_name, parent, printable=False,
                             save_text="&Save a copy…", window_title=found.file_name)

    def finished(result: int) -> None:
        pages.close()
        if result == DocumentPreview.SAVE and isinstance(parent, AttachmentsPane):
            parent.message.setText(save_copy(parent, session, found.id))

    viewer.finished.connect(finished)
    return viewer


def viewer_for(parent: QWidget, session: Session, found: Attachment, data: bytes,
               documents: DocumentRenderer | None = None) -> QDialog | None:
    """The window showing the file from memory, or None when it cannot be shown."""
    if found.kind in IMAGES:
        picture = Picture(data)
        if not picture.size.isValid():
            return None
        viewer = ImageViewer(parent, found.file_name, picture, photo_lines(found))
        if viewer.image.isNull():
            viewer.deleteLater()
            return None
        return viewer
    if found.kind is AttachmentKind.PDF:
        return pdf_viewer(parent, session, found, data, documents)
    if found.kind is AttachmentKind.EMAIL:
        return text_viewer(parent, found.file_name, email_text(data))
    return text_viewer(parent, found.file_name, data.decode("utf-8", "replace"))


class AttachmentsPane(QWidget):
    """Files listed one an item: Open (or Enter) shows the highlighted one, Save a copy…
    exports it. `more` buttons (the child window's Add file…) go in the same row."""

    def __init__(self, session: Session, found: list[Attachment],
                 documents: DocumentRenderer | None, notes: dict[int, str] | None = None,
                 more: tuple[QPushButton, ...] = ()) -> None:
        super().__init__()
        self.session, self.notes, self.documents = session, notes or {}, documents
        self.list = QListWidget()
        named(self.list, "Attachments", "Name, size, who added it and SHA-256 of each file; "
              "Enter opens the highlighted one")
        self.list.itemActivated.connect(lambda _: self.open_current())
        self.open_button = QPushButton("&Open")
        named(self.open_button, "Open the highlighted attachment")
        self.save_button = QPushButton("&Save a copy…")
        named(self.save_button, "Save a copy of the highlighted attachment (audited)")
        self.message = message_label()
        self.row = QHBoxLayout()
        for button in (self.open_button, self.save_button, *more):
            button.setAutoDefault(False)
            self.row.addWidget(button)
        self.row.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addWidget(self.message)
        layout.addLayout(self.row)
        self.open_button.clicked.connect(self.open_current)
        self.save_button.clicked.connect(self.save_current)
        self.set_files(found)

    def set_files(self, found: list[Attachment]) -> None:
        names = user_names(self.session)
        self.list.clear()
        for each in found:
            brought = self.notes.get(each.addendum_id or 0, "")
            lines = [f"{each.file_name} — {each.kind.value.upper()}, {file_size(each.size)}",
                     f"Added by {name_of(names, self.session, each.added_by)}, "
                     f"{uk_datetime(each.added_at, self.session.tz)}"
                     + (f" ({brought})" if brought else ""),
                     *photo_lines(each), f"SHA-256 {each.sha256}"]
            item = QListWidgetItem("\n".join(lines))
            item.setData(ID_ROLE, each.id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        for button in (self.open_button, self.save_button):
            button.setEnabled(bool(found))

    def _current(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(ID_ROLE))

    def open_current(self) -> QDialog | None:
        attachment_id = self._current()
        if attachment_id is None:
            return None
        try:
            found, data = attachments.read(self.session, attachment_id)
        except CERecorderError as exc:
            self.message.setText(str(exc))
            return None
        shown = viewer_for(self, self.session, found, data, self.documents)
        if shown is None:
            self.message.setText(f"{found.file_name} cannot be shown here: it could not be "
                                 "read as its kind. Save a copy to look at it.")
            return None
        self.message.setText("")
        shown.show()
        return shown

    def save_current(self) -> None:
        attachment_id = self._current()
        if attachment_id is not None:
            self.message.setText(save_copy(self, self.session, attachment_id))


class AttachmentsDialog(QDialog):
    """A concern's files, its own and those its addenda brought, with a Close."""

    def __init__(self, parent: QWidget | None, session: Session, concern_id: int,
                 documents: DocumentRenderer | None, addenda: Sequence[Addendum] = ()) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Attachments of concern #{concern_id}")
        self.pane = AttachmentsPane(
            session, attachments.concern_attachments(session, concern_id), documents,
            addendum_notes(session, addenda, user_names(session)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.pane.row.addWidget(buttons)
        QVBoxLayout(self).addWidget(self.pane)
        self.resize(760, 400)
        self.pane.list.setFocus()

    def open_current(self) -> QDialog | None:
        return self.pane.open_current()

"""The concern view's attachments (issue 16): listed with name, size and full SHA-256;
opened from memory only (an image zoomable, text read-only); other kinds are saved as a
copy through the audited export, which never overwrites a file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeyEvent, QKeySequence, QPixmap, QWheelEvent
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

from cerecorder.domain.attachments import IMAGES, Attachment, AttachmentKind
from cerecorder.domain.errors import CERecorderError
from cerecorder.services import attachments
from cerecorder.services.session import Session
from cerecorder.ui.concern_attachments import file_size
from cerecorder.ui.widgets import message_label, named

ID_ROLE = Qt.ItemDataRole.UserRole
ZOOM_STEP = 1.25


class ImageViewer(QDialog):
    """An image from memory in a scroll area; Ctrl++ / Ctrl+- / Ctrl+0 and the wheel zoom."""

    def __init__(self, parent: QWidget | None, title: str, image: QImage) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.image, self.zoom = image, 1.0
        self.picture = QLabel()
        named(self.picture, title, "Ctrl+plus and Ctrl+minus zoom, Ctrl+0 is actual size")
        self.area = QScrollArea()
        self.area.setWidget(self.picture)
        self.area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.area)
        self.set_zoom(1.0)
        self.resize(min(image.width() + 40, 900), min(image.height() + 40, 650))

    def set_zoom(self, zoom: float) -> None:
        self.zoom = min(max(zoom, 0.05), 20.0)
        pixmap = QPixmap.fromImage(self.image)
        if self.zoom != 1.0:
            pixmap = pixmap.scaled(pixmap.size() * self.zoom, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        self.picture.setPixmap(pixmap)
        self.picture.resize(pixmap.size())

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


class AttachmentsDialog(QDialog):
    """The concern's attachments: Open (images and text) and Save a copy…"""

    def __init__(self, parent: QWidget | None, session: Session, concern_id: int) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(f"Attachments of concern #{concern_id}")
        self.list = QListWidget()
        named(self.list, "Attachments", "Name, size and SHA-256 of each file")
        for found in attachments.concern_attachments(session, concern_id):
            item = QListWidgetItem(f"{found.file_name} — {file_size(found.size)}\n"
                                   f"SHA-256 {found.sha256}")
            item.setData(ID_ROLE, found.id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.open_button = QPushButton("&Open")
        named(self.open_button, "Open the highlighted attachment")
        self.save_button = QPushButton("&Save a copy…")
        named(self.save_button, "Save a copy of the highlighted attachment (audited)")
        self.message = message_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addWidget(self.save_button)
        row.addStretch()
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.open_button.clicked.connect(self.open_current)
        self.save_button.clicked.connect(self.save_current)
        self.resize(720, 360)

    def _current(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(ID_ROLE))

    def viewer(self, found: Attachment, data: bytes) -> QDialog | None:
        """The window showing the file from memory, or None for a kind shown only by a
        copy (PDF, e-mail)."""
        if found.kind in IMAGES:
            image = QImage.fromData(data)
            if not image.isNull():
                return ImageViewer(self, found.file_name, image)
        if found.kind is AttachmentKind.TEXT:
            return text_viewer(self, found.file_name, data.decode("utf-8", "replace"))
        return None

    def open_current(self) -> QDialog | None:
        attachment_id = self._current()
        if attachment_id is None:
            return None
        try:
            found, data = attachments.read(self.session, attachment_id)
        except CERecorderError as exc:
            self.message.setText(str(exc))
            return None
        shown = self.viewer(found, data)
        if shown is None:
            self.message.setText(f"{found.file_name} cannot be shown here. "
                                 "Save a copy to open it.")
            return None
        self.message.setText("")
        shown.show()
        return shown

    def save_current(self) -> None:
        attachment_id = self._current()
        if attachment_id is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, "Save a copy", "", options=QFileDialog.Option.DontConfirmOverwrite)
        if not name:
            return
        try:
            attachments.export(self.session, attachment_id, Path(name))
        except CERecorderError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"A copy was saved as {name}.")


def attachments_button(parent: QWidget, session: Session, concern_id: int) -> QPushButton:
    """The concern view's button opening its attachments; hidden when there are none."""
    try:
        count = len(attachments.concern_attachments(session, concern_id))
    except CERecorderError:  # the view itself says why the concern cannot be read
        count = 0
    button = QPushButton(f"Attach&ments ({count})…")
    named(button, "Attachments", f"{count} files attached")
    button.setAutoDefault(False)
    button.setVisible(bool(count))
    button.clicked.connect(lambda: AttachmentsDialog(parent, session, concern_id).exec())
    return button

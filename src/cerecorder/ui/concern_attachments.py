"""The concern form's attachments (issue 16): files added with a dialog, a screenshot
pasted from the clipboard (kept in memory, never a temporary file) or files dropped on the
part; listed with their kind, size and the start of their SHA-256, removable while a draft.
Every refusal is said in words and nothing is attached."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QObject, Qt
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImageWriter,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.attachments import Attachment, Limits, file_size
from cerecorder.domain.errors import CERecorderError
from cerecorder.domain.timefmt import zone
from cerecorder.services import attachments
from cerecorder.services.session import Session
from cerecorder.ui.widgets import message_label, named

ID_ROLE = Qt.ItemDataRole.UserRole
def limits_text(limits: Limits) -> str:
    """What may be attached, by the limits in force (the policy's, else the defaults)."""
    return (f"Attach photos, screenshots, PDFs, text or .eml files: up to "
            f"{limits.file_bytes // (1024 * 1024)} MB a file, "
            f"{limits.concern_bytes // (1024 * 1024)} MB a concern.")


def attachment_line(found: Attachment) -> str:
    return (f"{found.file_name} — {found.kind.value.upper()}, {file_size(found.size)}, "
            f"SHA-256 {found.sha256[:12]}…")


def pasted_png() -> bytes | None:
    """The clipboard's image as PNG bytes, made in memory; None when it holds no image."""
    image = QGuiApplication.clipboard().image()
    if image.isNull():
        return None
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    QImageWriter(buffer, QByteArray(b"PNG")).write(image)
    return bytes(buffer.data().data())


class AttachmentsPart(QWidget):
    """Add file…, Paste screenshot, drop files; the list; Remove. `draft_id` gives the
    draft's id, saving the draft first when it has none yet."""

    def __init__(self, session: Session, draft_id: Callable[[], int | None]) -> None:
        super().__init__()
        self.session, self._draft_id = session, draft_id
        self.setAccessibleName("Attachments")
        self.setAcceptDrops(True)
        title = QLabel("Attachments (optional; drop files here)")
        title.setWordWrap(True)
        limits = QLabel(limits_text(session.attachment_limits))
        limits.setWordWrap(True)
        limits.setObjectName("hintMessage")
        self.list = QListWidget()
        named(self.list, "Attachments of this concern", "Ctrl+V pastes a screenshot")
        self.list.setWordWrap(True)
        self.list.setMaximumHeight(self.list.fontMetrics().lineSpacing() * 6)
        self.add_button = QPushButton("Add fi&le…")
        named(self.add_button, "Add a file to the concern")
        # no Alt letter: every letter of it is taken in the form (R is the mentions'
        # Remove); Ctrl+V in the list pastes too
        self.paste_button = QPushButton("Paste screenshot")
        named(self.paste_button, "Paste a screenshot from the clipboard")
        self.remove_button = QPushButton("Remo&ve")
        named(self.remove_button, "Remove the highlighted attachment from the draft")
        self.message = message_label()
        buttons = QHBoxLayout()
        for button in (self.add_button, self.paste_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (title, limits, self.list):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.add_button.clicked.connect(self.choose_files)
        self.paste_button.clicked.connect(self.paste)
        self.remove_button.clicked.connect(self.remove_current)
        self.list.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+V in the list pastes a screenshot."""
        if (watched is self.list and isinstance(event, QKeyEvent)
                and event.type() == QEvent.Type.KeyPress
                and event.matches(QKeySequence.StandardKey.Paste)):
            self.paste()
            return True
        return super().eventFilter(watched, event)

    def load(self, concern_id: int) -> None:
        self.list.clear()
        for found in attachments.concern_attachments(self.session, concern_id):
            item = QListWidgetItem(attachment_line(found))
            item.setData(ID_ROLE, found.id)
            item.setToolTip(f"SHA-256 {found.sha256}")
            self.list.addItem(item)

    def _attach(self, source: bytes | Path, name: str) -> bool:
        """Adds one file; a refusal is shown and nothing is attached."""
        concern_id = self._draft_id()
        if concern_id is None:
            self.message.setText("Save the draft first: it could not be saved yet.")
            return False
        try:
            attachments.add_to_draft(self.session, concern_id, source, name)
        except CERecorderError as exc:
            self.message.setText(f"{name}: {exc}")
            return False
        self.message.setText("")
        self.load(concern_id)
        return True

    def add_paths(self, paths: list[Path]) -> None:
        for path in paths:
            if not self._attach(path, path.name):
                return

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Attach files", "", "Images, PDFs, text and e-mails "
            "(*.jpg *.jpeg *.png *.heic *.pdf *.txt *.eml);;All files (*)")
        self.add_paths([Path(name) for name in names])

    def paste(self) -> None:
        data = pasted_png()
        if data is None:
            self.message.setText("The clipboard holds no picture to paste. Nothing was "
                                 "attached.")
            return
        local = self.session.clock.now().astimezone(zone(self.session.tz))
        self._attach(data, f"Screenshot {local:%d-%m-%Y %H%M%S}.png")

    def remove_current(self) -> None:
        item = self.list.currentItem()
        concern_id = self._draft_id()
        if item is None or concern_id is None:
            self.message.setText("Choose the attachment to remove first.")
            return
        try:
            attachments.remove_from_draft(self.session, int(item.data(ID_ROLE)))
        except CERecorderError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText("")
        self.load(concern_id)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        event.acceptProposedAction()
        self.add_paths(paths)

"""The child window's evidence (issue 16): the letters, minutes and reports in the child's
chronology, added by the DSL and opened in the viewer, and the child's body maps over
time, drawn layered with every mark in words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.body_map import Outlines
from cerecorder.domain.errors import CERecorderError
from cerecorder.domain.handover import DocumentRenderer
from cerecorder.services import attachments
from cerecorder.services.session import Session
from cerecorder.ui.attachment_viewer import AttachmentsPane
from cerecorder.ui.body_map_views import MapsOverTime, child_maps_dialog
from cerecorder.ui.concern_evidence import FILE_TYPES
from cerecorder.ui.widgets import named


class ChildFilesDialog(QDialog):
    """The chronology's files: Open, Save a copy…, Add file… (each file checked and
    stored as it is added; a refusal is said and nothing of that file is kept)."""

    def __init__(self, parent: QWidget | None, session: Session, child_id: int,
                 child_name: str, documents: DocumentRenderer | None) -> None:
        super().__init__(parent)
        self.session, self.child_id = session, child_id
        self.setWindowTitle(f"Files in the chronology of {child_name}")
        self.add_button = QPushButton("Add fi&le…")
        named(self.add_button, "Add a letter, minutes or a report to the chronology")
        self.add_button.clicked.connect(self.choose_files)
        self.pane = AttachmentsPane(session, [], documents, more=(self.add_button,))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.pane.row.addWidget(buttons)
        QVBoxLayout(self).addWidget(self.pane)
        self.reload()
        self.resize(760, 420)
        self.pane.list.setFocus()

    def reload(self) -> None:
        self.pane.set_files(attachments.child_attachments(self.session, self.child_id))
        if not self.pane.list.count():
            self.pane.message.setText("No files yet. Add file… attaches a letter, minutes "
                                      "or a report.")

    def add_paths(self, paths: list[Path]) -> None:
        said = ""
        for path in paths:
            try:
                attachments.add_to_chronology(self.session, self.child_id, path)
            except CERecorderError as exc:
                said = f"{path.name}: {exc}"
                break
        self.reload()
        if said:
            self.pane.message.setText(said)

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Add files to the chronology", "",
                                                FILE_TYPES)
        if names:
            self.add_paths([Path(n) for n in names])


def evidence_button(parent: QWidget, session: Session, outlines: Outlines | None,
                    documents: DocumentRenderer | None, child_id: int,
                    name: Callable[[], str]) -> QPushButton:
    """"Files and body maps": a menu of the two; `name` gives the name the window shows
    now."""
    button = QPushButton("Files and &body maps")
    named(button, "Files in the chronology and the child's body maps over time")

    def files() -> ChildFilesDialog:
        dialog = ChildFilesDialog(parent, session, child_id, name(), documents)
        dialog.open()
        return dialog

    def maps() -> MapsOverTime | None:
        if outlines is None:
            return None
        dialog = child_maps_dialog(parent, session, outlines, child_id, name())
        dialog.open()
        return dialog

    menu = QMenu(button)
    menu.addAction("&Files in the chronology…", files)
    body = menu.addAction("&Body maps over time…", maps)
    body.setEnabled(outlines is not None)
    button.setMenu(menu)
    return button

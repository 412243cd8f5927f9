"""The concern view's evidence (issue 16): its files (its own and those its addenda
brought) and body maps, each opened in its viewer; "Correct body map…"; and files chosen
to go in with the addendum being written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton, QWidget

from cerecorder.domain.attachments import Attachment
from cerecorder.domain.body_map import BodyMap, Outlines
from cerecorder.domain.errors import CERecorderError
from cerecorder.domain.handover import DocumentRenderer
from cerecorder.domain.model import Addendum
from cerecorder.services import attachments, body_maps, concerns
from cerecorder.services.session import Session
from cerecorder.ui.attachment_viewer import AttachmentsDialog
from cerecorder.ui.body_map_views import CorrectMapDialog, MapsOverTime, concern_maps_dialog
from cerecorder.ui.concern_attachments import attachment_line
from cerecorder.ui.widgets import named

FILE_TYPES = ("Images, PDFs, text and e-mails (*.jpg *.jpeg *.png *.heic *.pdf *.txt *.eml)"
              ";;All files (*)")


def _button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    named(button, name)
    button.setAutoDefault(False)
    return button


class ConcernEvidence:
    """Buttons for the concern view's row and the addendum's row; `refresh` after the
    concern is read again (an addendum may have brought files or a map)."""

    def __init__(self, parent: QWidget, session: Session, outlines: Outlines | None,
                 documents: DocumentRenderer | None, concern_id: int,
                 corrected: Callable[[], None]) -> None:
        self.parent, self.session, self.outlines = parent, session, outlines
        self.documents = documents
        self.corrected = corrected
        self.concern_id = concern_id
        self.addenda: Sequence[Addendum] = ()
        self.maps: list[BodyMap] = []
        self.files: list[Attachment] = []
        self.files_button = _button("Attach&ments…", "Attachments")
        self.map_button = _button("&Body map…", "Body maps: the original and corrections")
        self.correct_button = _button("&Correct body map…",
                                      "Correct the body map: a new map with an addendum")
        self.attach_button = _button("Attach fi&les…", "Attach files to the addendum")
        self.clear_button = _button("Clear fil&es", "Do not attach the chosen files")
        self.pending_label = QLabel()
        self.pending_label.setWordWrap(True)
        self.pending_label.setObjectName("hintMessage")
        named(self.pending_label, "Files to go with the addendum")
        self.pending: list[Path] = []
        self.files_button.clicked.connect(self.open_files)
        self.map_button.clicked.connect(self.open_maps)
        self.correct_button.clicked.connect(self.correct_map)
        self.attach_button.clicked.connect(self.choose_files)
        self.clear_button.clicked.connect(lambda: self.set_pending([]))
        self.set_pending([])

    def refresh(self, addenda: Sequence[Addendum], submitted: bool) -> None:
        self.addenda = addenda
        try:
            self.files = attachments.concern_attachments(self.session, self.concern_id)
            self.maps = (body_maps.concern_maps(self.session, self.concern_id)
                         if self.outlines is not None else [])
        except CERecorderError:  # the view itself says why the concern cannot be read
            self.files, self.maps = [], []
        count = len(self.files)
        self.files_button.setText(f"Attach&ments ({count})…")
        self.files_button.setVisible(bool(count))
        self.map_button.setText("&Body map…" if len(self.maps) < 2
                                else f"&Body maps ({len(self.maps)})…")
        self.map_button.setVisible(bool(self.maps))
        self.correct_button.setText("&Correct body map…" if self.maps
                                    else "&Correct: add a body map…")
        self.correct_button.setVisible(submitted and self.outlines is not None)
        self.attach_button.setEnabled(submitted)

    def brought(self) -> dict[int, list[str]]:
        """What each addendum brought, in words, for the thread."""
        lines: dict[int, list[str]] = {}
        for each in self.files:
            if each.addendum_id is not None:
                lines.setdefault(each.addendum_id, []).append(
                    f"Attached: {attachment_line(each)}")
        for body_map in self.maps:
            if body_map.addendum_id is not None:
                count = len(body_map.marks)
                lines.setdefault(body_map.addendum_id, []).append(
                    f"With a corrected body map ({count} mark{'' if count == 1 else 's'}): "
                    "Body maps… shows it beside the original")
        return lines

    def set_pending(self, paths: list[Path]) -> None:
        self.pending = paths
        self.pending_label.setText(
            "With the addendum: " + ", ".join(p.name for p in paths) if paths else "")
        self.pending_label.setVisible(bool(paths))
        self.clear_button.setVisible(bool(paths))

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self.parent, "Attach files to the addendum",
                                                "", FILE_TYPES)
        if names:
            self.set_pending([*self.pending, *(Path(n) for n in names)])

    def add_addendum(self, text: str) -> None:
        """The addendum with the chosen files, or alone; raises what the service says."""
        if self.pending:
            attachments.add_with_addendum(self.session, self.concern_id, text,
                                          [(p, p.name) for p in self.pending])
        else:
            concerns.add_addendum(self.session, self.concern_id, text)
        self.set_pending([])

    def open_files(self) -> AttachmentsDialog:
        dialog = AttachmentsDialog(self.parent, self.session, self.concern_id,
                                   self.documents, self.addenda)
        dialog.open()
        return dialog

    def open_maps(self) -> MapsOverTime | None:
        if self.outlines is None:
            return None
        dialog = concern_maps_dialog(self.parent, self.session, self.outlines,
                                     self.concern_id, self.addenda)
        dialog.open()
        return dialog

    def correct_map(self) -> CorrectMapDialog | None:
        """The editor, starting from the newest map's marks."""
        if self.outlines is None:
            return None
        newest = self.maps[-1].marks if self.maps else ()
        dialog = CorrectMapDialog(self.parent, self.session, self.outlines, self.concern_id,
                                  newest)
        dialog.accepted.connect(self.corrected)
        dialog.open()
        return dialog

"""The DSL's intelligence report dialog (issue 14): tick the register entries and concerns
to share, say why, and save the report as a PDF or a CSV. Each save is a disclosure."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.intel import SCOPE, IntelDocument
from cerecorder.services import intel
from cerecorder.services.session import Session
from cerecorder.ui.common import fit_to_screen
from cerecorder.ui.context import AppContext
from cerecorder.ui.widgets import message_label, named, telling

ID_ROLE = Qt.ItemDataRole.UserRole + 20


def _checklist(name: str, rows: list[intel.Candidate]) -> QListWidget:
    """Space ticks the highlighted line."""
    view = QListWidget()
    named(view, name, "Space ticks the highlighted line")
    view.setWordWrap(True)  # a line is read in full before it is ticked
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    for row in rows:
        item = QListWidgetItem(row.line)
        item.setToolTip(row.line)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        item.setData(ID_ROLE, row.id)
        view.addItem(item)
    if not rows:
        placeholder = QListWidgetItem("None to pick")
        placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
        view.addItem(placeholder)
    return view


def _ticked(view: QListWidget) -> list[int]:
    return [int(view.item(i).data(ID_ROLE)) for i in range(view.count())
            if view.item(i).data(ID_ROLE) is not None
            and view.item(i).checkState() is Qt.CheckState.Checked]


class IntelReportDialog(QDialog):
    """For one child (their concerns and the entries linked to them) or, from the main
    window, every register entry and the concerns linked to any."""

    def __init__(self, ctx: AppContext, session: Session, child_id: int | None = None,
                 child_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session = ctx, session
        self.setWindowTitle("Intelligence report" + (f": {child_name}" if child_name else ""))
        fit_to_screen(self, 860, 620)
        rows = intel.candidates(session, child_id)
        intro = QLabel("For the police or a partnership. Tick what to share: the report "
                       "gives who, what, where and when, the vehicles, phones and "
                       "accounts, and whoever reported each by role only. " + SCOPE + ".")
        intro.setWordWrap(True)
        self.concerns = _checklist("Concerns to share", [r for r in rows if r.kind == "concern"])
        self.entries = _checklist("Register entries to share",
                                  [r for r in rows if r.kind == "entry"])
        concerns_label = QLabel("&Concerns:")
        concerns_label.setBuddy(self.concerns)
        entries_label = QLabel("Register &entries:")
        entries_label.setBuddy(self.entries)
        self.purpose = QLineEdit()
        self.purpose.setPlaceholderText("For example: intelligence submission to the police, "
                                        "county lines")
        named(self.purpose, "Purpose of disclosure")
        purpose_label = QLabel("&Purpose of disclosure:")
        purpose_label.setBuddy(self.purpose)
        self.message = message_label()
        self.pdf_button = QPushButton("Save as P&DF…")
        self.csv_button = QPushButton("Save as CS&V…")
        self.close_button = QPushButton("Close")
        for button, name in ((self.pdf_button, "Save the report as a PDF"),
                             (self.csv_button, "Save the report as a CSV"),
                             (self.close_button, "Close")):
            named(button, name)
            button.setAutoDefault(False)
        self.pdf_button.clicked.connect(lambda: self.save("pdf"))
        self.csv_button.clicked.connect(lambda: self.save("csv"))
        self.close_button.clicked.connect(self.reject)
        self.saved: Path | None = None

        lists = QHBoxLayout()
        for label, view, share in ((concerns_label, self.concerns, 3),
                                   (entries_label, self.entries, 2)):
            column = QVBoxLayout()
            column.addWidget(label)
            column.addWidget(view, stretch=1)
            lists.addLayout(column, stretch=share)
        buttons = QHBoxLayout()
        buttons.addStretch()
        for button in (self.pdf_button, self.csv_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(lists, stretch=1)
        layout.addWidget(purpose_label)
        layout.addWidget(self.purpose)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.concerns.setFocus()

    def document(self) -> IntelDocument | None:
        with telling(self, self.message) as attempt:
            doc = intel.report(self.session, entry_ids=_ticked(self.entries),
                               concern_ids=_ticked(self.concerns),
                               purpose=self.purpose.text())
        return doc if attempt.ok else None

    def save(self, file_format: str) -> None:
        renderer = self.ctx.documents
        if renderer is None:
            self.message.setText("This installation cannot write reports (no renderer).")
            return
        doc = self.document()
        if doc is None:
            return
        suffix = "csv" if file_format == "csv" else "pdf"
        path = self.ctx.file_dialogs.save_path(
            self, self.windowTitle(), Path.home() / f"{doc.header.document_id}.{suffix}",
            "CSV (*.csv)" if suffix == "csv" else "PDF (*.pdf)")
        if path is None:
            return
        with telling(self, self.message) as attempt:
            data = renderer.intel_csv(doc) if suffix == "csv" else renderer.intel(doc)
            # the file dialog has already asked before replacing an existing file
            intel.save(self.session, path, data, doc, suffix, force=True)
        if attempt.ok:
            self.saved = path
            self.message.setObjectName("hintMessage")
            self.message.style().unpolish(self.message)
            self.message.style().polish(self.message)
            self.message.setText(f"Saved to {path} (document {doc.header.document_id}).")
            self.close_button.setText("Close")

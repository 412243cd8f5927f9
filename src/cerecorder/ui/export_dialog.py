"""Saving a child's chronology as a PDF for MASH, social care, the police or a new school.

Password protection is offered first; a file saved without one is a readable copy and the
dialog says so. Every export is audited (services.handover).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.errors import CERecorderError, EnvironmentProblem
from cerecorder.domain.model import EntryType
from cerecorder.domain.timefmt import uk_date
from cerecorder.services import handover
from cerecorder.services.session import Session
from cerecorder.ui.common import ok_cancel
from cerecorder.ui.context import AppContext
from cerecorder.ui.widgets import add_row, message_label, named, password_field, show_problem


class ExportChronologyDialog(QDialog):
    def __init__(self, ctx: AppContext, session: Session, child_id: int, child_name: str, *,
                 date_from: date | None, date_to: date | None,
                 entry_types: Iterable[EntryType], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session, self.child_id = ctx, session, child_id
        self.child_name = child_name
        self.date_from, self.date_to = date_from, date_to
        self.entry_types = frozenset(entry_types)
        self.saved: Path | None = None
        self.setWindowTitle(f"Save chronology as PDF: {child_name}")
        self.setMinimumWidth(520)
        shown = ", ".join(t.value for t in EntryType if t in self.entry_types)
        span = (f"{uk_date(date_from) if date_from else 'the start'} to "
                f"{uk_date(date_to) if date_to else 'today'}")
        scope = QLabel(f"The filters of the window apply: {span}; entries: {shown}.")
        scope.setWordWrap(True)
        self.purpose = QLineEdit()
        self.purpose.setPlaceholderText("for example: strategy meeting with MASH, 24/11/2026")
        self.landscape = QRadioButton("&Landscape (wider columns)")
        self.portrait = QRadioButton("P&ortrait")
        self.landscape.setChecked(True)
        self.password = password_field("PDF password")
        self.again = password_field("PDF password again")
        self.warning = QLabel("Without a password the PDF is a readable copy of the record: "
                              "send it only by a secure route and delete it after use.")
        self.warning.setObjectName("hintMessage")
        self.warning.setWordWrap(True)
        self.message = message_label()
        form = QFormLayout()
        add_row(form, "&Purpose of disclosure:", self.purpose)
        form.addRow("Page:", self.landscape)
        form.addRow("", self.portrait)
        named(self.landscape, "Landscape pages")
        named(self.portrait, "Portrait pages")
        add_row(form, "Pass&word (recommended):", self.password)
        add_row(form, "A&gain:", self.again)
        buttons = ok_cancel(self, "&Save PDF…")
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(scope)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.purpose.setFocus()

    def save(self) -> None:
        if not self.purpose.text().strip():
            self.message.setText("Say why the chronology is being shared (it is printed on "
                                 "the cover).")
            return
        if self.password.text() != self.again.text():
            self.message.setText("The two passwords differ.")
            return
        renderer = self.ctx.documents
        if renderer is None:
            self.message.setText("PDF export is not available in this installation.")
            return
        today = self.ctx.clock.now().strftime("%d-%m-%Y")  # no slashes in a file name
        name = self.child_name.replace("/", "-")
        path = self.ctx.file_dialogs.save_path(
            self, "Save the chronology", Path.home() / f"Chronology {name} {today}.pdf",
            "PDF (*.pdf)")
        if path is None:
            return
        try:
            doc = handover.chronology_document(
                self.session, self.child_id, purpose=self.purpose.text(),
                date_from=self.date_from, date_to=self.date_to, entry_types=self.entry_types,
                school=handover.school_name(self.session))
            pdf = renderer.chronology(doc, landscape=self.landscape.isChecked())
            protected = bool(self.password.text())
            if protected:
                pdf = renderer.protect(pdf, self.password.text())
            # the file dialog has already asked before replacing an existing file
            handover.save_export(self.session, path, pdf, kind="chronology",
                                 object_id=self.child_id, document_id=doc.header.document_id,
                                 protected=protected, force=True)
        except EnvironmentProblem as exc:
            self.message.setText(str(exc))
            return
        except CERecorderError as exc:
            show_problem(self, exc)
            return
        self.saved = path
        self.accept()

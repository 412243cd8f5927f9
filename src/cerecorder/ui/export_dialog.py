"""Saving a handover document as a PDF: a child's chronology for MASH, social care, the
police or a new school, or one concern record.

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

from cerecorder.domain.handover import DocumentRenderer
from cerecorder.domain.model import EntryType
from cerecorder.domain.timefmt import uk_date
from cerecorder.services import handover
from cerecorder.services.session import Session
from cerecorder.ui.common import ok_cancel
from cerecorder.ui.context import AppContext
from cerecorder.ui.widgets import (
    add_row,
    message_label,
    named,
    password_field,
    telling,
)


class ProtectedExportDialog(QDialog):
    """What every export asks and does; subclasses add their own fields above the
    password and say how their document is made."""

    KIND = ""

    def __init__(self, ctx: AppContext, session: Session, object_id: int, title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session, self.object_id = ctx, session, object_id
        self.saved: Path | None = None
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.form = QFormLayout()
        self.password = password_field("PDF password")
        self.again = password_field("PDF password again")
        self.warning = QLabel("Without a password the PDF is a readable copy of the record: "
                              "send it only by a secure route and delete it after use.")
        self.warning.setObjectName("hintMessage")
        self.warning.setWordWrap(True)
        self.message = message_label()
        self.layout_ = QVBoxLayout(self)

    def finish_layout(self) -> None:
        add_row(self.form, "Pass&word (recommended):", self.password)
        add_row(self.form, "A&gain:", self.again)
        buttons = ok_cancel(self, "&Save PDF…")
        buttons.accepted.connect(self.save)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.warning)
        self.layout_.addWidget(self.message)
        self.layout_.addWidget(buttons)

    def problem(self) -> str:
        """What must be filled in before saving, if anything."""
        return ""

    def file_name(self) -> str:
        raise NotImplementedError

    def make_pdf(self, renderer: DocumentRenderer) -> tuple[bytes, str]:
        """The PDF and its document id."""
        raise NotImplementedError

    def save(self) -> None:
        problem = self.problem()
        if not problem and self.password.text() != self.again.text():
            problem = "The two passwords differ."
        if not problem and self.ctx.documents is None:
            problem = "PDF export is not available in this installation."
        if problem:
            self.message.setText(problem)
            return
        renderer = self.ctx.documents
        assert renderer is not None
        today = self.ctx.clock.now().strftime("%d-%m-%Y")  # no slashes in a file name
        name = self.file_name().replace("/", "-")
        path = self.ctx.file_dialogs.save_path(
            self, self.windowTitle(), Path.home() / f"{name} {today}.pdf", "PDF (*.pdf)")
        if path is None:
            return
        with telling(self, self.message) as attempt:
            pdf, document_id = self.make_pdf(renderer)
            protected = bool(self.password.text())
            if protected:
                pdf = renderer.protect(pdf, self.password.text())
            # the file dialog has already asked before replacing an existing file
            handover.save_export(self.session, path, pdf, kind=self.KIND,
                                 object_id=self.object_id, document_id=document_id,
                                 protected=protected, force=True)
        if not attempt.ok:
            return
        self.saved = path
        self.accept()


class ExportChronologyDialog(ProtectedExportDialog):
    KIND = "chronology"

    def __init__(self, ctx: AppContext, session: Session, child_id: int, child_name: str, *,
                 date_from: date | None, date_to: date | None,
                 entry_types: Iterable[EntryType], parent: QWidget | None = None) -> None:
        super().__init__(ctx, session, child_id, f"Save chronology as PDF: {child_name}",
                         parent)
        self.child_name = child_name
        self.date_from, self.date_to = date_from, date_to
        self.entry_types = frozenset(entry_types)
        shown = ", ".join(t.value for t in EntryType if t in self.entry_types)
        span = (f"{uk_date(date_from) if date_from else 'the start'} to "
                f"{uk_date(date_to) if date_to else 'today'}")
        scope = QLabel(f"The filters of the window apply: {span}; entries: {shown}.")
        scope.setWordWrap(True)
        self.layout_.addWidget(scope)
        self.purpose = QLineEdit()
        self.purpose.setPlaceholderText("for example: strategy meeting with MASH, 24/11/2026")
        self.landscape = QRadioButton("&Landscape (wider columns)")
        self.portrait = QRadioButton("P&ortrait")
        self.landscape.setChecked(True)
        named(self.landscape, "Landscape pages")
        named(self.portrait, "Portrait pages")
        add_row(self.form, "&Purpose of disclosure:", self.purpose)
        self.form.addRow("Page:", self.landscape)
        self.form.addRow("", self.portrait)
        self.finish_layout()
        self.purpose.setFocus()

    def problem(self) -> str:
        if not self.purpose.text().strip():
            return "Say why the chronology is being shared (it is printed on the cover)."
        return ""

    def file_name(self) -> str:
        return f"Chronology {self.child_name}"

    def make_pdf(self, renderer: DocumentRenderer) -> tuple[bytes, str]:
        doc = handover.chronology_document(
            self.session, self.object_id, purpose=self.purpose.text(),
            date_from=self.date_from, date_to=self.date_to, entry_types=self.entry_types,
            school=handover.school_name(self.session))
        return renderer.chronology(doc, landscape=self.landscape.isChecked()), \
            doc.header.document_id


class ExportConcernDialog(ProtectedExportDialog):
    """One concern record, with its addenda and signature lines (for the DSL's file or
    a referral)."""

    KIND = "concern"

    def __init__(self, ctx: AppContext, session: Session, concern_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, session, concern_id,
                         f"Save concern #{concern_id} as PDF", parent)
        self.finish_layout()
        self.password.setFocus()

    def file_name(self) -> str:
        return f"Concern {self.object_id}"

    def make_pdf(self, renderer: DocumentRenderer) -> tuple[bytes, str]:
        doc = handover.concern_document(self.session, self.object_id,
                                        school=handover.school_name(self.session))
        return renderer.concern(doc), doc.header.document_id

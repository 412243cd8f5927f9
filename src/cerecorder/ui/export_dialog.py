"""Printing a handover document or saving it as a PDF: a child's chronology for MASH,
social care, the police or a new school, or one concern record.

A preview shows the pages first. Password protection is offered for the file; a file
saved without one is a readable copy and the dialog says so. Every export and every print
is audited (services.handover).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
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
from cerecorder.ui.preview import DocumentPreview, new_printer, print_pages
from cerecorder.ui.widgets import (
    add_row,
    message_label,
    named,
    password_field,
    telling,
)


class ProtectedExportDialog(QDialog):
    """What every handover document offers: preview, print, save as a PDF (with a
    password). Subclasses add their own fields above the password and say how their
    document is made."""

    KIND = ""
    #: what the document is, for its file and print-job name with its document id: never
    #: the child's name, which would travel in attachments, folder listings and queues
    LABEL = ""

    def __init__(self, ctx: AppContext, session: Session, object_id: int, title: str,
                 parent: QWidget | None = None, *, printing: bool = False) -> None:
        super().__init__(parent)
        self.ctx, self.session, self.object_id = ctx, session, object_id
        self.saved: Path | None = None
        self.printed = 0
        self.printing = printing
        self._made: tuple[tuple[object, ...], bytes, str] | None = None
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
        add_row(self.form, "Pass&word for the file (recommended):", self.password)
        add_row(self.form, "A&gain:", self.again)
        buttons = ok_cancel(self, "&Save PDF…")
        save = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.folder_button = QPushButton("Show the &folder")
        named(self.folder_button, "Show the folder the PDF was saved in")
        self.folder_button.setAutoDefault(False)
        self.folder_button.setVisible(False)
        self.folder_button.clicked.connect(self.show_folder)
        self.preview_button = QPushButton("Pre&view…")
        self.print_button = QPushButton("P&rint…")
        named(self.preview_button, "Preview the pages")
        named(self.print_button, "Print")
        row = QHBoxLayout()  # [Preview…] [Print…]   …   [Save PDF…] [Cancel]
        for button in (self.preview_button, self.print_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addWidget(self.folder_button)
        row.addStretch(1)
        row.addWidget(buttons)
        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.print_document)
        buttons.accepted.connect(self.save)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.warning)
        self.layout_.addWidget(self.message)
        self.layout_.addLayout(row)
        if self.printing:  # opened with the print shortcut: Enter prints
            save.setAutoDefault(False)
            self.print_button.setDefault(True)

    def problem(self) -> str:
        """What must be filled in before the document can be made, if anything."""
        return ""

    def options(self) -> tuple[object, ...]:
        """What the document depends on besides the record: a change makes it anew."""
        return ()

    def file_name(self, document_id: str) -> str:
        return f"{self.LABEL} {document_id}"

    def make_pdf(self, renderer: DocumentRenderer) -> tuple[bytes, str]:
        """The PDF and its document id."""
        raise NotImplementedError

    def _renderer(self) -> DocumentRenderer | None:
        """The renderer, once what the document needs is filled in; else says why not."""
        problem = self.problem()
        if not problem and self.ctx.documents is None:
            problem = "PDF export is not available in this installation."
        if problem:
            self.message.setText(problem)
            return None
        return self.ctx.documents

    def document(self, renderer: DocumentRenderer) -> tuple[bytes, str]:
        """The unprotected PDF and its id, made once for the options shown: preview,
        print and save hand over the same document (the same id on every page)."""
        if self._made is None or self._made[0] != self.options():
            pdf, document_id = self.make_pdf(renderer)
            self._made = (self.options(), pdf, document_id)
        return self._made[1], self._made[2]

    def preview(self) -> None:
        renderer = self._renderer()
        if renderer is None:
            return
        with telling(self, self.message) as attempt:
            pages = renderer.pages(self.document(renderer)[0])
        if not attempt.ok:
            return
        try:
            choice = DocumentPreview(pages, self.file_name(self.document(renderer)[1]),
                                     self).exec()
        finally:
            pages.close()
        if choice == DocumentPreview.PRINT:
            self.print_document()
        elif choice == DocumentPreview.SAVE:
            self.save()

    def print_document(self) -> None:
        """Print through the system's print dialog; no file is written. The print is
        audited once the user has chosen the printer, before the pages go: a print that
        is then cancelled is on record as an attempt, and none goes unrecorded."""
        renderer = self._renderer()
        if renderer is None:
            return
        with telling(self, self.message) as attempt:
            pdf, document_id = self.document(renderer)
            pages = renderer.pages(pdf)
        if not attempt.ok:
            return
        try:
            printer = new_printer(pages, self.file_name(document_id))
            if not self.ctx.file_dialogs.choose_printer(self, printer, len(pages)):
                return
            with telling(self, self.message) as attempt:
                handover.record_export(self.session, self.KIND, self.object_id, document_id,
                                       protected=False, printed=True)
            if not attempt.ok:
                return
            sent = print_pages(pages, printer, self)
        finally:
            pages.close()
        if not sent:
            self.message.setText("Nothing was printed: the printer could not start or "
                                 "printing was cancelled.")
            return
        self.printed = sent
        self.accept()

    def save(self) -> None:
        renderer = self._renderer()
        if renderer is None:
            return
        self.message.setObjectName("errorMessage")  # after an earlier "Saved to"
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        if self.password.text() != self.again.text():
            self.message.setText("The two passwords differ.")
            return
        with telling(self, self.message) as attempt:
            pdf, document_id = self.document(renderer)
        if not attempt.ok:
            return
        path = self.ctx.file_dialogs.save_path(
            self, self.windowTitle(), Path.home() / f"{self.file_name(document_id)}.pdf",
            "PDF (*.pdf)")
        if path is None:
            return
        with telling(self, self.message) as attempt:
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
        self.message.setObjectName("hintMessage")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(f"Saved to {path}.")
        self.folder_button.setVisible(True)
        self.cancel.setText("Close")
        self.folder_button.setFocus()

    def show_folder(self) -> None:
        if self.saved is not None:
            self.ctx.file_dialogs.show_folder(self.saved.parent)


class ExportChronologyDialog(ProtectedExportDialog):
    KIND = "chronology"
    LABEL = "Chronology"

    def __init__(self, ctx: AppContext, session: Session, child_id: int, child_name: str, *,
                 date_from: date | None, date_to: date | None,
                 entry_types: Iterable[EntryType], parent: QWidget | None = None,
                 printing: bool = False) -> None:
        super().__init__(ctx, session, child_id, f"Print or save the chronology: {child_name}",
                         parent, printing=printing)
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

    def options(self) -> tuple[object, ...]:
        return (self.purpose.text(), self.landscape.isChecked())

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
    LABEL = "Concern"

    def __init__(self, ctx: AppContext, session: Session, concern_id: int,
                 parent: QWidget | None = None, printing: bool = False) -> None:
        super().__init__(ctx, session, concern_id,
                         f"Print or save concern #{concern_id}", parent, printing=printing)
        self.finish_layout()
        self.password.setFocus()

    def make_pdf(self, renderer: DocumentRenderer) -> tuple[bytes, str]:
        doc = handover.concern_document(self.session, self.object_id,
                                        school=handover.school_name(self.session))
        return renderer.concern(doc), doc.header.document_id

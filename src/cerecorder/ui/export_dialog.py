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
    QCheckBox,
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

from cerecorder.domain import pdf_password
from cerecorder.domain.handover import DocumentRenderer, name_warning
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
        self.name_warning: QLabel | None = None
        self.roles_only = QCheckBox("&Name staff by role only")
        named(self.roles_only, "Name staff by role only",
              "For a copy shared outside the school: each member of staff appears as their "
              "role, without a name")
        self.roles_only.setToolTip("For a copy shared outside the school")
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.form = QFormLayout()
        self.password = password_field("PDF password")
        self.again = password_field("PDF password again")
        self.warning = QLabel("Without a password the PDF is a readable copy of the record: "
                              "send it only by a secure route and delete it after use. "
                              + pdf_password.SEPARATELY)
        self.warning.setObjectName("hintMessage")
        self.warning.setWordWrap(True)
        self.suggest = QPushButton("S&uggest a password")
        named(self.suggest, "Suggest a password")
        self.suggest.setAutoDefault(False)
        self.suggest.clicked.connect(self.suggest_password)
        self.message = message_label()
        self.layout_ = QVBoxLayout(self)

    def warn_about_names(self, names: Iterable[str]) -> None:
        """Say before anything is made when a name cannot be drawn faithfully in the PDF."""
        warnings = [w for w in (name_warning(n) for n in names) if w]
        if warnings:
            label = QLabel("\n".join(warnings))
            label.setObjectName("hintMessage")
            label.setWordWrap(True)
            named(label, "Names to check")
            self.layout_.addWidget(label)
            self.name_warning = label

    def finish_layout(self) -> None:
        self.form.addRow("", self.roles_only)
        # the suggestion beside the field it fills: one row fewer, so the dialog keeps
        # every row at its height at 150% scaling
        password_row = QHBoxLayout()
        password_row.addWidget(self.password, stretch=1)
        password_row.addWidget(self.suggest)
        caption = QLabel("Pass&word (recommended):")
        caption.setBuddy(self.password)
        self.form.addRow(caption, password_row)
        add_row(self.form, "A&gain:", self.again)
        buttons = ok_cancel(self, "&Save PDF…")
        save = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.folder_button = QPushButton("Show the fold&er")
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

    def suggest_password(self) -> None:
        """Fill both fields with a generated password and show it, to be written down or
        read out: it goes to the recipient separately from the file."""
        suggested = pdf_password.generate()
        for field in (self.password, self.again):
            field.setEchoMode(QLineEdit.EchoMode.Normal)
            field.setText(suggested)
        self.message.setText(f"Password: {suggested}. {pdf_password.SEPARATELY}")

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
        if self.password.text() and pdf_password.problem(self.password.text()):
            self.message.setText(pdf_password.problem(self.password.text()))
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
                 entry_types: Iterable[EntryType], significant_only: bool = False,
                 parent: QWidget | None = None, printing: bool = False) -> None:
        super().__init__(ctx, session, child_id, f"Print or save the chronology: {child_name}",
                         parent, printing=printing)
        self.child_name = child_name
        self.warn_about_names([child_name])
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
        self.significant = QCheckBox("S&ignificant events only (the summary chronology)")
        self.significant.setChecked(significant_only)
        named(self.significant, "Significant events only",
              "Only the entries marked as significant, with the decisions and actions on "
              "their concerns")
        add_row(self.form, "&Purpose of disclosure:", self.purpose)
        self.form.addRow("", self.significant)
        pages = QHBoxLayout()
        pages.addWidget(self.landscape)
        pages.addWidget(self.portrait)
        pages.addStretch()
        self.form.addRow("Page:", pages)
        self.finish_layout()
        self.purpose.setFocus()

    def problem(self) -> str:
        if not self.purpose.text().strip():
            return "Say why the chronology is being shared (it is printed on the cover)."
        return ""

    def options(self) -> tuple[object, ...]:
        return (self.purpose.text(), self.landscape.isChecked(), self.roles_only.isChecked(),
                self.significant.isChecked())

    def make_pdf(self, renderer: DocumentRenderer) -> tuple[bytes, str]:
        doc = handover.chronology_document(
            self.session, self.object_id, purpose=self.purpose.text(),
            date_from=self.date_from, date_to=self.date_to, entry_types=self.entry_types,
            school=handover.school_name(self.session),
            staff_names=not self.roles_only.isChecked(),
            significant_only=self.significant.isChecked())
        return renderer.chronology(doc, landscape=self.landscape.isChecked()), \
            doc.header.document_id


class ExportConcernDialog(ProtectedExportDialog):
    """One concern record with the DSL's part: the DSL's full copy for the school's file,
    or, for a concern about several children, a copy for one child's file that names no
    other pupil (for sharing: it needs a purpose of disclosure)."""

    KIND = "concern"
    LABEL = "Concern"

    def __init__(self, ctx: AppContext, session: Session, concern_id: int,
                 parent: QWidget | None = None, printing: bool = False) -> None:
        super().__init__(ctx, session, concern_id,
                         f"Print or save concern #{concern_id}", parent, printing=printing)
        self.pupils = handover.concern_children(session, concern_id)
        self.warn_about_names(name for _, name in self.pupils)
        self.copies: list[tuple[QRadioButton, int | None]] = []
        if len(self.pupils) > 1:
            full = QRadioButton("&Full copy for the school's file (names every pupil)")
            named(full, "Full copy for the school's file")
            full.setChecked(True)
            self.copies.append((full, None))
            self.form.addRow("Copy:", full)
            for child_id, name in self.pupils:
                button = QRadioButton(f"Copy for {name}'s file (other pupils not named)")
                named(button, f"Copy for {name}'s file")
                self.copies.append((button, child_id))
                self.form.addRow("", button)
        self.purpose = QLineEdit()
        self.purpose.setPlaceholderText("needed for a copy that leaves the school")
        add_row(self.form, "&Purpose of disclosure:", self.purpose)
        self.finish_layout()
        self.password.setFocus()

    def for_child(self) -> int | None:
        return next((child for button, child in self.copies if button.isChecked()), None)

    def problem(self) -> str:
        if self.for_child() is not None and not self.purpose.text().strip():
            return "Say why this copy is being shared (it is printed on the record)."
        return ""

    def options(self) -> tuple[object, ...]:
        return (self.for_child(), self.purpose.text(), self.roles_only.isChecked())

    def make_pdf(self, renderer: DocumentRenderer) -> tuple[bytes, str]:
        doc = handover.concern_document(self.session, self.object_id,
                                        for_child=self.for_child(),
                                        purpose=self.purpose.text(),
                                        school=handover.school_name(self.session),
                                        staff_names=not self.roles_only.isChecked())
        return renderer.concern(doc), doc.header.document_id

"""Vault -> Subject access requests (DSL): the requests with their deadlines, and the
redaction workbench: every entry about the child, its text as recorded beside the copy as
it will go, words marked by selecting them (keyboard: Shift and the arrows) and redacted
with a kind and a reason; the other children at a stroke; the response written."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain import pdf_password
from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import ChronologyEntry
from cerecorder.domain.roster import counted
from cerecorder.domain.rules import MAX_NAME
from cerecorder.domain.sar import RedactionKind, SarCase, redact
from cerecorder.domain.schooldays import BankHolidays
from cerecorder.domain.timefmt import local, parse_uk_date, uk_date
from cerecorder.services import sar
from cerecorder.services.chronology import chronology
from cerecorder.services.session import Session
from cerecorder.ui.common import ListWindow, fit_to_screen, ok_cancel, record_table
from cerecorder.ui.context import AppContext
from cerecorder.ui.models import ID_ROLE, RowsModel
from cerecorder.ui.transfers_window import pupil_choice
from cerecorder.ui.widgets import add_row, message_label, named, telling

FIELD_LABELS = {"event": "What happened", "decision": "Decision and reason",
                "outcome": "Outcome", "child_words": "The child's words"}


class CasesModel(RowsModel):
    HEADERS = ("Request", "Child", "Received", "Due", "Where it stands")

    def __init__(self, names: dict[int, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names = names

    def case(self, row: int) -> SarCase:
        return self._rows[row]  # type: ignore[no-any-return]

    def cell(self, item: SarCase, column: int, role: int) -> Any:
        if role == ID_ROLE:
            return item.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (f"#{item.id} from {item.requester}", self.names.get(item.child_id, "?"),
                    uk_date(item.received_on), uk_date(item.due), item.state)[column]
        return None


class EntriesModel(RowsModel):
    HEADERS = ("When", "Entry", "Redactions")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: dict[str, int] = {}

    def entry(self, row: int) -> ChronologyEntry:
        return self._rows[row]  # type: ignore[no-any-return]

    def cell(self, item: ChronologyEntry, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            when = local(item.occurred_at, item.tz)
            return (f"{when:%d/%m/%Y %H:%M}", f"{item.entry_type.value.capitalize()}: "
                    f"{(item.event or item.decision or item.outcome)[:60]}",
                    str(self.counts.get(sar.record_key(item), 0) or ""))[column]
        return None


class OpenCaseDialog(QDialog):
    def __init__(self, session: Session, holidays: BankHolidays,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.holidays = session, holidays
        self.setWindowTitle("New subject access request")
        self.child = pupil_choice(session)
        self.requester = QLineEdit()
        self.requester.setMaxLength(MAX_NAME)
        self.relationship = QLineEdit()
        self.relationship.setMaxLength(MAX_NAME)
        self.relationship.setPlaceholderText("for example: the child, mother, solicitor")
        self.received = QLineEdit()
        self.received.setPlaceholderText("dd/mm/yyyy")
        self.received.setMaxLength(10)
        form = QFormLayout()
        add_row(form, "&Pupil:", self.child)
        add_row(form, "&Asked by:", self.requester)
        add_row(form, "Re&lationship:", self.relationship)
        add_row(form, "&Received on:", self.received)
        self.message = message_label()
        buttons = ok_cancel(self, "&Open request")
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.case_id: int | None = None

    def accept(self) -> None:
        child_id = self.child.currentData()
        if child_id is None:
            self.message.setText("Choose the pupil from the list.")
            return
        with telling(self, self.message) as attempt:
            try:
                received = parse_uk_date(self.received.text())
            except ValueError:
                self.message.setText("Received on: type the date as dd/mm/yyyy.")
                return
            try:
                self.case_id = sar.open_case(self.session, self.holidays, int(child_id),
                                             self.requester.text(), self.relationship.text(),
                                             received)
            except InvalidInput as exc:
                self.message.setText(str(exc))
                attempt.ok = False
        if attempt.ok and self.case_id is not None:
            super().accept()


class RedactDialog(QDialog):
    """What kind of personal data the words are, and the exemption relied on."""

    def __init__(self, words: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Redact")
        shown = words if words else "the whole field"
        what = QLabel(f"Redact: {shown[:200]}")
        what.setWordWrap(True)
        self.kind = QComboBox()
        self.kind.addItem("Choose…", None)
        for kind in RedactionKind:
            self.kind.addItem(kind.value.capitalize(), kind)
        self.reason = QLineEdit()
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText("the exemption relied on")
        form = QFormLayout()
        add_row(form, "&Kind:", self.kind)
        add_row(form, "&Reason:", self.reason)
        self.message = message_label()
        buttons = ok_cancel(self, "Re&dact")
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(what)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def accept(self) -> None:
        if self.kind.currentData() is None:
            self.message.setText("Choose the kind of personal data.")
            return
        if not self.reason.text().strip():
            self.message.setText("Say why (the exemption relied on): it goes in the log.")
            return
        super().accept()


class Workbench(ListWindow):
    def __init__(self, ctx: AppContext, session: Session, case: SarCase,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session, self.case = ctx, session, case
        self.setWindowTitle(f"Subject access request #{case.id}: redaction")
        self.entries = EntriesModel(self)
        self.list = record_table(self.entries, "Entries about the child",
                                 "Choose an entry to see and redact its text")
        header = self.list.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.field = QComboBox()
        for key, label in FIELD_LABELS.items():
            self.field.addItem(label, key)
        self.original = QPlainTextEdit()
        self.original.setReadOnly(True)
        self.original.setTabChangesFocus(True)
        self.original.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse)
        named(self.original, "As recorded", "Select words with Shift and the arrow keys, "
              "then Redact selection")
        self.copy = QPlainTextEdit()
        self.copy.setReadOnly(True)
        self.copy.setTabChangesFocus(True)
        named(self.copy, "As it will go", "The copy for the requester, redactions applied")
        self.selection_button = QPushButton("Redact &selection…")
        self.whole_button = QPushButton("Redact the &whole field…")
        self.others_button = QPushButton("Redact other &children")
        self.save_button = QPushButton("Write the &response…")
        for button, name in ((self.selection_button, "Redact the selected words"),
                             (self.whole_button, "Redact the whole field"),
                             (self.others_button, "Redact the other children's names"),
                             (self.save_button, "Write the redacted copy and its log")):
            named(button, name)
            button.setAutoDefault(False)
        self.selection_button.clicked.connect(lambda: self.redact_words(
            self.original.textCursor().selectedText()))
        self.whole_button.clicked.connect(lambda: self.redact_words(""))
        self.others_button.clicked.connect(self.redact_others)
        self.save_button.clicked.connect(self.write_response)
        self.list.selectionModel().currentRowChanged.connect(lambda *_: self.show_entry())
        self.field.currentIndexChanged.connect(lambda _: self.show_entry())
        self.message = message_label()
        form = QFormLayout()
        add_row(form, "&Part:", self.field)
        texts = QHBoxLayout()
        for caption, box in (("&As recorded:", self.original), ("As it will &go:", self.copy)):
            column = QVBoxLayout()
            heading = QLabel(caption)
            heading.setBuddy(box)
            column.addWidget(heading)
            column.addWidget(box)
            texts.addLayout(column)
        actions = QHBoxLayout()
        for button in (self.selection_button, self.whole_button, self.others_button):
            actions.addWidget(button)
        actions.addStretch()
        actions.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        relationship = case.relationship or "relationship not given"
        layout.addWidget(QLabel(f"For {case.requester} ({relationship}); due "
                                f"{uk_date(case.due)}. The records never change: redactions "
                                "apply to the copy."))
        layout.addWidget(self.list, stretch=1)
        layout.addLayout(form)
        layout.addLayout(texts, stretch=1)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        fit_to_screen(self, 1000, 640)
        self.rows = chronology(session, case.child_id)
        self.entries.set_rows(self.rows)
        self.refresh()
        if self.rows:
            self.list.selectRow(0)
        self.list.setFocus()


    def refresh(self) -> None:
        self.redactions = sar.redactions(self.session, self.case.id)
        counts: dict[str, int] = {}
        for r in self.redactions:
            counts[r.record] = counts.get(r.record, 0) + 1
        self.entries.counts = counts
        row = self.list.currentIndex().row()
        self.entries.set_rows(self.rows)
        self.list.resizeColumnToContents(0)
        self.list.resizeColumnToContents(2)
        if row >= 0:  # the entry being redacted stays chosen
            self.list.selectRow(row)
        self.show_entry()

    def current(self) -> ChronologyEntry | None:
        index = self.list.currentIndex()
        return self.entries.entry(index.row()) if index.isValid() else None

    def show_entry(self) -> None:
        entry, field = self.current(), str(self.field.currentData())
        if entry is None:
            self.original.clear()
            self.copy.clear()
            return
        text = str(getattr(entry, field))
        marks = [r for r in self.redactions if r.record == sar.record_key(entry)
                 and r.field == field]
        self.original.setPlainText(text or "(nothing recorded here)")
        self.copy.setPlainText(redact(text, marks) or "(nothing recorded here)")

    def redact_words(self, words: str) -> RedactDialog | None:
        entry = self.current()
        words = words.replace("\u2029", " ").strip()
        if entry is None:
            return None
        dialog = RedactDialog(words, self)

        def done() -> None:
            with telling(self, self.message):
                try:
                    sar.add_redaction(self.session, self.case.id, sar.record_key(entry),
                                      str(self.field.currentData()), words,
                                      RedactionKind(dialog.kind.currentData()),
                                      dialog.reason.text())
                    self.message.setText("Redacted.")
                except InvalidInput as exc:
                    self.message.setText(str(exc))
            self.refresh()

        dialog.accepted.connect(done)
        dialog.open()
        return dialog

    def redact_others(self) -> None:
        with telling(self, self.message):
            made = sar.suggest_other_children(self.session, self.case.id)
            self.message.setText(f"{counted(made, 'redaction')} of other children's names.")
        self.refresh()

    def write_response(self) -> None:
        documents = self.ctx.documents
        if documents is None:
            self.message.setText("This installation cannot write PDFs.")
            return
        folder = self.ctx.file_dialogs.folder(self, "Folder for the response",
                                              self.ctx.default_vault_dir.parent)
        if folder is None:
            return
        password = pdf_password.generate()
        with telling(self, self.message):
            pdf, log, count = sar.save_response(self.session, documents, self.case.id,
                                                folder, password)
            self.message.setText(f"Saved {pdf.name} and {log.name} in {folder} "
                                 f"({counted(count, 'redaction')}). PDF password: {password}. "
                                 f"{pdf_password.SEPARATELY}")


class SarWindow(ListWindow):
    def __init__(self, ctx: AppContext, session: Session, holidays: BankHolidays,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session, self.holidays = ctx, session, holidays
        self.setWindowTitle("Subject access requests")
        intro = QLabel("A request is answered within one calendar month of receipt (longer "
                       "only if extended within that month), with third parties redacted "
                       "and the reasons kept.")
        intro.setWordWrap(True)
        intro.setObjectName("hintMessage")
        with session.uow() as uow:
            names = {c.id: c.display_name for c in uow.children.all(include_left=True)}
        self.model = CasesModel(names, self)
        self.view = record_table(self.model, "Subject access requests",
                                 "Enter opens the request's redaction")
        self.view.activated.connect(lambda _: self.open_selected())
        self.new_button = QPushButton("&New request…")
        self.open_button = QPushButton("&Redact and respond…")
        close = QPushButton("&Close")
        for button, name in ((self.new_button, "New subject access request"),
                             (self.open_button, "Redact and respond to the chosen request"),
                             (close, "Close")):
            named(button, name)
            button.setAutoDefault(False)
        self.new_button.clicked.connect(self.new_case)
        self.open_button.clicked.connect(self.open_selected)
        close.clicked.connect(self.close)
        self.message = message_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch()
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, stretch=1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        fit_to_screen(self, 820, 420)
        self.refresh()
        self.view.setFocus()


    def refresh(self) -> None:
        with telling(self, self.message):
            self.model.set_rows(sar.cases(self.session))
        self.view.resizeColumnsToContents()
        self.open_button.setEnabled(self.model.rowCount() > 0)
        if self.model.rowCount():
            self.view.selectRow(0)

    def new_case(self) -> OpenCaseDialog:
        dialog = OpenCaseDialog(self.session, self.holidays, self)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog

    def open_selected(self) -> Workbench | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            self.message.setText("Choose a request first.")
            return None
        bench = Workbench(self.ctx, self.session, self.model.case(rows[0].row()), self)
        bench.finished.connect(lambda _: self.refresh())
        bench.open()
        return bench

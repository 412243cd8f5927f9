"""Vault -> File transfers (DSL): every child protection file on its way to another school,
overdue first, with its deadline and chase date; open one, and record each step (the school
named, sent, chased, acknowledged, cancelled)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import Child
from cerecorder.domain.rules import MAX_NAME
from cerecorder.domain.schooldays import BankHolidays
from cerecorder.domain.timefmt import local_date, parse_uk_date, uk_date
from cerecorder.domain.transfers import StepKind, TransferState
from cerecorder.services import children, transfer_records, transfers
from cerecorder.services.session import Session
from cerecorder.ui.common import ListWindow, fit_to_screen, ok_cancel, record_table
from cerecorder.ui.context import AppContext
from cerecorder.ui.models import ID_ROLE, RowsModel
from cerecorder.ui.widgets import add_row, message_label, named, telling

_STEP_LABELS = {
    StepKind.DESTINATION: "The receiving school named",
    StepKind.SENT: "File sent",
    StepKind.CHASED: "Receipt chased",
    StepKind.ACKNOWLEDGED: "Receipt acknowledged",
    StepKind.CANCELLED: "Transfer cancelled",
}
_DETAIL_LABELS = {
    StepKind.DESTINATION: "&School:",
    StepKind.SENT: "&How it was sent:",
    StepKind.CHASED: "&How it was chased:",
    StepKind.ACKNOWLEDGED: "Acknowledged &by:",
    StepKind.CANCELLED: "&Why:",
}


def _day(text: str, what: str) -> date:
    try:
        return parse_uk_date(text)
    except ValueError as exc:
        raise InvalidInput(f"{what}: type the date as dd/mm/yyyy.") from exc


class TransfersModel(RowsModel):
    HEADERS = ("Child", "To", "Moved", "Due", "Where it stands")

    def row(self, index: int) -> transfers.TransferRow:
        return self._rows[index]  # type: ignore[no-any-return]

    def cell(self, item: transfers.TransferRow, column: int, role: int) -> Any:
        t = item.status.transfer
        if role == ID_ROLE:
            return t.id
        if role == Qt.ItemDataRole.FontRole and item.status.state is TransferState.OVERDUE:
            font = QFont()
            font.setBold(True)  # and the words say "overdue": not told by colour alone
            return font
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            due = uk_date(t.due_on) + (" (estimated)" if t.due_estimated else "")
            return (item.child_name, t.school or "not named yet", uk_date(t.moved_on), due,
                    item.status.describe())[column]
        return None


def pupil_choice(session: Session) -> QComboBox:
    """Every pupil, on roll or left, chosen by typing part of the name; the date of birth
    tells two of one name apart. Starts on "Choose a pupil…" (no pupil)."""
    box = QComboBox()
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.addItem("Choose a pupil…", None)
    for row in children.roster(session, include_left=True):
        born = row.child.details.date_of_birth
        box.addItem(row.child.display_name + (f" (born {uk_date(born)})" if born else ""),
                    row.child.id)
    completer = box.completer()
    if completer is not None:
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return box


class LeaversModel(RowsModel):
    HEADERS = ("Pupil", "Left on")

    def child(self, index: int) -> Child:
        return self._rows[index]  # type: ignore[no-any-return]

    def cell(self, item: Child, column: int, role: int) -> Any:
        if role == ID_ROLE:
            return item.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (item.display_name, uk_date(item.left_on) if item.left_on else "")[column]
        return None


class MoveFields:
    """The day a child leaves (typed dd/mm/yyyy), the receiving school and its DSL, as
    three rows of a form: one look wherever a move is recorded."""

    def __init__(self, form: QFormLayout, day_label: str, day: str = "") -> None:
        self.day = QLineEdit(day)
        self.day.setPlaceholderText("dd/mm/yyyy")
        self.day.setMaxLength(10)
        self.destination = QLineEdit()
        self.destination.setMaxLength(MAX_NAME)
        self.destination.setPlaceholderText("if known: the receiving school")
        self.destination_dsl = QLineEdit()
        self.destination_dsl.setMaxLength(MAX_NAME)
        add_row(form, day_label, self.day, "The day the child leaves, dd/mm/yyyy")
        add_row(form, "&Receiving school:", self.destination)
        add_row(form, "Their &DSL:", self.destination_dsl, "The receiving school's DSL")


class OpenTransferDialog(QDialog):
    def __init__(self, session: Session, holidays: BankHolidays,
                 parent: QWidget | None = None, leaver: Child | None = None) -> None:
        super().__init__(parent)
        self.session, self.holidays = session, holidays
        self.setWindowTitle("Open a file transfer")
        self.child = pupil_choice(session)
        form = QFormLayout()
        add_row(form, "&Pupil:", self.child)
        move = MoveFields(form, "&Moves on:")
        self.moved_on, self.destination = move.day, move.destination
        self.destination_dsl = move.destination_dsl
        if leaver is not None:  # from the leavers' list: who and when are known
            self.child.setCurrentIndex(max(0, self.child.findData(leaver.id)))
            if leaver.left_on is not None:
                self.moved_on.setText(uk_date(leaver.left_on))
        self.message = message_label()
        buttons = ok_cancel(self, "&Open transfer")
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.transfer_id: int | None = None

    def accept(self) -> None:
        self.message.clear()
        child_id = self.child.currentData()
        if child_id is None or self.child.currentText() != self.child.itemText(
                self.child.currentIndex()):
            self.message.setText("Choose the pupil from the list.")
            self.child.setFocus()
            return
        with telling(self, self.message) as attempt:
            try:
                moved_on = _day(self.moved_on.text(), "Moves on")
                self.transfer_id = transfers.open_transfer(
                    self.session, self.holidays, int(child_id), moved_on,
                    self.destination.text(), self.destination_dsl.text())
            except InvalidInput as exc:
                self.message.setText(str(exc))
                attempt.ok = False
        if attempt.ok and self.transfer_id is not None:
            super().accept()


class StepDialog(QDialog):
    """One step; it starts on "Choose…", so Enter records nothing that did not happen."""

    def __init__(self, ctx: AppContext, session: Session, row: transfers.TransferRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session, self.transfer = ctx, session, row.status.transfer
        self.setWindowTitle(f"Transfer of {row.child_name}'s file")
        self.kind = QComboBox()
        self.kind.addItem("Choose…", None)
        for kind, label in _STEP_LABELS.items():
            self.kind.addItem(label, kind)
        self.kind.currentIndexChanged.connect(self._kind_chosen)
        self.detail = QLineEdit()
        self.detail.setMaxLength(MAX_NAME)
        self.on = QLineEdit(uk_date(local_date(ctx.clock.now(), session.tz)))
        self.on.setMaxLength(10)
        self.note = QLineEdit()
        self.note.setMaxLength(500)
        form = QFormLayout()
        add_row(form, "S&tep:", self.kind)
        self.detail_label = QLabel("&Detail:")
        self.detail_label.setBuddy(self.detail)
        named(self.detail, "Detail")
        form.addRow(self.detail_label, self.detail)
        add_row(form, "&On:", self.on, "The day it happened, dd/mm/yyyy")
        add_row(form, "&Note:", self.note)
        self.message = message_label()
        buttons = ok_cancel(self, "&Record")
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{row.status.describe().capitalize()}."))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _kind_chosen(self) -> None:
        kind = self.kind.currentData()
        label = _DETAIL_LABELS.get(kind, "&Detail:") if kind else "&Detail:"
        self.detail_label.setText(label)
        named(self.detail, label.replace("&", "").rstrip(":"))

    def accept(self) -> None:
        self.message.clear()
        kind = self.kind.currentData()
        if kind is None:
            self.message.setText("Choose the step to record.")
            self.kind.setFocus()
            return
        with telling(self, self.message) as attempt:
            try:
                transfers.record_step(self.session, self.transfer.id, StepKind(kind),
                                      self.detail.text(), self.note.text(),
                                      _day(self.on.text(), "On"), self.ctx.after_transfer)
            except InvalidInput as exc:
                self.message.setText(str(exc))
                attempt.ok = False
        if attempt.ok:
            super().accept()


class TransfersWindow(ListWindow):
    def __init__(self, ctx: AppContext, session: Session, holidays: BankHolidays,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session, self.holidays = ctx, session, holidays
        self.setWindowTitle("File transfers")
        intro = QLabel("A child protection file goes to the new school's DSL separately from "
                       "the pupil file, within 5 school days of the move (KCSIE), and its "
                       "receipt is confirmed. Overdue transfers are listed first.")
        intro.setWordWrap(True)
        intro.setObjectName("hintMessage")
        self.model = TransfersModel(self)
        self.view = record_table(self.model, "File transfers",
                                 "Enter records a step of the chosen transfer")
        self.view.activated.connect(lambda _: self.record_step())
        self.leavers = LeaversModel(self)
        self.leavers_view = record_table(self.leavers, "Leavers without a transfer",
                                         "Enter opens a transfer for the chosen pupil")
        self.leavers_view.activated.connect(lambda index: self.open_transfer(
            self.leavers.child(index.row())))
        self.leavers_view.setMaximumHeight(self.fontMetrics().lineSpacing() * 8)
        self.leavers_caption = QLabel("Left with a safeguarding file and no transfer "
                                      "opened (Enter opens one):")
        self.leavers_caption.setWordWrap(True)
        self.open_button = QPushButton("&Open a transfer…")
        self.step_button = QPushButton("Record a &step…")
        named(self.open_button, "Open a file transfer")
        named(self.step_button, "Record a step of the chosen transfer")
        self.seal_button = QPushButton("Seal a &file for a school…")
        self.import_button = QPushButton("&Import a file received…")
        self.receipt_button = QPushButton("File a rec&eipt…")
        named(self.seal_button, "Seal a child's file for a school that runs CE Recorder")
        named(self.import_button, "Import a file another school sealed for this one")
        named(self.receipt_button, "File the receiving school's signed receipt")
        self.seal_button.clicked.connect(self.seal)
        self.import_button.clicked.connect(self.import_received)
        self.receipt_button.clicked.connect(self.file_receipt)
        self.open_button.clicked.connect(lambda: self.open_transfer())
        self.step_button.clicked.connect(self.record_step)
        self.handed_on = QLabel()
        self.handed_on.setWordWrap(True)
        self.handed_on.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        named(self.handed_on, "Files handed on: the records of what was sent")
        self.message = message_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.step_button)
        buttons.addStretch()
        between = QHBoxLayout()
        for button in (self.seal_button, self.import_button, self.receipt_button):
            between.addWidget(button)
            button.setAutoDefault(False)
        between.addStretch()
        close = QPushButton("&Close")
        named(close, "Close")
        close.clicked.connect(self.close)
        for button in (self.open_button, self.step_button, close):
            button.setAutoDefault(False)  # Enter in the list records a step, nothing else
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, stretch=1)
        layout.addWidget(self.leavers_caption)
        layout.addWidget(self.leavers_view)
        layout.addWidget(self.handed_on)
        layout.addWidget(self.message)
        layout.addLayout(between)
        layout.addLayout(buttons)
        fit_to_screen(self, 900, 520)
        self.refresh()
        self.view.setFocus()


    def refresh(self) -> None:
        with telling(self, self.message):
            self.model.set_rows(transfers.transfers(self.session, self.holidays))
            self.leavers.set_rows(transfers.leavers_without_transfer(self.session))
            gone = transfer_records.handed_on(self.session)
            self.handed_on.setText("Files handed on, only the record of what was sent kept:\n"
                                   + "\n".join(f"{r.child_name}: {r.describe()}" for r in gone)
                                   if gone else "")
            self.handed_on.setVisible(bool(gone))
        self.view.resizeColumnsToContents()
        self.leavers_view.resizeColumnsToContents()
        for part in (self.leavers_view, self.leavers_caption):
            part.setVisible(self.leavers.rowCount() > 0)
        self.step_button.setEnabled(self.model.rowCount() > 0)
        if self.model.rowCount():
            self.view.selectRow(0)

    def seal(self) -> QDialog:
        from cerecorder.ui.transfer_packets_ui import SealDialog

        dialog = SealDialog(self.ctx, self.session, self)

        def done() -> None:
            self.message.setText(f"Saved {dialog.saved}: send it to the receiving school; "
                                 "their signed receipt acknowledges the transfer.")
            self.refresh()

        dialog.accepted.connect(done)
        dialog.open()
        return dialog

    def import_received(self) -> None:
        from cerecorder.ui.transfer_packets_ui import ReceivedDialog, import_packet

        told, received = import_packet(self.ctx, self.session, self)
        self.message.setText(told)
        self.refresh()
        if received is not None:
            ReceivedDialog(self.session, received.child_id, "the pupil", self).open()

    def file_receipt(self) -> None:
        from cerecorder.ui.transfer_packets_ui import file_receipt

        self.message.setText(file_receipt(self.ctx, self.session, self))
        self.refresh()

    def open_transfer(self, leaver: Child | None = None) -> OpenTransferDialog:
        dialog = OpenTransferDialog(self.session, self.holidays, self, leaver)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog

    def record_step(self) -> StepDialog | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            self.message.setText("Choose a transfer first.")
            return None
        dialog = StepDialog(self.ctx, self.session, self.model.row(rows[0].row()), self)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog

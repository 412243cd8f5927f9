"""The file's life in the child window (DSL): a line saying the file was transferred and
is read-only here, or that it holds a file received from the school before; and Mark as
left…, which takes the child off the roll and opens the transfer of their file."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QVBoxLayout, QWidget

from cerecorder.domain.errors import CERecorderError, InvalidInput
from cerecorder.domain.schooldays import NO_BANK_HOLIDAYS
from cerecorder.domain.timefmt import local_date, parse_uk_date, uk_date
from cerecorder.domain.transfers import AfterTransfer, TransferRecord
from cerecorder.services import transfer_records, transfers
from cerecorder.services.session import Session
from cerecorder.ui.common import ok_cancel
from cerecorder.ui.context import AppContext
from cerecorder.ui.transfers_window import MoveFields
from cerecorder.ui.widgets import message_label, named, telling


def transferred_text(record: TransferRecord) -> str:
    kept = ("The whole file is kept here, read-only." if record.kept is AfterTransfer.WHOLE_FILE
            else "Only this record of what was sent is kept: the rest of the file waits for "
            "an administrator to destroy it.")
    return f"{record.describe()} {kept}"


class FileLifeNotice(QLabel):
    """One line above the chronology, shown only when there is something to say."""

    def __init__(self, session: Session, child_id: int) -> None:
        super().__init__()
        self.session, self.child_id = session, child_id
        self.setObjectName("fileLifeNotice")
        self.setWordWrap(True)
        named(self, "The file's transfer")
        self.record: TransferRecord | None = None
        self.refresh()

    def refresh(self) -> None:
        try:
            self.record = transfer_records.transferred(self.session, self.child_id)
        except CERecorderError:
            self.record = None
        self.setText(transferred_text(self.record) if self.record else "")
        self.setVisible(self.record is not None)

    @property
    def read_only(self) -> bool:
        return self.record is not None


class MarkLeftDialog(QDialog):
    """The child leaves the roll on a day, and a transfer of their file opens: to the
    school named, or to one the DSL names later in Transfers."""

    def __init__(self, ctx: AppContext, session: Session, child_id: int, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session, self.child_id = ctx, session, child_id
        self.setWindowTitle(f"Mark {name} as left")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("m") * 40)
        form = QFormLayout()
        move = MoveFields(form, "&Leaving date:",
                          uk_date(local_date(session.clock.now(), session.tz)))
        self.left_on, self.destination = move.day, move.destination
        self.destination_dsl = move.destination_dsl
        hint = QLabel("The child leaves the roll on that day, and the transfer of their "
                      "file opens: KCSIE asks for it within 5 school days.")
        hint.setObjectName("hintMessage")
        hint.setWordWrap(True)
        self.message = message_label()
        buttons = ok_cancel(self, "&Mark as left")
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.transfer_id: int | None = None

    def _left_on(self) -> date:
        try:
            return parse_uk_date(self.left_on.text())
        except ValueError as exc:
            raise InvalidInput("Leaving date: type the date as dd/mm/yyyy.") from exc

    def accept(self) -> None:
        self.message.clear()
        with telling(self, self.message) as attempt:
            try:
                self.transfer_id = transfers.mark_left(
                    self.session, self.ctx.bank_holidays or NO_BANK_HOLIDAYS, self.child_id,
                    self._left_on(), self.destination.text(),
                    self.destination_dsl.text())
            except InvalidInput as exc:
                self.message.setText(str(exc))
                attempt.ok = False
        if attempt.ok and self.transfer_id is not None:
            super().accept()

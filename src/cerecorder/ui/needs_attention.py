"""Needs attention: the DSL's first screen. New concerns (most urgent first), flags to
review, screenings due for review, children and register mentions awaiting a match; Enter
or a double click opens the line's record. Its model is a RowsModel, so a lock empties it
with the rest of the main window."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from cerecorder.domain.errors import CERecorderError
from cerecorder.domain.model import Urgency
from cerecorder.domain.timefmt import uk_datetime
from cerecorder.services import attention
from cerecorder.services.attention import AttentionLine, Need
from cerecorder.services.session import Session
from cerecorder.ui.common import record_table
from cerecorder.ui.context import AppContext
from cerecorder.ui.models import ID_ROLE, ModelIndex, RowsModel
from cerecorder.ui.widgets import named, show_problem

_URGENCY = {Urgency.IMMEDIATE: "Immediate", Urgency.HIGH: "High", Urgency.MEDIUM: "Medium",
            Urgency.LOW: "Low"}
#: (one, several) of each kind, for the summary line: "1 transfer overdue; 3 new concerns"
_COUNTED = {Need.CONCERN: ("new concern", "new concerns"),
            Need.ACTION: ("action due or overdue", "actions due or overdue"),
            Need.FLAG: ("flag to review", "flags to review"),
            Need.SCREENING: ("screening due", "screenings due"),
            Need.CHILD: ("child awaiting a match", "children awaiting a match"),
            Need.MENTION: ("mention awaiting a match", "mentions awaiting a match"),
            Need.TRANSFER: ("transfer overdue", "transfers overdue"),
            Need.SAR: ("subject access request due", "subject access requests due")}


class AttentionModel(RowsModel):
    HEADERS = ("Needs", "Child", "When", "What")

    def __init__(self, tz: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        #: each row's cells, worked out the first time the row is shown and kept, so
        #: thousands of flags open at once and still scroll freely
        self._cells: dict[int, tuple[str, ...]] = {}

    def set_rows(self, rows: Sequence[Any]) -> None:
        self._cells = {}
        super().set_rows(rows)

    def _display(self, item: AttentionLine) -> tuple[str, ...]:
        need = item.need.label
        if item.urgency is not None:
            need += f": {_URGENCY[item.urgency]}"
        when = "" if item.at is None else uk_datetime(item.at, self.tz)
        return need, item.child, when, item.text

    def line(self, index: ModelIndex) -> AttentionLine:
        return self._rows[index.row()]  # type: ignore[no-any-return]

    def cell(self, item: AttentionLine, column: int, role: int) -> Any:
        if role == ID_ROLE:
            return item.record_id
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if role == Qt.ItemDataRole.DisplayRole and 0 <= row < len(self._rows):
            cells = self._cells.get(row)
            if cells is None:
                cells = self._cells[row] = self._display(self._rows[row])
            return cells[index.column()]
        return super().data(index, role)


class NeedsAttention(QWidget):
    def __init__(self, ctx: AppContext, session: Session, parent: QWidget | None = None,
                 ) -> None:
        super().__init__(parent)
        self.ctx, self.session = ctx, session
        self.actions_due = 0  # overdue or due today, for the main window's title
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        named(self.summary, "What needs attention")
        hint = QLabel("Press Enter on a line, or double-click it, to open its record.")
        hint.setObjectName("hintMessage")
        self.model = AttentionModel(session.tz, self)
        self.table = record_table(self.model, "Needs attention",
                                  "New concerns, flags to review, screenings due, and "
                                  "children and mentions awaiting a match")
        self.table.activated.connect(self.open_line)
        # widths from the font, not from the rows: sizing to thousands of lines is slow
        metrics, header = self.table.fontMetrics(), self.table.horizontalHeader()
        for column, sample in enumerate(("Mention awaiting a match: Immediate",
                                         "Abcdefghij Klmnopqrstuvwx", "00/00/0000 00:00")):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 24)
        self.open_button = QPushButton("Open the line's recor&d")
        named(self.open_button, "Open the record of the highlighted line")
        self.open_button.clicked.connect(lambda: self.open_line(self.table.currentIndex()))
        self.actions_button = QPushButton("Actions and du&e dates…")
        named(self.actions_button, "Every action with a due date or an owner: open, due "
              "today, overdue, closed")
        self.actions_button.clicked.connect(lambda: self.open_actions())
        top = QHBoxLayout()
        top.addWidget(self.summary, stretch=1)
        top.addWidget(self.actions_button)
        top.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(self.table, stretch=1)

    def refresh(self) -> None:
        try:
            lines = attention.needs_attention(self.session, self.ctx.bank_holidays)
        except CERecorderError as exc:
            self.model.clear()
            show_problem(self, exc)
            return
        self.model.set_rows(lines)
        counts = Counter(line.need for line in lines)
        self.actions_due = counts[Need.ACTION]
        self.summary.setText("; ".join(f"{counts[need]} {_COUNTED[need][counts[need] != 1]}"
                                       for need in Need if counts[need]) or "Nothing waiting.")
        if lines and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def clear(self) -> None:
        self.model.clear()
        self.actions_due = 0
        self.summary.setText("")

    def open_actions(self) -> QDialog:
        from cerecorder.ui.actions_window import ActionsWindow

        window = ActionsWindow(self.ctx, self.session, self)
        window.finished.connect(lambda _: self.refresh())
        window.open()
        return window

    def open_line(self, index: QModelIndex) -> QWidget | None:
        """The line's record: the concern (also for a mention typed in it), the child's
        flags, the inbox's children awaiting a match."""
        if not index.isValid():
            return None
        line = self.model.line(index)
        if line.need in (Need.CONCERN, Need.MENTION):
            from cerecorder.ui.concern_view import ConcernViewDialog  # loaded when opened

            dialog = ConcernViewDialog(self.ctx, self.session, line.record_id, self)
            dialog.finished.connect(lambda _: self.refresh())
            dialog.open()
            return dialog
        if line.need is Need.FLAG and line.child_id is not None:
            from cerecorder.ui.flag_views import FlagsWindow

            window = FlagsWindow(self.ctx, self.session, line.child_id, self,
                                 flag_id=line.record_id)
            window.reviewed.connect(self.refresh)
            window.show()
            return window
        if line.need in (Need.TRANSFER, Need.SAR) and self.ctx.bank_holidays is not None:
            from cerecorder.ui.sar_window import SarWindow
            from cerecorder.ui.transfers_window import TransfersWindow

            listing: QDialog = (
                TransfersWindow(self.ctx, self.session, self.ctx.bank_holidays, self)
                if line.need is Need.TRANSFER
                else SarWindow(self.ctx, self.session, self.ctx.bank_holidays, self))
            listing.finished.connect(lambda _: self.refresh())
            listing.open()
            return listing
        if line.need in (Need.SCREENING, Need.ACTION) and line.child_id is not None:
            from cerecorder.ui.dsl_views import ChildWindow

            child = ChildWindow(self.ctx, self.session, line.child_id, self.window())
            child.show()
            return child
        if line.need is Need.CHILD:
            from cerecorder.ui.packet_views import InboxDialog

            inbox = InboxDialog(self.ctx, self.session, None, self)
            inbox.finished.connect(lambda _: self.refresh())
            inbox.open()
            return inbox
        return None

"""The DSL's actions list: every action given a due date or an owner, with its state today
(open, due today, overdue, closed by an outcome), sortable by any column (dates sort as
dates), opening its concern (or the child's chronology for an action without one)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.deadlines import DueState
from cerecorder.domain.errors import CERecorderError, InvalidInput
from cerecorder.domain.timefmt import uk_date, uk_datetime
from cerecorder.services import deadlines
from cerecorder.services.deadlines import ActionLine
from cerecorder.services.session import Session
from cerecorder.ui.common import ListWindow, fit_to_screen, record_table
from cerecorder.ui.context import AppContext
from cerecorder.ui.models import ModelIndex, RowsModel
from cerecorder.ui.widgets import named, show_problem

#: the role the proxy sorts by: dates as ISO text, states by how pressing they are
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
STATE_LABELS = {DueState.OVERDUE: "Overdue", DueState.DUE_TODAY: "Due today",
                DueState.UPCOMING: "Open", DueState.UNDATED: "Open",
                DueState.CLOSED: "Closed by outcome"}
_PRESSING = {DueState.OVERDUE: 0, DueState.DUE_TODAY: 1, DueState.UPCOMING: 2,
             DueState.UNDATED: 3, DueState.CLOSED: 4}


class ActionsModel(RowsModel):
    HEADERS = ("Due", "State", "Child", "Action", "Owner", "Taken", "Concern")

    def __init__(self, tz: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tz = tz

    def line(self, index: ModelIndex) -> ActionLine:
        return self._rows[index.row()]  # type: ignore[no-any-return]

    def cell(self, item: ActionLine, column: int, role: int) -> Any:
        a = item.action
        if role == Qt.ItemDataRole.DisplayRole:
            what = a.kind.label + (f": {a.detail}" if a.detail else "")
            return (uk_date(a.due_on) if a.due_on else "", STATE_LABELS[item.state],
                    item.child, what, item.owner, uk_datetime(a.taken_at, self.tz),
                    "" if a.concern_id is None else f"#{a.concern_id}")[column]
        if role == SORT_ROLE:
            due = (a.due_on or date.max).isoformat()
            return (due, f"{_PRESSING[item.state]} {due}", item.child.casefold(),
                    a.kind.label, item.owner.casefold(), a.taken_at.isoformat(),
                    a.concern_id or 0)[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            return a.detail or None
        return None


class ActionsFilter(QSortFilterProxyModel):
    """Open actions only, unless closed ones are asked for."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.show_closed = False
        self.setSortRole(SORT_ROLE)

    def set_show_closed(self, shown: bool) -> None:
        self.beginFilterChange()
        self.show_closed = shown
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, ActionsModel)
        line = model.line(model.index(source_row, 0, source_parent))
        return self.show_closed or line.state is not DueState.CLOSED


class ActionsWindow(ListWindow):
    """Enter on a line opens its concern, and nothing else (ListWindow)."""

    def __init__(self, ctx: AppContext, session: Session, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.ctx, self.session = ctx, session
        self.setWindowTitle("Actions and due dates" + (" [DEMO]" if session.is_demo else ""))
        fit_to_screen(self, 980, 560)
        self.summary = QLabel()
        named(self.summary, "How many actions are open, due today and overdue")
        self.model = ActionsModel(session.tz, self)
        self.proxy = ActionsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = record_table(self.proxy, "Actions", "Actions with a due date or an "
                                  "owner; click a column's heading to sort by it")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.activated.connect(self.open_line)
        self.closed = QCheckBox("Show actions &closed by an outcome")
        named(self.closed, "Show actions closed by an outcome")
        self.closed.toggled.connect(self.proxy.set_show_closed)
        self.closed.toggled.connect(lambda _: self._fit_rows())
        self.table.horizontalHeader().sortIndicatorChanged.connect(
            lambda *_: self._fit_rows())
        self.open_button = QPushButton("&Open concern")
        named(self.open_button, "Open the concern of the highlighted action (the child's "
              "chronology for an action without one)")
        self.open_button.clicked.connect(lambda: self.open_line(self.table.currentIndex()))
        self.chronology_button = QPushButton("C&hronology")
        named(self.chronology_button, "Open the chronology of the highlighted action's child")
        self.chronology_button.clicked.connect(lambda: self.open_child())
        self.due_button = QPushButton("Change d&ue date or owner…")
        named(self.due_button, "Change the highlighted open action's due date or owner")
        self.due_button.clicked.connect(lambda: self.change_due())
        close = QPushButton("Close")
        named(close, "Close this window")
        close.clicked.connect(self.accept)
        for button in (self.open_button, self.chronology_button, self.due_button, close):
            button.setAutoDefault(False)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.refresh)
        hint = QLabel("Press Enter on a line, or double-click it, to open its concern. "
                      "An outcome recorded against an action closes it.")
        hint.setObjectName("hintMessage")
        hint.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.summary, stretch=1)
        top.addWidget(self.closed)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.chronology_button)
        buttons.addWidget(self.due_button)
        buttons.addStretch()
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(self.table, stretch=1)
        layout.addLayout(buttons)
        self._size_columns()
        self.refresh()
        self.table.setFocus()

    def refresh(self) -> None:
        try:
            lines = deadlines.action_list(self.session)
        except CERecorderError as exc:
            show_problem(self, exc)
            return
        self.model.set_rows(lines)
        counts = {state: sum(1 for line in lines if line.state is state) for state in DueState}
        still = len(lines) - counts[DueState.CLOSED]
        self.summary.setText(f"{still} open: {counts[DueState.OVERDUE]} overdue, "
                             f"{counts[DueState.DUE_TODAY]} due today. "
                             f"{counts[DueState.CLOSED]} closed by an outcome.")
        self._fit_rows()
        if self.proxy.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def _fit_rows(self) -> None:
        """A long name or action wraps onto the lines it needs (heights go by position,
        so again after a sort or a filter); a long list keeps the default height."""
        if self.proxy.rowCount() <= 500:
            self.table.resizeRowsToContents()

    def _size_columns(self) -> None:
        """Widths from the font, not the rows; the action's text takes what is left."""
        header, metrics = self.table.horizontalHeader(), self.table.fontMetrics()
        for column, sample in enumerate(("00/00/0000", "Closed by outcome",
                                         "Abcdefghij Klmnop", "", "Abcdefghij Kl",
                                         "00/00/0000 00:00", "#00000")):
            if sample:
                header.resizeSection(column, metrics.horizontalAdvance(sample) + 20)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

    def _line(self, index: QModelIndex) -> ActionLine | None:
        if not index.isValid():
            return None
        return self.model.line(self.proxy.mapToSource(index))

    def open_line(self, index: QModelIndex) -> QWidget | None:
        line = self._line(index)
        if line is None:
            return None
        if line.action.concern_id is None:
            return self.open_child()
        from cerecorder.ui.concern_view import ConcernViewDialog

        dialog = ConcernViewDialog(self.ctx, self.session, line.action.concern_id, self)
        dialog.finished.connect(lambda _: self.refresh())
        dialog.open()
        return dialog

    def change_due(self) -> QDialog | None:
        """The highlighted action's due date and owner, while it is open."""
        line = self._line(self.table.currentIndex())
        if line is None:
            return None
        if line.state is DueState.CLOSED:
            show_problem(self, InvalidInput(
                "That action is closed: an outcome has been recorded."))
            return None
        from cerecorder.ui.due_dialog import DueDialog

        dialog = DueDialog(self.session, line, self)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog

    def open_child(self) -> QWidget | None:
        line = self._line(self.table.currentIndex())
        if line is None:
            return None
        from cerecorder.ui.dsl_views import ChildWindow

        window = ChildWindow(self.ctx, self.session, line.action.child_id, self.parentWidget())
        window.show()
        return window

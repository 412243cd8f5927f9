"""Date fields: a date typed as dd/mm/yyyy (the screening form's too), and an action's due
date (typed, or chosen on a calendar) and its owner (a DSL or deputy). Both start empty:
no form defaults to something that did not happen, and an action nobody gave a date or an
owner has neither."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.timefmt import parse_uk_date, uk_date
from cerecorder.ui.common import ok_cancel
from cerecorder.ui.widgets import named


class DateField(QLineEdit):
    """A date typed as dd/mm/yyyy. Unlike QDateEdit, Tab leaves it at once."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setPlaceholderText("dd/mm/yyyy")
        self.setMaxLength(10)
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("00/00/00000") + 16)
        named(self, name, "A date as dd/mm/yyyy")

    def day(self) -> date | None:
        try:
            return parse_uk_date(self.text().strip())
        except ValueError:
            return None

    def set_day(self, day: date) -> None:
        self.setText(uk_date(day))


class CalendarDialog(QDialog):
    """A month to pick a day from with the arrow keys and Enter (Monday first)."""

    def __init__(self, start: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose the due date")
        self.calendar = QCalendarWidget()
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setGridVisible(True)
        self.calendar.setSelectedDate(QDate(start.year, start.month, start.day))
        named(self.calendar, "Due date", "Arrow keys move by a day or a week, Page Up and "
              "Page Down by a month; Enter chooses")
        self.calendar.activated.connect(lambda _: self.accept())
        buttons = ok_cancel(self, "C&hoose")
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.calendar)
        layout.addWidget(buttons)
        self.calendar.setFocus()

    def day(self) -> date:
        chosen = self.calendar.selectedDate()
        return date(chosen.year(), chosen.month(), chosen.day())


class DueField(QWidget):
    """A due date typed as dd/mm/yyyy, or chosen with Calendar…; empty means none."""

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today
        self.edit = DateField("Due by")
        self.pick = QPushButton("Ca&lendar…")
        named(self.pick, "Choose the due date on a calendar")
        self.pick.clicked.connect(lambda: self.choose())
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit)
        row.addWidget(self.pick)
        row.addStretch()
        self.setFocusProxy(self.edit)

    def choose(self) -> CalendarDialog:
        dialog = CalendarDialog(self.day() or self.today, self)
        dialog.accepted.connect(lambda: self.edit.set_day(dialog.day()))
        dialog.open()
        return dialog

    def day(self) -> date | None:
        return self.edit.day()

    def problem(self) -> str:
        """Why the text is not a date ("" when it is one, or empty)."""
        text = self.edit.text().strip()
        if text and self.edit.day() is None:
            return f"The due date {text!r} is not a date: type it as dd/mm/yyyy."
        return ""


def owner_box(owners: list[tuple[int, str]]) -> QComboBox:
    """The DSL or deputy whose action it is; "No owner" until one is chosen."""
    box = QComboBox()
    box.addItem("No owner", None)
    for user_id, name in owners:
        box.addItem(name, user_id)
    return box

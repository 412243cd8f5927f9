"""Settings -> Term dates (DSL or administrator): the school's terms and closures, imported
from a CSV or the council's .ics file or typed, and a check of the deadline they give."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
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
from cerecorder.domain.schooldays import BankHolidays, Period, PeriodKind
from cerecorder.domain.term_dates import MAX_FILE_BYTES, read_term_dates
from cerecorder.domain.timefmt import parse_uk_date, uk_date
from cerecorder.services import calendar
from cerecorder.services.session import Session
from cerecorder.ui.common import ok_cancel, record_table
from cerecorder.ui.context import AppContext
from cerecorder.ui.models import RowsModel
from cerecorder.ui.widgets import add_row, message_label, named, telling

FILES = "Term dates (*.csv *.ics *.txt);;All files (*)"


@contextlib.contextmanager
def _told(parent: QWidget, message: QLabel) -> Iterator[None]:
    """As every window tells a problem (widgets.telling), and wrong input too in the
    section's own message line, where what was typed stays."""
    with telling(parent, message):
        try:
            yield
        except InvalidInput as exc:
            message.setText(str(exc))


def _day(text: str, what: str) -> date:
    try:
        return parse_uk_date(text)
    except ValueError as exc:
        raise InvalidInput(f"{what}: type the date as dd/mm/yyyy.") from exc


class PeriodsModel(RowsModel):
    HEADERS = ("From", "To", "Kind", "Name")

    def period(self, row: int) -> Period:
        return self._rows[row]  # type: ignore[no-any-return]

    def cell(self, item: Period, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (uk_date(item.first_day), uk_date(item.last_day), item.kind.label,
                    item.name)[column]
        return None


class AddPeriodDialog(QDialog):
    """One term or closure typed by hand."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a term or closure")
        self.kind = QComboBox()
        self.kind.addItem("Term (the school is open)", PeriodKind.TERM)
        self.kind.addItem("Closed (half term, INSET day, closure)", PeriodKind.CLOSURE)
        self.name = QLineEdit()
        self.name.setMaxLength(80)
        self.name.setPlaceholderText("for example: Autumn term")
        self.first = QLineEdit()
        self.last = QLineEdit()
        for box in (self.first, self.last):
            box.setPlaceholderText("dd/mm/yyyy")
            box.setMaxLength(10)
        form = QFormLayout()
        add_row(form, "&Kind:", self.kind)
        add_row(form, "&Name:", self.name)
        add_row(form, "&First day:", self.first)
        add_row(form, "&Last day:", self.last)
        self.message = message_label()
        buttons = ok_cancel(self, "&Add")
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def period(self) -> Period:
        kind = PeriodKind(self.kind.currentData())
        return Period(kind, self.name.text().strip() or kind.label,
                      _day(self.first.text(), "First day"), _day(self.last.text(), "Last day"))

    def accept(self) -> None:
        try:
            self.period()
        except InvalidInput as exc:
            self.message.setText(str(exc))
            return
        super().accept()


class TermDatesSection(QWidget):
    def __init__(self, ctx: AppContext, session: Session, holidays: BankHolidays,
                 confirm: Callable[[str], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session, self.holidays, self.confirm = ctx, session, holidays, confirm
        intro = QLabel("Deadlines such as a file transfer (5 school days) count the days the "
                       "school is open: weekdays in term, outside closures, that are not bank "
                       "holidays (England and Wales, shipped to "
                       f"{holidays.last_year}).")
        intro.setObjectName("hintMessage")
        intro.setWordWrap(True)
        self.model = PeriodsModel(self)
        self.view = record_table(self.model, "Term dates",
                                 "The school's terms and closures, earliest first")
        self.view.setMinimumHeight(self.fontMetrics().lineSpacing() * 6)
        self.import_button = QPushButton("&Import from a file…")
        self.add_button = QPushButton("Add a &term or closure…")
        self.remove_button = QPushButton("Remo&ve")
        named(self.import_button, "Import term dates from a CSV or iCalendar file")
        named(self.add_button, "Add a term or closure")
        named(self.remove_button, "Remove the selected term or closure")
        self.import_button.clicked.connect(self.import_file)
        self.add_button.clicked.connect(self.add_period)
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        for button in (self.import_button, self.add_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch()
        self.moved_on = QLineEdit()
        self.moved_on.setPlaceholderText("dd/mm/yyyy")
        self.moved_on.setMaxLength(10)
        self.moved_on.returnPressed.connect(self.check_deadline)
        self.deadline = QLabel()
        self.deadline.setWordWrap(True)
        self.deadline.setAccessibleName("Transfer deadline")
        check = QFormLayout()
        add_row(check, "A child &moving on:", self.moved_on,
                "Type a date and press Enter to see when the file transfer is due")
        check.addRow(self.deadline)
        self.message = message_label()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, stretch=1)
        layout.addLayout(buttons)
        layout.addLayout(check)
        layout.addWidget(self.message)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(calendar.term_dates(self.session))
        self.view.resizeColumnsToContents()
        self.remove_button.setEnabled(self.model.rowCount() > 0)

    def import_file(self) -> None:
        path = self.ctx.file_dialogs.open_path(self, "Import term dates",
                                               self.ctx.default_vault_dir, FILES)
        if path is None:
            return
        self.message.clear()
        with _told(self, self.message):
            try:
                with path.open("rb") as handle:
                    data = handle.read(MAX_FILE_BYTES + 1)
            except OSError as exc:
                raise InvalidInput(f"Cannot read {path.name}: {exc.strerror or exc}.") from exc
            read = read_term_dates(data)
            change = calendar.plan_term_dates(self.session, read.periods, self.holidays)
            question = f"Set the term dates from {path.name}?\n\n{change.describe()}"
            if read.left_out:
                question += ("\n\nLeft out, as not understood:\n"
                             + "\n".join(read.left_out[:8])
                             + (f"\n… and {len(read.left_out) - 8} more"
                                if len(read.left_out) > 8 else ""))
            if self.confirm(question):
                change = calendar.set_term_dates(self.session, read.periods, self.holidays)
                self.message.setText(f"Term dates set: {change.describe()}")
        self.refresh()

    def add_period(self) -> AddPeriodDialog:
        dialog = AddPeriodDialog(self)

        def done() -> None:
            with _told(self, self.message):
                calendar.set_term_dates(self.session, (dialog.period(),), self.holidays,
                                        replace=False)
                self.message.clear()
            self.refresh()

        dialog.accepted.connect(done)
        dialog.open()
        return dialog

    def remove_selected(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            self.message.setText("Choose the term or closure to remove first.")
            return
        period = self.model.period(rows[0].row())
        question = (f"Remove {period.name} ({uk_date(period.first_day)} to "
                    f"{uk_date(period.last_day)}) from the term dates?")
        if not self.confirm(question):
            return
        with _told(self, self.message):
            calendar.remove_term_dates(self.session, (period,))
            self.message.clear()
        self.refresh()

    def check_deadline(self) -> None:
        self.deadline.clear()
        with _told(self, self.message):
            moved_on = _day(self.moved_on.text(), "The day the child moved")
            deadline = calendar.transfer_deadline(self.session, self.holidays, moved_on)
            self.message.clear()
            self.deadline.setText(f"A file transfer for a move on {uk_date(moved_on)} is "
                                  f"{deadline.describe()}.")

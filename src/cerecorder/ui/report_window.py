"""Vault -> Report for governors (DSL only): the governors' report for a period on screen,
the same figures as the PDF (suppressed the same way), and saved as the PDF or CSV the
command line writes, through the same renderer (the policy's marking) and audit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain import reports as figures
from cerecorder.domain.reports import GovernorsReport, Period
from cerecorder.domain.schooldays import PeriodKind
from cerecorder.domain.timefmt import local_date, uk_date
from cerecorder.services import calendar, report_governors, reports
from cerecorder.services.session import Session
from cerecorder.ui.common import (
    ListWindow,
    ask_yes_no,
    date_edit,
    fit_to_screen,
    from_qdate,
    to_qdate,
)
from cerecorder.ui.context import AppContext
from cerecorder.ui.widgets import message_label, named, telling

NOTE = ("Counts only, no child is named. Counts from 1 to 4 show as \u201cfewer than 5\u201d; "
        "where one row of a table that adds up to its total is hidden, the next smallest "
        "shows as \u201c5 or more\u201d. A concern of several categories counts in each.")


def this_term(session: Session, today: date) -> Period | None:
    """The term today falls in, or else the last one begun (from the term dates)."""
    begun = [p for p in calendar.term_dates(session)
             if p.kind is PeriodKind.TERM and p.first_day <= today]
    if not begun:
        return None
    term = max(begun, key=lambda p: p.first_day)
    return Period(term.first_day, term.last_day)


def figures_table(name: str, headings: Sequence[str], rows: Sequence[Sequence[str]]
                  ) -> QTableWidget:
    """A read-only table as tall as its rows (the window scrolls, not the table)."""
    table = QTableWidget(len(rows), len(headings))
    table.setHorizontalHeaderLabels(list(headings))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setTabKeyNavigation(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)  # one line a row, so the height below holds (full text: tip)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headings)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.resizeRowsToContents()
    table.setFixedHeight(header.sizeHint().height() + table.verticalHeader().length()
                         + 2 * table.frameWidth() + 2)
    named(table, name, "Arrow keys read the rows; Tab leaves the table")
    return table


def _cells(b: figures.Breakdown) -> list[list[str]]:
    """A breakdown's rows as the PDF prints them (a total row where they partition it)."""
    rows = [[k, v] for k, v in b.cells.items()]
    return rows if b.overlapping else [*rows, ["Total", b.total_shown]]


def _heading(p: Period) -> str:
    """A period on two lines, so four of them leave the categories room (at 150% too)."""
    return f"{uk_date(p.start)} to\n{uk_date(p.end)}"


class ReportWindow(ListWindow):
    """Enter presses nothing here (ListWindow): saving is a button, never a surprise. The
    governors' report; another report (ui/ofsted_window.py) says what differs below."""

    KIND = "governors"  # in export/reports.py RENDERERS and cli/reports.py REPORTS
    TITLE = "Report for governors"
    NOTE = NOTE
    SAVED = "Counts only, no names; still marked and confidential to the governing body."

    def __init__(self, ctx: AppContext, session: Session, parent: QWidget | None = None
                 ) -> None:
        reports.require_dsl(session)  # a staff session gets no window at all
        super().__init__(parent)
        self.ctx, self.session = ctx, session
        #: asks a yes/no question; tests replace it instead of clicking a message box
        self.confirm: Callable[[str], bool] = lambda question: ask_yes_no(self, question)
        self.report: Any = None
        self.saved: Path | None = None
        self.setWindowTitle(self.TITLE)
        fit_to_screen(self, 900, 720)
        today = local_date(session.clock.now(), session.tz)
        self.term = this_term(session, today)
        self.year = report_governors.school_year(today)
        self.term_choice = QRadioButton(
            f"This &term ({self.term.label})" if self.term else "This &term (no term dates)")
        self.term_choice.setEnabled(self.term is not None)
        self.year_choice = QRadioButton(f"This school &year ({self.year.label})")
        self.dates_choice = QRadioButton("&Between dates:")
        self.date_from = date_edit("From")
        self.date_to = date_edit("To")
        self.date_from.setDate(to_qdate(self.year.start))
        self.date_to.setDate(to_qdate(today))
        from_label, to_label = QLabel("&From:"), QLabel("T&o:")
        from_label.setBuddy(self.date_from)
        to_label.setBuddy(self.date_to)
        self.choices = QButtonGroup(self)
        for choice, name in ((self.term_choice, "This term"),
                             (self.year_choice, "This school year"),
                             (self.dates_choice, "Between dates")):
            named(choice, name)
            self.choices.addButton(choice)
        (self.term_choice if self.term else self.year_choice).setChecked(True)
        self.choices.buttonToggled.connect(self._choice_changed)
        for edit in (self.date_from, self.date_to):
            edit.editingFinished.connect(self._dates_changed)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        named(self.summary, "Summary")
        note = QLabel(self.NOTE)
        note.setWordWrap(True)
        note.setObjectName("hintMessage")
        self.figures_area = QScrollArea()
        self.figures_area.setWidgetResizable(True)
        named(self.figures_area, "The report's figures")
        self.message = message_label()
        self.pdf_button = QPushButton("Save &PDF…")
        self.csv_button = QPushButton("Save &CSV…")
        close = QPushButton("Clo&se")
        for button, name in ((self.pdf_button, "Save the report as a PDF"),
                             (self.csv_button, "Save the figures as a CSV"),
                             (close, "Close")):
            named(button, name)
            button.setAutoDefault(False)
        self.pdf_button.clicked.connect(lambda: self.save("pdf"))
        self.csv_button.clicked.connect(lambda: self.save("csv"))
        close.clicked.connect(self.close)

        period = QGridLayout()
        period.addWidget(self.term_choice, 0, 0, 1, 5)
        period.addWidget(self.year_choice, 1, 0, 1, 5)
        period.addWidget(self.dates_choice, 2, 0)
        period.addWidget(from_label, 2, 1)
        period.addWidget(self.date_from, 2, 2)
        period.addWidget(to_label, 2, 3)
        period.addWidget(self.date_to, 2, 4)
        period.setColumnStretch(5, 1)
        buttons = QHBoxLayout()
        buttons.addStretch()
        for button in (self.pdf_button, self.csv_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(period)
        layout.addWidget(self.summary)
        layout.addWidget(note)
        layout.addWidget(self.figures_area, stretch=1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.show_figures()
        (self.term_choice if self.term else self.year_choice).setFocus()

    def period(self) -> Period:
        if self.term_choice.isChecked() and self.term is not None:
            return self.term
        if self.year_choice.isChecked():
            return self.year
        return Period.of(from_qdate(self.date_from.date()), from_qdate(self.date_to.date()))

    def _choice_changed(self, _: QRadioButton, on: bool) -> None:
        if on:  # the button left is told too
            self.show_figures()

    def _dates_changed(self) -> None:
        if self.dates_choice.isChecked():
            self.show_figures()

    def show_figures(self) -> None:
        """Build the report for the chosen period and show its tables."""
        self.message.setText("")
        self.report = None
        with telling(self, self.message) as attempt:
            made = self.build(self.period())
        for button in (self.pdf_button, self.csv_button):
            button.setEnabled(attempt.ok)
        if not attempt.ok:
            self.summary.setText("")
            self.figures_area.setWidget(QWidget())
            return
        self.report = made
        self.summary.setText(self.describe(made))
        self.figures_area.setWidget(self._tables(made))

    def build(self, period: Period) -> Any:
        return report_governors.build(self.session, period)

    def describe(self, made: GovernorsReport) -> str:
        return (f"{made.period.label}: concerns recorded {figures.shown(made.concerns)}, "
                f"children concerned {figures.shown(made.children)}.")

    def _tables(self, made: GovernorsReport) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        self.tables: dict[str, QTableWidget] = {}
        top = Qt.AlignmentFlag.AlignTop
        for n, b in enumerate(made.breakdowns):
            table = figures_table(b.title, (b.title, b.unit.capitalize()), _cells(b))
            self.tables[b.title] = table
            if n == 0:  # the categories' long names: the whole width
                grid.addWidget(table, 0, 0, 1, 2, top)
            else:
                grid.addWidget(table, 1 + (n - 1) // 2, (n - 1) % 2, top)
        trend = made.trend
        rows = [["All concerns", *[figures.shown(n) for n in trend.totals]]]
        rows += [[k, *[figures.shown(n) for n in v]] for k, v in trend.by_category.items()]
        table = figures_table("Trend: concerns, this period and the three before",
                              ["Trend", *[_heading(p) for p in trend.periods]], rows)
        self.tables["Trend"] = table
        grid.addWidget(table, grid.rowCount(), 0, 1, 2)
        grid.setRowStretch(grid.rowCount(), 1)
        return page

    def save(self, suffix: str) -> None:
        documents, made = self.ctx.documents, self.report
        if documents is None:
            self.message.setText("This installation cannot write reports (no renderer).")
            return
        if made is None:
            return
        kind = suffix.upper()
        path = self.ctx.file_dialogs.save_path(
            self, f"Save the report as a {kind}",
            Path.home() / f"{self.KIND}-report-{made.period.start}-{made.period.end}.{suffix}",
            f"{kind} (*.{suffix})", confirm_overwrite=False)
        if path is None:
            return
        if path.suffix.lower() != f".{suffix}":
            path = path.with_name(path.name + f".{suffix}")
        if path.exists() and not self.confirm(f"{path} already exists. Replace it?"):
            return
        with telling(self, self.message) as attempt:
            data = documents.report(self.KIND, made, csv=suffix == "csv")
            reports.save(self.session, path, data, made.header.document_id, force=True)
        if attempt.ok:
            self.saved = path
            self.message.setObjectName("hintMessage")
            self.message.style().unpolish(self.message)
            self.message.style().polish(self.message)
            self.message.setText(f"Saved to {path} (document {made.header.document_id}). "
                                 + self.SAVED)

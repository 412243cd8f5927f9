"""Vault -> Report for governors (issue 17): the figures on screen are the report
service's, suppressed as the PDF prints them; staff get no menu item and no window; the
PDF saved from the window is the command line's, asked before replacing, and audited."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import subprocess
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from cerecorder import paths
from cerecorder.domain.errors import PermissionDenied
from cerecorder.domain.reports import FEWER
from cerecorder.domain.schooldays import BankHolidays, PeriodKind
from cerecorder.domain.schooldays import Period as Term
from cerecorder.export.pdf import PdfRenderer
from cerecorder.services import calendar, report_governors
from cerecorder.services.session import Session
from cerecorder.ui.context import AppContext, UiSettings
from cerecorder.ui.main_window import MainWindow
from cerecorder.ui.report_window import ReportWindow
from test_report_governors import AUTUMN, record_term

from helpers import FAST_KDF, STAFF_PASS, TAXONOMY, MockClock, add_staff, switch_to

UI_DIR = Path(__file__).resolve().parent.parent / "ui"
HOLIDAYS = BankHolidays.load(paths.calendar_dir())


class ChosenFile:
    """The file dialog, answered with one path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.asked: list[str] = []

    def save_path(self, parent: object, title: str, suggested: Path, file_filter: str,
                  *, confirm_overwrite: bool = True) -> Path | None:
        self.asked.append(title)
        assert not confirm_overwrite  # the window asks itself, for the name it writes
        return self.path


@pytest.fixture
def ctx(tmp_path: Path, clock: MockClock) -> AppContext:
    return AppContext(
        clock=clock, taxonomy=TAXONOMY, settings=UiSettings(), save_settings=lambda _: None,
        default_vault_dir=tmp_path / "v", demo_vault_dir=tmp_path / "d", ui_dir=UI_DIR,
        kdf=FAST_KDF, documents=PdfRenderer(paths.resources_dir() / "fonts"),
        bank_holidays=HOLIDAYS)


@pytest.fixture
def term(dsl: Session, clock: MockClock) -> Session:
    record_term(dsl, clock)
    calendar.set_term_dates(dsl, [Term(PeriodKind.TERM, "Autumn", AUTUMN.start, AUTUMN.end)],
                            HOLIDAYS)
    return dsl


def _rows(table: QTableWidget) -> dict[str, list[str]]:
    return {table.item(r, 0).text(): [table.item(r, c).text()
                                      for c in range(1, table.columnCount())]
            for r in range(table.rowCount())}


def test_the_figures_on_screen_are_the_reports(qtbot: QtBot, ctx: AppContext,
                                               term: Session) -> None:
    window = ReportWindow(ctx, term)
    qtbot.addWidget(window)
    window.show()
    # today (16/11/2026) is in the autumn term: the window opens on it
    assert window.term_choice.isChecked() and window.report is not None
    assert window.report.period == AUTUMN
    made = report_governors.build(term, AUTUMN)
    for b in made.breakdowns:
        shown = {k: v[0] for k, v in _rows(window.tables[b.title]).items()}
        expected = dict(b.cells) if b.overlapping else {**b.cells, "Total": b.total_shown}
        assert shown == expected
        # and the raw counts behind them are the service's
        assert window.report.breakdown(b.title).counts == b.counts
    online = _rows(window.tables["Concerns by category"])
    assert online["Online safety"] == ["7"]
    assert online["Bullying, including cyberbullying"] == [FEWER]
    trend = _rows(window.tables["Trend"])
    assert trend["All concerns"] == ["0", "0", FEWER, str(made.concerns)]
    assert f"concerns recorded {made.concerns}," in window.summary.text()

    # the school year holds the summer term's concern too
    window.year_choice.setFocus()
    qtbot.keyClick(window.year_choice, Qt.Key.Key_Space)
    assert window.report.period == report_governors.school_year(date(2026, 11, 16))
    # dates typed the other way round: told, nothing to save
    window.dates_choice.click()
    window.date_from.setDate(QDate(2026, 12, 20))
    window.date_to.setDate(QDate(2026, 9, 1))
    window.date_to.editingFinished.emit()
    assert window.report is None and "before its start" in window.message.text()
    assert not window.pdf_button.isEnabled()
    window.date_from.setDate(QDate(2026, 9, 1))
    window.date_to.setDate(QDate(2026, 12, 20))
    window.date_from.editingFinished.emit()
    assert window.report is not None and window.report.period == AUTUMN


def test_staff_get_no_menu_item_and_no_window(qtbot: QtBot, ctx: AppContext,
                                              term: Session) -> None:
    main = MainWindow(ctx, term)
    qtbot.addWidget(main)
    assert main.governors_action.isVisible()
    add_staff(term)
    staff = switch_to(term, "teacher", STAFF_PASS)
    staff_main = MainWindow(ctx, staff)
    qtbot.addWidget(staff_main)
    assert not staff_main.governors_action.isVisible()
    assert staff_main.open_governors_report() is None
    with pytest.raises(PermissionDenied):
        ReportWindow(ctx, staff)
    staff.lock()


def test_saving_writes_the_pdf_asks_before_replacing_and_is_audited(
        qtbot: QtBot, ctx: AppContext, term: Session, tmp_path: Path) -> None:
    main = MainWindow(ctx, term)
    qtbot.addWidget(main)
    main.governors_action.trigger()
    [window] = main.findChildren(ReportWindow)
    chosen = ChosenFile(tmp_path / "governors")  # no suffix typed: .pdf is added
    ctx.file_dialogs = chosen  # type: ignore[assignment]
    # Enter presses no button: nothing is saved by surprise
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert chosen.asked == [] and window.saved is None
    window.pdf_button.setFocus()
    qtbot.keyClick(window.pdf_button, Qt.Key.Key_Space)
    pdf = tmp_path / "governors.pdf"
    assert window.saved == pdf
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Safeguarding report for governors" in text and "Pupil" not in text
    assert window.report is not None and window.report.header.document_id in text

    # the same name again: asked, and No leaves the file as it was
    before = pdf.read_bytes()
    questions: list[str] = []
    window.confirm = lambda q: questions.append(q) is not None  # answers No
    window.saved = None
    window.save("pdf")
    assert questions and "already exists" in questions[0]
    assert window.saved is None and pdf.read_bytes() == before
    chosen.path = tmp_path / "governors.csv"
    qtbot.keyClick(window.csv_button, Qt.Key.Key_Space)
    assert "Online safety,7" in (tmp_path / "governors.csv").read_bytes().decode("utf-8-sig")
    with term.uow() as uow:
        exported = uow.conn.execute(
            "SELECT count(*) FROM audit WHERE action = 'exported' AND object_type = 'report'"
        ).fetchone()[0]
    assert exported == 2

"""Settings -> Term dates: the DSL imports the council's calendar, types a closure, removes
one and checks a deadline, by keyboard; staff have no such tab."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from cerecorder import paths
from cerecorder.domain.schooldays import BankHolidays
from cerecorder.services import calendar
from cerecorder.services.session import Session
from cerecorder.ui.context import AppContext, FileDialogs, UiSettings
from cerecorder.ui.settings_dialog import SettingsDialog
from cerecorder.ui.term_dates import AddPeriodDialog
from test_schooldays import _ics

from helpers import FAST_KDF, STAFF_PASS, TAXONOMY, MockClock, add_staff, switch_to

UI_DIR = Path(__file__).resolve().parent.parent / "ui"


class ChosenFile(FileDialogs):
    def __init__(self, path: Path) -> None:
        self.path = path

    def open_path(self, parent: QWidget | None, title: str, start: Path,
                  file_filter: str) -> Path | None:
        return self.path


def _ctx(tmp_path: Path, clock: MockClock, dialogs: FileDialogs) -> AppContext:
    return AppContext(
        clock=clock, taxonomy=TAXONOMY, settings=UiSettings(), save_settings=lambda _: None,
        default_vault_dir=tmp_path, demo_vault_dir=tmp_path, ui_dir=UI_DIR, kdf=FAST_KDF,
        file_dialogs=dialogs, bank_holidays=BankHolidays.load(paths.calendar_dir()))


def _type(qtbot: QtBot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def test_the_dsl_sets_term_dates_and_checks_a_deadline(
    qtbot: QtBot, dsl: Session, clock: MockClock, tmp_path: Path,
) -> None:
    ics = tmp_path / "council.ics"
    ics.write_bytes(_ics(("Autumn term", "20260902", "20261219"),
                         ("Fireworks", "20261105", None)))
    dialog = SettingsDialog(_ctx(tmp_path, clock, ChosenFile(ics)), dsl)
    asked: list[str] = []
    dialog.confirm = lambda question: asked.append(question) or True
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    section = dialog.term_dates
    assert section is not None
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.tabs.currentWidget() is section)

    qtbot.keyClick(section.import_button, Qt.Key.Key_Space)
    assert asked and "from council.ics" in asked[0]
    assert "1 period(s) from 02/09/2026 to 18/12/2026" in asked[0]
    assert "'Fireworks' on 05/11/2026: not a term or a closure" in asked[0]
    assert section.model.rowCount() == 1
    assert section.model.index(0, 3).data() == "Autumn term"

    add = section.add_period()
    assert isinstance(add, AddPeriodDialog)
    add.kind.setCurrentIndex(1)
    _type(qtbot, add.name, "Half term")
    _type(qtbot, add.first, "26/10/2026")
    _type(qtbot, add.last, "30/10/2026")
    qtbot.keyClick(add.last, Qt.Key.Key_Return)
    assert not add.isVisible()
    assert [section.model.index(r, 2).data() for r in range(2)] == ["Term", "Closed"]

    _type(qtbot, section.moved_on, "22/10/2026")
    qtbot.keyClick(section.moved_on, Qt.Key.Key_Return)
    assert section.deadline.text() == ("A file transfer for a move on 22/10/2026 is due "
                                       "05/11/2026.")
    section.moved_on.clear()
    _type(qtbot, section.moved_on, "22 Oct")
    qtbot.keyClick(section.moved_on, Qt.Key.Key_Return)
    assert "type the date as dd/mm/yyyy" in section.message.text()
    assert section.moved_on.text() == "22 Oct"  # kept, to correct

    section.view.selectRow(1)
    qtbot.keyClick(section.remove_button, Qt.Key.Key_Space)
    assert "Remove Half term (26/10/2026 to 30/10/2026)" in asked[-1]
    assert [p.name for p in calendar.term_dates(dsl)] == ["Autumn term"]


def test_a_bad_file_is_told_in_the_section_and_changes_nothing(
    qtbot: QtBot, dsl: Session, clock: MockClock, tmp_path: Path,
) -> None:
    bad = tmp_path / "terms.csv"
    bad.write_bytes(b"Term,Start,End\nAutumn,02/09/2026,31/02/2027\n")
    dialog = SettingsDialog(_ctx(tmp_path, clock, ChosenFile(bad)), dsl)
    dialog.confirm = lambda question: True
    qtbot.addWidget(dialog)
    section = dialog.term_dates
    assert section is not None
    section.import_file()
    assert section.message.text() == "Line 2: '31/02/2027' is not a date (dd/mm/yyyy)"
    assert calendar.term_dates(dsl) == ()


def test_staff_have_no_term_dates_tab(
    qtbot: QtBot, dsl: Session, clock: MockClock, tmp_path: Path,
) -> None:
    add_staff(dsl)
    teacher = switch_to(dsl, "teacher", STAFF_PASS)
    dialog = SettingsDialog(_ctx(tmp_path, clock, FileDialogs()), teacher)
    qtbot.addWidget(dialog)
    assert dialog.term_dates is None
    assert "Term dates" not in [dialog.tabs.tabText(i).replace("&", "")
                                for i in range(dialog.tabs.count())]
    assert QApplication.instance() is not None

"""Vault -> Subject access requests, as the DSL uses it: a request opened by keyboard, words
selected in an entry and redacted with a kind and reason, the copy beside it showing the
label, the other children at a stroke, and the response written, protected."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import timedelta
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from cerecorder import paths
from cerecorder.domain.schooldays import BankHolidays
from cerecorder.export.pdf import PdfRenderer
from cerecorder.services import concerns, sar
from cerecorder.services.session import Session
from cerecorder.ui.context import AppContext, FileDialogs, UiSettings
from cerecorder.ui.main_window import MainWindow
from cerecorder.ui.sar_window import OpenCaseDialog, RedactDialog, SarWindow, Workbench

from helpers import FAST_KDF, TAXONOMY, MockClock, add_child, content

UI_DIR = Path(__file__).resolve().parent.parent / "ui"


class Folder(FileDialogs):
    def __init__(self, path: Path) -> None:
        self.path = path

    def folder(self, parent: QWidget | None, title: str, start: Path) -> Path | None:
        return self.path


def test_the_dsl_redacts_and_responds(qtbot: QtBot, dsl: Session, clock: MockClock,
                                      tmp_path: Path) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    ben = add_child(dsl, "Ben", "Osei")
    concerns.record_concern(dsl, content((amy, ben), clock,
                                         facts="Amy and Ben Osei left with uncle Dariusz.",
                                         occurred_at=clock.now() - timedelta(days=2)))
    ctx = AppContext(
        clock=clock, taxonomy=TAXONOMY, settings=UiSettings(), save_settings=lambda _: None,
        default_vault_dir=tmp_path / "v", demo_vault_dir=tmp_path, ui_dir=UI_DIR,
        kdf=FAST_KDF, bank_holidays=BankHolidays.load(paths.calendar_dir()),
        documents=PdfRenderer(paths.resources_dir() / "fonts"),
        file_dialogs=Folder(tmp_path / "response"))
    main = MainWindow(ctx, dsl)
    qtbot.addWidget(main)
    assert main.sar_action.isVisible()
    window = main.open_sars()
    assert isinstance(window, SarWindow) and not window.open_button.isEnabled()
    opener = window.new_case()
    assert isinstance(opener, OpenCaseDialog)
    opener.child.setCurrentIndex(opener.child.findData(amy))
    for box, text in ((opener.requester, "Ms Khan"), (opener.relationship, "mother"),
                      (opener.received, clock.now().strftime("%d/%m/%Y"))):
        box.setFocus()
        qtbot.keyClicks(box, text)
    qtbot.keyClick(opener.received, Qt.Key.Key_Return)
    assert not opener.isVisible(), opener.message.text()
    assert window.model.rowCount() == 1

    bench = window.open_selected()
    assert isinstance(bench, Workbench)
    concern_row = next(i for i in range(bench.entries.rowCount())
                       if bench.entries.entry(i).entry_type.value == "concern")
    bench.list.selectRow(concern_row)
    text = bench.original.toPlainText()
    cursor = bench.original.textCursor()  # as Shift and the arrows select it
    start = text.index("Dariusz")
    cursor.setPosition(start)
    cursor.setPosition(start + len("Dariusz"), QTextCursor.MoveMode.KeepAnchor)
    bench.original.setTextCursor(cursor)
    qtbot.keyClick(bench.selection_button, Qt.Key.Key_Space)
    redact = next(d for d in bench.findChildren(RedactDialog) if d.isVisible())
    qtbot.keyClick(redact.reason, Qt.Key.Key_Return)  # no kind yet: nothing is redacted
    assert redact.isVisible() and "Choose the kind" in redact.message.text()
    redact.kind.setFocus()
    qtbot.keyClick(redact.kind, Qt.Key.Key_Down)
    qtbot.keyClick(redact.kind, Qt.Key.Key_Down)  # family member
    redact.reason.setFocus()
    qtbot.keyClicks(redact.reason, "Third party: family member")
    qtbot.keyClick(redact.reason, Qt.Key.Key_Return)
    assert not redact.isVisible(), redact.message.text()
    assert "[redacted: family member]" in bench.copy.toPlainText()
    assert "Dariusz" in bench.original.toPlainText()  # the record stays as recorded

    qtbot.keyClick(bench.others_button, Qt.Key.Key_Space)
    assert "of other children's names" in bench.message.text()
    qtbot.keyClick(bench.save_button, Qt.Key.Key_Space)
    assert "PDF password: " in bench.message.text()
    password = bench.message.text().split("PDF password: ")[1].split(". ")[0]
    pdf = next((tmp_path / "response").glob("*-subject-access.pdf"))
    reader = PdfReader(pdf)
    assert reader.decrypt(password)
    copied = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Dariusz" not in copied and "[redacted: family member]" in copied
    assert len(sar.redactions(dsl, 1)) >= 2

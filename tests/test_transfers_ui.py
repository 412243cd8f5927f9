"""Vault -> File transfers, as the DSL uses it by keyboard: open a transfer for a pupil
chosen by typing, record the school and the sending, see it overdue when no receipt comes;
Enter on a new step records nothing; staff have no such menu entry; a lock empties it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from cerecorder import paths
from cerecorder.domain.schooldays import BankHolidays
from cerecorder.domain.transfers import TransferState
from cerecorder.services import calendar, concerns, packet_cards, transfers
from cerecorder.services.session import Session
from cerecorder.ui.context import AppContext, UiSettings
from cerecorder.ui.controller import AppController
from cerecorder.ui.main_window import MainWindow
from cerecorder.ui.transfers_window import OpenTransferDialog, StepDialog, TransfersWindow
from test_schooldays import YEAR

from helpers import (
    FAST_KDF,
    STAFF_PASS,
    TAXONOMY,
    MockClock,
    add_child,
    add_staff,
    content,
    switch_to,
)

UI_DIR = Path(__file__).resolve().parent.parent / "ui"
HOLIDAYS = BankHolidays.load(paths.calendar_dir())


def _ctx(tmp_path: Path, clock: MockClock) -> AppContext:
    return AppContext(
        clock=clock, taxonomy=TAXONOMY, settings=UiSettings(), save_settings=lambda _: None,
        default_vault_dir=tmp_path, demo_vault_dir=tmp_path, ui_dir=UI_DIR, kdf=FAST_KDF,
        bank_holidays=HOLIDAYS)


def _keys(qtbot: QtBot, widget: object, text: str) -> None:
    widget.setFocus()  # type: ignore[attr-defined]
    qtbot.keyClicks(widget, text)


def test_the_dsl_opens_a_transfer_and_records_its_steps_by_keyboard(
    qtbot: QtBot, dsl: Session, clock: MockClock, tmp_path: Path,
) -> None:
    add_child(dsl, "Amy", "Khan")
    clock.current = datetime(2026, 10, 22, 10, 0, tzinfo=UTC)
    calendar.set_term_dates(dsl, YEAR, HOLIDAYS)
    main = MainWindow(_ctx(tmp_path, clock), dsl)
    qtbot.addWidget(main)
    assert main.transfers_action.isVisible()
    window = main.open_transfers()
    assert isinstance(window, TransfersWindow)
    assert window.model.rowCount() == 0 and not window.step_button.isEnabled()

    opener = window.open_transfer()
    assert isinstance(opener, OpenTransferDialog)
    qtbot.keyClick(opener.moved_on, Qt.Key.Key_Return)  # nobody chosen yet
    assert opener.isVisible() and opener.message.text() == "Choose the pupil from the list."
    line = opener.child.lineEdit()
    assert line is not None
    line.clear()
    _keys(qtbot, line, "Amy Khan")
    # as when the completer's suggestion is taken
    opener.child.setCurrentIndex(opener.child.findText("Amy Khan",
                                                       Qt.MatchFlag.MatchStartsWith))
    _keys(qtbot, opener.moved_on, "22/10/2026")
    _keys(qtbot, opener.destination, "Hillside High")
    qtbot.keyClick(opener.destination, Qt.Key.Key_Return)
    assert not opener.isVisible(), opener.message.text()
    assert window.model.rowCount() == 1
    assert window.model.index(0, 1).data() == "Hillside High"
    assert window.model.index(0, 3).data() == "05/11/2026"
    assert window.model.index(0, 4).data() == "to send, due 05/11/2026"

    with qtbot.waitActive(window):
        window.activateWindow()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Return)  # Enter on the row: its step, only
    shown = [d for d in window.findChildren(QDialog) if d.isVisible()]
    assert [type(d) for d in shown] == [StepDialog]
    step = shown[0]
    assert isinstance(step, StepDialog)
    assert step.message.text() == ""  # the Enter that opened it pressed nothing in it
    qtbot.keyClick(step.detail, Qt.Key.Key_Return)  # still on "Choose…": nothing recorded
    assert step.isVisible() and step.message.text() == "Choose the step to record."
    assert step.kind.currentData() is None
    step.kind.setFocus()
    qtbot.keyClick(step.kind, Qt.Key.Key_Down)
    qtbot.keyClick(step.kind, Qt.Key.Key_Down)  # File sent
    assert step.detail_label.text() == "&How it was sent:"
    _keys(qtbot, step.detail, "Recorded post to their DSL")
    qtbot.keyClick(step.detail, Qt.Key.Key_Return)
    assert not step.isVisible(), step.message.text()
    assert window.model.index(0, 4).data() == "sent; chase from 05/11/2026"  # half term
    clock.current = datetime(2026, 11, 6, 10, 0, tzinfo=UTC)
    window.refresh()
    assert window.model.index(0, 4).data() == "no receipt: chase 05/11/2026"
    row = transfers.transfers(dsl, HOLIDAYS)[0]
    assert row.status.state is TransferState.OVERDUE


def test_staff_have_no_transfers(qtbot: QtBot, dsl: Session, clock: MockClock,
                                 tmp_path: Path) -> None:
    add_staff(dsl)
    teacher = switch_to(dsl, "teacher", STAFF_PASS)
    main = MainWindow(_ctx(tmp_path, clock), teacher)
    qtbot.addWidget(main)
    assert not main.transfers_action.isVisible()
    assert main.open_transfers() is None


def test_a_lock_hides_and_empties_the_transfers_window(
    qtbot: QtBot, dsl: Session, clock: MockClock, tmp_path: Path,
) -> None:
    child = add_child(dsl, "Amy", "Khan")
    transfers.open_transfer(dsl, HOLIDAYS, child, clock.now().date(), "Hillside High")
    controller = AppController(_ctx(tmp_path, clock))
    controller.unlocked(dsl)
    main = controller.window
    assert main is not None
    window = main.open_transfers()
    assert window is not None and window.model.rowCount() == 1
    qtbot.waitUntil(window.isVisible)
    controller.lock(reopen=False)
    assert not window.isVisible()
    assert window.model.rowCount() == 0


def test_a_leaver_without_a_transfer_opens_one_from_the_list(
    qtbot: QtBot, dsl: Session, clock: MockClock, tmp_path: Path,
) -> None:
    child = add_child(dsl, "Amy", "Khan")
    concerns.record_concern(dsl, content((child,), clock))
    with dsl.uow() as uow:
        uow.children.set_left(child, clock.now().date())
        uow.commit()
    main = MainWindow(_ctx(tmp_path, clock), dsl)
    qtbot.addWidget(main)
    window = main.open_transfers()
    assert window is not None and window.leavers.rowCount() == 1
    assert not window.leavers_view.isHidden()
    with qtbot.waitActive(window):
        window.activateWindow()
    window.leavers_view.setFocus()
    window.leavers_view.selectRow(0)
    qtbot.keyClick(window.leavers_view, Qt.Key.Key_Return)
    opener = next(d for d in window.findChildren(OpenTransferDialog) if d.isVisible())
    assert opener.child.currentData() == child
    assert opener.moved_on.text() == clock.now().strftime("%d/%m/%Y")
    assert window.model.rowCount() == 0  # the Enter that opened the form did not submit it
    qtbot.keyClick(opener.moved_on, Qt.Key.Key_Return)
    assert not opener.isVisible(), opener.message.text()
    assert window.model.rowCount() == 1 and window.leavers_view.isHidden()


def test_a_file_sealed_in_one_window_is_imported_in_another(
    qtbot: QtBot, dsl: Session, clock: MockClock, tmp_path: Path,
) -> None:
    from cerecorder.services import handover
    from cerecorder.ui.context import FileDialogs
    from cerecorder.ui.transfer_packets_ui import ReceivedDialog, SealDialog

    from helpers import new_vault

    receiver = new_vault(tmp_path / "hillside", clock)
    with receiver.uow() as uow:
        uow.meta.set(handover.SCHOOL_KEY, "Hillside High")
        uow.commit()
    card = packet_cards.recipient_card(receiver)
    card_file = tmp_path / "hillside.cecard"
    card_file.write_bytes(card.to_bytes())
    amy = add_child(dsl, "Amy", "Khan")
    concerns.record_concern(dsl, content((amy,), clock, facts="Picked up by a silver car."))
    packet = tmp_path / "amy.cetransfer"

    class Chosen(FileDialogs):
        def open_path(self, parent: object, title: str, start: Path,
                      file_filter: str) -> Path | None:
            return card_file if "card" in title else packet

        def save_path(self, parent: object, title: str, suggested: Path,
                      file_filter: str) -> Path | None:
            return packet

    ctx = _ctx(tmp_path, clock)
    ctx.file_dialogs = Chosen()
    sending = TransfersWindow(ctx, dsl, HOLIDAYS)
    qtbot.addWidget(sending)
    seal = sending.seal()
    assert isinstance(seal, SealDialog)
    seal.child.setCurrentIndex(seal.child.findData(amy))
    seal.choose_card()
    assert "Card of Hillside High" in seal.card_label.text()
    seal.fingerprint.setFocus()
    qtbot.keyClicks(seal.fingerprint, "WRONG-WRONG-WRONG-WRON")
    qtbot.keyClick(seal.fingerprint, Qt.Key.Key_Return)
    assert seal.isVisible() and "does not match" in seal.message.text()
    assert not packet.exists()
    seal.fingerprint.setText(card.signer_fingerprint)
    qtbot.keyClick(seal.fingerprint, Qt.Key.Key_Return)
    assert not seal.isVisible(), seal.message.text()
    assert packet.exists() and "send it to the receiving school" in sending.message.text()

    receiving = TransfersWindow(ctx, receiver, HOLIDAYS)
    qtbot.addWidget(receiving)
    receiving.import_received()
    assert receiving.message.text().startswith("Received: the file from Eastcombe Academy")
    assert packet.with_suffix(".cereceipt").exists()
    shown = next(d for d in receiving.findChildren(ReceivedDialog))
    assert "Picked up by a silver car." in shown.text.toPlainText()
    assert "verified" in shown.text.toPlainText()

"""The file's life in the child window, by keyboard: Mark as left… takes the child off the
roll and opens the transfer of their file; a file handed on is shown as transferred and
takes no new entries; a file received from the school before is in the chronology,
"from <school>, verified", and its rows cannot be marked or annotated."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import UTC, date, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from cerecorder.domain.model import EntryType
from cerecorder.domain.transfers import StepKind, TransferState
from cerecorder.services import (
    calendar,
    concerns,
    packet_cards,
    transfer_packets,
    transfers,
)
from cerecorder.services.session import Session
from cerecorder.ui.child_file_life import MarkLeftDialog
from cerecorder.ui.context import AppContext
from cerecorder.ui.dsl_views import ChildWindow
from test_packets import audit_actions
from test_schooldays import YEAR
from test_transfer_packets import schools  # noqa: F401  (a fixture)
from test_transfers_ui import HOLIDAYS, _ctx, _keys
from test_ui_keys import _clashes

from helpers import MockClock, add_child, content


def _open(qtbot: QtBot, ctx: AppContext, s: Session, child: int) -> ChildWindow:
    window = ChildWindow(ctx, s, child)
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_dsl_marks_a_child_as_left_by_keyboard(
        qtbot: QtBot, dsl: Session, clock: MockClock, tmp_path: Path) -> None:
    clock.current = datetime(2026, 10, 22, 10, 0, tzinfo=UTC)
    calendar.set_term_dates(dsl, YEAR, HOLIDAYS)
    amy = add_child(dsl, "Amy", "Khan")
    concerns.record_concern(dsl, content((amy,), clock))
    window = _open(qtbot, _ctx(tmp_path, clock), dsl, amy)
    assert window.left_button.isEnabled() and not window.file_life.isVisible()
    with qtbot.waitActive(window):
        window.activateWindow()
    for _ in range(60):  # by Tab (every Alt letter of the window is taken)
        if QApplication.focusWidget() is window.left_button:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.left_button
    qtbot.keyClick(window.left_button, Qt.Key.Key_Space)
    shown = [d for d in window.findChildren(QDialog) if d.isVisible()]
    assert [type(d) for d in shown] == [MarkLeftDialog]
    dialog = shown[0]
    assert isinstance(dialog, MarkLeftDialog)
    assert dialog.left_on.text() == "22/10/2026"  # today, to change if need be
    assert _clashes(dialog) == [] and _clashes(window) == []
    dialog.left_on.clear()
    _keys(qtbot, dialog.left_on, "32/10/2026")
    qtbot.keyClick(dialog.left_on, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.message.text() == "Leaving date: type the date as dd/mm/yyyy."
    dialog.left_on.clear()
    _keys(qtbot, dialog.left_on, "23/10/2026")
    _keys(qtbot, dialog.destination, "Hillside High")
    _keys(qtbot, dialog.destination_dsl, "Jo Bloggs")
    qtbot.keyClick(dialog.destination_dsl, Qt.Key.Key_Return)
    assert not dialog.isVisible(), dialog.message.text()
    (row,) = transfers.transfers(dsl, HOLIDAYS)
    t = row.status.transfer
    assert (t.child_id, t.school, t.destination_dsl, t.moved_on, row.status.state) == (
        amy, "Hillside High", "Jo Bloggs", date(2026, 10, 23), TransferState.TO_SEND)
    assert window.profile_values["Left"].text() == "23/10/2026"
    assert not window.left_button.isEnabled()  # left already


def test_a_transferred_file_says_so_and_takes_no_new_entries(
        qtbot: QtBot, dsl: Session, clock: MockClock, tmp_path: Path) -> None:
    clock.current = datetime(2026, 10, 22, 10, 0, tzinfo=UTC)
    amy = add_child(dsl, "Amy", "Khan")
    concerns.record_concern(dsl, content((amy,), clock))
    transfer = transfers.mark_left(dsl, HOLIDAYS, amy, date(2026, 10, 22), "Hillside High")
    transfers.record_step(dsl, transfer, StepKind.SENT, "Recorded post")
    transfers.record_step(dsl, transfer, StepKind.ACKNOWLEDGED, "Jo Bloggs, DSL")
    window = _open(qtbot, _ctx(tmp_path, clock), dsl, amy)
    assert window.file_life.isVisible()
    assert window.file_life.text().startswith(
        "File transferred to Hillside High on 22/10/2026 (Recorded post); acknowledged "
        "22/10/2026 by Jo Bloggs, DSL.")
    assert window.file_life.text().endswith("The whole file is kept here, read-only.")
    for button in (window.event_button, window.action_button, window.status_button,
                   window.left_button):
        assert not button.isEnabled(), button.text()
    window.table.setCurrentIndex(window.proxy.index(0, 0))
    assert not window.mark_button.isEnabled() and not window.impact_button.isEnabled()


def test_a_received_file_reads_from_its_school_verified(
        qtbot: QtBot, schools: tuple[Session, Session, int],  # noqa: F811
        clock: MockClock, tmp_path: Path) -> None:
    sender, receiver, amy = schools
    card = packet_cards.recipient_card(receiver)
    _, sealed = transfer_packets.seal_transfer(sender, amy, card, card.signer_fingerprint,
                                               "Transfer")
    got = transfer_packets.import_transfer(receiver, sealed)
    own = concerns.record_concern(receiver, content((got.child_id,), clock, facts="Ours."))
    window = _open(qtbot, _ctx(tmp_path, clock), receiver, got.child_id)
    rows = {window.model.entry(window.model.index(r, 0)).source: r
            for r in range(window.model.rowCount())}
    received = next(s for s in rows if s.endswith("(from Eastcombe Academy, verified)"))
    assert f"Concern #{own}" in rows
    received_entry = window.model.entry(window.model.index(rows[received], 0))
    assert received_entry.entry_type is EntryType.CONCERN
    assert received_entry.recorded_by == "Dana Lead"
    window.table.setCurrentIndex(window.proxy.mapFromSource(
        window.model.index(rows[received], 0)))
    assert not window.mark_button.isEnabled() and not window.open_button.isEnabled()
    window.table.setCurrentIndex(window.proxy.mapFromSource(
        window.model.index(rows[f"Concern #{own}"], 0)))
    assert window.mark_button.isEnabled() and window.open_button.isEnabled()


def test_a_long_name_that_left_still_fits_a_small_screen(
        qtbot: QtBot, dsl: Session, clock: MockClock, tmp_path: Path) -> None:
    """At 150% on 1366x768 (about 900 logical pixels): the title with "(left ...)" wraps,
    and the transferred notice with it, instead of widening the window past the screen."""
    clock.current = datetime(2026, 10, 22, 10, 0, tzinfo=UTC)
    child = add_child(dsl, "Jonas Lukas Aleksander", "Jankauskas-Montgomery")
    concerns.record_concern(dsl, content((child,), clock))
    transfer = transfers.mark_left(dsl, HOLIDAYS, child, date(2026, 10, 22),
                                   "St Anne's Church of England Voluntary Aided School")
    transfers.record_step(dsl, transfer, StepKind.SENT, "Sealed packet, fingerprint checked")
    transfers.record_step(dsl, transfer, StepKind.ACKNOWLEDGED, "Ruth Patel, DSL")
    window = ChildWindow(_ctx(tmp_path, clock), dsl, child)
    qtbot.addWidget(window)
    window.show()
    window.resize(900, 500)
    qtbot.waitExposed(window)
    qtbot.wait(10)
    assert window.width() <= 900
    notice = window.file_life
    assert window.rect().contains(notice.geometry()), notice.geometry()


def test_the_dsl_chooses_what_is_kept_unless_the_policy_fixes_it(
        qtbot: QtBot, dsl: Session, clock: MockClock, tmp_path: Path) -> None:
    import dataclasses

    from cerecorder.domain.transfers import AfterTransfer
    from cerecorder.services import transfer_records
    from cerecorder.ui.settings_dialog import SettingsDialog

    ctx = _ctx(tmp_path, clock)
    dialog = SettingsDialog(ctx, dsl)
    qtbot.addWidget(dialog)
    box = dialog.after_transfer
    assert box.isEnabled() and box.currentData() == AfterTransfer.WHOLE_FILE.value
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)  # the record alone
    dialog.save()  # OK
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert transfer_records.after_transfer(dsl) is AfterTransfer.RECORD
    assert audit_actions(dsl)[-1] == "after_transfer_set"

    fixed = dataclasses.replace(ctx, policy_fixed=frozenset({"after_transfer"}),
                                after_transfer=AfterTransfer.WHOLE_FILE)
    shown = SettingsDialog(fixed, dsl)
    qtbot.addWidget(shown)
    assert not shown.after_transfer.isEnabled()  # the policy wins, and says so
    assert shown.after_transfer.currentData() == AfterTransfer.WHOLE_FILE.value
    assert transfer_records.after_transfer(dsl, fixed.after_transfer) is \
        AfterTransfer.WHOLE_FILE


def test_a_file_handed_on_leaves_its_record_in_the_transfers_window(
        qtbot: QtBot, dsl: Session, clock: MockClock, tmp_path: Path) -> None:
    from cerecorder.domain.model import Role
    from cerecorder.domain.transfers import AfterTransfer
    from cerecorder.services import destruction, transfer_records, users
    from cerecorder.ui.transfers_window import TransfersWindow

    from helpers import DSL_PASS, STAFF_PASS, switch_to

    clock.current = datetime(2026, 10, 22, 10, 0, tzinfo=UTC)
    amy = add_child(dsl, "Amy", "Khan")
    concerns.record_concern(dsl, content((amy,), clock))
    users.add_user(dsl, name="it", display_name="School IT", role=Role.ADMIN,
                   passphrase=STAFF_PASS)
    transfer = transfers.mark_left(dsl, HOLIDAYS, amy, date(2026, 10, 22), "Hillside High")
    transfers.record_step(dsl, transfer, StepKind.SENT, "Recorded post")
    transfers.record_step(dsl, transfer, StepKind.ACKNOWLEDGED, "Jo Bloggs, DSL",
                          after=AfterTransfer.RECORD)
    (request,) = destruction.requests(dsl)
    it = switch_to(dsl, "it", STAFF_PASS)
    destruction.carry_out(it, request.id)
    s = switch_to(it, "dsl", DSL_PASS)
    window = TransfersWindow(_ctx(tmp_path, clock), s, HOLIDAYS)
    qtbot.addWidget(window)
    window.show()
    assert window.model.rowCount() == 0  # the transfer went with the file
    (record,) = transfer_records.handed_on(s)
    assert window.handed_on.isVisible()
    assert window.handed_on.text().endswith(f"Amy Khan: {record.describe()}")

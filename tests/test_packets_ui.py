"""Sealed handover in the windows (offscreen): the Handover tab of Settings for staff and
the DSL, the staff laptop's "Sent to DSL" list, and the DSL's import with the children
awaiting a match."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from cerecorder.domain.timefmt import uk_datetime
from cerecorder.services import concerns, packet_cards, packets
from cerecorder.ui.context import AppContext, FileDialogs, UiSettings
from cerecorder.ui.handover_settings import EnrolDialog
from cerecorder.ui.main_window import MainWindow
from cerecorder.ui.packet_views import InboxCount, InboxDialog
from cerecorder.ui.settings_dialog import SettingsDialog
from test_packets import Pair, age_files, make_pair

from helpers import FAST_KDF, TAXONOMY, MockClock, content

UI_DIR = Path(__file__).resolve().parent.parent / "ui"
SHOTS = Path(os.environ.get("CERECORDER_SHOTS", "/tmp"))


class SteeredDialogs(FileDialogs):
    """The file-dialog seam, answered by the test instead of a person."""

    def __init__(self) -> None:
        self.answers: list[Path | None] = []

    def save_path(self, *args: object) -> Path | None:
        return self.answers.pop(0)

    def open_path(self, *args: object) -> Path | None:
        return self.answers.pop(0)

    def folder(self, *args: object) -> Path | None:
        return self.answers.pop(0)


def make_ctx(tmp_path: Path, clock: MockClock, **settings: str) -> AppContext:
    saved: list[UiSettings] = []
    ctx = AppContext(clock=clock, taxonomy=TAXONOMY, settings=UiSettings(**settings),
                     save_settings=saved.append, default_vault_dir=tmp_path / "v",
                     demo_vault_dir=tmp_path / "d", ui_dir=UI_DIR,
                     file_dialogs=SteeredDialogs(), kdf=FAST_KDF)
    ctx.saved = saved  # type: ignore[attr-defined]
    return ctx


def answer(ctx: AppContext, path: Path | None) -> None:
    ctx.file_dialogs.answers.append(path)  # type: ignore[attr-defined]


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    p = make_pair(tmp_path / "pair")
    yield p
    for s in (p.dsl, p.staff):
        if s.is_open:
            s.lock()


def shot(widget: object, name: str) -> None:
    if SHOTS.is_dir():
        widget.grab().save(str(SHOTS / name))  # type: ignore[attr-defined]


def test_staff_set_the_card_and_outbox_and_save_their_enrolment_file(
        qtbot: QtBot, pair: Pair, tmp_path: Path) -> None:
    card_file = tmp_path / "school.cecard"
    card_file.write_bytes(pair.card.to_bytes())
    ctx = make_ctx(tmp_path, pair.staff_clock)
    dialog = SettingsDialog(ctx, pair.staff)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex(1)
    section = dialog.handover
    assert section is not None and section.card_row is not None
    assert "No card" in section.card_info.text()
    answer(ctx, card_file)
    section.card_row.browse.click()
    assert section.card_row.text() == str(card_file)
    assert "Sealed for: Dana Lead" in section.card_info.text()
    assert pair.card.signer_fingerprint in section.card_info.text()
    assert "as confirmed on this laptop" in section.card_info.text()
    answer(ctx, pair.share)
    assert section.outbox_row is not None
    section.outbox_row.browse.click()
    fingerprint = packet_cards.my_fingerprint(pair.staff)
    assert fingerprint in section.fingerprint.text()
    shot(dialog, "packets-settings-staff.png")

    enrol_file = tmp_path / "teacher.ceenrol"
    answer(ctx, enrol_file)
    section.save_enrolment.click()
    assert packets.StaffCard.from_bytes(enrol_file.read_bytes()).fingerprint == fingerprint
    assert fingerprint in section.message.text()

    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    [saved] = ctx.saved  # type: ignore[attr-defined]
    assert (saved.recipient_card, saved.outbox_folder, saved.inbox_folder) == (
        str(card_file), str(pair.share), "")


def test_a_damaged_card_is_told_plainly_in_settings(qtbot: QtBot, pair: Pair,
                                                    tmp_path: Path) -> None:
    bad = tmp_path / "bad.cecard"
    bad.write_text("{}")
    ctx = make_ctx(tmp_path, pair.staff_clock, recipient_card=str(bad))
    dialog = SettingsDialog(ctx, pair.staff)
    qtbot.addWidget(dialog)
    assert dialog.handover is not None
    assert "not a CE Recorder recipient card" in dialog.handover.card_info.text()


def test_the_dsl_exports_the_card_and_enrols_a_laptop_by_its_fingerprint(
        qtbot: QtBot, tmp_path: Path) -> None:
    p = make_pair(tmp_path / "pair", enrol=False)
    ctx = make_ctx(tmp_path, p.dsl_clock)
    dialog = SettingsDialog(ctx, p.dsl)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex(1)
    section = dialog.handover
    assert section is not None and section.inbox_row is not None
    assert section.card_info.text() == (
        f"Staff confirm the card with this vault's fingerprint: {p.card.signer_fingerprint}")
    answer(ctx, p.share)
    section.inbox_row.browse.click()
    card_file = tmp_path / "school.cecard"
    answer(ctx, card_file)
    section.export_card.click()
    card = packets.RecipientCard.from_bytes(card_file.read_bytes())
    assert card.signer_fingerprint in section.card_info.text()

    enrol_file = tmp_path / "teacher.ceenrol"
    staff_card = packet_cards.staff_card(p.staff)
    enrol_file.write_bytes(staff_card.to_bytes())
    answer(ctx, enrol_file)
    enrol = section.enrol()
    assert isinstance(enrol, EnrolDialog)
    enrol.code.setText("AAAA-BBBB-CCCC-DDDD")
    enrol.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert "does not match" in enrol.message.text()
    enrol.code.setText(staff_card.fingerprint.lower())
    enrol.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert section.enrolments.rowCount() == 1
    ModelTester(None).check(section.enrolments)
    shot(dialog, "packets-settings-dsl.png")

    asked: list[str] = []
    dialog.confirm = lambda question: asked.append(question) is not None  # type: ignore[method-assign]
    section.revoke_button.click()
    assert "Choose a laptop" in section.message.text()
    section.enrolments_view.selectRow(0)
    section.revoke_button.click()  # answered No
    assert section.enrolments.rowCount() == 1 and staff_card.fingerprint in asked[0]
    dialog.confirm = lambda question: True  # type: ignore[method-assign]
    section.revoke_button.click()
    assert section.enrolments.rowCount() == 0
    assert packet_cards.enrolments(p.dsl) == []
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    [saved] = ctx.saved  # type: ignore[attr-defined]
    assert saved.inbox_folder == str(p.share)
    p.dsl.lock()
    p.staff.lock()


def _status(window: MainWindow) -> str:
    assert window.sent is not None
    model = window.sent.model
    return str(model.index(0, 3).data())


def test_the_staff_window_sends_on_submit_and_shows_the_dsl_receipt(
        qtbot: QtBot, pair: Pair, tmp_path: Path) -> None:
    card_file = tmp_path / "school.cecard"
    card_file.write_bytes(pair.card.to_bytes())
    ctx = make_ctx(tmp_path, pair.staff_clock, recipient_card=str(card_file),
                   outbox_folder=str(pair.share))
    window = MainWindow(ctx, pair.staff)
    qtbot.addWidget(window)
    assert window.sent is not None and window.sent.model.rowCount() == 0
    assert not window.inbox_action.isVisible()
    concerns.record_concern(pair.staff, content((pair.staff_child,), pair.staff_clock))
    window.refresh()  # what closing the concern form does
    assert len(pair.packet_files()) == 1
    assert _status(window) == f"Sent {uk_datetime(pair.staff_clock.now())}"
    ModelTester(None).check(window.sent.model)

    pair.dsl_clock.advance(minutes=42)
    packets.import_inbox(pair.dsl, pair.share)
    window.refresh()
    assert _status(window) == f"Received by DSL {uk_datetime(pair.dsl_clock.now())}"
    concerns.add_addendum(pair.staff, 1, "Later information.")
    window.refresh()
    assert _status(window) == (f"Received by DSL {uk_datetime(pair.dsl_clock.now())}; "
                               f"addendum sent {uk_datetime(pair.staff_clock.now())}")
    window.tabs.setCurrentIndex(window.tabs.count() - 1)
    window.resize(1000, 420)
    shot(window, "packets-staff-sent.png")
    window.clear()
    assert window.sent.model.rowCount() == 0


def test_an_unreachable_outbox_is_told_in_the_status_bar(qtbot: QtBot, pair: Pair,
                                                         tmp_path: Path) -> None:
    card_file = tmp_path / "school.cecard"
    card_file.write_bytes(pair.card.to_bytes())
    ctx = make_ctx(tmp_path, pair.staff_clock, recipient_card=str(card_file),
                   outbox_folder=str(tmp_path / "unplugged"))
    concerns.record_concern(pair.staff, content((pair.staff_child,), pair.staff_clock))
    window = MainWindow(ctx, pair.staff)
    qtbot.addWidget(window)
    assert "not available" in window.statusBar().currentMessage()
    assert _status(window) == "Waiting to send"


def test_the_dsl_imports_from_the_inbox_and_matches_a_waiting_child(
        qtbot: QtBot, tmp_path: Path) -> None:
    p = make_pair(tmp_path / "pair", forenames="Kai", surname="Nguyễn", year_group="Year 9")
    p.record()
    p.record(facts="Second concern about a pupil on roll.")
    p.send()
    (p.share / "junk.cepacket").write_bytes(b"not a packet")
    age_files(p.share / "junk.cepacket")
    ctx = make_ctx(tmp_path, p.dsl_clock, inbox_folder=str(p.share))
    window = MainWindow(ctx, p.dsl)
    qtbot.addWidget(window)
    assert window.inbox_action.isVisible() and window.sent is None
    # the app does not import by itself: the DSL sees what is waiting, now and each minute
    assert window.inbox_action.text() == "&Import from inbox (3 waiting)"
    [count] = window.inbox_action.findChildren(InboxCount)
    assert count.timer.isActive()
    window.inbox_action.trigger()
    assert window.inbox_action.text() == "&Import from inbox"
    [dialog] = window.findChildren(InboxDialog)
    assert dialog.outcomes.rowCount() == 3
    ModelTester(None).check(dialog.outcomes)
    ModelTester(None).check(dialog.review)
    results = sorted(str(dialog.outcomes.index(r, 1).data()) for r in range(3))
    assert results == ["Refused (quarantined)", "Waiting for a child to be matched",
                       "Waiting for a child to be matched"]
    assert dialog.review.rowCount() == 2
    assert dialog.review.index(0, 0).data() == "Kai Nguyễn"
    dialog.resize(1000, 640)
    shot(dialog, "packets-inbox-result.png")
    window.resize(1100, 360)
    shot(window, "packets-dsl-main.png")

    dialog.match_button.click()  # no pupil chosen yet
    assert "Choose the pupil" in dialog.message.text()
    dialog.add_button.click()  # the first: Kai joins the roll
    assert "filed as #" in dialog.message.text()
    assert dialog.review.rowCount() == 1
    index = next(i for i in range(dialog.pupil.count())
                 if dialog.pupil.itemText(i).startswith("Kai Nguyễn"))
    dialog.pupil.setCurrentIndex(index)
    dialog.match_button.click()
    assert dialog.review.rowCount() == 0
    assert not dialog.match_button.isEnabled()
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close).click()
    assert window.queue_model.rowCount() == 2  # the refresh after the import window
    p.dsl.lock()
    p.staff.lock()


def test_import_without_an_inbox_folder_says_where_to_set_it(
        qtbot: QtBot, pair: Pair, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    told: list[str] = []
    monkeypatch.setattr("cerecorder.ui.widgets.QMessageBox.warning",
                        lambda _parent, _title, text: told.append(text))
    window = MainWindow(make_ctx(tmp_path, pair.dsl_clock), pair.dsl)
    qtbot.addWidget(window)
    window.inbox_action.trigger()
    assert told == ["Set the inbox folder first (Settings, Handover)."]


def test_setting_a_card_in_settings_starts_sending_at_once(
        qtbot: QtBot, pair: Pair, tmp_path: Path) -> None:
    card_file = tmp_path / "school.cecard"
    card_file.write_bytes(pair.card.to_bytes())
    concerns.record_concern(pair.staff, content((pair.staff_child,), pair.staff_clock))
    ctx = make_ctx(tmp_path, pair.staff_clock)
    window = MainWindow(ctx, pair.staff)
    qtbot.addWidget(window)
    assert window.sent is None and window.tabs.count() == 2
    [count] = window.inbox_action.findChildren(InboxCount)
    assert not count.timer.isActive()  # staff have no inbox
    window.open_settings()
    [dialog] = window.findChildren(SettingsDialog)
    assert dialog.handover is not None
    assert dialog.handover.card_row is not None and dialog.handover.outbox_row is not None
    dialog.handover.card_row.edit.setText(str(card_file))
    dialog.handover.outbox_row.edit.setText(str(pair.share))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert window.sent is not None and window.tabs.count() == 3
    assert window.sent.timer.isActive()  # and looks for receipts every few minutes
    assert len(pair.packet_files()) == 1
    assert _status(window).startswith("Sent ")


def test_staff_confirm_the_card_s_fingerprint_before_anything_is_sealed(
        qtbot: QtBot, tmp_path: Path) -> None:
    p = make_pair(tmp_path / "pair", pin=False)
    card_file = tmp_path / "school.cecard"
    card_file.write_bytes(p.card.to_bytes())
    concerns.record_concern(p.staff, content((p.staff_child,), p.staff_clock))
    ctx = make_ctx(tmp_path, p.staff_clock, recipient_card=str(card_file),
                   outbox_folder=str(p.share))
    window = MainWindow(ctx, p.staff)
    qtbot.addWidget(window)
    told = (f"The recipient card's fingerprint {p.card.signer_fingerprint} has not been "
            "confirmed on this laptop yet, so nothing is sealed with it: check it with the "
            "DSL in Settings, Handover (or ask IT).")
    assert window.statusBar().currentMessage() == told
    assert _status(window) == "Waiting to send" and p.packet_files() == []

    dialog = SettingsDialog(ctx, p.staff)
    qtbot.addWidget(dialog)
    section = dialog.handover
    assert section is not None
    assert section.card_info.text() == f"Sealed for: Dana Lead. {told}"
    assert section.pin_button.isEnabled()
    asked: list[str] = []
    dialog.confirm = lambda question: asked.append(question) is not None  # type: ignore[method-assign]
    section.pin_button.click()  # answered No: nothing is trusted
    assert p.card.signer_fingerprint in asked[0] and "read out to you" in asked[0]
    assert section.pin_button.isEnabled()
    dialog.confirm = lambda question: True  # type: ignore[method-assign]
    section.pin_button.click()
    assert section.message.text() == "Confirmed: concerns are sealed for Dana Lead."
    assert section.card_info.text() == (
        f"Sealed for: Dana Lead. Signed by the DSL's vault, fingerprint "
        f"{p.card.signer_fingerprint}, as confirmed on this laptop.")
    assert not section.pin_button.isEnabled()
    dialog.reject()
    window.refresh()
    assert len(p.packet_files()) == 1 and _status(window).startswith("Sent ")
    p.dsl.lock()
    p.staff.lock()

"""Removing a user in the window (issue 16): the key rotation runs off the GUI thread
behind a modal progress dialog with no Cancel, and a lock waits for it (offscreen)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from cerecorder.domain.errors import VaultBusy
from cerecorder.services import session, users
from cerecorder.services.session import Session
from cerecorder.storage import rotation
from cerecorder.ui.context import AppContext, UiSettings
from cerecorder.ui.controller import AppController
from cerecorder.ui.rotation import STEPS, RotationDialog, remove_user_with_progress
from cerecorder.ui.settings_dialog import SettingsDialog
from cerecorder.ui.unlock import UnlockDialog

from helpers import DSL_PASS, FAST_KDF, TAXONOMY, MockClock, add_staff, bulk_attachments, reopen

UI_DIR = Path(__file__).resolve().parent.parent / "ui"


@pytest.fixture
def ctx(tmp_path: Path, clock: MockClock) -> AppContext:
    return AppContext(
        clock=clock, taxonomy=TAXONOMY, settings=UiSettings(), save_settings=lambda _: None,
        default_vault_dir=tmp_path / "v", demo_vault_dir=tmp_path / "d", ui_dir=UI_DIR,
        kdf=FAST_KDF)


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rotation, "POLL_SECONDS", 0.001)


def test_removing_a_user_shows_the_rotation_and_cannot_be_cancelled(
        qtbot: QtBot, ctx: AppContext, dsl: Session) -> None:
    bulk_attachments(dsl, 40)
    add_staff(dsl)
    dialog = SettingsDialog(ctx, dsl)
    qtbot.addWidget(dialog)
    names = [dialog.users_model.user(dialog.users_model.index(r, 0)).name for r in range(2)]
    dialog.users_view.setCurrentIndex(dialog.users_model.index(names.index("teacher"), 0))
    dialog.confirm = lambda question: True
    dialog.remove_selected()
    worker = dialog.rotation
    assert worker is not None and worker.dialog is not None
    progress = worker.dialog
    steps: list[int] = []
    worker.stepped.connect(lambda _sentence, value: steps.append(value))
    assert progress.isVisible() and progress.parent() is None
    assert progress.windowModality() == Qt.WindowModality.ApplicationModal
    assert progress.accessibleName() == "Changing the vault's key"
    assert progress.bar.accessibleName()
    with pytest.raises(VaultBusy):  # the GUI thread keeps off the rotation's connection
        users.list_users(dsl)
    progress.reject()  # Escape
    progress.close()  # the title bar's close
    assert progress.isVisible()
    qtbot.waitUntil(lambda: dialog.rotation is None, timeout=30_000)
    assert steps == sorted(steps) and steps[-1] == STEPS and len(steps) >= 5
    assert [u.name for u in users.list_users(dsl)] == ["dsl"]
    assert dialog.users_model.rowCount() == 1 and dialog.notice.text().startswith(
        "The user was removed and the vault's signing key changed.")
    assert dialog.message.text() == ""  # nothing went wrong: nothing in red


def test_an_idle_lock_during_a_rotation_hides_the_records_and_waits_for_it(
        qtbot: QtBot, ctx: AppContext, dsl: Session, vault_dir: Path,
        clock: MockClock, qapp: QApplication) -> None:
    bulk_attachments(dsl, 40)
    leaver = add_staff(dsl)
    dsl.lock()
    controller = AppController(ctx)
    controller.unlocked(session.unlock(vault_dir, user_name="dsl", passphrase=DSL_PASS,
                                       clock=clock, taxonomy=TAXONOMY))
    window = controller.window
    assert window is not None and controller.session is not None
    told: list[Exception | None] = []
    worker = remove_user_with_progress(window, controller.session, leaver, told.append)
    controller.lock()  # the idle timer goes off part-way
    assert controller.session is not None  # waiting: the rotation has the connection
    shown = [w for w in qapp.topLevelWidgets() if w.isVisible()]
    assert shown == [worker.dialog] and isinstance(worker.dialog, RotationDialog)
    qtbot.waitUntil(lambda: controller.session is None, timeout=30_000)
    assert told == [None]
    assert isinstance(controller.dialog, UnlockDialog)
    qtbot.addWidget(controller.dialog)
    s = reopen(vault_dir, clock)
    assert [u.name for u in users.list_users(s)] == ["dsl"]
    s.lock()

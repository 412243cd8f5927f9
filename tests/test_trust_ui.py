"""The desktop app and a vault older than what was seen: staff are told plainly and kept
out; the DSL is asked once, after unlocking, whether the restore was deliberate."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from cerecorder import paths
from cerecorder.services import maintenance, session
from cerecorder.ui.context import AppContext, UiSettings
from cerecorder.ui.controller import AppController
from cerecorder.ui.main_window import MainWindow
from cerecorder.ui.unlock import UnlockDialog

from helpers import (
    DSL_PASS,
    FAST_KDF,
    STAFF_PASS,
    TAXONOMY,
    MockClock,
    add_child,
    add_staff,
    new_vault,
)

UI_DIR = Path(__file__).resolve().parent.parent / "ui"


def _restored_vault(folder: Path, backup: Path, clock: MockClock) -> None:
    """A vault with anchors, backed up, used on until 14:02, then put back to the backup."""
    s = new_vault(folder, clock)
    s.anchor_folders = (paths.anchor_dir(),)
    add_staff(s)
    maintenance.backup(s, backup)
    clock.current = clock.current.replace(hour=14, minute=2)
    add_child(s, "Later", "Record")
    s.lock()
    clock.advance(days=1)
    maintenance.restore(backup, folder, force=True, clock=clock)


def _try(controller: AppController, qtbot: QtBot, name: str, passphrase: str) -> UnlockDialog:
    dialog = controller.dialog
    assert isinstance(dialog, UnlockDialog)
    qtbot.addWidget(dialog)
    dialog.user.setCurrentText(name)
    dialog.passphrase.setText(passphrase)
    dialog.try_unlock()
    return dialog


def test_staff_are_refused_and_the_dsl_acknowledges_the_restore_once(
        qtbot: QtBot, tmp_path: Path, clock: MockClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    vault = tmp_path / "vault"
    _restored_vault(vault, tmp_path / "backup", clock)
    ctx = AppContext(
        clock=clock, taxonomy=TAXONOMY, settings=UiSettings(last_vault=str(vault)),
        save_settings=lambda s: None, default_vault_dir=vault,
        demo_vault_dir=tmp_path / "demo", ui_dir=UI_DIR, kdf=FAST_KDF,
        anchor_folders=(paths.anchor_dir(),))
    asked: list[str] = []
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]

    def question(parent: object, title: str, text: str, *args: object) -> object:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    controller = AppController(ctx)
    controller.start()

    staff = _try(controller, qtbot, "teacher", STAFF_PASS)
    assert staff.message.text().startswith(
        "This vault is older than the copy seen on 16/11/2026 at 14:02: ")
    assert controller.window is None and asked == []

    _try(controller, qtbot, "dsl", DSL_PASS)  # told; answers No: locked again
    assert len(asked) == 1 and "older than the copy seen on 16/11/2026 at 14:02" in asked[0]
    assert controller.window is None and controller.session is None

    _try(controller, qtbot, "dsl", DSL_PASS)  # asked again, answers Yes
    assert len(asked) == 2
    window = controller.window
    assert isinstance(window, MainWindow) and controller.session is not None
    with controller.session.uow() as uow:
        assert [r[3] for r in uow.audit.rows()].count("restore_acknowledged") == 1
    window.lock_action.trigger()

    _try(controller, qtbot, "dsl", DSL_PASS)  # asked once only
    assert len(asked) == 2 and isinstance(controller.window, MainWindow)
    controller.lock(reopen=False)
    session.unlock(vault, user_name="teacher", passphrase=STAFF_PASS, clock=clock,
                   taxonomy=TAXONOMY, anchor_folders=(paths.anchor_dir(),)).lock()

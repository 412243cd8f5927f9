"""Lock and privacy are security boundaries (offscreen): what stays on screen when the vault
locks or the privacy screen comes up, from whichever window, and what comes back."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from cerecorder.services import concerns, session
from cerecorder.services.session import Session
from cerecorder.ui.concern_form import ConcernDialog
from cerecorder.ui.concern_view import ConcernViewDialog
from cerecorder.ui.context import AppContext, UiSettings
from cerecorder.ui.controller import AppController
from cerecorder.ui.dsl_views import ChildWindow
from cerecorder.ui.main_window import MainWindow
from cerecorder.ui.search_dialog import SearchDialog
from cerecorder.ui.settings_dialog import SettingsDialog
from cerecorder.ui.settings_model import idle_lock_ms, idle_lock_text
from cerecorder.ui.unlock import UnlockDialog

from helpers import DSL_PASS, FAST_KDF, TAXONOMY, MockClock, add_child, content

UI_DIR = Path(__file__).resolve().parent.parent / "ui"


@pytest.fixture
def ctx(tmp_path: Path, clock: MockClock) -> AppContext:
    return AppContext(
        clock=clock, taxonomy=TAXONOMY, settings=UiSettings(), save_settings=lambda _: None,
        default_vault_dir=tmp_path / "v", demo_vault_dir=tmp_path / "d", ui_dir=UI_DIR,
        kdf=FAST_KDF)


@pytest.fixture(autouse=True)
def clear_screen(qapp: QApplication) -> None:
    """Windows an earlier test left showing are not this test's."""
    for window in qapp.topLevelWidgets():
        window.hide()


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every message box that would have been shown, answered No at once."""
    told: list[str] = []

    def box(parent: object, title: str, text: str, *args: object) -> object:
        told.append(text)
        return QMessageBox.StandardButton.No

    for name in ("warning", "question", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, box)
    return told


@dataclass
class Unlocked:
    """The app just unlocked: its controller and main window, a child with a concern, and
    every message box that would have been shown (answered No)."""

    controller: AppController
    window: MainWindow
    child: int
    boxes: list[str]


@pytest.fixture
def unlocked(qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock, boxes: list[str]
             ) -> Unlocked:
    child = add_child(dsl, "Amy", "Khan")
    concerns.record_concern(dsl, content((child,), clock))
    controller = AppController(ctx)
    controller.folder = dsl.vault.files.folder
    controller.unlocked(dsl)
    assert isinstance(controller.window, MainWindow)
    qtbot.waitExposed(controller.window)
    return Unlocked(controller, controller.window, child, boxes)


def visible() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def only_unlock_shows(controller: AppController, qtbot: QtBot) -> None:
    """What follows a lock: the unlock window, and nothing else."""
    dialog = controller.dialog
    assert isinstance(dialog, UnlockDialog)
    qtbot.addWidget(dialog)
    assert visible() == [dialog]


def test_lock_hides_every_window_and_asks_nothing(
    qtbot: QtBot, ctx: AppContext, dsl: Session, unlocked: Unlocked,
) -> None:
    controller, window, child = unlocked.controller, unlocked.window, unlocked.child
    # dialogs opened and closed since unlock: each used to refresh() on the locked session
    for _ in range(2):
        window._view_concern(concerns.my_concerns(dsl)[0].id)
        QApplication.activeModalWidget().done(QDialog.DialogCode.Accepted)  # type: ignore[union-attr]
    window.search()
    search = window.findChild(SearchDialog)
    search.box.setText("car")
    search.run_search()
    chronology = ChildWindow(ctx, dsl, child, window)
    chronology.show()
    window.new_concern(child_ids=[child])
    form = window.findChild(ConcernDialog)
    form.facts.setPlainText("Typed just before the lock.")
    assert len(visible()) == 4  # main window, search, chronology, the form
    controller.lock()
    assert unlocked.boxes == []
    only_unlock_shows(controller, qtbot)
    assert window.roster.rowCount() == 0 and chronology.model.rowCount() == 0
    assert search.model.rowCount() == 0
    drafts = concerns.my_concerns(
        session.unlock(dsl.vault.files.folder, user_name="dsl", passphrase=DSL_PASS,
                       clock=dsl.clock, taxonomy=TAXONOMY))
    assert any(c.content.facts == "Typed just before the lock." for c in drafts)


def test_after_unlock_only_the_main_window_returns(
    qtbot: QtBot, ctx: AppContext, dsl: Session, unlocked: Unlocked,
) -> None:
    controller, window, child = unlocked.controller, unlocked.window, unlocked.child
    ChildWindow(ctx, dsl, child, window).show()
    window.open_settings()
    controller.lock()
    unlock = controller.dialog
    assert isinstance(unlock, UnlockDialog)
    unlock.passphrase.setText(DSL_PASS)
    unlock.try_unlock()
    assert controller.window is not None and controller.window is not window
    assert visible() == [controller.window]
    assert unlocked.boxes == []
    controller.lock(reopen=False)


@pytest.mark.parametrize("where", ["main", "chronology", "form", "search", "view"])
def test_ctrl_l_locks_from_every_window(
    qtbot: QtBot, ctx: AppContext, dsl: Session, unlocked: Unlocked,
    where: str,
) -> None:
    controller, window, child = unlocked.controller, unlocked.window, unlocked.child
    target = _open(where, window, ctx, dsl, child)
    qtbot.keyClick(target, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert controller.session is None
    assert unlocked.boxes == []
    only_unlock_shows(controller, qtbot)


def _open(where: str, window: MainWindow, ctx: AppContext, dsl: Session,
          child: int) -> QWidget:
    if where == "main":
        return window.search_box
    if where == "chronology":
        chronology = ChildWindow(ctx, dsl, child, window)
        chronology.show()
        chronology.activateWindow()
        return chronology.table
    if where == "form":
        window.new_concern(child_ids=[child])
        return window.findChild(ConcernDialog).facts
    if where == "search":
        window.search()
        return window.findChild(SearchDialog).box
    window._view_concern(concerns.my_concerns(dsl)[0].id)
    return window.findChild(ConcernViewDialog)


@pytest.mark.parametrize("where", ["chronology", "form", "search", "view"])
def test_the_shortcuts_work_in_every_window(
    qtbot: QtBot, ctx: AppContext, dsl: Session, unlocked: Unlocked,
    where: str,
) -> None:
    controller, window, child = unlocked.controller, unlocked.window, unlocked.child
    target = _open(where, window, ctx, dsl, child)
    kinds: tuple[tuple[Qt.Key, type[QDialog]], ...] = (
        (Qt.Key.Key_N, ConcernDialog), (Qt.Key.Key_F, SearchDialog))
    for key, kind in kinds:
        before = len(window.findChildren(kind))
        qtbot.keyClick(target, key, Qt.KeyboardModifier.ControlModifier)
        opened = window.findChildren(kind)
        assert len(opened) == before + 1, kind.__name__
        opened[-1].done(0)
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(target, Qt.Key.Key_H, shift_ctrl)
    assert window.stack.currentWidget() is window.privacy
    assert visible() == [window]
    controller.lock(reopen=False)


def test_privacy_brings_back_only_the_windows_that_were_showing(
    qtbot: QtBot, ctx: AppContext, dsl: Session, unlocked: Unlocked,
) -> None:
    controller, window, child = unlocked.controller, unlocked.window, unlocked.child
    closed = ChildWindow(ctx, dsl, child, window)
    closed.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    closed.show()
    closed.close()
    window._view_concern(concerns.my_concerns(dsl)[0].id)
    window.findChild(ConcernViewDialog).done(0)  # closed, kept as a hidden child
    chronology = ChildWindow(ctx, dsl, child, window)
    chronology.show()
    before = set(visible())
    assert before == {window, chronology}
    window.toggle_privacy()
    assert visible() == [window] and window.stack.currentWidget() is window.privacy
    assert not window.new_action.isEnabled()  # no window of records opens meanwhile
    window.toggle_privacy()
    assert set(visible()) == before
    assert window.new_action.isEnabled()
    controller.lock(reopen=False)


def test_a_new_idle_lock_time_applies_at_once(
    qtbot: QtBot, ctx: AppContext, dsl: Session, unlocked: Unlocked,
) -> None:
    controller, window = unlocked.controller, unlocked.window
    assert controller.idle.interval() == 5 * 60_000
    window.open_settings()
    settings = window.findChild(SettingsDialog)
    settings.idle.setValue(1)
    assert settings.idle.suffix() == " minute"
    settings.save()
    assert controller.idle.isActive() and controller.idle.interval() == 60_000
    assert window.statusBar().currentMessage() == "Locks itself after 1 minute without use."
    controller.lock(reopen=False)


def test_the_idle_lock_reads_in_minutes_or_seconds() -> None:
    assert idle_lock_text(UiSettings(idle_lock_minutes=1)) == \
        "Locks itself after 1 minute without use."
    assert idle_lock_text(UiSettings(idle_lock_minutes=10)) == \
        "Locks itself after 10 minutes without use."
    few = UiSettings(idle_lock_minutes=5, idle_lock_seconds=8)
    assert idle_lock_ms(few) == 8000
    assert idle_lock_text(few) == "Locks itself after 8 seconds without use."
    assert idle_lock_ms(UiSettings(idle_lock_minutes=1, idle_lock_seconds=600)) == 60_000

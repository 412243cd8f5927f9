"""School IT signed into the desktop app: the jobs of the role, and not one record."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QTableView
from pytestqt.qtbot import QtBot

from cerecorder import paths
from cerecorder.domain.model import Role
from cerecorder.export.pdf import PdfRenderer
from cerecorder.services import concerns, users
from cerecorder.services.session import Session
from cerecorder.ui.context import AppContext, UiSettings
from cerecorder.ui.main_window import MainWindow

from helpers import FAST_KDF, STAFF_PASS, TAXONOMY, MockClock, add_child, content, switch_to

UI_DIR = Path(__file__).resolve().parent.parent / "ui"


@pytest.fixture
def admin(dsl: Session, clock: MockClock) -> Session:
    child = add_child(dsl, "Zoë", "Ólafsdóttir")
    concerns.record_concern(dsl, content((child,), clock, facts="A second phone."))
    users.add_user(dsl, name="it", display_name="School IT", role=Role.ADMIN,
                   passphrase=STAFF_PASS)
    return switch_to(dsl, "it", STAFF_PASS)


def test_an_administrator_sees_the_jobs_of_the_role_and_no_record(
    qtbot: QtBot, admin: Session, clock: MockClock, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: told.append(text))
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: told.append(text))
    ctx = AppContext(
        clock=clock, taxonomy=TAXONOMY, settings=UiSettings(), save_settings=lambda s: None,
        default_vault_dir=tmp_path, demo_vault_dir=tmp_path, ui_dir=UI_DIR, kdf=FAST_KDF,
        documents=PdfRenderer(paths.resources_dir() / "fonts"))
    window = MainWindow(ctx, admin)
    qtbot.addWidget(window)
    window.show()
    window.refresh()
    assert told == []  # no "permission denied" box on every refresh
    assert window.stack.currentWidget() is window.home is not window.tabs
    texts = [label.text() for label in window.home.findChildren(QLabel)]
    assert any("never sees a record" in t for t in texts)
    assert window.roster.rowCount() == 0 and window.my_model.rowCount() == 0
    assert not window.new_action.isVisible() and not window.search_action.isVisible()
    assert window.roll_action.isVisible()
    buttons = {b.accessibleName() for b in window.home.findChildren(QPushButton)}
    assert buttons == {"Settings", "Import pupil roll", "Files to destroy", "Lock"}
    assert not any(view.isVisible() for view in window.findChildren(QTableView))
    window.toggle_privacy()
    window.toggle_privacy()
    assert window.stack.currentWidget() is window.home
    window.grab().save(str(tmp_path / "admin.png"))

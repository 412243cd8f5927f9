"""Vault -> Retention and holds (DSL) and Files to destroy (administrator), by keyboard:
a hold set on one file and lifted, a destruction asked for and carried out by the second
person, who sees the request and never the record."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from cerecorder.domain.errors import NotFound
from cerecorder.domain.model import ChildDetails, Role
from cerecorder.domain.retention import ReviewState
from cerecorder.services import children, concerns, users
from cerecorder.services.session import Session
from cerecorder.ui.context import AppContext, UiSettings
from cerecorder.ui.retention_window import DestructionWindow, ReasonDialog, RetentionWindow

from helpers import FAST_KDF, STAFF_PASS, TAXONOMY, MockClock, content, switch_to

UI_DIR = Path(__file__).resolve().parent.parent / "ui"


def _type(qtbot: QtBot, box: object, text: str) -> None:
    box.setFocus()  # type: ignore[attr-defined]
    qtbot.keyClicks(box, text)


def test_a_hold_then_a_destruction_by_two_people(qtbot: QtBot, dsl: Session,
                                                  clock: MockClock, tmp_path: Path) -> None:
    clock.current = datetime(2031, 6, 1, 9, 0, tzinfo=UTC)
    old = children.add_child(dsl, ChildDetails("Amy", "Khan", date_of_birth=date(2005, 5, 1)))
    ben = children.add_child(dsl, ChildDetails("Ben", "Osei", date_of_birth=date(2016, 5, 1)))
    shared = concerns.record_concern(dsl, content((old, ben), clock))
    users.add_user(dsl, name="it", display_name="School IT", role=Role.ADMIN,
                   passphrase=STAFF_PASS)
    ctx = AppContext(clock=clock, taxonomy=TAXONOMY, settings=UiSettings(),
                     save_settings=lambda _: None, default_vault_dir=tmp_path,
                     demo_vault_dir=tmp_path, ui_dir=UI_DIR, kdf=FAST_KDF)
    window = RetentionWindow(ctx, dsl, 25)
    qtbot.addWidget(window)
    window.show()
    assert window.files.file(0).state is ReviewState.DUE and window.destroy_button.isEnabled()

    hold = window.set_hold()
    assert isinstance(hold, ReasonDialog)
    qtbot.keyClick(hold.reason, Qt.Key.Key_Return)  # nothing filled in: nothing recorded
    assert hold.isVisible() and "stay on record" in hold.message.text()
    _type(qtbot, hold.name, "Inquiry")
    _type(qtbot, hold.reason, "Letter of 01/05/2031")
    qtbot.keyClick(hold.reason, Qt.Key.Key_Return)
    assert not hold.isVisible()
    assert window.files.file(0).state is ReviewState.HELD
    assert not window.destroy_button.isEnabled()

    window.holds_view.selectRow(0)
    lift = window.lift_hold()
    assert lift is not None
    _type(qtbot, lift.reason, "Inquiry closed")
    qtbot.keyClick(lift.reason, Qt.Key.Key_Return)
    assert window.files.file(0).state is ReviewState.DUE

    ask = window.ask_destruction()
    assert ask is not None
    _type(qtbot, ask.reason, "Reviewed: no further need")
    qtbot.keyClick(ask.reason, Qt.Key.Key_Return)
    assert "waits for an administrator" in window.message.text()
    dsl.lock()

    it = switch_to(dsl, "it", STAFF_PASS)
    admin = DestructionWindow(it)
    qtbot.addWidget(admin)
    asked: list[str] = []
    admin.confirm = lambda question: asked.append(question) or False
    qtbot.keyClick(admin.carry_button, Qt.Key.Key_Space)
    assert asked and "cannot be undone" in asked[0]
    assert admin.model.index(0, 5).data() == "waiting"  # No: nothing destroyed
    admin.confirm = lambda question: True
    qtbot.keyClick(admin.carry_button, Qt.Key.Key_Space)
    assert "Destroyed:" in admin.message.text()
    assert f"Kept: 1 concern (#{shared}) also about other children" in admin.message.text()
    assert admin.model.index(0, 5).data().startswith("destroyed ")
    assert "Amy" not in " ".join(str(admin.model.index(0, c).data()) for c in range(6))
    with pytest.raises(NotFound), it.uow() as uow:
        uow.children.get(old)

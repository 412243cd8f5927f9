"""The attachments in the concern form and view (issue 16): added from a file or pasted
from the clipboard with the file's own hash, refusals said with nothing attached, removed
while a draft; listed and opened in the view from memory, a copy saved only by the audited
export."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtWidgets import QFileDialog, QPushButton
from pytestqt.qtbot import QtBot

from cerecorder import paths
from cerecorder.services import attachments, concerns
from cerecorder.services.session import Session
from cerecorder.ui.attachment_viewer import AttachmentsDialog, ImageViewer
from cerecorder.ui.concern_form import ConcernDialog
from cerecorder.ui.concern_view import ConcernViewDialog
from cerecorder.ui.context import AppContext, UiSettings
from test_ui_keys import _clashes

from helpers import FAST_KDF, TAXONOMY, MockClock, add_child, photo


def _ctx(tmp_path: Path, clock: MockClock) -> AppContext:
    return AppContext(clock=clock, taxonomy=TAXONOMY, settings=UiSettings(),
                      save_settings=lambda s: None, default_vault_dir=tmp_path / "v",
                      demo_vault_dir=tmp_path / "d", ui_dir=paths.ui_dir(), kdf=FAST_KDF)


def _form(qtbot: QtBot, tmp_path: Path, dsl: Session, clock: MockClock) -> ConcernDialog:
    form = ConcernDialog(_ctx(tmp_path, clock), dsl, child_ids=[add_child(dsl)])
    qtbot.addWidget(form)
    form.facts.setPlainText("She showed me messages on her phone at break.")
    form.when.set_moment(clock.now() - timedelta(hours=1))
    return form


def _stored(dsl: Session, form: ConcernDialog) -> list[str]:
    assert form.draft_id is not None
    return [a.sha256 for a in attachments.concern_attachments(dsl, form.draft_id)]


def test_a_chosen_file_and_a_pasted_screenshot_are_attached_with_their_hash(
        qtbot: QtBot, tmp_path: Path, dsl: Session, clock: MockClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    form = _form(qtbot, tmp_path, dsl, clock)
    assert _clashes(form) == []
    image = photo()
    source = tmp_path / "IMG_0042.jpg"
    source.write_bytes(image)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(source)], ""))
    qtbot.mouseClick(form.attachments.add_button, Qt.MouseButton.LeftButton)
    shot = QImage(64, 48, QImage.Format.Format_RGB32)
    shot.fill(QColor("teal"))
    QGuiApplication.clipboard().setImage(shot)
    form.attachments.list.setFocus()
    qtbot.keyClick(form.attachments.list, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    first, pasted = _stored(dsl, form)
    assert first == hashlib.sha256(image).hexdigest()
    _, data = attachments.read(dsl, attachments.concern_attachments(dsl, form.draft_id)[1].id)
    assert hashlib.sha256(data).hexdigest() == pasted
    assert QImage.fromData(data).size() == shot.size()
    rows = [form.attachments.list.item(i).text() for i in range(2)]
    assert rows[0].startswith("IMG_0042.jpg — JPEG") and rows[0].endswith(f"{first[:12]}…")
    assert rows[1].startswith("Screenshot ") and "PNG" in rows[1]
    assert form.attachments.message.text() == ""


def test_a_refused_file_is_said_and_nothing_is_attached(
        qtbot: QtBot, tmp_path: Path, dsl: Session, clock: MockClock) -> None:
    form = _form(qtbot, tmp_path, dsl, clock)
    program = tmp_path / "setup.exe"
    program.write_bytes(b"MZ\x90\x00" * 100)
    big = tmp_path / "huge.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(26 * 1024 * 1024))
    form.attachments.add_paths([program])
    assert "cannot be attached" in form.attachments.message.text()
    form.attachments.add_paths([big])
    assert "at most 25.0 MB" in form.attachments.message.text()
    assert _stored(dsl, form) == [] and form.attachments.list.count() == 0
    QGuiApplication.clipboard().setText("only words")
    form.attachments.paste()
    assert "no picture" in form.attachments.message.text()
    assert _stored(dsl, form) == []


def test_remove_takes_a_file_off_the_draft(
        qtbot: QtBot, tmp_path: Path, dsl: Session, clock: MockClock) -> None:
    form = _form(qtbot, tmp_path, dsl, clock)
    note = tmp_path / "note.txt"
    note.write_text("Written in the corridor.\n")
    form.attachments.add_paths([note])
    assert form.attachments.list.count() == 1
    form.attachments.list.setCurrentRow(0)
    qtbot.mouseClick(form.attachments.remove_button, Qt.MouseButton.LeftButton)
    assert form.attachments.list.count() == 0 and _stored(dsl, form) == []


def test_the_view_lists_opens_an_image_and_saves_an_audited_copy(
        qtbot: QtBot, tmp_path: Path, dsl: Session, clock: MockClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    form = _form(qtbot, tmp_path, dsl, clock)
    image = photo()
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(b"%PDF-1.4\n%%EOF\n")
    source = tmp_path / "IMG_0042.jpg"
    source.write_bytes(image)
    form.attachments.add_paths([source, letter])
    assert form.draft_id is not None
    concerns.submit(dsl, form.draft_id)
    view = ConcernViewDialog(_ctx(tmp_path, clock), dsl, form.draft_id)
    qtbot.addWidget(view)
    assert _clashes(view) == []
    [button] = [b for b in view.findChildren(QPushButton) if b.text() == "Attach&ments (2)…"]
    assert button.isVisibleTo(view)
    shown = AttachmentsDialog(view, dsl, form.draft_id, None)
    qtbot.addWidget(shown)
    assert _clashes(shown) == []
    assert shown.pane.list.item(0).text().endswith(hashlib.sha256(image).hexdigest())
    viewer = shown.open_current()
    assert isinstance(viewer, ImageViewer)
    qtbot.addWidget(viewer)
    pixmap = viewer.picture.pixmap()
    assert pixmap.size() == QImage.fromData(image).size()
    qtbot.keyClick(viewer, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert viewer.picture.pixmap().width() > pixmap.width()
    qtbot.keyClick(viewer, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert viewer.picture.pixmap().size() == pixmap.size()
    shown.pane.list.setCurrentRow(1)
    assert shown.open_current() is None and "Save a copy" in shown.pane.message.text()
    out = tmp_path / "copy.jpg"
    shown.pane.list.setCurrentRow(0)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    before = dsl.vault.conn.execute(
        "SELECT count(*) FROM audit WHERE action = 'exported'").fetchone()[0]
    qtbot.mouseClick(shown.pane.save_button, Qt.MouseButton.LeftButton)
    assert out.read_bytes() == image
    assert dsl.vault.conn.execute(
        "SELECT count(*) FROM audit WHERE action = 'exported'").fetchone()[0] == before + 1
    qtbot.mouseClick(shown.pane.save_button, Qt.MouseButton.LeftButton)
    assert "already exists" in shown.pane.message.text() and out.read_bytes() == image

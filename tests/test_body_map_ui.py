"""The body-map editor (issue 16): marks placed by keyboard or mouse, listed in words,
removed with Delete while a draft; read-only when shown with a submitted concern."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from cerecorder import paths
from cerecorder.domain.body_map import BodyMark, load_outlines, mark_summary
from cerecorder.services import body_maps, concerns
from cerecorder.services.session import Session
from cerecorder.ui.body_map import BodyMapEditor, MarkDialog
from cerecorder.ui.body_map_views import MapsOverTime
from cerecorder.ui.concern_form import ConcernDialog
from cerecorder.ui.concern_view import ConcernViewDialog
from cerecorder.ui.context import AppContext, UiSettings
from test_ui_keys import _clashes

from helpers import FAST_KDF, TAXONOMY, MockClock, add_child

OUTLINES = load_outlines(paths.bodymap_dir())


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mark form is filled in and accepted as a user would."""
    def exec_(dialog: MarkDialog) -> QDialog.DialogCode:
        dialog.kind.setCurrentIndex(2)  # burn
        dialog.size_cm.setValue(1.5)
        dialog.colour.setText("red")
        dialog.child_words.setPlainText("The iron")
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(MarkDialog, "exec", exec_)


def _editor(qtbot: QtBot, marks: list[BodyMark], read_only: bool = False) -> BodyMapEditor:
    editor = BodyMapEditor(None, OUTLINES, marks, read_only=read_only)
    qtbot.addWidget(editor)
    editor.resize(700, 520)
    editor.show()
    return editor


@pytest.mark.usefixtures("answered")
def test_the_keyboard_places_a_mark_where_the_cursor_is(qtbot: QtBot) -> None:
    editor = _editor(qtbot, [])
    editor.views.setCurrentIndex(1)  # the back
    editor.canvas.setFocus()
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Up):
        qtbot.keyClick(editor.canvas, key)
    qtbot.keyClick(editor.canvas, Qt.Key.Key_Return)
    [mark] = editor.marks()
    assert (mark.view, mark.kind, mark.size_cm, mark.colour, mark.child_words) == (
        "back", "burn", 1.5, "red", "The iron")
    assert (mark.x, mark.y) == pytest.approx((0.54, 0.48))
    assert editor.listing.item(0).text() == mark_summary(1, mark, OUTLINES)


@pytest.mark.usefixtures("answered")
def test_a_click_places_a_mark_at_the_point_clicked(qtbot: QtBot) -> None:
    editor = _editor(qtbot, [])
    box = editor.canvas.box()
    at = QPoint(round(box.left() + 0.25 * box.width()), round(box.top() + 0.75 * box.height()))
    qtbot.mouseClick(editor.canvas, Qt.MouseButton.LeftButton, pos=at)
    [mark] = editor.marks()
    assert (mark.x, mark.y) == pytest.approx((0.25, 0.75), abs=2 / box.height())


def test_delete_removes_the_chosen_mark_in_a_draft_only(qtbot: QtBot) -> None:
    marks = [BodyMark("front", 0.5, 0.3, "cut"), BodyMark("hands", 0.2, 0.6, "scratch")]
    editor = _editor(qtbot, marks)
    editor.listing.setCurrentRow(0)
    qtbot.keyClick(editor.listing, Qt.Key.Key_Delete)
    assert editor.marks() == marks[1:]
    assert editor.listing.item(0).text().startswith("1. Scratch, hands")
    shown = _editor(qtbot, marks, read_only=True)
    shown.listing.setCurrentRow(0)
    qtbot.keyClick(shown.listing, Qt.Key.Key_Delete)
    qtbot.keyClick(shown.canvas, Qt.Key.Key_Return)
    assert shown.marks() == marks and not shown.remove.isVisibleTo(shown)
    # a read-only map has one way out, Close, not a Cancel beside it
    buttons = [b.text() for b in shown.findChildren(QPushButton) if b.isVisibleTo(shown)]
    assert "Close" in buttons and "Cancel" not in buttons


def test_every_control_is_named_and_no_mnemonic_clashes(qtbot: QtBot) -> None:
    editor = _editor(qtbot, [])
    dialog = MarkDialog(editor, "front", 0.5, 0.5)
    qtbot.addWidget(dialog)
    for window in (editor, dialog):
        assert _clashes(window) == []
        for control in window.findChildren(QWidget):
            inside_a_spin_box = control.parent().inherits("QAbstractSpinBox")
            if (control.focusPolicy() != Qt.FocusPolicy.NoFocus and not inside_a_spin_box
                    and control.isVisibleTo(window)):
                assert control.accessibleName(), control


def test_the_concern_form_keeps_its_body_map_with_the_draft(
        qtbot: QtBot, tmp_path: Path, dsl: Session, clock: MockClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = AppContext(clock=clock, taxonomy=TAXONOMY, settings=UiSettings(),
                     save_settings=lambda s: None, default_vault_dir=tmp_path / "v",
                     demo_vault_dir=tmp_path / "d", ui_dir=paths.ui_dir(), kdf=FAST_KDF,
                     body_outlines=OUTLINES)
    mark = BodyMark("head_side", 0.3, 0.4, "bruise", 1.0, "blue", "Near the eye", "")

    def exec_(editor: BodyMapEditor) -> QDialog.DialogCode:
        editor.add_mark(mark)
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(BodyMapEditor, "exec", exec_)
    form = ConcernDialog(ctx, dsl, child_ids=[add_child(dsl)])
    qtbot.addWidget(form)
    assert _clashes(form) == []
    form.facts.setPlainText("A bruise near her eye, seen in class.")
    form.when.set_moment(clock.now() - timedelta(hours=1))
    qtbot.mouseClick(form.body_map.button, Qt.MouseButton.LeftButton)
    assert form.body_map.button.text() == "Body ma&p (1 mark)…"
    assert form.save_draft() and form.draft_id is not None
    assert body_maps.concern_maps(dsl, form.draft_id)[0].marks == (mark,)
    again = ConcernDialog(ctx, dsl, child_ids=[], draft_id=form.draft_id)
    qtbot.addWidget(again)
    assert again.body_map.marks == [mark]
    concerns.submit(dsl, form.draft_id)
    view = ConcernViewDialog(ctx, dsl, form.draft_id)
    qtbot.addWidget(view)
    assert _clashes(view) == []
    [button] = [b for b in view.findChildren(QPushButton) if b.text() == "&Body map…"]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    [shown] = view.findChildren(MapsOverTime)
    assert shown.maps.item(0).text().startswith("1. Original map: recorded by Dana Lead")
    assert shown.marks.item(0).text() == "Map 1, " + mark_summary(1, mark, OUTLINES)

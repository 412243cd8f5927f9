"""The body-map editor (issue 16): marks placed by keyboard or mouse, listed in words,
removed with Delete while a draft; read-only when shown with a submitted concern."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from cerecorder import paths
from cerecorder.domain.body_map import BodyMark, load_outlines, mark_summary
from cerecorder.ui.body_map import BodyMapEditor, MarkDialog
from test_ui_keys import _clashes

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

"""What is on screen: the lock and the privacy screen take every window out of sight at
once, and the privacy screen brings back exactly the windows that were showing.

Hiding a dialog that runs its own event loop (a message box, the print preview) ends that
loop unanswered, as Escape would: no question is left open behind a locked screen.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QGraphicsScene, QWidget
from shiboken6 import isValid


def shown_windows(*, besides: Iterable[QWidget] = ()) -> list[QWidget]:
    """Every visible top-level window but those named, the active one last (so that
    bringing them back in this order leaves it in front, with the focus)."""
    skip = {id(w) for w in besides}
    active = QApplication.activeWindow()
    shown = [w for w in QApplication.topLevelWidgets()
             if w.isVisible() and id(w) not in skip and w is not active]
    if active is not None and active.isVisible() and id(active) not in skip:
        shown.append(active)
    return shown


def hide_all(windows: list[QWidget]) -> None:
    for window in windows:
        window.hide()


def bring_back(windows: list[QWidget]) -> None:
    """Show again the windows hide_all took away, in their order; closed since: skipped."""
    alive = [w for w in windows if isValid(w)]  # a message box is gone once answered
    for window in alive:
        window.show()
    if alive:
        alive[-1].raise_()
        alive[-1].activateWindow()


def forget_records(window: QWidget) -> None:
    """A hidden window drops every row it listed and every node it drew, and stops
    telling anything: none of its slots (a dialog's finished -> refresh) runs on the
    locked session."""
    from cerecorder.ui.models import RowsModel  # not needed to paint the unlock window

    for model in window.findChildren(QAbstractItemModel):
        if isinstance(model, RowsModel):
            model.clear()
    for scene in window.findChildren(QGraphicsScene):  # a network view's drawing
        scene.clear()
    window.blockSignals(True)
    for child in window.findChildren(QWidget):
        if child.isWindow():
            child.blockSignals(True)


def share_actions(window: QWidget, actions: Iterable[QAction]) -> None:
    """Give a newly shown window the application-wide actions, so that their shortcuts
    also work while a modal dialog blocks the window that owns them."""
    present = set(window.actions())
    window.addActions([a for a in actions if a not in present])

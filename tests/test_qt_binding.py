"""The Qt binding itself: PySide6 6.12.0 dropped a reference to None on every call of a
method that returns nothing (QTimer.stop, QHeaderView.resizeSection, ...). On Python 3.11,
where None is an ordinary object, the desktop app then aborted with "deallocating None"
after a few thousand calls: resizing the chronology window a few times was enough."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot


def test_methods_returning_nothing_keep_none_alive(qtbot: QtBot) -> None:
    timer = QTimer()
    table = QTableView()
    qtbot.addWidget(table)
    header = table.horizontalHeader()
    before = sys.getrefcount(None)
    for _ in range(1000):
        timer.stop()
        header.resizeSection(0, 40)
    assert sys.getrefcount(None) - before > -100  # a few may go elsewhere; not 2,000

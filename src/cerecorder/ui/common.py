"""Helpers the windows share: sizing, names, UK dates and times, text boxes, tables."""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from html import escape

from PySide6.QtCore import QAbstractItemModel, QDate, QLocale, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QPlainTextEdit,
    QTableView,
    QWidget,
)

from cerecorder.domain.errors import CERecorderError
from cerecorder.domain.model import Role
from cerecorder.services import children, users
from cerecorder.services.session import Session
from cerecorder.ui.widgets import named

#: by name, not QLocale.Language/Country: turning those two enums of hundreds of members
#: into Python enums costs tens of milliseconds at start
UK = QLocale("en_GB")
DATE_FORMAT = "dd/MM/yyyy"

NOT_RECORDED = "Not recorded"


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Open at a comfortable size, but never larger than the screen (1366x768 at 150%
    leaves about 910x510 logical pixels)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        room = screen.availableGeometry()
        width = min(width, room.width() - 40)
        height = min(height, room.height() - 60)
    widget.resize(width, height)


def text_html(text: str) -> str:
    """User text as HTML: escaped, line breaks kept."""
    if not text.strip():
        return f"<i>{NOT_RECORDED}</i>"  # italic, not grey: grey text reads at 3.5:1
    return escape(text.strip()).replace("\n", "<br>")


def user_names(session: Session) -> dict[int, str]:
    """Display names the acting user may see.

    The DSL (and admin) may list users. A member of staff only opens their own concerns,
    and only they or a DSL can add an addendum to one, so anyone else is a DSL.
    """
    names: dict[int, str] = {session.user.id: session.user.display_name}
    if session.user.role in (Role.DSL, Role.ADMIN):
        with suppress(CERecorderError):
            names.update(users.display_names(session))
    return names


def name_of(names: dict[int, str], session: Session, user_id: int) -> str:
    if user_id in names:
        return names[user_id]
    if session.user.role is Role.STAFF:
        return "Designated Safeguarding Lead"
    return f"Former user #{user_id}"


def child_names(session: Session, ids: tuple[int, ...]) -> list[str]:
    try:
        roll = {c.id: c for c in children.list_children(session, include_left=True,
                                                         include_merged=True)}
    except CERecorderError:
        roll = {}
    return [roll[i].display_name if i in roll else f"Child #{i}" for i in ids]


# -- dates ---------------------------------------------------------------------------
# (times are typed into concern_fields.WhenField: one plain box, which Tab leaves)


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setLocale(UK)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setCalendarPopup(True)
    edit.setMaximumWidth(edit.fontMetrics().horizontalAdvance("00/00/0000") + 64)
    named(edit, name)
    return edit


def text_box(name: str, placeholder: str = "", height: int = 0) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setPlaceholderText(placeholder)
    if height:
        box.setMinimumHeight(height)
    named(box, name)
    return box


def ask_yes_no(parent: QWidget, question: str) -> bool:
    """A question whose safe answer, No, is the default."""
    answer = QMessageBox.question(
        parent, "CE Recorder", question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


class ListWindow(QDialog):
    """A window of lists whose rows open forms. Enter on a row has opened its form
    already: QDialog would also press the default button of any dialog it holds, the
    form just opened included, so Enter goes no further here."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)


def ok_cancel(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    named(ok, ok_text.replace("&", ""))
    named(buttons.button(QDialogButtonBox.StandardButton.Cancel), "Cancel")
    buttons.rejected.connect(dialog.reject)
    return buttons


def record_table(model: QAbstractItemModel, name: str, description: str = "") -> QTableView:
    """A read-only table of records: whole rows, one at a time, Tab leaves it, Enter or a
    double click activates the row."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)
    view.setWordWrap(True)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setResizeContentsPrecision(50)  # size columns from a sample
    named(view, name, description)
    return view


def cap_column(view: QTableView, column: int, most: int) -> None:
    """Keep a column of long text from pushing the dates out of sight (at 150% too)."""
    if view.columnWidth(column) > most:
        view.setColumnWidth(column, most)

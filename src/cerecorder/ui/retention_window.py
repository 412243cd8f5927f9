"""Retention (DSL: Vault -> Retention and holds): every file with its review date, legal
holds set and lifted, and a destruction asked for; and the administrator's part (Vault ->
Files to destroy): carrying out a destruction a DSL asked for, as the second person."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import Role
from cerecorder.domain.retention import DestructionRequest, LegalHold, RetentionRow, ReviewState
from cerecorder.domain.rules import MAX_NAME
from cerecorder.domain.timefmt import uk_date
from cerecorder.services import destruction, retention
from cerecorder.services.session import Session
from cerecorder.ui.common import ListWindow, ask_yes_no, fit_to_screen, ok_cancel, record_table
from cerecorder.ui.context import AppContext
from cerecorder.ui.models import ID_ROLE, RowsModel
from cerecorder.ui.widgets import add_row, message_label, named, telling


class FilesModel(RowsModel):
    HEADERS = ("Child", "Review", "Where it stands")

    def file(self, row: int) -> RetentionRow:
        return self._rows[row]  # type: ignore[no-any-return]

    def cell(self, item: RetentionRow, column: int, role: int) -> Any:
        if role == ID_ROLE:
            return item.child_id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (item.name, uk_date(item.review_on) if item.review_on else "-",
                    item.describe())[column]
        return None


class HoldsModel(RowsModel):
    HEADERS = ("Legal hold", "On", "From", "State")

    def __init__(self, names: dict[int, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names = names

    def hold(self, row: int) -> LegalHold:
        return self._rows[row]  # type: ignore[no-any-return]

    def cell(self, item: LegalHold, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            on = "every file" if item.child_id is None else self.names.get(item.child_id, "?")
            return (f"#{item.id} {item.name}: {item.reason}", on, uk_date(item.from_on),
                    "in force" if item.in_force else "lifted")[column]
        return None


class ReasonDialog(QDialog):
    """A name (for a hold) and a reason, both required."""

    def __init__(self, title: str, intro: str, *, with_name: bool, with_scope: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        label = QLabel(intro)
        label.setWordWrap(True)
        self.scope = QComboBox()
        self.name = QLineEdit()
        self.name.setMaxLength(MAX_NAME)
        self.name.setPlaceholderText("for example the inquiry's name")
        self.reason = QLineEdit()
        self.reason.setMaxLength(500)
        form = QFormLayout()
        if with_scope:
            self.scope.addItem(f"This file: {with_scope}", "one")
            self.scope.addItem("Every file in the vault", "all")
            add_row(form, "&On:", self.scope)
        if with_name:
            add_row(form, "&Name:", self.name)
        add_row(form, "&Reason:", self.reason)
        self.message = message_label()
        buttons = ok_cancel(self, "Re&cord")
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.with_name = with_name

    def accept(self) -> None:
        if (self.with_name and not self.name.text().strip()) or not self.reason.text().strip():
            self.message.setText("Fill in " + ("the name and " if self.with_name else "")
                                 + "the reason: they stay on record.")
            return
        super().accept()


class RetentionWindow(ListWindow):
    def __init__(self, ctx: AppContext, session: Session, years: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session, self.years = ctx, session, years
        #: asks a yes/no question; tests replace it instead of clicking a message box
        self.confirm: Callable[[str], bool] = lambda question: ask_yes_no(self, question)
        self.setWindowTitle("Retention and legal holds")
        intro = QLabel(f"A child's file is reviewed at the date of birth plus {years} years. "
                       "A legal hold stops destruction; destroying a file needs a second "
                       "person, an administrator.")
        intro.setWordWrap(True)
        intro.setObjectName("hintMessage")
        with session.uow() as uow:
            names = {c.id: c.display_name for c in uow.children.all(include_left=True)}
        self.files = FilesModel(self)
        self.files_view = record_table(self.files, "Files and their review",
                                       "Files due for review first")
        self.holds = HoldsModel(names, self)
        self.holds_view = record_table(self.holds, "Legal holds")
        self.holds_view.setMaximumHeight(self.fontMetrics().lineSpacing() * 8)
        self.hold_button = QPushButton("Set a &hold…")
        self.lift_button = QPushButton("&Lift the hold…")
        self.destroy_button = QPushButton("Ask to &destroy…")
        close = QPushButton("&Close")
        for button, name in ((self.hold_button, "Set a legal hold"),
                             (self.lift_button, "Lift the chosen legal hold"),
                             (self.destroy_button, "Ask for the chosen file to be destroyed"),
                             (close, "Close")):
            named(button, name)
            button.setAutoDefault(False)
        self.hold_button.clicked.connect(self.set_hold)
        self.lift_button.clicked.connect(self.lift_hold)
        self.destroy_button.clicked.connect(self.ask_destruction)
        close.clicked.connect(self.close)
        self.files_view.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.message = message_label()
        buttons = QHBoxLayout()
        for button in (self.hold_button, self.lift_button, self.destroy_button):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.files_view, stretch=1)
        layout.addWidget(self.holds_view)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        fit_to_screen(self, 860, 560)
        self.refresh()
        self.files_view.setFocus()

    def refresh(self) -> None:
        with telling(self, self.message):
            self.files.set_rows(retention.review_list(self.session, self.years))
            self.holds.set_rows(retention.holds(self.session))
        self.files_view.resizeColumnsToContents()
        if self.files.rowCount():
            self.files_view.selectRow(0)
        self._enable()

    def chosen(self) -> RetentionRow | None:
        index = self.files_view.currentIndex()
        return self.files.file(index.row()) if index.isValid() else None

    def _enable(self) -> None:
        row = self.chosen()
        self.destroy_button.setEnabled(row is not None and row.state is ReviewState.DUE)
        self.lift_button.setEnabled(any(h.in_force for h in self.holds._rows))

    def set_hold(self) -> ReasonDialog | None:
        row = self.chosen()
        dialog = ReasonDialog("Set a legal hold", "Nothing under a legal hold can be "
                              "destroyed until the hold is lifted.", with_name=True,
                              with_scope=row.name if row else "", parent=self)

        def done() -> None:
            child = row.child_id if row and dialog.scope.currentData() == "one" else None
            with telling(self, self.message):
                try:
                    retention.set_hold(self.session, child, dialog.name.text(),
                                       dialog.reason.text())
                except InvalidInput as exc:
                    self.message.setText(str(exc))
            self.refresh()

        dialog.accepted.connect(done)
        dialog.open()
        return dialog

    def lift_hold(self) -> ReasonDialog | None:
        index = self.holds_view.currentIndex()
        hold = self.holds.hold(index.row()) if index.isValid() else next(
            (h for h in self.holds._rows if h.in_force), None)
        if hold is None or not hold.in_force:
            self.message.setText("Choose a hold in force in the list of holds first.")
            return None
        dialog = ReasonDialog("Lift a legal hold", f"Lift hold #{hold.id} ({hold.name})?",
                              with_name=False, parent=self)

        def done() -> None:
            with telling(self, self.message):
                try:
                    retention.lift_hold(self.session, hold.id, dialog.reason.text())
                except InvalidInput as exc:
                    self.message.setText(str(exc))
            self.refresh()

        dialog.accepted.connect(done)
        dialog.open()
        return dialog

    def ask_destruction(self) -> ReasonDialog | None:
        row = self.chosen()
        if row is None:
            return None
        dialog = ReasonDialog("Ask for a file to be destroyed",
                              f"{row.name}'s file was due for review on "
                              f"{uk_date(row.review_on) if row.review_on else '-'}. An "
                              "administrator carries the destruction out; it cannot be undone.",
                              with_name=False, parent=self)

        def done() -> None:
            with telling(self, self.message):
                try:
                    request = destruction.request_destruction(
                        self.session, row.child_id, dialog.reason.text(), self.years)
                    self.message.setText(f"Destruction request #{request} waits for an "
                                         "administrator.")
                except InvalidInput as exc:
                    self.message.setText(str(exc))

        dialog.accepted.connect(done)
        dialog.open()
        return dialog


class RequestsModel(RowsModel):
    HEADERS = ("Request", "Child record", "Review date", "Asked", "Reason", "State")

    def request(self, row: int) -> DestructionRequest:
        return self._rows[row]  # type: ignore[no-any-return]

    def cell(self, item: DestructionRequest, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            state = (f"destroyed {uk_date(item.destroyed_at.date())}" if item.destroyed_at
                     else "waiting")
            return (f"#{item.id}", f"#{item.child_id}", item.review_text,
                    uk_date(item.requested_at.date()), item.reason, state)[column]
        return None


class DestructionWindow(ListWindow):
    """The administrator's part: no record is shown, only the request."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.confirm: Callable[[str], bool] = lambda question: ask_yes_no(self, question)
        self.setWindowTitle("Files to destroy")
        intro = QLabel("A DSL asked for these files to be destroyed after their review. "
                       "Carrying one out removes the child's record and file for good; the "
                       "certificate stays in the audit.")
        intro.setWordWrap(True)
        intro.setObjectName("hintMessage")
        self.model = RequestsModel(self)
        self.view = record_table(self.model, "Destruction requests")
        self.carry_button = QPushButton("Carry &out…")
        close = QPushButton("&Close")
        for button, name in ((self.carry_button, "Carry out the chosen destruction"),
                             (close, "Close")):
            named(button, name)
            button.setAutoDefault(False)
        self.carry_button.clicked.connect(self.carry_out)
        close.clicked.connect(self.close)
        self.message = message_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.carry_button)
        buttons.addStretch()
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, stretch=1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        fit_to_screen(self, 820, 400)
        self.refresh()
        self.view.setFocus()

    def refresh(self) -> None:
        with telling(self, self.message):
            self.model.set_rows(destruction.requests(self.session))
        self.view.resizeColumnsToContents()
        if self.model.rowCount():
            self.view.selectRow(0)

    def carry_out(self) -> None:
        index = self.view.currentIndex()
        if not index.isValid():
            self.message.setText("Choose a request first.")
            return
        request = self.model.request(index.row())
        if request.done:
            self.message.setText(f"Request #{request.id} was carried out already.")
            return
        if not self.confirm(f"Destroy child record #{request.child_id} and its whole file "
                            "for good? This cannot be undone."):
            return
        with telling(self, self.message):
            try:
                self.message.setText(destruction.carry_out(self.session, request.id)
                                     .describe())
            except InvalidInput as exc:
                self.message.setText(str(exc))
        self.refresh()


def retention_action(ctx: AppContext, session: Session, parent: QWidget,
                     years: int) -> QAction:
    """Vault -> Retention and holds (DSL), or Files to destroy (administrator)."""
    admin = session.user.role is Role.ADMIN
    action = QAction("Files to &destroy…" if admin else "Retention and &holds…", parent)
    action.setStatusTip("Carry out destructions a DSL asked for" if admin else
                        "Files due for review, legal holds and destruction")

    def run() -> None:
        window: QDialog = (DestructionWindow(session, parent) if admin
                           else RetentionWindow(ctx, session, years, parent))
        window.open()

    action.triggered.connect(run)
    action.setVisible(session.user.role in (Role.DSL, Role.ADMIN))
    return action

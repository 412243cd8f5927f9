"""Settings: the idle lock, one's own passphrase and, for the DSL or admin, the users."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.errors import CERecorderError
from cerecorder.domain.model import Role, User
from cerecorder.domain.rules import MAX_NAME
from cerecorder.domain.transfers import AfterTransfer
from cerecorder.services import handover, transfer_records, users
from cerecorder.services.session import Session
from cerecorder.ui.common import ask_yes_no, fit_to_screen, ok_cancel
from cerecorder.ui.context import AppContext
from cerecorder.ui.handover_settings import HandoverSection
from cerecorder.ui.models import ID_ROLE, ModelIndex, RowsModel
from cerecorder.ui.rotation import RotationWorker, remove_user_with_progress
from cerecorder.ui.term_dates import TermDatesSection
from cerecorder.ui.widgets import (
    POLICY_TEXT,
    StrengthMeter,
    add_row,
    message_label,
    named,
    password_field,
    telling,
)

ROLE_LABELS = {
    Role.STAFF: "Member of staff",
    Role.DSL: "DSL or deputy DSL",
    Role.ADMIN: "Administrator (IT: sees no records)",
}



class UsersModel(RowsModel):
    HEADERS = ("User name", "Full name", "Role")

    def user(self, index: ModelIndex) -> User:
        return self._rows[index.row()]  # type: ignore[no-any-return]

    def cell(self, item: User, column: int, role: int) -> Any:
        if role == ID_ROLE:
            return item.id
        if role == Qt.ItemDataRole.DisplayRole:
            return (item.name, item.display_name, ROLE_LABELS[item.role])[column]
        return None


def _scrolled(page: QWidget) -> QScrollArea:
    """A settings page that scrolls rather than squeezes its rows onto one another when
    the screen is small (1366x768 at 150% leaves about 510 logical pixels)."""
    scroll = QScrollArea()
    scroll.setWidget(page)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the settings inside
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return scroll


class _PassphrasePair:
    """A new passphrase typed twice, with the strength meter under the first."""

    def __init__(self, form: QFormLayout, first_label: str = "&New passphrase:") -> None:
        self.first = password_field("New passphrase")
        self.second = password_field("New passphrase again")
        self.meter = StrengthMeter()
        self.meter.bar.setMaximumHeight(8)  # a meter, not something to type into
        self.first.textChanged.connect(self.meter.update_for)
        add_row(form, first_label, self.first)
        form.addRow("", self.meter)
        add_row(form, "A&gain:", self.second)

    def problem(self) -> str:
        if not self.first.text():
            return "Type the new passphrase."
        if self.first.text() != self.second.text():
            return "The two passphrases differ."
        return ""

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()


class ChangePassphraseDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Change my passphrase")
        self.setMinimumWidth(480)
        intro = QLabel(f"A new passphrase for {session.user.display_name} "
                       f"({session.user.name}). It takes effect at the next unlock.")
        intro.setWordWrap(True)
        form = QFormLayout()
        self.pair = _PassphrasePair(form)
        self.message = message_label()
        buttons = ok_cancel(self, "&Change passphrase")
        buttons.accepted.connect(self.change)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def change(self) -> None:
        problem = self.pair.problem()
        if problem:
            self.message.setText(problem)
            return
        with telling(self, self.message) as attempt:
            users.change_passphrase(self.session, self.pair.first.text())
        if not attempt.ok:
            return
        self.pair.clear()
        self.accept()


class AddUserDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.user: User | None = None
        self.setWindowTitle("Add a user")
        self.setMinimumWidth(500)
        self.name = QLineEdit()
        self.name.setPlaceholderText("for example jsmith")
        self.full_name = QLineEdit()
        self.full_name.setPlaceholderText("for example Jo Smith")
        self.role = QComboBox()
        for role in (Role.STAFF, Role.DSL, Role.ADMIN):
            self.role.addItem(ROLE_LABELS[role], role)
        form = QFormLayout()
        add_row(form, "&User name:", self.name)
        add_row(form, "&Full name:", self.full_name)
        add_row(form, "&Role:", self.role)
        self.pair = _PassphrasePair(form, "&Passphrase:")
        hint = QLabel("Give the passphrase to them in person; they can change it in "
                      "Settings after their first unlock.")
        hint.setObjectName("hintMessage")
        hint.setWordWrap(True)
        self.message = message_label()
        buttons = ok_cancel(self, "&Add user")
        buttons.accepted.connect(self.add)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def add(self) -> None:
        if not self.name.text().strip():
            self.message.setText("Give the user a user name.")
            self.name.setFocus()
            return
        problem = self.pair.problem()
        if problem:
            self.message.setText(problem)
            return
        with telling(self, self.message) as attempt:
            self.user = users.add_user(
                self.session, name=self.name.text(), display_name=self.full_name.text(),
                role=Role(self.role.currentData()), passphrase=self.pair.first.text())
        if not attempt.ok:
            return
        self.pair.clear()
        self.accept()


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session = ctx, session
        self.manages_users = session.user.role in (Role.DSL, Role.ADMIN)
        #: asks a yes/no question; tests replace it instead of clicking a message box
        self.confirm: Callable[[str], bool] = lambda question: ask_yes_no(self, question)
        #: a removal's key rotation, running on its own thread
        self.rotation: RotationWorker | None = None
        self.setWindowTitle("Settings")
        self.setMinimumWidth(560)

        self.idle = QSpinBox()
        self.idle.setRange(1, 60)
        self.idle.setSuffix(" minutes")
        self.idle.valueChanged.connect(
            lambda n: self.idle.setSuffix(" minute" if n == 1 else " minutes"))
        self.idle.setValue(max(1, min(60, ctx.settings.idle_lock_minutes)))
        self.idle.setMaximumWidth(self.idle.fontMetrics().horizontalAdvance("60 minutes") + 48)
        general = QGroupBox("This computer")
        general_form = QFormLayout(general)
        add_row(general_form, "&Lock after:", self.idle,
                "Minutes without use before the vault locks itself")
        lock_hint = QLabel("The vault locks itself after this long without use. Ctrl+L locks "
                           "it at once.")
        lock_hint.setObjectName("hintMessage")
        lock_hint.setWordWrap(True)
        general_form.addRow(lock_hint)
        if "idle_lock_minutes" in ctx.policy_fixed:
            self.idle.setEnabled(False)
            self.idle.setToolTip(POLICY_TEXT)
            lock_hint.setText(f"{POLICY_TEXT}. The vault locks itself after this long "
                              "without use. Ctrl+L locks it at once.")

        mine = QGroupBox(f"You: {session.user.display_name} ({session.user.name})")
        mine_layout = QVBoxLayout(mine)
        self.passphrase_button = QPushButton("Change my &passphrase…")
        named(self.passphrase_button, "Change my passphrase")
        self.passphrase_button.clicked.connect(self.change_passphrase)
        forgotten = QLabel("Forgotten a passphrase? Use \u201cForgotten passphrase\u201d on the "
                           "unlock screen with the school's recovery key.")
        forgotten.setObjectName("hintMessage")
        forgotten.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.passphrase_button)
        row.addStretch()
        mine_layout.addLayout(row)
        mine_layout.addWidget(forgotten)

        self.message = message_label()
        #: what went right (the hint colour), beside the message of what went wrong (red)
        self.notice = message_label("hintMessage")
        general_page = QWidget()
        layout = QVBoxLayout(general_page)
        layout.addWidget(general)
        self.school: QLineEdit | None = None
        if session.user.role is Role.DSL:
            layout.addWidget(self._vault_box())
        if ctx.policy_summary:
            layout.addWidget(self._policy_box(ctx.policy_summary))
        layout.addWidget(mine)

        self.users_model = UsersModel(self)
        self.users_view = QTableView()
        self.users_view.setModel(self.users_model)
        self.users_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.users_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.users_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.users_view.setTabKeyNavigation(False)
        self.users_view.setAlternatingRowColors(True)
        self.users_view.verticalHeader().setVisible(False)
        self.users_view.horizontalHeader().setStretchLastSection(True)
        named(self.users_view, "Users")
        line = self.fontMetrics().lineSpacing()
        self.users_view.setMinimumHeight(line * 6)
        self.users_view.verticalHeader().setDefaultSectionSize(line + 10)
        self.add_button = QPushButton("&Add user…")
        self.remove_button = QPushButton("&Remove user")
        named(self.add_button, "Add user")
        named(self.remove_button, "Remove the selected user")
        self.add_button.clicked.connect(self.add_user)
        self.remove_button.clicked.connect(self.remove_selected)
        if self.manages_users:
            people = QGroupBox("Users of this vault")
            people_layout = QVBoxLayout(people)
            people_layout.addWidget(self.users_view)
            buttons_row = QHBoxLayout()
            buttons_row.addWidget(self.add_button)
            buttons_row.addWidget(self.remove_button)
            buttons_row.addStretch()
            people_layout.addLayout(buttons_row)
            rotate = QLabel("Removing a user also changes the vault's key, so an old copy of "
                            "their passphrase opens nothing new.")
            rotate.setObjectName("hintMessage")
            rotate.setWordWrap(True)
            people_layout.addWidget(rotate)
            layout.addWidget(people, stretch=1)
            self.refresh_users()
        else:
            layout.addStretch()

        self.tabs = QTabWidget()
        named(self.tabs, "Settings sections")
        self.tabs.addTab(_scrolled(general_page), "&General")
        #: sealed handover between laptops; an administrator handles no records
        self.handover = (None if session.user.role is Role.ADMIN
                         else HandoverSection(ctx, session, lambda q: self.confirm(q), self))
        if self.handover is not None:
            self.tabs.addTab(_scrolled(self.handover), "&Handover")
        #: the school's terms, which deadlines count in (DSL or administrator)
        self.term_dates = (TermDatesSection(ctx, session, ctx.bank_holidays,
                                            lambda q: self.confirm(q), self)
                           if self.manages_users and ctx.bank_holidays is not None else None)
        if self.term_dates is not None:
            self.tabs.addTab(self.term_dates, "Term &dates")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addWidget(self.tabs)
        outer.addWidget(self.message)
        outer.addWidget(self.notice)
        outer.addWidget(buttons)
        rows = len(ctx.policy_summary) * self.fontMetrics().lineSpacing() * 3 // 2 + 40 \
            if ctx.policy_summary else 0
        rows += 90 if self.school is not None else 0
        fit_to_screen(self, 640, (600 if self.manages_users else 460) + rows)
        if self.idle.isEnabled():
            self.idle.setFocus()
        else:
            self.passphrase_button.setFocus()

    def _vault_box(self) -> QGroupBox:
        """The DSL's settings of the vault itself, shared by every computer that opens it."""
        box = QGroupBox("This vault")
        form = QFormLayout(box)
        self.school = QLineEdit(handover.school_name(self.session))
        self.school.setMaxLength(MAX_NAME)
        self.school.setPlaceholderText("for example: Riverside Academy")
        add_row(form, "School &name:", self.school,
                "Printed on every handover document's cover and pages")
        hint = QLabel("Printed on the cover of every chronology and concern record.")
        if "school_name" in self.ctx.policy_fixed:
            self.school.setReadOnly(True)
            self.school.setToolTip(POLICY_TEXT)
            hint.setText(f"{POLICY_TEXT}: its school name is printed on every document.")
        hint.setObjectName("hintMessage")
        hint.setWordWrap(True)
        form.addRow(hint)
        self.after_transfer = QComboBox()
        for choice in AfterTransfer:
            self.after_transfer.addItem(choice.label.capitalize(), choice.value)
        kept = transfer_records.after_transfer(self.session, self.ctx.after_transfer)
        self.after_transfer.setCurrentIndex(self.after_transfer.findData(kept.value))
        add_row(form, "After a tran&sfer, keep:", self.after_transfer,
                "What this school keeps of a child's file once the receiving school "
                "acknowledged it")
        if "after_transfer" in self.ctx.policy_fixed:
            self.after_transfer.setEnabled(False)
            self.after_transfer.setToolTip(POLICY_TEXT)
        return box

    def _policy_box(self, summary: tuple[tuple[str, str], ...]) -> QGroupBox:
        """What school IT's policy file fixes on this computer: shown, not editable."""
        box = QGroupBox(POLICY_TEXT)
        form = QFormLayout(box)
        for label, value in summary:
            shown = QLabel(value)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            named(shown, f"{label}, set by your school's IT policy")
            form.addRow(f"{label}:", shown)
        return box

    # -- users ------------------------------------------------------------------------

    def refresh_users(self) -> None:
        try:
            self.users_model.set_rows(users.list_users(self.session))
        except CERecorderError as exc:
            self.message.setText(str(exc))
            return
        self.users_view.resizeColumnsToContents()
        self.users_view.horizontalHeader().setStretchLastSection(True)

    def selected_user(self) -> User | None:
        index = self.users_view.currentIndex()
        return self.users_model.user(index) if index.isValid() else None

    def add_user(self) -> AddUserDialog:
        dialog = AddUserDialog(self.session, self)
        dialog.accepted.connect(self.refresh_users)
        dialog.open()
        return dialog

    def remove_selected(self) -> None:
        user = self.selected_user()
        if user is None:
            self.message.setText("Choose a user in the list first.")
            return
        if not self.confirm(
                f"Remove {user.display_name} ({user.name})?\n\n"
                "Removing a user rotates the vault's keys: their passphrase stops working, "
                "every remaining user keeps theirs, and the vault's signing key changes. "
                "What they recorded stays."):
            return
        self.rotation = remove_user_with_progress(self, self.session, user.id, self._removed)

    def _removed(self, problem: Exception | None) -> None:
        self.rotation = None
        if problem is not None and not isinstance(problem, CERecorderError):
            raise problem
        self.message.setText("" if problem is None else str(problem))  # "not yourself"
        self.notice.setText(
            "" if problem is not None else
            "The user was removed and the vault's signing key changed. If staff laptops "
            "seal for this vault, export its recipient card again (Handover) and give it "
            "to them now.")
        self.refresh_users()

    # -- own passphrase and settings ------------------------------------------------------

    def change_passphrase(self) -> ChangePassphraseDialog:
        dialog = ChangePassphraseDialog(self.session, self)
        dialog.open()
        return dialog

    def save(self) -> None:
        if self.school is not None and self.after_transfer.isEnabled():
            chosen = AfterTransfer(self.after_transfer.currentData())
            if chosen is not transfer_records.after_transfer(self.session):
                with telling(self, self.message) as attempt:
                    transfer_records.set_after_transfer(self.session, chosen)
                if not attempt.ok:
                    return
        if (self.school is not None and not self.school.isReadOnly()
                and self.school.text().strip() != handover.school_name(self.session)):
            with telling(self, self.message) as attempt:
                handover.set_school_name(self.session, self.school.text())
            if not attempt.ok:
                return
        self.ctx.settings.idle_lock_minutes = self.idle.value()
        if self.handover is not None:
            self.handover.save_into(self.ctx.settings)
        self.ctx.save_settings(self.ctx.settings)  # logs, never raises: a setting is no record
        self.accept()

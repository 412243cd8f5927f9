"""Unlock: user, passphrase, plain messages, back-off, and the forgotten-passphrase path."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.errors import EnvironmentProblem, WrongPassphrase
from cerecorder.services import session
from cerecorder.services.session import Session
from cerecorder.ui.context import AppContext
from cerecorder.ui.widgets import StrengthMeter, add_row, message_label, password_field


class UnlockDialog(QDialog):
    unlocked = Signal(object)  # Session

    def __init__(self, ctx: AppContext, folder: Path, *, demo: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.folder = ctx, folder
        self.session: Session | None = None
        self.setWindowTitle("Unlock CE Recorder" + (" [DEMO]" if demo else ""))
        self.setMinimumWidth(440)

        self.user = QComboBox()
        self.user.setEditable(True)
        try:
            names = session.vault_user_names(folder)
        except EnvironmentProblem:
            names = []
        self.user.addItems(names)
        if ctx.settings.last_user in names:
            self.user.setCurrentText(ctx.settings.last_user)
        elif len(names) > 1:
            # nobody remembered on a shared vault: the person types their own name, never
            # their passphrase against whichever user happens to be listed first
            self.user.setCurrentIndex(-1)
        self.passphrase = password_field("Passphrase")
        self.message = message_label()  # what went wrong: always in the error colour
        #: what may help (the demo's passphrase), apart from the errors
        self.hint = message_label("hintMessage")
        self.hint.setAccessibleName("Hint")
        self.retry_timer = QTimer(self)
        self.retry_timer.setSingleShot(True)
        self.retry_timer.timeout.connect(self._allow_retry)

        title = QLabel(f"Vault: {folder}")
        title.setWordWrap(True)
        title.setObjectName("hintMessage")
        form = QFormLayout()
        add_row(form, "&User:", self.user)
        add_row(form, "&Passphrase:", self.passphrase)

        self.buttons = QDialogButtonBox()
        # no Alt+U: that is the user name's
        self.unlock_button = self.buttons.addButton(
            "U&nlock", QDialogButtonBox.ButtonRole.AcceptRole)
        self.unlock_button.setAccessibleName("Unlock")
        self.forgot_button = QPushButton("&Forgotten passphrase…")
        self.forgot_button.setAccessibleName("Forgotten passphrase")
        self.forgot_button.setAutoDefault(False)  # Enter unlocks, wherever the focus is
        self.buttons.addButton(self.forgot_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.try_unlock)
        self.buttons.rejected.connect(self.reject)
        self.forgot_button.clicked.connect(self.recover)

        layout = QVBoxLayout(self)
        if demo:
            badge = QLabel("DEMO: fictional pupils, for training")
            badge.setObjectName("demoBadge")
            layout.addWidget(badge)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        # only once the button is in the dialog does the dialog know its default button
        self.unlock_button.setDefault(True)
        (self.passphrase if self.user.currentText() else self.user).setFocus()

    def try_unlock(self) -> None:
        name = self.user.currentText().strip()
        if not name:
            self.message.setText("Choose your user name.")
            return
        try:
            self.session = session.unlock(
                self.folder, user_name=name, passphrase=self.passphrase.text(),
                clock=self.ctx.clock, taxonomy=self.ctx.taxonomy,
                anchor_folders=self.ctx.anchor_folders,
            )
        except session.UnlockBackoff as exc:
            self._back_off(exc)
            return
        except WrongPassphrase:
            self.passphrase.clear()
            self.message.setText("That passphrase is not right. Check Caps Lock and try again.")
            self._check_backoff(name)
            return
        except EnvironmentProblem as exc:
            self.message.setText(str(exc))
            return
        finally:
            self.passphrase.setFocus()
        self.ctx.settings.last_user = name
        self.ctx.save_settings(self.ctx.settings)
        self.unlocked.emit(self.session)
        self.accept()

    def _check_backoff(self, name: str) -> None:
        remaining = session.backoff_remaining(self.folder, name, self.ctx.clock)
        if remaining.total_seconds() > 0:
            self._back_off(session.UnlockBackoff(remaining))

    def _back_off(self, exc: session.UnlockBackoff) -> None:
        self.message.setText(str(exc))
        self.unlock_button.setEnabled(False)
        self.retry_timer.start(int(exc.wait.total_seconds() * 1000) + 1)

    def _allow_retry(self) -> None:
        self.unlock_button.setEnabled(True)
        self.message.setText("You can try again now.")

    def recover(self) -> None:
        dialog = RecoveryDialog(self.ctx, self.folder, self.user.currentText(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.session is not None:
            self.session = dialog.session
            self.unlocked.emit(self.session)
            self.accept()


class RecoveryDialog(QDialog):
    """The recovery key opens the vault; the user then sets a new passphrase."""

    def __init__(self, ctx: AppContext, folder: Path, user_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.folder = ctx, folder
        self.session: Session | None = None
        self.setWindowTitle("Forgotten passphrase")
        self.setMinimumWidth(520)
        intro = QLabel(
            "Type the recovery key the school keeps in its safe, then choose a new "
            "passphrase. Letters may be typed in either case; dashes are optional.")
        intro.setWordWrap(True)
        self.key = QLineEdit()
        self.key.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.user = QLineEdit(user_name)
        self.new1 = password_field("New passphrase")
        self.new2 = password_field("New passphrase again")
        self.meter = StrengthMeter()
        self.new1.textChanged.connect(self.meter.update_for)
        self.message = message_label()
        form = QFormLayout()
        add_row(form, "&Recovery key:", self.key)
        add_row(form, "&User:", self.user)
        add_row(form, "&New passphrase:", self.new1)
        form.addRow("", self.meter)
        add_row(form, "&Again:", self.new2)
        # ui.common (and the Qt namespace's hundreds of enums it loads) is not needed to
        # paint the unlock window at start: it comes in with this dialog or the main window
        from cerecorder.ui.common import ok_cancel

        buttons = ok_cancel(self, "&Set passphrase")
        buttons.accepted.connect(self.try_recover)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(buttons)
        layout.addLayout(row)

    def try_recover(self) -> None:
        if self.new1.text() != self.new2.text():
            self.message.setText("The two new passphrases differ.")
            return
        try:
            self.session = session.unlock_with_recovery_key(
                self.folder, recovery_key=self.key.text(), user_name=self.user.text().strip(),
                new_passphrase=self.new1.text(), clock=self.ctx.clock,
                taxonomy=self.ctx.taxonomy, kdf=self.ctx.kdf,
                anchor_folders=self.ctx.anchor_folders,
            )
        except EnvironmentProblem as exc:
            self.message.setText(str(exc))
            return
        self.accept()

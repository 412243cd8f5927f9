"""First run: create a school vault (a wizard) or open the demo vault."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF, Qt, Signal
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from cerecorder.domain.errors import EnvironmentProblem
from cerecorder.domain.model import Role
from cerecorder.domain.timefmt import uk_datetime
from cerecorder.services import session
from cerecorder.services.session import Session
from cerecorder.ui.context import AppContext
from cerecorder.ui.widgets import StrengthMeter, add_row, message_label, named, password_field


class StartDialog(QDialog):
    """What a newcomer sees first."""

    CREATE, DEMO, OPEN = 1, 2, 3

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.choice = 0
        self.chosen_folder: Path | None = None
        self.setWindowTitle("Welcome to CE Recorder")
        title = QLabel("CE Recorder")
        title.setObjectName("pageTitle")
        intro = QLabel(
            "Record safeguarding concerns, above all signs of child criminal and sexual "
            "exploitation, and keep each child's chronology. Everything stays on this "
            "computer, encrypted.")
        intro.setWordWrap(True)
        create = QPushButton("&Create a school vault…")
        create.setObjectName("primary")
        demo = QPushButton("Open the &demo vault (fictional pupils)")
        existing = QPushButton("&Open an existing vault…")
        for button, name, value in ((create, "Create a school vault", self.CREATE),
                                    (demo, "Open the demo vault", self.DEMO),
                                    (existing, "Open an existing vault", self.OPEN)):
            named(button, name)
            button.clicked.connect(lambda _=False, v=value: self._choose(v))
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(8)
        for button in (create, demo, existing):
            layout.addWidget(button)
        demo.setVisible(ctx.offer_demo)  # school IT may withdraw it (policy offer_demo)
        create.setFocus()

    def _choose(self, value: int) -> None:
        if value == self.OPEN:
            folder = self.ctx.file_dialogs.folder(self, "Open a vault folder",
                                                  self.ctx.default_vault_dir.parent)
            if folder is None:
                return
            self.chosen_folder = folder
        self.choice = value
        self.accept()


def recovery_sheet_html(recovery_key: str, vault: Path, when: str) -> str:
    return (
        "<h1>CE Recorder recovery key</h1>"
        f"<p>Vault: {escape(str(vault))}<br>Created: {when}</p>"
        f"<p style='font-size: 20pt; font-family: monospace'><b>{recovery_key}</b></p>"
        "<p>This key opens the vault if every passphrase is forgotten. Keep it in the "
        "school safe, away from the computer. Anyone holding it and a copy of the vault "
        "can read every record.</p>"
    )


def write_recovery_pdf(path: Path, html: str) -> None:
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(20, 20, 20, 20), QPageLayout.Unit.Millimeter)
    writer.setTitle("CE Recorder recovery key")
    document = QTextDocument()
    document.setHtml(html)
    document.setPageSize(writer.pageLayout().paintRectPixels(writer.resolution()).size()
                         .toSizeF())
    document.print_(writer)


class LocationPage(QWizardPage):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setTitle("Where the vault lives")
        self.setSubTitle("A folder on this computer. It will hold the encrypted records; "
                         "back it up with cerecorder-admin backup.")
        self.path = QLineEdit(str(ctx.default_vault_dir))
        browse = QPushButton("&Browse…")
        named(browse, "Browse for a folder")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path)
        row.addWidget(browse)
        form = QFormLayout(self)
        caption = QLabel("&Folder:")
        caption.setBuddy(self.path)
        named(self.path, "Vault folder")
        form.addRow(caption, row)
        self.registerField("folder*", self.path)

    def _browse(self) -> None:
        chosen = self.ctx.file_dialogs.folder(self, "Vault folder", Path(self.path.text()).parent)
        if chosen is not None:
            self.path.setText(str(chosen / "CE Recorder vault"))


class UserPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("The first Designated Safeguarding Lead")
        self.setSubTitle("This user can add staff, deputies and IT later.")
        self.login = QLineEdit()
        self.display = QLineEdit()
        self.login.setPlaceholderText("for example jsmith")
        self.display.setPlaceholderText("for example Jo Smith (DSL)")
        form = QFormLayout(self)
        add_row(form, "&User name:", self.login)
        add_row(form, "&Full name:", self.display)
        self.registerField("login*", self.login)
        self.registerField("display", self.display)


class PassphrasePage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Your passphrase")
        self.setSubTitle("It unlocks the vault. Nobody, not even IT, can recover it: the "
                         "recovery key on the next page is the only way back in.")
        self.first = password_field("Passphrase")
        self.second = password_field("Passphrase again")
        self.meter = StrengthMeter()
        self.message = message_label()
        form = QFormLayout(self)
        add_row(form, "&Passphrase:", self.first)
        form.addRow("", self.meter)
        add_row(form, "&Again:", self.second)
        form.addRow(self.message)
        self.first.textChanged.connect(self._changed)
        self.second.textChanged.connect(self._changed)
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Create vault")

    def _changed(self) -> None:
        self.meter.update_for(self.first.text())
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return (self.meter.bar.value() >= 1 and bool(self.first.text())
                and self.first.text() == self.second.text())

    def validatePage(self) -> bool:
        try:
            self._wizard.create_vault(self.first.text())
        except EnvironmentProblem as exc:
            self.message.setText(str(exc))
            return False
        self.first.clear()
        self.second.clear()
        return True


class RecoveryPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("The recovery key")
        self.setSubTitle("Shown once. Print it or save it as a PDF, and keep it in the "
                         "school safe.")
        self.key = QLabel()
        self.key.setObjectName("recoveryKey")
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        named(self.key, "Recovery key")
        print_button = QPushButton("&Print…")
        pdf_button = QPushButton("Save as P&DF…")
        named(print_button, "Print the recovery key")
        named(pdf_button, "Save the recovery key as a PDF")
        print_button.clicked.connect(wizard.print_key)
        pdf_button.clicked.connect(wizard.save_key_pdf)
        self.stored = QCheckBox("I have printed or saved the recovery key and will keep it "
                                "somewhere safe")
        named(self.stored, "Recovery key stored")
        self.registerField("stored*", self.stored)
        buttons = QHBoxLayout()
        buttons.addWidget(print_button)
        buttons.addWidget(pdf_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(self.key)
        layout.addLayout(buttons)
        layout.addSpacing(12)
        layout.addWidget(self.stored)

    def initializePage(self) -> None:
        # The vault exists now; there is no going back, only storing the key.
        self._wizard.setOption(QWizard.WizardOption.NoCancelButton, True)
        groups = self._wizard.recovery_key.split("-")
        self.key.setText("-".join(groups[:5]) + "-\n" + "-".join(groups[5:]))


class SetupWizard(QWizard):
    created = Signal(object)  # Session

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session: Session | None = None
        self.recovery_key = ""
        self.setWindowTitle("Create a school vault")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setMinimumSize(620, 420)
        self.location = LocationPage(ctx)
        self.user = UserPage()
        self.addPage(self.location)
        self.addPage(self.user)
        self.addPage(PassphrasePage(self))
        self.addPage(RecoveryPage(self))

    @property
    def folder(self) -> Path:
        return Path(self.location.path.text().strip()).expanduser()

    def create_vault(self, passphrase: str) -> None:
        login = self.user.login.text().strip()
        self.session, self.recovery_key = session.create(
            self.folder, user_name=login, display_name=self.user.display.text().strip() or login,
            role=Role.DSL, passphrase=passphrase, clock=self.ctx.clock,
            taxonomy=self.ctx.taxonomy, kdf=self.ctx.kdf,
            anchor_folders=self.ctx.anchor_folders,
        )
        self.ctx.settings.last_vault = str(self.folder)
        self.ctx.settings.last_user = login
        self.ctx.save_settings(self.ctx.settings)

    def _sheet(self) -> str:
        return recovery_sheet_html(self.recovery_key, self.folder,
                                   uk_datetime(self.ctx.clock.now()))

    def print_key(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if self.ctx.file_dialogs.choose_printer(self, printer, 1):
            document = QTextDocument()
            document.setHtml(self._sheet())
            document.print_(printer)

    def save_key_pdf(self) -> None:
        path = self.ctx.file_dialogs.save_path(
            self, "Save the recovery key (to a USB stick, not a synced folder)",
            Path.home() / "CE Recorder recovery key.pdf", "PDF (*.pdf)")
        if path is None:
            return
        write_recovery_pdf(path, self._sheet())
        if not path.is_file() or path.stat().st_size == 0:  # QPdfWriter reports nothing
            QMessageBox.warning(self, "Recovery key", f"The PDF could not be written to "
                                f"{path}. Print the key instead, or choose another place.")

    def accept(self) -> None:
        super().accept()
        if self.session is not None:
            self.created.emit(self.session)

    def reject(self) -> None:
        """Escape or closing the window: allowed until the vault exists; after that the
        recovery key must be stored first, or it would be lost for good."""
        if self.session is None:
            super().reject()

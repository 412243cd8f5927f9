"""What the windows are given by the composition root: clock, taxonomy, settings, folders,
and the one seam for file and print dialogs (tests steer it instead of clicking a native
dialog)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from cerecorder.domain.attachments import Limits
from cerecorder.domain.retention import DEFAULT_YEARS
from cerecorder.domain.transfers import AfterTransfer
from cerecorder.ui.settings_model import UiSettings as UiSettings

if TYPE_CHECKING:  # only named here: the unlock window paints sooner without them
    from PySide6.QtPrintSupport import QPrinter

    from cerecorder.domain.body_map import Outlines
    from cerecorder.domain.handover import DocumentRenderer
    from cerecorder.domain.schooldays import BankHolidays
    from cerecorder.domain.taxonomy import TaxonomyLibrary
    from cerecorder.services.clock import Clock
    from cerecorder.services.demo_evidence import DemoFiles
    from cerecorder.services.session import KdfParams


class FileDialogs:
    """Every file and print dialog goes through here."""

    def save_path(self, parent: QWidget | None, title: str, suggested: Path,
                  file_filter: str, *, confirm_overwrite: bool = True) -> Path | None:
        """confirm_overwrite=False: the caller asks itself (once, and for the name it
        will really write, its suffix added)."""
        options = QFileDialog.Option(0) if confirm_overwrite \
            else QFileDialog.Option.DontConfirmOverwrite
        chosen, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), file_filter,
                                                options=options)
        return Path(chosen) if chosen else None

    def open_path(self, parent: QWidget | None, title: str, start: Path,
                  file_filter: str) -> Path | None:
        chosen, _ = QFileDialog.getOpenFileName(parent, title, str(start), file_filter)
        return Path(chosen) if chosen else None

    def folder(self, parent: QWidget | None, title: str, start: Path) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(parent, title, str(start))
        return Path(chosen) if chosen else None

    def show_folder(self, folder: Path) -> None:
        """Open a folder in the system's file manager."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def choose_printer(self, parent: QWidget | None, printer: QPrinter, pages: int) -> bool:
        """The system print dialog for a document of `pages` pages; False if cancelled."""
        from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog

        dialog = QPrintDialog(printer, parent)
        dialog.setMinMax(1, max(pages, 1))
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        return dialog.exec() == QDialog.DialogCode.Accepted


@dataclass
class AppContext:
    clock: Clock
    taxonomy: TaxonomyLibrary
    settings: UiSettings
    save_settings: Callable[[UiSettings], None]
    default_vault_dir: Path
    demo_vault_dir: Path
    ui_dir: Path
    file_dialogs: FileDialogs = field(default_factory=FileDialogs)
    #: key-derivation cost for new slots; None means the production default
    kdf: KdfParams | None = None
    #: renders handover documents (the export layer's, handed in by app.py)
    documents: DocumentRenderer | None = None
    #: the keys school IT's policy file fixes (cerecorder.policy), which no window may change
    policy_fixed: frozenset[str] = frozenset()
    #: what the policy fixes, as (label, value) lines the settings window shows
    policy_summary: tuple[tuple[str, str], ...] = ()
    #: whether the first-run screen offers the demo vault (policy offer_demo)
    offer_demo: bool = True
    #: where vault anchors are kept and checked (app.anchor_folders)
    anchor_folders: tuple[Path, ...] = ()
    #: England and Wales's bank holidays, for deadlines in school days (resources/calendar)
    bank_holidays: BankHolidays | None = None
    #: the body-map outlines drawn for this project (resources/bodymap)
    body_outlines: Outlines | None = None
    #: the demo's evidence files (made by app.py with Pillow and ReportLab), or None
    demo_files: Callable[[], DemoFiles] | None = None
    #: the policy's retention rule: a file is reviewed at date of birth plus this many years
    retention_years: int = DEFAULT_YEARS
    #: what the policy keeps of a file once its transfer is acknowledged (None: the vault's
    #: setting, services/transfer_records.py)
    after_transfer: AfterTransfer | None = None
    #: the policy's case_sign_off: a closed case awaits a second DSL's sign-off
    case_sign_off: bool = False
    #: the policy's attachment limits (else the defaults), given to each session opened
    attachment_limits: Limits = field(default_factory=Limits)

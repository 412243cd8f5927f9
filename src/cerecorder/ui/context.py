"""What the windows are given by the composition root: clock, taxonomy, settings, folders,
and the one seam for file dialogs (tests steer it instead of clicking a native dialog)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from cerecorder.domain.handover import DocumentRenderer
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.services.clock import Clock
from cerecorder.services.session import KdfParams
from cerecorder.ui.settings_model import UiSettings as UiSettings


class FileDialogs:
    """Every file dialog goes through here."""

    def save_path(self, parent: QWidget | None, title: str, suggested: Path,
                  file_filter: str) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), file_filter)
        return Path(chosen) if chosen else None

    def open_path(self, parent: QWidget | None, title: str, start: Path,
                  file_filter: str) -> Path | None:
        chosen, _ = QFileDialog.getOpenFileName(parent, title, str(start), file_filter)
        return Path(chosen) if chosen else None

    def folder(self, parent: QWidget | None, title: str, start: Path) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(parent, title, str(start))
        return Path(chosen) if chosen else None


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

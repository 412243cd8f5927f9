"""The user's own settings, as the windows see them. No Qt here: config.py (and so the
admin command line) reads and writes them without loading the GUI."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class UiSettings:
    idle_lock_minutes: int = 5
    last_vault: str = ""
    last_user: str = ""
    #: sealed handover: a staff laptop's outbox, the DSL's inbox, the DSL's recipient card
    outbox_folder: str = ""
    inbox_folder: str = ""
    recipient_card: str = ""

"""The user's own settings, as the windows see them. No Qt here: config.py (and so the
admin command line) reads and writes them without loading the GUI."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class UiSettings:
    idle_lock_minutes: int = 5
    #: settings.json only, not offered in a window: lock after this many seconds instead,
    #: if sooner (to try the lock out in training, or test it); 0 leaves it to the minutes
    idle_lock_seconds: int = 0
    last_vault: str = ""
    last_user: str = ""
    #: sealed handover: a staff laptop's outbox, the DSL's inbox, the DSL's recipient card
    outbox_folder: str = ""
    inbox_folder: str = ""
    recipient_card: str = ""


def idle_lock_ms(settings: UiSettings) -> int:
    """How long without use before the vault locks itself, in milliseconds."""
    seconds = settings.idle_lock_minutes * 60
    if settings.idle_lock_seconds > 0:
        seconds = min(seconds, settings.idle_lock_seconds)
    return seconds * 1000


def idle_lock_text(settings: UiSettings) -> str:
    """What the status bar says of the idle lock: "1 minute", "5 minutes"."""
    seconds = idle_lock_ms(settings) // 1000
    amount, unit = (seconds // 60, "minute") if seconds % 60 == 0 else (seconds, "second")
    return f"Locks itself after {amount} {unit}{'' if amount == 1 else 's'} without use."

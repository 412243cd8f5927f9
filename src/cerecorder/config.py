"""The user's settings file (settings.json in the platform config folder).

A damaged or unreadable settings file falls back to defaults: it must never stop a
member of staff from recording a concern.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, fields

from cerecorder import paths
from cerecorder.domain.errors import EnvironmentProblem
from cerecorder.storage.fileio import atomic_write
from cerecorder.ui.settings_model import UiSettings

log = logging.getLogger("cerecorder.config")


def load_settings() -> UiSettings:
    try:
        data = json.loads(paths.settings_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return UiSettings()
    except (OSError, ValueError):
        log.warning("settings file unreadable; using defaults")
        return UiSettings()
    settings = UiSettings()
    if not isinstance(data, dict):
        return settings
    for field in fields(UiSettings):
        value = data.get(field.name)
        default = getattr(settings, field.name)
        if type(value) is type(default):
            setattr(settings, field.name, value)
    if not 1 <= settings.idle_lock_minutes <= 60:
        settings.idle_lock_minutes = UiSettings().idle_lock_minutes
    return settings


def save_settings(settings: UiSettings) -> None:
    folder = paths.config_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(paths.settings_file(), json.dumps(asdict(settings), indent=2).encode())
    except (OSError, EnvironmentProblem):
        log.warning("settings not saved: config folder not writable")

"""The user's settings file (settings.json in the platform config folder), and the
machine-wide policy laid over it.

A damaged or unreadable settings file falls back to defaults: it must never stop a
member of staff from recording a concern. What the policy fixes beats the user's own
setting while the policy says so, but is never written into the user's file.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, fields, replace

from cerecorder import hardening, paths
from cerecorder.domain.errors import EnvironmentProblem
from cerecorder.policy import Policy
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
    """settings.json (0600) in the config folder (0700), whatever the umask."""
    folder = paths.config_dir()
    try:
        hardening.private_folder(folder)
        atomic_write(paths.settings_file(), json.dumps(asdict(settings), indent=2).encode())
    except (OSError, EnvironmentProblem):
        log.warning("settings not saved: config folder not writable")


def apply_policy(settings: UiSettings, policy: Policy) -> UiSettings:
    """The settings in force: the user's own, with what the policy fixes laid over them."""
    in_force = replace(settings)
    for key, value in policy.settings_overrides().items():
        setattr(in_force, key, value)
    return in_force


def own_part(in_force: UiSettings, own: UiSettings, policy: Policy) -> UiSettings:
    """What to save of the settings in force: the user's own values where policy fixes
    them, so that lifting the policy gives the user back what they had."""
    saved = replace(in_force)
    for key in policy.settings_overrides():
        setattr(saved, key, getattr(own, key))
    return saved

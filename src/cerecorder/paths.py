"""Where things live: per-user folders from platformdirs, and the shipped resources in a
source checkout, an installed wheel or a frozen bundle.

CERECORDER_HOME, when set, puts data, config and logs under one folder (tests, kiosks).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "CE Recorder"
HOME_ENV = "CERECORDER_HOME"


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value) if value else None


def data_dir() -> Path:
    home = _home()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME, False))


def config_dir() -> Path:
    home = _home()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP_NAME, False))


def log_dir() -> Path:
    home = _home()
    return home / "logs" if home else Path(platformdirs.user_log_dir(APP_NAME, False))


def default_vault_dir() -> Path:
    return data_dir() / "vault"


def demo_vault_dir() -> Path:
    return data_dir() / "demo-vault"


def _shipped(folder: str) -> Path:
    """A top-level folder of the repository, wherever this copy of the app runs from:
    a frozen bundle, an installed wheel (cerecorder/_<folder>) or the source checkout."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / folder
    package = Path(__file__).resolve().parent
    installed = package / f"_{folder}"
    if installed.is_dir():
        return installed
    return package.parent.parent / folder


def resources_dir() -> Path:
    return _shipped("resources")


def ui_dir() -> Path:
    """Qt Designer forms and the style sheet."""
    return _shipped("ui")


def settings_file() -> Path:
    return config_dir() / "settings.json"


def taxonomy_dir() -> Path:
    return resources_dir() / "taxonomy"

"""Where things live: per-user folders from platformdirs, and the shipped resources in a
source checkout, an installed wheel or a frozen bundle.

CERECORDER_HOME, when set, puts data, config, logs and the policy file under one folder
(tests, kiosks). CERECORDER_POLICY, when set, names the policy file itself.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "CE Recorder"
HOME_ENV = "CERECORDER_HOME"
POLICY_ENV = "CERECORDER_POLICY"


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


def state_dir() -> Path:
    """Where the app keeps what it has seen (the vaults' anchors), created 0700 on use."""
    home = _home()
    return home / "state" if home else Path(platformdirs.user_state_dir(APP_NAME, False))


def anchor_dir() -> Path:
    """This user's anchors of every vault they have opened (services/anchors.py)."""
    return state_dir() / "anchors"


def policy_file() -> Path:
    """The machine-wide policy school IT writes (docs/policy.md): beside no user's files.
    Linux /etc/xdg/CE Recorder, Windows C:\\ProgramData\\CE Recorder, macOS
    /Library/Application Support/CE Recorder."""
    named = os.environ.get(POLICY_ENV)
    if named:
        return Path(named)
    home = _home()
    folder = home / "site-config" if home else Path(platformdirs.site_config_dir(APP_NAME, False))
    return folder / "policy.toml"


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

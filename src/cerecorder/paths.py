"""Where things live: per-user folders from platformdirs, and the shipped resources in a
source checkout, an installed wheel or a frozen bundle.

CERECORDER_HOME, when set, puts data, config and logs under one folder (tests, kiosks).
It and CERECORDER_POLICY also name a policy file of the session's own, which counts only
while no machine policy exists: no user's environment escapes school IT's policy.
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


#: Where on Linux a folder of $XDG_CONFIG_DIRS counts as the machine's: only
#: administrators write there. A user may put any folder of their own in the variable.
SYSTEM_PREFIXES = (Path("/etc"), Path("/usr"))
XDG_DEFAULT = Path("/etc/xdg")


def xdg_config_dirs(value: str | None) -> tuple[Path, ...]:
    """The machine's folders in $XDG_CONFIG_DIRS (value), in its order, then /etc/xdg
    whether listed or not. Ubuntu and Mint sessions put /etc/xdg/xdg-<desktop> first:
    every entry counts (platformdirs.site_config_dir gives the first one only)."""
    found: list[Path] = []
    for entry in (value or "").split(os.pathsep):
        folder = Path(entry)
        if (folder.is_absolute() and ".." not in folder.parts and folder not in found
                and _under_system_prefix(folder)):
            found.append(folder)
    if XDG_DEFAULT in found:
        found.remove(XDG_DEFAULT)
    return (*found, XDG_DEFAULT)


def _under_system_prefix(folder: Path) -> bool:
    """Under /etc or /usr by name and once links are followed: a link there may lead to a
    folder a user writes (/usr/tmp -> /var/tmp on some systems)."""
    try:
        real = folder.resolve()
    except (OSError, RuntimeError):  # a loop of links, or one that cannot be read
        return False
    return any(folder.is_relative_to(p) and real.is_relative_to(p.resolve())
               for p in SYSTEM_PREFIXES)


def machine_config_dirs() -> tuple[Path, ...]:
    """The folders school IT's policy.toml may be in, in the order they count (the first
    that holds one wins): Linux /etc/xdg/CE Recorder and the like (xdg_config_dirs),
    Windows C:\\ProgramData\\CE Recorder, macOS /Library/Application Support/CE Recorder.
    The seam tests replace, so that no test reads the real ones."""
    if sys.platform in ("win32", "darwin"):
        return (Path(platformdirs.site_config_dir(APP_NAME, False)),)
    return tuple(d / APP_NAME for d in xdg_config_dirs(os.environ.get("XDG_CONFIG_DIRS")))


def machine_policy_files() -> tuple[Path, ...]:
    return tuple(folder / "policy.toml" for folder in machine_config_dirs())


def own_policy_file() -> tuple[Path, str] | None:
    """The policy file this session's environment names, and the variable naming it:
    CERECORDER_POLICY, else CERECORDER_HOME/site-config/policy.toml (tests, kiosks, a
    draft policy). It counts only while no machine policy exists."""
    named = os.environ.get(POLICY_ENV)
    if named:
        return Path(named), POLICY_ENV
    home = _home()
    return (home / "site-config" / "policy.toml", HOME_ENV) if home else None


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


def build_info() -> Path | None:
    """BUILD-INFO beside the programs of a frozen bundle as packaged (build-deb.sh writes
    it: the system it was built on, the oldest it is for); None elsewhere."""
    if not getattr(sys, "frozen", False):
        return None
    found = Path(sys.executable).resolve().parent / "BUILD-INFO"
    return found if found.is_file() else None


def resources_dir() -> Path:
    return _shipped("resources")


def ui_dir() -> Path:
    """Qt Designer forms and the style sheet."""
    return _shipped("ui")


def settings_file() -> Path:
    return config_dir() / "settings.json"


def taxonomy_dir() -> Path:
    return resources_dir() / "taxonomy"


def bodymap_dir() -> Path:
    """The body-map outlines drawn for this project (domain/body_map.py)."""
    return resources_dir() / "bodymap"


def calendar_dir() -> Path:
    """The bank holidays of England and Wales, for deadlines counted in school days."""
    return resources_dir() / "calendar"

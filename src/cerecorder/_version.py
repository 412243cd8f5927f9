"""The version number, from one place: the package metadata that pip (or PyInstaller's
copy_metadata) installs from pyproject.toml. Nothing else writes the number down."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "cerecorder"


def version() -> str:
    """The installed distribution's version; in a source checkout that was never installed
    (PYTHONPATH=src), pyproject.toml's own line; "unknown" if neither is there."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        pass
    pyproject = Path(__file__).resolve().parent.parent.parent / "pyproject.toml"
    try:
        found = re.search(r'^version = "([^"]+)"$', pyproject.read_text(encoding="utf-8"),
                          re.MULTILINE)
    except OSError:
        found = None
    return found.group(1) if found else "unknown"

"""One version number (pyproject.toml, read back from the package metadata), shown by both
programs without starting Qt: over SSH there is no screen to start it on."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import cerecorder
from cerecorder import _version

ROOT = Path(__file__).resolve().parent.parent
VERSION = re.search(r'^version = "([^"]+)"$',
                    (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.MULTILINE)


def no_screen(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["CERECORDER_HOME"] = str(home)
    return env


def run(entry: str, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """An entry point in a fresh process, with a probe afterwards: was Qt loaded?"""
    script = (
        "import sys\n"
        f"from cerecorder.app import {entry}\n"
        "try:\n"
        f"    {entry}()\n"
        "finally:\n"
        "    print('Qt loaded' if 'PySide6' in sys.modules else 'no Qt', file=sys.stderr)\n"
    )
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, env=no_screen(home), timeout=60)


def test_the_version_is_pyprojects_from_the_package_metadata() -> None:
    assert VERSION is not None
    assert cerecorder.__version__ == VERSION.group(1) == metadata.version("cerecorder")


def test_a_checkout_never_installed_reads_pyproject(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(_version.metadata, "version", missing)
    assert VERSION is not None
    assert _version.version() == VERSION.group(1)


def test_version_prints_without_a_screen(tmp_path: Path) -> None:
    for entry, program in (("main", "cerecorder"), ("admin_main", "cerecorder-admin")):
        done = run(entry, "--version", home=tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout == f"{program} {cerecorder.__version__}\n"
        assert done.stderr == "no Qt\n"
    assert not tmp_path.exists() or list(tmp_path.iterdir()) == []  # no log, no settings


def test_help_prints_without_a_screen(tmp_path: Path) -> None:
    done = run("main", "--help", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: cerecorder [-h] [--version] [--self-test] "
                                  "[--check-policy [FILE]]")
    assert done.stderr == "no Qt\n"
    done = run("admin_main", "--help", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: cerecorder-admin")
    assert "backup" in done.stdout
    assert done.stderr == "no Qt\n"


def test_check_policy_still_takes_a_file(tmp_path: Path) -> None:
    draft = tmp_path / "draft.toml"
    draft.write_text("idle_lock_minutes = 90\n", encoding="utf-8")
    done = run("main", "--check-policy", str(draft), home=tmp_path / "home")
    assert done.returncode == 1
    assert f"Policy file: {draft} (a draft" in done.stdout
    assert "idle_lock_minutes: must be from 1 to 60 minutes, not 90" in done.stderr


def test_no_file_writes_the_version_down_but_pyproject() -> None:
    """A release raises the number in pyproject.toml alone: the programs, the self-test,
    the .deb (build-deb.sh reads the bundle's metadata), the MSI and the DMG take it
    from there."""
    assert VERSION is not None
    number = VERSION.group(1)
    found = []
    for top in ("src", "packaging", "docs", ".github", ".ci", "tests", "scripts", "bench",
                "README.md", "dev.py", "Makefile"):
        start = ROOT / top
        for path in [start] if start.is_file() else sorted(start.rglob("*")):
            if (not path.is_file() or "__pycache__" in path.parts or ".cache" in path.parts
                    or any(part.endswith(".egg-info") for part in path.parts)):
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue  # binary: saved vaults, icons, fonts
            if re.search(rf"(?<![\d.]){re.escape(number)}(?![\d])", text):
                found.append(str(path.relative_to(ROOT)))
    assert found == []

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from cerecorder import macpolicy, paths, winpolicy
from cerecorder.services import handover
from cerecorder.services.session import Session

from helpers import SCHOOL, MockClock, new_vault

if TYPE_CHECKING:
    from test_packets import Pair


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data, config and log folders (qutebrowser's habit)."""
    folder = tmp_path / "home"
    monkeypatch.setenv("CERECORDER_HOME", str(folder))
    return folder


@pytest.fixture(autouse=True)
def machine_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The machine's config folders (/etc/xdg/CE Recorder and the like) every test sees:
    two of its own, in that order, empty until a test writes a policy into one. No test
    reads the real ones, which a machine policy would otherwise win from CERECORDER_HOME."""
    folders = [tmp_path / "machine" / "first", tmp_path / "machine" / "second"]
    monkeypatch.setattr(paths, "machine_config_dirs", lambda: tuple(folders))
    return folders


@pytest.fixture(autouse=True)
def managed_preferences(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Where every test's macOS managed preferences are (macpolicy.FOLDER): an empty
    folder of its own. No test reads the real /Library/Managed Preferences."""
    folder = tmp_path / "Managed Preferences"
    monkeypatch.setattr(macpolicy, "FOLDER", folder)
    return folder


@pytest.fixture(autouse=True)
def registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[object, int]] | None:
    """The Windows registry policy every test sees (winpolicy.read_values): none, unless
    a test asks for this fixture and fills it. No test reads the real registry."""
    values: dict[str, tuple[object, int]] = {}
    monkeypatch.setattr(winpolicy, "read_values", lambda: values or None)
    return values


@pytest.fixture
def umask_000() -> Iterator[None]:
    """The umask of a careless login script: every file the stock code makes is 0666."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def clock() -> MockClock:
    return MockClock()


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    """A DSL's vault and an enrolled staff laptop with a shared folder between them."""
    from test_packets import make_pair

    p = make_pair(tmp_path)
    yield p
    for s in (p.dsl, p.staff):
        if s.is_open:
            s.lock()


@pytest.fixture
def dsl(vault_dir: Path, clock: MockClock) -> Iterator[Session]:
    """A new vault with its DSL, and the school's name set (exports refuse without one);
    set straight into the vault's settings, so that the audit holds no event for it."""
    s = new_vault(vault_dir, clock)
    with s.uow() as uow:
        uow.meta.set(handover.SCHOOL_KEY, SCHOOL)
        uow.commit()
    yield s
    if s.is_open:
        s.lock()

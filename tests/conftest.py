from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cerecorder.services import handover
from cerecorder.services.session import Session

from helpers import SCHOOL, MockClock, new_vault


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data, config and log folders (qutebrowser's habit)."""
    folder = tmp_path / "home"
    monkeypatch.setenv("CERECORDER_HOME", str(folder))
    return folder


@pytest.fixture
def clock() -> MockClock:
    return MockClock()


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "vault"


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

"""Schema migrations: saved vaults of earlier versions open and upgrade."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from cerecorder.domain.errors import NewerVault
from cerecorder.services import children, chronology, maintenance, search, session
from cerecorder.storage.migrations import latest_version, migrate, schema_version
from cerecorder.storage.schema import MIGRATIONS

from helpers import DSL_PASS, TAXONOMY, MockClock

DATA = Path(__file__).resolve().parent / "data"


SAVED = sorted((p.name for p in DATA.glob("vault-v*")),
               key=lambda name: int(name.removeprefix("vault-v")))


def _copy(tmp_path: Path, name: str) -> Path:
    copy = tmp_path / name
    shutil.copytree(DATA / name, copy)
    return copy


@pytest.fixture
def saved_v1(tmp_path: Path) -> Path:
    return _copy(tmp_path, "vault-v1")


def test_there_is_a_saved_vault_of_every_schema_version() -> None:
    assert [f"vault-v{m[0]}" for m in MIGRATIONS] == SAVED


@pytest.mark.parametrize("name", SAVED)
def test_a_saved_vault_opens_and_upgrades(tmp_path: Path, clock: MockClock, name: str) -> None:
    saved = _copy(tmp_path, name)
    label = {"vault-v1": "Version-one"}.get(name, f"Version-{name.removeprefix('vault-v')}")
    s = session.unlock(saved, user_name="dsl", passphrase=DSL_PASS, clock=clock,
                       taxonomy=TAXONOMY)
    assert schema_version(s.vault.conn) == latest_version()
    child = children.list_children(s)[0]
    assert child.display_name == "Zoë Ólafsdóttir"
    rows = chronology.chronology(s, child.id)
    assert rows[0].event.startswith(f"{label} concern")
    assert any(f"{label} rationale." in r.decision for r in rows)
    assert search.search_concerns(s, "trainers")
    # names and decisions recorded before the search indexes existed are found too
    assert search.search_concerns(s, "olafsdottir trainers")
    assert search.search_concerns(s, f"{label} rationale")
    assert s.vault.conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE name = 'concerns_search'").fetchone()[0] == 1
    assert maintenance.verify(s).ok
    s.lock()


def test_migrations_are_numbered_in_order() -> None:
    numbers = [m[0] for m in MIGRATIONS]
    assert numbers == list(range(1, len(numbers) + 1))


def _raw_connection(saved: Path) -> Any:
    from cerecorder.crypto.keyslots import unwrap
    from cerecorder.storage.vault import connect_database, read_keyslots

    slots = read_keyslots(saved)
    slot = slots.user_slot("dsl")
    assert slot is not None
    return connect_database(saved, unwrap(slot, DSL_PASS, slots.vault_id).candidate_keys[0])


def test_a_later_migration_is_applied_once_and_a_failing_one_rolls_back(saved_v1: Path) -> None:
    conn = _raw_connection(saved_v1)
    good = (*MIGRATIONS, (len(MIGRATIONS) + 1, "add a column",
                          "ALTER TABLE children ADD COLUMN pronouns TEXT NOT NULL DEFAULT '';"))
    assert schema_version(conn) == 1  # the saved vault is of version 1: all after it apply
    assert migrate(conn, good) == [m[0] for m in good if m[0] > 1]
    assert migrate(conn, good) == []
    broken = (*good, (len(good) + 1, "half-broken",
                      "ALTER TABLE children ADD COLUMN a TEXT;\nSELECT no_such_function();"))
    with pytest.raises(Exception, match="no_such_function"):
        migrate(conn, broken)
    assert schema_version(conn) == len(good)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(children)")]
    assert "pronouns" in columns and "a" not in columns
    conn.close()


def test_a_vault_from_a_newer_version_is_refused_plainly(saved_v1: Path,
                                                         clock: MockClock) -> None:
    conn = _raw_connection(saved_v1)
    conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    conn.close()
    with pytest.raises(NewerVault, match="newer CE Recorder"):
        session.unlock(saved_v1, user_name="dsl", passphrase=DSL_PASS, clock=clock,
                       taxonomy=TAXONOMY)

"""DESIGN.md's trust anchors: a pending key is adopted only if the vault recorded it, a slot
belongs to one database, and a vault older than what was seen is noticed."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pyrage  # type: ignore[import-untyped]
import pytest
from pyrage import x25519

from cerecorder.crypto import keyslots as ks
from cerecorder.domain.errors import NotAVault
from cerecorder.services import maintenance, session, users
from cerecorder.services.session import Session
from cerecorder.storage.connection import connect
from cerecorder.storage.vault import read_keyslots

from helpers import DSL_PASS, FAST_KDF, STAFF_PASS, TAXONOMY, MockClock, add_staff, new_vault


def _unlock(folder: Path, clock: MockClock, name: str = "dsl",
            passphrase: str = DSL_PASS) -> Session:
    return session.unlock(folder, user_name=name, passphrase=passphrase, clock=clock,
                          taxonomy=TAXONOMY)


def _files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in ("vault.db", "keyslots.json")}


def _plant(folder: Path, key: bytes, *, only: str | None = None) -> None:
    """What anyone who can write keyslots.json can do: seal a key of their own choosing to
    the recipients the file publishes."""
    data = json.loads((folder / "keyslots.json").read_text())
    for slot in data["slots"]:
        if only is None or slot["user_name"] == only:
            sealed = pyrage.encrypt(key, [x25519.Recipient.from_str(slot["recipient"])])
            slot["pending"] = base64.b64encode(sealed).decode()
    (folder / "keyslots.json").write_text(json.dumps(data))


@pytest.mark.parametrize("only", ["dsl", None], ids=["one slot", "every slot"])
def test_a_planted_pending_key_is_refused_and_changes_nothing(
        dsl: Session, vault_dir: Path, clock: MockClock, only: str | None) -> None:
    add_staff(dsl)
    dsl.lock()
    attacker_key = ks.new_database_key()
    _plant(vault_dir, attacker_key, only=only)
    before = _files(vault_dir)
    with pytest.raises(NotAVault, match="never recorded") as refused:
        _unlock(vault_dir, clock)
    assert str(refused.value).count(". ") == 0  # one sentence
    assert _files(vault_dir) == before
    with pytest.raises(NotAVault):
        connect(vault_dir / "vault.db", attacker_key).close()
    if only is not None:  # the slots nobody touched still open
        _unlock(vault_dir, clock, "teacher", STAFF_PASS).lock()


def test_a_removed_users_old_copy_behind_the_current_key_file_is_refused(
        dsl: Session, vault_dir: Path, tmp_path: Path, clock: MockClock) -> None:
    staff_id = add_staff(dsl)
    dsl.lock()
    kept = tmp_path / "teacher-copy.db"
    shutil.copyfile(vault_dir / "vault.db", kept)  # the leaver keeps a copy and its key
    dsl = _unlock(vault_dir, clock)
    users.remove_user(dsl, staff_id)
    dsl.lock()
    shutil.copyfile(kept, vault_dir / "vault.db")
    before = _files(vault_dir)
    with pytest.raises(NotAVault, match="never recorded"):
        _unlock(vault_dir, clock)
    assert _files(vault_dir) == before


def test_another_vaults_database_behind_this_key_file_is_refused(
        dsl: Session, vault_dir: Path, tmp_path: Path, clock: MockClock) -> None:
    dsl.lock()
    other = new_vault(tmp_path / "other", clock)  # same user name, same passphrase
    other.lock()
    slots = read_keyslots(tmp_path / "other")
    slot = slots.user_slot("dsl")
    assert slot is not None
    other_key = ks.unwrap(slot, DSL_PASS, slots.vault_id).candidate_keys[0]
    # The attacker's own database, and its key offered as a pending key: it opens.
    _plant(vault_dir, other_key)
    shutil.copyfile(tmp_path / "other" / "vault.db", vault_dir / "vault.db")
    before = _files(vault_dir)
    with pytest.raises(NotAVault, match="different vault"):
        _unlock(vault_dir, clock)
    assert _files(vault_dir) == before


def test_a_legacy_slot_gets_the_vault_secret_at_its_next_unlock(
        dsl: Session, vault_dir: Path, clock: MockClock) -> None:
    key = dsl.vault._require_key()
    slots = read_keyslots(vault_dir)
    legacy = ks.wrap(key, DSL_PASS, vault_id=slots.vault_id, kind=ks.SLOT_USER,
                     user_id=dsl.user.id, user_name="dsl", params=FAST_KDF)
    from cerecorder.storage.vault import write_keyslots

    write_keyslots(vault_dir, slots.with_slot(legacy))
    dsl.lock()
    assert ks.unwrap(legacy, DSL_PASS, slots.vault_id).vault_secret is None
    _unlock(vault_dir, clock).lock()  # a slot from before the secret id still opens
    upgraded = read_keyslots(vault_dir).user_slot("dsl")
    assert upgraded is not None
    assert ks.unwrap(upgraded, DSL_PASS, slots.vault_id).vault_secret is not None


def test_verify_right_after_removing_a_user_in_the_same_process_is_intact(
        dsl: Session) -> None:
    staff_id = add_staff(dsl)
    users.remove_user(dsl, staff_id)
    report = maintenance.verify(dsl)
    assert report.integrity_problems == []
    assert report.ok

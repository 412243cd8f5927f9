"""The vault on disk: encryption, settings, locking, and failures that lose nothing."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from cerecorder.crypto import keyslots as ks
from cerecorder.domain.errors import (
    DiskFull,
    NotAVault,
    ReadOnlyLocation,
    UnknownUser,
    VaultExists,
    VaultInUse,
    WrongPassphrase,
)
from cerecorder.services import concerns, session
from cerecorder.services.session import Session
from cerecorder.storage import fileio
from cerecorder.storage.vault import (
    SQLITE_MAGIC,
    connect_database,
    open_vault,
    read_keyslots,
    write_keyslots,
)

from helpers import DSL_PASS, FAST_KDF, TAXONOMY, MockClock, add_child, content, new_vault, reopen


def test_vault_files_are_encrypted(dsl: Session, vault_dir: Path) -> None:
    dsl.lock()
    assert sorted(p.name for p in vault_dir.iterdir()) == ["keyslots.json", "vault.db",
                                                           "vault.lock"]
    assert (vault_dir / "vault.db").read_bytes()[:16] != SQLITE_MAGIC
    if os.name != "nt":
        for name in ("vault.db", "keyslots.json", "vault.lock"):
            assert (vault_dir / name).stat().st_mode & 0o077 == 0, name


def test_every_connection_gets_the_design_settings(dsl: Session) -> None:
    conn = dsl.vault.conn
    assert conn.execute("PRAGMA cipher_memory_security").fetchone()[0] in (1, "1")
    assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA cipher_version").fetchone()[0].startswith("4.")


def test_wrong_passphrase_unknown_user_and_not_a_vault(dsl: Session, vault_dir: Path,
                                                       tmp_path: Path, clock: MockClock) -> None:
    dsl.lock()
    with pytest.raises(WrongPassphrase):
        reopen(vault_dir, clock, passphrase="not the passphrase")
    with pytest.raises(UnknownUser, match="nobody"):
        session.unlock(vault_dir, user_name="nobody", passphrase=DSL_PASS, clock=clock,
                       taxonomy=TAXONOMY)
    with pytest.raises(NotAVault, match="no CE Recorder vault"):
        reopen(tmp_path / "elsewhere", clock)


def test_a_second_opener_is_refused_while_the_vault_is_open(dsl: Session, vault_dir: Path,
                                                            clock: MockClock) -> None:
    with pytest.raises(VaultInUse):
        reopen(vault_dir, clock)
    dsl.lock()
    reopen(vault_dir, clock).lock()


def test_creating_over_an_existing_vault_changes_nothing(dsl: Session, vault_dir: Path,
                                                         clock: MockClock) -> None:
    dsl.lock()
    before = {p.name: p.read_bytes() for p in vault_dir.iterdir()}
    with pytest.raises(VaultExists):
        new_vault(vault_dir, clock)
    assert {p.name: p.read_bytes() for p in vault_dir.iterdir()} == before
    assert [p.name for p in vault_dir.parent.iterdir() if "partial" in p.name] == []


def test_read_only_location_is_reported_and_leaves_nothing(
    tmp_path: Path, clock: MockClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(ReadOnlyLocation, match="cannot be written"):
        new_vault(tmp_path / "v", clock)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_disk_full_while_writing_key_slots_keeps_the_old_file(
    dsl: Session, vault_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (vault_dir / "keyslots.json").read_bytes()

    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "write", full)
    with pytest.raises(DiskFull, match="full"):
        write_keyslots(vault_dir, read_keyslots(vault_dir))
    monkeypatch.undo()
    assert (vault_dir / "keyslots.json").read_bytes() == before
    assert [p.name for p in vault_dir.iterdir() if p.name.endswith(".tmp")] == []


def test_database_full_is_reported_and_the_transaction_rolled_back(
    dsl: Session, clock: MockClock
) -> None:
    child = add_child(dsl)
    pages = dsl.vault.conn.execute("PRAGMA page_count").fetchone()[0]
    dsl.vault.conn.execute(f"PRAGMA max_page_count = {pages + 1}")
    with pytest.raises(DiskFull):
        concerns.save_draft(dsl, content((child,), clock, facts="x" * 90_000))
    dsl.vault.conn.execute("PRAGMA max_page_count = 1073741823")
    assert concerns.my_concerns(dsl) == []
    assert concerns.save_draft(dsl, content((child,), clock))  # still usable


def test_flipped_byte_in_the_database_is_a_clear_error(dsl: Session, vault_dir: Path,
                                                       clock: MockClock) -> None:
    child = add_child(dsl)
    concerns.record_concern(dsl, content((child,), clock))
    dsl.lock()
    db = vault_dir / "vault.db"
    data = bytearray(db.read_bytes())
    data[len(data) // 2] ^= 0x01
    db.write_bytes(bytes(data))
    # SQLCipher checks each page's HMAC as it reads it: unlock or verify must notice.
    from cerecorder.services import maintenance

    try:
        s = reopen(vault_dir, clock)
    except NotAVault as exc:
        assert "damaged" in str(exc)
        return
    report = maintenance.verify(s)
    s.lock()
    assert not report.ok


def test_removing_a_user_rotates_the_key(dsl: Session, vault_dir: Path, clock: MockClock) -> None:
    from cerecorder.services import users

    from helpers import STAFF_PASS, add_staff

    staff_id = add_staff(dsl)
    slots = read_keyslots(vault_dir)
    staff_slot = slots.user_slot("teacher")
    assert staff_slot is not None
    old_key = ks.unwrap(staff_slot, STAFF_PASS, slots.vault_id).candidate_keys[0]
    users.remove_user(dsl, staff_id)
    dsl.lock()
    with pytest.raises(NotAVault):
        connect_database(vault_dir, old_key).close()
    with pytest.raises(UnknownUser):
        session.unlock(vault_dir, user_name="teacher", passphrase=STAFF_PASS, clock=clock,
                       taxonomy=TAXONOMY)
    s = reopen(vault_dir, clock)  # the remaining user folds the new key in
    s.lock()
    slot = read_keyslots(vault_dir).user_slot("dsl")
    assert slot is not None and slot.pending is None


def test_a_rotation_interrupted_before_the_rekey_is_finished_at_next_unlock(
    dsl: Session, vault_dir: Path, clock: MockClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cerecorder.services import maintenance, users
    from cerecorder.storage import vault as vault_module

    from helpers import add_staff

    staff_id = add_staff(dsl)
    old_key = _db_key(vault_dir, "dsl", DSL_PASS)

    def power_cut(*args: object) -> None:
        raise KeyboardInterrupt  # the key is recorded and published; the rekey never runs

    monkeypatch.setattr(vault_module, "_rekey", power_cut)
    with pytest.raises(KeyboardInterrupt):
        users.remove_user(dsl, staff_id)
    monkeypatch.undo()
    dsl.vault.close()
    connect_database(vault_dir, old_key).close()  # still the old key
    s = reopen(vault_dir, clock)
    report = maintenance.verify(s)
    s.lock()
    assert report.ok, report
    with pytest.raises(NotAVault):
        connect_database(vault_dir, old_key).close()
    reopen(vault_dir, clock).lock()


def test_recovery_key_resets_a_forgotten_passphrase(tmp_path: Path, clock: MockClock) -> None:
    from cerecorder.domain.model import Role

    s, recovery = session.create(
        tmp_path / "v", user_name="dsl", display_name="D", role=Role.DSL, passphrase=DSL_PASS,
        clock=clock, taxonomy=TAXONOMY, kdf=FAST_KDF,
    )
    s.lock()
    with pytest.raises(WrongPassphrase):
        session.unlock_with_recovery_key(
            tmp_path / "v", recovery_key=_other_key(recovery), user_name="dsl",
            new_passphrase="a brand new passphrase", clock=clock, taxonomy=TAXONOMY,
        )
    s = session.unlock_with_recovery_key(
        tmp_path / "v", recovery_key=recovery.lower(), user_name="dsl",
        new_passphrase="a brand new passphrase", clock=clock, taxonomy=TAXONOMY, kdf=FAST_KDF,
    )
    s.lock()
    with pytest.raises(WrongPassphrase):
        reopen(tmp_path / "v", clock)
    reopen(tmp_path / "v", clock, passphrase="a brand new passphrase").lock()


def _other_key(key: str) -> str:
    from cerecorder.crypto.recovery import new_recovery_key

    other = new_recovery_key()
    assert other != key
    return other


def test_failed_unlocks_back_off_and_reach_the_audit(dsl: Session, vault_dir: Path,
                                                     clock: MockClock) -> None:
    dsl.lock()
    for _ in range(3):
        with pytest.raises(WrongPassphrase):
            reopen(vault_dir, clock, passphrase="wrong guess")
    with pytest.raises(session.UnlockBackoff, match="Try again in 3 seconds"):
        reopen(vault_dir, clock)  # even the right passphrase must wait
    clock.advance(seconds=2)
    with pytest.raises(WrongPassphrase):
        reopen(vault_dir, clock, passphrase="wrong guess")
    with pytest.raises(session.UnlockBackoff, match="Try again in 5 seconds"):
        reopen(vault_dir, clock)  # the wait doubles
    clock.advance(seconds=4)
    s = reopen(vault_dir, clock)
    actions = [row[3] for row in s.vault.uow().audit.rows()]
    assert actions.count("unlock_failed") == 4
    assert actions[-1] == "unlock"
    s.lock()
    assert not (vault_dir / "unlock-events.json").exists()


def test_backup_opens_with_the_same_passphrase(dsl: Session, tmp_path: Path,
                                               clock: MockClock) -> None:
    from cerecorder.services import maintenance

    child = add_child(dsl)
    concern_id = concerns.record_concern(dsl, content((child,), clock))
    maintenance.backup(dsl, tmp_path / "backup")  # while the vault is open
    dsl.lock()
    assert (tmp_path / "backup" / "vault.db").read_bytes()[:16] != SQLITE_MAGIC
    restored = reopen(tmp_path / "backup", clock)
    assert concerns.open_concern(restored, concern_id).concern.content.facts
    restored.lock()


def test_key_file_corruption_is_not_a_vault(dsl: Session, vault_dir: Path,
                                            clock: MockClock) -> None:
    dsl.lock()
    (vault_dir / "keyslots.json").write_text("{ not json")
    with pytest.raises(NotAVault, match="damaged"):
        reopen(vault_dir, clock)


def test_open_vault_read_only_beside_a_running_session(dsl: Session, vault_dir: Path) -> None:
    ro = open_vault(vault_dir, user_name="dsl", secret=DSL_PASS, read_only=True)
    with ro.uow() as uow:
        assert uow.users.by_name("dsl") is not None
    ro.close()
    assert dsl.is_open
    assert os.path.exists(vault_dir / "vault.lock")


def _db_key(folder: Path, name: str, passphrase: str) -> bytes:
    slots = read_keyslots(folder)
    slot = slots.user_slot(name)
    assert slot is not None
    return ks.unwrap(slot, passphrase, slots.vault_id).candidate_keys[0]


def test_a_failed_rotation_leaves_the_user_listed_and_removable(
    dsl: Session, vault_dir: Path, clock: MockClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cerecorder.services import users
    from cerecorder.storage import vault as vault_module

    from helpers import add_staff

    staff_id = add_staff(dsl)

    def full(*args: object) -> None:
        raise DiskFull("The disk is full.")

    monkeypatch.setattr(vault_module, "write_keyslots", full)
    with pytest.raises(DiskFull):
        users.remove_user(dsl, staff_id)
    monkeypatch.undo()
    assert "teacher" in {u.name for u in users.list_users(dsl)}  # not "removed" half-way
    users.remove_user(dsl, staff_id)  # and the removal can simply be done again
    assert "teacher" not in {u.name for u in users.list_users(dsl)}


def test_a_slot_planted_in_the_key_file_gets_no_rotated_key(
    dsl: Session, vault_dir: Path, clock: MockClock
) -> None:
    from cerecorder.services import users

    from helpers import add_staff

    staff_id = add_staff(dsl)
    # Someone who can read the database key plants a slot of their own (no user row).
    key = _db_key(vault_dir, "dsl", DSL_PASS)
    slots = read_keyslots(vault_dir)
    planted = ks.wrap(key, "mallory's own secret", vault_id=slots.vault_id,
                      kind=ks.SLOT_USER, user_id=9999, user_name="mallory", params=FAST_KDF)
    write_keyslots(vault_dir, slots.with_slot(planted))
    dsl.lock()
    with pytest.raises(UnknownUser, match="removed"):  # a slot with no user opens nothing
        open_vault_session(vault_dir, clock, "mallory", "mallory's own secret")
    dsl = open_vault_session(vault_dir, clock, "dsl", DSL_PASS)  # and left the lock free
    users.remove_user(dsl, staff_id)
    assert read_keyslots(vault_dir).user_slot("mallory") is None
    dsl.lock()
    with pytest.raises(NotAVault):
        connect_database(vault_dir, key).close()


def test_a_re_pointed_recipient_stops_the_rotation_and_changes_nothing(
    dsl: Session, vault_dir: Path, clock: MockClock
) -> None:
    import dataclasses

    from pyrage import x25519  # type: ignore[import-untyped]

    from cerecorder.services import users

    from helpers import add_staff

    staff_id = add_staff(dsl)
    slots = read_keyslots(vault_dir)
    stolen = x25519.Identity.generate()
    recovery = dataclasses.replace(slots.recovery_slot(),
                                   recipient=str(stolen.to_public()))
    write_keyslots(vault_dir, slots.with_slot(recovery))
    before = (vault_dir / "keyslots.json").read_bytes()
    with pytest.raises(NotAVault, match="altered"):
        users.remove_user(dsl, staff_id)
    assert (vault_dir / "keyslots.json").read_bytes() == before
    assert "teacher" in {u.name for u in users.list_users(dsl)}


def open_vault_session(folder: Path, clock: MockClock, name: str, secret: str) -> Session:
    return session.unlock(folder, user_name=name, passphrase=secret, clock=clock,
                          taxonomy=TAXONOMY)


def test_one_users_unlock_does_not_reset_anothers_back_off(
    dsl: Session, vault_dir: Path, clock: MockClock
) -> None:
    from helpers import STAFF_PASS, add_staff

    add_staff(dsl)
    dsl.lock()
    for name in ("dsl", " dsl", "DSL\t"):  # spelt differently, still the same user
        with pytest.raises(WrongPassphrase):
            open_vault_session(vault_dir, clock, name, "wrong guess")
    open_vault_session(vault_dir, clock, "teacher", STAFF_PASS).lock()
    with pytest.raises(session.UnlockBackoff):
        open_vault_session(vault_dir, clock, "dsl", DSL_PASS)
    clock.advance(seconds=3)
    s = open_vault_session(vault_dir, clock, "dsl", DSL_PASS)
    actions = [row[3] for row in s.vault.uow().audit.rows()]
    assert actions.count("unlock_failed") == 3  # each failure audited exactly once
    s.lock()

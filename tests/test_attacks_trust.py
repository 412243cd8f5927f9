"""Attacks on the trust anchors, key adoption, recipient cards and their files, as a member
of staff with write access to the vault folder, a removed user, a backup operator, a crash
or a full disk would make them (issue 11, after the fixes). Each test is one attack; the
ones that broke a defence failed on the code before the fix that came with them."""

from __future__ import annotations

import base64
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pyrage  # type: ignore[import-untyped]
import pytest
from pyrage import x25519

from cerecorder import paths
from cerecorder.cli.main import run as cli_run
from cerecorder.crypto import keyslots as ks
from cerecorder.crypto.packets import SigningKey
from cerecorder.domain.errors import NotAVault, WrongPassphrase
from cerecorder.services import concerns, maintenance, packet_cards, session, users
from cerecorder.services.session import Session
from cerecorder.storage.connection import connect
from cerecorder.storage.vault import connect_database, read_keyslots

from helpers import (
    DSL_PASS,
    STAFF_PASS,
    TAXONOMY,
    MockClock,
    add_child,
    add_staff,
    bulk_attachments,
    content,
    new_vault,
    reopen_anchored,
    vault_files,
)


def _slot_key(folder: Path, name: str, passphrase: str) -> bytes:
    """The key a slot holder gets from their own slot (its last candidate)."""
    slots = read_keyslots(folder)
    slot = slots.user_slot(name)
    assert slot is not None
    return ks.unwrap(slot, passphrase, slots.vault_id).candidate_keys[-1]


def _plant(folder: Path, key: bytes, name: str) -> None:
    """Seal a key of the attacker's choosing to the recipient keyslots.json publishes."""
    data = json.loads((folder / "keyslots.json").read_text())
    for slot in data["slots"]:
        if slot["user_name"] == name:
            sealed = pyrage.encrypt(key, [x25519.Recipient.from_str(slot["recipient"])])
            slot["pending"] = base64.b64encode(sealed).decode()
    (folder / "keyslots.json").write_text(json.dumps(data))


def _behind_the_triggers(db: Path, key: bytes, table: str, change: Any) -> None:
    """A key holder takes a table's triggers out of sqlite_master and puts them back in
    their own rows afterwards (writable_schema): the schema is then exactly as before, in
    its order, so verify's schema comparison sees nothing."""
    conn = connect(db, key, page_size=ks.NEW_PAGE_SIZE)  # a vault made by the tests
    try:
        conn.execute("PRAGMA writable_schema = ON")
        saved = conn.execute("SELECT rowid, type, name, tbl_name, rootpage, sql FROM "
                             "sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                             (table,)).fetchall()
        conn.execute("DELETE FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                     (table,))
    finally:
        conn.close()
    conn = connect(db, key, page_size=ks.NEW_PAGE_SIZE)  # a vault made by the tests
    try:
        change(conn)
        conn.execute("PRAGMA writable_schema = ON")
        for row in saved:
            conn.execute("INSERT INTO sqlite_master(rowid, type, name, tbl_name, rootpage, "
                         "sql) VALUES (?, ?, ?, ?, ?, ?)", row)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _swap_signing_key(db: Path, key: bytes) -> None:
    """A key holder replaces the vault's Ed25519 key with one of their own."""
    mine = SigningKey.generate()
    _behind_the_triggers(db, key, "signing_key", lambda conn: conn.execute(
        "UPDATE signing_key SET secret = ?, verify_key = ? WHERE id = 1",
        (mine.secret, mine.verify_key)))


# -- key adoption ----------------------------------------------------------------------


@pytest.mark.parametrize("swap_signing_key", [False, True],
                         ids=["old copy as it was", "old copy with its signing key replaced"])
def test_a_removed_user_cannot_plant_their_old_key_with_their_old_copy(
        vault_dir: Path, tmp_path: Path, clock: MockClock, swap_signing_key: bool) -> None:
    """The leaver knows the old database key and the vault's secret id (it never changes),
    so their pre-removal copy passes the slot's vault-secret check. After the DSL has
    folded in the new key, a pending key that opens the database must still not be
    adopted unless the database shows it descends from the key the slot holds."""
    s = new_vault(vault_dir, clock)
    s.anchor_folders = (paths.anchor_dir(),)
    staff_id = add_staff(s)
    add_child(s, "Early", "Record")
    s.lock()
    old_key = _slot_key(vault_dir, "teacher", STAFF_PASS)
    shutil.copyfile(vault_dir / "vault.db", tmp_path / "leaver-copy.db")
    s = reopen_anchored(vault_dir, clock)
    users.remove_user(s, staff_id)
    s.lock()
    s = reopen_anchored(vault_dir, clock)  # the DSL's slot folds in the new key
    concerns.record_concern(s, content((add_child(s, "Later", "Child"),), clock))
    s.lock()
    new_key = _slot_key(vault_dir, "dsl", DSL_PASS)
    assert new_key != old_key
    # The attack: the old copy back, and the old key offered to the DSL as pending.
    if swap_signing_key:
        _swap_signing_key(tmp_path / "leaver-copy.db", old_key)
    shutil.copyfile(tmp_path / "leaver-copy.db", vault_dir / "vault.db")
    _plant(vault_dir, old_key, "dsl")
    before = vault_files(vault_dir)
    with pytest.raises(NotAVault, match="never recorded"):
        reopen_anchored(vault_dir, clock)
    assert vault_files(vault_dir) == before
    assert _slot_key(vault_dir, "dsl", DSL_PASS) == new_key  # not re-wrapped to the leaver's


def test_a_slot_that_missed_two_rotations_still_opens(
        dsl: Session, vault_dir: Path, clock: MockClock) -> None:
    """The legitimate case the former-key record exists for: a member of staff away while
    two colleagues leave folds in a key two rotations on from the one their slot holds."""
    first, second = add_staff(dsl, "leaver1"), add_staff(dsl, "leaver2")
    add_staff(dsl, "away")
    held = _slot_key(vault_dir, "away", STAFF_PASS)
    users.remove_user(dsl, first)
    users.remove_user(dsl, second)
    dsl.lock()
    away = reopen_anchored(vault_dir, clock, "away", STAFF_PASS)
    away.lock()
    folded = _slot_key(vault_dir, "away", STAFF_PASS)
    assert folded != held
    connect_database(vault_dir, folded).close()  # the database's current key


_CRASH_IN_ROTATION = """
import os, sys
sys.path.insert(0, sys.argv[2])
from cerecorder.services import key_succession, session, users
from cerecorder.storage import rotation, vault as vault_module
from helpers import DSL_PASS, TAXONOMY, MockClock

step = sys.argv[4]
rotation.POLL_SECONDS = 0.001
real_write, real_rekey = vault_module.write_keyslots, vault_module._rekey
real_rotate = vault_module.OpenVault.remove_user_and_rotate

def write(folder, slots):
    if step == "before publishing":
        os._exit(0)
    real_write(folder, slots)
    if step == "after publishing":
        os._exit(0)

def rekey(conn, db, new_key, progress=None):
    conn.execute(f"PRAGMA rekey = \\"x'{new_key.hex()}'\\"")
    if step == "after the rekey":
        os._exit(0)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if step == "after the checkpoint":
        os._exit(0)
    real_rekey(conn, db, new_key)

def rotate(self, user_id, remaining, progress=None):
    real_rotate(self, user_id, remaining, progress)
    if step == "before the removal is audited":
        os._exit(0)

real_finish = key_succession.finish_removal

def finish(*args, **kwargs):
    done = real_finish(*args, **kwargs)
    if step == "in the removal's transaction":  # the signing key replaced, not committed
        os._exit(0)
    return done

def part_way(progress):  # the rotation's watcher thread; the rekey runs on
    if step == "during the rekey" and 0.1 < progress.fraction and not progress.writing_back:
        os._exit(17)

if step != "during the rekey":
    vault_module.write_keyslots, vault_module._rekey = write, rekey
vault_module.OpenVault.remove_user_and_rotate = rotate
key_succession.finish_removal = finish
s = session.unlock(vault_module.Path(sys.argv[1]), user_name="dsl", passphrase=DSL_PASS,
                   clock=MockClock(), taxonomy=TAXONOMY)
users.remove_user(s, int(sys.argv[3]), part_way)
s.lock()
"""


@pytest.mark.parametrize("step", [
    "before publishing", "after publishing", "during the rekey", "after the rekey",
    "after the checkpoint", "before the removal is audited", "in the removal's transaction",
    "not at all"])
def test_a_rotation_killed_at_each_step_strands_nobody_and_shuts_the_leaver_out(
        dsl: Session, vault_dir: Path, clock: MockClock, step: str) -> None:
    """...and the signing key the leaver could read is replaced exactly once, by the
    removal or by the unlock that finishes it."""
    import subprocess
    import sys

    from cerecorder.storage.key_history import KeyHistoryRepository
    from cerecorder.storage.repositories import PacketRepository

    leaver = add_staff(dsl, "leaver")
    add_staff(dsl)
    add_child(dsl, "Before", "Rotation")
    original = PacketRepository(dsl.vault.conn).signing_key()
    if step == "during the rekey":  # enough pages for the kill to land part-way
        bulk_attachments(dsl, 40)
    dsl.lock()
    leaver_key = _slot_key(vault_dir, "leaver", STAFF_PASS)
    tests = Path(__file__).resolve().parent
    done = subprocess.run([sys.executable, "-c", _CRASH_IN_ROTATION, str(vault_dir),
                           str(tests), str(leaver), step], timeout=120)
    assert done.returncode == (17 if step == "during the rekey" else 0)
    staff = reopen_anchored(vault_dir, clock, "teacher", STAFF_PASS)  # a slot nobody unlocked since
    staff.lock()
    s = reopen_anchored(vault_dir, clock)
    if "leaver" in {u.name for u in users.list_users(s)}:
        assert step == "before publishing"  # else the unlock finished the removal
        users.remove_user(s, leaver)  # a removal cut short is simply done again
    report = maintenance.verify(s)
    with s.uow() as uow:
        retired = KeyHistoryRepository(uow.conn).retired_signing_keys()
        current = PacketRepository(uow.conn).signing_key()
        rotations = [r[0] for r in uow.conn.execute(
            "SELECT action FROM audit WHERE action = 'signing_key_rotated'")]
    card = packet_cards.recipient_card(s)
    s.lock()
    assert report.ok, report
    assert original is not None and current is not None
    assert [key for key, _, _ in retired] == [original[1]] and len(rotations) == 1
    assert card.verify_key == current[1] != original[1]
    assert [(c.old_key, c.new_key) for c in card.successions] == [(original[1], current[1])]
    reopen_anchored(vault_dir, clock, "teacher", STAFF_PASS).lock()
    with pytest.raises(NotAVault):
        connect_database(vault_dir, leaver_key).close()


# -- anchors ---------------------------------------------------------------------------


def _anchored_vault(folder: Path, clock: MockClock) -> None:
    """A vault with staff and 30 or more events, locked at 14:02 with an anchor in the
    DSL's state folder."""
    s = new_vault(folder, clock)
    s.anchor_folders = (paths.anchor_dir(),)
    add_staff(s)
    for n in range(26):
        add_child(s, f"Pupil{n}", "Surname")
    clock.current = clock.current.replace(hour=14, minute=2)
    s.lock()
    clock.advance(hours=1)


def _verify(folder: Path, clock: MockClock) -> maintenance.VerifyReport:
    s = reopen_anchored(folder, clock, inspect=True)
    try:
        return maintenance.verify(s)
    finally:
        s.lock()


def _cut_audit(db: Path, key: bytes, keep: int) -> None:
    """A key holder deletes the newest events."""
    _behind_the_triggers(db, key, "audit", lambda conn: conn.execute(
        "DELETE FROM audit WHERE id > ?", (keep,)))


def test_a_key_holder_who_replaces_the_signing_key_does_not_hide_a_cut_audit(
        vault_dir: Path, clock: MockClock) -> None:
    """Every anchor is checked against the signing key in the database itself: a key
    holder who cuts the audit below the anchor and puts in a signing key of their own made
    every anchor 'not signed by this vault's key; ignored', and verify said ok."""
    _anchored_vault(vault_dir, clock)
    key = _slot_key(vault_dir, "teacher", STAFF_PASS)
    _cut_audit(vault_dir / "vault.db", key, keep=5)
    _swap_signing_key(vault_dir / "vault.db", key)
    [genuine] = paths.anchor_dir().glob("*.ceanchor")
    evidence = genuine.read_bytes()
    reopen_anchored(vault_dir, clock).lock()  # a lock does not write over the anchor it cannot sign
    assert genuine.read_bytes() == evidence
    report = _verify(vault_dir, clock)
    assert report.schema_problems == () and report.audit_first_broken is None
    assert not report.ok, report
    assert report.anchor_unsigned and "signing key was replaced" in report.anchor_unsigned[0]
    out, err = io.StringIO(), io.StringIO()
    code = cli_run(["verify", str(vault_dir), "--user", "dsl"], taxonomy=TAXONOMY,
                   clock=clock, anchor_folders=(paths.anchor_dir(),),
                   stdin=io.StringIO(DSL_PASS + "\n"), stdout=out, stderr=err)
    assert code == 3, (out.getvalue(), err.getvalue())
    assert ("Anchors: NOT SIGNED BY THIS VAULT (forged, or its signing key was replaced)"
            in out.getvalue().splitlines())


def test_a_forged_anchor_is_reported_by_verify_but_does_not_lock_staff_out(
        vault_dir: Path, clock: MockClock) -> None:
    """Anyone who can write an anchor folder can put a file there; unsigned, it must not
    refuse an unlock (every user writes the school's anchor folder), but verify says so."""
    _anchored_vault(vault_dir, clock)
    [path] = paths.anchor_dir().glob("*.ceanchor")
    data = json.loads(path.read_text())
    data["row"] += 1000  # "the vault once had 1,000 more events"
    path.write_text(json.dumps(data))
    reopen_anchored(vault_dir, clock, "teacher", STAFF_PASS).lock()  # not refused
    data["row"] += 1000
    path.write_text(json.dumps(data))  # the teacher's lock wrote a fresh anchor
    report = _verify(vault_dir, clock)
    assert report.anchor_finding is None
    assert not report.ok
    assert len(report.anchor_unsigned) == 1
    assert str(path) in report.anchor_unsigned[0]


def _restored_with_the_clock_behind(vault_dir: Path, tmp_path: Path,
                                    clock: MockClock) -> Path:
    """A backup, later work anchored at 14:02 on a laptop whose clock is right, then the
    backup restored and opened on the DSL's laptop, whose clock is two hours behind. The
    superseded anchor is also kept in laptop B's state folder, where no lock on the DSL's
    laptop writes."""
    _anchored_vault(vault_dir, clock)
    s = reopen_anchored(vault_dir, clock)
    maintenance.backup(s, tmp_path / "backup")
    s.lock()
    s = reopen_anchored(vault_dir, clock)
    add_child(s, "After", "Backup")
    clock.current = clock.current.replace(hour=16, minute=2)
    s.lock()
    elsewhere = tmp_path / "laptop-b"
    elsewhere.mkdir()
    for anchor in paths.anchor_dir().glob("*.ceanchor"):
        shutil.copyfile(anchor, elsewhere / anchor.name)
    maintenance.restore(tmp_path / "backup", vault_dir, force=True, clock=clock)
    clock.current = clock.current.replace(hour=14, minute=30)  # two hours behind
    return elsewhere


def test_an_anchor_from_a_clock_ahead_is_settled_by_the_acknowledgement(
        vault_dir: Path, tmp_path: Path, clock: MockClock) -> None:
    """The acknowledgement settled only anchors taken before its own time: the superseded
    anchor, kept on a laptop whose clock was ahead, stayed unsettled there, so staff on
    that laptop were refused and its DSL asked again, after the restore was acknowledged."""
    laptop_b = _restored_with_the_clock_behind(vault_dir, tmp_path, clock)
    dsl = reopen_anchored(vault_dir, clock)
    assert dsl.rollback is not None
    maintenance.acknowledge_restore(dsl)
    dsl.lock()
    clock.advance(minutes=5)
    session.unlock(vault_dir, user_name="teacher", passphrase=STAFF_PASS, clock=clock,
                   taxonomy=TAXONOMY, anchor_folders=(laptop_b,)).lock()
    again = session.unlock(vault_dir, user_name="dsl", passphrase=DSL_PASS, clock=clock,
                           taxonomy=TAXONOMY, anchor_folders=(laptop_b,))
    assert again.rollback is None  # asked once
    again.lock()


@pytest.mark.parametrize("user", ["teacher", "office"])
def test_only_a_dsl_acknowledges_a_restore_from_the_command_line(
        vault_dir: Path, tmp_path: Path, clock: MockClock, user: str) -> None:
    from cerecorder.domain.model import Role

    _anchored_vault(vault_dir, clock)
    s = reopen_anchored(vault_dir, clock)
    users.add_user(s, name="office", display_name="Office", role=Role.ADMIN,
                   passphrase=STAFF_PASS)
    s.lock()
    s = reopen_anchored(vault_dir, clock)
    maintenance.backup(s, tmp_path / "backup")
    add_child(s, "After", "Backup")
    s.lock()
    maintenance.restore(tmp_path / "backup", vault_dir, force=True, clock=clock)
    out, err = io.StringIO(), io.StringIO()
    code = cli_run(["acknowledge-restore", str(vault_dir), "--user", user], taxonomy=TAXONOMY,
                   clock=clock, anchor_folders=(paths.anchor_dir(),),
                   stdin=io.StringIO(STAFF_PASS + "\n"), stdout=out, stderr=err)
    assert code == 1
    assert err.getvalue().startswith("cerecorder-admin: This vault is older than the copy "
                                     "seen on 16/11/2026 at 15:02: "), err.getvalue()
    assert err.getvalue().rstrip().endswith("Ask your DSL.")
    with pytest.raises(session.VaultRolledBack):  # nothing was acknowledged
        reopen_anchored(vault_dir, clock, "teacher", STAFF_PASS)


@pytest.mark.parametrize("extra", [
    "CREATE TABLE stash(x)", "CREATE INDEX audit_by_actor ON audit(actor_id)",
    "CREATE VIEW everything AS SELECT * FROM concerns"])
def test_an_object_the_migrations_do_not_create_is_reported(
        vault_dir: Path, clock: MockClock, extra: str) -> None:
    _anchored_vault(vault_dir, clock)
    conn = connect_database(vault_dir, _slot_key(vault_dir, "teacher", STAFF_PASS))
    conn.execute(extra)
    conn.close()
    report = _verify(vault_dir, clock)
    assert not report.ok
    assert any("is not one the migrations create" in p for p in report.schema_problems)


def test_a_temporary_trigger_leaves_nothing_in_the_vault(
        vault_dir: Path, clock: MockClock) -> None:
    """A TEMP trigger lives in the connection that made it: by design it is nobody's
    concern once that connection is closed."""
    _anchored_vault(vault_dir, clock)
    conn = connect_database(vault_dir, _slot_key(vault_dir, "teacher", STAFF_PASS))
    conn.execute("CREATE TEMP TRIGGER t BEFORE INSERT ON audit BEGIN SELECT 1; END")
    conn.close()
    assert _verify(vault_dir, clock).ok


def test_an_anchor_file_replaced_by_a_link_is_not_followed(
        vault_dir: Path, tmp_path: Path, clock: MockClock) -> None:
    """Someone who writes the anchor folder links the vault's anchor file to a file of
    the user's: the lock replaces the link and leaves the file alone."""
    _anchored_vault(vault_dir, clock)
    [anchor] = paths.anchor_dir().glob("*.ceanchor")
    victim = tmp_path / "victims-notes.txt"
    victim.write_text("mine")
    anchor.unlink()
    anchor.symlink_to(victim)
    reopen_anchored(vault_dir, clock).lock()
    assert victim.read_text() == "mine"
    assert not anchor.is_symlink() and json.loads(anchor.read_text())["row"] > 1


def test_a_full_disk_at_the_anchor_write_still_locks_and_loses_nothing(
        vault_dir: Path, clock: MockClock, monkeypatch: pytest.MonkeyPatch) -> None:
    from cerecorder.domain.errors import DiskFull
    from cerecorder.services import anchors

    _anchored_vault(vault_dir, clock)
    [anchor] = paths.anchor_dir().glob("*.ceanchor")
    before = anchor.read_bytes()
    s = reopen_anchored(vault_dir, clock)
    add_child(s, "Kept", "Child")

    def full(path: Path, data: bytes, **_: object) -> None:
        raise DiskFull("The disk is full.")

    monkeypatch.setattr(anchors, "atomic_write", full)
    s.lock()
    assert not s.is_open
    assert anchor.read_bytes() == before  # the older anchor stays, whole
    monkeypatch.undo()
    report = _verify(vault_dir, clock)
    assert report.ok, report


def test_killed_between_the_acknowledgement_and_its_anchor(
        vault_dir: Path, tmp_path: Path, clock: MockClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The acknowledgement is committed; the process dies before it writes the anchor.
    The next unlock must not ask again, and staff get in."""
    _anchored_vault(vault_dir, clock)
    s = reopen_anchored(vault_dir, clock)
    maintenance.backup(s, tmp_path / "backup")
    add_child(s, "After", "Backup")
    s.lock()
    maintenance.restore(tmp_path / "backup", vault_dir, force=True, clock=clock)
    clock.advance(minutes=5)
    dsl = reopen_anchored(vault_dir, clock)

    class Killed(BaseException):
        pass

    def die() -> None:
        raise Killed()

    monkeypatch.setattr(dsl, "write_anchor", die)
    with pytest.raises(Killed):
        maintenance.acknowledge_restore(dsl)
    dsl.vault._conn.close()  # type: ignore[union-attr]  # no lock, no checkpoint: a kill
    dsl.vault._lock.release()
    clock.advance(minutes=5)
    reopen_anchored(vault_dir, clock, "teacher", STAFF_PASS).lock()
    again = reopen_anchored(vault_dir, clock)
    assert again.rollback is None
    again.lock()


# -- a key slot put back ---------------------------------------------------------------

NEW_PASS = "a new passphrase after a leak"


@pytest.mark.parametrize("how", ["changed", "reset with the recovery key"])
def test_an_old_slot_put_back_does_not_bring_back_an_old_passphrase(
        vault_dir: Path, clock: MockClock, how: str) -> None:
    """The DSL changes a passphrase someone saw; whoever can write keyslots.json puts the
    old file back and the old passphrase opened the vault again (same database key, a
    slot the vault once wrote)."""
    from cerecorder.domain.model import Role

    from helpers import FAST_KDF

    s, recovery = session.create(
        vault_dir, user_name="dsl", display_name="Dana Lead", role=Role.DSL,
        passphrase=DSL_PASS, clock=clock, taxonomy=TAXONOMY, kdf=FAST_KDF)
    add_staff(s)
    s.lock()
    old = (vault_dir / "keyslots.json").read_bytes()
    if how == "changed":
        s = reopen_anchored(vault_dir, clock)
        users.change_passphrase(s, NEW_PASS)
    else:
        s = session.unlock_with_recovery_key(
            vault_dir, recovery_key=recovery, user_name="dsl", new_passphrase=NEW_PASS,
            clock=clock, taxonomy=TAXONOMY, kdf=FAST_KDF)
    s.lock()
    reopen_anchored(vault_dir, clock, passphrase=NEW_PASS).lock()
    (vault_dir / "keyslots.json").write_bytes(old)
    before = vault_files(vault_dir)
    with pytest.raises(NotAVault, match="not the one the vault last wrote") as refused:
        reopen_anchored(vault_dir, clock)
    assert str(refused.value).count(". ") == 0  # one sentence
    assert vault_files(vault_dir) == before
    reopen_anchored(vault_dir, clock, "teacher", STAFF_PASS).lock()  # the other slots still open


def test_a_new_slot_whose_record_a_crash_lost_still_opens(
        dsl: Session, vault_dir: Path, clock: MockClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed after keyslots.json holds the new slot and before the vault records it: the
    new passphrase opens (the slot names the one it replaced), and the old file put back
    afterwards is refused."""
    from cerecorder.storage import vault as vault_module

    add_staff(dsl)
    old = (vault_dir / "keyslots.json").read_bytes()

    class Killed(BaseException):
        pass

    def die(*_: object) -> None:
        raise Killed()

    monkeypatch.setattr(vault_module, "_record_recipients", die)
    with pytest.raises(Killed):
        users.change_passphrase(dsl, NEW_PASS)
    monkeypatch.undo()
    dsl.vault._conn.close()  # type: ignore[union-attr]  # a kill: no checkpoint, no anchor
    dsl.vault._conn = None
    dsl.vault._lock.release()
    reopen_anchored(vault_dir, clock, passphrase=NEW_PASS).lock()
    (vault_dir / "keyslots.json").write_bytes(old)
    with pytest.raises(NotAVault, match="not the one the vault last wrote"):
        reopen_anchored(vault_dir, clock)


# -- nothing readable in the new files -------------------------------------------------


def test_anchors_cards_and_backups_carry_no_record_content(
        vault_dir: Path, tmp_path: Path, clock: MockClock) -> None:
    """A canary in a child's name and a concern's facts is in no file outside the
    encrypted database: anchors (state folder, backup), the recipient card, keyslots.json
    and the unlock-events file, in UTF-8 or UTF-16."""

    canary = "CANARY9q2Zoë"
    s = new_vault(vault_dir, clock)
    s.anchor_folders = (paths.anchor_dir(),)
    add_staff(s)
    child = add_child(s, canary, f"Surname{canary}")
    concerns.record_concern(s, content((child,), clock, facts=f"Facts {canary}"))
    (tmp_path / "card.cecard").write_bytes(packet_cards.recipient_card(s).to_bytes())
    maintenance.backup(s, tmp_path / "backup")
    s.lock()
    with pytest.raises(WrongPassphrase):  # a failed unlock is logged outside the vault
        reopen_anchored(vault_dir, clock, "teacher", "wrong passphrase entirely")
    written = [p for p in tmp_path.rglob("*") if p.is_file() and not p.name.startswith(
        "vault.db")]
    assert any(p.suffix == ".ceanchor" for p in written)
    assert (tmp_path / "backup" / "anchor.ceanchor") in written
    for path in written:
        data = path.read_bytes()
        for encoding in ("utf-8", "utf-16-le"):
            assert canary.encode(encoding) not in data, path


# -- policy discovery ------------------------------------------------------------------


def test_a_link_under_a_system_folder_to_a_users_folder_is_not_the_machines(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A user sets XDG_CONFIG_DIRS to a folder that is under /etc or /usr by name but is a
    link to somewhere they write (some systems have /usr/tmp -> /var/tmp): their own
    policy.toml would win over the one IT put in /etc/xdg."""
    etc = tmp_path / "etc"
    (etc / "xdg-desktop").mkdir(parents=True)
    mine = tmp_path / "tmp" / "mine"
    mine.mkdir(parents=True)
    (etc / "tmp").symlink_to(tmp_path / "tmp")
    monkeypatch.setattr(paths, "SYSTEM_PREFIXES", (etc,))
    listed = paths.xdg_config_dirs(f"{etc / 'tmp' / 'mine'}:{etc / 'xdg-desktop'}")
    assert listed == (etc / "xdg-desktop", paths.XDG_DEFAULT)

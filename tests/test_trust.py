"""DESIGN.md's trust anchors: a pending key is adopted only if the vault recorded it, a slot
belongs to one database, and a vault older than what was seen is noticed."""

from __future__ import annotations

import base64
import dataclasses
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
from cerecorder.domain.errors import NotAVault, PermissionDenied
from cerecorder.domain.model import Role
from cerecorder.services import concerns, maintenance, session, users
from cerecorder.services.session import Session
from cerecorder.storage.audit_chain import chain_hash, genesis_hash
from cerecorder.storage.vault import connect_database, read_keyslots

from helpers import (
    DSL_PASS,
    FAST_KDF,
    STAFF_PASS,
    TAXONOMY,
    MockClock,
    add_child,
    add_staff,
    content,
    new_vault,
    reopen,
    reopen_anchored,
    vault_files,
)


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
    before = vault_files(vault_dir)
    with pytest.raises(NotAVault, match="never recorded") as refused:
        reopen(vault_dir, clock)
    assert str(refused.value).count(". ") == 0  # one sentence
    assert vault_files(vault_dir) == before
    with pytest.raises(NotAVault):
        connect_database(vault_dir, attacker_key).close()
    if only is not None:  # the slots nobody touched still open
        reopen(vault_dir, clock, "teacher", STAFF_PASS).lock()


def test_a_removed_users_old_copy_behind_the_current_key_file_is_refused(
        dsl: Session, vault_dir: Path, tmp_path: Path, clock: MockClock) -> None:
    staff_id = add_staff(dsl)
    dsl.lock()
    kept = tmp_path / "teacher-copy.db"
    shutil.copyfile(vault_dir / "vault.db", kept)  # the leaver keeps a copy and its key
    dsl = reopen(vault_dir, clock)
    users.remove_user(dsl, staff_id)
    dsl.lock()
    shutil.copyfile(kept, vault_dir / "vault.db")
    before = vault_files(vault_dir)
    with pytest.raises(NotAVault, match="never recorded"):
        reopen(vault_dir, clock)
    assert vault_files(vault_dir) == before


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
    before = vault_files(vault_dir)
    with pytest.raises(NotAVault, match="different vault"):
        reopen(vault_dir, clock)
    assert vault_files(vault_dir) == before


def test_a_legacy_slot_gets_the_vault_secret_at_its_next_unlock(
        dsl: Session, vault_dir: Path, clock: MockClock) -> None:
    key = dsl.vault._require_key()
    slots = read_keyslots(vault_dir)
    current = slots.user_slot("dsl")
    assert current is not None
    identity = ks.unwrap(current, DSL_PASS, slots.vault_id).identity  # as it was written
    legacy = ks.wrap(key, DSL_PASS, vault_id=slots.vault_id, kind=ks.SLOT_USER,
                     user_id=dsl.user.id, user_name="dsl", params=FAST_KDF,
                     identity=identity)
    from cerecorder.storage.vault import write_keyslots

    write_keyslots(vault_dir, slots.with_slot(legacy))
    dsl.lock()
    assert ks.unwrap(legacy, DSL_PASS, slots.vault_id).vault_secret is None
    reopen(vault_dir, clock).lock()  # a slot from before the secret id still opens
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


# -- anchors: a vault older than what was seen ------------------------------------------


def _anchored(folder: Path, clock: MockClock) -> Session:
    """A vault whose sessions keep anchors in this user's state folder, with a staff user
    and a few events."""
    s = new_vault(folder, clock)
    s.anchor_folders = (paths.anchor_dir(),)
    add_staff(s)
    add_child(s, "Early", "Record")
    return s




def _more_events(folder: Path, clock: MockClock, count: int = 3) -> None:
    """Later work: a few more concerns, then a lock at 14:02 that writes the anchor."""
    clock.current = clock.current.replace(hour=14, minute=2)
    s = reopen_anchored(folder, clock)
    for n in range(count):
        concerns.record_concern(s, content((add_child(s, f"Later{n}", "Child"),), clock))
    s.lock()


def _copy_files(src: Path, dest: Path, names: tuple[str, ...]) -> None:
    for name in ("vault.db", "vault.db-wal", "vault.db-shm", "keyslots.json"):
        if name in names or name.startswith("vault.db-"):  # no stale WAL beside the copy
            (dest / name).unlink(missing_ok=True)
    for name in names:
        if (src / name).exists():
            shutil.copyfile(src / name, dest / name)


def _assert_detected(folder: Path, clock: MockClock) -> None:
    """Refused for staff with the sentence; the DSL is told; verify names the date."""
    clock.advance(hours=1)
    with pytest.raises(session.VaultRolledBack) as refused:
        reopen_anchored(folder, clock, "teacher", STAFF_PASS)
    message = str(refused.value)
    assert message.startswith("This vault is older than the copy seen on 16/11/2026 at 14:02: ")
    assert "recorded since are missing. It may have been replaced with an old copy." in message
    dsl = reopen_anchored(folder, clock, inspect=True)
    try:
        assert dsl.rollback is not None
        report = maintenance.verify(dsl)
    finally:
        dsl.lock()
    assert not report.ok
    assert report.anchor_finding == message


def _backup(folder: Path, dest: Path, clock: MockClock) -> None:
    s = reopen_anchored(folder, clock)
    maintenance.backup(s, dest)
    s.lock()


@pytest.mark.parametrize("with_keyslots", [False, True],
                         ids=["current keyslots.json", "old keyslots.json"])
def test_an_old_backup_put_back_is_noticed(
        vault_dir: Path, tmp_path: Path, clock: MockClock, with_keyslots: bool) -> None:
    _anchored(vault_dir, clock).lock()
    _backup(vault_dir, tmp_path / "backup", clock)
    assert (tmp_path / "backup" / "anchor.ceanchor").is_file()
    _more_events(vault_dir, clock)
    names = ("vault.db", "keyslots.json") if with_keyslots else ("vault.db",)
    _copy_files(tmp_path / "backup", vault_dir, names)
    _assert_detected(vault_dir, clock)


def test_a_raw_copy_of_the_closed_vault_put_back_is_noticed(
        vault_dir: Path, tmp_path: Path, clock: MockClock) -> None:
    _anchored(vault_dir, clock).lock()
    shutil.copytree(vault_dir, tmp_path / "copy")
    _more_events(vault_dir, clock)
    _copy_files(tmp_path / "copy", vault_dir, ("vault.db", "keyslots.json"))
    _assert_detected(vault_dir, clock)


def test_a_copy_taken_while_open_put_back_is_noticed(
        vault_dir: Path, tmp_path: Path, clock: MockClock) -> None:
    s = _anchored(vault_dir, clock)  # open: the latest pages are in the WAL
    (tmp_path / "copy").mkdir()
    for name in ("vault.db", "vault.db-wal", "keyslots.json"):
        shutil.copyfile(vault_dir / name, tmp_path / "copy" / name)
    assert (tmp_path / "copy" / "vault.db-wal").stat().st_size > 0
    s.lock()
    _more_events(vault_dir, clock)
    _copy_files(tmp_path / "copy", vault_dir, ("vault.db", "vault.db-wal", "keyslots.json"))
    _assert_detected(vault_dir, clock)


def test_an_old_copy_from_before_a_key_rotation_is_noticed(
        vault_dir: Path, tmp_path: Path, clock: MockClock) -> None:
    s = _anchored(vault_dir, clock)
    add_staff(s, "leaver")
    s.lock()
    shutil.copytree(vault_dir, tmp_path / "copy")
    _more_events(vault_dir, clock)
    s = reopen_anchored(vault_dir, clock)
    leaver = next(u for u in users.list_users(s) if u.name == "leaver")
    users.remove_user(s, leaver.id)
    s.lock()
    _copy_files(tmp_path / "copy", vault_dir, ("vault.db", "keyslots.json"))
    _assert_detected(vault_dir, clock)


def test_the_dsl_acknowledges_a_deliberate_restore_once_and_it_is_audited(
        vault_dir: Path, tmp_path: Path, clock: MockClock) -> None:
    _anchored(vault_dir, clock).lock()
    _backup(vault_dir, tmp_path / "backup", clock)
    _more_events(vault_dir, clock)
    superseded = (paths.anchor_dir()).glob("*.ceanchor").__next__().read_bytes()
    maintenance.restore(tmp_path / "backup", vault_dir, force=True, clock=clock)
    clock.advance(hours=1)
    dsl = reopen_anchored(vault_dir, clock)
    assert dsl.rollback is not None
    with pytest.raises(PermissionDenied):  # staff cannot; only a DSL's session has it
        staff_view = dataclasses.replace(dsl, user=dataclasses.replace(dsl.user,
                                                                        role=Role.STAFF))
        maintenance.acknowledge_restore(staff_view)
    finding = maintenance.acknowledge_restore(dsl)
    with dsl.uow() as uow:
        events = [r for r in uow.audit.rows() if r[3] == "restore_acknowledged"]
    assert len(events) == 1
    detail = json.loads(events[0][6])
    assert detail["superseded_row"] == finding.seen.anchor.row
    assert detail["missing"] == finding.missing > 0
    dsl.lock()
    # Another computer still holds the superseded anchor: it was taken before the
    # acknowledgement, so it is settled too.
    elsewhere = tmp_path / "laptop-b"
    elsewhere.mkdir()
    (elsewhere / next(paths.anchor_dir().glob("*.ceanchor")).name).write_bytes(superseded)
    again = session.unlock(vault_dir, user_name="dsl", passphrase=DSL_PASS, clock=clock,
                           taxonomy=TAXONOMY, anchor_folders=(paths.anchor_dir(), elsewhere))
    assert again.rollback is None  # asked once
    report = maintenance.verify(again)
    again.lock()
    assert report.ok, report
    reopen_anchored(vault_dir, clock, "teacher", STAFF_PASS).lock()


def test_a_dsl_that_declines_leaves_no_anchor_of_the_old_copy(
        vault_dir: Path, tmp_path: Path, clock: MockClock) -> None:
    _anchored(vault_dir, clock).lock()
    _backup(vault_dir, tmp_path / "backup", clock)
    _more_events(vault_dir, clock)
    maintenance.restore(tmp_path / "backup", vault_dir, force=True, clock=clock)
    reopen_anchored(vault_dir, clock).lock()  # told, did not acknowledge
    with pytest.raises(session.VaultRolledBack):
        reopen_anchored(vault_dir, clock, "teacher", STAFF_PASS)


# -- a key holder tampering with the database --------------------------------------------


def _raw(folder: Path) -> Any:
    """What any key holder can do: open vault.db with the key their slot yields."""
    slots = read_keyslots(folder)
    slot = slots.user_slot("teacher")
    assert slot is not None
    return connect_database(folder, ks.unwrap(slot, STAFF_PASS, slots.vault_id)
                   .candidate_keys[0])


def _trigger_sql(conn: Any, name: str) -> str:
    return str(conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,))
               .fetchone()[0])


def _rechain(conn: Any, rows: list[tuple[Any, ...]]) -> None:
    """Replace the audit table with these rows (renumbered), the chain recomputed."""
    vault_id = conn.execute("SELECT value FROM meta WHERE key = 'vault_id'").fetchone()[0]
    conn.execute("DELETE FROM audit")
    prev = genesis_hash(vault_id)
    for n, row in enumerate(rows, start=1):
        body = (n, *row[1:7])
        digest = chain_hash(prev, body)
        conn.execute("INSERT INTO audit(id, at, actor_id, action, object_type, object_id, "
                     "detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (*body, prev, digest))
        prev = digest


def _with_triggers_off(conn: Any, names: tuple[str, ...], change: Any) -> None:
    """Drop the triggers, make the change, create them again with their own text."""
    saved = [_trigger_sql(conn, name) for name in names]
    for name in names:
        conn.execute(f"DROP TRIGGER {name}")
    change(conn)
    for sql in saved:
        conn.execute(sql)


@pytest.fixture
def anchored(vault_dir: Path, clock: MockClock) -> Path:
    s = _anchored(vault_dir, clock)
    for n in range(24):
        add_child(s, f"Pupil{n}", "Surname")  # 30 events or more in all
    with s.uow() as uow:
        assert len(uow.audit.rows()) >= 30
    s.lock()
    clock.advance(hours=1)
    return vault_dir


def _verify(folder: Path, clock: MockClock) -> maintenance.VerifyReport:
    s = reopen_anchored(folder, clock, inspect=True)
    try:
        return maintenance.verify(s)
    finally:
        s.lock()


@pytest.mark.parametrize("count", [1, 5, 25, 0], ids=["last 1", "last 5", "last 25", "all"])
def test_deleting_the_newest_events_is_reported(
        anchored: Path, clock: MockClock, count: int) -> None:
    conn = _raw(anchored)
    last = conn.execute("SELECT max(id) FROM audit").fetchone()[0]
    cut = 0 if count == 0 else last - count
    _with_triggers_off(conn, ("audit_no_delete",),
                       lambda c: c.execute("DELETE FROM audit WHERE id > ?", (cut,)))
    conn.close()
    report = _verify(anchored, clock)
    assert not report.ok
    assert report.audit_first_broken is None  # the chain itself is intact: only the anchor
    assert report.anchor_finding is not None  # knows more was there
    missing = last - cut
    events = "1 audit event" if missing == 1 else f"{missing} audit events"
    assert f"at 09:30: {events} recorded since" in report.anchor_finding


def test_rewriting_an_event_and_recomputing_the_chain_is_reported(
        anchored: Path, clock: MockClock) -> None:
    conn = _raw(anchored)
    rows = conn.execute("SELECT * FROM audit ORDER BY id").fetchall()
    rows[5] = (*rows[5][:3], "child_viewed", *rows[5][4:])

    def rewrite(c: Any) -> None:
        _rechain(c, rows)

    _with_triggers_off(conn, ("audit_no_update", "audit_no_delete"), rewrite)
    conn.close()
    report = _verify(anchored, clock)
    assert report.audit_first_broken is None
    assert report.anchor_finding is not None
    assert "audit trail was cut or rewritten below what was seen on 16/11/2026 at 09:30" \
        in report.anchor_finding


def test_a_forged_event_inserted_below_the_anchor_is_reported(
        anchored: Path, clock: MockClock) -> None:
    conn = _raw(anchored)
    rows = conn.execute("SELECT * FROM audit ORDER BY id").fetchall()
    forged = (0, rows[4][1], None, "concern_draft_discarded", "concern", "1", "{}", "", "")
    rows.insert(5, forged)
    _with_triggers_off(conn, ("audit_no_update", "audit_no_delete"),
                       lambda c: _rechain(c, rows))
    conn.close()
    report = _verify(anchored, clock)
    assert report.audit_first_broken is None
    assert report.anchor_finding is not None and "rewritten" in report.anchor_finding


def test_a_dropped_append_only_trigger_is_reported(anchored: Path, clock: MockClock) -> None:
    conn = _raw(anchored)
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.close()
    report = _verify(anchored, clock)
    assert not report.ok
    assert report.schema_problems == ("trigger audit_no_delete is missing",)


def test_a_submitted_concern_changed_behind_a_recreated_trigger_is_reported(
        anchored: Path, clock: MockClock) -> None:
    s = reopen_anchored(anchored, clock)
    concern_id = concerns.record_concern(s, content((add_child(s),), clock))
    s.lock()
    conn = _raw(anchored)
    _with_triggers_off(conn, ("concerns_locked_update",), lambda c: c.execute(
        "UPDATE concerns SET facts = 'Nothing happened.' WHERE id = ?", (concern_id,)))
    assert conn.execute("SELECT facts FROM concerns WHERE id = ?",
                        (concern_id,)).fetchone()[0] == "Nothing happened."
    conn.close()
    report = _verify(anchored, clock)
    assert not report.ok
    assert report.schema_problems == (
        "trigger concerns_locked_update is out of its place: it was dropped and created again",)


def test_verify_names_each_finding_on_one_line(anchored: Path, clock: MockClock) -> None:
    conn = _raw(anchored)
    conn.execute("DROP TRIGGER audit_no_update")
    _with_triggers_off(conn, ("audit_no_delete",), lambda c: c.execute(
        "DELETE FROM audit WHERE id > (SELECT max(id) - 2 FROM audit)"))
    conn.close()
    out, err = io.StringIO(), io.StringIO()
    code = cli_run(["verify", str(anchored), "--user", "dsl"], taxonomy=TAXONOMY, clock=clock,
                   anchor_folders=(paths.anchor_dir(),), stdin=io.StringIO(DSL_PASS + "\n"),
                   stdout=out, stderr=err)
    assert code == 3, (out.getvalue(), err.getvalue())
    lines = out.getvalue().splitlines()
    assert "Schema and triggers: ALTERED" in lines
    assert "  trigger audit_no_update is missing" in lines
    assert "  trigger audit_no_delete is out of its place: it was dropped and created again" \
        in lines
    assert any(line.startswith("Anchors: OLDER THAN SEEN: This vault is older than the copy "
                               "seen on 16/11/2026 at 09:30: 2 audit events") for line in lines)


def test_an_exported_pdf_carries_the_vaults_anchor_in_its_keywords(
        dsl: Session, clock: MockClock) -> None:
    from pypdf import PdfReader

    from cerecorder.export.pdf import PdfRenderer
    from cerecorder.services import handover
    from cerecorder.services.anchors import Anchor

    concern_id = concerns.record_concern(dsl, content((add_child(dsl),), clock))
    doc = handover.concern_document(dsl, concern_id)
    data = PdfRenderer(paths.resources_dir() / "fonts").concern(doc)
    keywords = PdfReader(io.BytesIO(data)).metadata["/Keywords"]
    anchor = Anchor.from_json(json.loads(keywords))
    with dsl.uow() as uow:
        assert anchor.hash == uow.audit.hash_of(anchor.row)


_DIE_AFTER_REKEY = """
import os, sys
sys.path.insert(0, sys.argv[2])
from cerecorder.services import session, users
from cerecorder.storage import vault as vault_module
from helpers import DSL_PASS, TAXONOMY, MockClock

def rekey_then_die(conn, db, new_key, progress=None):
    conn.execute(f"PRAGMA rekey = \\"x'{new_key.hex()}'\\"")
    os._exit(0)  # the power goes: the rekeyed pages are still in the WAL

vault_module._rekey = rekey_then_die
s = session.unlock(vault_module.Path(sys.argv[1]), user_name="dsl", passphrase=DSL_PASS,
                   clock=MockClock(), taxonomy=TAXONOMY)
users.remove_user(s, int(sys.argv[3]))
"""


def test_a_rotation_cut_off_after_its_rekey_verifies_intact(
        dsl: Session, vault_dir: Path, clock: MockClock) -> None:
    import subprocess
    import sys

    staff_id = add_staff(dsl)
    dsl.lock()
    tests = Path(__file__).resolve().parent
    subprocess.run([sys.executable, "-c", _DIE_AFTER_REKEY, str(vault_dir), str(tests),
                    str(staff_id)], check=True, timeout=60)
    assert (vault_dir / "vault.db-wal").stat().st_size > 0
    s = reopen(vault_dir, clock)
    report = maintenance.verify(s)
    s.lock()
    assert report.integrity_problems == []
    assert report.ok, report


def test_a_copy_from_before_the_vault_had_a_signing_key_is_noticed(
        vault_dir: Path, tmp_path: Path, clock: MockClock) -> None:
    _anchored(vault_dir, clock).lock()
    shutil.copytree(vault_dir, tmp_path / "copy")
    conn = _raw(tmp_path / "copy")  # as a vault from before anchors were written
    conn.execute("DELETE FROM signing_key")
    conn.close()
    _more_events(vault_dir, clock)
    _copy_files(tmp_path / "copy", vault_dir, ("vault.db", "keyslots.json"))
    _assert_detected(vault_dir, clock)
    dsl = reopen_anchored(vault_dir, clock)
    maintenance.acknowledge_restore(dsl)  # the copy gets its signing key, and an anchor
    dsl.lock()
    again = reopen_anchored(vault_dir, clock)
    assert again.rollback is None and maintenance.verify(again).ok
    again.lock()


def test_anchor_folders_are_made_private_and_anchors_hold_no_content(
        dsl: Session, home: Path) -> None:
    import os
    import stat

    before = os.umask(0o022)  # a usual umask would leave new folders 0755
    try:
        dsl.anchor_folders = (paths.anchor_dir(),)
        dsl.lock()
    finally:
        os.umask(before)
    [anchor] = paths.anchor_dir().glob("*.ceanchor")
    for folder in (paths.state_dir(), paths.anchor_dir()):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert set(json.loads(anchor.read_text())) == {
        "format", "vault_id", "row", "hash", "at", "signature"}


def test_an_anchor_folder_that_cannot_be_written_does_not_stop_the_lock(
        dsl: Session, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the share should be")
    dsl.anchor_folders = (blocked / "anchors", paths.anchor_dir())
    dsl.lock()
    assert not dsl.is_open
    assert len(list(paths.anchor_dir().glob("*.ceanchor"))) == 1


def test_a_staff_recovery_on_an_old_copy_is_refused_before_anything_changes(
        vault_dir: Path, tmp_path: Path, clock: MockClock) -> None:
    s, recovery = session.create(
        vault_dir, user_name="dsl", display_name="Dana Lead", role=Role.DSL,
        passphrase=DSL_PASS, clock=clock, taxonomy=TAXONOMY, kdf=FAST_KDF,
        anchor_folders=(paths.anchor_dir(),))
    add_staff(s)
    s.lock()
    _backup(vault_dir, tmp_path / "backup", clock)
    _more_events(vault_dir, clock)
    maintenance.restore(tmp_path / "backup", vault_dir, force=True, clock=clock)
    before = vault_files(vault_dir)
    with pytest.raises(session.VaultRolledBack, match="older than the copy seen"):
        session.unlock_with_recovery_key(
            vault_dir, recovery_key=recovery, user_name="teacher",
            new_passphrase="a brand new passphrase", clock=clock, taxonomy=TAXONOMY,
            kdf=FAST_KDF, anchor_folders=(paths.anchor_dir(),))
    assert vault_files(vault_dir)["keyslots.json"] == before["keyslots.json"]

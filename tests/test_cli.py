"""cerecorder-admin, in process through cli.main.run and as the installed console script.

In process, stdin is a StringIO ("not a terminal"), so passphrases are read one per line in
the order the command asks for them. The subprocess runs pipe them the same way and use
the real default key derivation, so there are only a few of them.
"""

from __future__ import annotations

import io
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlcipher3 import dbapi2 as sqlcipher

from cerecorder import paths
from cerecorder.cli.main import run
from cerecorder.crypto import keyslots as ks
from cerecorder.crypto.recovery import new_recovery_key, normalise_recovery_key
from cerecorder.services import children, concerns, session, users
from cerecorder.storage.vault import read_keyslots

from helpers import (
    DSL_PASS,
    STAFF_PASS,
    TAXONOMY,
    MockClock,
    add_child,
    add_staff,
    content,
    new_vault,
)

ADMIN = Path(sys.executable).with_name("cerecorder-admin")
RECOVERY_KEY = re.compile(r"(?<![0-9A-Z-])[0-9A-Z]{4}(?:-[0-9A-Z]{4}){8}(?![0-9A-Z-])")
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NEW_PASS = "a brand new passphrase"
OTHER_PASS = "yet another passphrase"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


Admin = Callable[..., Result]


def cli(*argv: object, lines: tuple[str, ...] | list[str] = (), clock: MockClock | None = None,
        ) -> Result:
    out, err = io.StringIO(), io.StringIO()
    code = run(
        [str(a) for a in argv], taxonomy=TAXONOMY, clock=clock or MockClock(),
        anchor_folders=(paths.anchor_dir(),),  # as the installed command: app.anchor_folders
        stdin=io.StringIO("".join(f"{line}\n" for line in lines)), stdout=out, stderr=err,
    )
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def admin(tmp_path: Path) -> Admin:
    """Run the installed console script with passphrases piped on stdin."""
    assert ADMIN.is_file(), f"{ADMIN} is not installed"
    home, tmp = tmp_path / "sub-home", tmp_path / "sub-tmp"
    tmp.mkdir()
    env = dict(os.environ, CERECORDER_HOME=str(home), TMPDIR=str(tmp))

    def admin_run(*argv: object, lines: tuple[str, ...] | list[str] = ()) -> Result:
        proc = subprocess.run(
            [str(ADMIN), *(str(a) for a in argv)],
            input="".join(f"{line}\n" for line in lines), capture_output=True, text=True,
            env=env, timeout=60,
        )
        assert "Traceback" not in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stdout, proc.stdout
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return admin_run


def assert_one_line_error(result: Result, code: int, *fragments: str) -> None:
    """Exit `code`, exactly one plain line on stderr containing each fragment."""
    assert result.code == code, result
    assert result.err.endswith("\n") and result.err.count("\n") == 1, result.err
    assert result.err.startswith("cerecorder-admin: "), result.err
    assert "Traceback" not in result.err
    assert "internal error" not in result.err, result.err  # a bug, not a clear message
    for fragment in fragments:
        assert fragment in result.err, (fragment, result.err)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under a folder with its bytes and modification time."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def one_recovery_key(result: Result) -> str:
    keys = RECOVERY_KEY.findall(result.out)
    assert len(keys) == 1, result.out
    assert not RECOVERY_KEY.search(result.err)
    return str(keys[0])


def user_rows(out: str) -> set[tuple[str, str]]:
    """(name, role) of each line `users` printed."""
    rows = set()
    for line in out.splitlines():
        _id, name, role, _display = line.split("\t")
        rows.add((name, role))
    return rows


def locked_vault(folder: Path, clock: MockClock, *, staff: bool = False) -> Path:
    """A vault made with the fast KDF (stored per slot, so the CLI's unlocks are fast too)."""
    s = new_vault(folder, clock)
    if staff:
        add_staff(s)
    s.lock()
    return folder


def raw_connect(db: Path, key: bytes) -> sqlcipher.Connection:
    conn = sqlcipher.connect(str(db), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute(f"PRAGMA cipher_page_size = {read_keyslots(db.parent).page_size}")
    return conn


def user_key(folder: Path, name: str, passphrase: str) -> bytes:
    slots = read_keyslots(folder)
    slot = slots.user_slot(name)
    assert slot is not None
    return ks.unwrap(slot, passphrase, slots.vault_id).candidate_keys[0]


# -- init ---------------------------------------------------------------------------------


def test_init_prints_the_recovery_key_once_and_never_overwrites(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    created = cli("init", vault, "--name", "dsl", lines=[DSL_PASS])
    assert created.code == 0, created
    assert created.err == ""
    key = one_recovery_key(created)
    assert normalise_recovery_key(key) == key  # nine groups of four, check group valid
    assert (vault / "vault.db").is_file() and (vault / "keyslots.json").is_file()

    # Shown once: it is stored nowhere the program wrote.
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert key.encode() not in data and key.replace("-", "").encode() not in data, path

    before = snapshot(vault)
    listing = sorted(p.name for p in tmp_path.iterdir())
    again = cli("init", vault, "--name", "other", lines=[STAFF_PASS])
    assert_one_line_error(again, 1, "already exists")
    assert not RECOVERY_KEY.search(again.out)
    assert snapshot(vault) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing  # no partial folder left

    # The first vault is untouched: its user's passphrase still opens it, with one user.
    listed = cli("users", vault, lines=[DSL_PASS])
    assert listed.code == 0, listed
    assert user_rows(listed.out) == {("dsl", "dsl")}


def test_a_short_passphrase_is_refused_and_creates_nothing(tmp_path: Path) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    result = cli("init", tmp_path / "vault", "--name", "dsl", lines=["short pw"])
    assert_one_line_error(result, 1, "at least 10 characters")
    assert not RECOVERY_KEY.search(result.out)
    assert not (tmp_path / "vault").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_console_script_init_verify_users_and_wrong_passphrase(
    tmp_path: Path, admin: Admin
) -> None:
    vault = tmp_path / "vault"
    created = admin("init", vault, "--name", "dsl", "--display-name", "Dana Lead",
                    lines=[DSL_PASS])
    assert created.code == 0, created
    one_recovery_key(created)

    before = snapshot(vault)
    again = admin("init", vault, "--name", "dsl", lines=[DSL_PASS])
    assert_one_line_error(again, 1, "already exists")
    assert snapshot(vault) == before

    verified = admin("verify", vault, lines=[DSL_PASS])
    assert verified.code == 0, verified
    assert "intact" in verified.out

    listed = admin("users", vault, lines=[DSL_PASS])
    assert listed.code == 0, listed
    assert user_rows(listed.out) == {("dsl", "dsl")}

    wrong = admin("users", vault, lines=["not the passphrase at all"])
    assert_one_line_error(wrong, 1)
    assert "passphrase" in wrong.err.lower()
    assert wrong.out == ""


# -- users --------------------------------------------------------------------------------


def test_users_lists_names_and_roles_and_asks_for_user_when_there_are_several(
    tmp_path: Path, clock: MockClock
) -> None:
    vault = locked_vault(tmp_path / "vault", clock)

    listed = cli("users", vault, lines=[DSL_PASS])  # --user optional with one user
    assert listed.code == 0, listed
    assert listed.out == "1\tdsl\tdsl\tDana Lead\n"
    named = cli("users", vault, "--user", "dsl", lines=[DSL_PASS])
    assert named.code == 0 and named.out == listed.out

    added = cli("add-user", vault, "teacher", "--role", "staff", lines=[DSL_PASS, STAFF_PASS])
    assert added.code == 0, added
    assert "teacher" in added.out

    unnamed = cli("users", vault, lines=[DSL_PASS])
    assert_one_line_error(unnamed, 1, "--user")
    assert unnamed.out == ""

    both = cli("users", vault, "--user", "dsl", lines=[DSL_PASS])
    assert both.code == 0, both
    assert user_rows(both.out) == {("dsl", "dsl"), ("teacher", "staff")}

    # The new user's passphrase opens the vault; their role may not list users.
    staff = cli("users", vault, "--user", "teacher", lines=[STAFF_PASS])
    assert staff.code == 4, staff
    assert "not allowed" in staff.err


def test_wrong_passphrase_is_one_line_that_says_so(tmp_path: Path, clock: MockClock) -> None:
    vault = locked_vault(tmp_path / "vault", clock)
    result = cli("users", vault, lines=["not the passphrase at all"])
    assert_one_line_error(result, 1)
    assert "passphrase" in result.err.lower()
    assert result.out == ""


# -- verify -------------------------------------------------------------------------------


def test_verify_a_fresh_vault(tmp_path: Path, clock: MockClock) -> None:
    vault = locked_vault(tmp_path / "vault", clock)
    result = cli("verify", vault, lines=[DSL_PASS])
    assert result.code == 0, result
    assert "SQLCipher integrity: ok" in result.out
    assert "intact" in result.out


def _vault_with_records(folder: Path, clock: MockClock) -> Path:
    s = new_vault(folder, clock)
    kids = [add_child(s, f"Child{n}", f"Surname{n}") for n in range(20)]
    for n in range(60):
        concern_id = concerns.record_concern(
            s, content((kids[n % 20],), clock, facts=f"Concern {n}: " + "observed detail " * 60)
        )
        concerns.add_addendum(s, concern_id, f"Addendum to concern {n}.")
    s.lock()
    return folder


def _check_damage_reported(result: Result) -> None:
    """Either verify names the damage (exit 3) or the vault refuses to open (exit 1)."""
    assert result.code in (1, 3), result
    if result.code == 3:
        assert "DAMAGED" in result.out or "BROKEN" in result.out, result.out
        assert "internal error" not in result.err
        # The vault holds hundreds of audit events: a report that could not read them must
        # not call the chain intact.
        assert "intact (0 events)" not in result.out, result.out
    else:
        assert_one_line_error(result, 1)
        assert "damaged" in result.err.lower() or "not a" in result.err.lower(), result.err


def test_a_flipped_byte_is_reported_plainly(
    tmp_path: Path, clock: MockClock, admin: Admin
) -> None:
    vault = _vault_with_records(tmp_path / "vault", clock)
    db = vault / "vault.db"
    data = bytearray(db.read_bytes())
    assert len(data) > 64 * 1024  # many pages, so the middle is real content
    assert not (vault / "vault.db-wal").exists() or (vault / "vault.db-wal").stat().st_size == 0
    middle = len(data) // 2
    data[middle] ^= 0xFF
    db.write_bytes(bytes(data))

    _check_damage_reported(admin("verify", vault, lines=[DSL_PASS]))
    _check_damage_reported(cli("verify", vault, lines=[DSL_PASS]))


def test_things_that_are_not_vaults_give_one_clear_line(
    tmp_path: Path, clock: MockClock, admin: Admin
) -> None:
    real = locked_vault(tmp_path / "real", clock)

    empty = tmp_path / "empty"
    empty.mkdir()
    assert_one_line_error(cli("verify", empty, lines=[DSL_PASS]), 1,
                          "There is no CE Recorder vault")
    assert_one_line_error(cli("users", tmp_path / "missing", "--user", "dsl", lines=[DSL_PASS]),
                          1, "There is no CE Recorder vault")

    plain = tmp_path / "plain"
    plain.mkdir()
    conn = sqlite3.connect(plain / "vault.db")
    conn.execute("CREATE TABLE concerns (facts TEXT)")
    conn.execute("INSERT INTO concerns VALUES ('in clear text')")
    conn.commit()
    conn.close()
    (plain / "keyslots.json").write_bytes((real / "keyslots.json").read_bytes())
    assert_one_line_error(cli("verify", plain, lines=[DSL_PASS]), 1, "unencrypted SQLite")

    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "vault.db").write_bytes((real / "vault.db").read_bytes())
    (garbage / "keyslots.json").write_bytes(b"\x00\xffnot json {")
    assert_one_line_error(cli("verify", garbage, lines=[DSL_PASS]), 1, "keyslots.json")
    assert_one_line_error(cli("verify", garbage, "--user", "dsl", lines=[DSL_PASS]), 1,
                          "keyslots.json")
    assert_one_line_error(admin("verify", garbage, "--user", "dsl", lines=[DSL_PASS]), 1,
                          "keyslots.json")
    (garbage / "keyslots.json").write_text('{"format": 1, "slots": "nope"}')
    assert_one_line_error(cli("users", garbage, lines=[DSL_PASS]), 1, "keyslots.json")


def test_verify_names_a_tampered_audit_row(tmp_path: Path, clock: MockClock) -> None:
    vault = locked_vault(tmp_path / "vault", clock)
    assert "intact" in cli("verify", vault, lines=[DSL_PASS]).out

    conn = raw_connect(vault / "vault.db", user_key(vault, "dsl", DSL_PASS))
    try:
        with pytest.raises(sqlcipher.DatabaseError, match="immutable"):
            conn.execute("UPDATE audit SET action = 'nothing happened' WHERE id = 2")
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("UPDATE audit SET action = 'nothing happened' WHERE id = 2")
        assert conn.execute("SELECT action FROM audit WHERE id = 2").fetchone() == (
            "nothing happened",
        )
    finally:
        conn.close()

    result = cli("verify", vault, lines=[DSL_PASS])
    assert result.code == 3, result
    assert "BROKEN at event 2" in result.out
    assert "intact" not in result.out


# -- backup and restore -------------------------------------------------------------------


def _child_names(folder: Path, clock: MockClock) -> set[str]:
    s = session.unlock(folder, user_name="dsl", passphrase=DSL_PASS, clock=clock,
                       taxonomy=TAXONOMY)
    try:
        return {c.legal_name for c in children.list_children(s)}
    finally:
        s.lock()


def test_backup_while_open_then_restore(tmp_path: Path, clock: MockClock) -> None:
    vault, dest = tmp_path / "vault", tmp_path / "backup"
    s = new_vault(vault, clock)
    add_staff(s)
    add_child(s, "Before", "Backup")
    s.lock()

    held = session.unlock(vault, user_name="dsl", passphrase=DSL_PASS, clock=clock,
                          taxonomy=TAXONOMY)
    try:
        backed_up = cli("backup", vault, dest, "--user", "dsl", lines=[DSL_PASS])
        assert backed_up.code == 0, backed_up
        assert {"keyslots.json", "vault.db", "anchor.ceanchor"} <= {p.name for p in dest.iterdir()}

        copy = session.unlock(dest, user_name="dsl", passphrase=DSL_PASS, clock=clock,
                              taxonomy=TAXONOMY)
        try:
            assert [(u.name, u.role) for u in users.list_users(copy)] == [
                (u.name, u.role) for u in users.list_users(held)
            ]
            assert {c.legal_name for c in children.list_children(copy)} == {"Before Backup"}
        finally:
            copy.lock()
        session.unlock(dest, user_name="teacher", passphrase=STAFF_PASS, clock=clock,
                       taxonomy=TAXONOMY).lock()

        # The open session is undisturbed, and a restore will not pull the vault from under it.
        add_child(held, "After", "Backup")
        before = snapshot(vault)
        busy = cli("restore", dest, vault, "--force")
        assert_one_line_error(busy, 1, "open in another")
        assert snapshot(vault) == before
    finally:
        held.lock()

    listing = sorted(p.name for p in tmp_path.iterdir())
    before = snapshot(vault)
    refused = cli("restore", dest, vault)
    assert_one_line_error(refused, 1, "--force")
    assert snapshot(vault) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing

    not_a_vault = tmp_path / "not-a-vault"
    not_a_vault.mkdir()
    (not_a_vault / "notes.txt").write_text("hello")
    assert_one_line_error(cli("restore", not_a_vault, vault, "--force"), 1,
                          "There is no CE Recorder vault")
    assert snapshot(vault) == before

    old_db = (vault / "vault.db").read_bytes()
    restored = cli("restore", dest, vault, "--force")
    assert restored.code == 0, restored
    asides = [p for p in tmp_path.iterdir() if "replaced-" in p.name]
    assert len(asides) == 1, asides
    aside = asides[0]
    assert str(aside) in restored.out
    assert (aside / "vault.db").read_bytes() == old_db
    assert (vault / "vault.db").read_bytes() == (dest / "vault.db").read_bytes()

    assert _child_names(vault, clock) == {"Before Backup"}
    assert _child_names(aside, clock) == {"Before Backup", "After Backup"}


def test_a_restored_vault_is_refused_until_the_dsl_acknowledges_it(
    tmp_path: Path, clock: MockClock
) -> None:
    vault, dest = locked_vault(tmp_path / "vault", clock, staff=True), tmp_path / "backup"
    assert cli("backup", vault, dest, "--user", "dsl", lines=[DSL_PASS], clock=clock).code == 0
    clock.advance(hours=4, minutes=32)  # 14:02
    added = cli("add-user", vault, "second", "--user", "dsl",
                lines=[DSL_PASS, NEW_PASS, NEW_PASS], clock=clock)
    assert added.code == 0, added  # the lock after it anchors the newer state
    clock.advance(days=1)
    restored = cli("restore", dest, vault, "--force", clock=clock)
    assert restored.code == 0, restored
    assert f"acknowledge-restore {vault}" in restored.out

    older = "This vault is older than the copy seen on 16/11/2026 at 14:02: "
    staff = cli("children", vault, "--user", "teacher", lines=[STAFF_PASS], clock=clock)
    assert_one_line_error(staff, 1, older, "Ask your DSL.")
    dsl = cli("users", vault, "--user", "dsl", lines=[DSL_PASS], clock=clock)
    assert_one_line_error(dsl, 1, older, f"cerecorder-admin acknowledge-restore {vault}")
    verified = cli("verify", vault, "--user", "dsl", lines=[DSL_PASS], clock=clock)
    assert verified.code == 3, verified
    assert "Anchors: OLDER THAN SEEN: " + older in verified.out

    acknowledged = cli("acknowledge-restore", vault, "--user", "dsl", lines=[DSL_PASS], clock=clock)
    assert acknowledged.code == 0, acknowledged
    assert "16/11/2026 14:02" in acknowledged.out
    again = cli("acknowledge-restore", vault, "--user", "dsl", lines=[DSL_PASS], clock=clock)
    assert_one_line_error(again, 1, "nothing to acknowledge")
    verified = cli("verify", vault, "--user", "dsl", lines=[DSL_PASS], clock=clock)
    assert verified.code == 0, verified
    assert "Anchors: ok" in verified.out
    assert cli("users", vault, "--user", "dsl", lines=[DSL_PASS], clock=clock).code == 0


def test_a_vault_in_use_is_refused_by_the_console_script(
    tmp_path: Path, clock: MockClock, admin: Admin
) -> None:
    vault = locked_vault(tmp_path / "vault", clock)
    held = session.unlock(vault, user_name="dsl", passphrase=DSL_PASS, clock=clock,
                          taxonomy=TAXONOMY)
    try:
        result = admin("users", vault, lines=[DSL_PASS])
        assert_one_line_error(result, 1, "open in another window or program")
        assert result.out == ""
    finally:
        held.lock()
    assert cli("users", vault, lines=[DSL_PASS]).code == 0  # free again once locked


# -- removing users, recovery -------------------------------------------------------------


def test_remove_user_rotates_the_database_key(tmp_path: Path, clock: MockClock) -> None:
    vault = locked_vault(tmp_path / "vault", clock, staff=True)
    old_key = user_key(vault, "teacher", STAFF_PASS)
    conn = raw_connect(vault / "vault.db", old_key)
    try:  # before removal, the teacher's key opens the file
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    finally:
        conn.close()

    removed = cli("remove-user", vault, "teacher", "--user", "dsl", lines=[DSL_PASS])
    assert removed.code == 0, removed
    assert "rotated" in removed.out
    assert "The vault's signing key has changed too" in removed.out
    assert "staff laptops take the new key from the next recipient card" in removed.out
    assert "Done: the vault has its new key. (100%)" in removed.err  # progress, on stderr

    gone = cli("users", vault, "--user", "teacher", lines=[STAFF_PASS])
    assert_one_line_error(gone, 1, "teacher")
    stays = cli("users", vault, lines=[DSL_PASS])  # one user left: --user optional again
    assert stays.code == 0, stays
    assert user_rows(stays.out) == {("dsl", "dsl")}

    conn = raw_connect(vault / "vault.db", old_key)
    try:
        with pytest.raises(sqlcipher.DatabaseError, match="file is not a database"):
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()
    assert user_key(vault, "dsl", DSL_PASS) != old_key

    verified = cli("verify", vault, lines=[DSL_PASS])
    assert verified.code == 0, verified
    assert "intact" in verified.out


def test_recover_with_the_recovery_key(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    key = one_recovery_key(cli("init", vault, "--name", "dsl", lines=[DSL_PASS]))

    recovered = cli("recover", vault, "--user", "dsl", lines=[key, NEW_PASS])
    assert recovered.code == 0, recovered
    assert cli("users", vault, lines=[NEW_PASS]).code == 0
    assert_one_line_error(cli("users", vault, lines=[DSL_PASS]), 1)

    typed = key.lower().replace("-", " ")
    again = cli("recover", vault, "--user", "dsl", lines=[typed, OTHER_PASS])
    assert again.code == 0, again
    assert cli("users", vault, lines=[OTHER_PASS]).code == 0

    # One character changed (in the check group, so the mistake is certain to show).
    last = key[-1]
    typo = key[:-1] + next(c for c in CROCKFORD if c != last)
    mistyped = cli("recover", vault, "--user", "dsl", lines=[typo, NEW_PASS])
    assert_one_line_error(mistyped, 1, "typing mistake")

    # A well-formed key of another vault is simply wrong.
    foreign = cli("recover", vault, "--user", "dsl", lines=[new_recovery_key(), NEW_PASS])
    assert_one_line_error(foreign, 1, "Wrong passphrase or recovery key")

    assert cli("users", vault, lines=[OTHER_PASS]).code == 0  # the failures changed nothing

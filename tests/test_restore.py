"""restore: it checks a backup before replacing anything, survives being killed mid-swap,
keeps folders private whatever the umask, and keeps the replaced vault's owner."""

from __future__ import annotations

import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cerecorder.cli.main import run
from cerecorder.domain.errors import VaultInUse
from cerecorder.services import maintenance, session
from cerecorder.storage.lock import VaultLock
from cerecorder.storage.outside import OutsideLog
from cerecorder.storage.swap import journal_path
from cerecorder.storage.vault import read_keyslots

from helpers import DSL_PASS, TAXONOMY, MockClock, add_child, file_mode, new_vault

WORKER = Path(__file__).with_name("restore_worker.py")


def cli(*argv: object, lines: tuple[str, ...] = ()) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in argv], taxonomy=TAXONOMY, clock=MockClock(),
               stdin=io.StringIO("".join(f"{line}\n" for line in lines)), stdout=out,
               stderr=err)
    return code, out.getvalue(), err.getvalue()


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def one_plain_line(err: str) -> None:
    assert err.startswith("cerecorder-admin: ") and err.count("\n") == 1, err
    assert "internal error" not in err and "Traceback" not in err, err


@pytest.fixture
def vault_and_backup(tmp_path: Path, clock: MockClock) -> tuple[Path, Path]:
    """A vault with one child, and a backup of it taken when it had none."""
    vault, backup = tmp_path / "vault", tmp_path / "backup"
    s = new_vault(vault, clock)
    maintenance.backup(s, backup)
    add_child(s, "After", "Backup")
    s.lock()
    return vault, backup


def _truncated(backup: Path) -> None:
    db = backup / "vault.db"
    db.write_bytes(db.read_bytes()[:-100])


def _random_odd(backup: Path) -> None:
    (backup / "vault.db").write_bytes(os.urandom(3 * 4096 + 17))


def _plaintext(backup: Path) -> None:
    (backup / "vault.db").unlink()
    sqlite3.connect(backup / "vault.db").execute("CREATE TABLE t (x)").connection.close()


def _empty(backup: Path) -> None:
    (backup / "vault.db").write_bytes(b"")


def _no_key_file(backup: Path) -> None:
    (backup / "keyslots.json").write_text('{"format": 1}')


@pytest.mark.parametrize("damage", [_truncated, _random_odd, _plaintext, _empty, _no_key_file])
def test_a_backup_that_is_plainly_not_whole_is_refused_without_a_passphrase(
    vault_and_backup: tuple[Path, Path], damage: object
) -> None:
    vault, backup = vault_and_backup
    damage(backup)  # type: ignore[operator]
    before = files_of(vault)
    code, _out, err = cli("restore", backup, vault, "--force")
    assert code == 1
    one_plain_line(err)
    assert "Nothing was changed" in err
    assert files_of(vault) == before
    assert [p.name for p in vault.parent.iterdir() if "replaced" in p.name] == []


def _flipped(backup: Path) -> None:
    db = backup / "vault.db"
    data = bytearray(db.read_bytes())
    data[len(data) // 2] ^= 0x01
    db.write_bytes(bytes(data))


def _random_pages(backup: Path) -> None:
    (backup / "vault.db").write_bytes(os.urandom(4 * 4096))


def _foreign(backup: Path) -> None:
    other = backup.parent / "other-school"
    new_vault(other, MockClock()).lock()
    shutil.copyfile(other / "vault.db", backup / "vault.db")


@pytest.mark.parametrize("damage", [_flipped, _random_pages, _foreign])
def test_with_a_passphrase_a_damaged_or_foreign_backup_is_refused(
    vault_and_backup: tuple[Path, Path], damage: object
) -> None:
    vault, backup = vault_and_backup
    damage(backup)  # type: ignore[operator]
    before = files_of(vault)
    code, _out, err = cli("restore", backup, vault, "--force", "--user", "dsl",
                          lines=(DSL_PASS,))
    assert code == 1
    one_plain_line(err)
    assert "nothing was changed" in err.lower()
    assert files_of(vault) == before


def test_with_a_passphrase_a_sound_backup_is_verified_then_restored(
    vault_and_backup: tuple[Path, Path], clock: MockClock
) -> None:
    vault, backup = vault_and_backup
    before = files_of(backup)
    code, out, err = cli("restore", backup, vault, "--force", "--user", "dsl",
                         lines=(DSL_PASS,))
    assert code == 0, err
    assert "verified" in out
    assert files_of(backup) == before  # checking it wrote nothing into the backup
    assert (vault / "vault.db").read_bytes() == (backup / "vault.db").read_bytes()


# -- killed between the steps of the swap ------------------------------------------------

#: the Nth os.replace of a restore: 1 the journal, 2 the old vault aside, 3 the copy into
#: place, 4 the restore event; 5 is past the end (no kill)
STEPS = [1, 2, 3, 4, 5]


@pytest.mark.parametrize("kill_at", STEPS)
def test_a_restore_killed_at_any_step_is_finished_or_undone_at_the_next_open(
    vault_and_backup: tuple[Path, Path], kill_at: int, tmp_path: Path, clock: MockClock
) -> None:
    vault, backup = vault_and_backup
    old_db = (vault / "vault.db").read_bytes()
    env = dict(os.environ, CERECORDER_HOME=str(tmp_path / "home"))
    proc = subprocess.run([sys.executable, str(WORKER), str(kill_at), str(backup), str(vault)],
                          capture_output=True, text=True, env=env, timeout=120)
    if kill_at < STEPS[-1]:
        assert proc.returncode == -signal.SIGKILL, proc
    else:
        assert proc.returncode == 0, proc
    # The next user of the vault, here the command line, finds a vault at its path.
    code, out, err = cli("users", vault, lines=(DSL_PASS,))
    assert code == 0, err
    assert "dsl" in out
    assert not journal_path(vault).exists()
    asides = [p for p in vault.parent.iterdir() if "replaced-" in p.name]
    events = [e.action for e in OutsideLog(vault).read()]
    if kill_at == 1:  # before the journal: the restore never began
        assert (vault / "vault.db").read_bytes() != (backup / "vault.db").read_bytes()
        assert asides == []
    else:  # after it: the swap was finished
        assert len(asides) == 1, asides
        assert (asides[0] / "vault.db").read_bytes() == old_db
        # `users` unlocked it: the restore event went into the audit, exactly once
        s = session.unlock(vault, user_name="dsl", passphrase=DSL_PASS, clock=clock,
                           taxonomy=TAXONOMY)
        actions = [row[3] for row in s.vault.uow().audit.rows()]
        s.lock()
        assert actions.count("restored_from_backup") == 1, actions
        assert "After Backup" not in str(actions)
        assert events == []


def test_a_journal_whose_restore_is_still_running_is_left_alone(
    vault_and_backup: tuple[Path, Path]
) -> None:
    vault, _backup = vault_and_backup
    journal_path(vault).write_text(
        '{"aside": "vault.replaced-20261116-093000", "new": ".vault.partial-0000", '
        '"at": "2026-11-16T09:30:00.000000Z"}')
    (vault.parent / ".vault.partial-0000").mkdir()
    held = VaultLock(vault / "vault.lock")
    held.acquire()  # the restorer, still running
    try:
        with pytest.raises(VaultInUse, match=r"restore .* is under way"):
            read_keyslots(vault)
    finally:
        held.release()
    assert vault.is_dir() and journal_path(vault).exists()


# -- modes and owners --------------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_folders_are_private_whatever_the_umask(
    tmp_path: Path, clock: MockClock, umask_000: None, home: Path
) -> None:
    from cerecorder import config, paths
    from cerecorder.ui.settings_model import UiSettings

    vault = paths.data_dir() / "vault"
    s = new_vault(vault, clock)
    maintenance.backup(s, tmp_path / "backup")
    s.lock()
    code, _out, err = cli("restore", tmp_path / "backup", vault, "--force")
    assert code == 0, err
    config.save_settings(UiSettings())
    aside = next(p for p in vault.parent.iterdir() if "replaced-" in p.name)
    for folder in (home, paths.data_dir(), vault, tmp_path / "backup", aside,
                   paths.config_dir()):
        assert file_mode(folder) == 0o700, folder
    for file in (*vault.iterdir(), *(tmp_path / "backup").iterdir()):
        assert file_mode(file) & 0o077 == 0, file


def _as_owner() -> tuple[int, int]:
    """Who the vault belongs to: another user when the tests run as root, else us."""
    return (4242, 4242) if os.geteuid() == 0 else (os.getuid(), os.getgid())


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder the vault's owner can reach (pytest's tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="cerecorder-owner-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _chown_tree(folder: Path, uid: int, gid: int) -> None:
    for path in (folder, *folder.rglob("*")):
        os.chown(path, uid, gid)


AS_USER = """
import _strptime, locale, os, sys
from cerecorder import paths
from cerecorder.cli.main import build_parser, run
build_parser().parse_args(["users", "x"])
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.services.clock import SystemClock
taxonomy = TaxonomyLibrary.load(paths.taxonomy_dir())
uid, gid = int(sys.argv[1]), int(sys.argv[2])
if os.geteuid() != uid:  # Python itself lives in root's home: drop to the user once loaded
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
sys.exit(run(sys.argv[3:], taxonomy=taxonomy, clock=SystemClock()))
"""


def _admin_as(uid: int, gid: int, home: Path, *argv: object) -> subprocess.CompletedProcess[str]:
    """cerecorder-admin ARGV run as that user, the passphrase on standard input."""
    return subprocess.run(
        [sys.executable, "-c", AS_USER, str(uid), str(gid), *(str(a) for a in argv)],
        input=f"{DSL_PASS}\n", capture_output=True, text=True, timeout=60,
        env=dict(os.environ, CERECORDER_HOME=str(home)),
    )


@pytest.mark.skipif(os.name != "posix", reason="POSIX owners")
def test_a_restore_keeps_the_replaced_vaults_owner(shared_tmp: Path, clock: MockClock) -> None:
    uid, gid = _as_owner()
    vault, backup, home = shared_tmp / "vault", shared_tmp / "backup", shared_tmp / "home"
    s = new_vault(vault, clock)
    maintenance.backup(s, backup)
    s.lock()
    home.mkdir()
    for folder in (vault, home):
        _chown_tree(folder, uid, gid)
    code, _out, err = cli("restore", backup, vault, "--force")  # as root, when we are
    assert code == 0, err
    for path in (vault, *vault.iterdir()):
        assert (path.stat().st_uid, path.stat().st_gid) == (uid, gid), path
    used = _admin_as(uid, gid, home, "users", vault)  # and its user can open it
    assert used.returncode == 0, used.stderr
    assert "dsl" in used.stdout


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize(("name", "mode"), [("keyslots.json", 0), ("vault.db", 0),
                                           ("vault.db", 0o400), ("unlock-events.json", 0)])
def test_an_unreadable_vault_file_is_told_as_a_permission_problem(
    shared_tmp: Path, clock: MockClock, name: str, mode: int
) -> None:
    uid, gid = _as_owner()
    vault, home = shared_tmp / "vault", shared_tmp / "home"
    new_vault(vault, clock).lock()
    (vault / "unlock-events.json").write_text("[]")
    home.mkdir()
    _chown_tree(vault, uid, gid)
    _chown_tree(home, uid, gid)
    (vault / name).chmod(mode)  # changed by hand, or left root's by some other tool
    used = _admin_as(uid, gid, home, "users", vault)
    assert used.returncode == 1
    assert used.stderr == (
        f"cerecorder-admin: CE Recorder cannot read {vault / name}: it belongs to another "
        "user or its permissions were changed. Ask IT to fix its owner.\n"
    )

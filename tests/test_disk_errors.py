"""Disk trouble is told plainly: a full disk as full, an I/O error as an I/O error, a wrong
passphrase as wrong even on a full disk; and a backup is all or nothing."""

from __future__ import annotations

import errno
from collections import namedtuple
from pathlib import Path

import pytest
from sqlcipher3 import dbapi2 as sqlcipher

from cerecorder.domain.errors import DiskError, DiskFull, WrongPassphrase
from cerecorder.services import maintenance, session
from cerecorder.services.session import Session
from cerecorder.storage import connection, fileio

from helpers import DSL_PASS, TAXONOMY, MockClock, add_child

Usage = namedtuple("Usage", "total used free")


def test_a_backup_whose_audit_write_fails_leaves_no_copy_and_can_be_retried(
    dsl: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_child(dsl)
    dest = tmp_path / "backup"

    def full(*args: object, **kwargs: object) -> None:
        raise DiskFull("The disk is full.")

    monkeypatch.setattr(maintenance.audit, "record", full)
    with pytest.raises(DiskFull):
        maintenance.backup(dsl, dest)
    monkeypatch.undo()
    assert not dest.exists()
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []
    maintenance.backup(dsl, dest)  # the retry is not refused
    actions = [row[3] for row in dsl.vault.uow().audit.rows()]
    assert actions.count("backup_taken") == 1
    copy = session.unlock(dest, user_name="dsl", passphrase=DSL_PASS, clock=dsl.clock,
                          taxonomy=TAXONOMY)
    copy.lock()


def test_a_wrong_passphrase_on_a_full_disk_is_still_a_wrong_passphrase(
    dsl: Session, vault_dir: Path, clock: MockClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    dsl.lock()

    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "write", full)
    with pytest.raises(WrongPassphrase) as caught:
        session.unlock(vault_dir, user_name="dsl", passphrase="not it", clock=clock,
                       taxonomy=TAXONOMY)
    message = str(caught.value)
    assert message.startswith("Wrong passphrase")
    assert "is full" in message  # both are told


@pytest.mark.parametrize(("free", "expected"), [(10 * 2**30, DiskError), (4096, DiskFull)])
def test_a_disk_io_error_is_full_only_when_the_disk_is(
    dsl: Session, monkeypatch: pytest.MonkeyPatch, free: int, expected: type[Exception]
) -> None:
    monkeypatch.setattr(connection.shutil, "disk_usage", lambda path: Usage(2**40, 0, free))
    problem = connection.problem_from_db_error(sqlcipher.OperationalError("disk I/O error"))
    assert type(problem) is expected
    assert "bug" not in str(problem)


def test_an_io_error_from_the_os_is_not_a_bug(tmp_path: Path) -> None:
    problem = fileio.problem_from_os_error(OSError(errno.EIO, "Input/output error"), tmp_path)
    assert isinstance(problem, DiskError)
    assert "disk I/O error" in str(problem)

"""Opening SQLCipher with a raw key, and turning its errors into plain messages."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

from cerecorder.domain.errors import (
    DiskError,
    DiskFull,
    NoAccess,
    NotAVault,
    ReadOnlyLocation,
    RecordImmutable,
    VaultInUse,
)

Connection = Any  # sqlcipher3 ships no type information
DatabaseError = sqlcipher.DatabaseError
IMMUTABLE_MARK = "immutable:"
#: a filesystem with less free than this, when SQLite reports an I/O error, is full: the
#: write that failed (a page, a WAL frame, the -shm file) is far smaller
NEARLY_FULL_BYTES = 64 * 1024 * 1024
#: the folders of the databases this process opened last, where a disk I/O error may be
_FOLDERS: dict[Path, None] = {}
_FOLDERS_KEPT = 16
DISK_FULL = "The disk is full. The last change was not saved; nothing was lost."


def problem_from_db_error(exc: Exception) -> Exception | None:
    """The application error a SQLCipher error stands for, or None for a bug."""
    text = str(exc)
    if text.startswith(IMMUTABLE_MARK):
        return RecordImmutable(text.removeprefix(IMMUTABLE_MARK).strip())
    if any(mark in text for mark in ("file is not a database", "malformed",
                                     "vtable constructor failed")):
        return NotAVault("The vault file is damaged or is not a CE Recorder vault.")
    if "disk is full" in text or "database or disk is full" in text:
        return DiskFull(DISK_FULL)
    if "disk I/O error" in text:
        # SQLite says this for ENOSPC at fsync, ftruncate or the -shm file, and for real
        # I/O errors alike: the free space of the vault's filesystem tells them apart.
        return DiskFull(DISK_FULL) if _a_disk_is_full() else DiskError()
    if "readonly" in text or "read-only" in text:
        return ReadOnlyLocation("The vault is in a read-only location.")
    if "database is locked" in text or "database is busy" in text:
        return VaultInUse()
    if "unable to open database" in text:
        return NotAVault("The vault file cannot be opened.")
    return None


def _remember_folder(folder: Path) -> None:
    _FOLDERS.pop(folder, None)
    _FOLDERS[folder] = None
    while len(_FOLDERS) > _FOLDERS_KEPT:
        del _FOLDERS[next(iter(_FOLDERS))]


def _check_access(path: Path, read_only: bool) -> None:
    """SQLite tells a file of another owner as "unable to open" or "readonly database":
    name the file instead (a root-owned -wal after IT ran a tool as root, say)."""
    wanted = os.R_OK if read_only else os.R_OK | os.W_OK
    for file in (path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
        if file.exists() and not os.access(file, wanted):
            raise NoAccess(file)


def _a_disk_is_full() -> bool:
    for folder in _FOLDERS:
        try:
            if shutil.disk_usage(folder).free < NEARLY_FULL_BYTES:
                return True
        except OSError:
            continue  # a folder since moved or removed
    return False


@contextlib.contextmanager
def db_errors_explained() -> Iterator[None]:
    try:
        yield
    except (sqlcipher.DatabaseError, sqlcipher.OperationalError, sqlcipher.IntegrityError) as exc:
        problem = problem_from_db_error(exc)
        if problem is None:
            raise
        raise problem from exc


def connect(path: Path, key: bytes, *, page_size: int, read_only: bool = False) -> Connection:
    """Open the database with the settings DESIGN.md fixes, before anything else runs.
    page_size is the vault's (its key file says it): SQLCipher cannot read it from the
    encrypted file, and a wrong one fails like a wrong key.

    A key that does not fit raises NotAVault: callers that got the key from a key
    slot know the passphrase was right, so the file itself is wrong.
    """
    _remember_folder(path.resolve().parent)
    _check_access(path, read_only)
    uri = f"{path.resolve().as_uri()}?mode={'ro' if read_only else 'rwc'}"
    with db_errors_explained():
        conn = sqlcipher.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    try:
        with db_errors_explained():
            conn.execute("PRAGMA cipher_log_level = NONE")  # no HMAC noise on stderr
            conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            conn.execute(f"PRAGMA cipher_page_size = {int(page_size)}")
            conn.execute("PRAGMA cipher_memory_security = ON")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA foreign_keys = ON")
            # REPLACE deletes the old row; only with recursive triggers do the
            # append-only delete triggers see it (else REPLACE rewrites a submitted concern)
            conn.execute("PRAGMA recursive_triggers = ON")
            if not read_only:
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA busy_timeout = 5000")
    except BaseException:
        conn.close()
        raise
    return conn

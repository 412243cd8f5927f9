"""Restoring a vault from a backup: what can be checked without a key, then the copy put
in place beside (never over) the vault it replaces."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from cerecorder.crypto import keyslots as ks
from cerecorder.domain.errors import NotAVault, VaultExists
from cerecorder.domain.timefmt import file_stamp
from cerecorder.storage.fileio import (
    fsync_dir,
    fsync_file,
    is_root,
    make_private_dir,
    os_errors_explained,
)
from cerecorder.storage.lock import LOCK_NAME, VaultLock
from cerecorder.storage.outside import OutsideEvent, OutsideLog
from cerecorder.storage.swap import finish_interrupted_swap, swap_in
from cerecorder.storage.vault import (
    DB_NAME,
    KEYSLOTS_NAME,
    SQLITE_MAGIC,
    VaultFiles,
    owner_only,
    read_keyslots,
    readable,
    sibling_temp,
)


def check_backup(backup: Path) -> ks.KeySlots:
    """What can be checked of a backup without a key: its key file parses, its vault.db
    is encrypted and a whole, non-zero number of pages. Raises NotAVault saying why."""
    files = VaultFiles(backup)
    with readable(backup):
        found = files.db.is_file() and files.keyslots.is_file()
    if not found:
        raise NotAVault(f"There is no CE Recorder vault in {backup}. Nothing was changed.")
    with readable(files.db), open(files.db, "rb") as fh:
        plaintext = fh.read(16) == SQLITE_MAGIC
        size = os.fstat(fh.fileno()).st_size
    if plaintext:
        refuse_backup(backup, "its vault.db is an unencrypted SQLite file")
    try:
        slots = read_keyslots(backup)
    except NotAVault as exc:
        refuse_backup(backup, "its key file (keyslots.json) is damaged or from an unknown "
                      "version of CE Recorder", exc)
    if size == 0 or size % slots.page_size:
        refuse_backup(backup, f"its vault.db is cut short ({size:,} bytes, not a whole number "
                      f"of {slots.page_size:,}-byte pages)")
    return slots


def refuse_backup(backup: Path, reason: str, cause: Exception | None = None) -> NoReturn:
    raise NotAVault(f"The backup in {backup} cannot be restored: {reason}. "
                    "Nothing was changed.") from cause


def restore_vault(backup: Path, folder: Path, *, replace_existing: bool, now: datetime,
                  check: Callable[[Path], None] | None = None) -> Path | None:
    """Copy a backup into place. An existing vault is moved aside, never deleted; its
    owner (when run as root) carries over to the new files.

    The caller checks the backup's files first (check_backup); `check`, given the copy's
    folder, can open and verify the very copy that will be put in place. Returns where
    the replaced vault went, if there was one.
    """
    finish_interrupted_swap(folder)
    if folder.exists() and any(folder.iterdir()) and not replace_existing:
        raise VaultExists(
            f"{folder} already holds a vault. Nothing was changed; use --force to replace it "
            "(the current one is kept beside it)."
        )
    owner = os.stat(folder) if folder.exists() else None
    tmp = sibling_temp(folder)
    try:
        with os_errors_explained(folder.parent):
            make_private_dir(tmp)
            for name in (DB_NAME, KEYSLOTS_NAME):
                shutil.copyfile(backup / name, tmp / name)
                owner_only(tmp / name)
                fsync_file(tmp / name)
            fsync_dir(tmp)
        if check is not None:
            check(tmp)
        with os_errors_explained(folder.parent):
            for leftover in ("-wal", "-shm"):  # of the read-only check: nothing in them
                (tmp / f"{DB_NAME}{leftover}").unlink(missing_ok=True)
            if owner is not None and is_root():
                for path in (tmp, tmp / DB_NAME, tmp / KEYSLOTS_NAME):
                    os.chown(path, owner.st_uid, owner.st_gid)
        if owner is None:
            with os_errors_explained(folder.parent):
                os.replace(tmp, folder)
                fsync_dir(folder.parent)
            OutsideLog(folder).append(OutsideEvent(now, "restored_from_backup", ""))
            return None
        # Held until the swap is done: no app may open the vault in between.
        lock = VaultLock(folder / LOCK_NAME)
        lock.acquire()
        try:
            aside = _aside_name(folder, now)
            swap_in(tmp, folder, aside, now)
        finally:
            lock.release()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return aside


def _aside_name(folder: Path, now: datetime) -> Path:
    stamp = file_stamp(now)
    aside = folder.with_name(f"{folder.name}.replaced-{stamp}")
    number = 1
    while aside.exists():
        number += 1
        aside = folder.with_name(f"{folder.name}.replaced-{stamp}-{number}")
    return aside

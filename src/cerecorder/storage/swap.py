"""Putting a new vault folder in the place of an old one: two renames and a journal.

A restore moves the old folder aside, then the new one (a complete, fsynced copy in a
hidden sibling) into its place. Between the two renames there is no vault at the path, so
before the first it writes a journal beside the folder naming both. Whoever next opens
the vault (or restores into it) and finds the journal finishes the swap; if the new copy
has gone, it puts the old vault back instead. While the restore runs it holds the old
vault's lock, so a journal whose lock is held belongs to a restore still under way.
"""

from __future__ import annotations

import contextlib
import json
import os
from datetime import datetime
from pathlib import Path

from cerecorder.domain.errors import EnvironmentProblem, NotAVault, VaultInUse
from cerecorder.domain.timefmt import from_utc_text, to_utc_text
from cerecorder.storage.fileio import (
    PRIVATE_DIR,
    atomic_write,
    fsync_dir,
    os_errors_explained,
)
from cerecorder.storage.lock import LOCK_NAME, VaultLock
from cerecorder.storage.outside import OutsideEvent, OutsideLog

RESTORED = "restored_from_backup"


def journal_path(folder: Path) -> Path:
    return folder.with_name(f".{folder.name}.restore-journal")


def swap_in(new: Path, folder: Path, aside: Path, now: datetime) -> None:
    """Move `folder` to `aside` and `new` into its place. The caller holds the lock of
    the vault in `folder`, and `new` is complete and on disk."""
    journal = journal_path(folder)
    record = {"aside": aside.name, "new": new.name, "at": to_utc_text(now)}
    atomic_write(journal, json.dumps(record).encode("utf-8"))
    with os_errors_explained(folder.parent):
        try:
            os.replace(folder, aside)
            os.replace(new, folder)
            fsync_dir(folder.parent)
        except BaseException:
            if aside.exists() and not folder.exists():
                os.replace(aside, folder)  # a rename failed: the old vault goes back
            journal.unlink(missing_ok=True)
            raise
    # The swap is done. Should the event or the clean-up fail (a full disk), the journal
    # stays and the next open finishes them: the restore itself is not undone.
    with contextlib.suppress(EnvironmentProblem):
        _finish(journal, folder, aside, now)


def finish_interrupted_swap(folder: Path) -> None:
    """Finish (or undo) a swap into `folder` that a killed process left half-done."""
    journal = journal_path(folder)
    if not journal.exists():
        return
    aside, new, at = _read_journal(journal, folder)
    holder = folder if folder.exists() and new.exists() else aside
    lock = VaultLock(holder / LOCK_NAME)
    if holder.exists():
        try:
            lock.acquire()
        except VaultInUse:
            raise VaultInUse(
                f"A restore into {folder} is under way; try again in a minute.") from None
    try:
        if not journal.exists():
            return  # the restore finished while this waited
        with os_errors_explained(folder.parent):
            if new.exists():
                if folder.exists():
                    os.replace(folder, aside)
                os.replace(new, folder)
            elif not folder.exists() and aside.exists():
                os.replace(aside, folder)  # the new copy has gone: the old vault goes back
                journal.unlink()
                fsync_dir(folder.parent)
                return
            fsync_dir(folder.parent)
        _finish(journal, folder, aside, at)
    finally:
        lock.release()


def _finish(journal: Path, folder: Path, aside: Path, at: datetime) -> None:
    with os_errors_explained(folder.parent):
        if aside.exists() and os.name != "nt":
            os.chmod(aside, PRIVATE_DIR)
    OutsideLog(folder).append(OutsideEvent(at, RESTORED, ""))
    with os_errors_explained(folder.parent):
        journal.unlink(missing_ok=True)
        fsync_dir(folder.parent)


def _read_journal(journal: Path, folder: Path) -> tuple[Path, Path, datetime]:
    try:
        data = json.loads(journal.read_bytes())
        aside, new, at = data["aside"], data["new"], from_utc_text(data["at"])
        for name, prefix in ((aside, f"{folder.name}.replaced-"),
                             (new, f".{folder.name}.partial-")):
            if not (isinstance(name, str) and name.startswith(prefix)
                    and Path(name).name == name):
                raise ValueError("not a sibling of the vault")
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise NotAVault(
            f"A restore into {folder} was interrupted and its journal {journal} is damaged: "
            "ask IT to check which folder beside it holds the vault."
        ) from exc
    return folder.with_name(aside), folder.with_name(new), at

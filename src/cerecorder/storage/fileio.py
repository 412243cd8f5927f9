"""Atomic writes and the translation of OS errors into problems a user can act on."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from cerecorder.domain.errors import DiskError, DiskFull, EnvironmentProblem, ReadOnlyLocation

_READ_ONLY = {errno.EACCES, errno.EPERM, errno.EROFS}
_FULL = {errno.ENOSPC, errno.EDQUOT}
PRIVATE_DIR = 0o700


def problem_from_os_error(exc: OSError, where: Path) -> EnvironmentProblem | None:
    """The EnvironmentProblem an OSError stands for, or None for an unexpected one."""
    if exc.errno in _FULL:
        return DiskFull(f"The disk holding {where} is full. Nothing was changed.")
    if exc.errno in _READ_ONLY or isinstance(exc, PermissionError):
        return ReadOnlyLocation(f"{where} cannot be written to (read-only or no permission).")
    if exc.errno == errno.EIO:
        return DiskError(f"CE Recorder could not read or write {where} (disk I/O error). "
                         "Nothing was changed; check the disk, then try again.")
    return None


def make_private_dir(folder: Path) -> None:
    """Create a folder and any missing parents readable by their owner only (0700),
    whatever the umask: a vault's folders are nobody else's business."""
    missing = []
    here = folder
    while not here.exists():
        missing.append(here)
        here = here.parent
    for new in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made meanwhile by another process
            new.mkdir(PRIVATE_DIR)
        if os.name != "nt":
            os.chmod(new, PRIVATE_DIR)


def is_root() -> bool:
    return os.name != "nt" and os.geteuid() == 0


def take_owner_of_folder(fd: int, folder: Path) -> None:
    """Run as root (school IT) in a user's vault, a new file gets the folder's owner:
    a root-owned file there would lock its user out."""
    if is_root():
        st = os.stat(folder)
        if st.st_uid != 0:
            os.fchown(fd, st.st_uid, st.st_gid)


@contextlib.contextmanager
def os_errors_explained(where: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        problem = problem_from_os_error(exc, where)
        if problem is None:
            raise
        raise problem from exc


def fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a directory to fsync it
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Write to a temporary sibling, fsync, then replace: the old file survives any failure.
    Readable by its owner only unless `mode` says otherwise (the umask still applies)."""

    def write_all(fd: int) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]

    _atomic(path, write_all, mode)


def atomic_stream(path: Path, fill: Callable[[BinaryIO], object], *,
                  mode: int = 0o600) -> None:
    """As atomic_write, for what is written a piece at a time (a sealed packet):
    `fill` writes it to the file object it is given."""

    def through_file(fd: int) -> None:
        with open(fd, "wb", closefd=False) as out:
            fill(out)

    _atomic(path, through_file, mode)


def _atomic(path: Path, write: Callable[[int], None], mode: int) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with os_errors_explained(path.parent):
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            try:
                take_owner_of_folder(fd, path.parent)
                write(fd)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        fsync_dir(path.parent)

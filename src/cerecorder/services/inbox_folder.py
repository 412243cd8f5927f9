"""The inbox folder as a place anyone with the share can write to: its subfolders must be
what they seem, a packet must be a file in it, and a name must fit beside its note (and
be text, to be shown and audited).

A link (or junction, or mount) named `receipts/`, `imported/` or `quarantine/` would have
the DSL's import write receipts, move packets and leave notes wherever it points, with
the DSL's rights; a packet that is a link would have it read a file from elsewhere.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from cerecorder.domain.errors import EnvironmentProblem

#: A file name longer than this (in bytes) is not kept as it is in imported/ or
#: quarantine/: the note beside it (".reason.txt", written through a temporary name)
#: adds 32 bytes, a second file of the same name 7 more, and file systems stop at 255.
MAX_KEPT_NAME = 150
#: Windows: a directory junction (IO_REPARSE_TAG_MOUNT_POINT), which is not a symlink
_JUNCTION = 0xA0000003


def _unkeepable(name: str) -> str:
    """Why a name cannot be kept as it is in imported/ or quarantine/, or ""."""
    try:
        raw = name.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not text (Linux): no note, no audit
        return "is not valid text"
    return "is too long to keep beside a note" if len(raw) > MAX_KEPT_NAME else ""


def kept_name(name: str, suffix: str) -> str:
    """The name a file keeps when it is moved aside: its own, or, when that is too long
    or not text, a short one derived from it."""
    if not _unkeepable(name):
        return name
    return f"renamed-{hashlib.sha256(os.fsencode(name)).hexdigest()[:16]}{suffix}"


def renamed(name: str, suffix: str) -> str:
    """The sentence saying a file was kept under another name, or "" if it was not."""
    why = _unkeepable(name)
    return f"Its name {why}, so it is kept as {kept_name(name, suffix)}." if why else ""


def printable(name: str) -> str:
    """A file name as it can be shown, printed and audited: bytes that are not text
    (possible on Linux) as \\x escapes."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def own_folder(folder: Path) -> Path:
    """A subfolder of the inbox that is an ordinary folder, or not there yet (it is made
    when needed); EnvironmentProblem naming it if it is a link, a junction, a mount of
    another place, or not a folder at all."""
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        return folder
    except OSError as exc:
        raise EnvironmentProblem(f"The inbox's \u201c{folder.name}\u201d folder ({folder}) "
                                 f"cannot be read ({exc.strerror}), so nothing was "
                                 "imported.") from exc
    if stat.S_ISLNK(st.st_mode) or getattr(st, "st_reparse_tag", 0) == _JUNCTION \
            or (stat.S_ISDIR(st.st_mode) and os.path.ismount(folder)):
        raise EnvironmentProblem(
            f"The inbox's \u201c{folder.name}\u201d folder ({folder}) is a link to another "
            "place, so nothing was imported: ask IT to replace it with an ordinary folder.")
    if not stat.S_ISDIR(st.st_mode):
        raise EnvironmentProblem(
            f"The inbox's \u201c{folder.name}\u201d ({folder}) is a file, not a folder, so "
            "nothing was imported: ask IT to move it away.")
    return folder


def leads_out(path: Path, inbox: Path) -> bool:
    """A link whose target is not inside the inbox folder."""
    if not path.is_symlink():
        return False
    try:
        return not path.resolve().is_relative_to(inbox.resolve())
    except (OSError, RuntimeError):  # a loop of links
        return True

"""The inbox folder as a place anyone with the share can write to: its subfolders must be
what they seem, a packet must be a file in it, and a name must fit beside its note.

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


def kept_name(name: str, suffix: str) -> str:
    """The name a file keeps when it is moved aside: its own, or, when that is too long,
    a short one derived from it."""
    raw = os.fsencode(name)
    if len(raw) <= MAX_KEPT_NAME:
        return name
    return f"long-name-{hashlib.sha256(raw).hexdigest()[:16]}{suffix}"


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

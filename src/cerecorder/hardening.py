"""Crash hygiene: a crash must not leave the process's memory (record text, the database
key) on disk as a core dump, and the files CE Recorder keeps beside the vault (log,
settings) are its user's alone whatever the umask. Stdlib only, besides the folder helper.

`disable_crash_dumps` is called first thing by both entry points (app.main, hence
`--self-test` and the frozen `cerecorder`, and app.admin_main, the frozen
`cerecorder-admin`), before any vault can be opened.

- Linux: RLIMIT_CORE 0, soft and hard, so nothing loaded later can raise it again (the
  kernel writes no core file, and systemd-coredump stores nothing: it honours the limit);
  and PR_SET_DUMPABLE 0, which also stops a core through a core_pattern pipe when
  fs.suid_dumpable is 0, and stops other processes of the same user reading our memory
  through ptrace or /proc/PID/mem.
- macOS: RLIMIT_CORE 0 (cores go to /cores only when the limit allows one).
- Windows: no fault dialog (SEM_NOGPFAULTERRORBOX) and this program excluded from Windows
  Error Reporting for the current user. LocalDumps configured by IT still apply: the IT
  guide says what not to set.

faulthandler (PYTHONFAULTHANDLER, -X faulthandler) is left as the user set it: it writes
file names, line numbers and function names to standard error, never a value.
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

from cerecorder.storage.fileio import make_private_dir

PR_SET_DUMPABLE, PR_GET_DUMPABLE = 4, 3  # <linux/prctl.h>
SEM_NOGPFAULTERRORBOX = 0x0002  # <errhandlingapi.h>


class CrashDumpsAllowed(Exception):
    """Crash dumps are still possible; the message says which safeguard is missing."""


def _libc() -> ctypes.CDLL:
    """The C library already loaded (ctypes.util.find_library would run ldconfig)."""
    return ctypes.CDLL(None, use_errno=True)


def disable_crash_dumps() -> None:
    """Turn crash dumps off for this process (and, for the core limit, its children);
    idempotent. `check` says whether it worked (the self-test calls it)."""
    if sys.platform == "win32":
        kernel32 = ctypes.WinDLL("kernel32")
        kernel32.SetErrorMode(kernel32.GetErrorMode() | SEM_NOGPFAULTERRORBOX)
        # per user (HKCU): excluding it for all users needs an administrator
        ctypes.WinDLL("wer").WerAddExcludedApplication(
            ctypes.c_wchar_p(os.path.basename(sys.executable)), False)
    else:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # lowering is always allowed
        if sys.platform.startswith("linux"):
            _libc().prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def check() -> str:
    """What keeps crash dumps off in this process, in a few words; raises
    CrashDumpsAllowed naming the first safeguard that is not in force."""
    if sys.platform == "win32":
        kernel32 = ctypes.WinDLL("kernel32")
        if not kernel32.GetErrorMode() & SEM_NOGPFAULTERRORBOX:
            raise CrashDumpsAllowed("the Windows fault dialog (and its dump) is not off")
        return "fault dialog off"
    import resource

    limits = resource.getrlimit(resource.RLIMIT_CORE)
    if limits != (0, 0):
        raise CrashDumpsAllowed(f"the core file size limit is {limits}, not (0, 0)")
    if sys.platform.startswith("linux"):
        dumpable = _libc().prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)
        if dumpable != 0:
            raise CrashDumpsAllowed(f"the process is dumpable ({dumpable}), not 0")
        return "core limit 0, not dumpable"
    return "core limit 0"


def private_folder(folder: Path) -> None:
    """Create folder, and each missing folder above it, as 0700 whatever the umask; an
    existing folder is tightened to 0700 (it is CE Recorder's own: log, settings)."""
    make_private_dir(folder)
    if os.name != "nt":
        folder.chmod(0o700)

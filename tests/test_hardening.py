"""Crash hygiene (DESIGN.md, Trust anchors): a process that crashes while a vault is
unlocked leaves no core dump holding record text or the database key; the log and the
settings are their user's alone whatever the umask.

Each crash runs in a fresh interpreter through a real entry point (app.main or
app.admin_main), which unlock a vault, record a concern with a canary in it and then kill
themselves with SIGSEGV or SIGABRT, with the core file size limit raised as
`ulimit -c unlimited` would. Always checked, from outside the child: its core limit in
/proc/PID/limits is 0, and it reports itself not dumpable. Where the kernel's core_pattern
names a plain file in a folder we can see, also: no core file appears, while a control
child that skips the hardening leaves a core holding the canary (so the absence means
something). With a core_pattern pipe (systemd-coredump, apport) the core goes where a test
cannot look: the limits alone are checked.
"""

from __future__ import annotations

import io
import json
import logging
import logging.handlers
import os
import resource
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from cerecorder import app, config, hardening, paths, selftest
from cerecorder.policy import Policy
from cerecorder.ui.settings_model import UiSettings

from helpers import DSL_PASS, MockClock, add_child, file_mode, new_vault

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="core dumps and core_pattern are Linux's")

CANARY = "CANARY-core-4d1e Zoe was given a phone by an older man"

CHILD = r"""
import ctypes, json, os, resource, signal, sys
from datetime import timedelta
from pathlib import Path

entry, folder, child, signame, control = sys.argv[1:6]
hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))  # as `ulimit -c unlimited`

from cerecorder import app, hardening, paths
from cerecorder.domain.model import ConcernContent, Urgency
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.services import concerns, session
from cerecorder.services.clock import SystemClock

def unlock_record_and_crash(*args, **kwargs):
    clock = SystemClock()
    opened = session.unlock(Path(folder), user_name="dsl",
                            passphrase=sys.stdin.readline().rstrip("\n"), clock=clock,
                            taxonomy=TaxonomyLibrary.load(paths.taxonomy_dir()))
    concerns.record_concern(opened, ConcernContent(
        child_ids=(int(child),), occurred_at=clock.now() - timedelta(hours=1),
        location="Canteen", facts=os.environ["CANARY"], urgency=Urgency.HIGH))
    dumpable = ctypes.CDLL(None).prctl(3, 0, 0, 0, 0)  # PR_GET_DUMPABLE
    print(json.dumps({"pid": os.getpid(), "dumpable": dumpable}), flush=True)
    sys.stdin.readline()  # the parent has looked at /proc/PID/limits
    os.kill(os.getpid(), getattr(signal, signame))

if control == "control":
    hardening.disable_crash_dumps = lambda: None
if entry == "main":
    app.check_policy = unlock_record_and_crash
    sys.argv = ["cerecorder", "--check-policy"]
    app.main()
else:
    from cerecorder.cli import main as cli
    cli.run = unlock_record_and_crash
    sys.argv = ["cerecorder-admin", "users", folder]  # usage is checked before cli.run
    app.admin_main()
"""


def core_folder(cwd: Path) -> tuple[Path, str] | None:
    """Where a crash of a process in cwd leaves its core file, and how the file's name
    starts; None when the core goes to a pipe or cannot be told in advance."""
    pattern = Path("/proc/sys/kernel/core_pattern").read_text(encoding="utf-8").strip()
    if pattern.startswith("|") or not pattern:
        return None
    folder, name = os.path.split(pattern)
    if "%" in folder:
        return None
    where = Path(folder) if folder else cwd
    if not os.access(where, os.W_OK):
        return None
    return where, name.split("%", 1)[0]


@dataclass
class Crash:
    """One child run to its crash, as seen from outside it."""

    core_limit: list[str]  # soft and hard, from /proc/PID/limits
    dumpable: int  # what prctl(PR_GET_DUMPABLE) told the child
    stderr: str
    cores: list[Path]  # the core files it left, where core_pattern lets us look


def crash(entry: str, signame: str, *, control: bool, tmp_path: Path, home: Path,
          vault: Path, child: int) -> Crash:
    cwd = tmp_path / f"cwd-{entry}-{signame}-{control}"
    cwd.mkdir()
    cores = core_folder(cwd)
    before = set(cores[0].iterdir()) if cores else set()
    env = {**os.environ, "CERECORDER_HOME": str(home), "CANARY": CANARY,
           "PYTHONFAULTHANDLER": "1", "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, entry, str(vault), str(child), signame,
         "control" if control else "hardened"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=cwd, env=env)
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write(DSL_PASS + "\n")
    proc.stdin.flush()
    line = proc.stdout.readline()
    assert line, proc.stderr.read()
    said = json.loads(line)
    limits = Path(f"/proc/{said['pid']}/limits").read_text(encoding="utf-8")
    (core_line,) = [x for x in limits.splitlines() if x.startswith("Max core file size")]
    proc.stdin.write("crash\n")
    proc.stdin.flush()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == -getattr(signal, signame), err
    left = [p for p in set(cores[0].iterdir()) - before
            if p.name.startswith(cores[1])] if cores else []
    return Crash(core_line.split()[4:6], said["dumpable"], err, left)


@pytest.mark.parametrize(("entry", "signame"), [("main", "SIGSEGV"), ("admin", "SIGABRT")])
def test_a_crash_while_unlocked_leaves_no_core(entry: str, signame: str, tmp_path: Path,
                                               home: Path) -> None:
    opened = new_vault(tmp_path / "vault", MockClock())
    child = add_child(opened)
    opened.lock()
    run = {"tmp_path": tmp_path, "home": home, "vault": tmp_path / "vault", "child": child}

    hardened = crash(entry, signame, control=False, **run)  # type: ignore[arg-type]
    assert hardened.core_limit == ["0", "0"]
    assert hardened.dumpable == 0
    assert hardened.cores == []
    assert "Fatal Python error" in hardened.stderr  # faulthandler ran: no record text
    assert "CANARY" not in hardened.stderr

    if core_folder(tmp_path) is None or resource.getrlimit(resource.RLIMIT_CORE)[1] == 0:
        return  # cores go to a pipe (or are forbidden): the limits above are the proof
    control = crash(entry, signame, control=True, **run)  # type: ignore[arg-type]
    assert control.dumpable == 1
    assert len(control.cores) == 1, "the control left no core: the test proves nothing here"
    assert CANARY.encode() in control.cores[0].read_bytes()  # what the hardening prevents


def test_check_names_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resource, "getrlimit", lambda which: (0, resource.RLIM_INFINITY))
    with pytest.raises(hardening.CrashDumpsAllowed, match="core file size limit is"):
        hardening.check()


def test_the_self_test_fails_when_crash_dumps_are_on(qapp: object) -> None:
    """This test process was not hardened (pytest's own entry point), so the self-test
    run inside it must say so; `cerecorder --self-test` reports them off
    (test_packaging.py)."""
    err = io.StringIO()
    assert selftest.run(Policy(), lambda: app.documents(Policy()), io.StringIO(), err) == 1
    assert "self-test FAILED while checking crash dumps are off: " in err.getvalue()


def test_the_log_is_its_user_s_alone_whatever_the_umask(home: Path, umask_000: None) -> None:
    folder = paths.log_dir()
    folder.mkdir(parents=True)  # 0777, as an older version made it under this umask
    (folder / "cerecorder.log.1").write_text("left 0666 by an older version\n")
    app.configure_logging()
    try:
        app.log.info("first")
        (handler,) = app.log.handlers
        assert isinstance(handler, logging.handlers.RotatingFileHandler)
        handler.doRollover()  # a new cerecorder.log, made by the handler itself
        app.log.info("second")
    finally:
        for handler in list(app.log.handlers):
            handler.close()
            app.log.removeHandler(handler)
    assert file_mode(folder) == 0o700
    files = sorted(folder.iterdir())
    assert [p.name for p in files] == ["cerecorder.log", "cerecorder.log.1", "cerecorder.log.2"]
    assert {file_mode(p) for p in files} == {0o600}
    assert "second" in (folder / "cerecorder.log").read_text(encoding="utf-8")


def test_the_settings_are_their_user_s_alone_whatever_the_umask(home: Path,
                                                                umask_000: None) -> None:
    config.save_settings(UiSettings(last_vault="/v"))
    assert file_mode(home) == file_mode(paths.config_dir()) == 0o700
    assert file_mode(paths.settings_file()) == 0o600
    paths.config_dir().chmod(0o755)  # as an older version left it
    config.save_settings(UiSettings(last_vault="/w"))
    assert file_mode(paths.config_dir()) == 0o700

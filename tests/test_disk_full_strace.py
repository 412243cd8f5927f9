"""cerecorder-admin on a disk that fills at any moment: strace makes one system call fail
with ENOSPC (the Nth write, pwrite64, fsync, fdatasync, ftruncate or sendfile to a vault
file), and every run must end in exit 0, or exit 1 with one plain line; never a traceback
or "internal error". Afterwards the vault still verifies, a backup is whole or absent, and
a restore has either happened or not.

A dry run of each command lists its calls with the files they touch (strace -y); only
calls on the test's own folders are failed (the vault, backups, the log file), not those
on stdout or stderr. dev.py's TEST_APT_PACKAGES installs strace.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from cerecorder.services import maintenance, session

from helpers import DSL_PASS, TAXONOMY, MockClock, add_child, add_staff, new_vault

pytestmark = pytest.mark.slow

ADMIN = Path(sys.executable).with_name("cerecorder-admin")
STRACE = shutil.which("strace")
SYSCALLS = ("write", "pwrite64", "fsync", "fdatasync", "ftruncate", "sendfile")
CALL = re.compile(r"^\d+\s+(\w+)\((\d+)<([^>]*)>")
#: points per command, spread over its calls (always the first and last of each kind)
POINTS_PER_COMMAND = 24


@dataclass(frozen=True)
class Command:
    name: str
    argv: tuple[str, ...]
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str
    injected: bool


def _commands(root: Path) -> list[Command]:
    vault, backup, dest = root / "vault", root / "backup", root / "dest"
    return [
        Command("unlock and list users", ("users", str(vault), "--user", "dsl"), (DSL_PASS,)),
        Command("wrong passphrase", ("users", str(vault), "--user", "dsl"), ("not it",)),
        Command("backup", ("backup", str(vault), str(dest), "--user", "dsl"), (DSL_PASS,)),
        Command("add a user", ("add-user", str(vault), "newcomer", "--user", "dsl"),
                (DSL_PASS, "a passphrase for the newcomer")),
        Command("restore", ("restore", str(backup), str(vault), "--force"), ()),
    ]


def _reset(root: Path, pristine: Path) -> None:
    """Back to the pristine vault, forgetting the anchors the last run left: else the
    next run rightly sees an older vault than the one seen before."""
    for child in root.iterdir():
        if child.name != "home":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.rmtree(root / "home" / "state", ignore_errors=True)
    for name in ("vault", "backup"):
        shutil.copytree(pristine / name, root / name)


def _run(root: Path, command: Command, trace: Path, inject: str | None) -> Outcome:
    assert STRACE is not None
    argv = [STRACE, "-f", "-qq", "-y", "-o", str(trace), "-e", "trace=" + ",".join(SYSCALLS)]
    if inject:
        argv += ["-e", f"inject={inject}"]
    proc = subprocess.run(
        [*argv, str(ADMIN), *command.argv], input="".join(f"{x}\n" for x in command.lines),
        capture_output=True, text=True, timeout=120,
        env=dict(os.environ, CERECORDER_HOME=str(root / "home")),
    )
    return Outcome(proc.returncode, proc.stdout, proc.stderr, "INJECTED" in trace.read_text())


def _points(trace: Path, root: Path) -> list[tuple[str, int]]:
    """(syscall, its ordinal) of each call in the dry run on a file under root."""
    seen: Counter[str] = Counter()
    points = []
    for line in trace.read_text().splitlines():
        match = CALL.match(line)
        if not match:
            continue
        name, _fd, path = match.groups()
        seen[name] += 1
        if path.startswith(f"{root}/"):
            points.append((name, seen[name]))
    return points


def _spread(points: list[tuple[str, int]], most: int) -> list[tuple[str, int]]:
    chosen = set()
    for name in {n for n, _ in points}:
        of_kind = [p for p in points if p[0] == name]
        chosen |= {of_kind[0], of_kind[-1]}
    rest = [p for p in points if p not in chosen]
    room = max(most - len(chosen), 0)
    if rest and room:
        step = max(len(rest) / room, 1)
        chosen |= {rest[int(i * step)] for i in range(min(room, len(rest)))}
    return sorted(chosen)


def _assert_plain(outcome: Outcome, what: str) -> None:
    assert outcome.code in (0, 1), (what, outcome)
    for text in (outcome.out, outcome.err):
        assert "Traceback" not in text and "internal error" not in text, (what, outcome)
    if outcome.code == 1:
        assert outcome.err.startswith("cerecorder-admin: "), (what, outcome)
        assert outcome.err.count("\n") == 1, (what, outcome)


def _verifies(folder: Path) -> bool:
    s = session.unlock(folder, user_name="dsl", passphrase=DSL_PASS, clock=MockClock(),
                       taxonomy=TAXONOMY)
    try:
        return maintenance.verify(s).ok
    finally:
        s.lock()


def test_enospc_at_any_call_is_told_plainly_and_loses_nothing(
    tmp_path: Path, clock: MockClock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert STRACE is not None, "strace is missing: dev.py's TEST_APT_PACKAGES installs it"
    pristine, root = tmp_path / "pristine", tmp_path / "run"
    s = new_vault(pristine / "vault", clock)
    add_staff(s)
    add_child(s)
    maintenance.backup(s, pristine / "backup")
    add_child(s, "After", "Backup")
    s.lock()
    root.mkdir()
    trace = tmp_path / "trace.txt"
    vault_db = (pristine / "vault" / "vault.db").read_bytes()
    backup_db = (pristine / "backup" / "vault.db").read_bytes()

    tried: Counter[str] = Counter()
    results: Counter[str] = Counter()
    for command in _commands(root):
        _reset(root, pristine)
        dry = _run(root, command, trace, None)
        _assert_plain(dry, f"{command.name}, no injection")
        points = _spread(_points(trace, root), POINTS_PER_COMMAND)
        assert points, command.name
        for name, nth in points:
            _reset(root, pristine)
            what = f"{command.name}: ENOSPC at {name} #{nth}"
            outcome = _run(root, command, trace, f"{name}:error=ENOSPC:when={nth}")
            assert outcome.injected, what  # the dry run's count held: the call did fail
            _assert_plain(outcome, what)
            tried[name] += 1
            results["exit 0" if outcome.code == 0 else outcome.err.split(":", 1)[1][:40]] += 1
            vault, dest = root / "vault", root / "dest"
            assert not [p for p in root.iterdir() if ".partial-" in p.name], what
            if command.name == "wrong passphrase":
                assert outcome.code == 1 and "Wrong passphrase" in outcome.err, what
            if command.name == "backup":
                assert dest.exists() == (outcome.code == 0), what
                if dest.exists():
                    assert _verifies(dest), what
            if command.name == "restore":
                expected = backup_db if outcome.code == 0 else vault_db
                assert (vault / "vault.db").read_bytes() == expected, what
            assert _verifies(vault), what
            # A restore whose event could not be written leaves its journal; the open
            # above finished it.
            assert not (root / ".vault.restore-journal").exists(), what

    with capsys.disabled():
        print(f"\nENOSPC injected at {sum(tried.values())} points "
              f"({', '.join(f'{n} {c}' for n, c in sorted(tried.items()))}); outcomes: "
              + "; ".join(f"{r.strip()} x{c}" for r, c in results.most_common()))

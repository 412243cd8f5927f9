"""What the README and the IT guide tell people to type works as they say: the admin
command line's synopses match its parser, and the nightly backup line from the IT guide
is silent when it succeeds and can run twice in one day."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from cerecorder.cli import main as cli

ROOT = Path(__file__).resolve().parent.parent


def synopses() -> dict[str, str]:
    """The README's admin command block: command -> its synopsis (continuation lines
    joined, comments dropped)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Admin command line", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    found: dict[str, str] = {}
    command = ""
    for line in block.splitlines():
        text = re.sub(r"\s+#\s.*$", "", line)
        if line.startswith("cerecorder-admin "):
            command = text.split()[1]
            found[command] = text
        elif line.startswith(" ") and command:
            found[command] += " " + text.strip()
    return found


def parser_options(command: str) -> dict[str, set[str] | None]:
    """The subcommand's options and, where it has them, their choices."""
    sub = next(a for a in cli.build_parser()._actions
               if isinstance(a, argparse._SubParsersAction))
    parser = sub.choices[command]
    options: dict[str, set[str] | None] = {}
    for action in parser._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag != "--help":
                options[flag] = set(map(str, action.choices)) if action.choices else None
    return options


def test_the_readme_synopses_match_the_command_line() -> None:
    """Every option a command takes is in its synopsis (but --user, which the README says
    once for every command that opens a vault), and nothing else; choices as the parser's."""
    found = synopses()
    assert {"init", "demo", "add-user", "backup", "verify"} <= set(found)
    problems = []
    for command, synopsis in found.items():
        options = parser_options(command)
        named = dict(re.findall(r"(--[a-z-]+)(?:[ =]([A-Za-z0-9.|/_-]+))?", synopsis))
        for flag, value in named.items():
            if flag not in options:
                problems.append(f"{command}: the README names {flag}, which it does not take")
            elif options[flag] is not None and set(value.split("|")) != options[flag]:
                problems.append(f"{command}: {flag} {value} in the README, choices "
                                f"{sorted(options[flag] or ())} in the parser")
        missing = set(options) - set(named) - {"--user"}
        problems += [f"{command}: the README leaves out {flag}" for flag in sorted(missing)]
    assert problems == []


def test_the_nightly_backup_is_silent_and_runs_twice_a_day(tmp_path: Path) -> None:
    """cron mails any output: a backup that worked says nothing. A second run the same
    day (a catch-up, a rerun by hand) must not fail on the first run's folder."""
    guide = (ROOT / "docs" / "it-guide.md").read_text(encoding="utf-8")
    (entry,) = [line for line in guide.splitlines() if line.startswith("30 18 * * * ")]
    line = entry.removeprefix("30 18 * * * ").replace("\\%", "%")  # as cron runs it
    admin = tmp_path / "cerecorder-admin"
    admin.write_text(f"#!/bin/sh\nexec {sys.executable} -c 'from cerecorder.app import "
                     "admin_main; admin_main()' \"$@\"\n", encoding="utf-8")
    admin.chmod(0o755)
    vault, backups, secret = tmp_path / "vault", tmp_path / "backups", tmp_path / "pass"
    backups.mkdir()
    secret.write_text("backup passphrase for tests\n", encoding="utf-8")
    subprocess.run([str(admin), "init", str(vault), "--name", "backup", "--role", "admin"],
                   input="backup passphrase for tests\n" * 2, capture_output=True,
                   text=True, check=True, timeout=120)
    # two runs of one evening, seconds apart: a date that gives each its own time
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "date").write_text(
        "#!/bin/sh\nn=$(cat \"$0.n\" 2>/dev/null || echo 0); n=$((n + 1)); "
        "echo $n > \"$0.n\"\n"
        f"exec {shutil.which('date')} -d \"2026-11-30 18:30:0$n\" \"$@\"\n", encoding="utf-8")
    (fake / "date").chmod(0o755)
    for old, new in (("/usr/bin/cerecorder-admin", admin), ("/srv/ce/vault", vault),
                     ("/backup/ce", backups), ("/root/ce-backup.pass", secret)):
        assert old in line
        line = line.replace(old, str(new))
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    for _ in range(2):
        done = subprocess.run(["sh", "-c", line], capture_output=True, text=True, env=env,
                              timeout=120)
        assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    made = sorted(p.name for p in backups.iterdir())
    assert len(made) == 2, made
    assert all(name.startswith("ce-2026-11-30") for name in made)

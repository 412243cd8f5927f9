"""A real screen for tests: Xvfb with the openbox window manager, the app as a subprocess
on Qt's xcb platform, real key presses through XTEST (xdotool), and what is visible
judged from the X server (which top-level windows are mapped, and their titles), not from
Qt's own idea of it.

    def test_x(real_app):
        app = real_app(scale="1.5")      # a vault made beforehand, CE Recorder started
        app.wait_for(["Unlock CE Recorder"])
        app.type_text("correct horse battery staple")
        app.key("Return")

Debian packages: xvfb openbox xdotool x11-utils imagemagick (dev.py installs them for
`python3 dev.py test`); without them the tests fail and say what to install.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cerecorder.services import concerns

from helpers import MockClock, add_child, add_staff, content, new_vault

TOOLS = {"Xvfb": "xvfb", "openbox": "openbox", "xdotool": "xdotool", "xprop": "x11-utils",
         "import": "imagemagick"}
SCREEN = "1366x768x24"
#: how long a window may take to appear or go: generous for a loaded CI machine; the
#: tests wait for a state, they never assert how fast it came
PATIENCE = 20.0


def _missing_tools() -> list[str]:
    return sorted({package for tool, package in TOOLS.items() if not shutil.which(tool)})


class Display:
    """Xvfb and openbox, started once per test session."""

    def __init__(self, work: Path) -> None:
        missing = _missing_tools()
        if missing:
            pytest.fail("the real-screen tests need: apt-get install " + " ".join(missing),
                        pytrace=False)
        self.log = work / "display.log"
        self.logged = logged = self.log.open("ab")
        read, write = os.pipe()
        self.server = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", SCREEN, "-nolisten", "tcp"],
            pass_fds=(write,), stdout=logged, stderr=logged)
        os.close(write)
        with os.fdopen(read) as chosen:
            number = chosen.readline().strip()
        self.name = f":{number}"
        self.env = {**os.environ, "DISPLAY": self.name}
        self.env.pop("WAYLAND_DISPLAY", None)
        self.wm: subprocess.Popen[bytes] | None = None
        try:
            if not number:
                raise AssertionError("Xvfb did not start")
            # once seen, openbox failed now and then to open a display Xvfb had just named:
            # it starts only when the server still runs and its socket is there
            socket = Path("/tmp/.X11-unix") / f"X{number}"
            until(lambda: self.server.poll() is not None or socket.exists(),
                  f"Xvfb listening on {socket}", 30)
            if self.server.poll() is not None:
                raise AssertionError(f"Xvfb stopped (exit code {self.server.returncode})")
            self.wm = subprocess.Popen(
                ["openbox", "--config-file", str(self._openbox_rc(work))], env=self.env,
                stdout=logged, stderr=logged)
            until(lambda: self.wm is not None and (self.wm.poll() is not None or "window id"
                  in self.run("xprop", "-root", "_NET_SUPPORTING_WM_CHECK")),
                  "openbox manages the screen", 60)
            if self.wm.poll() is not None:
                raise AssertionError("openbox stopped")
        except AssertionError as exc:
            self.close()
            log = self.log.read_text(encoding="utf-8", errors="replace")
            pytest.fail(f"{exc}: {log[-2000:]}", pytrace=False)

    @staticmethod
    def _openbox_rc(work: Path) -> Path:
        """No desktop margins, no animation: windows appear at once where Qt puts them."""
        rc = work / "openbox-rc.xml"
        rc.write_text(
            '<?xml version="1.0"?><openbox_config xmlns="http://openbox.org/3.4/rc">'
            "<focus><focusNew>yes</focusNew><followMouse>no</followMouse></focus>"
            "<placement><policy>Smart</policy></placement>"
            "<theme><animateIconify>no</animateIconify></theme>"
            "<desktops><number>1</number></desktops></openbox_config>", encoding="utf-8")
        return rc

    def run(self, *command: str) -> str:
        done = subprocess.run(command, env=self.env, capture_output=True, text=True,
                              timeout=30)
        return done.stdout

    def close(self) -> None:
        for process in (self.wm, self.server):
            if process is None:
                continue
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.logged.close()


def until(condition: Callable[[], object], what: str, patience: float = PATIENCE) -> None:
    """Wait for a state of the screen; fail naming it if it does not come."""
    deadline = time.monotonic() + patience
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not seen within {patience:.0f} s: {what}")
        time.sleep(0.02)


@dataclass
class RealApp:
    """CE Recorder running on the display, and what a person would see and press."""

    display: Display
    folder: Path
    process: subprocess.Popen[bytes]
    #: the vault it opens, to read back (with the app stopped) what was recorded
    vault: Path
    shots: list[Path] = field(default_factory=list)

    def titles(self) -> list[str]:
        """The titles of the mapped top-level windows, as the X server has them."""
        ids = self.display.run("xdotool", "search", "--onlyvisible", "--name", ".").split()
        names = [self.display.run("xdotool", "getwindowname", i).strip() for i in ids]
        return sorted(n for n in names if n)

    def wait_for(self, titles: list[str], patience: float = PATIENCE) -> float:
        """Wait until exactly these windows are visible (titles start so); return when."""
        wanted = sorted(titles)

        def matches() -> bool:
            shown = self.titles()
            return len(shown) == len(wanted) and all(
                s.startswith(w) for s, w in zip(sorted(shown), wanted, strict=True))

        def shown_now() -> str:
            return ", ".join(self.titles()) or "nothing"

        try:
            until(matches, f"exactly {wanted}", patience)
        except AssertionError as exc:
            self.screenshot("failed")
            raise AssertionError(f"{exc}; on screen: {shown_now()}") from None
        return time.monotonic()

    def window_id(self, title: str) -> str:
        ids = self.display.run("xdotool", "search", "--onlyvisible", "--name", title).split()
        if not ids:
            raise AssertionError(f"no visible window named {title!r}")
        return ids[-1]

    def activate(self, title: str) -> None:
        self.display.run("xdotool", "windowactivate", "--sync", self.window_id(title))

    def key(self, *keys: str, window: str | None = None) -> None:
        """Real key presses (XTEST) into the focused window, or first activate one."""
        if window is not None:
            self.activate(window)
        self.display.run("xdotool", "key", "--delay", "30", *keys)

    def type_text(self, text: str) -> None:
        self.display.run("xdotool", "type", "--delay", "10", text)

    def screenshot(self, name: str) -> Path:
        path = self.folder / f"{len(self.shots):02d}-{name}.png"
        self.display.run("import", "-window", "root", str(path))
        self.shots.append(path)
        return path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def make_home(home: Path, *, idle_seconds: int = 0, last_user: str = "dsl") -> Path:
    """CERECORDER_HOME with a vault (the fast KDF of tests/helpers.py): users dsl and
    teacher (tests/helpers.py passphrases), two children and a concern; settings name the
    vault, the last user ("" for none: the user name is typed) and a short idle lock."""
    vault = home / "data" / "vault"
    s = new_vault(vault, MockClock())
    amy = add_child(s, "Amy", "Khan", year_group="9", reg_group="9K")
    add_child(s, "Ben", "Osei", year_group="10", reg_group="10R")
    concerns.record_concern(s, content((amy,), MockClock()))
    add_staff(s)
    s.lock()
    config = home / "config"
    config.mkdir(parents=True)
    (config / "settings.json").write_text(json.dumps({
        "last_vault": str(vault), "last_user": last_user, "idle_lock_seconds": idle_seconds,
    }), encoding="utf-8")
    return vault


@pytest.fixture(scope="session")
def real_display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Display]:
    display = Display(tmp_path_factory.mktemp("display"))
    yield display
    display.close()


@pytest.fixture
def real_app(real_display: Display, tmp_path: Path) -> Iterator[Callable[..., RealApp]]:
    """Start CE Recorder on the real display: real_app(scale="1.5", idle_seconds=3,
    last_user="")."""
    started: list[RealApp] = []

    def start(*, scale: str = "1", idle_seconds: int = 0, last_user: str = "dsl") -> RealApp:
        home = tmp_path / "home"
        vault = make_home(home, idle_seconds=idle_seconds, last_user=last_user)
        env = {**real_display.env, "QT_QPA_PLATFORM": "xcb", "QT_SCALE_FACTOR": scale,
               "CERECORDER_HOME": str(home), "QT_ACCESSIBILITY": "0"}
        process = subprocess.Popen(
            [sys.executable, "-c", "from cerecorder.app import main; main()"], env=env)
        app = RealApp(real_display, tmp_path, process, vault)
        started.append(app)
        return app

    yield start
    for app in started:
        app.stop()

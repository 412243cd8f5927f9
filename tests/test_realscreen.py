"""The windows on a real screen (Xvfb, openbox, real key presses; tests/realscreen.py):
the lock leaves only the unlock window, from any window (the register and the network
view too) and by idle timeout; Enter unlocks; the privacy screen hides every window and
brings back exactly those showing.
What is visible is what the X server has mapped."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from realscreen import RealApp, real_app, real_display  # noqa: F401  (fixtures)

from helpers import DSL_PASS

pytestmark = pytest.mark.realscreen
SCALES = ["1", "1.5"]

UNLOCK = "Unlock CE Recorder"
MAIN = "CE Recorder: Dana Lead"
CHRONOLOGY = "Chronology: Amy Khan"
REGISTER = "Register"
NETWORK = "Network of Amy Khan"
FLAGS = "Pattern flags: Amy Khan"


def unlock(app: RealApp) -> None:
    """Type the passphrase and press Enter: only the main window comes."""
    app.wait_for([UNLOCK])
    app.activate(UNLOCK)
    app.type_text(DSL_PASS)
    app.key("Return")
    app.wait_for([MAIN])


def open_chronology(app: RealApp) -> None:
    app.key("alt+p", window=MAIN)  # a DSL starts on Needs attention: Pupils, in the search
    time.sleep(0.3)  # an Alt+letter lands a little later
    app.key("ctrl+a")
    app.type_text("Amy")
    app.key("Return")  # one pupil found: her chronology opens
    app.wait_for([MAIN, CHRONOLOGY])


def lock_leaves_only_unlock(app: RealApp, window: str) -> float:
    app.activate(window)
    sent = time.monotonic()
    app.key("ctrl+l")
    seconds = app.wait_for([UNLOCK]) - sent
    print(f"only the unlock window {seconds * 1000:.0f} ms after Ctrl+L in {window}")
    app.screenshot("locked")
    return seconds


@pytest.mark.parametrize("scale", SCALES)
def test_lock_after_dialogs_came_and_went(real_app: Callable[..., RealApp],  # noqa: F811
                                          scale: str) -> None:
    app = real_app(scale=scale)
    unlock(app)
    for keys, title in (("ctrl+comma", "Settings"), ("ctrl+n", "New concern"),
                        ("ctrl+f", "Search concerns")):
        app.key(keys, window=MAIN)
        app.wait_for([MAIN, title])
        app.key("Escape", window=title)
        app.wait_for([MAIN])
    app.key("ctrl+n", window=MAIN)
    app.wait_for([MAIN, "New concern"])
    lock_leaves_only_unlock(app, "New concern")
    unlock(app)  # and after unlock only the main window returns
    app.screenshot("unlocked-again")


@pytest.mark.parametrize("scale", SCALES)
def test_lock_from_the_chronology(real_app: Callable[..., RealApp],  # noqa: F811
                                  scale: str) -> None:
    app = real_app(scale=scale)
    unlock(app)
    open_chronology(app)
    app.screenshot("chronology")
    lock_leaves_only_unlock(app, CHRONOLOGY)


def test_idle_lock_leaves_only_unlock(real_app: Callable[..., RealApp]) -> None:  # noqa: F811
    app = real_app(idle_seconds=2)
    unlock(app)
    open_chronology(app)
    app.wait_for([UNLOCK])  # nobody touched anything: the vault locked itself
    app.screenshot("idle-locked")


@pytest.mark.parametrize("scale", SCALES)
def test_privacy_from_every_window_and_back(real_app: Callable[..., RealApp],  # noqa: F811
                                            scale: str) -> None:
    app = real_app(scale=scale)
    unlock(app)
    app.key("ctrl+comma", window=MAIN)  # opened and closed: must not come back
    app.wait_for([MAIN, "Settings"])
    app.key("Escape", window="Settings")
    app.wait_for([MAIN])
    app.key("ctrl+shift+h", window=MAIN)
    app.screenshot("privacy")
    app.key("ctrl+shift+h", window=MAIN)
    app.wait_for([MAIN])
    open_chronology(app)
    for window, title in ((CHRONOLOGY, None), (MAIN, "Search concerns"),
                          (MAIN, "New concern")):
        if title is not None:
            app.key("ctrl+f" if title.startswith("Search") else "ctrl+n", window=window)
            app.wait_for([MAIN, CHRONOLOGY, title])
        showing = [MAIN, CHRONOLOGY] + ([title] if title else [])
        app.key("ctrl+shift+h", window=title or window)
        app.wait_for([MAIN])
        app.screenshot("privacy")
        app.key("ctrl+shift+h", window=MAIN)
        app.wait_for(showing)
        if title is not None:
            app.key("Escape", window=title)
            app.wait_for([MAIN, CHRONOLOGY])


@pytest.mark.parametrize("scale", SCALES)
def test_privacy_and_lock_hide_the_register_and_network_windows(
        real_app: Callable[..., RealApp], scale: str) -> None:  # noqa: F811
    app = real_app(scale=scale)
    unlock(app)
    app.key("ctrl+r", window=MAIN)
    app.wait_for([MAIN, REGISTER])
    app.key("ctrl+a", window=MAIN)
    app.type_text("Amy")
    app.key("Return")
    app.wait_for([MAIN, REGISTER, CHRONOLOGY])
    app.key("alt+w", window=CHRONOLOGY)  # Network
    showing = [MAIN, REGISTER, CHRONOLOGY, NETWORK]
    app.wait_for(showing)
    app.screenshot("network")
    app.key("ctrl+shift+h", window=NETWORK)
    app.wait_for([MAIN])
    app.key("ctrl+shift+h", window=MAIN)
    app.wait_for(showing)
    lock_leaves_only_unlock(app, NETWORK)
    unlock(app)  # and none of them comes back


def test_lock_hides_needs_attention_and_the_flag_window(
        real_app: Callable[..., RealApp], scale: str) -> None:  # noqa: F811
    """A DSL starts on Needs attention: Amy's new concern, then the flag it raised. Enter
    on the flag opens her flags; Ctrl+L leaves only the unlock window, and unlocking again
    brings back the main window alone."""
    app = real_app(scale=scale)
    unlock(app)
    app.activate(MAIN)
    app.key("Down")  # the second line: the flag (Needs attention has the focus)
    app.key("Return")
    app.wait_for([MAIN, FLAGS])
    app.screenshot("flags")
    lock_leaves_only_unlock(app, FLAGS)
    unlock(app)
    app.wait_for([MAIN])

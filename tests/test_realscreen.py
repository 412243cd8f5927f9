"""The windows on a real screen (Xvfb, openbox, real key presses; tests/realscreen.py):
the lock leaves only the unlock window, from any window (the register and the network
view too) and by idle timeout; Enter unlocks; the privacy screen hides every window and
brings back exactly those showing; a member of staff records a concern by keyboard alone,
and closing the form keeps a draft.
What is visible is what the X server has mapped."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cerecorder.domain.model import Concern, ConcernStatus
from cerecorder.domain.timefmt import DEFAULT_TZ
from cerecorder.services import body_maps, concerns, session
from cerecorder.services.clock import SystemClock
from realscreen import RealApp, real_app, real_display  # noqa: F401  (fixtures)

from helpers import DSL_PASS, STAFF_PASS, TAXONOMY

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
    app.key("alt+p", window=MAIN)  # a DSL starts on Needs attention: Pupils, in the search
    time.sleep(0.3)
    app.key("ctrl+a")
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


@pytest.mark.parametrize("scale", SCALES)
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


STAFF_MAIN = "CE Recorder: Teacher"
FORM = "New concern"
FACTS = "Amy was picked up at the gate by two older men in a grey car at 08:10."
WORDS = '"They are my cousins."'


def read_back(app: RealApp) -> list[Concern]:
    """With the app stopped (the OS lock gone): the teacher's concerns, read from the vault."""
    app.stop()
    s = session.unlock(app.vault, user_name="teacher", passphrase=STAFF_PASS,
                       clock=SystemClock(), taxonomy=TAXONOMY, read_only=True)
    try:
        return concerns.my_concerns(s)
    finally:
        s.lock()


def staff_unlock_by_typing(app: RealApp) -> None:
    """No user remembered: type the user name, Tab, the passphrase, Enter."""
    app.wait_for([UNLOCK])
    app.activate(UNLOCK)
    app.type_text("teacher")
    app.key("Tab")
    app.type_text(STAFF_PASS)
    app.key("Return")
    app.wait_for([STAFF_MAIN])


def alt(app: RealApp, letter: str) -> None:
    """Alt+letter; a button it presses answers about 100 ms later, so wait a little."""
    app.key(f"alt+{letter}")
    time.sleep(0.3)


def choose_amy(app: RealApp) -> None:
    app.key("ctrl+n", window=STAFF_MAIN)
    app.wait_for([STAFF_MAIN, FORM])
    app.activate(FORM)
    app.type_text("amy")  # the focus starts in "Find a pupil"
    app.key("Tab", "space")  # into the list, on the one pupil shown; Space ticks her


@pytest.mark.parametrize("scale", SCALES)
def test_staff_record_a_concern_by_keyboard_alone(real_app: Callable[..., RealApp],  # noqa: F811
                                                  scale: str) -> None:
    """Unlock, Ctrl+N, the pupil, the time, facts, a sign, Submit, Y: keys only. At 100%
    the time is typed whole; at 150% the day comes from "Yesterday…" and the time is typed.
    What the vault holds afterwards is what was typed."""
    app = real_app(scale=scale, last_user="")
    staff_unlock_by_typing(app)
    choose_amy(app)
    london = ZoneInfo(DEFAULT_TZ)
    yesterday = (datetime.now(london) - timedelta(days=1)).replace(
        hour=8, minute=15, second=0, microsecond=0)
    if scale == "1":
        alt(app, "e")  # to the When box
        app.type_text(f"{yesterday:%d/%m/%Y %H:%M}")
    else:
        alt(app, "y")  # "Yesterday…" fills the day and leaves the cursor for the time
        app.type_text("08:15")
    app.key("Tab")  # Tab leaves the time whole
    alt(app, "s")
    app.type_text(FACTS)
    alt(app, "w")
    app.type_text(WORDS)
    alt(app, "x")  # no category ticked: the exploitation signs checklist opened by hand
    alt(app, "n")  # the signs, in their filter box
    app.type_text("multiple phones")
    app.key("Tab", "Down", "space")  # into the list, the one sign shown, ticked
    app.screenshot("concern-typed")
    alt(app, "b")
    app.wait_for([STAFF_MAIN, FORM, "Submit concern"])
    app.screenshot("confirm")
    app.key("y")
    app.wait_for([STAFF_MAIN])
    app.screenshot("receipt")
    app.key("ctrl+l", window=STAFF_MAIN)
    app.wait_for([UNLOCK])
    (concern,) = read_back(app)
    assert concern.status is ConcernStatus.SUBMITTED
    assert concern.content.child_ids == (1,)
    assert concern.content.facts == FACTS
    assert concern.content.child_words == WORDS
    assert concern.content.indicator_codes == frozenset({"KTS-IDENTITY-02"})
    assert concern.content.occurred_at == yesterday


@pytest.mark.parametrize("scale", SCALES)
def test_keep_as_draft_and_escape_close_the_form_keeping_it(
        real_app: Callable[..., RealApp], scale: str) -> None:  # noqa: F811
    """Alt+K closes a written form, and so does Escape; both drafts are in the vault."""
    app = real_app(scale=scale, last_user="")
    staff_unlock_by_typing(app)
    for key, facts in (("alt+k", "Kept by Alt+K."), ("Escape", "Kept by Escape.")):
        choose_amy(app)
        alt(app, "s")
        app.type_text(facts)
        app.key(key)
        app.wait_for([STAFF_MAIN])
    drafts = read_back(app)
    assert sorted(c.content.facts for c in drafts) == ["Kept by Alt+K.", "Kept by Escape."]
    assert {c.status for c in drafts} == {ConcernStatus.DRAFT}
    assert {c.content.child_ids for c in drafts} == {(1,)}


@pytest.mark.parametrize("scale", SCALES)
def test_correct_a_body_map_by_keyboard_alone(real_app: Callable[..., RealApp],  # noqa: F811
                                              scale: str) -> None:
    """From the chronology, Enter opens the concern; Alt+C opens Correct body map…; a mark
    placed from the keyboard (Enter on the drawing, Enter to add it), the reason typed,
    Alt+C adds the correction: the vault holds a new map with the addendum."""
    app = real_app(scale=scale)
    unlock(app)
    open_chronology(app)
    app.key("Return", window=CHRONOLOGY)  # the first row: Amy's concern
    view = "Concern #1"
    app.wait_for([MAIN, CHRONOLOGY, view])
    app.activate(view)
    alt(app, "c")
    correcting = "Correct the body map of concern #1"
    app.wait_for([MAIN, CHRONOLOGY, view, correcting])
    app.key("Return")  # the drawing has the focus: Enter places a mark at the cursor
    app.wait_for([MAIN, CHRONOLOGY, view, correcting, "A mark on the body map"])
    app.key("Return")  # Add mark
    app.wait_for([MAIN, CHRONOLOGY, view, correcting])
    alt(app, "w")
    app.type_text("A bruise seen later by the school nurse.")
    app.screenshot("correct-body-map")
    alt(app, "c")  # Add correction
    app.wait_for([MAIN, CHRONOLOGY, view])
    app.screenshot("corrected")
    app.stop()
    s = session.unlock(app.vault, user_name="dsl", passphrase=DSL_PASS, clock=SystemClock(),
                       taxonomy=TAXONOMY, read_only=True)
    try:
        [correction] = body_maps.concern_maps(s, 1)
        with s.uow() as uow:  # the addendum as stored (opening the concern is audited)
            [addendum] = uow.concerns.addenda([1])
    finally:
        s.lock()
    assert correction.addendum_id == addendum.id
    assert addendum.body == "A bruise seen later by the school nurse."
    assert [(m.view, m.x, m.y) for m in correction.marks] == [("front", 0.5, 0.5)]

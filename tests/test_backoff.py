"""The back-off after wrong passphrases survives a clock put back and a long history."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from cerecorder.domain.errors import WrongPassphrase
from cerecorder.services import session
from cerecorder.services.session import MAX_BACKOFF, Session, backoff_remaining
from cerecorder.storage.outside import OutsideEvent, OutsideLog

from helpers import MockClock, reopen


def test_failures_stamped_in_the_future_lock_nobody_out(
    dsl: Session, vault_dir: Path, clock: MockClock
) -> None:
    dsl.lock()
    ahead = MockClock(clock.now() + timedelta(days=2))  # the clock was wrong, then put back
    for _ in range(3):
        with pytest.raises(WrongPassphrase):
            reopen(vault_dir, ahead, passphrase="wrong guess")
    assert backoff_remaining(vault_dir, "dsl", clock) == timedelta(0)
    reopen(vault_dir, clock).lock()


def test_no_wait_is_longer_than_the_maximum(vault_dir: Path, clock: MockClock,
                                            dsl: Session) -> None:
    dsl.lock()
    log = OutsideLog(vault_dir)
    log.replace([OutsideEvent(clock.now() - timedelta(seconds=1), "unlock_failed", "dsl")] * 900)
    wait = backoff_remaining(vault_dir, "dsl", clock)
    assert timedelta(0) < wait <= MAX_BACKOFF
    with pytest.raises(session.UnlockBackoff, match="Try again in 300 seconds"):
        reopen(vault_dir, clock)
    clock.advance(minutes=5)
    reopen(vault_dir, clock).lock()


def test_a_damaged_event_file_does_not_stop_an_unlock(vault_dir: Path, clock: MockClock,
                                                      dsl: Session) -> None:
    dsl.lock()
    (vault_dir / "unlock-events.json").write_text(
        '[{"at": "2026-11-16T09:00:00.000000Z", "action": "unlock_failed", "user": 7}]')
    reopen(vault_dir, clock).lock()

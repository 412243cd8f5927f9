"""The back-off after wrong passphrases survives a clock put back and a long history."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from cerecorder.domain.errors import WrongPassphrase
from cerecorder.services import session
from cerecorder.services.session import MAX_BACKOFF, Session, backoff_remaining
from cerecorder.storage.outside import OutsideEvent, OutsideLog

from helpers import DSL_PASS, TAXONOMY, MockClock


def _unlock(folder: Path, clock: MockClock, passphrase: str) -> Session:
    return session.unlock(folder, user_name="dsl", passphrase=passphrase, clock=clock,
                          taxonomy=TAXONOMY)


def test_failures_stamped_in_the_future_lock_nobody_out(
    dsl: Session, vault_dir: Path, clock: MockClock
) -> None:
    dsl.lock()
    ahead = MockClock(clock.now() + timedelta(days=2))  # the clock was wrong, then put back
    for _ in range(3):
        with pytest.raises(WrongPassphrase):
            _unlock(vault_dir, ahead, "wrong guess")
    assert backoff_remaining(vault_dir, "dsl", clock) == timedelta(0)
    _unlock(vault_dir, clock, DSL_PASS).lock()


def test_no_wait_is_longer_than_the_maximum(vault_dir: Path, clock: MockClock,
                                            dsl: Session) -> None:
    dsl.lock()
    log = OutsideLog(vault_dir)
    log.replace([OutsideEvent(clock.now() - timedelta(seconds=1), "unlock_failed", "dsl")] * 900)
    wait = backoff_remaining(vault_dir, "dsl", clock)
    assert timedelta(0) < wait <= MAX_BACKOFF
    with pytest.raises(session.UnlockBackoff, match="Try again in 300 seconds"):
        _unlock(vault_dir, clock, DSL_PASS)
    clock.advance(minutes=5)
    _unlock(vault_dir, clock, DSL_PASS).lock()


def test_a_damaged_event_file_does_not_stop_an_unlock(vault_dir: Path, clock: MockClock,
                                                      dsl: Session) -> None:
    dsl.lock()
    (vault_dir / "unlock-events.json").write_text(
        '[{"at": "2026-11-16T09:00:00.000000Z", "action": "unlock_failed", "user": 7}]')
    _unlock(vault_dir, clock, DSL_PASS).lock()

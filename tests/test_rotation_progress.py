"""Key rotation off the GUI thread (issue 16): how far the rekey has got, heard from
another thread, and a connection lent to one worker at a time."""

from __future__ import annotations

import threading
import time

import pytest

from cerecorder.domain.errors import VaultBusy
from cerecorder.domain.rotation import RekeyProgress
from cerecorder.services import users
from cerecorder.services.session import Session
from cerecorder.storage import rotation

from helpers import add_staff, bulk_attachments


def test_removing_a_user_reports_the_rekey_as_it_goes(
        dsl: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rotation, "POLL_SECONDS", 0.001)
    bulk_attachments(dsl, 40)
    leaver = add_staff(dsl)
    heard: list[tuple[str, RekeyProgress]] = []
    users.remove_user(dsl, leaver,
                      lambda step: heard.append((threading.current_thread().name, step)))
    steps = [step for _, step in heard]
    assert {name for name, _ in heard} == {"rekey progress", "MainThread"}  # the last: done
    fractions = [step.fraction for step in steps]
    assert fractions == sorted(set(fractions)) and fractions[-1] == 1.0
    encrypting = [s for s in steps if not s.writing_back]
    assert len(encrypting) >= 5, fractions  # the bar moves while the pages are rewritten
    assert all(s.fraction <= rotation.ENCRYPT_SHARE for s in encrypting)
    assert encrypting[-1].sentence.startswith("Re-encrypting the vault with its new key: ")
    total = steps[0].total  # vault.db's size: the attachments and the rest
    assert 40 * 1024 * 1024 < total < 48 * 1000 * 1000
    assert encrypting[-1].sentence.endswith(f" of {total / 1e6:.0f} MB")
    assert steps[-1].sentence == "Done: the vault has its new key."
    assert "teacher" not in {u.name for u in users.list_users(dsl)}


def test_a_lent_connection_refuses_the_lender_and_serves_the_worker(dsl: Session) -> None:
    add_staff(dsl)
    dsl.vault.lend()
    assert dsl.vault.busy
    with pytest.raises(VaultBusy, match="key is being changed"):
        users.list_users(dsl)  # a GUI timer, say, while the rotation runs
    seen: list[list[str]] = []
    worker = threading.Thread(target=lambda: seen.append(
        [u.name for u in users.list_users(dsl)]))
    worker.start()
    worker.join()
    assert seen == [["dsl", "teacher"]]
    dsl.vault.give_back()
    assert not dsl.vault.busy
    assert len(users.list_users(dsl)) == 2


def test_locking_a_lent_vault_waits_for_the_worker(dsl: Session) -> None:
    dsl.vault.lend()
    order: list[str] = []

    def work() -> None:
        time.sleep(0.2)
        order.append("given back")
        dsl.vault.give_back()

    worker = threading.Thread(target=work)
    worker.start()
    dsl.vault.close()
    order.append("closed")
    worker.join()
    assert order == ["given back", "closed"]
    assert not dsl.vault.is_open

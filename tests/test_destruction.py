"""Destroying a file after its review: two people, never under a hold or before the date,
every row of the child's file gone (a concern shared with another child stays in theirs),
nothing left in the file's pages, a certificate without content, and verify still clean."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from sqlcipher3 import dbapi2 as sqlcipher

from cerecorder.domain.errors import InvalidInput, NotFound, PermissionDenied
from cerecorder.domain.model import ActionKind, ChildDetails, EventKind, Role, TriageDecision
from cerecorder.services import (
    attachments,
    children,
    concerns,
    destruction,
    maintenance,
    retention,
    search,
    transfers,
    users,
)
from cerecorder.services import dsl as dsl_work
from cerecorder.services.session import Session
from test_packets import audit_actions
from test_schooldays import HOLIDAYS

from helpers import PHOTO_CANARY, STAFF_PASS, MockClock, content, photo, switch_to

CANARY = "Quokkafeather"
PAGE, RESERVE = 4096, 80  # SQLCipher 4: each page ends in its IV (16) and HMAC (64)


def plaintext_pages(s: Session) -> bytes:
    """Every page of vault.db decrypted with the vault's key, free pages included: what
    someone holding the key could read from the file with any tool."""
    s.vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = s.vault.files.db.read_bytes()
    key = s.vault._key
    assert key is not None
    out = []
    for start in range(0, len(raw), PAGE):
        page = raw[start:start + PAGE]
        body = page[16 if start == 0 else 0:PAGE - RESERVE]
        iv = page[PAGE - RESERVE:PAGE - RESERVE + 16]
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        out.append(decryptor.update(body) + decryptor.finalize())
    return b"".join(out)


@pytest.fixture
def case(dsl: Session, clock: MockClock) -> dict[str, object]:
    clock.current = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    old = children.add_child(dsl, ChildDetails("Amy", "Khan", date_of_birth=date(2000, 1, 5)))
    other = children.add_child(dsl, ChildDetails("Ben", "Osei",
                                                 date_of_birth=date(2012, 3, 1)))
    own = concerns.record_concern(dsl, content(
        (old,), clock, facts=f"{CANARY} said a man gave her a phone.",
        occurred_at=clock.now() - timedelta(days=3)))
    shared = concerns.record_concern(dsl, content(
        (old, other), clock, facts="Both seen at the bus station.",
        occurred_at=clock.now() - timedelta(days=2)))
    concerns.add_addendum(dsl, own, f"Addendum naming {CANARY} again.")
    dsl_work.triage(dsl, own, TriageDecision.MONITOR, f"Monitor {CANARY} closely.")
    dsl_work.record_action(dsl, kind=ActionKind.PARENTS_INFORMED, detail=f"{CANARY}'s mother",
                           taken_at=clock.now(), concern_id=own, child_ids=[old])
    dsl_work.add_event(dsl, child_id=old, kind=EventKind.MISSING_EPISODE,
                       occurred_at=clock.now(), summary=f"{CANARY} missing overnight")
    hold = retention.set_hold(dsl, old, "Old inquiry", "Letter")
    retention.lift_hold(dsl, hold, "Closed")
    transfers.open_transfer(dsl, HOLIDAYS, old, clock.now().date(), "Hillside")
    users.add_user(dsl, name="it", display_name="School IT", role=Role.ADMIN,
                   passphrase=STAFF_PASS)
    return {"old": old, "other": other, "own": own, "shared": shared}


def test_two_people_destroy_a_file_and_nothing_of_it_remains(
    dsl: Session, case: dict[str, object],
) -> None:
    old, other, shared = int(case["old"]), int(case["other"]), int(case["shared"])
    assert CANARY.encode() in plaintext_pages(dsl)  # the check below can see text
    request = destruction.request_destruction(dsl, old, "Reviewed: no further need")
    dsl.lock()
    it = switch_to(dsl, "it", STAFF_PASS)
    counts = destruction.carry_out(it, request).counts
    wal = it.vault.files.db.with_name(it.vault.files.db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # no old page images left in it
    assert counts["concerns"] == 1 and counts["children"] == 1
    assert counts["addenda"] == 1 and counts["events"] == 1 and counts["transfers"] == 1
    assert CANARY.encode() not in plaintext_pages(it)
    assert maintenance.verify(it).ok, maintenance.verify(it).schema_problems
    it.lock()

    s = switch_to(it, "dsl", "correct horse battery staple")
    with pytest.raises(NotFound), s.uow() as uow:
        uow.children.get(old)
    kept = concerns.open_concern(s, shared)
    assert kept.concern.content.child_ids == (other,)  # the other child's record stays whole
    assert search.search_concerns(s, CANARY) == []
    done = destruction.requests(s)[0]
    assert done.done and done.rows_deleted == counts
    assert {"destruction_requested", "file_destroyed"} <= set(audit_actions(s))
    with s.uow() as uow:
        assert CANARY not in repr(uow.audit.rows())  # the certificate holds no content


def test_a_destroyed_files_attachments_go_with_it(
    dsl: Session, case: dict[str, object], clock: MockClock,
) -> None:
    old = int(case["old"])
    draft = concerns.save_draft(dsl, content((old,), clock))
    attachments.add_to_draft(dsl, draft, photo(), "note.jpg")
    concerns.submit(dsl, draft)
    attachments.add_to_chronology(dsl, old, b"Letter about " + PHOTO_CANARY, "letter.txt")
    assert PHOTO_CANARY in plaintext_pages(dsl)
    request = destruction.request_destruction(dsl, old, "Reviewed: no further need")
    dsl.lock()
    it = switch_to(dsl, "it", STAFF_PASS)
    counts = destruction.carry_out(it, request).counts
    assert counts["attachments"] == 2 and counts["attachment_chunks"] == 2
    assert PHOTO_CANARY not in plaintext_pages(it)
    assert maintenance.verify(it).ok, maintenance.verify(it).schema_problems
    it.lock()


def test_no_destruction_before_the_review_date_or_under_a_hold(
    dsl: Session, case: dict[str, object], clock: MockClock,
) -> None:
    old, other = int(case["old"]), int(case["other"])
    with pytest.raises(InvalidInput, match="kept until 01/03/2037"):
        destruction.request_destruction(dsl, other, "Tidy up")
    retention.set_hold(dsl, None, "National inquiry", "Moratorium on all files")
    with pytest.raises(InvalidInput, match="legal hold \\(National inquiry\\)"):
        destruction.request_destruction(dsl, old, "Reviewed")
    with pytest.raises(InvalidInput, match="Say why"):
        destruction.request_destruction(dsl, old, " ")


def test_a_hold_set_after_the_request_stops_it(dsl: Session, case: dict[str, object]) -> None:
    old = int(case["old"])
    request = destruction.request_destruction(dsl, old, "Reviewed")
    with pytest.raises(InvalidInput, match="already waiting"):
        destruction.request_destruction(dsl, old, "Again")
    retention.set_hold(dsl, old, "Late inquiry", "Letter today")
    dsl.lock()
    it = switch_to(dsl, "it", STAFF_PASS)
    with pytest.raises(InvalidInput, match="legal hold"):
        destruction.carry_out(it, request)
    assert not destruction.requests(it)[0].done


def test_each_person_does_only_their_part(dsl: Session, case: dict[str, object]) -> None:
    old = int(case["old"])
    request = destruction.request_destruction(dsl, old, "Reviewed")
    with pytest.raises(PermissionDenied):
        destruction.carry_out(dsl, request)  # the DSL who asked cannot finish it
    with pytest.raises(sqlcipher.DatabaseError, match="second person"):
        dsl.vault.conn.execute("INSERT INTO destructions(request_id, destroyed_at, "
                               "destroyed_by, rows_deleted) VALUES (?, 'x', ?, '{}')",
                               (request, dsl.user.id))
    dsl.lock()
    it = switch_to(dsl, "it", STAFF_PASS)
    with pytest.raises(PermissionDenied):
        destruction.request_destruction(it, old, "Reviewed")


def test_a_failure_half_way_leaves_the_file_and_its_triggers_whole(
    dsl: Session, case: dict[str, object], monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = int(case["old"])
    request = destruction.request_destruction(dsl, old, "Reviewed")
    dsl.lock()
    it = switch_to(dsl, "it", STAFF_PASS)
    from cerecorder.storage.destruction import DestructionRepository

    def crash(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(DestructionRepository, "record", crash)
    with pytest.raises(OSError):
        destruction.carry_out(it, request)
    report = maintenance.verify(it)
    assert report.ok and report.schema_problems == ()
    assert CANARY.encode() in plaintext_pages(it)
    with pytest.raises(sqlcipher.DatabaseError, match="immutable"):
        it.vault.conn.execute("DELETE FROM concerns")


def test_the_command_line_asks_then_carries_out(dsl: Session, case: dict[str, object],
                                                vault_dir: Path) -> None:
    from test_schooldays import _cli

    old = int(case["old"])
    dsl.lock()
    code, out, err = _cli("destruction", vault_dir, "--user", "dsl", "--child", old,
                          "--reason", "Reviewed")
    assert (code, out.strip()) == (0, f"Destruction request #1 for child {old}'s file waits "
                                      "for an administrator (a second person)."), err
    code, out, err = _cli("destruction", vault_dir, "--user", "dsl", "--carry-out", 1)
    assert code == 4 and "not allowed" in err  # the DSL cannot finish it
    code, out, err = _cli("destruction", vault_dir, "--user", "it", "--carry-out", 1,
                          lines=(STAFF_PASS,))
    assert code == 0, err
    assert out.startswith("Destroyed: request #1, ")
    assert f"Kept: 1 concern (#{case['shared']}) also about other children" in out
    code, out, _ = _cli("destruction", vault_dir, "--user", "dsl")
    assert out.strip() == f"1\t{old}\tdestroyed 16/11/2026\treview 05/01/2025"


def test_every_column_naming_a_child_or_concern_is_a_reference(dsl: Session) -> None:
    """Destruction finds a file's rows through the foreign keys: a table added later whose
    child or concern column is a bare number would keep its rows after the file went."""
    conn = dsl.vault.conn
    virtual = {str(r[0]) for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")}
    bare = []
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        if table in virtual or any(table.startswith(f"{v}_") for v in virtual):
            continue
        references = {str(r[3]) for r in conn.execute(f"PRAGMA foreign_key_list('{table}')")}
        for column in conn.execute(f"PRAGMA table_info('{table}')"):
            name = str(column[1])
            if (name.endswith(("child_id", "concern_id")) and name not in references
                    # a bare number on purpose: the certificate and the record of a
                    # transfer are what stays when the file goes
                    and (table, name) not in (("destruction_requests", "child_id"),
                                              ("transfer_records", "child_id"))):
                bare.append(f"{table}.{name}")
    assert bare == []


def test_a_shared_concern_stays_but_the_destroyed_childs_name_goes(
    dsl: Session, clock: MockClock,
) -> None:
    """The concern also about another child is theirs too: it stays whole for them, only
    the destroyed child's link to it goes, and her name is nowhere in the vault's pages."""
    clock.current = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    gone = children.add_child(dsl, ChildDetails("Zelphine", "Quarrowby",
                                                date_of_birth=date(2000, 1, 5)))
    stays = children.add_child(dsl, ChildDetails("Ben", "Osei", date_of_birth=date(2012, 3, 1)))
    shared = concerns.record_concern(dsl, content(
        (gone, stays), clock, facts="Both seen at the bus station.",
        occurred_at=clock.now() - timedelta(days=2)))
    users.add_user(dsl, name="it", display_name="School IT", role=Role.ADMIN,
                   passphrase=STAFF_PASS)
    assert b"Quarrowby" in plaintext_pages(dsl)
    request = destruction.request_destruction(dsl, gone, "Reviewed: no further need")
    dsl.lock()
    it = switch_to(dsl, "it", STAFF_PASS)
    done = destruction.carry_out(it, request)
    counts = done.counts
    assert "concerns" not in counts and counts["concern_children"] == 1
    # the administrator is told what stayed, as the certificate says
    assert done.shared_concerns_kept == (shared,)
    assert done.describe().endswith(
        f"Kept: 1 concern (#{shared}) also about other children, which stays in their "
        "files; only this child's link went.")
    assert b"Quarrowby" not in plaintext_pages(it) and b"Zelphine" not in plaintext_pages(it)
    with it.uow() as uow:
        certificate = json.loads(next(r[6] for r in uow.audit.rows()
                                      if r[3] == "file_destroyed"))
    assert certificate["shared_concerns_kept"] == [shared]
    assert certificate["kept_because"] == "also in other children's files"
    it.lock()
    s = switch_to(it, "dsl", "correct horse battery staple")
    kept = concerns.open_concern(s, shared)
    assert kept.concern.content.child_ids == (stays,)

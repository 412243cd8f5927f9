"""verify re-hashes every attachment and names those whose bytes changed; a restored backup
holds the attachments byte for byte (issue 16)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from cerecorder.services import attachments, concerns, maintenance
from cerecorder.services.session import Session
from cerecorder.storage.connection import db_errors_explained

from helpers import DSL_PASS, TAXONOMY, MockClock, add_child, admin, content, photo, reopen


def _submitted(s: Session, clock: MockClock) -> tuple[int, int, bytes]:
    concern_id = concerns.save_draft(s, content((add_child(s),), clock))
    letter = ("Minutes of the strategy meeting. " * 70_000).encode()  # three chunks
    first = attachments.add_to_draft(s, concern_id, photo(), "note.jpg")
    second = attachments.add_to_draft(s, concern_id, letter, "minutes.txt")
    concerns.submit(s, concern_id)
    return first, second, letter


def test_verify_names_an_attachment_whose_chunk_was_changed(
        dsl: Session, clock: MockClock, vault_dir: Path) -> None:
    first, second, _ = _submitted(dsl, clock)
    report = maintenance.verify(dsl)
    assert report.ok and report.attachments_checked == 2 and not report.attachment_mismatches
    # The triggers refuse any change to a chunk, so the tamperer's path is honest here: drop
    # the trigger, overwrite a byte of the second chunk through SQL, and put the trigger
    # back as it was. The schema check still notices the trigger was re-made; the
    # attachment check names the file, which is what this test is about.
    conn = dsl.vault.conn
    with db_errors_explained():
        (trigger,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND "
                                  "name = 'attachment_chunks_no_update'").fetchone()
        conn.execute("DROP TRIGGER attachment_chunks_no_update")
        (chunk,) = conn.execute("SELECT data FROM attachment_chunks WHERE attachment_id = ? "
                                "AND seq = 1", (second,)).fetchone()
        changed = bytes([chunk[0] ^ 0xFF]) + bytes(chunk[1:])  # one byte, same length
        conn.execute("UPDATE attachment_chunks SET data = ? WHERE attachment_id = ? AND "
                     "seq = 1", (changed, second))
        conn.execute(trigger)
        conn.commit()
    report = maintenance.verify(dsl)
    assert not report.ok
    assert report.schema_problems == ("trigger attachment_chunks_no_update is out of its "
                                      "place: it was dropped and created again",)
    assert report.attachment_mismatches == (second,) and report.attachments_checked == 2
    dsl.lock()
    code, out, _ = admin(clock, "verify", vault_dir, "--user", "dsl", passphrase=DSL_PASS)
    assert code != 0
    assert f"Attachments: 1 of 2 DO NOT MATCH their recorded SHA-256: #{second}" in out
    assert f"#{first}" not in out


def test_a_restored_backup_holds_the_attachments_byte_for_byte(
        dsl: Session, clock: MockClock, tmp_path: Path) -> None:
    first, second, letter = _submitted(dsl, clock)
    hashes = {a.id: a.sha256 for a in attachments.listing(dsl)}
    maintenance.backup(dsl, tmp_path / "backup")
    dsl.lock()
    target = tmp_path / "restored"
    maintenance.restore(tmp_path / "backup", target, force=False, clock=clock,
                        check_as=("dsl", DSL_PASS), taxonomy=TAXONOMY)
    opened = reopen(target, clock)
    try:
        report = maintenance.verify(opened)
        assert report.attachments_checked == 2 and not report.attachment_mismatches
        for attachment_id in (first, second):
            found, data = attachments.read(opened, attachment_id)
            assert hashlib.sha256(data).hexdigest() == hashes[attachment_id] == found.sha256
        assert attachments.read(opened, second)[1] == letter
    finally:
        opened.lock()


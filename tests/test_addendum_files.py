"""Files brought with an addendum (issue 16, migration 17): whoever may add an addendum may
attach files to it; they go in with it in one step (none kept when one is refused), are
listed with the concern's own, and the triggers keep them as they went in."""

from __future__ import annotations

import hashlib

import pytest

from cerecorder.domain.attachments import Limits
from cerecorder.domain.errors import InvalidInput, RecordImmutable
from cerecorder.services import attachments, concerns
from cerecorder.services.session import Session
from cerecorder.storage.connection import db_errors_explained

from helpers import STAFF_PASS, MockClock, add_child, add_staff, content, photo, switch_to


def _counts(s: Session) -> tuple[int, ...]:
    return tuple(s.vault.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("addenda", "attachments", "attachment_chunks"))


def test_the_author_attaches_files_with_an_addendum(dsl: Session, clock: MockClock) -> None:
    add_staff(dsl)
    child = add_child(dsl)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    concern_id = concerns.record_concern(staff, content((child,), clock))
    image = photo()
    addendum = attachments.add_with_addendum(
        staff, concern_id, "The note she gave me the next morning.",
        [(image, "note.jpg"), (b"What she said at break.\n", "break.txt")])
    found = attachments.concern_attachments(staff, concern_id)
    assert [(a.file_name, a.addendum_id) for a in found] == [
        ("note.jpg", addendum), ("break.txt", addendum)]
    assert found[0].sha256 == hashlib.sha256(image).hexdigest()
    assert found[0].added_at == concerns.open_concern(staff, concern_id).addenda[0].created_at
    assert attachments.read(staff, found[0].id)[1] == image


def test_a_refused_file_keeps_out_the_addendum_and_every_file(
        dsl: Session, clock: MockClock) -> None:
    concern_id = concerns.record_concern(dsl, content((add_child(dsl),), clock))
    before = _counts(dsl)
    with pytest.raises(InvalidInput, match="cannot be attached"):
        attachments.add_with_addendum(dsl, concern_id, "Two files.",
                                      [(photo(), "a.jpg"), (b"\x00\x01\x02", "b.bin")])
    with pytest.raises(InvalidInput, match="at most"):
        attachments.add_with_addendum(dsl, concern_id, "Too much.", [(photo(), "a.jpg")],
                                      Limits(file_bytes=10_000_000, concern_bytes=100))
    with pytest.raises(InvalidInput, match="what the attached files are"):
        attachments.add_with_addendum(dsl, concern_id, "  ", [(photo(), "a.jpg")])
    assert _counts(dsl) == before


def test_a_draft_takes_files_itself_not_through_an_addendum(
        dsl: Session, clock: MockClock) -> None:
    draft = concerns.save_draft(dsl, content((add_child(dsl),), clock))
    with pytest.raises(InvalidInput, match="draft itself"):
        attachments.add_with_addendum(dsl, draft, "Later.", [(photo(), "a.jpg")])


def test_triggers_refuse_a_file_slipped_in_later_or_changed(
        dsl: Session, clock: MockClock) -> None:
    concern_id = concerns.record_concern(dsl, content((add_child(dsl),), clock))
    addendum = attachments.add_with_addendum(dsl, concern_id, "A photo.",
                                             [(photo(), "a.jpg")])
    found = attachments.concern_attachments(dsl, concern_id)[0]
    conn = dsl.vault.conn
    row = conn.execute("SELECT added_by, added_at FROM attachments WHERE id = ?",
                       (found.id,)).fetchone()
    later = "2099-01-01T00:00:00+00:00"
    for sql, args in (
            ("INSERT INTO attachments(concern_id, addendum_id, file_name, kind, size, sha256,"
             " added_by, added_at) VALUES (?, ?, 'x.txt', 'text', 1, ?, ?, ?)",
             (concern_id, addendum, "0" * 64, row[0], later)),
            ("UPDATE attachments SET file_name = 'y.jpg' WHERE id = ?", (found.id,)),
            ("DELETE FROM attachments WHERE id = ?", (found.id,)),
            ("DELETE FROM attachment_chunks WHERE attachment_id = ?", (found.id,)),
            ("INSERT INTO attachment_chunks(attachment_id, seq, data) VALUES (?, 1, x'00')",
             (found.id,))):
        with pytest.raises(RecordImmutable), db_errors_explained():
            conn.execute(sql, args)

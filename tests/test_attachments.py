"""Attachments (issue 16, migration 15): kept inside the vault with their SHA-256, read back
exactly, locked by triggers with a submitted concern, refused (by kind or by size) before
anything is written, and never readable on disk outside the encrypted vault."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cerecorder.domain.attachments import CHUNK_BYTES, AttachmentKind, Limits, sniff_kind
from cerecorder.domain.errors import InvalidInput, PermissionDenied, RecordImmutable
from cerecorder.services import attachments, concerns, maintenance, users
from cerecorder.services.session import Session
from cerecorder.storage.connection import db_errors_explained

from helpers import (
    PHOTO_CANARY,
    PHOTO_TAKEN,
    STAFF_PASS,
    MockClock,
    add_child,
    add_staff,
    content,
    photo,
    reopen,
    switch_to,
)


def _raw(s: Session, sql: str) -> None:
    with db_errors_explained():
        s.vault.conn.execute(sql)


def _counts(s: Session) -> tuple[int, ...]:
    return tuple(s.vault.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("attachments", "attachment_chunks", "audit"))


def _draft(s: Session, clock: MockClock) -> int:
    return concerns.save_draft(s, content((add_child(s),), clock))


def test_the_stored_hash_is_the_files_and_the_bytes_read_back_whole(
        dsl: Session, clock: MockClock, tmp_path: Path) -> None:
    concern_id = _draft(dsl, clock)
    image = photo()
    source = tmp_path / "IMG_0042.jpg"
    source.write_bytes(image)
    letter = ("Dear Ms Lead,\nÇa va? " * 150_000).encode()  # 3 chunks and a part
    first = attachments.add_to_draft(dsl, concern_id, source)
    second = attachments.add_to_draft(dsl, concern_id, letter, "C:\\Users\\me\\letter.txt")
    concerns.submit(dsl, concern_id)

    found, data = attachments.read(dsl, first)
    assert data == image and found.sha256 == hashlib.sha256(image).hexdigest()
    assert (found.file_name, found.kind, found.size) == ("IMG_0042.jpg", AttachmentKind.JPEG,
                                                         len(image))
    assert found.photo.taken_at == PHOTO_TAKEN and found.photo.has_location
    found, data = attachments.read(dsl, second)
    assert data == letter and found.sha256 == hashlib.sha256(letter).hexdigest()
    assert found.file_name == "letter.txt" and found.kind is AttachmentKind.TEXT
    assert dsl.vault.conn.execute(
        "SELECT count(*), max(length(data)) FROM attachment_chunks WHERE attachment_id = ?",
        (second,)).fetchone() == (-(-len(letter) // CHUNK_BYTES), CHUNK_BYTES)
    assert [a.id for a in attachments.concern_attachments(dsl, concern_id)] == [first, second]


def test_a_photo_without_exif_has_no_time_or_location(dsl: Session, clock: MockClock) -> None:
    attachment_id = attachments.add_to_draft(dsl, _draft(dsl, clock), photo(fmt="PNG"), "a.png")
    found, _ = attachments.read(dsl, attachment_id)
    assert found.kind is AttachmentKind.PNG
    assert found.photo.taken_at is None and not found.photo.has_location
    found, _ = attachments.read(dsl, attachments.add_to_draft(
        dsl, found.concern_id or 0, photo(located=False), "b.jpg"))
    assert found.photo.taken_at == PHOTO_TAKEN and not found.photo.has_location


@pytest.mark.parametrize("sql", [
    "UPDATE attachments SET file_name = 'renamed.jpg'",
    "UPDATE attachments SET sha256 = '" + "0" * 64 + "'",
    "DELETE FROM attachments",
    "UPDATE attachment_chunks SET data = x'00'",
    "DELETE FROM attachment_chunks",
    "INSERT INTO attachment_chunks(attachment_id, seq, data) SELECT id, 1, x'00' "
    "FROM attachments",
    "INSERT INTO attachments(concern_id, file_name, kind, size, sha256, added_by, added_at) "
    "SELECT id, 'x.txt', 'text', 1, '" + "a" * 64 + "', author_id, created_at FROM concerns",
])
def test_a_submitted_concerns_attachments_cannot_change(dsl: Session, clock: MockClock,
                                                         sql: str) -> None:
    concern_id = _draft(dsl, clock)
    image = photo()
    attachment_id = attachments.add_to_draft(dsl, concern_id, image, "note.jpg")
    concerns.submit(dsl, concern_id)
    with pytest.raises(RecordImmutable):
        _raw(dsl, sql)
    with pytest.raises(InvalidInput, match="your own draft"):
        attachments.remove_from_draft(dsl, attachment_id)
    assert attachments.read(dsl, attachment_id)[1] == image


def test_a_draft_may_remove_its_attachment_but_not_rewrite_it(dsl: Session,
                                                              clock: MockClock) -> None:
    concern_id = _draft(dsl, clock)
    attachment_id = attachments.add_to_draft(dsl, concern_id, b"A note\n", "note.txt")
    for sql in ("UPDATE attachments SET file_name = 'x.txt'",
                "UPDATE attachment_chunks SET data = x'41'",
                "INSERT INTO attachment_chunks(attachment_id, seq, data) "
                "SELECT id, 1, x'41' FROM attachments"):
        with pytest.raises(RecordImmutable):
            _raw(dsl, sql)
    attachments.remove_from_draft(dsl, attachment_id)
    assert _counts(dsl)[:2] == (0, 0)
    attachments.add_to_draft(dsl, concern_id, b"Another note\n", "note.txt")
    concerns.discard_draft(dsl, concern_id)  # the draft's files go with it
    assert _counts(dsl)[:2] == (0, 0)


def test_a_chronologys_attachment_is_the_dsls_and_stays(dsl: Session, clock: MockClock) -> None:
    child_id = add_child(dsl)
    letter = b"%PDF-1.7\n% a letter from children's social care\n%%EOF\n"
    attachment_id = attachments.add_to_chronology(dsl, child_id, letter, "letter.pdf")
    assert attachments.read(dsl, attachment_id)[0].child_id == child_id
    with pytest.raises(RecordImmutable):
        _raw(dsl, "DELETE FROM attachments")
    add_staff(dsl)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    with pytest.raises(PermissionDenied):
        attachments.add_to_chronology(staff, child_id, letter, "letter.pdf")
    with pytest.raises(PermissionDenied):
        attachments.read(staff, attachment_id)
    staff.lock()


def test_staff_attach_to_their_own_draft_only(dsl: Session, clock: MockClock) -> None:
    add_staff(dsl)
    child_id = add_child(dsl)
    dsls_draft = concerns.save_draft(dsl, content((child_id,), clock))
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    own = concerns.save_draft(staff, content((child_id,), clock))
    image = photo()
    attachment_id = attachments.add_to_draft(staff, own, image, "corridor-note.jpg")
    assert attachments.read(staff, attachment_id)[1] == image
    before = _counts(staff)
    with pytest.raises(InvalidInput, match="your own draft"):
        attachments.add_to_draft(staff, dsls_draft, photo(), "x.jpg")
    assert _counts(staff) == before
    staff.lock()


def test_an_oversize_file_is_refused_before_anything_is_written(
        dsl: Session, clock: MockClock, tmp_path: Path) -> None:
    concern_id = _draft(dsl, clock)
    big = tmp_path / "video.jpg"
    with big.open("wb") as handle:  # sparse: 26 MiB, never read
        handle.write(b"\xff\xd8\xff")
        handle.truncate(26 * 1024 * 1024)
    before = _counts(dsl)
    with pytest.raises(InvalidInput, match=r"26\.0 MB; an attachment can be at most 25\.0 MB"):
        attachments.add_to_draft(dsl, concern_id, big)
    small = Limits(file_bytes=600, concern_bytes=1000)
    attachments.add_to_draft(dsl, concern_id, b"n" * 600, "one.txt", small)
    after_one = _counts(dsl)
    with pytest.raises(InvalidInput, match=r"a concern can hold at most"):
        attachments.add_to_draft(dsl, concern_id, b"n" * 600, "two.txt", small)
    with pytest.raises(InvalidInput, match="empty"):
        attachments.add_to_draft(dsl, concern_id, b"", "none.txt")
    with pytest.raises(InvalidInput, match="Cannot read"):
        attachments.add_to_draft(dsl, concern_id, tmp_path / "gone.jpg")
    assert _counts(dsl) == after_one and after_one[:2] == (before[0] + 1, before[1] + 1)


@pytest.mark.parametrize("data", [
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",  # a Windows program
    b"PK\x03\x04\x14\x00\x06\x00",  # a zip (or a Word document)
    b"caf\xe9 au lait\n",  # text, but not UTF-8
    b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",  # a GIF: UTF-8 bytes, but not text
    b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00avifmif1",  # AVIF, not HEIC
])
def test_a_refused_kind_gets_a_clear_message(dsl: Session, clock: MockClock,
                                             data: bytes) -> None:
    concern_id = _draft(dsl, clock)
    before = _counts(dsl)
    with pytest.raises(InvalidInput) as refused:
        attachments.add_to_draft(dsl, concern_id, data, "evidence.jpg")  # the name is no guide
    message = str(refused.value)
    assert message.startswith("This kind of file cannot be attached.")
    for kind in ("JPEG, PNG or HEIC", "PDF", "plain text file (UTF-8)", ".eml"):
        assert kind in message
    assert _counts(dsl) == before


@pytest.mark.parametrize(("data", "kind"), [
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", AttachmentKind.HEIC),
    (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1miafheic", AttachmentKind.HEIC),
    (b"%PDF-1.4\n", AttachmentKind.PDF),
    (b"From: parent@example.org\r\nSubject: Tuesday\r\n\r\nShe was upset.\r\n",
     AttachmentKind.EMAIL),
    ("\ufeffNotes from the meeting: Zoë said…\n".encode(), AttachmentKind.TEXT),
    (b"From the corridor: she cried.\n", AttachmentKind.TEXT),
])
def test_kinds_are_told_by_their_bytes(data: bytes, kind: AttachmentKind) -> None:
    assert sniff_kind(data) is kind


def test_the_canary_is_in_no_file_on_disk(dsl: Session, clock: MockClock,
                                          tmp_path: Path) -> None:
    """The image goes in as bytes (as a paste would); afterwards no file anywhere under the
    test's folders (the vault, its WAL, the home and state folders) holds its canary."""
    concern_id = _draft(dsl, clock)
    image = photo()
    assert PHOTO_CANARY in image
    attachment_id = attachments.add_to_draft(dsl, concern_id, image, "screenshot.jpg")
    concerns.submit(dsl, concern_id)
    assert attachments.read(dsl, attachment_id)[1] == image
    folder = dsl.vault.files.folder
    while_open = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert folder / "vault.db" in while_open
    for path in while_open:
        assert PHOTO_CANARY not in path.read_bytes(), path
    dsl.lock()
    assert (folder / "vault.db").stat().st_size > len(image)  # it is in there, encrypted
    for path in tmp_path.rglob("*"):
        assert not path.is_file() or PHOTO_CANARY not in path.read_bytes(), path


def test_attachments_come_through_key_rotation_and_backup(dsl: Session, clock: MockClock,
                                                          tmp_path: Path) -> None:
    """They live in vault.db, so rotating its key and backing it up carry them whole."""
    image = photo()
    attachment_id = attachments.add_to_draft(dsl, _draft(dsl, clock), image, "note.jpg")
    leaver = add_staff(dsl)
    users.remove_user(dsl, leaver)  # rotates the database key
    maintenance.backup(dsl, tmp_path / "backup")
    folder = dsl.vault.files.folder
    dsl.lock()
    for opened in (reopen(folder, clock), reopen(tmp_path / "backup", clock)):
        assert attachments.read(opened, attachment_id)[1] == image
        assert maintenance.verify(opened).ok
        opened.lock()


def test_a_small_file_is_told_in_kilobytes_never_as_0_0_mb() -> None:
    from cerecorder.domain.attachments import file_size

    assert file_size(10_920) == "10 KB"
    assert file_size(42) == "1 KB"
    assert file_size(20 * 1024 * 1024) == "20.0 MB"

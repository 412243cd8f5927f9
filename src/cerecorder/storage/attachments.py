"""Attachments in SQL (migrations 15 and 17): a row per file and its bytes in 1 MiB chunks, all
inside the vault. The triggers keep them as written; no role checks here."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from cerecorder.domain.attachments import CHUNK_BYTES, Attachment, AttachmentKind, PhotoFacts
from cerecorder.domain.errors import NotFound
from cerecorder.domain.timefmt import from_utc_text, to_utc_text
from cerecorder.storage.connection import db_errors_explained
from cerecorder.storage.repositories import _Repository

_COLUMNS = ("id, concern_id, child_id, file_name, kind, size, sha256, added_by, added_at, "
            "photo_taken_at, has_location, addendum_id")


class AttachmentRepository(_Repository):
    def add(self, *, concern_id: int | None, child_id: int | None, file_name: str,
            kind: AttachmentKind, data: bytes, sha256: str, photo: PhotoFacts,
            now: datetime, by: int, addendum_id: int | None = None) -> int:
        taken = None if photo.taken_at is None else photo.taken_at.isoformat()
        attachment_id = self._insert(
            f"INSERT INTO attachments({_COLUMNS.removeprefix('id, ')}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (concern_id, child_id, file_name, kind.value, len(data), sha256, by,
             to_utc_text(now), taken, int(photo.has_location), addendum_id))
        view = memoryview(data)
        self._executemany(
            "INSERT INTO attachment_chunks(attachment_id, seq, data) VALUES (?, ?, ?)",
            ((attachment_id, seq, view[start:start + CHUNK_BYTES])
             for seq, start in enumerate(range(0, len(data), CHUNK_BYTES))))
        return attachment_id

    def remove(self, attachment_id: int) -> None:
        """A draft's attachment and its chunks (the triggers refuse any other)."""
        self._execute("DELETE FROM attachment_chunks WHERE attachment_id = ?",
                      (attachment_id,))
        self._execute("DELETE FROM attachments WHERE id = ?", (attachment_id,))

    def get(self, attachment_id: int) -> Attachment:
        rows = self._rows(f"SELECT {_COLUMNS} FROM attachments WHERE id = ?",
                          (attachment_id,))
        if not rows:
            raise NotFound(f"attachment {attachment_id}")
        return _attachment(rows[0])

    def for_concern(self, concern_id: int) -> list[Attachment]:
        return [_attachment(r) for r in self._rows(
            f"SELECT {_COLUMNS} FROM attachments WHERE concern_id = ? ORDER BY id",
            (concern_id,))]

    def for_child(self, child_id: int) -> list[Attachment]:
        """The files in the child's chronology (not those of the child's concerns)."""
        return [_attachment(r) for r in self._rows(
            f"SELECT {_COLUMNS} FROM attachments WHERE child_id = ? ORDER BY id",
            (child_id,))]

    def all(self) -> list[Attachment]:
        return [_attachment(r) for r in self._rows(
            f"SELECT {_COLUMNS} FROM attachments ORDER BY id")]

    def concern_bytes(self, concern_id: int) -> int:
        rows = self._rows("SELECT coalesce(sum(size), 0) FROM attachments WHERE concern_id = ?",
                          (concern_id,))
        return int(rows[0][0])

    def rehash(self) -> Iterator[tuple[int, str, str]]:
        """Every attachment's id, the SHA-256 recorded at import and that of its bytes now,
        read a chunk at a time (a 2 GB vault's files are never all in memory)."""
        stored = {int(r[0]): str(r[1]) for r in self._rows(
            "SELECT id, sha256 FROM attachments ORDER BY id")}
        digests = {i: hashlib.sha256() for i in stored}
        with db_errors_explained():
            for attachment_id, data in self.conn.execute(
                    "SELECT attachment_id, data FROM attachment_chunks "
                    "ORDER BY attachment_id, seq"):
                found = digests.get(int(attachment_id))
                if found is not None:
                    found.update(data)
        for attachment_id, sha256 in stored.items():
            yield attachment_id, sha256, digests[attachment_id].hexdigest()

    def read(self, attachment_id: int) -> bytes:
        """The file's bytes, joined from its chunks in memory."""
        return b"".join(self.chunks(attachment_id))

    def chunks(self, attachment_id: int) -> Iterator[bytes]:
        """The file's bytes a chunk at a time, read as they are wanted."""
        with db_errors_explained():
            for (data,) in self.conn.execute(
                    "SELECT data FROM attachment_chunks WHERE attachment_id = ? ORDER BY seq",
                    (attachment_id,)):
                yield bytes(data)


def _attachment(row: tuple[Any, ...]) -> Attachment:
    return Attachment(
        int(row[0]), None if row[1] is None else int(row[1]),
        None if row[2] is None else int(row[2]), str(row[3]), AttachmentKind(str(row[4])),
        int(row[5]), str(row[6]), int(row[7]), from_utc_text(str(row[8])),
        PhotoFacts(None if row[9] is None else datetime.fromisoformat(str(row[9])),
                   bool(row[10])), None if row[11] is None else int(row[11]))

"""The files a concern or addendum packet carries (issue 16): their bytes read from the
vault to be sealed, and gathered and checked as a packet is decrypted.

A packet lists each file (name, kind, SHA-256, size) in its signed document; in a format
2 packet the bytes follow the document, in that order, and arrive a piece at a time as
the packet is decrypted. Each file is gathered whole, checked against its size, its hash
and its kind, and only then handed on to be stored, so that what is stored is exactly
what was signed. A format 1 packet (and a concern held for a match) has the bytes inside
the document, as base64, checked the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from cerecorder.domain.attachments import Attachment
from cerecorder.domain.timefmt import to_utc_text
from cerecorder.services.packet_documents import IncomingFile, check_file, malformed
from cerecorder.storage.uow import UnitOfWork

# -- sealing -------------------------------------------------------------------------------


def files_document(files: Sequence[Attachment]) -> list[dict[str, Any]]:
    """What the signed document says of each file; its bytes follow the document."""
    return [{"file_name": a.file_name, "kind": a.kind.value, "sha256": a.sha256,
             "size": a.size, "added_at": to_utc_text(a.added_at)} for a in files]


def file_bytes(uow: UnitOfWork, files: Sequence[Attachment]) -> Iterator[bytes]:
    """The files' bytes in the document's order, a chunk at a time from the vault."""
    for a in files:
        yield from uow.attachments.chunks(a.id)


class FileReceiver:
    """The bytes that follow a format 2 packet's document, gathered a file at a time:
    each file, once whole and checked, goes to `store`; nothing of a file that is not
    whole and right does. One file's bytes are held at a time, never the packet's."""

    def __init__(self, files: Sequence[IncomingFile],
                 store: Callable[[IncomingFile, bytes], None]) -> None:
        self._waiting = [f for f in files if f.data is None]
        self._store = store
        self._gathered = bytearray()

    def take(self, piece: bytes) -> None:
        while piece:
            if not self._waiting:
                raise malformed("more bytes follow its files than they hold")
            f = self._waiting[0]
            room = f.size - len(self._gathered)
            self._gathered += piece[:room]
            piece = piece[room:]
            if len(self._gathered) == f.size:
                data = bytes(self._gathered)
                self._gathered = bytearray()
                check_file(f, data)
                self._waiting.pop(0)
                self._store(f, data)

    def finish(self) -> None:
        if self._waiting:
            raise malformed("its attachments are cut short")

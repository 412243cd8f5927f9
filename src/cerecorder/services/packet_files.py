"""The files a concern or addendum packet carries (issue 16), and the reading of what a
signed packet document says.

A packet lists each file (name, kind, SHA-256, size) in its signed document; in a format
2 packet the bytes follow the document, in that order, and arrive a piece at a time as
the packet is decrypted. Each file is gathered whole, checked against its size, its hash
and its kind, and only then handed on to be stored, so that what is stored is exactly
what was signed. A format 1 packet (and a concern held for a match) has the bytes inside
the document, as base64, checked the same way.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cerecorder.crypto.packets import PacketRefused
from cerecorder.domain.attachments import Attachment, AttachmentKind, Limits, sniff_kind
from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.rules import MAX_NAME, MAX_TEXT, clean_text
from cerecorder.domain.timefmt import from_utc_text, to_utc_text
from cerecorder.storage.uow import UnitOfWork


def malformed(what: str) -> PacketRefused:
    return PacketRefused("malformed", f"The packet opened and its signature holds, but "
                         f"{what}; it was made by an incompatible version of CE Recorder.")


def text_of(raw: dict[str, Any], name: str, limit: int = MAX_TEXT) -> str:
    value = raw.get(name, "")
    if not isinstance(value, str):
        raise malformed(f"'{name}' is not text")
    try:
        return clean_text(value, name, limit)
    except InvalidInput as exc:
        raise malformed(str(exc)) from exc


def moment_of(raw: dict[str, Any], name: str) -> datetime:
    try:
        return from_utc_text(str(raw[name]))
    except (KeyError, ValueError) as exc:
        raise malformed(f"'{name}' is not a time") from exc


# -- sealing -------------------------------------------------------------------------------


def files_document(files: Sequence[Attachment]) -> list[dict[str, Any]]:
    """What the signed document says of each file; its bytes follow the document."""
    return [{"file_name": a.file_name, "kind": a.kind.value, "sha256": a.sha256,
             "size": a.size, "added_at": to_utc_text(a.added_at)} for a in files]


def file_bytes(uow: UnitOfWork, files: Sequence[Attachment]) -> Iterator[bytes]:
    """The files' bytes in the document's order, a chunk at a time from the vault."""
    for a in files:
        yield from uow.attachments.chunks(a.id)


# -- importing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomingFile:
    file_name: str
    kind: AttachmentKind
    sha256: str
    added_at: datetime
    size: int
    #: inside the document (format 1, or held for a match); None: it follows the document
    data: bytes | None = None


def parse_files(raw: object, limits: Limits) -> tuple[IncomingFile, ...]:
    """The files a document lists, each within the limits (one file's, all of them
    together) before any byte of them is written; bytes inside it are checked now."""
    if not isinstance(raw, list):
        raise malformed("its attachments are not a list")
    files, total = [], 0
    for item in raw:
        if not isinstance(item, dict):
            raise malformed("an attachment is not an object")
        data = None
        if "data" in item:
            try:
                data = base64.b64decode(str(item["data"]), validate=True)
            except ValueError as exc:
                raise malformed("an attachment's bytes are not base64") from exc
        size = len(data) if data is not None else item.get("size")
        if type(size) is not int or item.get("size", size) != size:
            raise malformed("an attachment's size is not given")
        try:
            kind = AttachmentKind(str(item.get("kind")))
        except ValueError as exc:
            raise malformed("an attachment is of a kind this vault does not take") from exc
        total += size
        if not 0 < size <= limits.file_bytes or total > limits.concern_bytes:
            raise malformed("its attachments are larger than a concern may hold")
        found = IncomingFile(text_of(item, "file_name", MAX_NAME), kind,
                             str(item.get("sha256", "")), moment_of(item, "added_at"), size,
                             data)
        if data is not None:
            check_file(found, data)
        files.append(found)
    return tuple(files)


def check_file(f: IncomingFile, data: bytes) -> None:
    """The bytes are the file the signed document describes."""
    if hashlib.sha256(data).hexdigest() != f.sha256:
        raise malformed("an attachment's bytes do not match its SHA-256")
    if sniff_kind(data) is not f.kind:
        raise malformed("an attachment is not the kind it says")


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

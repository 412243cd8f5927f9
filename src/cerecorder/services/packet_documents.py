"""What a signed concern or addendum packet says, read and checked: every field, every
child and every file it lists (within this vault's attachment limits), before anything
of it is written. Decrypting and the signature are crypto.packets' business; filing
it is services.packets'.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cerecorder.crypto import packets as crypto
from cerecorder.crypto.packets import PacketRefused
from cerecorder.domain.attachments import AttachmentKind, Limits, sniff_kind
from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import Child, ConcernContent, EntryKind, Mention, Urgency
from cerecorder.domain.register import MAX_MENTIONS, clean_mention
from cerecorder.domain.rules import MAX_NAME, MAX_TEXT, check_record_dates, clean_text
from cerecorder.domain.timefmt import from_utc_text
from cerecorder.services import laptop_succession
from cerecorder.services.session import Session
from cerecorder.storage.uow import UnitOfWork

#: of receipts, and of packets without files
FORMAT_VERSION = 1
#: of packets with files, their bytes after the document (crypto.packets.FRAMED)
FILES_FORMAT_VERSION = 2
_PACKET_ID = re.compile(r"^[0-9a-f]{32}$")
CHILD_FIELDS = ("upn", "legal_forenames", "legal_surname", "preferred_forenames",
                "preferred_surname", "year_group", "reg_group", "gender")
CONCERN_TEXT = ("location", "facts", "child_words", "opinion", "indicators_other",
                "action_taken", "informed")


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


@dataclass(frozen=True)
class Verified:
    document: dict[str, Any]
    packet_id: str
    content_hash: str
    author_id: int
    uid: str
    content: ConcernContent  # child_ids empty: matched separately
    created_at: datetime
    submitted_at: datetime
    tz: str
    taxonomy_version: str
    children: tuple[dict[str, Any], ...]
    files: tuple[IncomingFile, ...] = ()


def _parse_child(raw: object) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise malformed("a child is not described")
    child: dict[str, Any] = {f: text_of(raw, f, MAX_NAME).strip() for f in CHILD_FIELDS}
    dob = raw.get("date_of_birth")
    try:
        child["date_of_birth"] = None if dob is None else date.fromisoformat(str(dob))
    except ValueError as exc:
        raise malformed("a date of birth is not a date") from exc
    if not (child["legal_forenames"] or child["legal_surname"]):
        raise malformed("a child has no name")
    return child


def _checked(uow: UnitOfWork, session: Session, document: dict[str, Any], kind: str,
             held_by: int | None = None) -> tuple[str, dict[str, Any], int]:
    """The checks every signed document passes: its kind and format, its packet id, and a
    signer enrolled for its author (or a successor of one: services/laptop_succession.py).
    Returns the packet id, the record, the author id.
    A concern held for a match (`held_by`: its author) passed the signer check when it
    arrived; a laptop revoked since does not undo that."""
    if document.get("kind") != kind or not any(
            crypto.is_version(document.get("format_version"), v)
            for v in (FORMAT_VERSION, FILES_FORMAT_VERSION)):
        raise malformed(f"it is not a{'n' if kind[0] in 'aeiou' else ''} {kind} packet of "
                        "a known format")
    packet_id = document.get("packet_id")
    if not isinstance(packet_id, str) or not _PACKET_ID.match(packet_id):
        raise malformed("its packet id is not valid")
    raw = document.get(kind)
    if not isinstance(raw, dict) or not isinstance(raw.get("author"), dict):
        raise malformed(f"it holds no {kind}")
    if held_by is not None:
        return packet_id, raw, held_by
    signer = str(document["signer"])
    author = uow.users.by_name(text_of(raw["author"], "name", MAX_NAME))
    if author is None or author.id not in laptop_succession.signer_users(
            uow, session, signer, document.get("successions"),
            moment_of(document, "created_at")):
        raise PacketRefused(
            "unknown_signer", "The packet is signed by a laptop that is not enrolled for its "
            f"author (fingerprint {crypto.verify_key_fingerprint(signer)}). Enrol the member "
            "of staff (Settings, Handover), then move the packet back into the inbox.")
    return packet_id, raw, author.id


@dataclass(frozen=True)
class VerifiedAddendum:
    document: dict[str, Any]
    packet_id: str
    content_hash: str
    author_id: int
    concern_uid: str
    created_at: datetime
    tz: str
    body: str
    files: tuple[IncomingFile, ...] = ()


def verify_addendum(uow: UnitOfWork, session: Session,
                     document: dict[str, Any]) -> VerifiedAddendum:
    packet_id, raw, author_id = _checked(uow, session, document, "addendum")
    body = text_of(raw, "body")
    if not body.strip():
        raise malformed("the addendum is empty")
    return VerifiedAddendum(
        document, packet_id, crypto.content_hash(document), author_id,
        text_of(raw, "concern_uid", MAX_NAME), moment_of(raw, "created_at"),
        text_of(raw, "tz", MAX_NAME), body,
        parse_files(raw.get("attachments", []), session.attachment_limits))


def verify(uow: UnitOfWork, session: Session, document: dict[str, Any],
            held_by: int | None = None) -> Verified:
    """Every check a signed concern document must pass before anything is written."""
    packet_id, raw, author_id = _checked(uow, session, document, "concern", held_by)
    codes = raw.get("indicator_codes")
    children = raw.get("children")
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise malformed("its signs are not a list of codes")
    if not isinstance(children, list) or not children:
        raise malformed("it names no child")
    try:
        urgency = Urgency(str(raw.get("urgency")))
    except ValueError as exc:
        raise malformed("its urgency is unknown") from exc
    text = {f: text_of(raw, f) for f in CONCERN_TEXT}
    mentions = _mentions(raw.get("mentions", []))
    content = ConcernContent(
        mentions=mentions,
        occurred_at=moment_of(raw, "occurred_at"), indicator_codes=frozenset(codes),
        urgency=urgency, location=text["location"], facts=text["facts"],
        child_words=text["child_words"], opinion=text["opinion"],
        indicators_other=text["indicators_other"], action_taken=text["action_taken"],
        informed=text["informed"],
    )
    if not content.facts.strip():
        raise malformed("it says nothing of what was seen or heard")
    return Verified(
        document=document, packet_id=packet_id, content_hash=crypto.content_hash(document),
        author_id=author_id, uid=text_of(raw, "uid", MAX_NAME), content=content,
        created_at=moment_of(raw, "created_at"), submitted_at=moment_of(raw, "submitted_at"),
        tz=text_of(raw, "tz", MAX_NAME), taxonomy_version=text_of(raw, "taxonomy_version",
                                                               MAX_NAME),
        children=tuple(_parse_child(k) for k in children),
        files=parse_files(raw.get("attachments", []), session.attachment_limits),
    )


def refuse_out_of_range(v: Verified | VerifiedAddendum, now: datetime) -> None:
    """Every time and date of birth a packet carries must be one a record may have
    (domain.rules): an old laptop could seal a year-5 time that no view could show."""
    try:
        if isinstance(v, VerifiedAddendum):
            check_record_dates(now, {"The time the addendum was written": v.created_at})
        else:
            check_record_dates(now, {"The time it happened": v.content.occurred_at,
                                     "The time it was recorded": v.created_at,
                                     "The time it was submitted": v.submitted_at},
                               (k["date_of_birth"] for k in v.children))
    except InvalidInput as exc:
        raise PacketRefused("out_of_range", f"{exc} The packet was not filed: ask the sender "
                            "to check their laptop's clock and record it again.") from exc


def _mentions(raw: object) -> tuple[Mention, ...]:
    """The people, vehicles, places and phones a concern named, as the author typed them."""
    if not isinstance(raw, list) or len(raw) > MAX_MENTIONS:
        raise malformed("its list of people, vehicles and places is not one")
    found = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise malformed("a person, vehicle or place it names is not a line of text")
        try:
            found.append(clean_mention(EntryKind(str(item.get("kind"))), item["text"]))
        except (ValueError, InvalidInput) as exc:
            raise malformed("a person, vehicle or place it names cannot be read") from exc
    return tuple(found)


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def match_child(pupils: Iterable[Child], sent: dict[str, Any],
                merged: dict[int, int] | None = None) -> int | None:
    """The one child on roll that a packet's child is: by UPN, else by legal name and date
    of birth together. None when there is no such child or more than one. A record the
    DSL merged into another (the sender's roll may still have it) stands for the record
    kept: `merged` maps one to the other."""
    pupils = list(pupils)
    kept = merged or {}

    def one(ids: list[int]) -> int | None:
        found = {kept.get(i, i) for i in ids}
        return found.pop() if len(found) == 1 else None

    if sent["upn"]:
        found = [p.id for p in pupils if p.details.upn.casefold() == sent["upn"].casefold()]
        if found:
            return one(found)
    if sent["date_of_birth"] is None:
        return None
    return one([p.id for p in pupils
                if p.details.date_of_birth == sent["date_of_birth"]
                and _fold(p.details.legal_forenames) == _fold(sent["legal_forenames"])
                and _fold(p.details.legal_surname) == _fold(sent["legal_surname"])])

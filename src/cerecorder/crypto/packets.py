"""Sealed packets: the cryptography of handing a concern from a staff laptop to the DSL.

A packet is an age file (X25519, one stanza per DSL recipient) whose plaintext is a
signed envelope: a canonical JSON document (sorted keys, UTF-8, no spare whitespace) and
an Ed25519 signature over exactly those bytes. The signer's verify key is inside the
signed document. A packet that carries files (format 2) frames it: a first line saying
so, the envelope on one line, then the files' bytes as they are, in the order the
document lists them with the SHA-256 and size of each; it is decrypted as it is read,
never whole, and the signature is checked before any file's byte is passed on. Receipts
going back are signed the same way but not encrypted: they say only which packet
arrived, and when.

Everything here is pure: bytes (or a packet's file object) in, bytes or typed values
out. Opening files, the vault and who
may do what are the services layer's business.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, BinaryIO

import pyrage
from pyrage import x25519

# Re-exported: the signing primitives moved to crypto/signing.py; callers keep this name.
from cerecorder.crypto.signing import SigningKey as SigningKey
from cerecorder.crypto.signing import Succession as Succession
from cerecorder.crypto.signing import canonical as canonical
from cerecorder.crypto.signing import chain_from_json as chain_from_json
from cerecorder.crypto.signing import chain_json as chain_json
from cerecorder.crypto.signing import check_verify_key as check_verify_key
from cerecorder.crypto.signing import content_hash as content_hash
from cerecorder.crypto.signing import fingerprint as fingerprint
from cerecorder.crypto.signing import normalise_fingerprint as normalise_fingerprint
from cerecorder.crypto.signing import signature_holds as signature_holds
from cerecorder.crypto.signing import verify_key_fingerprint as verify_key_fingerprint
from cerecorder.domain.errors import EnvironmentProblem

AGE_HEADER = b"age-encryption.org/v1\n"
ENVELOPE_FORMAT = "cerecorder-signed-v1"
CARD_FORMAT = "cerecorder-recipient-card"
#: 2: signed by the DSL's vault key (version 1 cards were not, and are refused)
CARD_VERSION = 2
STAFF_CARD_FORMAT = "cerecorder-staff-card"
#: a concern's text and its attachments (100 MiB by default; as base64 in a format 1
#: packet, 4/3 of that) with room to spare; checked before anything is decrypted
MAX_PACKET_BYTES = 160 * 1024 * 1024
#: A format 2 packet's plaintext starts with this line; a format 1 packet's is the
#: envelope alone (its files as base64 inside it).
FRAMED = b"cerecorder-packet-v2\n"
#: The signed document of a format 2 packet, files apart: seven text fields of at most
#: 100,000 characters (JSON escapes write at most 6 bytes a character) and a list of files.
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024
MAX_CARD_BYTES = 64 * 1024


class PacketRefused(EnvironmentProblem):
    """A packet, receipt or card that cannot be accepted. `reason` is a stable code for
    the audit; the message is written for the DSL and for IT."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class RecipientIdentity:
    """A DSL's age X25519 identity ('AGE-SECRET-KEY-1...') and its public recipient."""

    identity: str
    recipient: str

    @classmethod
    def generate(cls) -> RecipientIdentity:
        identity = x25519.Identity.generate()
        return cls(str(identity), str(identity.to_public()))


def check_recipient(text: object) -> str:
    if not isinstance(text, str):
        raise ValueError("not an age recipient")
    try:
        x25519.Recipient.from_str(text)
    except pyrage.RecipientError as exc:
        raise ValueError("not an age recipient") from exc
    return text


# -- signed envelopes ------------------------------------------------------------------


def is_version(value: object, version: int) -> bool:
    """Exactly this format version: JSON `true` or `1.0` equal 1 in Python, but no
    version of CE Recorder writes them."""
    return type(value) is int and value == version


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _json(data: bytes) -> Any:
    """Parse strict JSON from a file anyone may have written: NaN, Infinity or nesting
    too deep to parse are refused as not JSON (ValueError), like any other damage."""
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc


def sign_document(document: dict[str, Any], key: SigningKey) -> bytes:
    """The envelope: the document (which names its signer) and the signature over its
    canonical bytes."""
    if document.get("signer") != key.verify_key:
        raise ValueError("a signed document names its signer")
    return canonical({"format": ENVELOPE_FORMAT, "document": document,
                      "signature": key.sign(canonical(document))})


def open_envelope(data: bytes, what: str = "packet") -> dict[str, Any]:
    """The document of a signed envelope whose signature holds; PacketRefused if not."""
    try:
        envelope = _json(data)
        document = envelope["document"]
        signer = document["signer"]
        if envelope["format"] != ENVELOPE_FORMAT or not isinstance(document, dict):
            raise ValueError("not a signed envelope")
        signed = canonical(document)
    except (ValueError, KeyError, TypeError) as exc:
        raise PacketRefused("malformed", f"The {what} is not in CE Recorder's format "
                            "(damaged, or made by another program).") from exc
    if not isinstance(signer, str) or not signature_holds(
            signer, signed, envelope.get("signature")):
        raise PacketRefused("bad_signature", f"The {what}'s signature does not match its "
                            "content: it was altered after it was signed, or forged.")
    return document


# -- age --------------------------------------------------------------------------------


def seal(plaintext: bytes, recipients: Sequence[str]) -> bytes:
    if not recipients:
        raise ValueError("a packet needs at least one recipient")
    return bytes(pyrage.encrypt(plaintext, [x25519.Recipient.from_str(r) for r in recipients]))


def unseal(data: bytes, identities: Iterable[str]) -> bytes:
    """Decrypt an age file with any of these identities, telling apart what is not age,
    what was sealed for someone else, and what is damaged or cut short."""
    keys = _keys(len(data), data, identities)
    try:
        return bytes(pyrage.decrypt(data, keys))
    except pyrage.DecryptError as exc:
        raise _refusal(exc) from exc


def _keys(size: int, head: bytes, identities: Iterable[str]) -> list[x25519.Identity]:
    """The checks made before anything is decrypted, and the keys to decrypt with."""
    if size > MAX_PACKET_BYTES:
        raise PacketRefused("oversized", "The packet is larger than any concern can be "
                            f"({size:,} bytes); it was not opened.")
    if not head.startswith(AGE_HEADER):
        raise PacketRefused("not_age", "The file is not a sealed packet (not an age file).")
    keys = [x25519.Identity.from_str(i) for i in identities]
    if not keys:
        raise PacketRefused("wrong_recipient", "This vault has no packet key yet: export "
                            "a recipient card first.")
    return keys


def _refusal(exc: Exception) -> PacketRefused:
    if "no matching keys" in str(exc).lower():
        return PacketRefused(
            "wrong_recipient", "The packet was sealed for someone else (not for this "
            "vault's DSLs): the sender may have an old or another school's "
            "recipient card.")
    return PacketRefused("damaged", "The packet is damaged or cut short (perhaps a copy "
                         "that did not finish); it could not be opened.")


def seal_packet(envelope: bytes, files: Iterable[bytes], recipients: Sequence[str],
                out: BinaryIO) -> None:
    """Write a format 2 packet to `out` as it is encrypted: the signed envelope, then the
    files' bytes (any pieces, in the order its document lists them)."""
    if not recipients:
        raise ValueError("a packet needs at least one recipient")
    pyrage.encrypt_io(_Pieces(_chain((FRAMED, envelope, b"\n"), files)), out,
                      [x25519.Recipient.from_str(r) for r in recipients])


def _chain(first: Iterable[bytes], then: Iterable[bytes]) -> Iterator[bytes]:
    yield from first
    yield from then


class _Pieces:
    """A file-like reader over byte strings, for age to encrypt as it reads."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces = pieces
        self._left = memoryview(b"")

    def read(self, size: int = -1) -> bytes:
        while not self._left:
            piece = next(self._pieces, None)
            if piece is None:
                return b""
            self._left = memoryview(piece)
        size = len(self._left) if size < 0 else size
        taken, self._left = self._left[:size], self._left[size:]
        return bytes(taken)


def unseal_packet(source: BinaryIO, identities: Iterable[str],
                  on_document: Callable[[dict[str, Any], bool], None],
                  on_bytes: Callable[[bytes], None]) -> int:
    """Decrypt a packet file as it is read, never whole. Its signed document, once the
    signature holds, goes to `on_document` (with True if it was framed: format 2); the
    files' bytes that follow it in a format 2
    packet go to `on_bytes`, in pieces. (A format 1 packet's document, its files inside,
    is read whole, then passed on.) What the two raise stops the decryption and is raised
    as it is; what they were given before is theirs to undo. Returns how many recipients
    the packet was sealed for."""
    head = source.read(_MAX_HEADER)
    source.seek(0)
    keys = _keys(os.fstat(source.fileno()).st_size, head, identities)
    sink = _Unframe(on_document, on_bytes)
    try:
        pyrage.decrypt_io(source, sink, keys)
    except Exception as exc:
        if sink.failed:  # the import's own refusal, or its vault's error
            raise
        if isinstance(exc, pyrage.DecryptError | OSError):  # a damaged stream: OSError
            raise _refusal(exc) from exc
        raise
    sink.close()
    return recipient_count(head)


class _Unframe:
    """Where age writes a packet's plaintext: the envelope is gathered and opened first,
    then every byte after it goes on as it comes."""

    def __init__(self, on_document: Callable[[dict[str, Any], bool], None],
                 on_bytes: Callable[[bytes], None]) -> None:
        self._on_document, self._on_bytes = on_document, on_bytes
        self._head = bytearray()
        self._opened = False
        self.failed = False

    def write(self, piece: bytes) -> int:
        try:
            self._take(bytes(piece))
        except BaseException:
            self.failed = True
            raise
        return len(piece)

    def flush(self) -> None:
        """Nothing is buffered here beyond the envelope."""

    def _take(self, piece: bytes) -> None:
        if self._opened:
            self._on_bytes(piece)
            return
        self._head += piece
        if not self._head.startswith(FRAMED[:len(self._head)]):
            return  # format 1: the envelope is all there is, opened at the end
        end = self._head.find(b"\n", max(len(FRAMED), len(self._head) - len(piece)))
        if end < 0:
            if len(self._head) > len(FRAMED) + MAX_DOCUMENT_BYTES:
                raise PacketRefused("malformed", "The packet's document is longer than any "
                                    "concern's can be; it was not filed.")
            return
        rest = bytes(self._head[end + 1:])
        document = open_envelope(bytes(self._head[len(FRAMED):end]))
        self._head, self._opened = bytearray(), True
        self._on_document(document, True)
        if rest:
            self._on_bytes(rest)

    def close(self) -> None:
        """The end of the plaintext: a format 1 envelope is opened now."""
        if self._opened:
            return
        if self._head.startswith(FRAMED):
            raise PacketRefused("malformed", "The packet is not in CE Recorder's format "
                                "(damaged, or made by another program).")
        self._on_document(open_envelope(bytes(self._head)), False)


#: age's header is plain text and small (about 100 bytes a recipient); read no further
_MAX_HEADER = 64 * 1024


def recipient_count(data: bytes) -> int:
    """How many recipients an age file was sealed for: its header has one stanza
    ('-> TYPE ARGS') per recipient before the '---' line, whose key it cannot say, and
    'grease' stanzas of a random type ending in '-grease' that belong to nobody."""
    count = 0
    for line in data[len(AGE_HEADER):_MAX_HEADER].split(b"\n"):
        if line.startswith(b"---"):
            return count
        if line.startswith(b"-> "):
            kind = line[3:].split(b" ", 1)[0]
            count += not kind.endswith(b"-grease")
    raise PacketRefused("damaged", "The packet's header is damaged or too long; it could "
                        "not be read.")


# -- cards -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardRecipient:
    name: str
    recipient: str


@dataclass(frozen=True)
class RecipientCard:
    """What a DSL hands to staff laptops: whom to seal for, and whose receipts to trust.
    Signed by the DSL's vault key over everything it says, so that whoever can edit the
    file cannot add a key to it; a staff laptop pins that key (services.cards).

    A card signed by a vault key that replaced an earlier one (a user was removed) also
    carries the successions from the older keys to its own, oldest first: a laptop that
    pinned an older key follows them. A card without any is written exactly as before
    successions existed."""

    school: str
    recipients: tuple[CardRecipient, ...]
    verify_key: str
    issued_at: str  # UTC text, as the DSL's vault signed it
    signature: str
    successions: tuple[Succession, ...] = ()

    @property
    def fingerprint(self) -> str:
        """Of whom it seals for (and whose key signs): the DSL's vault knows the cards it
        issued by this, and every packet names it."""
        return fingerprint(canonical({
            "recipients": sorted(r.recipient for r in self.recipients),
            "verify_key": self.verify_key,
        }))

    @property
    def signer_fingerprint(self) -> str:
        """Of the DSL vault's verify key: what the DSL reads out and a staff laptop pins.
        It stays the same when DSLs join or leave."""
        return verify_key_fingerprint(self.verify_key)

    @classmethod
    def issue(cls, school: str, recipients: Sequence[CardRecipient], key: SigningKey,
              issued_at: str, successions: Sequence[Succession] = ()) -> RecipientCard:
        unsigned = cls(school, tuple(recipients), key.verify_key, issued_at, "",
                       tuple(successions))
        return replace(unsigned, signature=key.sign(canonical(unsigned._signed())))

    def _signed(self) -> dict[str, Any]:
        return {
            "format": CARD_FORMAT, "version": CARD_VERSION, "school": self.school,
            "recipients": [{"name": r.name, "recipient": r.recipient}
                           for r in self.recipients],
            "verify_key": self.verify_key, "issued_at": self.issued_at,
            "fingerprint": self.fingerprint, "signer_fingerprint": self.signer_fingerprint,
            **({"successions": chain_json(self.successions)} if self.successions else {}),
        }

    @property
    def signature_holds(self) -> bool:
        """Whether the vault key the card names signed exactly what the card says."""
        return signature_holds(self.verify_key, canonical(self._signed()), self.signature)

    def to_bytes(self) -> bytes:
        return json.dumps({**self._signed(), "signature": self.signature}, indent=2,
                          ensure_ascii=False).encode("utf-8") + b"\n"

    @classmethod
    def from_bytes(cls, data: bytes) -> RecipientCard:
        try:
            raw = _card_json(data, CARD_FORMAT, (1, CARD_VERSION))
            if is_version(raw.get("version"), 1):
                raise PacketRefused("old_card", "This recipient card is from an earlier "
                                    "version of CE Recorder and is not signed: ask the DSL "
                                    "to export a new one (Settings, Handover).")
            card = cls(
                school=str(raw["school"]),
                recipients=tuple(CardRecipient(str(r["name"]), check_recipient(r["recipient"]))
                                 for r in raw["recipients"]),
                verify_key=check_verify_key(raw["verify_key"]),
                issued_at=str(raw["issued_at"]),
                signature=str(raw["signature"]),
            )
            if not card.recipients:
                raise ValueError("a card names at least one recipient")
            if "successions" in raw:
                card = replace(card, successions=chain_from_json(raw["successions"],
                                                                 card.verify_key))
        except (KeyError, TypeError, ValueError) as exc:
            raise PacketRefused("bad_card", "This is not a CE Recorder recipient card, or "
                                "it is damaged.") from exc
        signed = canonical({k: v for k, v in raw.items() if k != "signature"})
        if not signature_holds(card.verify_key, signed, card.signature):
            raise PacketRefused("bad_card", "The recipient card was altered after the DSL "
                                "exported it (its signature does not match what it says): "
                                "ask the DSL for a new one.")
        if signed != canonical(card._signed()):  # signed, but not as CE Recorder writes it
            raise PacketRefused("bad_card", "This is not a CE Recorder recipient card, or "
                                "it is damaged.")
        return card


@dataclass(frozen=True)
class StaffCardUser:
    name: str
    display_name: str


@dataclass(frozen=True)
class StaffCard:
    """What a staff laptop hands to the DSL to be enrolled: its verify key and the staff
    who may sign with it."""

    verify_key: str
    users: tuple[StaffCardUser, ...]

    @property
    def fingerprint(self) -> str:
        return verify_key_fingerprint(self.verify_key)

    def to_bytes(self) -> bytes:
        return json.dumps({
            "format": STAFF_CARD_FORMAT, "version": 1, "verify_key": self.verify_key,
            "users": [{"name": u.name, "display_name": u.display_name} for u in self.users],
            "fingerprint": self.fingerprint,
        }, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"

    @classmethod
    def from_bytes(cls, data: bytes) -> StaffCard:
        try:
            raw = _card_json(data, STAFF_CARD_FORMAT)
            card = cls(
                verify_key=check_verify_key(raw["verify_key"]),
                users=tuple(StaffCardUser(str(u["name"]), str(u["display_name"]))
                            for u in raw["users"]),
            )
            if not card.users or not all(u.name.strip() for u in card.users):
                raise ValueError("an enrolment file names its staff")
        except (KeyError, TypeError, ValueError) as exc:
            raise PacketRefused("bad_card", "This is not a CE Recorder enrolment file, or "
                                "it is damaged.") from exc
        return card


def _card_json(data: bytes, kind: str, versions: tuple[int, ...] = (1,)) -> dict[str, Any]:
    if len(data) > MAX_CARD_BYTES:
        raise ValueError("too large for a card")
    raw = _json(data)
    if not isinstance(raw, dict) or raw.get("format") != kind or not any(
            is_version(raw.get("version"), v) for v in versions):
        raise ValueError("not this kind of card")
    return raw

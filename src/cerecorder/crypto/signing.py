"""Signatures and the codes read aloud to check a key: canonical JSON, Ed25519 signing
keys and their fingerprints, and the succession statement by which a vault hands its
signing key on to a new one (services/key_succession.py makes them; a staff laptop
follows them, services/cards.py).

A succession says: this vault's signing key OLD was replaced by NEW at a time. The old
key signs it (only a holder of the old key can say who comes next) and so does the new
one (whoever states a successor holds it). It proves nothing about who held the old key:
a removed user who read it can sign a succession to a key of their own, which is why a
laptop that sees two successors of one key trusts neither.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

SUCCESSION_FORMAT = "cerecorder-key-succession"


def canonical(document: object) -> bytes:
    """The one byte form of a document that is signed, hashed and compared."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False).encode("utf-8")


def content_hash(document: object) -> str:
    return hashlib.sha256(canonical(document)).hexdigest()


def fingerprint(data: bytes) -> str:
    """A short code to read aloud and compare: 16 base32 characters (80 bits of SHA-256)
    in groups of four, e.g. 'K7QD-2MXA-R4TB-6PZE'."""
    code = base64.b32encode(hashlib.sha256(data).digest()[:10]).decode("ascii")
    return "-".join(code[i : i + 4] for i in range(0, 16, 4))


#: base32 has no 0, 1 or 8: whoever typed one heard O, I or B
_MISHEARD = str.maketrans("018", "OIB")


def normalise_fingerprint(text: str) -> str:
    """What someone typed after hearing a fingerprint: case, spaces and dashes ignored,
    and the digits that base32 never uses read as the letters they sound like."""
    code = "".join(ch for ch in text.upper().translate(_MISHEARD) if ch.isalnum())
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


# -- keys ----------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, length: int | None = None) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError("not base64 text") from exc
    if length is not None and len(raw) != length:
        raise ValueError("wrong key length")
    return raw


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 key pair, as the vault stores it (base64 of the raw 32 bytes)."""

    secret: str
    verify_key: str

    @classmethod
    def generate(cls) -> SigningKey:
        key = Ed25519PrivateKey.generate()
        return cls(_b64(key.private_bytes_raw()), _b64(key.public_key().public_bytes_raw()))

    def sign(self, data: bytes) -> str:
        return _b64(Ed25519PrivateKey.from_private_bytes(_unb64(self.secret, 32)).sign(data))


def verify_key_fingerprint(verify_key: str) -> str:
    return fingerprint(b"cerecorder-verify-key|" + verify_key.encode("ascii"))


def check_verify_key(verify_key: object) -> str:
    _unb64(verify_key, 32)
    return str(verify_key)


def signature_holds(verify_key: str, data: bytes, signature: object) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(_unb64(verify_key, 32)).verify(
            _unb64(signature, 64), data)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Succession:
    """OLD handed on to NEW at `at` (UTC text), for the vault `vault_id`."""

    vault_id: str
    old_key: str
    new_key: str
    at: str
    old_signature: str
    new_signature: str

    def payload(self) -> bytes:
        """What both keys sign."""
        return canonical({"format": SUCCESSION_FORMAT, "version": 1,
                          "vault_id": self.vault_id, "old_verify_key": self.old_key,
                          "new_verify_key": self.new_key, "at": self.at})

    @classmethod
    def issue(cls, vault_id: str, old: SigningKey, new: SigningKey, at: str) -> Succession:
        unsigned = cls(vault_id, old.verify_key, new.verify_key, at, "", "")
        payload = unsigned.payload()
        return cls(vault_id, old.verify_key, new.verify_key, at, old.sign(payload),
                   new.sign(payload))

    @property
    def holds(self) -> bool:
        """Both keys signed exactly this, and it names two different keys."""
        payload = self.payload()
        return (self.old_key != self.new_key
                and signature_holds(self.old_key, payload, self.old_signature)
                and signature_holds(self.new_key, payload, self.new_signature))

    def to_json(self) -> dict[str, str]:
        return {"vault_id": self.vault_id, "old_verify_key": self.old_key,
                "new_verify_key": self.new_key, "at": self.at,
                "old_signature": self.old_signature, "new_signature": self.new_signature}

    @classmethod
    def from_json(cls, raw: object) -> Succession:
        """ValueError for anything that is not a succession both its keys signed."""
        if not isinstance(raw, dict):
            raise ValueError("not a succession")
        try:
            found = cls(str(raw["vault_id"]), check_verify_key(raw["old_verify_key"]),
                        check_verify_key(raw["new_verify_key"]), str(raw["at"]),
                        str(raw["old_signature"]), str(raw["new_signature"]))
        except KeyError as exc:
            raise ValueError("not a succession") from exc
        if not found.holds:
            raise ValueError("a succession's signatures do not hold")
        return found


def check_chain(successions: Sequence[Succession], last_key: str) -> None:
    """ValueError unless each succession hands on to the next, all for one vault, no key
    comes twice, and the last hands on to `last_key` (a card's or an anchor's signer)."""
    if not successions:
        return
    keys = [successions[0].old_key, *(s.new_key for s in successions)]
    if len(set(keys)) != len(keys) or keys[-1] != last_key:
        raise ValueError("the successions do not lead to the signer")
    for before, after in itertools.pairwise(successions):
        if before.new_key != after.old_key or before.vault_id != after.vault_id:
            raise ValueError("the successions are not one chain")


def chain_json(successions: Sequence[Succession]) -> list[dict[str, str]]:
    return [s.to_json() for s in successions]


def chain_from_json(raw: object, last_key: str) -> tuple[Succession, ...]:
    """ValueError for a list that is not a chain leading to `last_key`."""
    if not isinstance(raw, list):
        raise ValueError("not a list of successions")
    chain = tuple(Succession.from_json(item) for item in raw)
    check_chain(chain, last_key)
    return chain


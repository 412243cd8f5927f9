"""Key slots: the vault's random database key, wrapped once per user and once for recovery.

Argon2id(secret, salt) gives a key-encryption key; AES-256-GCM encrypts the database key
with the vault id, slot kind and user id as associated data, so a slot copied from
another vault or relabelled for another user fails to open. Parameters live in each slot
so they can be raised later without breaking older slots.

Key rotation without everyone's passphrase: each slot also seals an age (X25519)
identity beside the database key, and publishes its recipient. Removing a user rotates
the database key and age-encrypts the new key to every remaining slot's recipient as a
*pending* key; each slot folds it in (rewraps under its own passphrase) at its next
unlock. The removed user's old slot never receives the new key.

A slot belongs to one database: its sealed plaintext also carries the vault's secret id,
which lives inside the encrypted database (meta), so a slot put in front of another
vault's database is refused. Slots written before the secret existed carry none and keep
opening until they are next written. A slot that replaces another (a passphrase changed or
reset) also seals the recipient of the slot it replaces, so the vault can tell a newer
slot whose record a crash lost from an older one put back (vault.py).
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

import pyrage
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from pyrage import x25519

from cerecorder.domain.errors import NotAVault, WrongPassphrase

DB_KEY_BYTES = 32
#: 4 GiB: far above any sensible cost, low enough that an edited key file cannot make an
#: unlock exhaust a school laptop's memory
MAX_MEMORY_KIB = 4 * 1024 * 1024
FILE_FORMAT = 1
SLOT_USER = "user"
SLOT_RECOVERY = "recovery"
#: separates the age identity from the vault secret id in a slot's sealed plaintext
_SECRET_MARK = b"\n"


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. The default is DESIGN.md's: 64 MiB, 3 passes, 4 lanes."""

    memory_kib: int = 64 * 1024
    iterations: int = 3
    lanes: int = 4

    def as_dict(self) -> dict[str, int]:
        return {"memory_kib": self.memory_kib, "iterations": self.iterations, "lanes": self.lanes}


@dataclass(frozen=True)
class KeySlot:
    kind: str
    user_id: int | None
    user_name: str | None
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    wrapped: bytes
    recipient: str
    pending: bytes | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "user_id": self.user_id,
            "user_name": self.user_name,
            "kdf": {"name": "argon2id", **self.kdf.as_dict()},
            "salt": _b64(self.salt),
            "nonce": _b64(self.nonce),
            "wrapped": _b64(self.wrapped),
            "recipient": self.recipient,
            "pending": None if self.pending is None else _b64(self.pending),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeySlot:
        kdf = data["kdf"]
        if kdf.get("name") != "argon2id":
            raise ValueError("unsupported key derivation")
        params = KdfParams(int(kdf["memory_kib"]), int(kdf["iterations"]), int(kdf["lanes"]))
        if not (8 <= params.memory_kib <= MAX_MEMORY_KIB and 1 <= params.iterations <= 64
                and 1 <= params.lanes <= 64):
            raise ValueError("key derivation cost out of bounds")  # an edited file
        return cls(
            kind=str(data["kind"]),
            user_id=None if data["user_id"] is None else int(data["user_id"]),
            user_name=data["user_name"],
            kdf=params,
            salt=_unb64(data["salt"]),
            nonce=_unb64(data["nonce"]),
            wrapped=_unb64(data["wrapped"]),
            recipient=str(data["recipient"]),
            pending=None if data.get("pending") is None else _unb64(data["pending"]),
        )


@dataclass(frozen=True)
class KeySlots:
    """The content of keyslots.json."""

    vault_id: str
    slots: tuple[KeySlot, ...]

    def user_slot(self, user_name: str) -> KeySlot | None:
        wanted = normalise_user_name(user_name)
        for slot in self.slots:
            if slot.kind == SLOT_USER and normalise_user_name(slot.user_name or "") == wanted:
                return slot
        return None

    def recovery_slot(self) -> KeySlot:
        for slot in self.slots:
            if slot.kind == SLOT_RECOVERY:
                return slot
        raise NotAVault("The vault has no recovery key slot.")

    @property
    def user_names(self) -> list[str]:
        return [s.user_name for s in self.slots if s.kind == SLOT_USER and s.user_name]

    def only(self, user_ids: set[int]) -> KeySlots:
        """The recovery slot and the slots of these users; any other slot is dropped."""
        return replace(self, slots=tuple(
            s for s in self.slots if s.kind == SLOT_RECOVERY or s.user_id in user_ids))

    def slot_key(self, slot: KeySlot) -> str:
        """How the vault records a slot's recipient: 'recovery' or the user id."""
        return SLOT_RECOVERY if slot.kind == SLOT_RECOVERY else str(slot.user_id)

    def with_slot(self, slot: KeySlot) -> KeySlots:
        kept = tuple(
            s for s in self.slots if not (s.kind == slot.kind and s.user_id == slot.user_id)
        )
        return replace(self, slots=(*kept, slot))

    def with_pending_key(self, new_key: bytes, current_key: bytes) -> KeySlots:
        """Offer a rotated database key to every slot, readable only by each slot's owner.

        The current key travels with it, so a slot that has not yet folded in an earlier
        rotation still opens if this rotation is interrupted before the rekey.
        """
        plaintext = new_key + current_key
        return replace(
            self,
            slots=tuple(
                replace(s, pending=_seal_to(plaintext, s.recipient)) for s in self.slots
            ),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FILE_FORMAT,
            "application": "CE Recorder",
            "vault_id": self.vault_id,
            "slots": [s.to_json() for s in self.slots],
        }

    @classmethod
    def from_json(cls, data: object) -> KeySlots:
        """Parse keyslots.json; anything malformed is 'not a vault', never a crash."""
        try:
            assert isinstance(data, dict)
            if data.get("format") != FILE_FORMAT:
                raise NotAVault("The key file was written by an unknown version of CE Recorder.")
            return cls(
                vault_id=str(data["vault_id"]),
                slots=tuple(KeySlot.from_json(s) for s in data["slots"]),
            )
        except NotAVault:
            raise
        except (AssertionError, KeyError, TypeError, ValueError) as exc:
            raise NotAVault("The vault's key file (keyslots.json) is damaged.") from exc


def _seal_to(plaintext: bytes, recipient: str) -> bytes:
    return bytes(pyrage.encrypt(plaintext, [x25519.Recipient.from_str(recipient)]))


def new_database_key() -> bytes:
    return secrets.token_bytes(DB_KEY_BYTES)


def _aad(vault_id: str, kind: str, user_id: int | None) -> bytes:
    return f"cerecorder-keyslot-v1|{vault_id}|{kind}|{user_id}".encode()


def _kek(secret: str, salt: bytes, params: KdfParams) -> bytes:
    data = unicodedata.normalize("NFC", secret).encode("utf-8")
    return Argon2id(
        salt=salt,
        length=32,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    ).derive(data)


def wrap(
    db_key: bytes,
    secret: str,
    *,
    vault_id: str,
    kind: str,
    user_id: int | None,
    user_name: str | None,
    params: KdfParams,
    identity: str | None = None,
    vault_secret: str | None = None,
    supersedes: str | None = None,
) -> KeySlot:
    """Seal db_key, the slot's age identity (new unless given), the vault's secret id
    (the database's own, see vault.py) and the recipient of the slot this one replaces
    (only with a secret id) under the secret."""
    age_identity = x25519.Identity.from_str(identity) if identity else x25519.Identity.generate()
    salt = os.urandom(16)
    nonce = os.urandom(12)
    kek = _kek(secret, salt, params)
    plaintext = db_key + str(age_identity).encode("ascii")
    if vault_secret is not None:
        plaintext += _SECRET_MARK + vault_secret.encode("ascii")
        if supersedes is not None:
            plaintext += _SECRET_MARK + supersedes.encode("ascii")
    wrapped = AESGCM(kek).encrypt(nonce, plaintext, _aad(vault_id, kind, user_id))
    recipient = str(age_identity.to_public())
    return KeySlot(kind, user_id, user_name, params, salt, nonce, wrapped, recipient)


@dataclass(frozen=True)
class OpenedSlot:
    """What a right secret yields: the keys to try, newest first (a pending key is only a
    claim: vault.py adopts it only if the database vouches for it), the slot identity and
    the vault secret id the slot was sealed with (None for a slot from before it)."""

    candidate_keys: tuple[bytes, ...]
    identity: str
    vault_secret: str | None = None
    #: the recipient of the slot this one replaced, if it replaced one
    supersedes: str | None = None


def unwrap(slot: KeySlot, secret: str, vault_id: str) -> OpenedSlot:
    kek = _kek(secret, slot.salt, slot.kdf)
    try:
        plain = AESGCM(kek).decrypt(
            slot.nonce, slot.wrapped, _aad(vault_id, slot.kind, slot.user_id)
        )
    except InvalidTag:
        raise WrongPassphrase() from None
    db_key, rest = plain[:DB_KEY_BYTES], plain[DB_KEY_BYTES:]
    identity_bytes, mark, secret_bytes = rest.partition(_SECRET_MARK)
    identity = identity_bytes.decode("ascii")
    if len(db_key) != DB_KEY_BYTES or not identity.startswith("AGE-SECRET-KEY-"):
        raise NotAVault("The vault's key file (keyslots.json) is damaged.")
    secret_part, more, supersedes = secret_bytes.partition(_SECRET_MARK)
    vault_secret = secret_part.decode("ascii") if mark else None
    candidates: list[bytes] = []
    if slot.pending is not None:
        # A pending key this slot cannot read (damaged, or sealed to someone else's
        # recipient) is ignored: the slot's own key is still tried below.
        with contextlib.suppress(pyrage.DecryptError, ValueError):
            pending = pyrage.decrypt(slot.pending, [x25519.Identity.from_str(identity)])
            candidates += [pending[i : i + DB_KEY_BYTES]
                           for i in range(0, len(pending), DB_KEY_BYTES)]
    candidates.append(db_key)
    return OpenedSlot(tuple(candidates), identity, vault_secret,
                      supersedes.decode("ascii") if more else None)


def normalise_user_name(name: str) -> str:
    """How user names compare everywhere: Unicode-normalised, trimmed, case-folded."""
    return unicodedata.normalize("NFC", name).strip().casefold()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)

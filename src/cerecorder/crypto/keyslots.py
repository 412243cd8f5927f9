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
#: Bounds on a slot's Argon2id cost, checked when keyslots.json is read, so an edited file
#: cannot make an unlock take minutes or gigabytes. 1 GiB of memory and 2 GiB of work
#: (memory x passes) is about 11 times DESIGN.md's cost (64 MiB x 3 = 192 MiB), room to
#: raise it; Argon2id fills about 0.4-1 GiB a second on a laptop core (2.4 s for 1 GiB and
#: one pass measured on the build machine), so an unlock stays within about 5 seconds.
MAX_MEMORY_KIB = 1024 * 1024
MAX_WORK_KIB = 2 * MAX_MEMORY_KIB
MAX_ITERATIONS = 16
MAX_LANES = 16
SALT_BYTES = 16
NONCE_BYTES = 12
#: database key, an age identity (74 characters) and the GCM tag; never more than this
MAX_WRAPPED_BYTES = 256
#: two database keys sealed with age to one recipient take about 270 bytes
MAX_PENDING_BYTES = 4096
MAX_SLOTS = 10_000
DAMAGED = "The key file is damaged (keyslots.json): restore the vault from a backup."
FILE_FORMAT = 1
#: a key file that names its database's page size: a version that knows only format 1
#: says "unknown version" instead of opening the database with the wrong page size
FILE_FORMAT_PAGED = 2
#: SQLCipher 4's default page size, which every vault had before format 2, and the one a
#: new vault gets: the 80 bytes each page reserves (IV and HMAC) are 0.5% of 16 KiB where
#: they were 2% of 4 KiB (bench/attachments_bench.py). Read before the database opens, so
#: it lives here, in plain sight: a changed value only makes the vault fail to open.
OLD_PAGE_SIZE = 4096
NEW_PAGE_SIZE = 16384
PAGE_SIZES = (4096, 8192, 16384, 32768, 65536)
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
    def from_json(cls, data: object) -> KeySlot:
        """One slot, every field checked for type and size; ValueError if anything is off
        (KeySlots.from_json turns it into NotAVault)."""
        if not isinstance(data, dict):
            raise ValueError("a slot is not an object")
        kind = data.get("kind")
        user_id, user_name = data.get("user_id"), data.get("user_name")
        if kind == SLOT_USER:
            if not (_is_int(user_id) and isinstance(user_name, str) and user_name.strip()):
                raise ValueError("a user slot without a user")
        elif kind == SLOT_RECOVERY:
            if user_id is not None or user_name is not None:
                raise ValueError("a recovery slot names a user")
        else:
            raise ValueError("unknown slot kind")
        recipient = data.get("recipient")
        if not isinstance(recipient, str):
            raise ValueError("no recipient")
        try:
            x25519.Recipient.from_str(recipient)
        except Exception as exc:  # pyrage raises its own RecipientError
            raise ValueError("not an age recipient") from exc
        pending = data.get("pending")
        return cls(
            kind=kind,
            user_id=user_id,
            user_name=user_name,
            kdf=_kdf_from_json(data.get("kdf")),
            salt=_field(data, "salt", SALT_BYTES, SALT_BYTES),
            nonce=_field(data, "nonce", NONCE_BYTES, NONCE_BYTES),
            wrapped=_field(data, "wrapped", DB_KEY_BYTES + 16 + 1, MAX_WRAPPED_BYTES),
            recipient=recipient,
            pending=None if pending is None else _field(data, "pending", 1, MAX_PENDING_BYTES),
        )


def _is_int(value: object) -> bool:
    """An integer in the JSON sense: `true` is not 1, `"3"` is not 3."""
    return isinstance(value, int) and not isinstance(value, bool)


def _kdf_from_json(kdf: object) -> KdfParams:
    if not isinstance(kdf, dict) or kdf.get("name") != "argon2id":
        raise ValueError("unsupported key derivation")
    values = [kdf.get(k) for k in ("memory_kib", "iterations", "lanes")]
    numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    if len(numbers) != len(values):
        raise ValueError("key derivation cost is not a number")
    return _within_bounds(KdfParams(*numbers))


def _within_bounds(params: KdfParams) -> KdfParams:
    """ValueError for a cost above the bounds: on reading, an edited file; on writing, a
    slot no unlock would accept."""
    if not (1 <= params.lanes <= MAX_LANES and 1 <= params.iterations <= MAX_ITERATIONS
            and 8 * params.lanes <= params.memory_kib <= MAX_MEMORY_KIB
            and params.memory_kib * params.iterations <= MAX_WORK_KIB):
        raise ValueError("key derivation cost out of bounds")
    return params


def _field(data: dict[str, Any], name: str, shortest: int, longest: int) -> bytes:
    text = data.get(name)
    if not isinstance(text, str) or len(text) > 2 * longest:
        raise ValueError(f"{name} is not base64")
    value = _unb64(text)
    if not shortest <= len(value) <= longest:
        raise ValueError(f"{name} has the wrong length")
    return value


@dataclass(frozen=True)
class KeySlots:
    """The content of keyslots.json."""

    vault_id: str
    slots: tuple[KeySlot, ...]
    #: vault.db's cipher_page_size, set on every connection before its first read
    page_size: int = OLD_PAGE_SIZE

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
        data: dict[str, Any] = {
            "format": FILE_FORMAT,
            "application": "CE Recorder",
            "vault_id": self.vault_id,
            "slots": [s.to_json() for s in self.slots],
        }
        if self.page_size != OLD_PAGE_SIZE:
            data.update(format=FILE_FORMAT_PAGED, page_size=self.page_size)
        return data

    @classmethod
    def from_json(cls, data: object) -> KeySlots:
        """Parse keyslots.json; anything malformed is 'not a vault', never a crash."""
        if not isinstance(data, dict) or not _is_int(data.get("format")):
            raise NotAVault(DAMAGED)
        if data["format"] not in (FILE_FORMAT, FILE_FORMAT_PAGED):
            raise NotAVault("The key file was written by an unknown version of CE Recorder.")
        vault_id, slots = data.get("vault_id"), data.get("slots")
        page_size = data.get("page_size") if data["format"] == FILE_FORMAT_PAGED \
            else OLD_PAGE_SIZE
        if not (isinstance(vault_id, str) and vault_id and isinstance(slots, list)
                and len(slots) <= MAX_SLOTS and page_size in PAGE_SIZES
                and _is_int(page_size)):
            raise NotAVault(DAMAGED)
        try:
            parsed = cls(vault_id=vault_id, slots=tuple(KeySlot.from_json(s) for s in slots),
                         page_size=int(page_size))
        except ValueError as exc:
            raise NotAVault(DAMAGED) from exc
        if sum(s.kind == SLOT_RECOVERY for s in parsed.slots) > 1:
            raise NotAVault(DAMAGED)
        return parsed


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
    _within_bounds(params)
    age_identity = x25519.Identity.from_str(identity) if identity else x25519.Identity.generate()
    salt = os.urandom(SALT_BYTES)
    nonce = os.urandom(NONCE_BYTES)
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

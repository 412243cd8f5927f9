"""The recovery key: 160 random bits a school prints and keeps in the safe.

Shown as nine groups of four Crockford base-32 characters; the ninth group is a check
over the other eight, so a mistyped key is told apart from a wrong one.
"""

from __future__ import annotations

import hashlib
import secrets

from cerecorder.domain.errors import WrongPassphrase

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
_GROUPS = 8
_GROUP_LEN = 4


def _encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    chars = []
    for _ in range(len(data) * 8 // 5):
        chars.append(_ALPHABET[number & 31])
        number >>= 5
    return "".join(reversed(chars))


def _check(body: str) -> str:
    return _encode(hashlib.sha256(body.encode("ascii")).digest()[:5])[:_GROUP_LEN]


def new_recovery_key() -> str:
    body = _encode(secrets.token_bytes(_GROUPS * _GROUP_LEN * 5 // 8))
    full = body + _check(body)
    return "-".join(full[i : i + _GROUP_LEN] for i in range(0, len(full), _GROUP_LEN))


def normalise_recovery_key(text: str) -> str:
    """Canonical form of a typed key: case, spaces, dashes and look-alikes forgiven."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_CONFUSABLE)
    if len(cleaned) != (_GROUPS + 1) * _GROUP_LEN or any(c not in _ALPHABET for c in cleaned):
        raise WrongPassphrase(
            f"A recovery key has {_GROUPS + 1} groups of {_GROUP_LEN} letters and digits."
        )
    body, check = cleaned[:-_GROUP_LEN], cleaned[-_GROUP_LEN:]
    if _check(body) != check:
        raise WrongPassphrase("The recovery key has a typing mistake: check each group.")
    return "-".join(cleaned[i : i + _GROUP_LEN] for i in range(0, len(cleaned), _GROUP_LEN))

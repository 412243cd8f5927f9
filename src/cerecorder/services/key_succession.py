"""Removing a user replaces the vault's signing key as well as its database key.

Every user of a vault could read its Ed25519 signing key (it is in the database, and they
knew the database key), so a removed user could go on signing recipient cards, receipts
and anchors as the vault. Their removal therefore retires that key: a new one is made,
and a succession statement (crypto/signing.py), signed by the old key and the new, says
which key follows which and when. The vault keeps every retired key with its retirement
time (migration 19), so what a retired key signed before then still verifies and what it
signed after is forged.

The new key is written in the transaction that marks the user removed, which runs only
once the database is under its new key (storage/vault.py), so the removed user never
had a key that opens the file holding it. A crash between the rekey and that transaction
is finished at the next unlock.

What this cannot do: a staff laptop that has not yet seen a card signed by the new key
still trusts the old one, so until then the removed user can still sign a card it
accepts. Each laptop moves on to the new key the first time it sees the new card
(services/cards.py); IT re-pinning the card closes the gap on a laptop at once.
"""

from __future__ import annotations

import json
from datetime import datetime

from cerecorder.crypto.packets import SigningKey, Succession, verify_key_fingerprint
from cerecorder.domain.model import User
from cerecorder.domain.timefmt import to_utc_text
from cerecorder.services import anchors, audit
from cerecorder.services.clock import Clock
from cerecorder.storage.key_history import KeyHistoryRepository
from cerecorder.storage.repositories import PacketRepository
from cerecorder.storage.uow import UnitOfWork
from cerecorder.storage.vault import REMOVAL, OpenVault

#: how many successions a card or an anchor carries (the newest): a laptop pinned to a key
#: older than that many removals is re-pinned by IT
CARRIED = 40


def rotate(uow: UnitOfWork, clock: Clock, actor: User | None,
           vault_id: str) -> tuple[str, str]:
    """Retire the signing key for a new one, in the caller's transaction; audited with
    both fingerprints. Returns them (old, new). A vault that has no key yet gets its
    first, which nobody could have read: (\"\", new)."""
    repo = PacketRepository(uow.conn)
    stored = repo.signing_key()
    if stored is None:
        made = anchors.signing_key(uow, clock, actor, vault_id)
        return "", verify_key_fingerprint(made.verify_key)
    old, new = SigningKey(*stored), SigningKey.generate()
    now = clock.now()
    succession = Succession.issue(vault_id, old, new, to_utc_text(now))
    KeyHistoryRepository(uow.conn).replace_signing_key(new.secret, new.verify_key,
                             json.dumps(succession.to_json(), sort_keys=True), now)
    fingerprints = verify_key_fingerprint(old.verify_key), verify_key_fingerprint(new.verify_key)
    audit.record(uow, clock, actor, "signing_key_rotated", "vault", vault_id,
                 previous=fingerprints[0], fingerprint=fingerprints[1])
    return fingerprints


def finish_removal(uow: UnitOfWork, clock: Clock, actor: User, vault: OpenVault,
                   user_id: int, *, at_unlock: bool = False) -> tuple[str, str]:
    """What follows the database key's rotation, in one transaction: the user marked
    removed, the signing key replaced, all audited. `at_unlock`: a crash had come between
    the rotation and this, and the next unlock does it. Returns the signing key's
    fingerprints (old, new)."""
    uow.users.mark_removed(user_id, clock.now())
    extra = {"finished_at_unlock": True} if at_unlock else {}
    audit.record(uow, clock, actor, "user_removed", "user", user_id, **extra)
    audit.record(uow, clock, actor, "database_key_rotated", "vault", vault.vault_id)
    fingerprints = rotate(uow, clock, actor, vault.vault_id)
    uow.meta.delete(REMOVAL)
    return fingerprints


def successions(uow: UnitOfWork) -> tuple[Succession, ...]:
    """The newest CARRIED successions, oldest first, leading to the current key."""
    rows = KeyHistoryRepository(uow.conn).retired_signing_keys()[-CARRIED:]
    return tuple(Succession.from_json(json.loads(text)) for _, _, text in rows)


def retired(uow: UnitOfWork) -> dict[str, datetime]:
    """Every retired verify key of this vault and when it was retired."""
    return {key: at for key, at, _ in KeyHistoryRepository(uow.conn).retired_signing_keys()}

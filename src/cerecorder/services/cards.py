"""A staff laptop's trust in the DSL's recipient card.

A card is signed by the DSL vault's Ed25519 key. The first time a laptop uses one, the
member of staff (Settings, Handover) or IT (`cerecorder-admin pin-card`) checks the
vault's fingerprint with the DSL and pins that key inside this laptop's encrypted
vault. From then on a card is used only if the pinned key signed it, and only if it is
not older than the newest card this laptop has used (an old card may still name a DSL
who has left). A card signed by another key is used only once someone pins that key,
with its fingerprint checked again. Otherwise nothing is sealed and the concerns wait.

Succession: removing a user from the DSL's vault replaces its signing key
(services/key_succession.py), and its cards then carry the successions from the older
keys to the new one. A laptop pinned to an older key accepts such a card if the
successions lead from its pinned key to the card's, each signed by the key before, and
re-pins to the new key (audited). From then on a card signed by a retired key is refused:
the removed user could read that key and may sign with it. Two different successors of
one key seen here (one of them forged with the old key) stop both until someone confirms
the fingerprint with the DSL and pins the card again.

The limit: until a laptop has seen a card signed by the new key, it still accepts cards
the old key signed, so the removed user can sign one it accepts. The succession narrows
that window to the time before the DSL's new card reaches the laptop; IT re-pinning the
new card (`cerecorder-admin pin-card`) closes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from cerecorder.crypto.packets import (
    PacketRefused,
    RecipientCard,
    Succession,
    normalise_fingerprint,
    verify_key_fingerprint,
)
from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import Role
from cerecorder.domain.timefmt import from_utc_text, uk_datetime
from cerecorder.services import audit
from cerecorder.services.access import require
from cerecorder.services.session import Session
from cerecorder.storage.uow import UnitOfWork

#: meta: {"verify_key", "issued_at", "fingerprint"} of the newest card used here; "steps":
#: [old key, new key, at] of each succession this laptop knows, oldest first; "conflict":
#: why no card is used until one is pinned again
PIN_KEY = "recipient_card_pin"


@dataclass(frozen=True)
class _Pin:
    verify_key: str
    issued_at: datetime
    fingerprint: str
    steps: tuple[tuple[str, str, str], ...] = ()
    conflict: str = ""

    def successor(self, key: str) -> tuple[str, str] | None:
        """(the key that replaced `key`, when) as far as this laptop knows."""
        return next(((new, at) for old, new, at in self.steps if old == key), None)


def _issued(card: RecipientCard) -> datetime:
    try:
        return from_utc_text(card.issued_at)
    except ValueError as exc:
        raise PacketRefused("bad_card", "This is not a CE Recorder recipient card, or it "
                            "is damaged.") from exc


def _pin(uow: UnitOfWork) -> _Pin | None:
    stored = uow.meta.get(PIN_KEY)
    if stored is None:
        return None
    raw = json.loads(stored)
    return _Pin(str(raw["verify_key"]), from_utc_text(str(raw["issued_at"])),
                str(raw["fingerprint"]),
                tuple((str(a), str(b), str(c)) for a, b, c in raw.get("steps", [])),
                str(raw.get("conflict", "")))


def _keep(uow: UnitOfWork, card: RecipientCard, steps: tuple[tuple[str, str, str], ...],
          conflict: str = "") -> None:
    uow.meta.set(PIN_KEY, json.dumps({"verify_key": card.verify_key,
                                      "issued_at": card.issued_at,
                                      "fingerprint": card.fingerprint,
                                      "steps": [list(step) for step in steps],
                                      **({"conflict": conflict} if conflict else {})},
                                     sort_keys=True))


def _steps(successions: tuple[Succession, ...]) -> tuple[tuple[str, str, str], ...]:
    return tuple((s.old_key, s.new_key, s.at) for s in successions)


def _conflict(pin: _Pin, card: RecipientCard) -> str:
    """The sentence if the card names another successor for a key than one seen here."""
    for step in card.successions:
        known = pin.successor(step.old_key)
        if known is not None and known[0] != step.new_key:
            return (f"Two recipient cards name different keys as the successor of the DSL "
                    f"vault's key {verify_key_fingerprint(step.old_key)} "
                    f"({verify_key_fingerprint(known[0])} and "
                    f"{verify_key_fingerprint(step.new_key)}): one of them is forged, so "
                    "nothing is sealed with either. Confirm the fingerprint with the DSL in "
                    "person or by phone, then confirm the card in Settings, Handover, or "
                    "ask IT.")
    return ""


def _leads_on(pin: _Pin, card: RecipientCard) -> tuple[Succession, ...]:
    """The successions from the pinned key to the card's; () when they do not."""
    olds = [s.old_key for s in card.successions]
    return card.successions[olds.index(pin.verify_key):] if pin.verify_key in olds else ()


def _problem(pin: _Pin | None, card: RecipientCard) -> str:
    """Why this card may not be used here, in one sentence; "" when it may."""
    if not card.signature_holds:
        return ("The recipient card was altered after the DSL exported it (its signature "
                "does not match what it says), so nothing is sealed with it: ask the DSL "
                "for a new one.")
    if pin is None:
        return (f"The recipient card's fingerprint {card.signer_fingerprint} has not been "
                "confirmed on this laptop yet, so nothing is sealed with it: check it with "
                "the DSL in Settings, Handover (or ask IT).")
    conflict = pin.conflict or _conflict(pin, card)
    if conflict:
        return conflict
    retired = pin.successor(card.verify_key)
    if retired is not None:
        return (f"The recipient card is signed by a key the DSL's vault has retired "
                f"(fingerprint {card.signer_fingerprint}, replaced on "
                f"{uk_datetime(from_utc_text(retired[1]))} when a user was removed), so "
                "nothing is sealed with it: it may be forged by someone who had access to "
                "the DSL's vault before. Ask the DSL for the current card.")
    if card.verify_key != pin.verify_key and not _leads_on(pin, card):
        return (f"The recipient card is signed by another vault (fingerprint "
                f"{card.signer_fingerprint}) than the DSL's vault confirmed on this laptop "
                f"({_signer(pin)}), so nothing is sealed with it: if the DSL's vault really "
                "changed, confirm the new fingerprint with the DSL in Settings, Handover, "
                "or ask IT.")
    if _issued(card) < pin.issued_at:
        return (f"The recipient card was issued on {uk_datetime(_issued(card))}, before "
                f"the one this laptop already uses ({uk_datetime(pin.issued_at)}), so "
                "nothing is sealed with it: ask the DSL for the current card.")
    return ""


def _signer(pin: _Pin) -> str:
    return verify_key_fingerprint(pin.verify_key)


def card_problem(session: Session, card: RecipientCard) -> str:
    """Whether this laptop would seal with this card, for showing: the sentence why not,
    or "" when it would. Changes nothing."""
    with session.uow() as uow:
        return _problem(_pin(uow), card)


def accept(session: Session, card: RecipientCard) -> str:
    """Whether this laptop may seal with this card: the sentence why not, or "". Remembers,
    audited, a newer card signed by the pinned key (a DSL joined or left), a card whose
    successions lead on from the pinned key (it re-pins to the card's key), and a
    conflicting succession (no card is used until one is pinned again)."""
    with session.uow() as uow:
        pin = _pin(uow)
        problem = _problem(pin, card)
        if pin is None or (problem and (pin.conflict or not _conflict(pin, card))):
            return problem
        if problem:  # a second successor of a key: kept, so neither is used from now on
            raw = json.loads(uow.meta.get(PIN_KEY) or "{}")
            uow.meta.set(PIN_KEY, json.dumps({**raw, "conflict": problem}, sort_keys=True))
            audit.record(uow, session.clock, session.user, "recipient_card_key_conflict",
                         "vault", session.vault.vault_id, card=card.fingerprint,
                         signer=card.signer_fingerprint, pinned=_signer(pin))
        elif card.verify_key != pin.verify_key:
            _keep(uow, card, pin.steps + _steps(_leads_on(pin, card)))
            audit.record(uow, session.clock, session.user, "recipient_card_key_succeeded",
                         "vault", session.vault.vault_id, signer=card.signer_fingerprint,
                         previous=_signer(pin), card=card.fingerprint)
        elif card.fingerprint != pin.fingerprint:
            _keep(uow, card, pin.steps)
            audit.record(uow, session.clock, session.user, "recipient_card_updated", "vault",
                         session.vault.vault_id, card=card.fingerprint,
                         previous=pin.fingerprint)
        uow.commit()
    return problem


def receipt_signed(uow: UnitOfWork, dsl_key: str, signer: object,
                   received_at: datetime) -> bool:
    """Whether a receipt for a packet sealed for a card of `dsl_key` is signed by the DSL's
    vault: by the key this laptop now follows for it (after any successions), or by
    `dsl_key` itself if the receipt is dated no later than the succession that retired
    it (a receipt the removed user signs with it later is forged)."""
    pin = _pin(uow)
    key, at, seen = dsl_key, None, {dsl_key}
    while pin is not None and (step := pin.successor(key)) is not None and step[0] not in seen:
        key = step[0]
        seen.add(key)
        at = step[1] if at is None else at
    return signer == key or (signer == dsl_key and (
        at is None or received_at <= from_utc_text(at)))


def pin_card(session: Session, card: RecipientCard, fingerprint: str) -> bool:
    """Trust the vault key that signed this card, once its fingerprint has been checked
    with the DSL (`fingerprint`, as read out). Replaces any key pinned before, and any
    conflict seen; for a member of staff on their own laptop or for IT. Returns whether
    anything changed."""
    require(session.user, Role.STAFF, Role.ADMIN)
    if not card.signature_holds:
        raise InvalidInput(_problem(None, card))
    if normalise_fingerprint(fingerprint) != card.signer_fingerprint:
        raise InvalidInput("The fingerprint does not match the recipient card: nothing was "
                           "confirmed. Check it again with the DSL, in person or by phone.")
    with session.uow() as uow:
        pin = _pin(uow)
        if pin is not None and (pin.verify_key, pin.fingerprint) == (
                card.verify_key, card.fingerprint) and pin.issued_at <= _issued(card) \
                and not pin.conflict:
            return False
        _keep(uow, card, _steps(card.successions))
        audit.record(uow, session.clock, session.user, "recipient_card_pinned", "vault",
                     session.vault.vault_id, signer=card.signer_fingerprint,
                     card=card.fingerprint,
                     previous="" if pin is None else _signer(pin))
        uow.commit()
    return True

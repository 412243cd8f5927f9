"""A staff laptop's trust in the DSL's recipient card.

A card is signed by the DSL vault's Ed25519 key. The first time a laptop uses one, the
member of staff (Settings, Handover) or IT (`cerecorder-admin pin-card`) checks the
vault's fingerprint with the DSL and pins that key inside this laptop's encrypted
vault. From then on a card is used only if the pinned key signed it, and only if it is
not older than the newest card this laptop has used (an old card may still name a DSL
who has left). A card signed by another key is used only once someone pins that key,
with its fingerprint checked again. Otherwise nothing is sealed and the concerns wait.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from cerecorder.crypto.packets import (
    PacketRefused,
    RecipientCard,
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

#: meta: {"verify_key", "issued_at", "fingerprint"} of the newest card used here
PIN_KEY = "recipient_card_pin"


@dataclass(frozen=True)
class _Pin:
    verify_key: str
    issued_at: datetime
    fingerprint: str


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
                str(raw["fingerprint"]))


def _keep(uow: UnitOfWork, card: RecipientCard) -> None:
    uow.meta.set(PIN_KEY, json.dumps({"verify_key": card.verify_key,
                                      "issued_at": card.issued_at,
                                      "fingerprint": card.fingerprint}, sort_keys=True))


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
    if card.verify_key != pin.verify_key:
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


def require_trusted(uow: UnitOfWork, session: Session, card: RecipientCard) -> None:
    """Refuse (PacketRefused) a card this laptop may not seal with; remember a newer card
    signed by the pinned key (a DSL joined or left), audited, in the caller's
    transaction."""
    pin = _pin(uow)
    problem = _problem(pin, card)
    if problem:
        raise PacketRefused("card_not_trusted", problem)
    if pin is not None and card.fingerprint != pin.fingerprint and \
            _issued(card) >= pin.issued_at:
        _keep(uow, card)
        audit.record(uow, session.clock, session.user, "recipient_card_updated", "vault",
                     session.vault.vault_id, card=card.fingerprint, previous=pin.fingerprint)


def pin_card(session: Session, card: RecipientCard, fingerprint: str) -> bool:
    """Trust the vault key that signed this card, once its fingerprint has been checked
    with the DSL (`fingerprint`, as read out). Replaces any key pinned before; for a
    member of staff on their own laptop or for IT. Returns whether anything changed."""
    require(session.user, Role.STAFF, Role.ADMIN)
    if not card.signature_holds:
        raise InvalidInput(_problem(None, card))
    if normalise_fingerprint(fingerprint) != card.signer_fingerprint:
        raise InvalidInput("The fingerprint does not match the recipient card: nothing was "
                           "confirmed. Check it again with the DSL, in person or by phone.")
    with session.uow() as uow:
        pin = _pin(uow)
        if pin is not None and (pin.verify_key, pin.fingerprint) == (
                card.verify_key, card.fingerprint) and pin.issued_at <= _issued(card):
            return False
        _keep(uow, card)
        audit.record(uow, session.clock, session.user, "recipient_card_pinned", "vault",
                     session.vault.vault_id, signer=card.signer_fingerprint,
                     card=card.fingerprint,
                     previous="" if pin is None else _signer(pin))
        uow.commit()
    return True

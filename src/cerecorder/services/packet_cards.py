"""The DSL's recipient card, which staff laptops seal concerns to, and the enrolment
file by which the DSL comes to trust a staff laptop; the vault's signing key and the
age identities packets are opened with (services/packets.py seals and imports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cerecorder.crypto import packets as crypto

# Re-exported: front ends handle cards without importing the crypto layer.
from cerecorder.crypto.packets import RecipientCard as RecipientCard
from cerecorder.crypto.packets import StaffCard as StaffCard
from cerecorder.crypto.packets import normalise_fingerprint as normalise_fingerprint
from cerecorder.domain.errors import (
    InvalidInput,
)
from cerecorder.domain.model import (
    Role,
)
from cerecorder.domain.rules import MAX_NAME, clean_text
from cerecorder.domain.timefmt import to_utc_text
from cerecorder.services import anchors, audit, key_succession
from cerecorder.services.access import require
from cerecorder.services.handover import SCHOOL_KEY
from cerecorder.services.session import Session
from cerecorder.storage.repositories import PacketRepository
from cerecorder.storage.uow import UnitOfWork


def signing_key(uow: UnitOfWork, session: Session) -> crypto.SigningKey:
    """This vault's Ed25519 key, made on first use (in the caller's transaction)."""
    return anchors.signing_key(uow, session.clock, session.user, session.vault.vault_id)



def age_identities(uow: UnitOfWork, session: Session) -> list[tuple[int, str, str]]:
    """Every DSL's packet identity, made for any active DSL who has none yet."""
    repo = PacketRepository(uow.conn)
    have = {user_id for user_id, _, _ in repo.identities()}
    for dsl in (u for u in uow.users.active() if u.role is Role.DSL):
        if dsl.id not in have:
            new = crypto.RecipientIdentity.generate()
            repo.add_identity(dsl.id, new.identity, new.recipient, session.clock.now())
    return repo.identities()


def recipient_card(session: Session) -> RecipientCard:
    """The card staff laptops seal for: every DSL's packet key (made on first use) and
    this vault's verify key for receipts, signed with that key, with the successions
    from the keys it replaced (services/key_succession.py). Audited, with how many it
    seals for (an import compares each packet's recipients with it)."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        active = {u.id: u for u in uow.users.active()}
        recipients = tuple(crypto.CardRecipient(active[user_id].display_name, recipient)
                           for user_id, _, recipient in age_identities(uow, session)
                           if user_id in active)
        card = RecipientCard.issue(uow.meta.get(SCHOOL_KEY) or "", recipients,
                                   signing_key(uow, session),
                                   to_utc_text(session.clock.now()),
                                   key_succession.successions(uow))
        audit.record(uow, session.clock, session.user, "recipient_card_exported", "vault",
                     session.vault.vault_id, fingerprint=card.fingerprint,
                     recipients=len(card.recipients))
        uow.commit()
    return card


def packet_identity(session: Session) -> str:
    """The signed-in DSL's own age identity, for opening a packet with the `age` tool
    when the app is unavailable. A secret: audited, and the caller writes it with care."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        mine = [i for user_id, i, _ in age_identities(uow, session) if user_id == session.user.id]
        audit.record(uow, session.clock, session.user, "packet_identity_exported", "user",
                     session.user.id)
        uow.commit()
    return mine[0]


def staff_card(session: Session) -> StaffCard:
    """The file a staff laptop gives the DSL to be enrolled: its verify key and its staff."""
    require(session.user, Role.STAFF)
    with session.uow() as uow:
        key = signing_key(uow, session)
        people = tuple(crypto.StaffCardUser(u.name, u.display_name)
                       for u in uow.users.active() if u.role is Role.STAFF)
        audit.record(uow, session.clock, session.user, "staff_card_exported", "vault",
                     session.vault.vault_id)
        uow.commit()
    return StaffCard(key.verify_key, people)


def my_fingerprint(session: Session) -> str:
    """This vault's signing fingerprint: on a staff laptop, to read aloud to the DSL at
    enrolment; on the DSL's, to read aloud to staff who confirm its recipient card."""
    require(session.user, Role.STAFF, Role.DSL)
    with session.uow() as uow:
        key = signing_key(uow, session)
        uow.commit()
    return crypto.verify_key_fingerprint(key.verify_key)


@dataclass(frozen=True)
class Enrolment:
    user_name: str
    display_name: str
    fingerprint: str
    enrolled_at: datetime
    verify_key: str


def enrol(session: Session, card: StaffCard, fingerprint: str) -> list[str]:
    """Trust a staff laptop's packets, once the fingerprint it shows has been read out and
    matches. Its staff get a user row here (no key slot: they cannot unlock this vault)
    so their concerns keep their author. Returns the names newly enrolled."""
    require(session.user, Role.DSL)
    if normalise_fingerprint(fingerprint) != card.fingerprint:
        raise InvalidInput("The fingerprint does not match the enrolment file: nothing was "
                           "enrolled. Check it again with the member of staff in person.")
    enrolled = []
    with session.uow() as uow:
        repo = PacketRepository(uow.conn)
        if repo.was_revoked(card.fingerprint):
            raise InvalidInput(f"The laptop with fingerprint {card.fingerprint} was revoked "
                               "here (lost, stolen or replaced): it cannot be enrolled again. "
                               "The member of staff needs a new vault on their laptop, which "
                               "has a new fingerprint.")
        for person in card.users:
            name = clean_text(person.name.strip(), "The user name", MAX_NAME)
            display = clean_text(person.display_name.strip() or name, "The name", MAX_NAME)
            user = uow.users.by_name(name)
            if user is None and uow.users.name_ever_used(name):
                raise InvalidInput(f"The user name '{name}' belonged to a former user of "
                                   "this vault; ask IT to give the member of staff another.")
            if user is not None and user.role is not Role.STAFF:
                raise InvalidInput(f"'{name}' is a {user.role.value} in this vault, not a "
                                   "member of staff; nothing was enrolled.")
            user_id = user.id if user else uow.users.add(name, display, Role.STAFF,
                                                         session.clock.now())
            if repo.enrol(card.verify_key, user_id, session.clock.now(), session.user.id):
                enrolled.append(name)
                audit.record(uow, session.clock, session.user, "staff_enrolled", "user",
                             user_id, fingerprint=card.fingerprint)
        uow.commit()
    return enrolled


def enrolments(session: Session) -> list[Enrolment]:
    require(session.user, Role.DSL)
    with session.uow() as uow:
        rows = PacketRepository(uow.conn).enrolments()
        people = {u.id: u for u in uow.users.active()}
    return [Enrolment(people[user_id].name, people[user_id].display_name,
                      crypto.verify_key_fingerprint(key), at, key)
            for key, user_id, at in rows if user_id in people]


def revoke(session: Session, verify_key: str) -> None:
    """Stop trusting a staff laptop (lost, stolen, replaced): its packets are refused from
    now on. What it sent before stays filed. Its staff can be enrolled again from a new
    laptop."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        for user_id in PacketRepository(uow.conn).revoke(verify_key):
            audit.record(uow, session.clock, session.user, "staff_enrolment_revoked", "user",
                         user_id, fingerprint=crypto.verify_key_fingerprint(verify_key))
        uow.commit()

"""The DSL's vault follows a staff laptop whose signing key was replaced.

Removing a user from a staff laptop's vault replaces its signing key (services/
key_succession.py): the leaver could read the old one, and the DSL's vault trusts it for
every member of staff enrolled from that laptop. The laptop's packets then carry the
successions from its older keys to the one that signed them. A packet whose successions
lead from a key enrolled here to its signer moves that enrolment to the new key, audited
("staff_laptop_key_succeeded"), in the transaction that files it; from then on a packet
the old key signed counts only if it is dated before the succession (it was in the
inbox already), and any other is refused as possibly forged by the removed user. A packet
naming another successor of a key already followed is refused: one of the two is forged,
and the DSL checks the laptop in person.

The limit is the one for cards: until the DSL's vault has filed a packet signed by the new
key, the old key is enrolled and the leaver can sign with it.
"""

from __future__ import annotations

from datetime import datetime

from cerecorder.crypto.packets import PacketRefused, chain_from_json, verify_key_fingerprint
from cerecorder.domain.timefmt import from_utc_text, uk_datetime
from cerecorder.services import audit
from cerecorder.services.session import Session
from cerecorder.storage.key_history import KeyHistoryRepository
from cerecorder.storage.repositories import PacketRepository
from cerecorder.storage.uow import UnitOfWork

SUCCEEDED = "staff_laptop_key_succeeded"


def signer_users(uow: UnitOfWork, session: Session, signer: str, successions: object,
                 created_at: datetime) -> set[int]:
    """The users a packet's signer may sign for: those enrolled for it; else, where the
    packet's successions lead from a key enrolled here, that key's (the enrolment moves
    to the signer, audited, in the caller's transaction); else, for a key such a move
    retired, its successor's, if the packet is dated before the succession. Raises
    PacketRefused for a second successor of a key, and for a packet a retired key signed
    after it was retired."""
    repo = PacketRepository(uow.conn)
    users = repo.enrolled_user_ids(signer)
    if users:
        return users
    followed = KeyHistoryRepository(uow.conn).laptop_successions()
    if signer in followed:
        return _retired(repo, followed, signer, created_at)
    try:
        chain = chain_from_json(successions, signer) if successions is not None else ()
    except ValueError:
        return set()  # not a chain: the signer is simply not enrolled
    for step in chain:
        known = followed.get(step.old_key)
        if known is not None and known[0] != step.new_key:
            raise PacketRefused("key_conflict", (
                f"The packet says the staff laptop key {verify_key_fingerprint(step.old_key)} "
                f"was replaced by {verify_key_fingerprint(step.new_key)}, but an earlier "
                f"packet said {verify_key_fingerprint(known[0])}: one of them is forged "
                "(perhaps by a user removed from that laptop), so it was not filed. Check "
                "the laptop's fingerprint with the member of staff in person, revoke the "
                "wrong one and enrol it again (Settings, Handover)."))
    start = next((step for step in chain if repo.enrolled_user_ids(step.old_key)), None)
    if start is None:
        return set()
    users = repo.enrolled_user_ids(start.old_key)
    for user_id in sorted(users):
        repo.enrol(signer, user_id, session.clock.now(), session.user.id)
        audit.record(uow, session.clock, session.user, SUCCEEDED, "user", user_id,
                     previous=verify_key_fingerprint(start.old_key),
                     fingerprint=verify_key_fingerprint(signer), old_key=start.old_key,
                     new_key=signer, at=start.at)
    repo.revoke(start.old_key)
    return users


def _retired(repo: PacketRepository, followed: dict[str, tuple[str, str]], signer: str,
             created_at: datetime) -> set[int]:
    """A packet a laptop's retired key signed: it may sign for the users of the key that
    followed it (and any after), if it is dated before the succession."""
    new_key, at = followed[signer]
    retired_at = from_utc_text(at)
    if created_at > retired_at:
        raise PacketRefused("retired_signer", (
            f"The packet is signed by a staff laptop key that was replaced on "
            f"{uk_datetime(retired_at)} (fingerprint {verify_key_fingerprint(signer)}; a "
            "user was removed from that laptop) and is dated after that, so it may be "
            "forged by the removed user; it was not filed. Ask the member of staff "
            "whether they sent it."))
    seen = {signer}
    while not repo.enrolled_user_ids(new_key) and new_key in followed and new_key not in seen:
        seen.add(new_key)
        new_key = followed[new_key][0]
    return repo.enrolled_user_ids(new_key)

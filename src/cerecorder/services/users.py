"""User management: the DSL or an admin adds and removes users; everyone changes their own
passphrase. Removing a user rotates the database key and the signing key."""

from __future__ import annotations

from cerecorder.domain.errors import InvalidInput, PermissionDenied
from cerecorder.domain.model import Role, User
from cerecorder.domain.rotation import ProgressCallback
from cerecorder.domain.rules import MAX_NAME, clean_text
from cerecorder.services import audit, key_succession
from cerecorder.services.access import require
from cerecorder.services.session import Session, check_new_passphrase


def list_users(session: Session) -> list[User]:
    require(session.user, Role.DSL, Role.ADMIN)
    with session.uow() as uow:
        return uow.users.active()


def display_names(session: Session) -> dict[int, str]:
    """Names to show beside records: every user ever, so a leaver's entries keep theirs."""
    require(session.user, Role.DSL, Role.ADMIN)
    with session.uow() as uow:
        return uow.users.display_names()


def add_user(
    session: Session, *, name: str, display_name: str, role: Role, passphrase: str
) -> User:
    require(session.user, Role.DSL, Role.ADMIN)
    if role is Role.DSL and session.user.role is not Role.DSL:
        # admin sees no record content, so may not make an account that does
        raise PermissionDenied("Only a DSL can add a DSL or deputy DSL.")
    check_new_passphrase(passphrase)
    name = clean_text(name.strip(), "The user name", MAX_NAME)
    display_name = clean_text(display_name.strip() or name, "The display name", MAX_NAME)
    if not name:
        raise InvalidInput("A user needs a name.")
    with session.uow() as uow:
        if uow.users.name_ever_used(name) or session.vault.slots.user_slot(name) is not None:
            raise InvalidInput(f"The user name '{name}' is taken (perhaps by a former "
                               "user, whose records keep it); choose another.")
        user_id = uow.users.add(name, display_name, role, session.clock.now())
        audit.record(uow, session.clock, session.user, "user_added", "user", user_id,
                     role=role.value)
        # The slot is written before the commit. If the commit then fails, the slot names
        # a user id the database does not have: unlocking with it is refused, and the
        # next key rotation drops it.
        session.vault.set_user_secret(user_id, name, passphrase, session.kdf)
        uow.commit()
    return User(user_id, name, display_name, role)


def remove_user(session: Session, user_id: int,
                progress: ProgressCallback | None = None) -> tuple[str, str]:
    """Remove a user: the database key is rotated (the new key goes to the others' slots
    only; a minute for a 2 GB vault, which `progress` hears about from another thread, as
    the window runs all this on a worker thread), then the user is marked removed and the
    vault's signing key replaced, in one transaction under the new key
    (services/key_succession.py). Returns the signing key's fingerprints (before, after)."""
    require(session.user, Role.DSL, Role.ADMIN)
    if user_id == session.user.id:
        raise PermissionDenied("You cannot remove yourself; ask another DSL or admin.")
    with session.uow() as uow:
        user = uow.users.get(user_id)
        remaining = [u for u in uow.users.active() if u.id != user_id]
    if not any(u.role is Role.DSL for u in remaining):
        raise InvalidInput("The vault must keep at least one DSL.")
    # Rotate first: if it fails the user is still listed (and can be removed again);
    # marking them removed first would leave a working slot behind a "removed" name.
    # A crash after it leaves the rest to the next unlock (session._audit_unlock).
    session.vault.remove_user_and_rotate(user_id, {u.id for u in remaining}, progress)
    with session.uow() as uow:
        fingerprints = key_succession.finish_removal(uow, session.clock, session.user,
                                                     session.vault, user.id)
        uow.commit()
    return fingerprints


def change_passphrase(session: Session, new_passphrase: str) -> None:
    check_new_passphrase(new_passphrase)
    session.vault.set_user_secret(session.user.id, session.user.name, new_passphrase, session.kdf)
    with session.uow() as uow:
        audit.record(uow, session.clock, session.user, "passphrase_changed", "user",
                     session.user.id)
        uow.commit()

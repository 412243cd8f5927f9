"""Creating, unlocking and locking a vault: the one place a passphrase goes past storage.

Failed unlocks back off: after three wrong passphrases for a user, each further attempt
must wait twice as long as the last (2 s, 4 s, ... up to 5 minutes).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

# Re-exported: front ends pass key-derivation costs through without importing crypto.
from cerecorder.crypto.keyslots import KdfParams as KdfParams
from cerecorder.crypto.keyslots import normalise_user_name
from cerecorder.domain.attachments import Limits
from cerecorder.domain.errors import EnvironmentProblem, UnknownUser, WrongPassphrase
from cerecorder.domain.model import Child, Role, User
from cerecorder.domain.rules import MAX_NAME, clean_text
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.domain.timefmt import DEFAULT_TZ
from cerecorder.services import audit
from cerecorder.services.clock import Clock
from cerecorder.storage.outside import OutsideEvent, OutsideLog
from cerecorder.storage.uow import UnitOfWork
from cerecorder.storage.vault import (
    OpenVault,
    create_vault,
    open_vault,
    open_vault_with_recovery,
    read_keyslots,
)

if TYPE_CHECKING:  # anchors (and the signing crypto) load at the first unlock, not at start
    from cerecorder.services import anchors

FREE_ATTEMPTS = 3
MAX_BACKOFF = timedelta(minutes=5)
_MAX_DOUBLINGS = 9  # 2**9 s is past MAX_BACKOFF; more would only overflow timedelta
MIN_PASSPHRASE = 10


class UnlockBackoff(EnvironmentProblem):
    def __init__(self, wait: timedelta) -> None:
        self.wait = wait
        seconds = int(wait.total_seconds()) + 1
        super().__init__(f"Too many wrong passphrases. Try again in {seconds} seconds.")


class VaultRolledBack(EnvironmentProblem):
    """The vault is older than an anchor seen outside it; only a DSL may go on (and
    acknowledge a deliberate restore)."""

    def __init__(self, finding: anchors.Finding, tz: str) -> None:
        self.finding = finding
        super().__init__(finding.sentence(tz))


@dataclass
class Session:
    """An unlocked vault and who unlocked it. Locking drops both."""

    vault: OpenVault
    user: User
    clock: Clock
    taxonomy: TaxonomyLibrary
    tz: str = DEFAULT_TZ
    kdf: KdfParams = field(default_factory=KdfParams)
    #: where anchors are kept (DESIGN.md, Trust anchors): the user's state folder and the
    #: school's anchor folder; none for a session that keeps no anchors (tests, self-test)
    anchor_folders: tuple[Path, ...] = ()
    #: the newest anchor seen that this vault does not hold, until a DSL acknowledges it
    rollback: anchors.Finding | None = None
    #: anchor files seen that this vault did not sign: a lock does not write over them
    unsigned_anchors: tuple[Path, ...] = ()
    #: the most a file, and a concern's files, may hold (policy attachment_file_mb and
    #: attachment_concern_mb; the composition root sets them after unlocking)
    attachment_limits: Limits = field(default_factory=Limits)
    #: the roll as children.list_children last read it, by what it included, with the
    #: roll's version then (storage.roll_changes); dropped with the session at locking
    rolls: dict[tuple[bool, bool], tuple[tuple[int, int], tuple[Child, ...]]] = field(
        default_factory=dict, repr=False)

    def uow(self) -> UnitOfWork:
        return self.vault.uow()

    def lock(self) -> None:
        """Write an anchor of the chain as it stands, then close. A vault older than an
        anchor writes none until the DSL acknowledges it, or the older copy would pass
        for the newest at the next unlock."""
        if self.vault.is_open and self.rollback is None and self.anchor_folders:
            with contextlib.suppress(EnvironmentProblem):  # locking goes ahead regardless
                self.write_anchor()
        self.rolls.clear()  # no pupil's name stays in memory for the next person
        self.vault.close()

    def current_anchor(self) -> anchors.Anchor | None:
        """An anchor of the chain as it stands (for a file the vault emits)."""
        from cerecorder.services import anchors

        with UnitOfWork(self.vault.conn, read_only=True) as uow:
            return anchors.take(uow, self.vault.vault_id, self.clock.now())

    def write_anchor(self) -> None:
        """Anchor the chain in every anchor folder, with the signing key's successions."""
        from cerecorder.services import anchors, key_succession

        with UnitOfWork(self.vault.conn, read_only=True) as uow:
            anchor = anchors.take(uow, self.vault.vault_id, self.clock.now(),
                                  successions=key_succession.successions(uow))
        if anchor is not None:
            anchors.write(anchor, self.anchor_folders, keep=self.unsigned_anchors)

    @property
    def is_open(self) -> bool:
        return self.vault.is_open

    @property
    def is_demo(self) -> bool:
        """A training vault of fictional pupils: the app badges it DEMO everywhere."""
        with self.uow() as uow:
            return uow.meta.get("demo") == "1"


def vault_user_names(folder: Path) -> list[str]:
    """User names as the key file lists them: readable without unlocking."""
    return read_keyslots(folder).user_names


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise EnvironmentProblem(
            f"A passphrase needs at least {MIN_PASSPHRASE} characters; "
            "three or four unrelated words work well."
        )
    clean_text(passphrase, "The passphrase", MAX_NAME)


def create(
    folder: Path, *, user_name: str, display_name: str, role: Role, passphrase: str,
    clock: Clock, taxonomy: TaxonomyLibrary, kdf: KdfParams | None = None,
    anchor_folders: Sequence[Path] = (),
) -> tuple[Session, str]:
    """A new vault with its first user; returns the session and the recovery key."""
    check_new_passphrase(passphrase)
    user_name = clean_text(user_name.strip(), "The user name", MAX_NAME)
    kdf = kdf or KdfParams()
    vault, recovery_key = create_vault(
        folder, user_name=user_name, display_name=display_name or user_name, role=role,
        secret=passphrase, now=clock.now(), kdf=kdf,
    )
    session = _session(vault, clock, taxonomy, kdf)
    session.anchor_folders = tuple(anchor_folders)
    with session.uow() as uow:
        audit.record(uow, clock, session.user, "vault_created", "vault", vault.vault_id)
        audit.record(uow, clock, session.user, "user_added", "user", session.user.id,
                     role=session.user.role.value)
        from cerecorder.services import anchors

        anchors.signing_key(uow, clock, session.user, vault.vault_id)
        audit.record(uow, clock, session.user, "unlock", "user", session.user.id)
        uow.commit()
    return session, recovery_key


def backoff_remaining(folder: Path, user_name: str, clock: Clock) -> timedelta:
    """How long this user must still wait. Failures stamped after now (the clock was put
    back, or the file edited) do not count, and no wait is ever longer than MAX_BACKOFF:
    a wrong clock must not lock anyone out for days."""
    wanted = normalise_user_name(user_name)
    now = clock.now()
    failures = sorted(
        e.at for e in OutsideLog(folder).read()
        if e.action == "unlock_failed" and normalise_user_name(e.user_name) == wanted
        and e.at <= now
    )
    if len(failures) < FREE_ATTEMPTS:
        return timedelta(0)
    doublings = min(len(failures) - FREE_ATTEMPTS + 1, _MAX_DOUBLINGS)
    wait = min(timedelta(seconds=2 ** doublings), MAX_BACKOFF)
    return min(max(failures[-1] + wait - now, timedelta(0)), MAX_BACKOFF)


def unlock(
    folder: Path, *, user_name: str, passphrase: str, clock: Clock, taxonomy: TaxonomyLibrary,
    read_only: bool = False, anchor_folders: Sequence[Path] = (), inspect: bool = False,
) -> Session:
    """Open the vault as a user. A vault older than an anchor seen is refused
    (VaultRolledBack) unless the user is a DSL, whose session carries the finding to
    acknowledge, or `inspect` is set (verify reports it instead)."""
    remaining = backoff_remaining(folder, user_name, clock)
    if remaining > timedelta(0):
        raise UnlockBackoff(remaining)
    try:
        vault = open_vault(folder, user_name=user_name, secret=passphrase, read_only=read_only)
    except WrongPassphrase as exc:
        _log_failure(folder, OutsideEvent(clock.now(), "unlock_failed", user_name), exc)
        raise
    session = _session(vault, clock, taxonomy)
    _check_anchors(session, anchor_folders, inspect=inspect)
    if read_only:
        OutsideLog(folder).append(OutsideEvent(clock.now(), "unlock_read_only", user_name))
    else:
        _audit_unlock(session, folder)
    return session


def open_copy(folder: Path, *, user_name: str, passphrase: str, clock: Clock,
              taxonomy: TaxonomyLibrary) -> Session:
    """A backup opened read-only to check it before a restore: no lock, no back-off, and
    nothing written into it (it may be on write-protected media)."""
    vault = open_vault(folder, user_name=user_name, secret=passphrase, read_only=True)
    return _session(vault, clock, taxonomy)


def unlock_with_recovery_key(
    folder: Path, *, recovery_key: str, user_name: str, new_passphrase: str, clock: Clock,
    taxonomy: TaxonomyLibrary, kdf: KdfParams | None = None,
    anchor_folders: Sequence[Path] = (),
) -> Session:
    """The forgotten-passphrase path: the recovery key opens, the user sets a new one."""
    check_new_passphrase(new_passphrase)
    try:
        vault = open_vault_with_recovery(folder, recovery_key)
    except WrongPassphrase as exc:
        _log_failure(folder, OutsideEvent(clock.now(), "recovery_failed", user_name), exc)
        raise
    try:
        checked = _anchor_check(vault, anchor_folders)
        finding = checked.finding
        with vault.uow() as uow:
            user = uow.users.by_name(user_name)
            if user is None:
                raise EnvironmentProblem(f"There is no user called '{user_name}' in this vault.")
            if finding is not None and user.role is not Role.DSL:  # before anything changes
                raise VaultRolledBack(finding, DEFAULT_TZ)
            vault.set_user_secret(user.id, user.name, new_passphrase, kdf or KdfParams())
            audit.record(uow, clock, user, "passphrase_reset_with_recovery_key", "user", user.id)
            uow.commit()
    except BaseException:
        vault.close()
        raise
    vault.user_id = user.id
    session = _session(vault, clock, taxonomy, kdf)
    session.anchor_folders, session.rollback = tuple(anchor_folders), finding
    session.unsigned_anchors = tuple(item.where for item in checked.unsigned)
    _audit_unlock(session, folder)
    return session


def _log_failure(folder: Path, event: OutsideEvent, wrong: WrongPassphrase) -> None:
    """Keep a failed unlock for the back-off and the audit. If that cannot be written
    (a full disk), the user still hears first that the passphrase was wrong."""
    try:
        OutsideLog(folder).append(event)
    except EnvironmentProblem as problem:
        raise WrongPassphrase(f"{wrong} Also, {_lower_first(str(problem))}") from problem


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _session(
    vault: OpenVault, clock: Clock, taxonomy: TaxonomyLibrary, kdf: KdfParams | None = None
) -> Session:
    """Who the slot belongs to. A slot of a removed user, or of no user at all, opens
    nothing: the vault is closed again."""
    assert vault.user_id is not None
    try:
        with vault.uow() as uow:
            if not uow.users.is_active(vault.user_id):
                raise UnknownUser("This user has been removed from the vault.")
            user = uow.users.get(vault.user_id)
    except BaseException:
        vault.close()
        raise
    return Session(vault, user, clock, taxonomy, kdf=kdf or KdfParams())


def _anchor_check(vault: OpenVault, folders: Sequence[Path]) -> anchors.Check:
    """DESIGN.md: unlock checks that the chain extends the newest anchor it can see."""
    from cerecorder.services import anchors

    if not folders:
        return anchors.Check(None)
    with UnitOfWork(vault.conn, read_only=True) as uow:
        return anchors.check(uow, vault.vault_id, folders)


def _check_anchors(session: Session, folders: Sequence[Path], *, inspect: bool) -> None:
    session.anchor_folders = tuple(folders)
    try:
        checked = _anchor_check(session.vault, folders)
    except BaseException:
        session.vault.close()
        raise
    session.unsigned_anchors = tuple(item.where for item in checked.unsigned)
    finding = checked.finding
    if finding is None:
        return
    if not inspect and session.user.role is not Role.DSL:
        session.vault.close()
        raise VaultRolledBack(finding, session.tz)
    session.rollback = finding


def _audit_unlock(session: Session, folder: Path) -> None:
    """Move waiting events into the audit. Other users' failed unlocks stay behind,
    marked as audited, so one person's unlock never resets another's back-off."""
    log = OutsideLog(folder)
    waiting = log.read()
    me = normalise_user_name(session.user.name)
    with session.uow() as uow:
        for event in waiting:
            if not event.audited:
                uow.audit.append(event.at, None, event.action, "user_name", event.user_name)
        audit.record(uow, session.clock, session.user, "unlock", "user", session.user.id)
        leaver = session.vault.interrupted_removal()
        if leaver is not None:  # a crash came after the key rotation: finish the removal
            from cerecorder.services import key_succession

            key_succession.finish_removal(uow, session.clock, session.user, session.vault,
                                          leaver, at_unlock=True)
        if session.rollback is None:  # an old copy gets one once the DSL acknowledges it
            from cerecorder.services import anchors

            anchors.signing_key(uow, session.clock, session.user, session.vault.vault_id)
        uow.commit()
    if waiting:
        log.replace([
            replace(e, audited=True) for e in waiting
            if e.action == "unlock_failed" and normalise_user_name(e.user_name) != me
        ])

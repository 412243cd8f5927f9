"""A vault is a folder: vault.db (SQLCipher 4), keyslots.json, and a lock file.

The database key never leaves this module and crypto: callers hold an OpenVault and get
units of work from it. Every write to keyslots.json is atomic, and every path that could
fail leaves the files that were there before untouched.

Trust (DESIGN.md, "Trust anchors"): a pending key in keyslots.json is only a claim. It is
adopted only if it opens the database itself, or if the database, opened with a key the
slot holds, recorded its SHA-256 before the rotation published it. Every slot also
carries the vault's secret id, kept in meta, and is refused in front of a database with
another. A pending key that opens the database must also descend from the key the slot
holds (sealed beside it, or listed in FORMER_KEYS): a removed user knows the old key and
the secret id, and could otherwise offer their old copy with their old key.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cerecorder.crypto import keyslots as ks
from cerecorder.crypto.recovery import new_recovery_key, normalise_recovery_key
from cerecorder.domain.errors import (
    EnvironmentProblem,
    NoAccess,
    NotAVault,
    UnknownUser,
    VaultBusy,
    VaultExists,
    VaultLocked,
)
from cerecorder.domain.model import Role
from cerecorder.domain.rotation import ProgressCallback
from cerecorder.domain.timefmt import to_utc_text
from cerecorder.storage.connection import Connection, connect, db_errors_explained
from cerecorder.storage.fileio import (
    atomic_write,
    fsync_dir,
    fsync_file,
    make_private_dir,
    os_errors_explained,
    problem_from_os_error,
)
from cerecorder.storage.lock import LOCK_NAME, VaultLock
from cerecorder.storage.migrations import migrate
from cerecorder.storage.repositories import MetaRepository
from cerecorder.storage.rotation import ROTATION_KEY
from cerecorder.storage.rotation import rekey as _rekey
from cerecorder.storage.swap import finish_interrupted_swap
from cerecorder.storage.uow import UnitOfWork

DB_NAME = "vault.db"
KEYSLOTS_NAME = "keyslots.json"
SQLITE_MAGIC = b"SQLite format 3\x00"
#: meta key: the secret vault id every slot is sealed with
VAULT_SECRET = "vault_secret"  # noqa: S105  (a meta key name, not a secret)
#: a hash of every key the database had before its current one (DESIGN.md, Trust anchors):
#: how a database opened with a pending key shows it descends from the key a slot holds
FORMER_KEYS = "former_keys_sha256"
#: meta: {"user_id", "key": _key_hash of the rotation's new key} of a removal under way,
#: cleared by the service layer's transaction that finishes it (interrupted_removal)
REMOVAL = "removal_under_way"
UNRECORDED_KEY = (
    "The key file (keyslots.json) offers a database key that this vault.db never recorded, "
    "so one of the two was tampered with or replaced by an older copy; nothing was changed: "
    "ask your DSL or IT to restore both from the same backup."
)
REPLACED_SLOT = (
    "This key slot is not the one the vault last wrote for this user (keyslots.json was "
    "put back to an older copy, which can bring back an old passphrase); nothing was "
    "changed: ask your DSL or IT to restore vault.db and keyslots.json from the same backup."
)
FOREIGN_DATABASE = (
    "This vault.db belongs to a different vault from its key file (keyslots.json), so one "
    "of them was replaced; nothing was changed: ask your DSL or IT to restore both from the "
    "same backup."
)


@dataclass(frozen=True)
class VaultFiles:
    folder: Path

    @property
    def db(self) -> Path:
        return self.folder / DB_NAME

    @property
    def keyslots(self) -> Path:
        return self.folder / KEYSLOTS_NAME

    @property
    def lock(self) -> Path:
        return self.folder / LOCK_NAME


#: far above any real key file (a slot takes under 1 KiB), low enough to read at once
MAX_KEYSLOTS_BYTES = 4 * 1024 * 1024


def read_keyslots(folder: Path) -> ks.KeySlots:
    """The parsed key file; NotAVault for anything malformed, NoAccess for a file this
    user may not read. Finishes a restore that was interrupted mid-swap first."""
    finish_interrupted_swap(folder)
    files = VaultFiles(folder)
    with readable(folder):
        found = files.db.is_file() and files.keyslots.is_file()
    if not found:
        raise NotAVault(f"There is no CE Recorder vault in {folder}.")
    with readable(files.db), open(files.db, "rb") as fh:
        if fh.read(16) == SQLITE_MAGIC:
            raise NotAVault(f"{files.db} is an unencrypted SQLite file, not a CE Recorder vault.")
    with readable(files.keyslots), open(files.keyslots, "rb") as fh:
        raw = fh.read(MAX_KEYSLOTS_BYTES + 1)
    if len(raw) > MAX_KEYSLOTS_BYTES:
        raise NotAVault(ks.DAMAGED)
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # RecursionError: nesting thousands deep
        raise NotAVault(ks.DAMAGED) from exc
    return ks.KeySlots.from_json(data)


@contextlib.contextmanager
def readable(path: Path) -> Iterator[None]:
    """A permission error reading a vault file is told as one, not as a bug."""
    try:
        yield
    except PermissionError as exc:
        raise NoAccess(path) from exc
    except OSError as exc:
        problem = problem_from_os_error(exc, path)
        if problem is None:
            raise
        raise problem from exc


def write_keyslots(folder: Path, slots: ks.KeySlots) -> None:
    data = json.dumps(slots.to_json(), indent=2, sort_keys=True).encode("utf-8")
    atomic_write(VaultFiles(folder).keyslots, data)


def connect_database(folder: Path, key: bytes, *, read_only: bool = False) -> Connection:
    """The folder's vault.db opened with a key, at the page size its key file names
    (benchmarks and tools that hold a raw key; the app unlocks through a slot)."""
    return connect(VaultFiles(folder).db, key, page_size=read_keyslots(folder).page_size,
                   read_only=read_only)


class OpenVault:
    """An unlocked vault: the connection, the key, and the process lock."""

    def __init__(
        self,
        files: VaultFiles,
        slots: ks.KeySlots,
        conn: Connection,
        key: bytes,
        lock: VaultLock,
        user_id: int | None,
        *,
        read_only: bool = False,
    ) -> None:
        self.files = files
        self.read_only = read_only
        self.vault_id = slots.vault_id
        self.page_size = slots.page_size
        self._conn: Connection | None = conn
        self._key: bytes | None = key
        self._lock = lock
        #: the user whose slot opened the vault; None when opened with the recovery key
        self.user_id = user_id
        #: the thread that lent the connection to a worker (lend), and set while it is back
        self._lender: int | None = None
        self._returned = threading.Event()
        self._returned.set()

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise VaultLocked()
        if self._lender == threading.get_ident():
            raise VaultBusy()
        return self._conn

    @property
    def busy(self) -> bool:
        """Lent to a worker thread that has not given it back."""
        return not self._returned.is_set()

    def lend(self) -> None:
        """Hand the connection to one worker thread (a key rotation): until the worker
        calls give_back, this thread gets VaultBusy from conn, and its close waits. A
        SQLite connection runs one transaction at a time; two threads would mix theirs."""
        self._lender = threading.get_ident()
        self._returned.clear()

    def wait_for_worker(self) -> None:
        """Until a worker the connection was lent to gives it back (at once if none)."""
        self._returned.wait()

    def give_back(self) -> None:
        """The worker's last call, whatever happened."""
        self._lender = None
        self._returned.set()

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.conn, read_only=self.read_only)

    def close(self) -> None:
        """Lock: close the connection (SQLCipher wipes its key material) and let go. A
        connection lent to a worker is closed once it comes back."""
        self.wait_for_worker()
        if self._conn is not None and not self.read_only:
            with contextlib.suppress(EnvironmentProblem), db_errors_explained():
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn.close()
        self._conn = None
        self._key = None
        self._lock.release()

    def __enter__(self) -> OpenVault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- key slots ---------------------------------------------------------------------

    @property
    def slots(self) -> ks.KeySlots:
        return read_keyslots(self.files.folder)

    def _require_key(self) -> bytes:
        if self._key is None:
            raise VaultLocked()
        return self._key

    def set_user_secret(
        self, user_id: int, user_name: str, secret: str, kdf: ks.KdfParams
    ) -> None:
        """Add a user's slot, or replace it (change or reset of a passphrase). The new
        slot names the one it replaces: an unlock refuses the old one if it is put back."""
        slot = ks.wrap(
            self._require_key(),
            secret,
            vault_id=self.vault_id,
            kind=ks.SLOT_USER,
            user_id=user_id,
            user_name=user_name,
            params=kdf,
            vault_secret=MetaRepository(self.conn).get(VAULT_SECRET),
            supersedes=_recorded_recipients(self.conn).get(str(user_id)),
        )
        write_keyslots(self.files.folder, self.slots.with_slot(slot))
        _record_recipients(self.conn, [slot])

    def remove_user_and_rotate(self, user_id: int, remaining: set[int],
                               progress: ProgressCallback | None = None) -> None:
        """Drop a user's slot and move the database to a new key they never saw.

        The new key goes only to the recovery slot and the remaining users' slots, and
        only to the recipients the vault recorded when it wrote those slots: a slot
        added or re-pointed by hand in keyslots.json gets nothing. Order matters: the
        database records the new key's hash, then the key is published (pending), then
        the database is rekeyed; a crash between any two is finished at the next unlock,
        which adopts the pending key only because the database recorded it. The rekey
        rewrites the whole file (a minute for 2 GB): `progress` hears how far it got. The
        rest of the removal (the user marked removed, the signing key replaced) is the
        caller's next transaction, under the new key; if a crash comes first, the next
        unlock finds it to do (interrupted_removal).
        """
        current = self._require_key()
        slots = self.slots.only(remaining - {user_id})
        recorded = _recorded_recipients(self.conn)
        for slot in slots.slots:
            expected = recorded.get(slots.slot_key(slot))
            if expected is not None and expected != slot.recipient:
                raise NotAVault(
                    "keyslots.json has been altered (a key slot does not match the vault's "
                    "own record). Nothing was changed: restore keyslots.json from a backup."
                )
        new_key = ks.new_database_key()
        with UnitOfWork(self.conn) as uow:
            uow.meta.set(ROTATION_KEY, _key_hash(new_key))
            uow.meta.set(REMOVAL, json.dumps({"user_id": user_id, "key": _key_hash(new_key)}))
            former = [*_former_keys(uow.meta), _former_hash(current)]
            uow.meta.set(FORMER_KEYS, json.dumps(former))
            uow.commit()
        write_keyslots(self.files.folder, slots.with_pending_key(new_key, current))
        _rekey(self.conn, self.files.db, new_key, progress)
        self._key = new_key

    def interrupted_removal(self) -> int | None:
        """The user whose removal moved the database to its current key, but a crash came
        before it was finished (marked removed, the signing key replaced). None if there
        is none, or if the crash came before the new key was published (nothing changed)."""
        with contextlib.suppress(ValueError, TypeError, KeyError):
            raw = json.loads(MetaRepository(self.conn).get(REMOVAL) or "null")
            if raw is not None and raw["key"] == _key_hash(self._require_key()):
                return int(raw["user_id"])
        return None

    def backup_to(self, dest: Path, *,
                  before_publish: Callable[[Path], None] | None = None) -> None:
        """A consistent, still-encrypted copy (same key, same slots) in a new folder.

        All or nothing: the copy is built in a hidden sibling, then `before_publish` runs
        on it (the anchor, the audit event), and only if it succeeds does the copy appear
        as `dest`.
        """
        _refuse_existing(dest)
        tmp = sibling_temp(dest)
        try:
            with os_errors_explained(dest.parent):
                make_private_dir(tmp)
            for _attempt in range(3):
                before = self.files.keyslots.read_bytes()
                target = connect(tmp / DB_NAME, self._require_key(), page_size=self.page_size)
                owner_only(tmp / DB_NAME)
                try:
                    with db_errors_explained():
                        self.conn.backup(target)
                finally:
                    target.close()
                if self.files.keyslots.read_bytes() == before:
                    break
            with os_errors_explained(dest.parent):
                atomic_write(tmp / KEYSLOTS_NAME, before)
                fsync_file(tmp / DB_NAME)
            if before_publish is not None:
                before_publish(tmp)
            with os_errors_explained(dest.parent):
                os.replace(tmp, dest)
                fsync_dir(dest.parent)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def create_vault(
    folder: Path,
    *,
    user_name: str,
    display_name: str,
    role: Role,
    secret: str,
    now: datetime,
    kdf: ks.KdfParams,
) -> tuple[OpenVault, str]:
    """Build a new vault in a temporary sibling folder, then move it into place.

    Returns the open vault and the recovery key, which is shown once and never stored.
    """
    finish_interrupted_swap(folder)  # else a half-done restore looks like no vault
    _refuse_existing(folder)
    vault_id = str(uuid.uuid4())
    db_key = ks.new_database_key()
    recovery_key = new_recovery_key()
    tmp = sibling_temp(folder)
    try:
        with os_errors_explained(folder.parent):
            make_private_dir(tmp)
        conn = connect(tmp / DB_NAME, db_key, page_size=ks.NEW_PAGE_SIZE)
        owner_only(tmp / DB_NAME)
        try:
            migrate(conn)
            with UnitOfWork(conn) as uow:
                uow.meta.set("vault_id", vault_id)
                uow.meta.set("created_at", to_utc_text(now))
                vault_secret = secrets.token_hex(32)
                uow.meta.set(VAULT_SECRET, vault_secret)
                user_id = uow.users.add(user_name, display_name, role, now)
                slots = ks.KeySlots(
                    vault_id=vault_id,
                    page_size=ks.NEW_PAGE_SIZE,
                    slots=(
                        ks.wrap(
                            db_key, recovery_key, vault_id=vault_id, kind=ks.SLOT_RECOVERY,
                            user_id=None, user_name=None, params=kdf,
                            vault_secret=vault_secret,
                        ),
                        ks.wrap(
                            db_key, secret, vault_id=vault_id, kind=ks.SLOT_USER,
                            user_id=user_id, user_name=user_name, params=kdf,
                            vault_secret=vault_secret,
                        ),
                    ),
                )
                _record_recipients(conn, slots.slots)
                uow.commit()
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        write_keyslots(tmp, slots)
        with os_errors_explained(folder.parent):
            if folder.exists():
                folder.rmdir()  # empty, checked above
            os.replace(tmp, folder)
            fsync_dir(folder.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    vault = open_vault(folder, user_name=user_name, secret=secret)
    return vault, recovery_key


def open_vault(
    folder: Path, *, user_name: str, secret: str, read_only: bool = False
) -> OpenVault:
    """Unlock as a user. read_only opens beside a running app (backup, verify): no lock,
    no writes, no migration."""
    slots = read_keyslots(folder)
    slot = slots.user_slot(user_name)
    if slot is None:
        raise UnknownUser(f"There is no user called '{user_name}' in this vault.")
    if read_only:
        opened = ks.unwrap(slot, secret, slots.vault_id)
        files = VaultFiles(folder)
        key, _adopt = _choose_key(files, slots, opened, slot)
        # a rotation to finish waits for a writer
        conn = connect(files.db, key, page_size=slots.page_size, read_only=True)
        return OpenVault(
            files, slots, conn, key, VaultLock(files.lock), slot.user_id, read_only=True
        )
    return _open_with_slot(folder, slots, slot, secret)


def open_vault_with_recovery(folder: Path, recovery_key: str) -> OpenVault:
    slots = read_keyslots(folder)
    secret = normalise_recovery_key(recovery_key)
    return _open_with_slot(folder, slots, slots.recovery_slot(), secret)


def _open_with_slot(
    folder: Path, slots: ks.KeySlots, slot: ks.KeySlot, secret: str
) -> OpenVault:
    files = VaultFiles(folder)
    opened = ks.unwrap(slot, secret, slots.vault_id)  # WrongPassphrase before any file opens
    lock = VaultLock(files.lock)
    lock.acquire()
    try:
        # refuses before anything is written
        key, adopt = _choose_key(files, slots, opened, slot)
        conn = connect(files.db, key, page_size=slots.page_size)
        try:
            meta = MetaRepository(conn)
            if adopt is not None:  # a recorded rotation was interrupted: finish it
                _rekey(conn, files.db, adopt)
                key = adopt
            elif meta.get(ROTATION_KEY) == _key_hash(key):  # done, but not yet cleared
                meta.delete(ROTATION_KEY)
            vault_secret = meta.get(VAULT_SECRET)
            if vault_secret is None:  # a vault from before the secret id
                vault_secret = secrets.token_hex(32)
                meta.set(VAULT_SECRET, vault_secret)
            if slot.pending is not None or opened.vault_secret is None:
                # fold the rotated key into this slot, with the vault's secret id
                folded = ks.wrap(
                    key, secret, vault_id=slots.vault_id, kind=slot.kind, user_id=slot.user_id,
                    user_name=slot.user_name, params=slot.kdf, identity=opened.identity,
                    vault_secret=vault_secret,
                )
                write_keyslots(folder, read_keyslots(folder).with_slot(folded))
            migrate(conn)
            if _recorded_recipients(conn).get(slots.slot_key(slot)) != slot.recipient:
                # a vault from before recipients were kept, or a slot whose record a crash
                # lost (_choose_key let it through because it names the recorded one)
                _record_recipients(conn, [slot])
        except BaseException:
            conn.close()
            raise
    except BaseException:
        lock.release()
        raise
    return OpenVault(files, slots, conn, key, lock, slot.user_id)


_RECIPIENTS = "slot_recipients"


def _recorded_recipients(conn: Connection) -> dict[str, str]:
    """The age recipient of every slot the app itself wrote, kept inside the encrypted
    database where keyslots.json cannot change it."""
    text = MetaRepository(conn).get(_RECIPIENTS)
    with contextlib.suppress(ValueError, TypeError):
        recorded = {} if text is None else dict(json.loads(text))
        return {str(k): str(v) for k, v in recorded.items()}
    return {}


def _record_recipients(conn: Connection, slots: Iterable[ks.KeySlot]) -> None:
    """Runs inside the caller's transaction if there is one."""
    recorded = _recorded_recipients(conn)
    for slot in slots:
        recorded[ks.SLOT_RECOVERY if slot.kind == ks.SLOT_RECOVERY else str(slot.user_id)] = (
            slot.recipient)
    MetaRepository(conn).set(_RECIPIENTS, json.dumps(recorded, sort_keys=True))


def _key_hash(key: bytes) -> str:
    return hashlib.sha256(b"cerecorder-rotation|" + key).hexdigest()


def _former_keys(meta: MetaRepository) -> list[str]:
    """FORMER_KEYS as a list; anything else (an edited database) lists nothing."""
    with contextlib.suppress(ValueError):
        listed = json.loads(meta.get(FORMER_KEYS) or "[]")
        if isinstance(listed, list):
            return [str(item) for item in listed]
    return []


def _former_hash(key: bytes) -> str:
    """Not _key_hash: a rotation record seen under an old key (a crash before the rekey
    leaves it there) must not tell anyone what a later database lists as a former key."""
    return hashlib.sha256(b"cerecorder-former-key|" + key).hexdigest()


def _choose_key(files: VaultFiles, slots: ks.KeySlots, opened: ks.OpenedSlot,
                slot: ks.KeySlot) -> tuple[bytes, bytes | None]:
    """The key that opens vault.db, and the pending key to move it to if a rotation was
    interrupted. Read-only: whatever is refused here leaves every file as it was.

    A candidate that opens the database is its key; a newer (pending) candidate that does
    not is adopted only if the database lists its hash. The database must hold the secret
    id the slot was sealed with, and must have recorded this slot's recipient, or the one
    the slot says it replaced (a crash between writing the slot and recording it).
    """
    tried: list[bytes] = []
    own = opened.candidate_keys[-1]
    slot_key, recipient = slots.slot_key(slot), slot.recipient
    for key in opened.candidate_keys:
        try:
            conn = connect(files.db, key, page_size=slots.page_size, read_only=True)
        except NotAVault:  # the wrong key; a full disk or a file of another owner is raised
            tried.append(key)
            continue
        try:
            with db_errors_explained():
                meta = MetaRepository(conn)
                vault_secret, recorded = meta.get(VAULT_SECRET), meta.get(ROTATION_KEY)
                former = _former_keys(meta)
                known = _recorded_recipients(conn).get(slot_key)
        finally:
            conn.close()
        if opened.vault_secret is not None and vault_secret != opened.vault_secret:
            raise NotAVault(FOREIGN_DATABASE)
        if known is not None and known not in (recipient, opened.supersedes):
            raise NotAVault(REPLACED_SLOT)
        # A pending key that opens the database is the slot's next key only if whoever
        # sealed it knew the slot's own key (a rotation from before FORMER_KEYS sends it
        # along), or the database lists it as a key it had: a removed user knows the old
        # key and the secret id, but not the key the slot folded in after the removal.
        if (key != own and own not in opened.candidate_keys[:-1]
                and _former_hash(own) not in former):
            raise NotAVault(UNRECORDED_KEY)
        if not tried:
            return key, None
        adopt = next((k for k in tried if _key_hash(k) == recorded), None)
        if adopt is None:
            raise NotAVault(UNRECORDED_KEY)
        return key, adopt
    raise NotAVault(
        "The passphrase is right but the vault file does not open: it is damaged or was "
        "replaced. Restore it from a backup."
    )


def _refuse_existing(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise VaultExists(f"{folder} already exists and is not empty; nothing was changed.")


def sibling_temp(folder: Path) -> Path:
    return folder.with_name(f".{folder.name}.partial-{secrets.token_hex(4)}")


def owner_only(path: Path) -> None:
    """Encrypted or not, vault files are nobody else's business (SQLite's -wal and -shm
    files take the database file's permissions)."""
    if os.name != "nt":
        path.chmod(0o600)

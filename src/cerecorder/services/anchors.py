"""Anchors: the newest audit event (its id and hash) and when it was seen, signed with the
vault's Ed25519 key and kept outside the vault (DESIGN.md, "Trust anchors").

The vault writes one at each lock into every anchor folder (the user's state folder and
the one the school's policy names), and one beside every backup. Unlock and verify check
that the audit chain still holds every anchor they can see: a vault replaced by an older
copy, or an audit trail cut or rewritten below an anchor, no longer does. A deliberate
restore is acknowledged once by a DSL; the acknowledgement, in the audit, settles every
anchor taken before it.

Files are `<anchor folder>/<vault id>.ceanchor`: ids, hashes and a time, never record
content.

Removing a user retires the signing key (services/key_succession.py). An anchor a retired
key signed counts if it is dated no later than the retirement; one dated after is forged
(the removed user kept the key) and verify says so. Anchors in folders also carry the
vault's successions, so that an older copy of the vault, put back in place, still knows
the newer anchors for its own and reports that it is older than them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from cerecorder.crypto.packets import (
    SigningKey,
    Succession,
    chain_from_json,
    chain_json,
    signature_holds,
    verify_key_fingerprint,
)
from cerecorder.domain.errors import EnvironmentProblem
from cerecorder.domain.model import User
from cerecorder.domain.timefmt import from_utc_text, to_utc_text, uk_date, uk_datetime, zone
from cerecorder.services import audit
from cerecorder.services.clock import Clock
from cerecorder.storage.fileio import atomic_write, make_private_dir
from cerecorder.storage.key_history import KeyHistoryRepository
from cerecorder.storage.repositories import PacketRepository
from cerecorder.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

ANCHOR_FORMAT = 1
ANCHOR_SUFFIX = ".ceanchor"
#: the anchor written beside vault.db in a backup folder
BACKUP_ANCHOR = "anchor" + ANCHOR_SUFFIX
ACKNOWLEDGED = "restore_acknowledged"


@dataclass(frozen=True)
class Anchor:
    vault_id: str
    row: int
    hash: str
    at: datetime
    signature: str = ""
    #: the vault's successions to the key that signed it (not signed with it: each is
    #: signed by its own keys), so that an older copy of the vault, whose key is retired
    #: since, can still tell this anchor is its own (services/key_succession.py)
    successions: tuple[Succession, ...] = ()

    def payload(self) -> bytes:
        """What is signed: canonical JSON of everything but the signature."""
        return json.dumps(
            {"format": ANCHOR_FORMAT, "vault_id": self.vault_id, "row": self.row,
             "hash": self.hash, "at": to_utc_text(self.at)},
            sort_keys=True, separators=(",", ":")).encode("utf-8")

    def to_json(self) -> dict[str, Any]:
        return {"format": ANCHOR_FORMAT, "vault_id": self.vault_id, "row": self.row,
                "hash": self.hash, "at": to_utc_text(self.at), "signature": self.signature,
                **({"successions": chain_json(self.successions)} if self.successions else {})}

    @classmethod
    def from_json(cls, data: object) -> Anchor:
        """Raises ValueError for anything that is not an anchor."""
        if not isinstance(data, dict) or data.get("format") != ANCHOR_FORMAT:
            raise ValueError("not an anchor")
        try:
            row = data["row"]
            if isinstance(row, bool) or not isinstance(row, int) or row < 1:
                raise ValueError("bad row")
            anchor = cls(str(data["vault_id"]), row, str(data["hash"]),
                         from_utc_text(str(data["at"])), str(data["signature"]))
        except (KeyError, TypeError) as exc:
            raise ValueError("not an anchor") from exc
        raw = data.get("successions", [])
        try:  # a chain that does not hold is no chain: the signature alone is checked
            last = raw[-1]["new_verify_key"] if raw else ""
            return replace(anchor, successions=chain_from_json(raw, str(last)))
        except (ValueError, KeyError, TypeError, IndexError):
            return anchor


@dataclass(frozen=True)
class SeenAnchor:
    anchor: Anchor
    where: Path


@dataclass(frozen=True)
class Finding:
    """The newest anchor seen that the vault's audit chain no longer holds."""

    seen: SeenAnchor
    #: events up to the anchor that the vault lacks (0 when it has as many, but they differ)
    missing: int

    def sentence(self, tz: str) -> str:
        at = self.seen.anchor.at.astimezone(zone(tz))
        when = f"{uk_date(at.date())} at {at.strftime('%H:%M')}"
        if self.missing:
            events = "1 audit event" if self.missing == 1 else f"{self.missing} audit events"
            verb = "is" if self.missing == 1 else "are"
            return (f"This vault is older than the copy seen on {when}: {events} recorded "
                    f"since {verb} missing. It may have been replaced with an old copy. Ask "
                    "your DSL.")
        return (f"This vault's audit trail was cut or rewritten below what was seen on {when} "
                f"(event {self.seen.anchor.row} no longer matches). It may have been "
                "replaced or tampered with. Ask your DSL.")


@dataclass(frozen=True)
class Check:
    finding: Finding | None
    #: anchors that were ignored, and why (for verify), one line each
    notes: tuple[str, ...] = ()
    anchors_held: int = 0
    #: anchors of this vault taken since the last acknowledged restore that its signing key
    #: did not sign, one line each: forged, or the vault's signing key was replaced (which
    #: a key holder does to make every anchor ignored). Not a reason to refuse an unlock
    #: (anyone who writes an anchor folder can put a file there), but verify fails, and a
    #: lock leaves the file as it is (it is the evidence).
    unsigned: tuple[SeenAnchor, ...] = ()
    #: of those, the ones a key this vault retired signed, dated after it was retired:
    #: where each is, and when its key was retired
    late: tuple[tuple[Path, datetime], ...] = ()

    def unsigned_sentences(self) -> tuple[str, ...]:
        late = dict(self.late)
        return tuple(retired_sentence(item, late[item.where]) if item.where in late
                     else unsigned_sentence(item) for item in self.unsigned)


def signing_key(uow: UnitOfWork, clock: Clock, actor: User | None,
                vault_id: str) -> SigningKey:
    """This vault's Ed25519 key, made on first use (in the caller's transaction); the
    packet code uses the same key."""
    repo = PacketRepository(uow.conn)
    stored = repo.signing_key()
    if stored is not None:
        return SigningKey(*stored)
    key = SigningKey.generate()
    repo.set_signing_key(key.secret, key.verify_key, clock.now())
    audit.record(uow, clock, actor, "signing_key_created", "vault", vault_id,
                 fingerprint=verify_key_fingerprint(key.verify_key))
    return key


def take(uow: UnitOfWork, vault_id: str, now: datetime, *,
         successions: Sequence[Succession] = ()) -> Anchor | None:
    """An anchor of the chain as it stands, signed; None before the first event or while
    the vault has no signing key (a read-only session cannot make one). `successions`:
    the vault's, for an anchor folder (an older copy of the vault reads them)."""
    stored = PacketRepository(uow.conn).signing_key()
    rows = uow.audit.last()
    if stored is None or rows is None:
        return None
    unsigned = Anchor(vault_id, rows[0], rows[1], now)
    return Anchor(vault_id, rows[0], rows[1], now, SigningKey(*stored).sign(unsigned.payload()),
                  tuple(successions))


def unsigned_sentence(item: SeenAnchor) -> str:
    return (f"anchor {item.where} is not signed by this vault's key: it is forged, or the "
            "vault's signing key was replaced")


def retired_sentence(item: SeenAnchor, retired_at: datetime) -> str:
    return (f"anchor {item.where} is signed by a key this vault retired when a user was "
            f"removed (on {uk_datetime(retired_at)}) but is dated after that "
            f"({uk_datetime(item.anchor.at)}): it is forged, perhaps by the removed user")


def signed_by_vault(current: str, retired: dict[str, datetime], anchor: Anchor,
                    ) -> datetime | bool:
    """Whether this vault signed the anchor: True for its current key, a key it retired
    later than the anchor's time, or a successor of its current key that the anchor's
    own successions lead to (this is an older copy of the vault, from before a user was
    removed); the retirement time of a retired key that signed it but was retired before
    the anchor's time (forged: only the removed user still signs with it); False for any
    other signer."""
    payload, signature = anchor.payload(), anchor.signature
    if signature_holds(current, payload, signature):
        return True
    for key, retired_at in retired.items():
        if signature_holds(key, payload, signature):
            return True if anchor.at <= retired_at else retired_at
    olds = [s.old_key for s in anchor.successions]
    return current in olds and signature_holds(anchor.successions[-1].new_key, payload,
                                               signature)


def anchor_file(folder: Path, vault_id: str) -> Path:
    return folder / f"{vault_id}{ANCHOR_SUFFIX}"


def write(anchor: Anchor, folders: Iterable[Path], keep: Iterable[Path] = ()) -> None:
    """Write the anchor into every folder but over the files in `keep` (anchors the vault
    did not sign: Check.unsigned); a folder that cannot be written (a share that is down)
    does not stop a lock: it is logged, without the path."""
    data = json.dumps(anchor.to_json(), indent=2, sort_keys=True).encode("utf-8")
    kept = set(keep)
    for folder in folders:
        if anchor_file(folder, anchor.vault_id) in kept:
            log.warning("anchor not written over one this vault did not sign")
            continue
        try:
            write_file(anchor_file(folder, anchor.vault_id), data)
        except (EnvironmentProblem, OSError) as exc:
            log.warning("anchor not written to an anchor folder: %s", type(exc).__name__)


def write_file(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Folders this makes are the user's own (0700, whatever the umask); the file is
    readable by others unless `mode` says otherwise, so the users of a shared anchor
    folder can check each other's anchors (they hold no content, and the signature stops
    forgeries)."""
    make_private_dir(path.parent)
    atomic_write(path, data, mode=mode)


def backup_anchor(anchor: Anchor, backup_folder: Path) -> None:
    """Beside the backup's vault.db, private like the rest of the backup."""
    write_file(backup_folder / BACKUP_ANCHOR,
               json.dumps(anchor.to_json(), indent=2, sort_keys=True).encode("utf-8"),
               mode=0o600)


def read(folders: Sequence[Path], vault_id: str) -> tuple[list[SeenAnchor], list[str]]:
    """The anchors of this vault in the folders, and a note for each unreadable file."""
    seen, notes = [], []
    for folder in folders:
        path = anchor_file(folder, vault_id)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            continue
        except OSError as exc:
            notes.append(f"anchor {path} could not be read ({exc.strerror or exc}); ignored")
            continue
        try:
            anchor = Anchor.from_json(json.loads(raw))
        except (ValueError, UnicodeDecodeError):
            notes.append(f"anchor {path} is damaged; ignored")
            continue
        if anchor.vault_id != vault_id:
            notes.append(f"anchor {path} is for another vault; ignored")
            continue
        seen.append(SeenAnchor(anchor, path))
    return seen, notes


def check(uow: UnitOfWork, vault_id: str, folders: Sequence[Path]) -> Check:
    """Whether the audit chain holds every anchor seen (DESIGN.md): the row with its id
    exists and has its hash, unless a DSL's acknowledged restore settled it."""
    seen, notes = read(folders, vault_id)
    stored = PacketRepository(uow.conn).signing_key()
    retired = {key: at for key, at, _ in KeyHistoryRepository(uow.conn).retired_signing_keys()}
    settled = uow.audit.last_time_of(ACKNOWLEDGED)
    # The anchors a DSL acknowledged are settled by name too: one taken on a laptop whose
    # clock was ahead is newer than the acknowledgement, and would be asked about again.
    superseded = {(d.get("superseded_row"), d.get("superseded_hash"))
                  for d in uow.audit.details_of(ACKNOWLEDGED)}
    held = 0
    unheld: list[Finding] = []
    unsigned: list[SeenAnchor] = []
    late: list[tuple[Path, datetime]] = []
    for item in seen:
        anchor = item.anchor
        # A vault without a signing key is older than any anchor of its id: only a vault
        # that has one writes them (it is made at creation or the first unlock).
        signed = True if stored is None else signed_by_vault(stored[1], retired, anchor)
        if signed is not True:
            if settled is None or anchor.at > settled:
                unsigned.append(item)
                if isinstance(signed, datetime):
                    late.append((item.where, signed))
            else:  # e.g. the vault restored was older than its signing key
                notes.append(f"anchor {item.where} is not signed by this vault's key; "
                             "taken before the restore acknowledged, ignored")
            continue
        if uow.audit.hash_of(anchor.row) == anchor.hash:
            held += 1
        elif (anchor.row, anchor.hash) not in superseded and (
                settled is None or anchor.at > settled):
            # counted against the chain as it stood when the anchor was taken, so events
            # recorded since (a DSL's unlock of the old copy) do not change the count
            unheld.append(Finding(item, max(anchor.row - uow.audit.last_id_by(anchor.at), 0)))
    newest = max(unheld, key=lambda f: (f.seen.anchor.at, f.seen.anchor.row), default=None)
    return Check(newest, tuple(notes), held, tuple(unsigned), tuple(late))


def acknowledge(uow: UnitOfWork, clock: Clock, actor: User, vault_id: str,
                finding: Finding) -> None:
    """Record that a DSL knows this vault is older than an anchor (a deliberate restore):
    the event names the anchor superseded; it settles every anchor taken before it."""
    anchor = finding.seen.anchor
    audit.record(uow, clock, actor, ACKNOWLEDGED, "vault", vault_id,
                 superseded_row=anchor.row, superseded_hash=anchor.hash,
                 superseded_at=to_utc_text(anchor.at), missing=finding.missing)

"""Sealed handover between laptops: a staff laptop seals each submitted concern, and
each addendum to it, into a packet only the DSLs can open (services.packet_sending); the
DSL's vault imports packets from an inbox folder and sends a signed receipt back (here).

Folders (any shared folder, USB stick or synced folder will do):

    OUTBOX-or-INBOX/<packet id>.cepacket       written by staff laptops, atomically
    OUTBOX-or-INBOX/receipts/<packet id>.cereceipt   written by the DSL's vault
    INBOX/imported/     packets filed (kept: still sealed; the school may clear it)
    INBOX/quarantine/   packets refused, each with <name>.reason.txt saying why

File names carry the random packet id only. A packet is imported whole or not at all,
in one transaction: its signed document is checked before anything is written, each of
its files before it is stored, and the record is committed only once every file has
come whole; what arrives twice is one concern.
"""

from __future__ import annotations

import base64
import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from cerecorder.crypto import packets as crypto
from cerecorder.crypto.packets import MAX_PACKET_BYTES, PacketRefused

# Re-exported: front ends handle cards without importing the crypto layer.
from cerecorder.crypto.packets import RecipientCard as RecipientCard
from cerecorder.crypto.packets import StaffCard as StaffCard
from cerecorder.crypto.packets import normalise_fingerprint as normalise_fingerprint
from cerecorder.domain.attachments import photo_facts
from cerecorder.domain.errors import (
    EnvironmentProblem,
    InvalidInput,
    ReadOnlyLocation,
)
from cerecorder.domain.model import (
    Child,
    ChildDetails,
    Role,
)
from cerecorder.domain.rules import MAX_NAME, clean_text
from cerecorder.domain.timefmt import to_utc_text
from cerecorder.services import anchors, audit, flags
from cerecorder.services.access import require
from cerecorder.services.inbox_folder import (
    kept_name,
    leads_out,
    own_folder,
    printable,
    renamed,
)
from cerecorder.services.packet_cards import signing_key
from cerecorder.services.packet_documents import (
    CHILD_FIELDS,
    FILES_FORMAT_VERSION,
    FORMAT_VERSION,
    IncomingFile,
    Verified,
    VerifiedAddendum,
    malformed,
    match_child,
    refuse_out_of_range,
    verify,
    verify_addendum,
)
from cerecorder.services.packet_files import FileReceiver
from cerecorder.services.session import Session
from cerecorder.storage.fileio import atomic_write, os_errors_explained
from cerecorder.storage.repositories import PacketRepository
from cerecorder.storage.uow import UnitOfWork

PACKET_SUFFIX = ".cepacket"
RECEIPT_SUFFIX = ".cereceipt"
RECEIPTS = "receipts"
IMPORTED = "imported"
QUARANTINE = "quarantine"
#: A packet that looks cut short but was written this recently may still be copying
#: onto the share: it is left for the next run instead of being quarantined.
STILL_COPYING_SECONDS = 120


def _packets(uow: UnitOfWork) -> PacketRepository:
    return PacketRepository(uow.conn)


def read_file(path: Path, limit: int = MAX_PACKET_BYTES) -> bytes:
    """A card or packet from disk, refusing anything larger than it can be."""
    try:
        with os_errors_explained(path.parent), open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError as exc:
        raise InvalidInput(f"{path} does not exist.") from exc
    except IsADirectoryError as exc:
        raise InvalidInput(f"{path} is a folder, not a file.") from exc
    if len(data) > limit:
        raise PacketRefused("oversized", f"{path.name} is too large to be a CE Recorder file.")
    return data


#: Sealed packets, receipts, cards and quarantine notes hold nothing secret and are read
#: by another account (the DSL's, a staff laptop's, IT's) on a shared folder.
SHARED_MODE = 0o644


def write_file(path: Path, data: bytes, *, force: bool = False, secret: bool = False) -> None:
    """Save a card or identity the user asked for, atomically; keep an existing file
    unless force. A secret (an identity) is readable by its owner only."""
    if path.exists() and not force:
        raise InvalidInput(f"{path} already exists; choose another name or replace it.")
    atomic_write(path, data, mode=0o600 if secret else SHARED_MODE)


# -- DSL: importing -------------------------------------------------------------------


@dataclass(frozen=True)
class PacketOutcome:
    """What became of one file in the inbox."""

    file_name: str
    status: str  # imported, held, already, refused, waiting
    message: str
    packet_id: str = ""
    concern_id: int | None = None
    reason: str = ""  # the refusal code, for the audit and for IT
    warning: str = ""  # filed, but something the DSL and IT should look at


@dataclass(frozen=True)
class InboxReport:
    outcomes: tuple[PacketOutcome, ...]

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def summary(self) -> str:
        parts = [f"{self.count('imported')} filed"]
        for status, words in (("held", "waiting for a child to be matched"),
                              ("already", "already imported"), ("refused", "refused"),
                              ("waiting", "left in the inbox for the next import")):
            if self.count(status):
                parts.append(f"{self.count(status)} {words}")
        warned = sum(1 for o in self.outcomes if o.warning)
        if warned:
            parts.append(f"{warned} with a warning to read")
        return ", ".join(parts) + "."


class _NotYet(Exception):
    """An addendum whose concern is not filed here yet: left in the inbox for later."""


@dataclass(frozen=True)
class _Filing:
    """A packet's record begun in the import's transaction: where each of its files goes
    once whole and checked, and what finishes the record when all have come."""

    store: Callable[[IncomingFile, bytes], None]
    finish: Callable[[], PacketOutcome]


def _file_addendum(session: Session, uow: UnitOfWork, v: VerifiedAddendum,
                   file_name: str) -> _Filing:
    repo = _packets(uow)
    found = repo.submitted_by_uid(v.concern_uid)
    if found is None:
        raise _NotYet()
    concern_id, author_id = found
    if author_id != v.author_id:
        raise PacketRefused("conflict", "The addendum's author did not record the concern it "
                            "adds to; it was not filed.")
    held = uow.attachments.concern_bytes(concern_id)
    if held + sum(f.size for f in v.files) > session.attachment_limits.concern_bytes:
        raise malformed("its attachments are larger than a concern may hold")
    addendum_id = uow.concerns.add_addendum(concern_id, v.author_id, v.created_at, v.tz,
                                            v.body)

    def store(f: IncomingFile, data: bytes) -> None:  # at the addendum's moment, as it was
        _store_file(uow, concern_id, f, data, v.author_id, addendum_id, v.created_at)

    def finish() -> PacketOutcome:
        repo.add_imported(v.packet_id, v.content_hash, str(v.document["signer"]),
                          v.author_id, session.clock.now(), session.user.id,
                          concern_id=concern_id, held_document=None, addendum_id=addendum_id)
        audit.record(uow, session.clock, session.user, "packet_imported", "concern",
                     concern_id, packet=v.packet_id, addendum=addendum_id,
                     attachments=len(v.files))
        return PacketOutcome(file_name, "imported", f"Added to concern #{concern_id} as an "
                             "addendum.", v.packet_id, concern_id)

    return _Filing(store, finish)


def _store_file(uow: UnitOfWork, concern_id: int, f: IncomingFile, data: bytes, by: int,
                addendum_id: int | None = None, at: datetime | None = None) -> None:
    uow.attachments.add(concern_id=concern_id, child_id=None, file_name=f.file_name,
                        kind=f.kind, data=data, sha256=f.sha256,
                        photo=photo_facts(data, f.kind), now=at or f.added_at, by=by,
                        addendum_id=addendum_id)


def _draft(uow: UnitOfWork, v: Verified, child_ids: list[int]) -> int:
    """The concern as a draft, while its files go in (as the triggers allow)."""
    return uow.concerns.create_draft(v.uid, v.author_id, v.created_at, v.tz,
                                     v.taxonomy_version,
                                     replace(v.content, child_ids=tuple(child_ids)))


def _submit(session: Session, uow: UnitOfWork, v: Verified, concern_id: int,
            child_ids: list[int]) -> None:
    uow.concerns.submit(concern_id, v.submitted_at)
    flags.refresh(uow, session, child_ids)  # an imported concern is evidence like any other


def _held_document(v: Verified, kept: dict[int, bytes]) -> str:
    """What a concern held for a match keeps in the vault until it is filed: its signed
    document, with its files' bytes put inside it (as base64, as in format 1)."""
    raw = v.document["concern"]
    files = [{**item, "data": base64.b64encode(kept[id(f)]).decode("ascii")}
             for item, f in zip(raw.get("attachments", []), v.files, strict=True)]
    held = {**v.document, "concern": {**raw, "attachments": files}} if files else v.document
    return crypto.canonical(held).decode("utf-8")


def _receipt(key: crypto.SigningKey, packet_id: str, content_hash: str,
             at: datetime, anchor: anchors.Anchor | None) -> bytes:
    return crypto.sign_document({
        "kind": "receipt", "format_version": FORMAT_VERSION, "packet_id": packet_id,
        "content_hash": content_hash, "received_at": to_utc_text(at),
        "signer": key.verify_key, "anchor": None if anchor is None else anchor.to_json()},
        key)


def _move(path: Path, folder: Path) -> Path:
    """Move a packet (or a link, itself) into a subfolder of the inbox, under a name of its
    own there: a name too long to carry a note beside it, or not text, becomes a short
    one."""
    name = Path(kept_name(path.name, PACKET_SUFFIX))
    with os_errors_explained(folder):
        own_folder(folder)
        folder.mkdir(exist_ok=True)
        target = folder / name
        while target.exists() or target.is_symlink():
            target = folder / f"{name.stem}-{uuid.uuid4().hex[:6]}{name.suffix}"
        os.replace(path, target)
    return target


@dataclass(frozen=True)
class _Receiving:
    """What every packet of one import is checked against, read once."""

    identities: list[str]
    pupils: list[Child]
    merged: dict[int, int]  # a merged child record -> the record kept
    #: fingerprint -> how many it seals for, of each recipient card this vault issued (for
    #: a card issued before the audit said: how many packet keys this vault has made)
    cards: dict[str, int]


def _card_warning(uow: UnitOfWork, session: Session, here: _Receiving,
                  v: Verified | VerifiedAddendum, sealed_for: int) -> str:
    """A packet filed, but sealed for a card this vault never issued, or for more
    recipients than its card names: someone may have put their own key on the staff
    laptop's card, or in its sealing. Told and audited, never refused (the concern is
    genuine and the DSL must have it)."""
    fingerprint = str(v.document.get("card_fingerprint"))
    if fingerprint not in here.cards:
        audit.record(uow, session.clock, session.user, "packet_card_unknown", "packet",
                     v.packet_id, card=fingerprint)
        return (f"Warning: it was sealed for a recipient card this vault never issued "
                f"(fingerprint {fingerprint}), so someone other than the DSLs may be able to "
                "read it. Check the card on the sender's laptop and give them a new one.")
    expected = here.cards[fingerprint]
    if sealed_for <= expected:
        return ""
    audit.record(uow, session.clock, session.user, "packet_recipients_extra", "packet",
                 v.packet_id, card=fingerprint, recipients=sealed_for, expected=expected)
    return (f"Warning: it was sealed for {sealed_for} recipients but the recipient card it "
            f"names (fingerprint {fingerprint}) has {expected}, so someone other than the "
            "DSLs may be able to read it: ask IT to check the sender's laptop.")


def _import_one(session: Session, path: Path, here: _Receiving) -> PacketOutcome:
    name = printable(path.name)
    try:
        if leads_out(path, path.parent):
            raise PacketRefused("link", "The file is a link to a file outside the inbox; it "
                                "was not opened.")
        try:
            if path.stat().st_size > MAX_PACKET_BYTES:
                raise PacketRefused("oversized", "The file is larger than any packet can be; "
                                    "it was not opened.")
            source = _open_packet(path)
        except (FileNotFoundError, IsADirectoryError):  # a sync program or a person moved it
            return PacketOutcome(name, "waiting", "It went from the inbox during the "
                                 "import; nothing of it was filed.")
        except (PermissionError, ReadOnlyLocation):  # the rest of the inbox still imports
            return PacketOutcome(name, "waiting", "This account may not read it (check the "
                                 "shared folder's permissions); it was left in the inbox.")
        with source, session.uow() as uow:  # one transaction: whole or not at all
            arrival = _Arrival(session, uow, here, name)
            sealed_for = crypto.unseal_packet(source, here.identities, arrival.document,
                                              arrival.take)
            outcome, v = arrival.finish(sealed_for)
            key = signing_key(uow, session)
            uow.commit()
    except _NotYet:
        return PacketOutcome(name, "waiting", "An addendum to a concern not filed here yet "
                             "(perhaps a child awaits a match); it will be added once it is.")
    except PacketRefused as refused:
        if refused.reason in ("damaged", "not_age") and _still_copying(path):
            return PacketOutcome(name, "waiting", "Still being copied; left for the next "
                                 "import.")
        return _quarantine(session, path, refused)
    try:  # filed: a receipt or move that fails now is done again at the next import
        _write_receipt(path.parent, key, v.packet_id, v.content_hash, session)
        _move(path, path.parent / IMPORTED)
    except EnvironmentProblem as exc:
        return replace(outcome, message=f"{outcome.message} The receipt could not be "
                       f"written yet ({exc}); it will be at the next import.")
    return outcome


def _open_packet(path: Path) -> BinaryIO:
    """A packet file, opened to be decrypted as it is read (and closed by the caller)."""
    with os_errors_explained(path.parent):
        return open(path, "rb")


class _Arrival:
    """One packet's import as age decrypts it, in one transaction. Its signed document
    is checked whole before anything is written; the files' bytes that follow it go in a
    file at a time, each checked first; the record is finished once every file has come,
    and only then committed: whatever fails on the way rolls all of it back."""

    def __init__(self, session: Session, uow: UnitOfWork, here: _Receiving,
                 file_name: str) -> None:
        self._session, self._uow, self._here, self._name = session, uow, here, file_name
        self._receiver = FileReceiver((), _nowhere)  # no bytes come before the document
        self._filing: _Filing | None = None
        self._known = False
        self._verified: Verified | VerifiedAddendum | None = None

    def document(self, document: dict[str, Any], framed: bool) -> None:
        session, uow = self._session, self._uow
        if not crypto.is_version(document.get("format_version"),
                                 FILES_FORMAT_VERSION if framed else FORMAT_VERSION):
            raise malformed("its format version is not the one its framing says")
        v: Verified | VerifiedAddendum = (
            verify_addendum(uow, session, document) if document.get("kind") == "addendum"
            else verify(uow, session, document))
        refuse_out_of_range(v, session.clock.now())
        repo = _packets(uow)
        known = repo.imported(v.packet_id)
        if known is not None and known[0] != v.content_hash:
            raise PacketRefused("conflict", "A packet with this id was imported before "
                                "with different content: this one is not genuine or "
                                "was altered, and was not filed.")
        if known is not None:  # its files are read to the end and checked, not kept
            already = PacketOutcome(self._name, "already", "Already imported.", v.packet_id,
                                    known[1])
            filing = _Filing(_nowhere, lambda: already)
        elif isinstance(v, VerifiedAddendum):
            filing = _file_addendum(session, uow, v, self._name)
        else:
            if repo.concern_uid_exists(v.uid):
                raise PacketRefused("conflict", "This concern was already imported from "
                                    "another packet; the copy was not filed again.")
            filing = _file_or_hold(session, uow, v, self._here, self._name)
        for f in v.files:
            if f.data is not None:  # inside the document (a format 1 packet)
                filing.store(f, f.data)
        self._verified, self._known = v, known is not None
        self._receiver, self._filing = FileReceiver(v.files, filing.store), filing

    def take(self, piece: bytes) -> None:
        self._receiver.take(piece)

    def finish(self, sealed_for: int) -> tuple[PacketOutcome, Verified | VerifiedAddendum]:
        """Once the packet is decrypted to its end (unseal_packet gave the document)."""
        v, filing = self._verified, self._filing
        assert v is not None and filing is not None
        self._receiver.finish()
        outcome = filing.finish()
        if not self._known:
            warning = _card_warning(self._uow, self._session, self._here, v, sealed_for)
            if warning:
                outcome = replace(outcome, message=f"{outcome.message} {warning}",
                                  warning=warning)
        return outcome, v


def _nowhere(f: IncomingFile, data: bytes) -> None:
    """Where the files of a packet already imported go."""


def _file_or_hold(session: Session, uow: UnitOfWork, v: Verified, here: _Receiving,
                  file_name: str) -> _Filing:
    repo = _packets(uow)
    matched = [match_child(here.pupils, k, here.merged) for k in v.children]
    now = session.clock.now()
    if all(m is not None for m in matched):
        child_ids = [m for m in matched if m is not None]
        concern_id = _draft(uow, v, child_ids)

        def filed() -> PacketOutcome:
            _submit(session, uow, v, concern_id, child_ids)
            repo.add_imported(v.packet_id, v.content_hash, str(v.document["signer"]),
                              v.author_id, now, session.user.id, concern_id=concern_id,
                              held_document=None)
            audit.record(uow, session.clock, session.user, "packet_imported", "concern",
                         concern_id, packet=v.packet_id)
            return PacketOutcome(file_name, "imported", f"Filed as concern #{concern_id}.",
                                 v.packet_id, concern_id)

        return _Filing(lambda f, data: _store_file(uow, concern_id, f, data, v.author_id),
                       filed)
    kept: dict[int, bytes] = {}  # of each file (by identity): they wait in its document

    def held() -> PacketOutcome:
        repo.add_imported(v.packet_id, v.content_hash, str(v.document["signer"]),
                          v.author_id, now, session.user.id, concern_id=None,
                          held_document=_held_document(v, kept))
        for position, (sent, child_id) in enumerate(zip(v.children, matched, strict=True)):
            repo.add_review(v.packet_id, position, json.dumps(
                {**sent, "date_of_birth": None if sent["date_of_birth"] is None
                 else sent["date_of_birth"].isoformat()}, sort_keys=True), child_id)
        waiting = sum(m is None for m in matched)
        audit.record(uow, session.clock, session.user, "packet_held", "packet", v.packet_id,
                     unmatched=waiting)
        who = "A child it names is" if waiting == 1 else f"{waiting} children it names are"
        return PacketOutcome(file_name, "held", f"Received. {who} not on roll here: match "
                             "them in the list of children awaiting a match.", v.packet_id)

    return _Filing(lambda f, data: kept.__setitem__(id(f), data), held)


def _write_receipt(inbox: Path, key: crypto.SigningKey, packet_id: str, content_hash: str,
                   session: Session) -> None:
    folder = inbox / RECEIPTS
    with os_errors_explained(folder):
        own_folder(folder)  # checked before the import too: this is in case it changed
        folder.mkdir(exist_ok=True)
    atomic_write(folder / f"{packet_id}{RECEIPT_SUFFIX}",
                 _receipt(key, packet_id, content_hash, session.clock.now(),
                          session.current_anchor()),
                 mode=SHARED_MODE)


def _still_copying(path: Path) -> bool:
    """Written to recently. A copy made with Windows Explorer keeps the original's
    modification time, however old, so the time the copy was created counts too where
    the file system keeps one (Windows, macOS)."""
    try:
        st = path.stat()
    except OSError:
        return False
    created = getattr(st, "st_birthtime", None)
    if created is None and os.name == "nt":  # Python before 3.12: st_ctime is creation
        created = st.st_ctime
    return time.time() - max(st.st_mtime, created or 0.0) < STILL_COPYING_SECONDS


def _quarantine(session: Session, path: Path, refused: PacketRefused) -> PacketOutcome:
    """Move a refused file aside with a note of why; audit the refusal (name and reason
    code only). Nothing of it was written to the vault."""
    message = note = str(refused)
    other_name = renamed(path.name, PACKET_SUFFIX)
    if other_name:
        message = f"{message} {other_name}"
        note = f"{note} {other_name} Its name was: {printable(path.name)}"
    moved = path
    try:
        moved = _move(path, path.parent / QUARANTINE)
        atomic_write(moved.with_name(moved.name + ".reason.txt"),
                     f"{to_utc_text(session.clock.now())} refused: {note}\n".encode(),
                     mode=SHARED_MODE)
    except (EnvironmentProblem, OSError) as exc:  # a read-only share: refused all the same
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        message = (f"{refused} It could not be moved to quarantine ({why})." if moved == path
                   else f"{message} Its note in quarantine could not be written ({why}).")
    with session.uow() as uow:
        audit.record(uow, session.clock, session.user, "packet_refused", "file",
                     printable(moved.name), reason=refused.reason)
        uow.commit()
    return PacketOutcome(printable(path.name), "refused", message, reason=refused.reason)


def _packet_files(inbox: Path) -> list[Path]:
    """The packets in an inbox folder, not temporary files (a name starting with a dot);
    links too, to be refused unless they lead to a file in the inbox."""
    return sorted(p for p in inbox.iterdir()
                  if p.suffix == PACKET_SUFFIX and not p.name.startswith(".")
                  and (p.is_file() or p.is_symlink()))


def waiting_in_inbox(inbox: Path) -> int:
    """How many packets are in the inbox folder now; 0 when it cannot be reached. Reads
    file names only, so it needs no vault."""
    try:
        return len(_packet_files(inbox))
    except OSError:
        return 0


def import_inbox(session: Session, inbox: Path) -> InboxReport:
    """Import every packet in the inbox folder; each on its own, whole or not at all.
    Temporary files (a name starting with a dot) and anything not a .cepacket are left.

    An administrator may run it too, so that IT can schedule it with an account of its
    own: the report names files, concern ids and reasons, never what a concern says.
    """
    require(session.user, Role.DSL, Role.ADMIN)
    if not inbox.is_dir():
        raise EnvironmentProblem(f"The inbox folder {inbox} is not available (is the USB "
                                 "stick or network share connected?).")
    for folder in (RECEIPTS, IMPORTED, QUARANTINE):  # before anything is read or moved
        own_folder(inbox / folder)
    with session.uow() as uow:
        repo = _packets(uow)
        identities = [i for _, i, _ in repo.identities()]
        here = _Receiving(identities,
                          uow.children.all(include_left=True, include_merged=True),
                          uow.children.merged_map(),
                          {card: len(identities) if recipients is None else recipients
                           for card, recipients in repo.issued_cards().items()})
    with os_errors_explained(inbox):
        files = _packet_files(inbox)
    outcomes = {path: _import_one(session, path, here) for path in files}
    if any(o.status == "imported" for o in outcomes.values()):
        # An addendum read before its concern (names are random) gets a second go.
        for path in [p for p, o in outcomes.items() if o.status == "waiting"]:
            outcomes[path] = _import_one(session, path, here)
    with session.uow() as uow:
        audit.record(uow, session.clock, session.user, "inbox_imported", "folder", "",
                     imported=sum(o.status == "imported" for o in outcomes.values()),
                     refused=sum(o.status == "refused" for o in outcomes.values()))
        uow.commit()
    return InboxReport(tuple(outcomes.values()))


# -- DSL: children awaiting a match -----------------------------------------------------


@dataclass(frozen=True)
class ReviewItem:
    review_id: int
    packet_id: str
    name: str
    date_of_birth: date | None
    upn: str
    year_group: str
    sent_by: str
    received_at: datetime


def review_list(session: Session) -> list[ReviewItem]:
    require(session.user, Role.DSL)
    with session.uow() as uow:
        rows = _packets(uow).open_reviews()
        names = uow.users.display_names()
    items = []
    for review_id, packet_id, sent_text, author_id, received in rows:
        sent = json.loads(sent_text)
        forenames = sent["preferred_forenames"] or sent["legal_forenames"]
        surname = sent["preferred_surname"] or sent["legal_surname"]
        dob = sent["date_of_birth"]
        items.append(ReviewItem(
            review_id, packet_id, f"{forenames} {surname}".strip(),
            None if dob is None else date.fromisoformat(dob), sent["upn"],
            sent["year_group"], names.get(author_id, "?"), received))
    return items


def resolve_review(session: Session, review_id: int, child_id: int | None) -> int | None:
    """Match a waiting child to a pupil on roll, or (child_id None) add them to the roll as
    the packet describes them. Once every child of the packet is matched, its concern is
    filed; returns the concern id then."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        repo = _packets(uow)
        packet_id, sent_text, already = repo.review_packet(review_id)
        if already is not None:
            raise InvalidInput("This child has already been matched.")
        now = session.clock.now()
        if child_id is None:
            child_id = _add_sent_child(uow, session, json.loads(sent_text))
        else:
            uow.children.get(child_id)
        repo.resolve_review(review_id, child_id, now, session.user.id)
        audit.record(uow, session.clock, session.user, "packet_child_matched", "child",
                     child_id, packet=packet_id)
        matched = repo.review_children(packet_id)
        concern_id = None
        if all(m is not None for m in matched):
            document, author_id = repo.held_document(packet_id)
            v = verify(uow, session, json.loads(document), held_by=author_id)
            if repo.concern_uid_exists(v.uid):
                raise InvalidInput("This concern was filed meanwhile from another copy of "
                                   "its packet; nothing was changed.")
            if len(set(matched)) != len(matched):
                raise InvalidInput("Two children of this concern were matched to the same "
                                   "pupil; choose another.")
            child_ids = [m for m in matched if m is not None]
            concern_id = _draft(uow, v, child_ids)
            for f in v.files:  # all inside the held document
                if f.data is None:
                    raise malformed("a file it lists was not kept with it")
                _store_file(uow, concern_id, f, f.data, v.author_id)
            _submit(session, uow, v, concern_id, child_ids)
            repo.file_held(packet_id, concern_id)
            audit.record(uow, session.clock, session.user, "packet_imported", "concern",
                         concern_id, packet=packet_id)
        uow.commit()
    return concern_id


def _add_sent_child(uow: UnitOfWork, session: Session, sent: dict[str, Any]) -> int:
    dob = sent.get("date_of_birth")
    field = {f: clean_text(str(sent.get(f, "")), f, MAX_NAME) for f in CHILD_FIELDS}
    details = ChildDetails(
        legal_forenames=field["legal_forenames"], legal_surname=field["legal_surname"],
        preferred_forenames=field["preferred_forenames"],
        preferred_surname=field["preferred_surname"],
        date_of_birth=None if dob is None else date.fromisoformat(dob), upn=field["upn"],
        year_group=field["year_group"], reg_group=field["reg_group"], gender=field["gender"],
    )
    if details.upn and uow.children.by_upn(details.upn):
        raise InvalidInput(f"A child with UPN {details.upn} is already on roll: match to "
                           "them instead.")
    child_id = uow.children.add(details, session.clock.now(), session.user.id)
    audit.record(uow, session.clock, session.user, "child_added", "child", child_id)
    return child_id

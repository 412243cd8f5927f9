"""The staff laptop's side of the sealed handover (services.packets has the DSL's): each
of my submitted concerns, then each of my addenda to them, with the files attached to
either, signed and sealed into the outbox for the DSLs only; and the DSL's receipts
collected back. A packet with files is sealed as their chunks are read from the vault,
never whole in memory.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cerecorder.crypto import packets as crypto
from cerecorder.crypto.packets import PacketRefused, RecipientCard
from cerecorder.domain.attachments import Attachment
from cerecorder.domain.errors import EnvironmentProblem
from cerecorder.domain.model import Child, Role
from cerecorder.domain.timefmt import from_utc_text, to_utc_text
from cerecorder.services import anchors, audit, cards, key_succession
from cerecorder.services.access import require
from cerecorder.services.packet_cards import signing_key
from cerecorder.services.packet_documents import (
    CHILD_FIELDS,
    CONCERN_TEXT,
    FILES_FORMAT_VERSION,
    FORMAT_VERSION,
)
from cerecorder.services.packet_files import file_bytes, files_document
from cerecorder.services.packets import (
    PACKET_SUFFIX,
    RECEIPT_SUFFIX,
    RECEIPTS,
    SHARED_MODE,
    read_file,
)
from cerecorder.services.session import Session
from cerecorder.storage.fileio import atomic_stream, atomic_write
from cerecorder.storage.repositories import PacketRepository
from cerecorder.storage.uow import UnitOfWork


def _packets(uow: UnitOfWork) -> PacketRepository:
    return PacketRepository(uow.conn)


def _child_document(child: Child) -> dict[str, Any]:
    d = child.details
    doc: dict[str, Any] = {f: str(getattr(d, f)) for f in CHILD_FIELDS}
    doc["date_of_birth"] = None if d.date_of_birth is None else d.date_of_birth.isoformat()
    return doc


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else to_utc_text(moment)


def _envelope(session: Session, uow: UnitOfWork, kind: str, card: RecipientCard,
              key: crypto.SigningKey, files: Sequence[Attachment]) -> dict[str, Any]:
    """What every packet says of itself; the signature covers it with the record. The
    sending vault's current anchor goes with it (services/anchors.py). A packet with
    files is of format 2 (their bytes follow the document); one without is as before,
    so that a DSL's vault not yet updated still reads it."""
    anchor = anchors.take(uow, session.vault.vault_id, session.clock.now())
    return {
        "kind": kind, "format_version": FILES_FORMAT_VERSION if files else FORMAT_VERSION,
        "packet_id": uuid.uuid4().hex, "created_at": to_utc_text(session.clock.now()),
        "card_fingerprint": card.fingerprint, "signer": key.verify_key,
        "anchor": None if anchor is None else anchor.to_json(),
        # from this laptop's older keys to the signer (a user was removed here), so that
        # the DSL's vault can follow it (services/laptop_succession.py)
        **({"successions": crypto.chain_json(chain)}
           if (chain := key_succession.successions(uow)) else {}),
    }


def _author(session: Session) -> dict[str, str]:
    return {"name": session.user.name, "display_name": session.user.display_name}


def _files_of(uow: UnitOfWork, concern_id: int, addendum_id: int | None) -> list[Attachment]:
    """A concern's own files (not those its addenda brought), or one addendum's."""
    return [a for a in uow.attachments.for_concern(concern_id) if a.addendum_id == addendum_id]


def _document(session: Session, uow: UnitOfWork, concern_id: int, card: RecipientCard,
              key: crypto.SigningKey, files: Sequence[Attachment]) -> dict[str, Any]:
    concern = uow.concerns.get(concern_id)
    c = concern.content
    return {
        **_envelope(session, uow, "concern", card, key, files),
        "concern": {
            "uid": concern.uid,
            "author": _author(session),
            "created_at": to_utc_text(concern.created_at),
            "submitted_at": _time(concern.submitted_at), "tz": concern.tz,
            "taxonomy_version": concern.taxonomy_version, "occurred_at": _time(c.occurred_at),
            **{f: getattr(c, f) for f in CONCERN_TEXT},
            "indicator_codes": sorted(c.indicator_codes), "urgency": c.urgency.value,
            "children": [_child_document(k) for k in uow.children.many(c.child_ids)],
            # what staff named, one line each; the DSL matches them to the register
            **({"mentions": [{"kind": m.kind.value, "text": m.text} for m in c.mentions]}
               if c.mentions else {}),
            # the signed list of the files whose bytes follow: they arrive whole, or not
            **({"attachments": files_document(files)} if files else {}),
        },
    }


@dataclass(frozen=True)
class SendReport:
    sent: int
    waiting: int
    problem: str = ""


def _addendum_document(session: Session, uow: UnitOfWork, concern_id: int,
                       addendum_id: int, card: RecipientCard, key: crypto.SigningKey,
                       files: Sequence[Attachment]) -> dict[str, Any]:
    concern = uow.concerns.get(concern_id)
    [addendum] = [a for a in uow.concerns.addenda([concern_id]) if a.id == addendum_id]
    return {
        **_envelope(session, uow, "addendum", card, key, files),
        "addendum": {
            "concern_uid": concern.uid,
            "author": _author(session),
            "created_at": to_utc_text(addendum.created_at), "tz": addendum.tz,
            "body": addendum.body,
            **({"attachments": files_document(files)} if files else {}),
        },
    }


def _waiting(session: Session) -> int:
    with session.uow() as uow:
        repo = _packets(uow)
        return (len(repo.unsent_concerns(session.user.id))
                + len(repo.unsent_addenda(session.user.id)))


def _send_one(session: Session, card: RecipientCard, outbox: Path, concern_id: int,
              addendum_id: int | None) -> None:
    with session.uow() as uow:
        key = signing_key(uow, session)
        files = _files_of(uow, concern_id, addendum_id)
        document = (_document(session, uow, concern_id, card, key, files)
                    if addendum_id is None else
                    _addendum_document(session, uow, concern_id, addendum_id, card, key, files))
        envelope = crypto.sign_document(document, key)
        recipients = [r.recipient for r in card.recipients]
        packet_id = document["packet_id"]
        _packets(uow).add_sent(packet_id, concern_id, crypto.content_hash(document),
                               card.fingerprint, card.verify_key, session.clock.now(),
                               addendum_id)
        audit.record(uow, session.clock, session.user, "packet_sent", "concern", concern_id,
                     packet=packet_id, addendum=addendum_id, card=card.fingerprint)
        # Written last, just before the commit: a failed write rolls the record back and
        # the concern or addendum stays waiting.
        target = outbox / f"{packet_id}{PACKET_SUFFIX}"
        if files:  # sealed as the files' chunks are read: the packet is never whole here
            atomic_stream(target, lambda out: crypto.seal_packet(
                envelope, file_bytes(uow, files), recipients, out), mode=SHARED_MODE)
        else:
            atomic_write(target, crypto.seal(envelope, recipients), mode=SHARED_MODE)
        uow.commit()


def send_waiting(session: Session, card: RecipientCard, outbox: Path) -> SendReport:
    """Seal each of my submitted concerns not yet sent, then each of my addenda to them,
    and write them to the outbox. What cannot be written now (the stick is out, the share
    is down, the card is not one this laptop trusts) stays waiting and goes at the next
    attempt; the records themselves are safe in the vault either way. An addendum goes
    only after its concern."""
    require(session.user, Role.STAFF)
    waiting = _waiting(session)
    try:
        problem = cards.accept(session, card)
    except PacketRefused as refused:  # a card whose date is not one
        problem = str(refused)
    if problem:  # nothing sealed; the concerns wait for a good card
        return SendReport(0, waiting, problem)
    if waiting and not outbox.is_dir():
        return SendReport(0, waiting, f"The outbox folder {outbox} is not available (is "
                          "the USB stick or network share connected?). Your concerns are "
                          "saved and will be sent when it is.")
    sent = 0
    try:
        with session.uow() as uow:
            concern_ids = _packets(uow).unsent_concerns(session.user.id)
        for concern_id in concern_ids:
            _send_one(session, card, outbox, concern_id, None)
            sent += 1
        with session.uow() as uow:  # now also the addenda of the concerns just sent
            addenda = _packets(uow).unsent_addenda(session.user.id)
        for addendum_id, concern_id in addenda:
            _send_one(session, card, outbox, concern_id, addendum_id)
            sent += 1
    except EnvironmentProblem as exc:
        return SendReport(sent, _waiting(session), str(exc))
    return SendReport(sent, 0)


def collect_receipts(session: Session, outbox: Path) -> int:
    """Record the DSL's receipts for my packets found in OUTBOX/receipts. A receipt
    counts only if the DSL's key (from the card the packet was sealed for, or the key
    that succeeded it on this laptop: services/cards.py) signed it for exactly the packet
    sent. Returns how many were new."""
    require(session.user, Role.STAFF)
    folder = outbox / RECEIPTS
    with session.uow() as uow:
        awaiting = _packets(uow).awaiting_receipt(session.user.id)
    found = 0
    for packet_id, sent_hash, dsl_key in awaiting:
        path = folder / f"{packet_id}{RECEIPT_SUFFIX}"
        try:
            if not path.is_file():
                continue
            document = crypto.open_envelope(read_file(path, crypto.MAX_CARD_BYTES), "receipt")
            received_at = from_utc_text(str(document["received_at"]))
            with session.uow() as uow:
                signed = cards.receipt_signed(uow, dsl_key, document.get("signer"),
                                              received_at)
            ok = (document.get("kind") == "receipt" and signed
                  and crypto.is_version(document.get("format_version"), FORMAT_VERSION)
                  and document.get("packet_id") == packet_id
                  and document.get("content_hash") == sent_hash)
        except (EnvironmentProblem, OSError, KeyError, ValueError):
            continue  # unreadable or forged: the packet simply stays "sent"
        if not ok:
            continue
        with session.uow() as uow:
            _packets(uow).mark_received(packet_id, received_at)
            audit.record(uow, session.clock, session.user, "packet_receipt_recorded",
                         "packet", packet_id)
            uow.commit()
        found += 1
    return found


@dataclass(frozen=True)
class SentStatus:
    concern_id: int
    child_names: str
    submitted_at: datetime | None
    tz: str
    sent_at: datetime | None
    received_at: datetime | None
    #: (sent at, received at) of each of my addenda to it, oldest first
    addenda: tuple[tuple[datetime | None, datetime | None], ...] = ()


def sent_status(session: Session) -> list[SentStatus]:
    """My submitted concerns and how far each (and each addendum) has got towards the
    DSL, newest first."""
    require(session.user, Role.STAFF)
    me = session.user.id
    with session.uow() as uow:
        repo = _packets(uow)
        sent, sent_addenda = repo.sent_by_concern(me), repo.sent_addenda(me)
        mine = [c for c in uow.concerns.by_author(me) if c.submitted_at]
        addenda = [a for a in uow.concerns.addenda(c.id for c in mine) if a.author_id == me]
        ids = {k for c in mine for k in c.content.child_ids}
        names = {k.id: k.display_name for k in uow.children.many(ids)}
    return [
        SentStatus(c.id, ", ".join(names[k] for k in c.content.child_ids), c.submitted_at,
                   c.tz, sent.get(c.id, (None, None))[0], sent.get(c.id, (None, None))[1],
                   tuple(sent_addenda.get(a.id, (None, None))
                         for a in addenda if a.concern_id == c.id))
        for c in mine
    ]

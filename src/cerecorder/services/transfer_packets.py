"""A child's whole file between two schools that run CE Recorder (DSL only): sealed with
age for the receiving school's recipient card, whose signer fingerprint the two DSLs
confirm by phone, and signed with this vault's key; received read-only as "from <school>,
verified", with a signed receipt that the sending vault files as the acknowledgement.

A packet for another school, altered, or naming a child already received from that school
is refused with its reason and changes nothing; the same packet twice is one import."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cerecorder.crypto import packets as crypto
from cerecorder.crypto.packets import PacketRefused, RecipientCard
from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import ChildDetails, Role
from cerecorder.domain.timefmt import from_utc_text, to_utc_text
from cerecorder.domain.transfers import AfterTransfer, StepKind
from cerecorder.services import audit, file_export, key_succession, transfer_records
from cerecorder.services.access import require
from cerecorder.services.handover import school_name
from cerecorder.services.packet_cards import age_identities, signing_key
from cerecorder.services.session import Session
from cerecorder.storage.uow import UnitOfWork

KIND = "child-file-transfer"
RECEIPT_KIND = "child-file-receipt"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Received:
    id: int
    child_id: int
    from_school: str
    signer_fingerprint: str
    document_id: str
    received_at: datetime
    already: bool  # the same packet came before: nothing was filed again
    receipt: bytes

    def describe(self) -> str:
        return (f"from {self.from_school or 'a school'}, verified (signer "
                f"{self.signer_fingerprint})")


def seal_transfer(session: Session, child_id: int, card: RecipientCard, fingerprint: str,
                  purpose: str) -> tuple[str, bytes]:
    """The sealed packet and its id. `fingerprint` is the receiving vault's signer
    fingerprint as its DSL read it out: a card that does not carry it is refused."""
    require(session.user, Role.DSL)
    if not card.signature_holds:
        raise InvalidInput("The receiving school's card is not signed by the key it names: "
                           "ask their DSL for the card again.")
    if crypto.normalise_fingerprint(fingerprint) != crypto.normalise_fingerprint(
            card.signer_fingerprint):
        raise InvalidInput("The fingerprint does not match the receiving school's card: "
                           "check it with their DSL by phone before sending anything.")
    data = file_export.child_file(session, child_id, purpose=purpose)
    packet_id = str(uuid.uuid4())
    from_school = school_name(session)
    with session.uow() as uow:
        key = signing_key(uow, session)
        if card.verify_key == key.verify_key:
            raise InvalidInput("This is this school's own card: ask the receiving school's "
                               "DSL for theirs.")
        document = {"kind": KIND, "format_version": FORMAT_VERSION, "packet_id": packet_id,
                    "from_school": from_school, "to_verify_key": card.verify_key,
                    "to_school": card.school, "sealed_at": to_utc_text(session.clock.now()),
                    "signer": key.verify_key, "file": data}
        content = crypto.content_hash(document)
        sealed = crypto.seal(crypto.sign_document(document, key),
                             [r.recipient for r in card.recipients])
        if len(sealed) > crypto.MAX_PACKET_BYTES:
            raise InvalidInput("The child's file is larger than a packet may be: send it as "
                               "PDFs and the open file instead (export-file).")
        open_transfers = [t for t in uow.transfers.for_child(child_id) if not t.closed]
        transfer_id = open_transfers[0].id if open_transfers else None
        uow.transfer_packets.add_sealed(packet_id, transfer_id, child_id, content,
                                        card.school, card.verify_key, session.clock.now(),
                                        session.user.id)
        if transfer_id is not None:
            uow.transfers.add_step(transfer_id, StepKind.SENT, session.clock.now().date(),
                                   f"Sealed packet for {card.school or 'the receiving school'}",
                                   "", session.clock.now(), session.user.id)
        audit.record(uow, session.clock, session.user, "transfer_sealed", "child", child_id,
                     packet=packet_id, document=data["document_id"])
        uow.commit()
    return packet_id, sealed


def _checked(document: dict[str, Any], own_keys: set[str]) -> dict[str, Any]:
    """`own_keys`: this vault's verify key and those it retired (a card issued before a
    user was removed names one)."""
    if document.get("kind") != KIND or document.get("format_version") != FORMAT_VERSION:
        raise PacketRefused("malformed", "The file is not a CE Recorder transfer packet of a "
                            "version this copy knows.")
    if document.get("to_verify_key") not in own_keys:
        raise PacketRefused("wrong_recipient", "The packet is for another school: it was "
                            "sealed for a card this vault did not issue.")
    file = document.get("file")
    if not isinstance(file, dict) or file.get("format") != file_export.FORMAT \
            or not isinstance(file.get("child"), dict) or not isinstance(document.get(
                "packet_id"), str):
        raise PacketRefused("malformed", "The packet's child file is damaged or incomplete.")
    return file


def _child_for(uow: UnitOfWork, session: Session, sent: dict[str, Any]) -> int:
    """The pupil with the file's UPN, else a new record from the file's identity."""
    upn = str(sent.get("upn") or "").strip().upper()
    if upn:
        for child in uow.children.all(include_left=True):
            if child.details.upn.upper() == upn:
                return child.id
    born = sent.get("date_of_birth")
    details = ChildDetails(
        legal_forenames=str(sent.get("legal_forenames") or "")[:100],
        legal_surname=str(sent.get("legal_surname") or "")[:100],
        preferred_forenames=str(sent.get("preferred_forenames") or "")[:100],
        preferred_surname=str(sent.get("preferred_surname") or "")[:100],
        date_of_birth=_birth(born),
        upn=upn, gender=str(sent.get("gender") or "")[:20])
    return uow.children.add(details, session.clock.now(), session.user.id)


def _birth(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError as exc:
        raise PacketRefused("malformed", "The packet's date of birth is not a date.") from exc


def import_transfer(session: Session, sealed: bytes) -> Received:
    require(session.user, Role.DSL)
    with session.uow() as uow:
        identities = [i for _, i, _ in age_identities(uow, session)]
        key = signing_key(uow, session)
        own_keys = {key.verify_key, *key_succession.retired(uow)}
        chain = key_succession.successions(uow)
        uow.commit()  # identities made on first use are kept, whatever the packet
    plaintext = crypto.unseal(sealed, identities)
    document = crypto.open_envelope(plaintext, "transfer packet")
    file = _checked(document, own_keys)
    packet_id = str(document["packet_id"])
    content = crypto.content_hash(document)
    signer = crypto.verify_key_fingerprint(str(document["signer"]))
    with session.uow() as uow:
        known = uow.transfer_packets.received(packet_id=packet_id)
        if known:
            if json.loads(bytes(known[0][7]))["document"] != document:
                raise PacketRefused("conflict", "A packet with this id was received before "
                                    "with other content: this one was not filed.")
            row = known[0]
            return Received(int(row[0]), int(row[2]), str(row[3]), str(row[4]), str(row[5]),
                            from_utc_text(str(row[6])), True,
                            _receipt(key, packet_id, content, session, chain))
        child_id = _child_for(uow, session, file["child"])
        same_school = [r for r in uow.transfer_packets.received(child_id=child_id)
                       if r[4] == signer]
        if same_school:
            raise PacketRefused("already_received", "This child's file was received from "
                                "that school before: a second copy was not filed (ask their "
                                "DSL what changed).")
        received_id = uow.transfer_packets.add_received(
            packet_id, child_id, str(document.get("from_school") or ""), signer,
            str(file.get("document_id") or ""), content, plaintext, session.clock.now(),
            session.user.id)
        audit.record(uow, session.clock, session.user, "transfer_received", "child",
                     child_id, packet=packet_id, signer=signer)
        uow.commit()
    return Received(received_id, child_id, str(document.get("from_school") or ""), signer,
                    str(file.get("document_id") or ""), session.clock.now(), False,
                    _receipt(key, packet_id, content, session, chain))


def _receipt(key: crypto.SigningKey, packet_id: str, content: str, session: Session,
             successions: tuple[crypto.Succession, ...]) -> bytes:
    """Signed by this vault's key now, with the successions from the keys it replaced:
    the packet may have been sealed for a card of one of them."""
    return crypto.sign_document({
        "kind": RECEIPT_KIND, "format_version": FORMAT_VERSION, "packet_id": packet_id,
        "content_hash": content, "received_at": to_utc_text(session.clock.now()),
        "received_by": f"{session.user.display_name}, DSL", "signer": key.verify_key,
        **({"successions": crypto.chain_json(successions)} if successions else {})}, key)


def _signed_for(document: dict[str, Any], sealed_for: str) -> bool:
    """Whether the receipt is signed by the key the packet was sealed for, or by one its
    own successions show succeeded that key."""
    signer = document.get("signer")
    if signer == sealed_for:
        return True
    try:
        chain = crypto.chain_from_json(document.get("successions", []), str(signer))
    except ValueError:
        return False
    return sealed_for in {step.old_key for step in chain}


def file_receipt(session: Session, data: bytes, after: AfterTransfer | None = None
                 ) -> int | None:
    """The sending side: a receipt signed by the key of the card the packet was sealed
    for acknowledges its transfer. Returns the transfer id, if one was open. `after`: what
    the policy keeps then (None: the vault's setting; services/transfer_records.py)."""
    require(session.user, Role.DSL)
    kept = transfer_records.after_transfer(session, after)
    document = crypto.open_envelope(data, "receipt")
    if document.get("kind") != RECEIPT_KIND:
        raise PacketRefused("malformed", "The file is not a transfer receipt.")
    with session.uow() as uow:
        sealed = uow.transfer_packets.sealed(str(document.get("packet_id")))
        if sealed is None:
            raise PacketRefused("unknown", "The receipt is for a packet this vault did not "
                                "seal.")
        if not _signed_for(document, str(sealed[5])) or document.get(
                "content_hash") != sealed[3]:
            raise PacketRefused("bad_signature", "The receipt is not signed by the school the "
                                "packet was sealed for, or names other content.")
        if sealed[6] is not None:
            return None  # filed before
        at = from_utc_text(str(document.get("received_at")))
        by = str(document.get("received_by") or "")[:200]
        uow.transfer_packets.mark_receipt(str(sealed[0]), at, by)
        transfer_id = None if sealed[1] is None else int(sealed[1])
        if transfer_id is not None and not uow.transfers.get(transfer_id).closed:
            detail = f"Signed receipt: {by} ({sealed[4]})"
            uow.transfers.add_step(transfer_id, StepKind.ACKNOWLEDGED, at.date(), detail, "",
                                   session.clock.now(), session.user.id)
            transfer_records.keep_after_acknowledgement(
                uow, session, uow.transfers.get(transfer_id), at.date(), detail, kept,
                str(sealed[0]))
        audit.record(uow, session.clock, session.user, "transfer_receipt_filed", "child",
                     int(sealed[2]), packet=str(sealed[0]))
        uow.commit()
    return transfer_id


def received_files(session: Session, child_id: int) -> list[dict[str, Any]]:
    """The files received for a child, each as its sender signed it (read-only)."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        rows = uow.transfer_packets.received(child_id=child_id)
    return [json.loads(bytes(r[7]))["document"] | {"signer_fingerprint": r[4],
                                                   "received_at": r[6]} for r in rows]

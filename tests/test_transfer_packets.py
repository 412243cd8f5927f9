"""A child's file between two schools that run CE Recorder: sealed for the receiving DSL's
card once its fingerprint is confirmed, opened by the `age` tool with an exported identity,
imported read-only with a signed receipt that acknowledges the transfer at the sender; and
every bad packet refused with nothing changed."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from cerecorder.crypto.packets import PacketRefused, sign_document
from cerecorder.domain.errors import InvalidInput, PermissionDenied
from cerecorder.domain.model import Child, ChildDetails
from cerecorder.domain.transfers import TransferState
from cerecorder.services import (
    children,
    concerns,
    handover,
    packet_cards,
    transfer_packets,
    transfers,
)
from cerecorder.services.session import Session
from test_schooldays import HOLIDAYS

from helpers import STAFF_PASS, MockClock, add_staff, content, new_vault, switch_to

UPN = "A123456789012"


def _school(folder: Path, clock: MockClock, name: str) -> Session:
    s = new_vault(folder, clock)
    with s.uow() as uow:
        uow.meta.set(handover.SCHOOL_KEY, name)
        uow.commit()
    return s


@pytest.fixture
def schools(tmp_path: Path, clock: MockClock) -> tuple[Session, Session, int]:
    sender = _school(tmp_path / "sender", clock, "Eastcombe Academy")
    receiver = _school(tmp_path / "receiver", clock, "Hillside High")
    amy = children.add_child(sender, ChildDetails("Amy", "Khan", upn=UPN,
                                                  date_of_birth=date(2012, 4, 1)))
    concerns.record_concern(sender, content((amy,), clock, facts="Picked up by a silver car.",
                                            occurred_at=clock.now() - timedelta(days=2)))
    return sender, receiver, amy


def test_a_file_goes_across_and_its_receipt_comes_back(
    schools: tuple[Session, Session, int], clock: MockClock, tmp_path: Path,
) -> None:
    sender, receiver, amy = schools
    transfer_id = transfers.open_transfer(sender, HOLIDAYS, amy, clock.now().date(),
                                          "Hillside High")
    card = packet_cards.recipient_card(receiver)
    with pytest.raises(InvalidInput, match="does not match"):
        transfer_packets.seal_transfer(sender, amy, card, "AAAA-BBBB-CCCC-DDDD", "Transfer")
    packet_id, sealed = transfer_packets.seal_transfer(sender, amy, card,
                                                       card.signer_fingerprint, "Transfer")
    assert transfers.transfers(sender, HOLIDAYS)[0].status.state is TransferState.SENT

    got = transfer_packets.import_transfer(receiver, sealed)
    assert not got.already and got.from_school == "Eastcombe Academy"
    received_child = receiver_child(receiver)
    assert received_child.details.upn == UPN and got.child_id == received_child.id
    files = transfer_packets.received_files(receiver, got.child_id)
    assert files[0]["file"]["concerns"][0]["facts"] == "Picked up by a silver car."
    assert "verified" in got.describe()
    again = transfer_packets.import_transfer(receiver, sealed)
    assert again.already and again.id == got.id  # the same packet twice is one import

    assert transfer_packets.file_receipt(sender, got.receipt) == transfer_id
    row = transfers.transfers(sender, HOLIDAYS)[0]
    assert row.status.state is TransferState.ACKNOWLEDGED
    assert transfer_packets.file_receipt(sender, got.receipt) is None  # filed once
    assert packet_id in json.dumps(json.loads(got.receipt))


def receiver_child(receiver: Session) -> Child:
    return children.list_children(receiver, include_left=True)[0]


def test_the_age_tool_opens_a_transfer_packet(schools: tuple[Session, Session, int],
                                              tmp_path: Path) -> None:
    sender, receiver, amy = schools
    card = packet_cards.recipient_card(receiver)
    _packet_id, sealed = transfer_packets.seal_transfer(sender, amy, card,
                                                        card.signer_fingerprint, "Transfer")
    packet = tmp_path / "amy.cetransfer"
    packet.write_bytes(sealed)
    identity = tmp_path / "identity.txt"
    identity.write_text(packet_cards.packet_identity(receiver) + "\n", encoding="ascii")
    age = shutil.which("age")
    assert age is not None, "CI installs age (dev.py TEST_APT_PACKAGES)"
    opened = subprocess.run([age, "-d", "-i", str(identity), str(packet)], check=True,
                            capture_output=True)
    document = json.loads(opened.stdout)["document"]
    assert document["file"]["child"]["upn"] == UPN
    assert document["to_school"] == "Hillside High"


def test_bad_packets_are_refused_and_change_nothing(
    schools: tuple[Session, Session, int], tmp_path: Path, clock: MockClock,
) -> None:
    sender, receiver, amy = schools
    other = _school(tmp_path / "other", clock, "Northgate")
    card = packet_cards.recipient_card(receiver)
    _id, sealed = transfer_packets.seal_transfer(sender, amy, card, card.signer_fingerprint,
                                                 "Transfer")
    elsewhere_card = packet_cards.recipient_card(other)
    _id2, for_other = transfer_packets.seal_transfer(sender, amy, elsewhere_card,
                                                     elsewhere_card.signer_fingerprint, "T")
    tampered = bytearray(sealed)
    tampered[-40] ^= 0x01
    before = len(children.list_children(receiver, include_left=True))
    for bad, reason in ((for_other, "wrong_recipient"), (bytes(tampered), "damaged"),
                        (b"not a packet", "not_age")):
        with pytest.raises(PacketRefused) as refused:
            transfer_packets.import_transfer(receiver, bad)
        assert refused.value.reason == reason, refused.value
    assert len(children.list_children(receiver, include_left=True)) == before
    transfer_packets.import_transfer(receiver, sealed)
    _id3, second = transfer_packets.seal_transfer(sender, amy, card, card.signer_fingerprint,
                                                  "Transfer again")
    with pytest.raises(PacketRefused, match="received from that school before"):
        transfer_packets.import_transfer(receiver, second)
    genuine = transfer_packets.import_transfer(receiver, sealed).receipt
    with pytest.raises(PacketRefused) as refused:  # altered after it was signed
        transfer_packets.file_receipt(sender, genuine.replace(b"Dana Lead", b"Eve Forger"))
    assert refused.value.reason == "bad_signature"
    receipt = json.loads(genuine)["document"]
    with other.uow() as uow:
        other_key = packet_cards.signing_key(uow, other)
        uow.commit()
    receipt["signer"] = other_key.verify_key  # signed by a school it was not sealed for
    with pytest.raises(PacketRefused, match="not signed by the school"):
        transfer_packets.file_receipt(sender, sign_document(receipt, other_key))


def test_staff_cannot_seal_or_import(schools: tuple[Session, Session, int]) -> None:
    sender, receiver, amy = schools
    card = packet_cards.recipient_card(receiver)
    add_staff(sender)
    teacher = switch_to(sender, "teacher", STAFF_PASS)
    with pytest.raises(PermissionDenied):
        transfer_packets.seal_transfer(teacher, amy, card, card.signer_fingerprint, "T")
    with pytest.raises(PermissionDenied):
        transfer_packets.import_transfer(teacher, b"x")


def test_the_command_line_carries_a_file_across(schools: tuple[Session, Session, int],
                                                tmp_path: Path) -> None:
    from test_schooldays import _cli

    sender, receiver, amy = schools
    card = packet_cards.recipient_card(receiver)
    card_file = tmp_path / "hillside.cecard"
    card_file.write_bytes(card.to_bytes())
    sender_dir, receiver_dir = sender.vault.files.folder, receiver.vault.files.folder
    sender.lock()
    receiver.lock()
    out = tmp_path / "outgoing"
    out.mkdir()
    code, said, err = _cli("transfer", sender_dir, "--child", amy, "--card", card_file,
                           "--fingerprint", card.signer_fingerprint, "--purpose", "Transfer",
                           "--out", out)
    assert code == 0, err
    packet = next(out.glob("*.cetransfer"))
    assert "sealed for Hillside High" in said
    code, said, err = _cli("import-transfer", receiver_dir, packet)
    assert code == 0, err
    assert said.startswith("Received: child 1's file from Eastcombe Academy, verified")
    receipt = packet.with_suffix(".cereceipt")
    assert receipt.exists()
    code, said, err = _cli("transfer-receipt", sender_dir, receipt)
    assert (code, said.strip()) == (0, "Receipt filed."), err

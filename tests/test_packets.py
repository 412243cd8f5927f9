"""Sealed packets between two vaults in temporary folders: a staff laptop seals, the DSL's
vault imports, a receipt goes back; and every kind of bad packet is refused whole."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import BinaryIO

import pytest

from cerecorder.cli.main import run
from cerecorder.crypto import packets as crypto
from cerecorder.domain.errors import (
    EnvironmentProblem,
    InvalidInput,
    PermissionDenied,
    ReadOnlyLocation,
)
from cerecorder.domain.model import ChildDetails, ConcernStatus, EntryKind, Mention, Role
from cerecorder.domain.roster import upn_check_letter
from cerecorder.services import (
    cards,
    children,
    concerns,
    flags,
    packet_cards,
    packet_sending,
    packets,
    register,
    session,
    users,
)
from cerecorder.services.session import Session
from cerecorder.storage.repositories import PacketRepository

from helpers import (
    DSL_PASS,
    FAST_KDF,
    STAFF_PASS,
    TAXONOMY,
    MockClock,
    add_child,
    content,
    new_vault,
    switch_to,
)

CANARY = "CANARY-packet-Zoë-7f3a"
UPN = "A123456789012"
DOB = date(2012, 3, 14)


@dataclass
class Pair:
    dsl: Session
    staff: Session
    card: packets.RecipientCard
    share: Path
    dsl_clock: MockClock
    staff_clock: MockClock
    staff_child: int

    def record(self, **more: object) -> int:
        values: dict[str, object] = {"facts": f"Facts {CANARY}", **more}
        return concerns.record_concern(self.staff, content(
            (self.staff_child,), self.staff_clock, **values))

    def send(self) -> packet_sending.SendReport:
        return packet_sending.send_waiting(self.staff, self.card, self.share)

    def packet_files(self) -> list[Path]:
        return sorted(self.share.glob("*.cepacket"))

    def dsl_concerns(self) -> list[int]:
        return [int(r[0]) for r in self.dsl.vault.conn.execute(
            "SELECT id FROM concerns ORDER BY id").fetchall()]


def staff_laptop(folder: Path, clock: MockClock, **child: object) -> tuple[Session, int]:
    """A staff member's own vault: IT set it up with a local DSL account to load the
    roll, then the member of staff unlocks it as themselves."""
    setup, _ = session.create(folder, user_name="setup", display_name="IT setup",
                              role=Role.DSL, passphrase=DSL_PASS, clock=clock,
                              taxonomy=TAXONOMY, kdf=FAST_KDF)
    child_id = add_child(setup, **child)
    users.add_user(setup, name="teacher", display_name="Terry Teacher", role=Role.STAFF,
                   passphrase=STAFF_PASS)
    return switch_to(setup, "teacher", STAFF_PASS), child_id


def make_pair(tmp_path: Path, *, enrol: bool = True, pin: bool = True,
              **child: object) -> Pair:
    dsl_clock, staff_clock = MockClock(), MockClock()
    dsl = new_vault(tmp_path / "dsl-vault", dsl_clock)
    add_child(dsl, upn=UPN, date_of_birth=DOB)
    staff, child_id = staff_laptop(tmp_path / "staff-vault", staff_clock,
                                   **(child or {"upn": UPN, "date_of_birth": DOB}))
    if enrol:
        card = packet_cards.staff_card(staff)
        assert packet_cards.enrol(dsl, card, card.fingerprint.lower().replace("-", " ")) == [
            "teacher"]
    share = tmp_path / "share"
    share.mkdir()
    card = packet_cards.recipient_card(dsl)
    if pin:  # the fingerprint checked with the DSL
        assert cards.pin_card(staff, card, card.signer_fingerprint)
    return Pair(dsl, staff, card, share, dsl_clock, staff_clock, child_id)


def age_files(*paths: Path) -> None:
    """As if written ten minutes ago: not a copy still in progress."""
    old = time.time() - 600
    for path in paths:
        os.utime(path, (old, old))


def records_digest(s: Session) -> str:
    """SHA-256 of every row of every table but the audit (which gains the refusal)."""
    digest = hashlib.sha256()
    conn = s.vault.conn
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                 "AND name != 'audit' ORDER BY name").fetchall():
        for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall():
            digest.update(repr((table, tuple(row))).encode())
    return digest.hexdigest()


def audit_actions(s: Session) -> list[str]:
    with s.uow() as uow:
        return [str(r[3]) for r in uow.audit.rows()]


# -- the round trip -----------------------------------------------------------------------


def test_a_concern_goes_from_a_staff_laptop_to_the_dsl_and_a_receipt_comes_back(
        pair: Pair) -> None:
    concern_id = pair.record()
    pair.staff_clock.advance(minutes=5)
    assert pair.send() == packet_sending.SendReport(1, 0)
    [packet] = pair.packet_files()
    assert len(packet.stem) == 32 and packet.stem.isalnum()  # the id: no content in names
    assert CANARY.encode() not in packet.read_bytes()
    assert packet.read_bytes().startswith(b"age-encryption.org/v1\n")
    [status] = packet_sending.sent_status(pair.staff)
    assert status.sent_at == pair.staff_clock.now() and status.received_at is None

    pair.dsl_clock.advance(hours=1)
    report = packets.import_inbox(pair.dsl, pair.share)
    [outcome] = report.outcomes
    assert (outcome.status, outcome.packet_id) == ("imported", packet.stem)
    assert report.summary == "1 filed."
    filed = concerns.open_concern(pair.dsl, outcome.concern_id or 0).concern
    original = concerns.open_concern(pair.staff, concern_id).concern
    assert filed.status is ConcernStatus.SUBMITTED
    assert filed.uid == original.uid
    assert (filed.created_at, filed.submitted_at, filed.tz) == (
        original.created_at, original.submitted_at, original.tz)
    assert filed.content.facts == f"Facts {CANARY}"
    assert filed.content.occurred_at == original.content.occurred_at
    assert filed.content.indicator_codes == original.content.indicator_codes
    with pair.dsl.uow() as uow:
        author = uow.users.get(filed.author_id)
        [child] = uow.children.many(filed.content.child_ids)
    assert (author.name, author.display_name, author.role) == (
        "teacher", "Terry Teacher", Role.STAFF)
    assert child.details.upn == UPN
    assert "packet_imported" in audit_actions(pair.dsl)
    assert not pair.packet_files()
    assert (pair.share / "imported" / packet.name).is_file()
    receipt = pair.share / "receipts" / f"{packet.stem}.cereceipt"
    assert receipt.is_file() and CANARY.encode() not in receipt.read_bytes()

    assert packet_sending.collect_receipts(pair.staff, pair.share) == 1
    [status] = packet_sending.sent_status(pair.staff)
    assert status.received_at == pair.dsl_clock.now()
    assert packet_sending.collect_receipts(pair.staff, pair.share) == 0
    assert "packet_receipt_recorded" in audit_actions(pair.staff)


def test_the_same_packet_twice_is_one_concern(pair: Pair) -> None:
    pair.record()
    pair.send()
    [packet] = pair.packet_files()
    data = packet.read_bytes()
    packets.import_inbox(pair.dsl, pair.share)
    (pair.share / "again.cepacket").write_bytes(data)
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert outcome.status == "already"
    assert len(pair.dsl_concerns()) == 1
    assert not (pair.share / "quarantine").exists()


def test_sending_twice_sends_each_concern_once(pair: Pair) -> None:
    pair.record()
    pair.record(facts="A second concern.")
    assert pair.send().sent == 2
    assert pair.send() == packet_sending.SendReport(0, 0)
    assert len(pair.packet_files()) == 2


def test_an_unreachable_outbox_keeps_the_concern_waiting(pair: Pair) -> None:
    pair.record()
    missing = pair.share / "stick-not-plugged-in"
    report = packet_sending.send_waiting(pair.staff, pair.card, missing)
    assert (report.sent, report.waiting) == (0, 1)
    assert "not available" in report.problem
    [status] = packet_sending.sent_status(pair.staff)
    assert status.sent_at is None
    assert pair.send().sent == 1


def test_an_inbox_on_a_stick_that_is_not_plugged_in_is_told_plainly(pair: Pair) -> None:
    digest = records_digest(pair.dsl)
    with pytest.raises(EnvironmentProblem, match="is not available"):
        packets.import_inbox(pair.dsl, pair.share / "stick-not-plugged-in")
    assert records_digest(pair.dsl) == digest
    dsl_dir = pair.dsl.vault.files.folder
    pair.dsl.lock()
    code, _out, err = cli("inbox", dsl_dir, pair.share / "stick-not-plugged-in")
    assert code == 1 and "is not available" in err and "Traceback" not in err


def test_a_child_without_upn_is_matched_by_name_and_date_of_birth(tmp_path: Path) -> None:
    p = make_pair(tmp_path, date_of_birth=DOB)  # no UPN on the staff laptop
    p.record()
    p.send()
    [outcome] = packets.import_inbox(p.dsl, p.share).outcomes
    assert outcome.status == "imported"
    p.dsl.lock()
    p.staff.lock()


def test_a_child_the_dsl_merged_is_filed_to_the_record_kept(tmp_path: Path) -> None:
    """The staff laptop's roll still has a record the DSL has since merged into another
    (a second UPN, a name spelt differently): the concern goes to the record kept, never
    to the merged one, and does not wait for a match."""
    old_upn = "B12345678901" + upn_check_letter("B12345678901")
    p = make_pair(tmp_path, forenames="Zoe", surname="Olafsdottir", upn=old_upn,
                  date_of_birth=DOB)
    [kept] = [c.id for c in children.list_children(p.dsl)]
    duplicate = add_child(p.dsl, "Zoe", "Olafsdottir", upn=old_upn, date_of_birth=DOB)
    children.merge_children(p.dsl, kept, duplicate, "The same child, entered twice.")
    p.record()
    p.send()
    [outcome] = packets.import_inbox(p.dsl, p.share).outcomes
    assert outcome.status == "imported", outcome.message
    filed = concerns.open_concern(p.dsl, outcome.concern_id or 0).concern
    assert filed.content.child_ids == (kept,)
    p.dsl.lock()
    p.staff.lock()


def test_two_records_of_one_child_in_a_concern_are_filed_once(tmp_path: Path) -> None:
    """The staff laptop still has both records the DSL merged and the concern names both:
    the concern is filed naming the record kept once."""
    old_upn = "B12345678901" + upn_check_letter("B12345678901")
    p = make_pair(tmp_path)
    [kept] = [c.id for c in children.list_children(p.dsl)]
    duplicate = add_child(p.dsl, "Zoe", "Olafsdottir", upn=old_upn, date_of_birth=DOB)
    children.merge_children(p.dsl, kept, duplicate, "The same child, entered twice.")
    with p.staff.uow() as uow:  # IT loaded the staff laptop's roll before the merge
        both = uow.children.add(ChildDetails("Zoe", "Olafsdottir", upn=old_upn,
                                             date_of_birth=DOB), p.staff_clock.now(), 1)
        uow.commit()
    concerns.record_concern(p.staff, content((p.staff_child, both), p.staff_clock))
    p.send()
    [outcome] = packets.import_inbox(p.dsl, p.share).outcomes
    assert outcome.status == "imported", outcome.message
    assert concerns.open_concern(p.dsl, outcome.concern_id or 0).concern.content.child_ids \
        == (kept,)
    p.dsl.lock()
    p.staff.lock()


def test_a_left_pupil_is_still_matched(tmp_path: Path) -> None:
    """A concern recorded before a pupil left reaches the DSL after the roll marks them
    as left: it is filed on their record, not held as an unknown child."""
    p = make_pair(tmp_path)
    [pupil] = children.list_children(p.dsl)
    with p.dsl.uow() as uow:
        uow.conn.execute("UPDATE children SET left_on = '2026-07-22' WHERE id = ?",
                         (pupil.id,))
        uow.commit()
    assert children.list_children(p.dsl) == []
    p.record()
    p.send()
    [outcome] = packets.import_inbox(p.dsl, p.share).outcomes
    assert outcome.status == "imported"
    assert concerns.open_concern(p.dsl, outcome.concern_id or 0).concern.content.child_ids \
        == (pupil.id,)
    p.dsl.lock()
    p.staff.lock()


def test_an_unknown_child_waits_for_the_dsl_then_the_concern_is_filed(tmp_path: Path) -> None:
    p = make_pair(tmp_path, forenames="Kai", surname="Nguyễn", date_of_birth=date(2011, 1, 2),
                  year_group="Year 9")
    p.record()
    p.send()
    [outcome] = packets.import_inbox(p.dsl, p.share).outcomes
    assert outcome.status == "held"
    assert p.dsl_concerns() == []
    assert (p.share / "receipts" / f"{outcome.packet_id}.cereceipt").is_file()
    [item] = packets.review_list(p.dsl)
    assert (item.name, item.date_of_birth, item.year_group, item.sent_by) == (
        "Kai Nguyễn", date(2011, 1, 2), "Year 9", "Terry Teacher")
    concern_id = packets.resolve_review(p.dsl, item.review_id, None)  # add to the roll
    assert concern_id is not None and p.dsl_concerns() == [concern_id]
    assert packets.review_list(p.dsl) == []
    filed = concerns.open_concern(p.dsl, concern_id).concern
    with p.dsl.uow() as uow:
        [child] = uow.children.many(filed.content.child_ids)
    assert child.display_name == "Kai Nguyễn"
    with pytest.raises(InvalidInput, match="already been matched"):
        packets.resolve_review(p.dsl, item.review_id, None)
    p.dsl.lock()
    p.staff.lock()


def test_a_concern_held_before_its_laptop_was_revoked_can_still_be_filed(
        tmp_path: Path) -> None:
    """Received while the laptop was trusted, waiting for a child to be matched; then the
    laptop is lost and revoked. The concern it sent before is genuine: it is filed."""
    p = make_pair(tmp_path, forenames="Kai", surname="Nguyễn")
    p.record()
    p.send()
    [held] = packets.import_inbox(p.dsl, p.share).outcomes
    assert held.status == "held"
    [enrolment] = packet_cards.enrolments(p.dsl)
    packet_cards.revoke(p.dsl, enrolment.verify_key)
    [item] = packets.review_list(p.dsl)
    concern_id = packets.resolve_review(p.dsl, item.review_id, None)
    assert concern_id is not None and p.dsl_concerns() == [concern_id]
    p.dsl.lock()
    p.staff.lock()


def test_a_waiting_child_can_be_matched_to_a_pupil_on_roll(tmp_path: Path) -> None:
    p = make_pair(tmp_path, forenames="Zoe", surname="Olafsdottir")  # spelt differently
    p.record()
    p.send()
    packets.import_inbox(p.dsl, p.share)
    [item] = packets.review_list(p.dsl)
    with p.dsl.uow() as uow:
        [pupil] = uow.children.all()
    concern_id = packets.resolve_review(p.dsl, item.review_id, pupil.id)
    assert concern_id is not None
    assert concerns.open_concern(p.dsl, concern_id).concern.content.child_ids == (pupil.id,)
    p.dsl.lock()
    p.staff.lock()


def test_temporary_and_foreign_files_in_the_inbox_are_left_alone(pair: Pair) -> None:
    (pair.share / ".abc.cepacket.1a2b3c4d.tmp").write_bytes(b"half")
    (pair.share / "notes.txt").write_text("hello")
    report = packets.import_inbox(pair.dsl, pair.share)
    assert report.outcomes == ()
    assert (pair.share / ".abc.cepacket.1a2b3c4d.tmp").exists()
    assert (pair.share / "notes.txt").exists()


def test_a_packet_still_being_copied_is_left_for_the_next_run(pair: Pair) -> None:
    pair.record()
    pair.send()
    [packet] = pair.packet_files()
    packet.write_bytes(packet.read_bytes()[:200])  # written just now, cut short
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert outcome.status == "waiting"
    assert packet.exists()


def test_a_file_gone_or_unreadable_mid_import_leaves_the_rest_to_import(
        pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sync program moves a file away, or the share lets this account list a file but
    not read it: that one is left, with a reason, and the rest are filed."""
    pair.record()
    pair.send()
    (pair.share / "gone.cepacket").write_bytes(b"age-encryption.org/v1\n")
    (pair.share / "locked.cepacket").write_bytes(b"age-encryption.org/v1\n")
    real = packets._open_packet

    def opening(path: Path) -> BinaryIO:
        if path.name == "gone.cepacket":
            path.unlink()
        if path.name == "locked.cepacket":
            raise ReadOnlyLocation(f"{path.parent} cannot be written to.")
        return real(path)

    monkeypatch.setattr(packets, "_open_packet", opening)
    report = packets.import_inbox(pair.dsl, pair.share)
    outcomes = {o.file_name: o for o in report.outcomes}
    assert outcomes["gone.cepacket"].status == "waiting"
    assert "went from the inbox" in outcomes["gone.cepacket"].message
    assert outcomes["locked.cepacket"].status == "waiting"
    assert "may not read it" in outcomes["locked.cepacket"].message
    assert report.count("imported") == 1 and len(pair.dsl_concerns()) == 1
    assert (pair.share / "locked.cepacket").exists()


def test_a_copy_that_kept_an_old_modified_time_is_still_left_while_copying(
        pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows Explorer copies a packet from a USB stick keeping its modified time of
    hours ago; the copy's creation time is now, so a half-copied packet is left, not
    quarantined as damaged."""
    pair.record()
    pair.send()
    [packet] = pair.packet_files()
    packet.write_bytes(packet.read_bytes()[:200])
    age_files(packet)
    real_stat = Path.stat

    def stat(self: Path, **kwargs: bool) -> object:
        st = real_stat(self, **kwargs)
        if self.suffix != ".cepacket":
            return st
        fields = {k: getattr(st, k) for k in dir(st) if k.startswith("st_")}
        return SimpleNamespace(**{**fields, "st_birthtime": time.time()})

    monkeypatch.setattr(Path, "stat", stat)
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert outcome.status == "waiting" and packet.exists()


# -- bad packets ---------------------------------------------------------------------------


def test_packets_and_receipts_carry_the_signed_anchor_of_the_vault_that_wrote_them(
        pair: Pair) -> None:
    from cerecorder.services.anchors import Anchor

    pair.record()
    pair.send()
    anchor = Anchor.from_json(_document(pair)["anchor"])
    with pair.staff.uow() as uow:
        assert uow.audit.hash_of(anchor.row) == anchor.hash
    assert anchor.vault_id == pair.staff.vault.vault_id
    assert crypto.signature_holds(_staff_key(pair).verify_key, anchor.payload(),
                                  anchor.signature)
    packets.import_inbox(pair.dsl, pair.share)
    [receipt] = (pair.share / "receipts").glob("*.cereceipt")
    document = crypto.open_envelope(receipt.read_bytes(), "receipt")
    received = Anchor.from_json(document["anchor"])
    assert received.vault_id == pair.dsl.vault.vault_id
    assert crypto.signature_holds(str(document["signer"]), received.payload(),
                                  received.signature)


def _staff_key(p: Pair) -> crypto.SigningKey:
    stored = PacketRepository(p.staff.vault.conn).signing_key()
    assert stored is not None
    return crypto.SigningKey(*stored)


def _document(p: Pair) -> dict[str, object]:
    """The document inside the packet the staff laptop sent (opened as the DSL would)."""
    [packet] = p.packet_files()
    identities = [i for _, i, _ in PacketRepository(p.dsl.vault.conn).identities()]
    return crypto.open_envelope(crypto.unseal(packet.read_bytes(), identities))


def _reseal(p: Pair, envelope: bytes, *more_recipients: str) -> None:
    [packet] = p.packet_files()
    packet.write_bytes(crypto.seal(envelope, [*(r.recipient for r in p.card.recipients),
                                              *more_recipients]))


def not_age(p: Pair) -> None:
    [packet] = p.packet_files()
    packet.write_bytes(b"%PDF-1.7 this is not a packet")


def wrong_recipient(p: Pair) -> None:
    [packet] = p.packet_files()
    other = crypto.RecipientIdentity.generate()
    packet.write_bytes(crypto.seal(b"{}", [other.recipient]))


def bad_signature(p: Pair) -> None:
    document = _document(p)
    envelope = json.loads(crypto.sign_document(document, _staff_key(p)))
    envelope["document"]["concern"]["facts"] = "Altered after signing."
    _reseal(p, crypto.canonical(envelope))


def unknown_signer(p: Pair) -> None:
    document = _document(p)
    stranger = crypto.SigningKey.generate()
    document["signer"] = stranger.verify_key
    _reseal(p, crypto.sign_document(document, stranger))


def truncated(p: Pair) -> None:
    [packet] = p.packet_files()
    packet.write_bytes(packet.read_bytes()[:-40])


def oversized(p: Pair) -> None:
    [packet] = p.packet_files()
    with open(packet, "ab") as fh:
        fh.truncate(crypto.MAX_PACKET_BYTES + 1)


def known_id_other_content(p: Pair) -> None:
    """The genuine packet is imported; then one with its id but other content arrives,
    validly signed (a laptop replaying an id, or a bug)."""
    document = _document(p)
    packets.import_inbox(p.dsl, p.share)
    assert len(p.dsl_concerns()) == 1
    document["concern"]["facts"] = "Different facts under a known id."  # type: ignore[index]
    (p.share / "replay.cepacket").write_bytes(crypto.seal(
        crypto.sign_document(document, _staff_key(p)), [r.recipient for r in p.card.recipients]))


def odd_mention(p: Pair) -> None:
    """A validly signed packet naming something of a kind the register does not know."""
    document = _document(p)
    document["concern"]["mentions"] = [  # type: ignore[index]
        {"kind": "spaceship", "text": "the silver one"}]
    _reseal(p, crypto.sign_document(document, _staff_key(p)))


BAD = {
    "not_age": (not_age, "not a sealed packet"),
    "malformed": (odd_mention, "cannot be read"),
    "wrong_recipient": (wrong_recipient, "sealed for someone else"),
    "bad_signature": (bad_signature, "signature does not match"),
    "unknown_signer": (unknown_signer, "not enrolled"),
    "damaged": (truncated, "damaged or cut short"),
    "oversized": (oversized, "larger than any packet"),
    "conflict": (known_id_other_content, "imported before with different content"),
}


@pytest.mark.parametrize("reason", list(BAD))
def test_a_bad_packet_is_refused_quarantined_and_nothing_is_imported(
        pair: Pair, reason: str) -> None:
    spoil, message = BAD[reason]
    pair.record()
    pair.send()
    spoil(pair)
    before = pair.dsl_concerns()
    digest = records_digest(pair.dsl)
    inbox = sorted(pair.share.glob("*.cepacket"))
    age_files(*inbox)
    report = packets.import_inbox(pair.dsl, pair.share)
    [outcome] = report.outcomes
    assert (outcome.status, outcome.reason) == ("refused", reason)
    assert message in outcome.message
    assert report.summary.endswith("1 refused.")
    assert pair.dsl_concerns() == before
    assert records_digest(pair.dsl) == digest  # nothing half-imported, anywhere
    assert packets.review_list(pair.dsl) == []
    assert not list(pair.share.glob("*.cepacket"))
    quarantined = pair.share / "quarantine" / outcome.file_name
    assert quarantined.is_file()
    why = quarantined.with_name(quarantined.name + ".reason.txt").read_text()
    assert message in why and CANARY not in why
    if reason != "conflict":  # there, the genuine packet was received before
        assert not (pair.share / "receipts").exists()
    assert audit_actions(pair.dsl)[-2:] == ["packet_refused", "inbox_imported"]


NOT_STRICT_JSON = {
    "nan": b'{"format": "cerecorder-signed-v1", "signature": "", '
           b'"document": {"signer": "", "x": NaN}}',
    "infinity": b'{"format": "cerecorder-signed-v1", "signature": "", '
                b'"document": {"signer": "", "x": 1e999}}',
    "nested": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("kind", list(NOT_STRICT_JSON))
def test_a_packet_of_json_the_app_never_writes_is_refused_not_a_crash(
        pair: Pair, kind: str) -> None:
    """Anyone with the (public) card can seal a file for the DSL: what cannot be read back
    as strict JSON is refused and quarantined, and the rest of the inbox is imported."""
    pair.record()
    pair.send()
    (pair.share / "odd.cepacket").write_bytes(crypto.seal(
        NOT_STRICT_JSON[kind], [r.recipient for r in pair.card.recipients]))
    age_files(*pair.packet_files())
    report = packets.import_inbox(pair.dsl, pair.share)
    assert sorted((o.status, o.reason) for o in report.outcomes) == [
        ("imported", ""), ("refused", "malformed")]
    assert (pair.share / "quarantine" / "odd.cepacket").is_file()


@pytest.mark.parametrize("kind", list(NOT_STRICT_JSON))
def test_a_receipt_or_card_of_json_the_app_never_writes_is_refused(
        pair: Pair, kind: str) -> None:
    pair.record()
    pair.send()
    [packet] = pair.packet_files()
    (pair.share / "receipts").mkdir()
    (pair.share / "receipts" / f"{packet.stem}.cereceipt").write_bytes(
        NOT_STRICT_JSON[kind][:crypto.MAX_CARD_BYTES])
    assert packet_sending.collect_receipts(pair.staff, pair.share) == 0
    with pytest.raises(crypto.PacketRefused, match="not a CE Recorder recipient card"):
        packets.RecipientCard.from_bytes(NOT_STRICT_JSON[kind][:crypto.MAX_CARD_BYTES])


def test_a_second_refused_file_of_the_same_name_keeps_both_in_quarantine(
        pair: Pair) -> None:
    for content_ in (b"first junk", b"second junk"):
        (pair.share / "junk.cepacket").write_bytes(content_)
        age_files(pair.share / "junk.cepacket")
        [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
        assert outcome.status == "refused"
    kept = sorted(f.read_bytes() for f in (pair.share / "quarantine").glob("*.cepacket"))
    assert kept == [b"first junk", b"second junk"]
    assert len(list((pair.share / "quarantine").glob("*.cepacket.reason.txt"))) == 2


def test_a_refused_packet_in_a_read_only_inbox_is_refused_and_left(
        pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only share (or a write-protected stick): nothing can be moved, the refusal
    is still told and audited, the vault is unchanged, and the next import does the same."""
    (pair.share / "junk.cepacket").write_bytes(b"junk")
    age_files(pair.share / "junk.cepacket")
    digest = records_digest(pair.dsl)

    def read_only(*args: object) -> None:
        raise PermissionError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "replace", read_only)
    for _ in range(2):
        [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
        assert (outcome.status, outcome.reason) == ("refused", "not_age")
        assert "could not be moved to quarantine" in outcome.message
        assert (pair.share / "junk.cepacket").read_bytes() == b"junk"
    assert records_digest(pair.dsl) == digest
    assert audit_actions(pair.dsl)[-2:] == ["packet_refused", "inbox_imported"]


def test_a_packet_from_a_laptop_that_was_never_enrolled_is_refused(tmp_path: Path) -> None:
    p = make_pair(tmp_path, enrol=False)
    p.record()
    p.send()
    age_files(*p.packet_files())
    [outcome] = packets.import_inbox(p.dsl, p.share).outcomes
    assert outcome.reason == "unknown_signer"
    assert packet_cards.my_fingerprint(p.staff) in outcome.message  # to compare at enrolment
    p.dsl.lock()
    p.staff.lock()


def test_a_forged_receipt_is_ignored(pair: Pair) -> None:
    pair.record()
    pair.send()
    [packet] = pair.packet_files()
    forger = crypto.SigningKey.generate()
    (pair.share / "receipts").mkdir()
    (pair.share / "receipts" / f"{packet.stem}.cereceipt").write_bytes(crypto.sign_document(
        {"kind": "receipt", "format_version": 1, "packet_id": packet.stem,
         "content_hash": "0" * 64, "received_at": "2026-11-16T10:00:00.000000Z",
         "signer": forger.verify_key}, forger))
    assert packet_sending.collect_receipts(pair.staff, pair.share) == 0
    assert packet_sending.sent_status(pair.staff)[0].received_at is None


@pytest.mark.parametrize("field", ["packet_id", "format_version", "created_at",
                                   "card_fingerprint", "kind"])
def test_the_signature_covers_every_field_of_the_packet(pair: Pair, field: str) -> None:
    pair.record()
    pair.send()
    envelope = json.loads(crypto.sign_document(_document(pair), _staff_key(pair)))
    envelope["document"][field] = {"packet_id": "0" * 32, "format_version": 0,
                                   "created_at": "2020-01-01T00:00:00.000000Z",
                                   "card_fingerprint": "AAAA-BBBB-CCCC-DDDD",
                                   "kind": "addendum"}[field]
    _reseal(pair, crypto.canonical(envelope))
    age_files(*pair.packet_files())
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert outcome.reason == "bad_signature"


@pytest.mark.parametrize("version", [0, 2, "1", True, 1.0])
def test_a_validly_signed_packet_of_another_format_version_is_refused(
        pair: Pair, version: object) -> None:
    pair.record()
    pair.send()
    document = _document(pair)
    document["format_version"] = version
    _reseal(pair, crypto.sign_document(document, _staff_key(pair)))
    age_files(*pair.packet_files())
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert (outcome.status, outcome.reason) == ("refused", "malformed")
    assert pair.dsl_concerns() == []


def test_a_genuine_receipt_for_one_packet_does_not_count_for_another(pair: Pair) -> None:
    pair.record()
    pair.send()
    packets.import_inbox(pair.dsl, pair.share)
    pair.record(facts="A second concern, not yet imported.")
    pair.send()
    [second] = pair.packet_files()
    [receipt] = (pair.share / "receipts").glob("*.cereceipt")
    shutil.copy(receipt, pair.share / "receipts" / f"{second.stem}.cereceipt")
    assert packet_sending.collect_receipts(pair.staff, pair.share) == 1  # the first one only
    assert [s.received_at is None for s in packet_sending.sent_status(pair.staff)] == [True, False]


def sealed_for_doctored_card(p: Pair) -> crypto.RecipientCard:
    """What a staff laptop running other software (or an old version that took unsigned
    cards) sends when someone added their own key to its card: the packet names that
    card and is sealed for it; the staff laptop's key signs it."""
    eavesdropper = crypto.RecipientIdentity.generate()
    doctored = replace(p.card, recipients=(
        *p.card.recipients, crypto.CardRecipient("Dana Lead", eavesdropper.recipient)))
    p.record()
    p.send()
    document = _document(p)
    document["card_fingerprint"] = doctored.fingerprint
    _reseal(p, crypto.sign_document(document, _staff_key(p)), eavesdropper.recipient)
    return doctored


def test_a_packet_sealed_for_a_card_the_dsl_never_issued_is_filed_with_a_warning(
        pair: Pair) -> None:
    """Someone added their own key to the staff laptop's card: the card still opens for
    the DSL, so the concern arrives, but the DSL and IT are told."""
    doctored = sealed_for_doctored_card(pair)
    pair.record(facts="Sealed for the genuine card.")
    pair.send()
    report = packets.import_inbox(pair.dsl, pair.share)
    assert report.count("imported") == 2 and len(pair.dsl_concerns()) == 2
    [warned] = [o for o in report.outcomes if o.warning]
    assert doctored.fingerprint in warned.warning and "never issued" in warned.message
    assert report.summary == "2 filed, 1 with a warning to read."
    assert "packet_card_unknown" in audit_actions(pair.dsl)

    sealed_for_doctored_card(pair)  # another, kept back for IT's scheduled import
    [third] = pair.packet_files()
    kept_back = third.read_bytes()
    third.unlink()
    (pair.share / "again.cepacket").write_bytes(
        (pair.share / "imported" / warned.file_name).read_bytes())
    dsl_dir = pair.dsl.vault.files.folder
    pair.dsl.lock()
    code, out, err = cli("inbox", dsl_dir, pair.share)  # already imported: no new warning
    assert (code, err) == (0, ""), err
    third.write_bytes(kept_back)
    code, out, err = cli("inbox", dsl_dir, pair.share)  # IT's scheduler sees it
    assert code == 1 and "never issued" in err and "1 filed, 1 with a warning" in out


# -- cards and enrolment -------------------------------------------------------------------


def test_an_altered_recipient_card_is_refused(pair: Pair) -> None:
    raw = json.loads(pair.card.to_bytes())
    raw["recipients"][0]["recipient"] = crypto.RecipientIdentity.generate().recipient
    with pytest.raises(crypto.PacketRefused, match="altered"):
        packets.RecipientCard.from_bytes(json.dumps(raw).encode())
    assert packets.RecipientCard.from_bytes(pair.card.to_bytes()) == pair.card


@pytest.mark.parametrize("version", [3, True, 2.0])
def test_a_card_of_another_version_is_refused(pair: Pair, version: object) -> None:
    raw = json.loads(pair.card.to_bytes())
    raw["version"] = version
    with pytest.raises(crypto.PacketRefused, match="not a CE Recorder recipient card"):
        packets.RecipientCard.from_bytes(json.dumps(raw).encode())


def test_the_card_seals_for_every_dsl_and_deputy(pair: Pair) -> None:
    users.add_user(pair.dsl, name="deputy", display_name="Dee Puty", role=Role.DSL,
                   passphrase=DSL_PASS)
    card = packet_cards.recipient_card(pair.dsl)
    assert [r.name for r in card.recipients] == ["Dana Lead", "Dee Puty"]
    assert card.fingerprint != pair.card.fingerprint
    assert card.verify_key == pair.card.verify_key


def test_a_fingerprint_typed_with_digits_for_letters_still_matches() -> None:
    assert packets.normalise_fingerprint("k7qd 2mxa-r4tb 6pze") == "K7QD-2MXA-R4TB-6PZE"
    assert packets.normalise_fingerprint("A0B1-C8DE") == "AOBI-CBDE"


def test_enrolment_needs_the_fingerprint_read_aloud(pair: Pair) -> None:
    card = packet_cards.staff_card(pair.staff)
    with pytest.raises(InvalidInput, match="does not match"):
        packet_cards.enrol(pair.dsl, card, "AAAA-BBBB-CCCC-DDDD")
    assert packet_cards.enrol(pair.dsl, card, card.fingerprint) == []  # already enrolled
    [enrolment] = packet_cards.enrolments(pair.dsl)
    assert (enrolment.user_name, enrolment.fingerprint) == ("teacher", card.fingerprint)


def test_roles(pair: Pair) -> None:
    with pytest.raises(PermissionDenied):
        packets.import_inbox(pair.staff, pair.share)
    with pytest.raises(PermissionDenied):
        packet_cards.recipient_card(pair.staff)
    with pytest.raises(PermissionDenied):
        packet_sending.send_waiting(pair.dsl, pair.card, pair.share)


# -- the standard age tool -----------------------------------------------------------------


def test_a_packet_opens_with_the_age_command_line_tool(pair: Pair, tmp_path: Path) -> None:
    age = shutil.which("age")
    if age is None:
        pytest.skip("the `age` command-line tool is not installed (apt-get install age)")
    pair.record()
    pair.send()
    [packet] = pair.packet_files()
    identity = tmp_path / "dsl-identity.txt"
    identity.write_text(packet_cards.packet_identity(pair.dsl) + "\n")
    done = subprocess.run([age, "--decrypt", "-i", str(identity), str(packet)],
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    envelope = json.loads(done.stdout)
    assert envelope["document"]["concern"]["facts"] == f"Facts {CANARY}"
    assert envelope["format"] == crypto.ENVELOPE_FORMAT
    assert "packet_identity_exported" in audit_actions(pair.dsl)


def test_a_late_enrolment_then_a_retry_files_the_packet(tmp_path: Path) -> None:
    p = make_pair(tmp_path, enrol=False)
    p.record()
    p.send()
    age_files(*p.packet_files())
    [refused] = packets.import_inbox(p.dsl, p.share).outcomes
    card = packet_cards.staff_card(p.staff)
    packet_cards.enrol(p.dsl, card, card.fingerprint)
    quarantined = p.share / "quarantine" / refused.file_name
    quarantined.rename(p.share / refused.file_name)
    [outcome] = packets.import_inbox(p.dsl, p.share).outcomes
    assert outcome.status == "imported"
    p.dsl.lock()
    p.staff.lock()


def test_timing_of_the_receipt_is_the_dsl_s(pair: Pair) -> None:
    pair.record()
    pair.send()
    pair.dsl_clock.advance(days=1, minutes=7)
    packets.import_inbox(pair.dsl, pair.share)
    packet_sending.collect_receipts(pair.staff, pair.share)
    assert packet_sending.sent_status(pair.staff)[0].received_at == \
        pair.staff_clock.now() + timedelta(days=1, minutes=7)


# -- the command line ----------------------------------------------------------------------


def cli(*argv: object, lines: tuple[str, ...] = (DSL_PASS,)) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in argv], taxonomy=TAXONOMY, clock=MockClock(),
               stdin=io.StringIO("".join(f"{line}\n" for line in lines)), stdout=out,
               stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_the_command_line_exports_a_card_enrols_and_imports(tmp_path: Path) -> None:
    p = make_pair(tmp_path, enrol=False)
    dsl_dir, staff_dir = p.dsl.vault.files.folder, p.staff.vault.files.folder
    p.dsl.lock()
    card_file = tmp_path / "school.cecard"
    code, out, err = cli("card", dsl_dir, "--out", card_file)
    assert code == 0, err
    card = packets.RecipientCard.from_bytes(card_file.read_bytes())
    assert (card.recipients, card.verify_key) == (p.card.recipients, p.card.verify_key)
    assert card.signer_fingerprint in out  # the one a staff laptop confirms
    assert cli("card", dsl_dir, "--out", card_file)[0] == 1  # kept unless --force

    p.record()
    packet_sending.send_waiting(p.staff, card, p.share)
    p.staff.lock()
    enrol_file = tmp_path / "teacher.ceenrol"
    code, out, err = cli("staff-card", staff_dir, "--user", "teacher", "--out", enrol_file,
                         lines=(STAFF_PASS,))
    assert code == 0, err
    fingerprint = packets.StaffCard.from_bytes(enrol_file.read_bytes()).fingerprint
    assert fingerprint in out

    code, out, err = cli("enrol", dsl_dir, enrol_file)  # no fingerprint: shown, refused
    assert code == 1 and fingerprint in out and "--fingerprint" in err
    code, out, err = cli("enrol", dsl_dir, enrol_file, "--fingerprint", "WRONG-CODE")
    assert code == 1 and "does not match" in err
    code, out, err = cli("enrol", dsl_dir, enrol_file, "--fingerprint", fingerprint)
    assert (code, out) == (0, "Enrolled teacher.\n"), err

    (p.share / "junk.cepacket").write_bytes(b"not a packet")
    age_files(p.share / "junk.cepacket")
    code, out, err = cli("inbox", dsl_dir, p.share)
    assert code == 1  # IT's scheduler sees that something was refused
    assert "imported\t" in out and "1 filed, 1 refused." in out
    assert err.startswith("cerecorder-admin: refused junk.cepacket (not_age)")
    code, out, err = cli("inbox", dsl_dir, p.share)
    assert (code, out) == (0, "0 filed.\n")


def test_the_command_line_writes_the_dsl_identity_for_the_age_tool(tmp_path: Path) -> None:
    p = make_pair(tmp_path)
    dsl_dir = p.dsl.vault.files.folder
    p.dsl.lock()
    p.staff.lock()
    out_file = tmp_path / "identity.txt"
    code, _out, err = cli("export-identity", dsl_dir, "--out", out_file)
    assert code == 0
    assert out_file.read_text().startswith("AGE-SECRET-KEY-1")
    assert "keep it as safe as the recovery key" in err
    assert out_file.stat().st_mode & 0o077 == 0  # readable by its owner only


def test_what_another_account_reads_is_readable_and_the_identity_is_not(
        tmp_path: Path) -> None:
    """On a shared folder the DSL's account reads a staff laptop's packets, the staff
    account reads the DSL's receipts, and IT copies cards into place: those are readable
    beyond their owner (they hold nothing secret). The DSL's identity is not."""
    umask = os.umask(0o022)
    try:
        p = make_pair(tmp_path)
        p.record()
        p.send()
        (p.share / "junk.cepacket").write_bytes(b"junk")
        age_files(p.share / "junk.cepacket")
        packets.import_inbox(p.dsl, p.share)
        card_file, enrol_file = tmp_path / "school.cecard", tmp_path / "teacher.ceenrol"
        packets.write_file(card_file, packet_cards.recipient_card(p.dsl).to_bytes())
        packets.write_file(enrol_file, packet_cards.staff_card(p.staff).to_bytes())
        dsl_dir = p.dsl.vault.files.folder
        p.dsl.lock()
        p.staff.lock()
        identity = tmp_path / "identity.txt"
        assert cli("export-identity", dsl_dir, "--out", identity)[0] == 0
    finally:
        os.umask(umask)
    [packet] = (p.share / "imported").glob("*.cepacket")
    [receipt] = (p.share / "receipts").glob("*.cereceipt")
    [note] = (p.share / "quarantine").glob("*.reason.txt")
    for shared in (packet, receipt, note, card_file, enrol_file):
        assert shared.stat().st_mode & 0o777 == 0o644, shared
    assert identity.stat().st_mode & 0o777 == 0o600


def test_a_receipt_that_cannot_be_written_is_written_at_the_next_import(
        pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    pair.record()
    pair.send()
    real = packets._write_receipt

    def read_only(*args: object, **kwargs: object) -> None:
        raise ReadOnlyLocation("The share cannot be written to.")

    monkeypatch.setattr(packets, "_write_receipt", read_only)
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert outcome.status == "imported" and "could not be written yet" in outcome.message
    assert len(pair.packet_files()) == 1  # left in the inbox
    monkeypatch.setattr(packets, "_write_receipt", real)
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert outcome.status == "already"
    assert len(pair.dsl_concerns()) == 1
    assert packet_sending.collect_receipts(pair.staff, pair.share) == 1


def test_it_can_schedule_the_import_with_an_administrator_account(tmp_path: Path) -> None:
    p = make_pair(tmp_path)
    users.add_user(p.dsl, name="inbox", display_name="Scheduled import", role=Role.ADMIN,
                   passphrase=STAFF_PASS)
    p.record()
    p.send()
    dsl_dir = p.dsl.vault.files.folder
    p.dsl.lock()
    p.staff.lock()
    code, out, err = cli("inbox", dsl_dir, p.share, "--user", "inbox", lines=(STAFF_PASS,))
    assert (code, err) == (0, "")
    assert "1 filed." in out and CANARY not in out
    admin = session.unlock(dsl_dir, user_name="inbox", passphrase=STAFF_PASS,
                           clock=MockClock(), taxonomy=TAXONOMY)
    with pytest.raises(PermissionDenied):
        packets.review_list(admin)
    admin.lock()


def test_a_revoked_laptop_is_refused_and_its_staff_can_enrol_a_new_one(
        tmp_path: Path) -> None:
    p = make_pair(tmp_path)
    p.record()
    p.send()
    packets.import_inbox(p.dsl, p.share)
    [enrolment] = packet_cards.enrolments(p.dsl)
    packet_cards.revoke(p.dsl, enrolment.verify_key)  # the laptop was stolen
    assert packet_cards.enrolments(p.dsl) == []
    assert "staff_enrolment_revoked" in audit_actions(p.dsl)
    p.record(facts="Sent from the stolen laptop.")
    p.send()
    age_files(*p.packet_files())
    [outcome] = packets.import_inbox(p.dsl, p.share).outcomes
    assert outcome.reason == "unknown_signer"
    assert len(p.dsl_concerns()) == 1  # what it sent before stays filed

    stolen = packet_cards.staff_card(p.staff)  # the thief, or a muddle, offers it again
    with pytest.raises(InvalidInput, match="was revoked"):
        packet_cards.enrol(p.dsl, stolen, stolen.fingerprint)
    assert packet_cards.enrolments(p.dsl) == []

    new_laptop, _ = staff_laptop(tmp_path / "new-laptop", p.staff_clock)
    card = packet_cards.staff_card(new_laptop)
    assert packet_cards.enrol(p.dsl, card, card.fingerprint) == ["teacher"]
    new_laptop.lock()
    p.dsl.lock()
    p.staff.lock()


# -- addenda -------------------------------------------------------------------------------


def test_an_addendum_follows_its_concern_to_the_dsl(pair: Pair) -> None:
    concern_id = pair.record()
    pair.send()
    [filed] = packets.import_inbox(pair.dsl, pair.share).outcomes
    pair.staff_clock.advance(hours=3)
    concerns.add_addendum(pair.staff, concern_id, f"Correction {CANARY}: it was Tuesday.")
    assert pair.send() == packet_sending.SendReport(1, 0)
    [packet] = pair.packet_files()
    assert CANARY.encode() not in packet.read_bytes()
    pair.dsl_clock.advance(hours=4)
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert outcome.status == "imported"
    assert outcome.message == f"Added to concern #{filed.concern_id} as an addendum."
    [addendum] = concerns.open_concern(pair.dsl, filed.concern_id or 0).addenda
    [original] = concerns.open_concern(pair.staff, concern_id).addenda
    assert (addendum.body, addendum.created_at, addendum.tz) == (
        original.body, original.created_at, original.tz)
    with pair.dsl.uow() as uow:
        assert uow.users.get(addendum.author_id).name == "teacher"
    (pair.share / "again.cepacket").write_bytes(
        (pair.share / "imported" / packet.name).read_bytes())
    assert [o.status for o in packets.import_inbox(pair.dsl, pair.share).outcomes] == [
        "already"]
    assert len(concerns.open_concern(pair.dsl, filed.concern_id or 0).addenda) == 1

    assert packet_sending.collect_receipts(pair.staff, pair.share) == 2
    [status] = packet_sending.sent_status(pair.staff)
    assert status.addenda == ((pair.staff_clock.now(), pair.dsl_clock.now()),)


def test_an_addendum_written_before_sending_goes_after_its_concern(pair: Pair) -> None:
    concern_id = pair.record()
    concerns.add_addendum(pair.staff, concern_id, "Later information.")
    assert pair.send() == packet_sending.SendReport(2, 0)
    report = packets.import_inbox(pair.dsl, pair.share)
    assert report.count("imported") == 2
    [(dsl_concern, _)] = [(o.concern_id, o) for o in report.outcomes
                          if o.message.startswith("Filed")]
    assert len(concerns.open_concern(pair.dsl, dsl_concern or 0).addenda) == 1


def test_an_addendum_to_a_concern_awaiting_a_match_waits_in_the_inbox(tmp_path: Path) -> None:
    p = make_pair(tmp_path, forenames="Kai", surname="Nguyễn")
    concern_id = p.record()
    p.send()
    packets.import_inbox(p.dsl, p.share)  # held: Kai is not on roll
    concerns.add_addendum(p.staff, concern_id, "Later information.")
    p.send()
    [outcome] = packets.import_inbox(p.dsl, p.share).outcomes
    assert outcome.status == "waiting" and "not filed here yet" in outcome.message
    assert len(p.packet_files()) == 1
    [item] = packets.review_list(p.dsl)
    filed = packets.resolve_review(p.dsl, item.review_id, None)
    [outcome] = packets.import_inbox(p.dsl, p.share).outcomes
    assert outcome.status == "imported" and outcome.concern_id == filed
    p.dsl.lock()
    p.staff.lock()


def test_no_record_content_reaches_any_file_of_the_handover(tmp_path: Path) -> None:
    """Vaults, share, receipts, quarantine notes, logs: the canary is nowhere on disk."""
    p = make_pair(tmp_path, forenames=CANARY)
    concern_id = p.record()
    concerns.add_addendum(p.staff, concern_id, f"Addendum {CANARY}")
    p.send()
    (p.share / "junk.cepacket").write_bytes(b"junk")
    age_files(p.share / "junk.cepacket")
    packets.import_inbox(p.dsl, p.share)  # held: the child is not on roll
    [item] = packets.review_list(p.dsl)
    packets.resolve_review(p.dsl, item.review_id, None)
    packets.import_inbox(p.dsl, p.share)  # and now the addendum
    packet_sending.collect_receipts(p.staff, p.share)
    keys = [_staff_key(p).secret.encode(), b"AGE-SECRET-KEY-",
               *(i.encode() for _, i, _ in PacketRepository(p.dsl.vault.conn).identities())]
    with p.dsl.uow() as uow:
        keys.append(str(uow.conn.execute(
            "SELECT secret FROM signing_key").fetchone()[0]).encode())
    p.dsl.lock()
    p.staff.lock()
    written = [f for f in tmp_path.rglob("*") if f.is_file()]
    assert any(f.parent.name == "quarantine" for f in written)
    assert any(f.parent.name == "receipts" for f in written)
    for f in written:
        data = f.read_bytes()
        assert CANARY.encode() not in data, f
        assert CANARY.encode("utf-16-le") not in data, f
        for secret in keys:  # packet keys live only inside the encrypted vaults
            assert secret not in data, f


def test_an_imported_concern_raises_its_pattern_flags(pair: Pair) -> None:
    pair.record()  # an older boyfriend (CSE-01) and gifts (SHARED-01), in one concern
    pair.send()
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    [flag] = flags.open_flags(pair.dsl)
    assert flag.rule_code == "OLDER-PARTNER-AND-GIFTS"
    assert flag.ids("concern") == [outcome.concern_id]


def test_what_staff_named_travels_in_the_packet_and_waits_for_the_dsl(pair: Pair) -> None:
    lines = (Mention(EntryKind.VEHICLE, "silver Astra SV18 KWD"),
             Mention(EntryKind.PHONE, "07700 900472"))
    pair.record(mentions=lines)
    pair.send()
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    filed = concerns.open_concern(pair.dsl, outcome.concern_id or 0).concern
    assert filed.content.mentions == lines
    waiting = register.pending_mentions(pair.dsl)
    assert [(w.concern_id, w.mention) for w in waiting] == [
        (outcome.concern_id, m) for m in lines]

"""Removing a user replaces the vault's signing key: the leaver could read the old one.
A staff laptop follows the succession to the new key and then refuses the old key's
cards; anchors and receipts the old key signed count only up to its retirement."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from cerecorder import paths
from cerecorder.crypto import packets as crypto
from cerecorder.domain.timefmt import to_utc_text
from cerecorder.services import (
    anchors,
    cards,
    maintenance,
    packet_cards,
    packet_sending,
    packets,
    users,
)
from cerecorder.services.session import Session
from cerecorder.storage.key_history import KeyHistoryRepository
from cerecorder.storage.repositories import PacketRepository
from test_packets import Pair, audit_actions

from helpers import DSL_PASS, STAFF_PASS, MockClock, add_staff, new_vault, reopen, switch_to


def _key(s: Session) -> crypto.SigningKey:
    stored = PacketRepository(s.vault.conn).signing_key()
    assert stored is not None
    return crypto.SigningKey(*stored)


def _audit_details(s: Session, action: str) -> list[dict[str, object]]:
    with s.uow() as uow:
        return [json.loads(str(r[0])) for r in uow.conn.execute(
            "SELECT detail FROM audit WHERE action = ?", (action,))]


def _remove_leaver(pair: Pair) -> crypto.SigningKey:
    """A DSL's colleague leaves the DSL's vault; returns the signing key they could read,
    as they would have copied it before."""
    leaver = add_staff(pair.dsl, "leaver")
    old = _key(pair.dsl)
    pair.dsl_clock.advance(days=1)
    users.remove_user(pair.dsl, leaver)
    return old


def _forged_card(pair: Pair, key: crypto.SigningKey,
                 successions: tuple[crypto.Succession, ...] = ()) -> crypto.RecipientCard:
    """A card the leaver signs for their own age key, dated after everything else."""
    mine = crypto.CardRecipient("Dana Lead", crypto.RecipientIdentity.generate().recipient)
    pair.dsl_clock.advance(hours=1)
    return crypto.RecipientCard.issue(pair.card.school, (mine,), key,
                                      to_utc_text(pair.dsl_clock.now()), successions)


def test_removing_a_user_replaces_the_signing_key_and_the_cards_signer(pair: Pair) -> None:
    old = _remove_leaver(pair)
    new = _key(pair.dsl)
    assert new.verify_key != old.verify_key
    card = packet_cards.recipient_card(pair.dsl)
    assert card.signer_fingerprint != pair.card.signer_fingerprint
    [step] = card.successions
    assert (step.old_key, step.new_key, step.holds) == (old.verify_key, new.verify_key, True)
    assert _audit_details(pair.dsl, "signing_key_rotated") == [{
        "previous": crypto.verify_key_fingerprint(old.verify_key),
        "fingerprint": crypto.verify_key_fingerprint(new.verify_key)}]
    with pair.dsl.uow() as uow:
        [(retired, at, _)] = KeyHistoryRepository(uow.conn).retired_signing_keys()
    assert (retired, at) == (old.verify_key, pair.dsl_clock.now())
    # the card reads back whole, successions and all
    assert crypto.RecipientCard.from_bytes(card.to_bytes()) == card


def test_the_signing_key_is_replaced_only_by_its_recorded_successor(pair: Pair) -> None:
    """A key holder who writes another key into the table directly is stopped (verify
    would see a dropped trigger)."""
    other = crypto.SigningKey.generate()
    with pytest.raises(Exception, match="replaced only by its recorded successor"):
        pair.dsl.vault.conn.execute("UPDATE signing_key SET secret = ?, verify_key = ?",
                                    (other.secret, other.verify_key))


def test_a_laptop_follows_the_succession_then_refuses_the_old_keys_forgery(
        pair: Pair) -> None:
    old = _remove_leaver(pair)
    forged = _forged_card(pair, old)
    # The limit, as documented: before the laptop has seen the new card, the old key
    # still signs a card it would use.
    assert cards.card_problem(pair.staff, forged) == ""

    new_card = packet_cards.recipient_card(pair.dsl)
    pair.record()
    assert packet_sending.send_waiting(pair.staff, new_card, pair.share) == (
        packet_sending.SendReport(1, 0))
    assert _audit_details(pair.staff, "recipient_card_key_succeeded") == [{
        "signer": new_card.signer_fingerprint, "previous": pair.card.signer_fingerprint,
        "card": new_card.fingerprint}]

    pair.record(facts="Sealed for the leaver's card, if the laptop let it.")
    report = packet_sending.send_waiting(pair.staff, forged, pair.share)
    assert (report.sent, report.waiting) == (0, 1)
    assert report.problem == (
        f"The recipient card is signed by a key the DSL's vault has retired (fingerprint "
        f"{pair.card.signer_fingerprint}, replaced on 17/11/2026 09:30 when a user was "
        "removed), so nothing is sealed with it: it may be forged by someone who had "
        "access to the DSL's vault before. Ask the DSL for the current card.")
    assert len(pair.packet_files()) == 1
    assert cards.card_problem(pair.staff, pair.card) == report.problem  # the genuine old one
    assert cards.card_problem(pair.staff, new_card) == ""


@pytest.mark.parametrize("leaver_first", [False, True])
def test_two_successors_of_one_key_stop_both_until_the_fingerprint_is_confirmed(
        pair: Pair, leaver_first: bool) -> None:
    """The leaver signs a succession of the old key to a key of their own: a laptop that
    sees it and the genuine one (in either order) trusts neither."""
    old = _remove_leaver(pair)
    genuine = packet_cards.recipient_card(pair.dsl)
    theirs = crypto.SigningKey.generate()
    step = crypto.Succession.issue(pair.dsl.vault.vault_id, old, theirs,
                                   to_utc_text(pair.dsl_clock.now()))
    forged = _forged_card(pair, theirs, (step,))
    first, second = (forged, genuine) if leaver_first else (genuine, forged)
    pair.record()
    assert packet_sending.send_waiting(pair.staff, first, pair.share).sent == 1

    pair.record(facts="Waits for a card nobody disputes.")
    report = packet_sending.send_waiting(pair.staff, second, pair.share)
    assert (report.sent, report.waiting) == (0, 1)
    one, other = sorted((genuine.signer_fingerprint,
                         crypto.verify_key_fingerprint(theirs.verify_key)),
                        key=[first.signer_fingerprint, second.signer_fingerprint].index)
    assert report.problem == (
        "Two recipient cards name different keys as the successor of the DSL vault's key "
        f"{pair.card.signer_fingerprint} ({one} and {other}): one of them is forged, so "
        "nothing is sealed with either. Confirm the fingerprint with the DSL in person or "
        "by phone, then confirm the card in Settings, Handover, or ask IT.")
    for card in (genuine, forged):
        assert packet_sending.send_waiting(pair.staff, card, pair.share).problem == (
            report.problem)
    assert "recipient_card_key_conflict" in audit_actions(pair.staff)
    # The member of staff checks the fingerprint with the DSL and confirms the genuine card.
    assert cards.pin_card(pair.staff, genuine, genuine.signer_fingerprint)
    assert packet_sending.send_waiting(pair.staff, genuine, pair.share) == (
        packet_sending.SendReport(1, 0))
    assert cards.card_problem(pair.staff, forged) != ""


def test_a_tampered_succession_is_refused(pair: Pair) -> None:
    old = _remove_leaver(pair)
    card = packet_cards.recipient_card(pair.dsl)
    raw = json.loads(card.to_bytes())
    raw["successions"][0]["at"] = "2026-11-01T09:30:00Z"  # the card's signature aside
    with pytest.raises(crypto.PacketRefused, match="not a CE Recorder recipient card"):
        crypto.RecipientCard.from_bytes(json.dumps(raw).encode())
    [step] = card.successions
    # signed by the old key only: whoever holds it cannot name a key they do not hold
    theirs = crypto.SigningKey.generate()
    unproven = replace(step, new_key=theirs.verify_key, old_signature=old.sign(
        replace(step, new_key=theirs.verify_key).payload()))
    assert not unproven.holds
    # a genuine succession on a card signed by another key: it does not lead there
    stray = crypto.RecipientCard.issue(card.school, card.recipients, theirs, card.issued_at,
                                       (step,))
    with pytest.raises(crypto.PacketRefused, match="not a CE Recorder recipient card"):
        crypto.RecipientCard.from_bytes(stray.to_bytes())
    # and one in memory is not followed either
    assert cards.card_problem(pair.staff, replace(card, successions=(unproven,))) != ""


def test_receipts_after_the_succession_are_checked_with_the_new_key(pair: Pair) -> None:
    """A packet sealed for the old card: the DSL's receipt after the removal is signed by
    the new key and counts once the laptop follows it; a receipt the leaver signs with the
    old key, dated after its retirement, does not. One the old key signed before its
    retirement still does."""
    pair.record()
    pair.send()
    pair.record(facts="A second, received before the removal.")
    pair.send()
    first = next(p for p in pair.packet_files())
    hold = pair.share.parent / "held"
    hold.mkdir()
    first.rename(hold / first.name)
    pair.dsl_clock.advance(minutes=10)
    assert packets.import_inbox(pair.dsl, pair.share).summary.startswith("1 filed")
    old = _remove_leaver(pair)
    assert packet_sending.send_waiting(pair.staff, packet_cards.recipient_card(pair.dsl),
                                       pair.share).problem == ""

    (hold / first.name).rename(pair.share / first.name)
    pair.dsl_clock.advance(minutes=1)
    receipts = pair.share / packets.RECEIPTS
    forged_path = receipts / f"{first.stem}{packets.RECEIPT_SUFFIX}"
    with pair.staff.uow() as uow:
        [(_, sent_hash, _)] = [row for row in PacketRepository(uow.conn).awaiting_receipt(
            pair.staff.user.id) if row[0] == first.stem]
    forged_path.write_bytes(crypto.sign_document({
        "kind": "receipt", "format_version": packets.FORMAT_VERSION, "packet_id": first.stem,
        "content_hash": sent_hash, "received_at": to_utc_text(pair.dsl_clock.now()),
        "signer": old.verify_key, "anchor": None}, old))
    assert packet_sending.collect_receipts(pair.staff, pair.share) == 1  # the one before
    assert packets.import_inbox(pair.dsl, pair.share).summary.startswith("1 filed")
    assert packet_sending.collect_receipts(pair.staff, pair.share) == 1  # the new key's


def _anchored_leaver_vault(folder: Path, clock: MockClock) -> tuple[crypto.SigningKey, Path]:
    s = new_vault(folder, clock)
    s.anchor_folders = (paths.anchor_dir(),)
    leaver = add_staff(s, "leaver")
    s.lock()  # an anchor signed by the key the leaver could read
    kept = folder.parent / "kept-anchors"
    kept.mkdir()
    for path in paths.anchor_dir().glob("*.ceanchor"):
        (kept / path.name).write_bytes(path.read_bytes())
    s = reopen(folder, clock)
    old = _key(s)
    clock.advance(hours=2)
    users.remove_user(s, leaver)
    s.lock()
    return old, kept


def test_an_anchor_from_before_the_retirement_verifies_and_a_later_forgery_does_not(
        vault_dir: Path, tmp_path: Path, clock: MockClock) -> None:
    old, kept = _anchored_leaver_vault(vault_dir, clock)
    s = reopen(vault_dir, clock, anchor_folders=(kept,))
    report = maintenance.verify(s)
    assert report.ok, report
    assert (report.anchors_held, report.anchor_unsigned) == (1, ())

    # The leaver signs an anchor of the chain as it is now with the key they kept.
    with s.uow() as uow:
        row, digest = uow.audit.last() or (0, "")
    clock.advance(minutes=5)
    forged = anchors.Anchor(s.vault.vault_id, row, digest, clock.now())
    forged = replace(forged, signature=old.sign(forged.payload()))
    elsewhere = tmp_path / "their-anchors"
    anchors.write(forged, (elsewhere,))
    s.lock()
    s = reopen(vault_dir, clock, anchor_folders=(kept, elsewhere))
    report = maintenance.verify(s)
    s.lock()
    assert not report.ok
    assert report.anchor_unsigned == (
        f"anchor {anchors.anchor_file(elsewhere, s.vault.vault_id)} is signed by a key this "
        "vault retired when a user was removed (on 16/11/2026 11:30) but is dated after "
        "that (16/11/2026 11:35): it is forged, perhaps by the removed user",)


def _seal_forgery(pair: Pair, document: dict[str, object], key: crypto.SigningKey,
                  tag: str, **changes: object) -> None:
    forged = {k: v for k, v in document.items() if k != "successions"}
    forged.update(signer=key.verify_key, packet_id=tag * 32, **changes)
    forged["concern"] = {**document["concern"], "uid": f"forged-{tag}",  # type: ignore[dict-item]
                         "facts": "Forged by the supply teacher."}
    (pair.share / f"{tag * 32}.cepacket").write_bytes(crypto.seal(
        crypto.sign_document(forged, key), [r.recipient for r in pair.card.recipients]))


def test_the_dsl_follows_a_staff_laptop_whose_key_was_replaced(pair: Pair) -> None:
    """IT removes a supply teacher from a shared staff laptop: its key changes, and the
    DSL's vault moves the laptop's enrolment to the new key from its next packet. The old
    key, which the supply teacher could read, signs nothing dated after that, and a
    successor of it the supply teacher names is refused."""
    pair.record(facts="Sent before the removal, imported after the next one.")
    pair.send()
    [in_transit] = pair.packet_files()
    held = in_transit.rename(pair.share.parent / in_transit.name)
    setup = switch_to(pair.staff, "setup", DSL_PASS)
    supply = add_staff(setup, "supply")
    old = _key(setup)
    pair.staff_clock.advance(days=1)
    users.remove_user(setup, supply)
    pair.staff = switch_to(setup, "teacher", STAFF_PASS)
    pair.staff_clock.advance(minutes=5)
    pair.record(facts="Sent after the removal.")
    pair.send()
    [sent] = pair.packet_files()
    identities = [i for _, i, _ in PacketRepository(pair.dsl.vault.conn).identities()]
    document = crypto.open_envelope(crypto.unseal(sent.read_bytes(), identities))
    pair.dsl_clock.advance(days=1, minutes=10)
    assert packets.import_inbox(pair.dsl, pair.share).summary == "1 filed."
    new = _key(pair.staff)
    assert [e.verify_key for e in packet_cards.enrolments(pair.dsl)] == [new.verify_key]
    [moved] = _audit_details(pair.dsl, "staff_laptop_key_succeeded")
    assert (moved["previous"], moved["fingerprint"]) == (
        crypto.verify_key_fingerprint(old.verify_key),
        crypto.verify_key_fingerprint(new.verify_key))
    held.rename(in_transit)
    assert packets.import_inbox(pair.dsl, pair.share).summary == "1 filed."  # dated before

    # The supply teacher forges a concern as Terry Teacher with the key they kept...
    _seal_forgery(pair, document, old, "e")
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert outcome.status == "refused"
    assert outcome.message.startswith(
        "The packet is signed by a staff laptop key that was replaced on 17/11/2026 09:30 "
        f"(fingerprint {crypto.verify_key_fingerprint(old.verify_key)}; a user was removed "
        "from that laptop) and is dated after that, so it may be forged by the removed "
        "user; it was not filed.")
    # ...and with a key of their own, that they say succeeded the old one.
    theirs = crypto.SigningKey.generate()
    step = crypto.Succession.issue(pair.staff.vault.vault_id, old, theirs,
                                   to_utc_text(pair.staff_clock.now()))
    _seal_forgery(pair, document, theirs, "d", successions=crypto.chain_json([step]))
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert outcome.status == "refused"
    assert outcome.message.startswith(
        "The packet says the staff laptop key "
        f"{crypto.verify_key_fingerprint(old.verify_key)} was replaced by "
        f"{crypto.verify_key_fingerprint(theirs.verify_key)}, but an earlier packet said "
        f"{crypto.verify_key_fingerprint(new.verify_key)}: one of them is forged")
    assert len(pair.dsl_concerns()) == 2


def test_a_transfer_sealed_for_the_card_before_a_removal_imports_and_its_receipt_counts(
        tmp_path: Path, clock: MockClock) -> None:
    """The receiving school removes a user between the sender's sealing and its import:
    the packet names the retired key, and the receipt the new key signs carries the
    succession the sender follows."""
    from cerecorder.domain.model import ChildDetails
    from cerecorder.services import children, handover, transfer_packets

    sender, receiver = new_vault(tmp_path / "sender", clock), new_vault(tmp_path / "receiver",
                                                                       clock)
    for s, name in ((sender, "Eastcombe Academy"), (receiver, "Hillside High")):
        with s.uow() as uow:
            uow.meta.set(handover.SCHOOL_KEY, name)
            uow.commit()
    amy = children.add_child(sender, ChildDetails("Amy", "Khan", upn="A123456789012"))
    card = packet_cards.recipient_card(receiver)
    packet_id, sealed = transfer_packets.seal_transfer(sender, amy, card,
                                                       card.signer_fingerprint, "Transfer")
    clock.advance(hours=1)
    users.remove_user(receiver, add_staff(receiver, "leaver"))
    got = transfer_packets.import_transfer(receiver, sealed)
    receipt = json.loads(got.receipt)["document"]
    assert receipt["signer"] == _key(receiver).verify_key != card.verify_key
    transfer_packets.file_receipt(sender, got.receipt)
    with sender.uow() as uow:
        assert uow.transfer_packets.sealed(packet_id)[6] is not None  # type: ignore[index]
    sender.lock()
    receiver.lock()

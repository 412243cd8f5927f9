"""Trust in the DSL's recipient card: signed by the DSL vault's key, pinned on a staff
laptop once its fingerprint is checked, and compared with every packet it sealed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from cerecorder.crypto import packets as crypto
from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import Role
from cerecorder.services import cards, packet_cards, packet_sending, packets, users
from cerecorder.storage.repositories import PacketRepository
from test_packets import (
    Pair,
    _document,
    _reseal,
    _staff_key,
    audit_actions,
    cli,
    make_pair,
)

from helpers import DSL_PASS, STAFF_PASS, new_vault, switch_to


@pytest.fixture
def unpinned(tmp_path: Path) -> Iterator[Pair]:
    p = make_pair(tmp_path, pin=False)
    yield p
    for s in (p.dsl, p.staff):
        if s.is_open:
            s.lock()


# -- the packet's recipients against its card -------------------------------------------


def test_a_packet_sealed_for_one_recipient_more_than_its_card_is_filed_with_a_warning(
        pair: Pair) -> None:
    """The packet names the genuine card, but someone (other software on the laptop) also
    sealed it for their own key. age cannot say whose key a stanza is for; it can count."""
    pair.record()
    pair.send()
    eavesdropper = crypto.RecipientIdentity.generate()
    _reseal(pair, crypto.sign_document(_document(pair), _staff_key(pair)),
            eavesdropper.recipient)
    report = packets.import_inbox(pair.dsl, pair.share)
    [outcome] = report.outcomes
    assert outcome.status == "imported" and len(pair.dsl_concerns()) == 1
    assert outcome.warning == (
        "Warning: it was sealed for 2 recipients but the recipient card it names "
        f"(fingerprint {pair.card.fingerprint}) has 1, so someone other than the DSLs may "
        "be able to read it: ask IT to check the sender's laptop.")
    assert report.summary == "1 filed, 1 with a warning to read."
    assert "packet_recipients_extra" in audit_actions(pair.dsl)

    pair.record(facts="A second, sealed as it should be.")
    pair.send()
    pair.record(facts="A third, sealed for one more again.")
    pair.send()
    aside = pair.packet_files()[1]  # one stays as sealed; the other gets one more
    genuine = aside.read_bytes()
    aside.unlink()
    _reseal(pair, crypto.sign_document(_document(pair), _staff_key(pair)),
            eavesdropper.recipient)
    aside.write_bytes(genuine)
    dsl_dir = pair.dsl.vault.files.folder
    pair.dsl.lock()
    code, out, err = cli("inbox", dsl_dir, pair.share)  # IT's scheduler sees it
    assert code == 1 and "sealed for 2 recipients" in err
    assert "2 filed, 1 with a warning" in out


def test_a_card_with_a_deputy_is_compared_with_its_own_count(pair: Pair) -> None:
    users.add_user(pair.dsl, name="deputy", display_name="Dee Puty", role=Role.DSL,
                   passphrase=DSL_PASS)
    card = packet_cards.recipient_card(pair.dsl)
    pair.record()
    packet_sending.send_waiting(pair.staff, card, pair.share)
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert (outcome.status, outcome.warning) == ("imported", "")


def test_the_recipients_of_an_age_file_are_counted_without_its_grease() -> None:
    keys = [crypto.RecipientIdentity.generate().recipient for _ in range(3)]
    sealed = crypto.seal(b"x", keys)
    assert b"-grease" in sealed[:2000]  # pyrage adds one stanza that belongs to nobody
    assert crypto.recipient_count(sealed) == 3
    with pytest.raises(crypto.PacketRefused, match="header is damaged"):
        crypto.recipient_count(sealed[:60])


# -- the card is signed ---------------------------------------------------------------


def test_a_card_edited_to_add_a_key_is_refused_even_with_its_fingerprint_redone(
        pair: Pair) -> None:
    """Whoever can edit the card file on a staff laptop could add a key and work out the
    fingerprint again: only the DSL vault's signature stops it."""
    stranger = crypto.CardRecipient("Dana Lead", crypto.RecipientIdentity.generate().recipient)
    raw = json.loads(pair.card.to_bytes())
    raw["recipients"].append({"name": stranger.name, "recipient": stranger.recipient})
    raw["fingerprint"] = replace(pair.card, recipients=(
        *pair.card.recipients, stranger)).fingerprint
    with pytest.raises(crypto.PacketRefused, match="altered after the DSL exported it"):
        packets.RecipientCard.from_bytes(json.dumps(raw).encode())


def test_a_signed_card_that_is_not_as_ce_recorder_writes_it_is_refused(pair: Pair) -> None:
    """Signed by the DSL's key, but its fingerprint does not match its keys: no version
    of CE Recorder writes that."""
    stored = PacketRepository(pair.dsl.vault.conn).signing_key()
    assert stored is not None
    raw = json.loads(pair.card.to_bytes())
    del raw["signature"]
    raw["fingerprint"] = "AAAA-BBBB-CCCC-DDDD"
    raw["signature"] = crypto.SigningKey(*stored).sign(crypto.canonical(raw))
    with pytest.raises(crypto.PacketRefused, match="not a CE Recorder recipient card"):
        packets.RecipientCard.from_bytes(json.dumps(raw).encode())


def test_an_unsigned_card_of_the_earlier_format_is_refused_with_what_to_do(
        pair: Pair) -> None:
    old = {"format": "cerecorder-recipient-card", "version": 1, "school": "",
           "recipients": [{"name": r.name, "recipient": r.recipient}
                          for r in pair.card.recipients],
           "verify_key": pair.card.verify_key, "fingerprint": pair.card.fingerprint}
    with pytest.raises(crypto.PacketRefused) as refused:
        packets.RecipientCard.from_bytes(json.dumps(old).encode())
    assert str(refused.value) == (
        "This recipient card is from an earlier version of CE Recorder and is not signed: "
        "ask the DSL to export a new one (Settings, Handover).")


def test_a_card_altered_in_memory_seals_nothing(pair: Pair) -> None:
    """send_waiting checks the signature itself, whoever built the card it is given."""
    eavesdropper = crypto.RecipientIdentity.generate()
    doctored = replace(pair.card, recipients=(
        *pair.card.recipients, crypto.CardRecipient("Dana Lead", eavesdropper.recipient)))
    pair.record()
    report = packet_sending.send_waiting(pair.staff, doctored, pair.share)
    assert (report.sent, report.waiting) == (0, 1)
    assert "altered after the DSL exported it" in report.problem
    assert pair.packet_files() == []


# -- the staff laptop pins the DSL vault's key ------------------------------------------


def test_nothing_is_sealed_until_the_card_s_fingerprint_is_confirmed(unpinned: Pair) -> None:
    p = unpinned
    p.record()
    report = p.send()
    assert (report.sent, report.waiting) == (0, 1)
    assert report.problem == (
        f"The recipient card's fingerprint {p.card.signer_fingerprint} has not been "
        "confirmed on this laptop yet, so nothing is sealed with it: check it with the DSL "
        "in Settings, Handover (or ask IT).")
    assert p.packet_files() == []
    assert cards.card_problem(p.staff, p.card) == report.problem
    with pytest.raises(InvalidInput, match="does not match the recipient card"):
        cards.pin_card(p.staff, p.card, "AAAA-BBBB-CCCC-DDDD")
    assert cards.pin_card(p.staff, p.card, p.card.signer_fingerprint.lower())
    assert not cards.pin_card(p.staff, p.card, p.card.signer_fingerprint)  # no change
    assert "recipient_card_pinned" in audit_actions(p.staff)
    assert p.send() == packet_sending.SendReport(1, 0)
    assert cards.card_problem(p.staff, p.card) == ""


def test_a_card_from_another_vault_seals_nothing_until_its_fingerprint_is_confirmed(
        pair: Pair, tmp_path: Path) -> None:
    """Someone swaps the card file for one of their own vault's, properly signed."""
    other = new_vault(tmp_path / "other-vault", pair.dsl_clock)
    theirs = packet_cards.recipient_card(other)
    other.lock()
    pair.record()
    report = packet_sending.send_waiting(pair.staff, theirs, pair.share)
    assert (report.sent, report.waiting) == (0, 1) and pair.packet_files() == []
    assert report.problem == (
        f"The recipient card is signed by another vault (fingerprint "
        f"{theirs.signer_fingerprint}) than the DSL's vault confirmed on this laptop "
        f"({pair.card.signer_fingerprint}), so nothing is sealed with it: if the DSL's "
        "vault really changed, confirm the new fingerprint with the DSL in Settings, "
        "Handover, or ask IT.")
    # the DSL's vault really was replaced: IT checks the new fingerprint and re-pins
    assert cards.pin_card(pair.staff, theirs, theirs.signer_fingerprint)
    assert packet_sending.send_waiting(pair.staff, theirs, pair.share) == (
        packet_sending.SendReport(1, 0))
    assert cards.card_problem(pair.staff, pair.card) != ""  # the old vault's: not now


def test_a_new_card_signed_by_the_pinned_key_is_used_and_an_older_one_is_not(
        pair: Pair) -> None:
    """A deputy joins: the DSL's new card is used without asking anyone again. The card
    before it (which may name a DSL who has since left) is not used once the new one
    has been."""
    users.add_user(pair.dsl, name="deputy", display_name="Dee Puty", role=Role.DSL,
                   passphrase=DSL_PASS)
    pair.dsl_clock.advance(days=1)
    newer = packet_cards.recipient_card(pair.dsl)
    pair.record()
    assert packet_sending.send_waiting(pair.staff, newer, pair.share) == (
        packet_sending.SendReport(1, 0))
    assert "recipient_card_updated" in audit_actions(pair.staff)
    pair.record(facts="Sent with the card from before the deputy.")
    report = pair.send()  # the old card
    assert (report.sent, report.waiting) == (0, 1)
    assert report.problem == (
        "The recipient card was issued on 16/11/2026 09:30, before the one this laptop "
        "already uses (17/11/2026 09:30), so nothing is sealed with it: ask the DSL for "
        "the current card.")


def test_the_command_line_pins_the_card_for_it(unpinned: Pair, tmp_path: Path) -> None:
    p = unpinned
    staff_dir = p.staff.vault.files.folder
    setup = switch_to(p.staff, "setup", DSL_PASS)  # IT's account on the staff laptop
    users.add_user(setup, name="it", display_name="IT", role=Role.ADMIN,
                   passphrase=STAFF_PASS)
    setup.lock()
    card_file = tmp_path / "school.cecard"
    card_file.write_bytes(p.card.to_bytes())
    code, out, err = cli("pin-card", staff_dir, card_file, "--user", "it",
                         lines=(STAFF_PASS,))
    assert code == 1 and p.card.signer_fingerprint in out and "--fingerprint" in err
    code, out, err = cli("pin-card", staff_dir, card_file, "--user", "it", "--fingerprint",
                         "AAAA-BBBB-CCCC-DDDD", lines=(STAFF_PASS,))
    assert code == 1 and "does not match" in err
    code, out, err = cli("pin-card", staff_dir, card_file, "--user", "it", "--fingerprint",
                         p.card.signer_fingerprint, lines=(STAFF_PASS,))
    assert code == 0, err
    assert out == (f"This laptop now seals for the cards signed by the DSL's vault "
                   f"{p.card.signer_fingerprint}: Dana Lead.\n")
    code, out, err = cli("pin-card", staff_dir, card_file, "--user", "it", "--fingerprint",
                         p.card.signer_fingerprint, lines=(STAFF_PASS,))
    assert (code, out) == (0, "Already confirmed; nothing changed.\n")
    old = json.loads(card_file.read_bytes())
    old["version"] = 1
    card_file.write_text(json.dumps(old))
    code, out, err = cli("pin-card", staff_dir, card_file, "--user", "it", "--fingerprint",
                         p.card.signer_fingerprint, lines=(STAFF_PASS,))
    assert code == 1 and "ask the DSL to export a new one" in err

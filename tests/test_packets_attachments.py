"""Packets carry the attachments of a concern and of an addendum (issue 16), listed in
the signed document with their hashes, their bytes after it (format 2): they arrive
whole with the record, byte for byte and hash for hash, or nothing arrives. Old packets
(format 1, the files as base64 inside the document) still import."""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from cerecorder.crypto import packets as crypto
from cerecorder.domain.attachments import MEGABYTE, Attachment, Limits
from cerecorder.services import attachments, concerns, packet_sending, packets
from cerecorder.storage.repositories import PacketRepository
from test_packets import CANARY, Pair, _staff_key, age_files, make_pair, records_digest

from helpers import DSL_PASS, admin, content, photo, reopen

LETTER = ("Minutes of the meeting. " * 60_000).encode()  # over a MiB: two chunks


def _send_with_files(pair: Pair) -> dict[str, bytes]:
    concern_id = concerns.save_draft(pair.staff, content(
        (pair.staff_child,), pair.staff_clock, facts=f"Facts {CANARY}"))
    files = {"note.jpg": photo(), "minutes.txt": LETTER}
    for name, data in files.items():
        attachments.add_to_draft(pair.staff, concern_id, data, name)
    concerns.submit(pair.staff, concern_id)
    assert pair.send() == packet_sending.SendReport(1, 0)
    return files


def test_a_concern_arrives_with_its_files_byte_for_byte(pair: Pair) -> None:
    files = _send_with_files(pair)
    [packet] = pair.packet_files()
    size = sum(len(data) for data in files.values())
    assert size < len(packet.read_bytes()) < size + 64 * 1024  # as they are, not base64
    assert crypto.MAX_PACKET_BYTES >= 4 * (100 * 1024 * 1024) // 3  # format 1's fit too
    age_files(packet)
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert outcome.status == "imported", outcome.message
    found = attachments.concern_attachments(pair.dsl, outcome.concern_id or 0)
    assert [a.file_name for a in found] == list(files)
    for a in found:
        _, data = attachments.read(pair.dsl, a.id)  # checks the recorded hash too
        assert data == files[a.file_name]
        assert a.sha256 == hashlib.sha256(files[a.file_name]).hexdigest()
    assert found[0].photo.has_location  # the photo's facts, read again on arrival


def _refused_and_unchanged(pair: Pair, reason: str) -> None:
    digest = records_digest(pair.dsl)
    age_files(*pair.packet_files())
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert (outcome.status, outcome.reason) == ("refused", reason), outcome.message
    assert records_digest(pair.dsl) == digest  # no concern, no attachment, no chunk
    assert pair.dsl.vault.conn.execute("SELECT count(*) FROM attachments").fetchone() == (0,)


def test_a_truncated_packet_with_files_changes_nothing(pair: Pair) -> None:
    _send_with_files(pair)
    [packet] = pair.packet_files()
    data = packet.read_bytes()
    packet.write_bytes(data[: len(data) * 2 // 3])
    _refused_and_unchanged(pair, "damaged")


def test_a_signed_file_whose_hash_is_wrong_is_refused_whole(
        pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    real = packet_sending.files_document

    def wrong_hash(files: Sequence[Attachment]) -> list[dict[str, Any]]:
        listed = real(files)
        listed[-1]["sha256"] = hashlib.sha256(b"something else").hexdigest()
        return listed

    monkeypatch.setattr(packet_sending, "files_document", wrong_hash)
    _send_with_files(pair)  # signed by the laptop as it is: only the hash is wrong
    _refused_and_unchanged(pair, "malformed")


def test_the_dsls_own_limits_refuse_a_packet_whose_files_exceed_them(pair: Pair) -> None:
    _send_with_files(pair)  # the minutes are over 1 MB
    age_files(*pair.packet_files())
    digest = records_digest(pair.dsl)
    folder = pair.dsl.vault.files.folder
    pair.dsl.lock()
    code, out, err = admin(pair.dsl_clock, "inbox", folder, pair.share, "--user", "dsl",
                           passphrase=DSL_PASS, attachment_limits=Limits(MEGABYTE, MEGABYTE))
    assert code == 1, out + err
    assert "larger than a concern may hold" in out + err
    pair.dsl = reopen(folder, pair.dsl_clock)
    assert records_digest(pair.dsl) == digest


def _identities(pair: Pair) -> list[str]:
    return [i for _, i, _ in PacketRepository(pair.dsl.vault.conn).identities()]


def _opened(pair: Pair, packet: Path) -> tuple[bytes, bytes]:
    """A format 2 packet's signed envelope and the bytes that follow it (as the DSL sees)."""
    plaintext = crypto.unseal(packet.read_bytes(), _identities(pair))
    assert plaintext.startswith(crypto.FRAMED)
    envelope, rest = plaintext[len(crypto.FRAMED):].split(b"\n", 1)
    return envelope, rest


def _seal_for(pair: Pair, packet: Path, plaintext: bytes) -> None:
    packet.write_bytes(crypto.seal(plaintext, [r.recipient for r in pair.card.recipients]))


def test_a_changed_byte_of_a_file_in_the_sealed_packet_is_refused_whole(pair: Pair) -> None:
    _send_with_files(pair)
    [packet] = pair.packet_files()
    data = bytearray(packet.read_bytes())
    data[-len(LETTER) // 2] ^= 1  # inside the minutes: age's tag of that chunk fails
    packet.write_bytes(bytes(data))
    _refused_and_unchanged(pair, "damaged")


def test_a_file_swapped_under_a_genuine_signed_document_is_refused_whole(
        pair: Pair) -> None:
    """Whoever has the recipient card can seal anything: bytes after the genuine signed
    document that are not the files it lists (same length) are refused by their hash."""
    _send_with_files(pair)
    [packet] = pair.packet_files()
    envelope, rest = _opened(pair, packet)
    altered = rest[:-10] + b"Altered!!\n"
    assert len(altered) == len(rest)
    _seal_for(pair, packet, crypto.FRAMED + envelope + b"\n" + altered)
    _refused_and_unchanged(pair, "malformed")


@pytest.mark.parametrize("change", ["longer", "shorter"])
def test_more_or_fewer_bytes_than_the_files_listed_are_refused_whole(
        pair: Pair, change: str) -> None:
    _send_with_files(pair)
    [packet] = pair.packet_files()
    envelope, rest = _opened(pair, packet)
    _seal_for(pair, packet, crypto.FRAMED + envelope + b"\n"
              + (rest + b"more" if change == "longer" else rest[:-1]))
    _refused_and_unchanged(pair, "malformed")


def test_an_oversized_packet_is_refused_before_anything_is_decrypted(
        pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*_: object) -> None:
        raise AssertionError("decrypted")

    monkeypatch.setattr(crypto.pyrage, "decrypt_io", never)
    big = pair.share / "big.cepacket"
    big.write_bytes(crypto.AGE_HEADER)
    with open(big, "ab") as fh:
        fh.truncate(crypto.MAX_PACKET_BYTES + 1)
    with open(big, "rb") as source, pytest.raises(crypto.PacketRefused) as refused:
        crypto.unseal_packet(source, _identities(pair), never, never)
    assert refused.value.reason == "oversized"
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert (outcome.status, outcome.reason) == ("refused", "oversized")


def test_a_failure_part_way_through_leaves_nothing_and_the_packet_imports_later(
        pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first file is stored, then the second fails (the vault's disk, a bug): the
    concern and the first file are rolled back with it and the packet stays to import."""
    files = _send_with_files(pair)
    age_files(*pair.packet_files())
    digest = records_digest(pair.dsl)
    real, stored = packets._store_file, []

    def failing(*args: Any, **kwargs: Any) -> None:
        if stored:
            raise RuntimeError("the disk went away")
        real(*args, **kwargs)
        stored.append(1)

    monkeypatch.setattr(packets, "_store_file", failing)
    with pytest.raises(RuntimeError):
        packets.import_inbox(pair.dsl, pair.share)
    assert stored and records_digest(pair.dsl) == digest
    assert len(pair.packet_files()) == 1  # left in the inbox, not quarantined
    monkeypatch.setattr(packets, "_store_file", real)
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert outcome.status == "imported", outcome.message
    found = attachments.concern_attachments(pair.dsl, outcome.concern_id or 0)
    assert [a.file_name for a in found] == list(files)


def _dsl_files(pair: Pair, concern_id: int) -> dict[str, tuple[int | None, bytes]]:
    return {a.file_name: (a.addendum_id, attachments.read(pair.dsl, a.id)[1])
            for a in attachments.concern_attachments(pair.dsl, concern_id)}


def test_an_addendum_brings_its_files_from_the_laptop_to_the_dsl(pair: Pair) -> None:
    """Added before the concern was even sent: the concern's packet carries its own
    files only, the addendum's packet the addendum's, each with its record."""
    concern_id = pair.record()
    attachments.add_with_addendum(pair.staff, concern_id, "The letter that came later.",
                                  [(LETTER, "letter.txt")])
    assert pair.send() == packet_sending.SendReport(2, 0)
    age_files(*pair.packet_files())
    report = packets.import_inbox(pair.dsl, pair.share)
    assert report.count("imported") == 2, report.outcomes
    [filed] = {o.concern_id for o in report.outcomes}
    [addendum] = concerns.open_concern(pair.dsl, filed or 0).addenda
    assert addendum.body == "The letter that came later."
    assert _dsl_files(pair, filed or 0) == {"letter.txt": (addendum.id, LETTER)}

    later_photo = photo()
    attachments.add_with_addendum(pair.staff, concern_id, "A photo taken later.",
                                  [(later_photo, "later.jpg")])  # after the concern went
    assert pair.send() == packet_sending.SendReport(1, 0)
    age_files(*pair.packet_files())
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert outcome.status == "imported", outcome.message
    later = concerns.open_concern(pair.dsl, filed or 0).addenda[-1]
    assert _dsl_files(pair, filed or 0)["later.jpg"] == (later.id, later_photo)


def test_an_addendum_whose_files_exceed_the_dsls_limit_is_refused_whole(
        pair: Pair) -> None:
    concern_id = pair.record()
    assert pair.send() == packet_sending.SendReport(1, 0)
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    filed = outcome.concern_id or 0
    attachments.add_with_addendum(pair.staff, concern_id, "Minutes.", [(LETTER, "m.txt")])
    pair.send()
    pair.dsl.attachment_limits = Limits(2 * MEGABYTE, MEGABYTE)
    _refused_and_unchanged(pair, "malformed")
    assert not concerns.open_concern(pair.dsl, filed).addenda


def test_an_old_packet_with_its_files_inside_the_document_still_imports(
        pair: Pair) -> None:
    """Format 1, as a laptop not yet updated seals it."""
    files = _send_with_files(pair)
    [packet] = pair.packet_files()
    envelope, _ = _opened(pair, packet)
    document = json.loads(envelope)["document"]
    document["format_version"] = 1
    for item in document["concern"]["attachments"]:
        item["data"] = base64.b64encode(files[item["file_name"]]).decode("ascii")
        del item["size"]
    _seal_for(pair, packet, crypto.sign_document(document, _staff_key(pair)))
    age_files(packet)
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert outcome.status == "imported", outcome.message
    assert {n: d for n, (_, d) in _dsl_files(pair, outcome.concern_id or 0).items()} == files


def test_a_concern_held_for_a_match_keeps_its_files_until_it_is_filed(
        tmp_path: Path) -> None:
    p = make_pair(tmp_path, forenames="Zoe", surname="Olafsdottir")  # not on roll there
    files = _send_with_files(p)
    age_files(*p.packet_files())
    [outcome] = packets.import_inbox(p.dsl, p.share).outcomes
    assert outcome.status == "held"
    [item] = packets.review_list(p.dsl)
    concern_id = packets.resolve_review(p.dsl, item.review_id, None)
    assert {n: d for n, (_, d) in _dsl_files(p, concern_id or 0).items()} == files
    p.dsl.lock()
    p.staff.lock()


def test_importing_holds_one_file_at_a_time_not_the_packet(pair: Pair) -> None:
    """Python's own allocations while importing 24 MiB of files in three: the packet was
    read whole, decrypted whole and decoded from base64 (several copies of it at once);
    now one file is gathered at a time."""
    concern_id = concerns.save_draft(pair.staff, content(
        (pair.staff_child,), pair.staff_clock, facts="Facts."))
    size = 8 * MEGABYTE
    for n in range(3):
        attachments.add_to_draft(pair.staff, concern_id,
                                 f"Line {n} of the minutes.\n".encode() * (size // 24), f"{n}.txt")
    concerns.submit(pair.staff, concern_id)
    pair.send()
    age_files(*pair.packet_files())
    tracemalloc.start()
    try:
        [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert outcome.status == "imported", outcome.message
    print(f"peak {peak / MEGABYTE:.1f} MiB")
    assert peak < 3 * size, f"{peak / MEGABYTE:.1f} MiB at the peak"


def test_a_packet_with_files_whose_document_was_altered_stores_nothing(
        pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """The signature is checked before any file is stored (not once they all are)."""
    _send_with_files(pair)
    [packet] = pair.packet_files()
    envelope, rest = _opened(pair, packet)
    altered = json.loads(envelope)
    altered["document"]["concern"]["facts"] = "Altered after signing."
    _seal_for(pair, packet, crypto.FRAMED + crypto.canonical(altered) + b"\n" + rest)

    def never(*_: object) -> None:
        raise AssertionError("a file was stored")

    monkeypatch.setattr(packets, "_store_file", never)
    _refused_and_unchanged(pair, "bad_signature")


def test_a_disk_that_fills_while_a_packet_is_sealed_leaves_no_part_of_it(
        pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    real = crypto.seal_packet

    def filling(envelope: bytes, files: Any, recipients: Any, out: Any) -> None:
        out.write(b"age-encryption.org/v1\n" + b"x" * 100_000)  # a part written, then
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(crypto, "seal_packet", filling)
    concern_id = concerns.save_draft(pair.staff, content(
        (pair.staff_child,), pair.staff_clock, facts="Facts."))
    attachments.add_to_draft(pair.staff, concern_id, LETTER, "minutes.txt")
    concerns.submit(pair.staff, concern_id)
    report = pair.send()
    assert (report.sent, report.waiting) == (0, 1) and "full" in report.problem, report
    assert list(pair.share.iterdir()) == []  # no packet, and no temporary file
    [status] = packet_sending.sent_status(pair.staff)
    assert status.sent_at is None
    monkeypatch.setattr(crypto, "seal_packet", real)
    assert pair.send() == packet_sending.SendReport(1, 0)
    [packet] = pair.packet_files()
    assert list(pair.share.iterdir()) == [packet]


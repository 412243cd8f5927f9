"""Packets carry a concern's attachments inside the signed, sealed document (issue 16):
they arrive whole with the concern, byte for byte and hash for hash, or nothing arrives."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from cerecorder.crypto import packets as crypto
from cerecorder.domain.attachments import MEGABYTE, Limits
from cerecorder.services import attachments, concerns, packets
from test_packets import CANARY, Pair, age_files, records_digest

from helpers import DSL_PASS, admin, content, photo, reopen

LETTER = ("Minutes of the meeting. " * 60_000).encode()  # over a MiB: two chunks


def _send_with_files(pair: Pair) -> dict[str, bytes]:
    concern_id = concerns.save_draft(pair.staff, content(
        (pair.staff_child,), pair.staff_clock, facts=f"Facts {CANARY}"))
    files = {"note.jpg": photo(), "minutes.txt": LETTER}
    for name, data in files.items():
        attachments.add_to_draft(pair.staff, concern_id, data, name)
    concerns.submit(pair.staff, concern_id)
    assert pair.send() == packets.SendReport(1, 0)
    return files


def test_a_concern_arrives_with_its_files_byte_for_byte(pair: Pair) -> None:
    files = _send_with_files(pair)
    [packet] = pair.packet_files()
    assert len(packet.read_bytes()) > len(LETTER)  # the files travel in the packet
    assert crypto.MAX_PACKET_BYTES >= 4 * (100 * 1024 * 1024) // 3  # a full concern fits
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
    real = packets._files_document

    def wrong_hash(uow: Any, concern_id: int) -> list[dict[str, Any]]:
        files = real(uow, concern_id)
        files[-1]["sha256"] = hashlib.sha256(b"something else").hexdigest()
        return files

    monkeypatch.setattr(packets, "_files_document", wrong_hash)
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

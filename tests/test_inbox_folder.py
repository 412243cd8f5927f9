"""The inbox is a folder anyone with the share can write to: file names too long to keep
beside a note, subfolders that lead somewhere else, and packets that are links."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cerecorder.domain.errors import EnvironmentProblem
from cerecorder.services import packets
from test_packets import Pair, age_files, audit_actions, records_digest


def test_a_file_with_a_very_long_name_is_refused_with_a_short_note_and_the_rest_imports(
        pair: Pair) -> None:
    """Its note's temporary name would be longer than any file system takes: it used to
    stop the whole import with an internal error."""
    pair.record()
    pair.send()
    long_name = "x" * (240 - len(".cepacket")) + ".cepacket"
    (pair.share / long_name).write_bytes(b"not a packet")
    age_files(*pair.share.glob("*.cepacket"))
    report = packets.import_inbox(pair.dsl, pair.share)
    assert sorted((o.status, o.reason) for o in report.outcomes) == [
        ("imported", ""), ("refused", "not_age")]
    [refused] = [o for o in report.outcomes if o.status == "refused"]
    assert refused.file_name == long_name
    [kept] = (pair.share / "quarantine").glob("*.cepacket")
    assert kept.name.startswith("renamed-") and len(kept.name) < 40
    assert kept.read_bytes() == b"not a packet"
    assert refused.message.endswith(
        f"Its name is too long to keep beside a note, so it is kept as {kept.name}.")
    note = kept.with_name(kept.name + ".reason.txt").read_text()
    assert "not a sealed packet" in note and f"Its name was: {long_name}" in note
    assert not list(pair.share.glob("*.cepacket"))


def test_a_genuine_packet_with_a_long_name_arriving_twice_is_filed_once(pair: Pair) -> None:
    """The second copy goes to imported/ beside the first: a name that only just fits
    does not fit once made unique."""
    pair.record()
    pair.send()
    [packet] = pair.packet_files()
    data = packet.read_bytes()
    long_name = "y" * (250 - len(".cepacket")) + ".cepacket"
    packet.rename(pair.share / long_name)
    packets.import_inbox(pair.dsl, pair.share)
    (pair.share / long_name).write_bytes(data)
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert outcome.status == "already"
    assert len(list((pair.share / "imported").glob("renamed-*.cepacket"))) == 2
    assert len(pair.dsl_concerns()) == 1


@pytest.mark.parametrize("folder", ["receipts", "imported", "quarantine"])
def test_a_subfolder_that_is_a_link_stops_the_import_and_nothing_is_filed(
        pair: Pair, tmp_path: Path, folder: str) -> None:
    pair.record()
    pair.send()
    (pair.share / "junk.cepacket").write_bytes(b"not a packet")
    age_files(*pair.share.glob("*.cepacket"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (pair.share / folder).symlink_to(elsewhere, target_is_directory=True)
    inbox = sorted(pair.share.glob("*.cepacket"))
    digest, audit = records_digest(pair.dsl), audit_actions(pair.dsl)
    with pytest.raises(EnvironmentProblem) as told:
        packets.import_inbox(pair.dsl, pair.share)
    assert str(told.value) == (
        f"The inbox's \u201c{folder}\u201d folder ({pair.share / folder}) is a link to "
        "another place, so nothing was imported: ask IT to replace it with an ordinary "
        "folder.")
    assert list(elsewhere.iterdir()) == []
    assert sorted(pair.share.glob("*.cepacket")) == inbox
    assert (records_digest(pair.dsl), audit_actions(pair.dsl)) == (digest, audit)


def test_a_subfolder_that_is_a_mount_or_a_file_stops_the_import(
        pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    (pair.share / "junk.cepacket").write_bytes(b"not a packet")
    age_files(pair.share / "junk.cepacket")
    (pair.share / "receipts").write_bytes(b"")
    with pytest.raises(EnvironmentProblem, match=r"“receipts” .* is a file, not a folder"):
        packets.import_inbox(pair.dsl, pair.share)
    (pair.share / "receipts").unlink()
    quarantine = pair.share / "quarantine"
    quarantine.mkdir()
    real = os.path.ismount
    monkeypatch.setattr(os.path, "ismount", lambda p: Path(p) == quarantine or real(p))
    with pytest.raises(EnvironmentProblem, match=r"“quarantine” folder .* is a link"):
        packets.import_inbox(pair.dsl, pair.share)
    assert (pair.share / "junk.cepacket").is_file()
    assert list(quarantine.iterdir()) == []


def test_a_packet_that_is_a_link_out_of_the_inbox_is_refused_unread(
        pair: Pair, tmp_path: Path) -> None:
    """Whoever can write to the share could have the DSL's import read any file the DSL's
    account can, and file it as if it had been sent."""
    pair.record()
    pair.send()
    [packet] = pair.packet_files()
    outside = tmp_path / "outside.cepacket"
    packet.rename(outside)
    link = pair.share / "link.cepacket"
    link.symlink_to(outside)
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert (outcome.status, outcome.reason) == ("refused", "link")
    assert "a link to a file outside the inbox" in outcome.message
    assert pair.dsl_concerns() == []
    assert outside.is_file()  # untouched; only the link was moved aside
    assert (pair.share / "quarantine" / "link.cepacket").is_symlink()
    assert not (pair.share / "receipts").exists()


@pytest.mark.skipif(os.name == "nt", reason="Windows file names are always text")
def test_a_file_whose_name_is_not_text_is_refused_and_the_rest_imports(pair: Pair) -> None:
    """Linux allows any bytes in a name: such a name cannot go into the audit or a note
    as it is, and used to stop the whole import with an internal error."""
    pair.record()
    pair.send()
    with open(os.fsencode(pair.share) + b"/\xffbad.cepacket", "wb") as fh:
        fh.write(b"not a packet")
    age_files(*pair.share.glob("*.cepacket"))
    report = packets.import_inbox(pair.dsl, pair.share)
    assert sorted((o.status, o.file_name) for o in report.outcomes)[1] == (
        "refused", "\\xffbad.cepacket")
    [kept] = (pair.share / "quarantine").glob("*.cepacket")
    note = kept.with_name(kept.name + ".reason.txt").read_text()
    assert "Its name is not valid text" in note and "Its name was: \\xffbad" in note
    assert report.count("imported") == 1

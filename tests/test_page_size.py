"""vault.db's page size (issue 16): a new vault has 16 KiB pages, named in keyslots.json
because SQLCipher cannot read it from the encrypted file; a vault made before keeps
SQLCipher's default 4 KiB, and both open, rotate, back up and restore."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cerecorder.crypto import keyslots as ks
from cerecorder.domain.errors import NotAVault
from cerecorder.services import maintenance, users
from cerecorder.services.session import Session
from cerecorder.storage.restore import check_backup

from helpers import DSL_PASS, MockClock, add_child, add_staff, reopen

DATA = Path(__file__).resolve().parent / "data"


def page_size(s: Session) -> int:
    return int(s.vault.conn.execute("PRAGMA cipher_page_size").fetchone()[0])


def round_trip(s: Session, folder: Path, tmp_path: Path, clock: MockClock) -> Session:
    """Rotate the key, back up, restore into a new folder (verified), and open that."""
    users.remove_user(s, add_staff(s, "leaver"))
    add_child(s, "After", "Rotation")
    maintenance.backup(s, tmp_path / "backup")
    s.lock()
    restored = tmp_path / "restored"
    maintenance.restore(tmp_path / "backup", restored, force=False, clock=clock,
                        check_as=("dsl", DSL_PASS), taxonomy=s.taxonomy)
    return reopen(restored, clock)


def test_a_new_vault_has_16_kib_pages_and_its_key_file_says_so(
        dsl: Session, vault_dir: Path, tmp_path: Path, clock: MockClock) -> None:
    saved = json.loads((vault_dir / "keyslots.json").read_text())
    assert (saved["format"], saved["page_size"]) == (2, 16384)
    assert page_size(dsl) == 16384
    back = round_trip(dsl, vault_dir, tmp_path, clock)
    assert page_size(back) == 16384
    assert maintenance.verify(back).ok
    back.lock()
    for folder in (vault_dir, tmp_path / "backup", tmp_path / "restored"):
        assert (folder / "vault.db").stat().st_size % 16384 == 0, folder
        assert ks.KeySlots.from_json(json.loads(
            (folder / "keyslots.json").read_text())).page_size == 16384, folder


def test_a_vault_from_before_keeps_its_4_kib_pages(tmp_path: Path, clock: MockClock) -> None:
    folder = tmp_path / "old"
    shutil.copytree(DATA / "vault-v18", folder)
    assert "page_size" not in json.loads((folder / "keyslots.json").read_text())
    s = reopen(folder, clock)
    assert page_size(s) == 4096
    back = round_trip(s, folder, tmp_path, clock)
    assert page_size(back) == 4096
    assert maintenance.verify(back).ok
    back.lock()
    assert "page_size" not in json.loads((tmp_path / "restored" / "keyslots.json").read_text())


def test_a_wrong_page_size_in_the_key_file_opens_nothing(
        dsl: Session, vault_dir: Path, clock: MockClock) -> None:
    dsl.lock()
    saved = json.loads((vault_dir / "keyslots.json").read_text())
    for wrong in (4096, 1000, "16384", True):
        (vault_dir / "keyslots.json").write_text(json.dumps({**saved, "page_size": wrong}))
        with pytest.raises(NotAVault):
            reopen(vault_dir, clock)
    (vault_dir / "keyslots.json").write_text(json.dumps({**saved, "format": 1}))
    with pytest.raises(NotAVault):  # format 1 means 4 KiB pages, whatever else it says
        reopen(vault_dir, clock)
    (vault_dir / "keyslots.json").write_text(json.dumps(saved))
    reopen(vault_dir, clock).lock()


def test_a_backup_cut_short_of_a_whole_16_kib_page_is_refused(
        dsl: Session, tmp_path: Path) -> None:
    maintenance.backup(dsl, tmp_path / "backup")
    db = tmp_path / "backup" / "vault.db"
    data = db.read_bytes()
    db.write_bytes(data[:len(data) - 4096])  # whole 4 KiB pages, not whole 16 KiB ones
    with pytest.raises(NotAVault, match="16,384-byte pages"):
        check_backup(tmp_path / "backup")

"""cerecorder-admin attachments and export-attachment (issue 16): DSL only; the listing
gives ids, owners, names, sizes and hashes; an export writes the file as it was added,
never over another, and is audited."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from cerecorder.cli.main import EXIT_DENIED, EXIT_PROBLEM
from cerecorder.services import attachments, concerns
from cerecorder.services.session import Session

from helpers import (
    STAFF_PASS,
    MockClock,
    add_child,
    add_staff,
    admin,
    content,
    file_mode,
    photo,
    reopen,
)

LETTER = b"%PDF-1.7\n% minutes of the strategy meeting\n%%EOF\n"




def _on_file(dsl: Session, clock: MockClock) -> tuple[int, int, int, int, bytes]:
    """A submitted concern with a photo, and a letter on the child's chronology."""
    child_id = add_child(dsl)
    concern_id = concerns.save_draft(dsl, content((child_id,), clock))
    image = photo()
    on_concern = attachments.add_to_draft(dsl, concern_id, image, "IMG_0042.jpg")
    concerns.submit(dsl, concern_id)
    on_child = attachments.add_to_chronology(dsl, child_id, LETTER, "minutes.pdf")
    return child_id, concern_id, on_concern, on_child, image


def test_attachments_lists_ids_owners_names_sizes_and_hashes(
        dsl: Session, clock: MockClock, vault_dir: Path) -> None:
    child_id, concern_id, on_concern, on_child, image = _on_file(dsl, clock)
    dsl.lock()
    code, out, err = admin(clock, "attachments", vault_dir, "--user", "dsl")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"{on_concern}\tconcern:{concern_id}\tIMG_0042.jpg\t{len(image)}\t"
        + hashlib.sha256(image).hexdigest(),
        f"{on_child}\tchild:{child_id}\tminutes.pdf\t{len(LETTER)}\t"
        + hashlib.sha256(LETTER).hexdigest()]
    code, out, _ = admin(clock, "attachments", vault_dir, "--user", "dsl", "--concern",
                        concern_id)
    assert code == 0 and [line.split("\t")[0] for line in out.splitlines()] == [str(on_concern)]
    code, out, err = admin(clock, "attachments", vault_dir, "--user", "dsl", "--concern", 999)
    assert code == EXIT_PROBLEM and out == "" and err.count("\n") == 1


def test_export_attachment_writes_the_file_once_and_audits_it(
        dsl: Session, clock: MockClock, vault_dir: Path, tmp_path: Path) -> None:
    _, _, on_concern, _, image = _on_file(dsl, clock)
    dsl.lock()
    out_file = tmp_path / "exported.jpg"
    code, out, err = admin(clock, "export-attachment", vault_dir, on_concern, "--user", "dsl",
                          "--out", out_file)
    assert code == 0, err
    assert out_file.read_bytes() == image and file_mode(out_file) == 0o600
    assert hashlib.sha256(image).hexdigest() in out and "not protected" in err
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left

    out_file.write_bytes(b"the DSL's own file")
    code, out, err = admin(clock, "export-attachment", vault_dir, on_concern, "--user", "dsl",
                          "--out", out_file)
    assert code == EXIT_PROBLEM and out == ""
    assert err.startswith("cerecorder-admin: ") and "already exists" in err
    assert err.count("\n") == 1
    assert out_file.read_bytes() == b"the DSL's own file"
    code, _, err = admin(clock, "export-attachment", vault_dir, on_concern, "--user", "dsl",
                        "--out", tmp_path / "no such folder" / "x.jpg")
    assert code == EXIT_PROBLEM and "does not exist" in err and err.count("\n") == 1

    s = reopen(vault_dir, clock)
    exported = s.vault.conn.execute(
        "SELECT object_id, detail FROM audit WHERE action = 'exported' "
        "AND object_type = 'attachment'").fetchall()
    s.lock()
    assert [(int(i), json.loads(d)) for i, d in exported] == [(on_concern, {})]


def test_staff_are_refused_both_commands(dsl: Session, clock: MockClock, vault_dir: Path,
                                         tmp_path: Path) -> None:
    _, _, on_concern, _, _ = _on_file(dsl, clock)
    add_staff(dsl)
    dsl.lock()
    out_file = tmp_path / "exported.jpg"
    for argv in (("attachments", vault_dir),
                 ("export-attachment", vault_dir, on_concern, "--out", out_file)):
        code, out, err = admin(clock, *argv, "--user", "teacher", passphrase=STAFF_PASS)
        assert code == EXIT_DENIED and out == "" and "not allowed" in err
    assert not out_file.exists()

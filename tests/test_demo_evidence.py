"""The demo's evidence (issue 16): a tiny demo vault built with the files the composition
root makes holds a photographed note, a screenshot, a letter as PDF and body maps (one
corrected by an addendum), all through the services, readable back exactly."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image

from cerecorder import paths
from cerecorder.demo_files import demo_files
from cerecorder.domain.attachments import AttachmentKind
from cerecorder.domain.body_map import load_outlines
from cerecorder.services import attachments, body_maps, demo, maintenance, session
from cerecorder.services.demo_evidence import DemoFiles

from helpers import FAST_KDF, TAXONOMY, MockClock, admin

PASSPHRASE = "demo passphrase for tests"


@pytest.fixture(scope="module")
def files() -> DemoFiles:
    return demo_files(paths.resources_dir() / "fonts", load_outlines(paths.bodymap_dir()))


def test_the_files_are_what_they_say(files: DemoFiles) -> None:
    with Image.open(io.BytesIO(files.note_jpeg)) as note:
        assert note.format == "JPEG" and note.width > 800
        assert note.getexif().get_ifd(0x8769)[36867] == "2026:11:30 15:42:10"
    with Image.open(io.BytesIO(files.messages_png)) as shot:
        assert shot.format == "PNG"
    pdf = pypdfium2.PdfDocument(files.letter_pdf)
    try:
        text = pdf[0].get_textpage().get_text_range()
    finally:
        pdf.close()
    assert len(files.letter_pdf) < 60_000 and "section 47 enquiry" in text


def test_a_demo_vault_holds_attachments_and_body_maps(tmp_path: Path,
                                                      files: DemoFiles) -> None:
    folder = tmp_path / "vault"
    demo.create_demo_vault(folder, passphrase=PASSPHRASE, seed=7, size="tiny",
                           clock=MockClock(), taxonomy=TAXONOMY, kdf=FAST_KDF, evidence=files)
    s = session.unlock(folder, user_name="demo", passphrase=PASSPHRASE, clock=MockClock(),
                       taxonomy=TAXONOMY)
    try:
        found = attachments.listing(s)
        kinds = sorted((a.kind, a.concern_id is None, a.addendum_id is not None)
                       for a in found)
        assert kinds == sorted([(AttachmentKind.JPEG, False, False),
                                (AttachmentKind.PNG, False, False),
                                (AttachmentKind.PNG, False, True),
                                (AttachmentKind.PDF, True, False)])
        note = next(a for a in found if a.kind is AttachmentKind.JPEG)
        assert note.photo.taken_at is not None and note.photo.has_location
        assert attachments.read(s, note.id)[1] == files.note_jpeg
        assert note.sha256 == hashlib.sha256(files.note_jpeg).hexdigest()
        letter = next(a for a in found if a.kind is AttachmentKind.PDF)
        assert letter.child_id is not None
        maps = body_maps.child_maps(s, letter.child_id)
        assert [m.addendum_id is None for m, _ in maps] == [True, False, True]
        assert [len(m.marks) for m, _ in maps] == [2, 3, 2]  # corrected, then a later map
        assert maintenance.verify(s).ok
    finally:
        s.lock()


def test_the_admin_demo_command_adds_the_evidence(tmp_path: Path, files: DemoFiles) -> None:
    folder = tmp_path / "vault"
    code, _, err = admin(MockClock(), "demo", folder, "--size", "tiny", "--quiet",
                         passphrase=f"{PASSPHRASE}\n{PASSPHRASE}", demo_files=lambda: files)
    assert code == 0, err
    code, out, err = admin(MockClock(), "attachments", folder, "--user", "demo",
                           passphrase=PASSPHRASE)
    assert code == 0, err
    assert len(out.strip().splitlines()) == 4 and "letter from children" in out.lower()

"""Attachments in the handover documents (issue 16): the concern record lists every file
with its full SHA-256, who added it and when, and a photo's time taken and location; the
DSL may append the images and PDF pages (still password-protected as a whole); the
chronology says which concerns have files. Text is read back with pdftotext (poppler),
independently of the ReportLab and pypdf that wrote it."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from cerecorder import paths
from cerecorder.domain.errors import PermissionDenied
from cerecorder.export import pdf
from cerecorder.services import attachments, concerns, handover
from cerecorder.services.session import Session

from helpers import (
    DSL_PASS,
    STAFF_PASS,
    MockClock,
    add_child,
    add_staff,
    admin,
    content,
    photo,
    switch_to,
)

RENDERER = pdf.PdfRenderer(paths.resources_dir() / "fonts")
LETTER_LINE = "Letter from childrens social care about the referral"


def pdftotext(data: bytes, tmp_path: Path, password: str | None = None) -> list[str]:
    tool = shutil.which("pdftotext")
    assert tool is not None, "poppler-utils (pdftotext) is needed"
    source = tmp_path / "doc.pdf"
    source.write_bytes(data)
    argv = [tool, "-layout", *(["-upw", password] if password else []), str(source), "-"]
    out = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=60).stdout
    return out.split("\f")[:-1]  # one text a page


def letter_pdf(pages: int = 2) -> bytes:
    out = io.BytesIO()
    sheet = canvas.Canvas(out)
    for number in range(1, pages + 1):
        sheet.drawString(72, 720, f"{LETTER_LINE}, page {number}")
        sheet.showPage()
    sheet.save()
    return out.getvalue()


def concern_with_files(s: Session, clock: MockClock) -> tuple[int, dict[str, bytes]]:
    concern_id = concerns.save_draft(s, content((add_child(s),), clock))
    files = {"IMG_0042.jpg": photo(), "letter.pdf": letter_pdf(),
             "note.txt": b"Said at break: please do not tell anyone.\n"}
    for name, data in files.items():
        attachments.add_to_draft(s, concern_id, data, name)
    concerns.submit(s, concern_id)
    return concern_id, files


def test_the_record_lists_each_file_with_its_full_hash(dsl: Session, clock: MockClock,
                                                       tmp_path: Path) -> None:
    concern_id, files = concern_with_files(dsl, clock)
    data = RENDERER.concern(handover.concern_document(dsl, concern_id))
    texts = pdftotext(data, tmp_path)
    text = "\n".join(texts)
    assert "Attachments" in text
    for name, body in files.items():
        assert name in text
        assert f"SHA-256 {hashlib.sha256(body).hexdigest()}" in text  # on one line, whole
    assert "Taken 15/11/2026 16:42 (camera's clock)" in text
    assert "Carries a location" in text
    assert "JPEG image" in text and "PDF" in text and "Plain text" in text
    assert "Dana Lead (DSL)" in text
    assert LETTER_LINE not in text and "Appended to" not in text  # listed, not appended
    roles_only = RENDERER.concern(handover.concern_document(dsl, concern_id,
                                                            staff_names=False))
    listed = "\n".join(pdftotext(roles_only, tmp_path))
    assert "IMG_0042.jpg" in listed and "Dana Lead (DSL)" not in listed


def test_the_dsl_can_append_images_and_pdf_pages_and_protect_them(
        dsl: Session, clock: MockClock, tmp_path: Path) -> None:
    concern_id, _ = concern_with_files(dsl, clock)
    plain = RENDERER.concern(handover.concern_document(dsl, concern_id))
    doc = handover.concern_document(dsl, concern_id, append_files=True)
    assert [kind for _, kind, _ in doc.appended] == ["jpeg", "pdf"]  # not the text file
    data = RENDERER.concern(doc)
    before, after = len(PdfReader(io.BytesIO(plain)).pages), len(PdfReader(io.BytesIO(data)).pages)
    assert after == before + 1 + 2  # a page for the photo, the letter's two pages
    texts = pdftotext(data, tmp_path)
    assert f"Appended to concern #{concern_id}" in texts[-3] and "IMG_0042.jpg" in texts[-3]
    assert f"{LETTER_LINE}, page 1" in texts[-2] and f"{LETTER_LINE}, page 2" in texts[-1]
    locked = RENDERER.protect(data, "blue whale 42")
    assert PdfReader(io.BytesIO(locked)).is_encrypted
    assert LETTER_LINE.encode() not in locked
    opened = pdftotext(locked, tmp_path, password="blue whale 42")
    assert len(opened) == after and f"{LETTER_LINE}, page 2" in opened[-1]
    with pytest.raises(subprocess.CalledProcessError):
        pdftotext(locked, tmp_path, password="wrong")


def test_only_the_dsl_appends_files(dsl: Session, clock: MockClock) -> None:
    child_id = add_child(dsl)
    add_staff(dsl, "teacher")
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    concern_id = concerns.save_draft(staff, content((child_id,), clock))
    attachments.add_to_draft(staff, concern_id, photo(), "a.jpg")
    concerns.submit(staff, concern_id)
    assert handover.concern_document(staff, concern_id).attachments  # listed for the author
    with pytest.raises(PermissionDenied):
        handover.concern_document(staff, concern_id, append_files=True)


def test_the_chronology_says_a_concern_has_attachments(dsl: Session, clock: MockClock,
                                                       tmp_path: Path) -> None:
    concern_id, _ = concern_with_files(dsl, clock)
    child_id = concerns.open_concern(dsl, concern_id).concern.content.child_ids[0]
    doc = handover.chronology_document(dsl, child_id, purpose="Referral")
    assert doc.attachment_counts == ((concern_id, 3),)
    text = " ".join(" ".join(pdftotext(RENDERER.chronology(doc), tmp_path)).split())
    assert "[3 attachments]" in text


def test_the_cli_appends_on_request(dsl: Session, clock: MockClock, vault_dir: Path,
                                    tmp_path: Path) -> None:
    concern_id, _ = concern_with_files(dsl, clock)
    dsl.lock()
    target = tmp_path / "record.pdf"
    code, out, err = admin(clock, "export-concern", vault_dir, "--user", "dsl", "--concern",
                           concern_id, "--out", target, "--append-attachments",
                           "--generate-password", passphrase=DSL_PASS, documents=RENDERER)
    assert code == 0, err
    password = next(line.split(": ", 1)[1] for line in out.splitlines()
                    if line.startswith("PDF password: "))
    texts = pdftotext(target.read_bytes(), tmp_path, password=password)
    assert f"{LETTER_LINE}, page 2" in texts[-1]

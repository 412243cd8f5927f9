"""Attachments in the handover documents (issue 16): the concern record lists every file
with its full SHA-256, who added it and when, and a photo's time taken and location; the
DSL may append the files (still password-protected as a whole), every appended page
in the record's furniture and counted in its "Page X of Y", an e-mail as its headers and
text, a HEIC photo listed as not printable here; the
chronology says which concerns have files. Text is read back with pdftotext (poppler),
independently of the ReportLab and pypdf that wrote it."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from cerecorder import paths
from cerecorder.domain.errors import PermissionDenied
from cerecorder.export import appended, pdf
from cerecorder.services import attachments, concerns, handover
from cerecorder.services.session import Session
from pdf_words import overlapping, pdf_pages

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
    assert [kind for _, kind, _ in doc.appended] == ["jpeg", "pdf", "text"]
    data = RENDERER.concern(doc)
    before, after = len(PdfReader(io.BytesIO(plain)).pages), len(PdfReader(io.BytesIO(data)).pages)
    assert after == before + 1 + 2 + 1  # the photo, the letter's two pages, the note
    texts = pdftotext(data, tmp_path)
    assert f"Appended to concern #{concern_id}" in texts[-4] and "IMG_0042.jpg" in texts[-4]
    assert f"{LETTER_LINE}, page 1" in texts[-3] and f"{LETTER_LINE}, page 2" in texts[-2]
    assert "Said at break: please do not tell anyone." in texts[-1]
    locked = RENDERER.protect(data, "blue whale 42")
    assert PdfReader(io.BytesIO(locked)).is_encrypted
    assert LETTER_LINE.encode() not in locked
    opened = pdftotext(locked, tmp_path, password="blue whale 42")
    assert len(opened) == after and f"{LETTER_LINE}, page 2" in opened[-2]
    with pytest.raises(subprocess.CalledProcessError):
        pdftotext(locked, tmp_path, password="wrong")


def _email() -> bytes:
    """A message in ISO-8859-1, quoted-printable, with an encoded subject and an HTML
    alternative that must never be printed."""
    message = EmailMessage()
    message["From"] = "Social worker <sw@example.org>"
    message["To"] = "dsl@example.org"
    message["Date"] = "Tue, 01 Dec 2026 10:00:00 +0000"
    message["Subject"] = "Réunion: Zoë's strategy meeting"
    message.set_content("Zoë's meeting is on Friday at 10:00, café room.", charset="iso-8859-1",
                        cte="quoted-printable")
    message.add_alternative("<p>Friday <img src='http://tracker.example/p.png'></p>",
                            subtype="html")
    return bytes(message)


def _landscape_pdf() -> bytes:
    out = io.BytesIO()
    sheet = canvas.Canvas(out, pagesize=landscape(A4))
    sheet.drawString(72, 500, "Minutes of the strategy meeting, landscape")
    sheet.showPage()
    sheet.save()
    return out.getvalue()


HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


def test_every_appended_page_carries_the_furniture_and_is_counted(
        dsl: Session, clock: MockClock, tmp_path: Path) -> None:
    concern_id = concerns.save_draft(dsl, content((add_child(dsl),), clock))
    for name, data in (("IMG_0042.jpg", photo()), ("letter.pdf", letter_pdf()),
                       ("minutes.pdf", _landscape_pdf()), ("meeting.eml", _email()),
                       ("note.txt", "Said at break: «please don't tell».\n".encode()),
                       ("IMG_0043.heic", HEIC)):
        attachments.add_to_draft(dsl, concern_id, data, name)
    concerns.submit(dsl, concern_id)
    plain = len(pdftotext(RENDERER.concern(handover.concern_document(dsl, concern_id)),
                          tmp_path))
    data = RENDERER.concern(handover.concern_document(dsl, concern_id, append_files=True))
    texts = pdftotext(data, tmp_path)
    total = len(PdfReader(io.BytesIO(data)).pages)
    assert len(texts) == total == plain + 1 + 2 + 1 + 1 + 1  # no page for the HEIC
    for number, page in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in page, number
        assert page.count("OFFICIAL-SENSITIVE") == 2, number  # the top and bottom marking
        assert "Zoë Ólafsdóttir" in page and "Eastcombe Academy" in page, number
    appended = texts[plain:]
    assert f"{LETTER_LINE}, page 2" in appended[2] and "page 2 of 2" in appended[2]
    assert "Minutes of the strategy meeting, landscape" in appended[3]
    mail = " ".join(appended[4].split())
    for line in ("From Social worker <sw@example.org>", "To dsl@example.org",
                 "Subject Réunion: Zoë's strategy meeting",
                 "Zoë's meeting is on Friday at 10:00, café room."):
        assert line in mail
    assert "tracker.example" not in mail and "<img" not in mail
    assert "Said at break: «please don't tell»." in appended[5]
    listed = " ".join(" ".join(texts[:plain]).split())
    assert "IMG_0043.heic" in listed and "Not printable here: open it in CE Recorder." in listed


def _turned_pdf() -> bytes:
    """A portrait page whose text runs up it, shown landscape by its /Rotate 90."""
    out = io.BytesIO()
    sheet = canvas.Canvas(out, pagesize=A4)
    sheet.rotate(90)
    sheet.drawString(72, -100, "Turned minutes of the strategy meeting")
    sheet.showPage()
    sheet.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(out.getvalue())))
    writer.pages[0].rotate(90)
    turned = io.BytesIO()
    writer.write(turned)
    return turned.getvalue()


@pytest.mark.parametrize(("source", "word"), [(_landscape_pdf, "Minutes"),
                                              (_turned_pdf, "Turned")])
def test_an_appended_pdf_page_sits_upright_inside_the_body_clear_of_the_furniture(
        dsl: Session, clock: MockClock, source: Callable[[], bytes], word: str) -> None:
    concern_id = concerns.save_draft(dsl, content((add_child(dsl),), clock))
    attachments.add_to_draft(dsl, concern_id, source(), "minutes.pdf")
    concerns.submit(dsl, concern_id)
    data = RENDERER.concern(handover.concern_document(dsl, concern_id, append_files=True))
    page = pdf_pages(data)[-1]
    assert overlapping(page) == []
    [first] = [w for w in page.words if w.text == word]
    assert first.x1 - first.x0 > first.y1 - first.y0  # reads across the page, as shown
    marks = [w for w in page.words if w.text == "OFFICIAL-SENSITIVE"]
    assert len(marks) == 2 and marks[0].y1 < first.y0 < marks[1].y0
    assert 0 < first.x0 < page.width


def test_a_long_text_is_printed_up_to_its_limit_and_the_rest_said(
        dsl: Session, clock: MockClock, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(appended, "TEXT_LIMIT", 30)
    concern_id = concerns.save_draft(dsl, content((add_child(dsl),), clock))
    attachments.add_to_draft(dsl, concern_id, b"First line of the note.\n" + b"x" * 60,
                             "note.txt")
    concerns.submit(dsl, concern_id)
    data = RENDERER.concern(handover.concern_document(dsl, concern_id, append_files=True))
    last = " ".join(pdftotext(data, tmp_path)[-1].split())
    assert "First line of the note." in last and "x" * 60 not in last
    assert "The rest of this file (54 characters) is not printed here: open it in CE " \
        "Recorder." in last


def _halves(orientation: int) -> bytes:
    """A 400 x 300 JPEG, red on its left half and blue on its right, with an EXIF
    orientation."""
    image = Image.new("RGB", (400, 300), "red")
    image.paste((0, 0, 255), (200, 0, 400, 300))
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


@pytest.mark.parametrize(("orientation", "red_side"), [(1, "left"), (6, "top"),
                                                       (8, "bottom"), (3, "right")])
def test_an_appended_photo_stands_as_its_exif_says_and_is_embedded_as_stored(
        dsl: Session, clock: MockClock, orientation: int, red_side: str) -> None:
    data = _halves(orientation)
    concern_id = concerns.save_draft(dsl, content((add_child(dsl),), clock))
    attachments.add_to_draft(dsl, concern_id, data, "IMG_0042.jpg")
    concerns.submit(dsl, concern_id)
    record = RENDERER.concern(handover.concern_document(dsl, concern_id, append_files=True))
    assert data in record  # the stored JPEG itself, not encoded again
    pages = RENDERER.pages(record)
    shot = pages.page(len(pages) - 1, 40)
    pages.close()
    page = Image.frombuffer("RGBX", (shot.width, shot.height), shot.pixels, "raw", "RGBX",
                            shot.stride, 1).convert("RGB")
    red = [(x, y) for x in range(page.width) for y in range(page.height)
           if page.getpixel((x, y)) > (200, 0, 0) and page.getpixel((x, y))[1:] < (60, 60)]
    blue = [(x, y) for x in range(page.width) for y in range(page.height)
            if page.getpixel((x, y))[2] > 200 and page.getpixel((x, y))[:2] < (60, 60)]
    assert red and blue
    across = max(x for x, _ in red + blue) - min(x for x, _ in red + blue)
    down = max(y for _, y in red + blue) - min(y for _, y in red + blue)
    assert (across < down) == (orientation in (6, 8))  # a turned photo stands portrait
    mean_red = [sum(c) / len(red) for c in zip(*red, strict=True)]
    mean_blue = [sum(c) / len(blue) for c in zip(*blue, strict=True)]
    side = {"left": mean_red[0] < mean_blue[0], "right": mean_red[0] > mean_blue[0],
            "top": mean_red[1] < mean_blue[1], "bottom": mean_red[1] > mean_blue[1]}
    assert side[red_side]


def test_a_damaged_pdf_is_said_not_printable_and_the_record_still_made(
        dsl: Session, clock: MockClock, tmp_path: Path) -> None:
    concern_id = concerns.save_draft(dsl, content((add_child(dsl),), clock))
    attachments.add_to_draft(dsl, concern_id, b"%PDF-1.7\n" + b"\x00garbage" * 50, "bad.pdf")
    concerns.submit(dsl, concern_id)
    data = RENDERER.concern(handover.concern_document(dsl, concern_id, append_files=True))
    last = " ".join(pdftotext(data, tmp_path)[-1].split())
    assert "bad.pdf" in last and "Not printable here: open it in CE Recorder." in last


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
    assert f"{LETTER_LINE}, page 2" in texts[-2]  # the note.txt comes after it

"""The demo's evidence files (issue 16), made at the composition root, where Pillow and
ReportLab may both be used: a photographed handwritten note (a JPEG with the camera's
time and a location, as a phone's photo has), a screenshot of messages on a phone (PNG)
and a letter from children's social care (a one-page PDF). All fictional."""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from cerecorder.domain.body_map import Outlines
from cerecorder.services.demo import DEMO_SCHOOL
from cerecorder.services.demo_evidence import DemoFiles

_EXIF_IFD, _DATE_TIME_ORIGINAL, _GPS_IFD = 0x8769, 36867, 0x8825


def _font(fonts: Path, size: int, name: str = "DejaVuSans.ttf") -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(fonts / name), size)


def note_jpeg(fonts: Path, taken: str = "2026:11:30 15:42:10") -> bytes:
    """Lined paper with a slanting, wobbly hand: a note photographed on a desk."""
    rng = random.Random(16)  # noqa: S311 (a wobbly hand, not a secret)
    paper = Image.new("RGB", (900, 640), "#f7f1dc")
    draw = ImageDraw.Draw(paper)
    for y in range(90, 640, 48):
        draw.line([(0, y), (900, y)], fill="#a9c4e0", width=2)
    draw.line([(80, 0), (80, 640)], fill="#e2a0a0", width=2)
    hand = _font(fonts, 34, "DejaVuSans-Oblique.ttf")
    lines = ("Miss, he said if I tell anyone", "he will post the pictures.",
             "He waits by the gate after", "school in a grey car.",
             "Please dont tell my mum")
    for row, text in enumerate(lines):
        x, top = 100.0, 52.0 + row * 96
        for letter in text:
            draw.text((x, top + rng.uniform(-3, 3)), letter, font=hand, fill="#1c2a6b")
            x += float(hand.getlength(letter)) * rng.uniform(0.92, 1.08)
    photo = paper.rotate(2.5, resample=Image.Resampling.BICUBIC, expand=True,
                         fillcolor="#6d5a45").filter(ImageFilter.GaussianBlur(0.6))
    exif = Image.Exif()
    exif.get_ifd(_EXIF_IFD)[_DATE_TIME_ORIGINAL] = taken
    gps = exif.get_ifd(_GPS_IFD)  # a phone's photo says where it was taken (fictional)
    gps[1], gps[2], gps[3], gps[4] = "N", (53.0, 48.0, 1.0), "W", (1.0, 33.0, 2.0)
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def messages_png(fonts: Path) -> bytes:
    """A phone's chat screen: bubbles from an unknown number."""
    screen = Image.new("RGB", (420, 760), "#ffffff")
    draw = ImageDraw.Draw(screen)
    draw.rectangle([(0, 0), (420, 70)], fill="#075e54")
    draw.text((20, 22), "+44 7700 900123", font=_font(fonts, 22), fill="#ffffff")
    text = _font(fonts, 18)
    y = 100
    for theirs, line in ((True, "u owe me for the phone"), (True, "come to the park at 4"),
                         (False, "i cant today"), (True, "dont make me ask again"),
                         (True, "or everyone sees the pics"), (False, "ok")):
        width = int(text.getlength(line)) + 28
        left = 16 if theirs else 420 - 16 - width
        draw.rounded_rectangle([(left, y), (left + width, y + 40)], radius=12,
                               fill="#eeeeee" if theirs else "#dcf8c6")
        draw.text((left + 14, y + 9), line, font=text, fill="#111111")
        y += 58
    out = io.BytesIO()
    screen.save(out, "PNG")
    return out.getvalue()


def letter_pdf(fonts: Path) -> bytes:
    """A short letter on one A4 page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(TTFont("DejaVuSans", str(fonts / "DejaVuSans.ttf")))
    out = io.BytesIO()
    page = Canvas(out, pagesize=A4)
    page.setTitle("Letter from children's social care (fictional)")
    page.setFont("DejaVuSans", 16)
    page.drawString(72, 770, "Northshire Children's Services")
    page.setFont("DejaVuSans", 11)
    for n, line in enumerate((
            "1 December 2026", "", "To the Designated Safeguarding Lead,",
            DEMO_SCHOOL, "",
            "Thank you for your referral of 27 November. A strategy discussion was held",
            "today and a section 47 enquiry has begun. The allocated social worker is",
            "Sam Price (fictional). Please share any further concerns with her directly",
            "and invite her to the next meeting at school.", "",
            "Yours sincerely,", "", "Duty Team Manager (fictional)")):
        page.drawString(72, 730 - 18 * n, line)
    page.showPage()
    page.save()
    return out.getvalue()


def demo_files(fonts: Path, outlines: Outlines) -> DemoFiles:
    return DemoFiles(note_jpeg(fonts), messages_png(fonts), letter_pdf(fonts), outlines)

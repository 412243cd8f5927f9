"""The files a concern record appends when the DSL asks (issue 16), each after the record
on pages of the record's own: every page carries its running header and footer (the
child, the marking, the document id) and is counted in "Page X of Y".

- A JPEG or PNG is drawn on a page of its own, scaled to fit below its heading and
  standing as its EXIF orientation says (the stored bytes are embedded as they are; a
  JPEG is not encoded again).
- A PDF's pages are each given a page of the record with a heading and an empty box;
  once the record is built, pypdf lays the page into its box (with_pdf_pages), scaled to
  fit, under the record's own drawing so that a demo's watermark stays over it.
- A text file and an e-mail are set as text: an e-mail's headers (From, To, Cc, Date,
  Subject), each in its charset, then its plain-text body; its HTML is never rendered.
- A HEIC photo is not printable here (neither ReportLab's Pillow nor Qt's image plugins
  in this build read HEIC): the record's list of files says so, and to open it in CE
  Recorder. A PDF that is damaged or protected by a password of its own has a page
  saying the same.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from cerecorder.domain.attachments import email_parts, photo_turn
from cerecorder.domain.handover import ConcernDocument
from cerecorder.export.layout import RULE, Styles, chunks, details_table, text

#: the most of a text file or an e-mail's body printed (about 30 pages); the rest is said
TEXT_LIMIT = 100_000
NOT_PRINTABLE = "Not printable here: open it in CE Recorder."
#: the kinds (AttachmentKind values) printed on the appended pages; the others are said
PRINTABLE = frozenset({"jpeg", "png", "pdf", "text", "eml"})


@dataclass(frozen=True)
class Placed:
    """Where a PDF's page went: the record's page (0-based), the box's lower left corner
    and the scale."""

    page: int
    x: float
    y: float
    scale: float


class ImportedPage(Flowable):  # type: ignore[misc]
    """The rest of the frame, kept for one page of an appended PDF: drawn as its frame,
    noting where the page goes (the record's canvas says which page it is drawing)."""

    def __init__(self, source: PageObject) -> None:
        super().__init__()
        self.source = source
        self.placed: Placed | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.height = available_width, available_height
        return available_width, available_height

    def draw(self) -> None:
        width, height = float(self.source.mediabox.width), float(self.source.mediabox.height)
        scale = min(self.width / width, self.height / height)
        left, bottom = (self.width - width * scale) / 2, self.height - height * scale
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.4)
        canv.rect(left, bottom, width * scale, height * scale)
        canv.restoreState()
        x, y = canv.absolutePosition(left, bottom)
        self.placed = Placed(canv.page_index(), x, y, scale)


@dataclass
class Appended:
    """The pages to add after the record, and the PDF pages to lay into them."""

    story: list[Flowable] = field(default_factory=list)
    imported: list[ImportedPage] = field(default_factory=list)


def appended_pages(doc: ConcernDocument, s: Styles, width: float,
                   height: float) -> Appended:
    """Each appended file, from a new page, below a heading naming it."""
    heading = ParagraphStyle("appended", parent=s.heading, keepWithNext=0)
    names = {a.attachment_id: a.file_name for a in doc.attachments}
    out = Appended()
    for attachment_id, kind, data in doc.appended:
        if kind not in PRINTABLE:
            continue  # the record's list of files says it is not printable here
        title = (f"Appended to concern #{doc.concern_id}: attachment #{attachment_id}, "
                 f"{names.get(attachment_id, '')}")
        if kind in ("jpeg", "png"):
            out.story += [PageBreak(), Paragraph(escape(title), s.heading),
                          Photo(data, width, height - 60)]
        elif kind == "pdf":
            _pdf_pages(out, title, data, heading, s)
        else:
            out.story += [PageBreak(), Paragraph(escape(title), s.heading),
                          *_text(kind, data, s, width)]
    return out


class Photo(Flowable):  # type: ignore[misc]
    """A photo scaled to fit, standing as its EXIF orientation says: the stored bytes are
    embedded as they are (a JPEG is not encoded again) and turned as they are drawn."""

    def __init__(self, data: bytes, width: float, room: float) -> None:
        super().__init__()
        self.image = ImageReader(io.BytesIO(data))
        self.turn = photo_turn(data)
        w, h = self.image.getSize()
        upright = (h, w) if self.turn in (90, 270) else (w, h)
        scale = min(width / upright[0], room / upright[1], 1.0) if w and h else 1.0
        self.drawn = (w * scale, h * scale)  # the picture as stored, scaled
        self.width, self.height = upright[0] * scale, upright[1] * scale

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        # the stored picture's lower left corner, then its turn about it
        corner = {0: (0, 0), 90: (0, self.height), 180: (self.width, self.height),
                  270: (self.width, 0)}[self.turn]
        canv.translate(*corner)
        canv.rotate(-self.turn)
        canv.drawImage(self.image, 0, 0, width=self.drawn[0], height=self.drawn[1])
        canv.restoreState()


def _pdf_pages(out: Appended, title: str, data: bytes, heading: ParagraphStyle,
               s: Styles) -> None:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("protected by a password")
        pages = list(PdfWriter(clone_from=reader).pages)  # a writer's pages can be turned
        for page in pages:
            if page.rotation:
                page.transfer_rotation_to_content()  # laid in as it is seen
            page.mediabox = page.cropbox  # what a viewer shows of it, and no more
            if page.mediabox.width <= 0 or page.mediabox.height <= 0:
                raise ValueError("a page without a size")
    except Exception:  # pypdf raises many kinds for a damaged file: said, not printed
        out.story += [PageBreak(), Paragraph(escape(title), heading), Paragraph(escape(
            "This PDF is damaged or protected by a password of its own. "
            + NOT_PRINTABLE), s.empty)]
        return
    for number, page in enumerate(pages, start=1):
        box = ImportedPage(page)
        out.imported.append(box)
        out.story += [PageBreak(), Paragraph(escape(
            f"{title}, page {number} of {len(pages)}"), heading), box]


def _text(kind: str, data: bytes, s: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = []
    if kind == "eml":
        parts = email_parts(data)
        story += [details_table(parts.headers, s, width, label_share=0.16), Spacer(0, 6)]
        body = "\n\n".join(x for x in (parts.body, parts.carried) if x)
    else:
        body = data.decode("utf-8-sig", "replace")
    shown = body[:TEXT_LIMIT]
    story += [Paragraph(text(piece), s.body) for piece in chunks(shown) if piece.strip()]
    if len(body) > len(shown):
        story.append(Paragraph(escape(
            f"The rest of this file ({len(body) - len(shown):,} characters) is not printed "
            "here: open it in CE Recorder."), s.empty))
    return story


def with_pdf_pages(pdf: bytes, imported: Sequence[ImportedPage]) -> bytes:
    """The record with each appended PDF page laid into the box kept for it."""
    if not imported:
        return pdf
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for box in imported:
        where, source = box.placed, box.source.mediabox
        if where is None:  # never drawn: not possible once the record is built
            raise RuntimeError("an appended PDF page was not placed")
        writer.pages[where.page].merge_transformed_page(
            box.source, Transformation().translate(-float(source.left), -float(source.bottom))
            .scale(where.scale).translate(where.x, where.y), over=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

"""A concern record's attachments (issue 16): the list of the concern's files with what
makes each checkable as evidence (kind, size, the full SHA-256, who added it and when, a
photo's time taken and whether it carries a location), and the images and PDF pages the
DSL chose to append. Images are drawn on pages of their own, scaled to fit, inside the
record's page furniture; a PDF's pages are added after the record by pypdf, before any
password protection (which covers them too)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, PageBreak, Paragraph, Table

from cerecorder.domain.attachments import file_size
from cerecorder.domain.handover import AttachmentLine, ConcernDocument, who
from cerecorder.export.layout import Styles, grid_style, para

KIND_LABELS = {"jpeg": "JPEG image", "png": "PNG image", "heic": "HEIC image",
               "pdf": "PDF", "text": "Plain text", "eml": "E-mail"}


def _photo(line: AttachmentLine) -> str:
    parts = []
    if line.taken_at is not None:  # EXIF keeps no zone: the camera's clock as it said
        parts.append(f"Taken {line.taken_at:%d/%m/%Y %H:%M} (camera's clock)")
    if line.has_location:
        parts.append("Carries a location")
    return "; ".join(parts)


def attachments_part(doc: ConcernDocument, s: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [Paragraph("Attachments", s.heading)]
    if not doc.attachments:
        return [*story, Paragraph("No files attached.", s.empty)]
    appended = {i for i, _kind, _data in doc.appended}
    rows: list[list[Flowable]] = [[Paragraph(h, s.cell_head) for h in
                                   ("#", "File", "Kind and size", "Added")]]
    spans = []
    for a in doc.attachments:
        about = "\n".join(x for x in (
            a.file_name, _photo(a),
            "Appended to this record" if a.attachment_id in appended else "") if x)
        rows.append([para(str(a.attachment_id), s.cell), para(about, s.cell),
                     para(f"{KIND_LABELS.get(a.kind, a.kind)}\n{file_size(a.size)} "
                          f"({a.size:,} bytes)", s.cell),
                     para(f"{who(a.added_by, a.role)}\n{a.when}", s.cell)])
        # the hash on a row of its own, the table's width, so that it is never broken
        spans.append(len(rows))
        rows.append([Paragraph(escape(f"SHA-256 {a.sha256}"), s.cell), "", "", ""])
    table = Table(rows, colWidths=[width * f for f in (0.07, 0.43, 0.22, 0.28)],
                  repeatRows=1, hAlign="LEFT")
    table.setStyle(grid_style())
    table.setStyle([("SPAN", (0, row), (-1, row)) for row in spans])
    story += [table, Paragraph(escape(
        "Each hash is the SHA-256 of the file's bytes, recorded when it was added: a copy "
        "whose SHA-256 is the same is the same file."), s.small)]
    return story


def image_pages(doc: ConcernDocument, s: Styles, width: float,
                height: float) -> list[Flowable]:
    """Each appended image on a page of its own, scaled to fit below its heading."""
    story: list[Flowable] = []
    names = {a.attachment_id: a.file_name for a in doc.attachments}
    for attachment_id, kind, data in doc.appended:
        if kind == "pdf":
            continue
        heading = Paragraph(escape(f"Appended to concern #{doc.concern_id}: attachment "
                                   f"#{attachment_id}, "
                                   f"{names.get(attachment_id, '')}"), s.heading)
        w, h = ImageReader(io.BytesIO(data)).getSize()
        room = height - 60  # the heading's depth and a little air
        scale = min(width / w, room / h, 1.0) if w and h else 1.0
        story += [PageBreak(), heading,
                  Image(io.BytesIO(data), width=w * scale, height=h * scale)]
    return story


def with_pdf_pages(pdf: bytes, doc: ConcernDocument) -> bytes:
    """The record with the appended PDFs' pages after its own."""
    pdfs = [data for _id, kind, data in doc.appended if kind == "pdf"]
    if not pdfs:
        return pdf
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for data in pdfs:
        writer.append(PdfReader(io.BytesIO(data)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

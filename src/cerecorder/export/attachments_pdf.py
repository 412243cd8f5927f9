"""A concern record's attachments (issue 16): the list of the concern's files with what
makes each checkable as evidence (kind, size, the full SHA-256, who added it and when, a
photo's time taken and whether it carries a location), and which of them are appended
(export.appended draws those pages)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, Paragraph, Table

from cerecorder.domain.attachments import file_size
from cerecorder.domain.handover import AttachmentLine, ConcernDocument, who
from cerecorder.export.appended import NOT_PRINTABLE, PRINTABLE
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


def _appended(kind: str) -> str:
    return NOT_PRINTABLE if kind not in PRINTABLE else "Appended to this record"


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
            _appended(a.kind) if a.attachment_id in appended else "") if x)
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

"""What every handover PDF shares: the fonts, the paragraph styles, the page furniture
(running header and footer, page numbers, the DEMO watermark), the document template and
small pieces of layout (detail tables, headed sections, grids). The documents themselves
are in export.pdf."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.handover import DocumentHeader
from cerecorder.export import furniture

REGULAR, BOLD, ITALIC = "CER-DejaVuSans", "CER-DejaVuSans-Bold", "CER-DejaVuSans-Oblique"
_FONT_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf",
               ITALIC: "DejaVuSans-Oblique.ttf"}
MARGIN = 15 * mm
BODY_GAP = 3 * mm  # between the running header or footer's rule and the body
GREY, RULE = furniture.GREY, furniture.RULE
HEAD_FILL = colors.HexColor("#E4E8EE")
QUOTE_FILL = colors.HexColor("#F3F1EA")
QUOTE_RULE = colors.HexColor("#B9B29A")
#: a chronology cell longer than this is carried over several table rows, so that one long
#: entry can run across pages. (ReportLab 5.1's Table(splitInRow=1) was tried: it repeats
#: the header row in mid-page and leaves gaps, so rows are split here instead.)
CHUNK = 600


# compressed streams stay binary, not ASCII85 text: a fifth smaller, and quicker to write
# and to protect (ReportLab reads the setting as each document is written)
rl_config.useA85 = 0


def register_fonts(fonts: Path) -> None:
    """Register DejaVu Sans (regular, bold, oblique) from a folder, once per process."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, file in _FONT_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(fonts / file)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC,
                                  boldItalic=BOLD)


def text(value: str) -> str:
    """User text as paragraph markup: escaped, line breaks kept."""
    return escape(value.replace("\r\n", "\n")).replace("\n", "<br/>")


class Styles:
    def __init__(self, size: float = 10) -> None:
        lead = size * 1.3
        self.body = ParagraphStyle("body", fontName=REGULAR, fontSize=size, leading=lead,
                                   spaceAfter=2)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=size - 1.5,
                                    leading=(size - 1.5) * 1.3, spaceAfter=0)
        # a long word in a narrow column breaks at its own hyphen ("Return-/home"), not
        # anywhere
        self.cell = ParagraphStyle("cell", parent=self.body, spaceAfter=0,
                                   embeddedHyphenation=1)
        self.cell_head = ParagraphStyle("cell_head", parent=self.cell, fontName=BOLD)
        self.label = ParagraphStyle("label", parent=self.cell, fontName=BOLD, textColor=GREY)
        self.title = ParagraphStyle("title", parent=self.body, fontName=BOLD,
                                    fontSize=size + 7, leading=(size + 7) * 1.25,
                                    spaceAfter=4)
        self.subtitle = ParagraphStyle("subtitle", parent=self.body, fontSize=size + 1,
                                       leading=(size + 1) * 1.3, textColor=GREY, spaceAfter=6)
        self.heading = ParagraphStyle("heading", parent=self.body, fontName=BOLD,
                                      fontSize=size + 2, leading=(size + 2) * 1.3,
                                      spaceBefore=9, spaceAfter=3, keepWithNext=1)
        self.note = ParagraphStyle("note", parent=self.body, fontName=ITALIC,
                                   textColor=GREY)
        self.empty = ParagraphStyle("empty", parent=self.body, fontName=ITALIC,
                                    textColor=GREY)
        self.centre = ParagraphStyle("centre", parent=self.body, alignment=TA_CENTER)
        self.count = ParagraphStyle("count", parent=self.cell, fontName=BOLD,
                                    fontSize=size + 2, leading=(size + 2) * 1.3)
        self.end = ParagraphStyle("end", parent=self.body, fontName=BOLD, alignment=TA_CENTER,
                                  spaceBefore=4, spaceAfter=4)
        #: the child's own words: set apart in a shaded box, indented, in quotation marks
        self.quote = ParagraphStyle("quote", parent=self.body, leftIndent=8, rightIndent=4,
                                    backColor=QUOTE_FILL, borderColor=QUOTE_RULE,
                                    borderWidth=0.6, borderPadding=(3, 4, 4, 4),
                                    spaceBefore=7, spaceAfter=6)
        self.quote_cell = ParagraphStyle("quote_cell", parent=self.cell, leftIndent=4,
                                         fontName=ITALIC, spaceBefore=2)


# -- every page ----------------------------------------------------------------------------

def page_bands(header: DocumentHeader, pagesize: tuple[float, float]
               ) -> tuple[furniture.Band, furniture.Band]:
    """The header and footer of every page: the marking alone on the top and bottom rows;
    under the top one, who the document is about at the left and the school and document
    id at the right, then (for a partial document) its scope; over the bottom one, who
    generated it and the page."""
    top = [
        furniture.Row(centre=header.marking, font=BOLD, size=9, grey=False),
        furniture.Row(left=header.subject,
                      right=" · ".join(x for x in (header.school,
                                                   f"Document {header.document_id}") if x),
                      font=BOLD, size=8, right_font=REGULAR, grey=False),
        furniture.Row(left=header.scope, font=BOLD, size=7.5, grey=False),
    ]
    bottom = [
        furniture.Row(centre=header.marking, font=BOLD, size=9, grey=False),
        furniture.Row(left=header.generated_line, right=furniture.PAGE_PLACEHOLDER,
                      font=REGULAR, size=7.5, numbered=True),
    ]
    width = pagesize[0]
    return (furniture.lay_out(top, page_width=width, margin=MARGIN, edge=9 * mm, top=True),
            furniture.lay_out(bottom, page_width=width, margin=MARGIN, edge=7 * mm,
                              top=False))


def _canvas_maker(header: DocumentHeader, bands: tuple[furniture.Band, furniture.Band]
                  ) -> Callable[..., Canvas]:
    """A canvas that holds its pages back until the end, so each can say 'Page X of Y'."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

            #: page index -> bookmarks (key, x, y) on it, set when the pages are written
            self._bookmarks: dict[int, list[tuple[str, float, float]]] = {}

        def showPage(self) -> None:  # ReportLab's name
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def page_index(self) -> int:
            """The page being drawn, from 0 (ReportLab's own count waits for save)."""
            return len(self._saved)

        def note_bookmark(self, key: str, x: float, y: float) -> None:
            """A destination on the page being drawn: ReportLab's own would point at the
            first page, as the pages are held back until save."""
            self._bookmarks.setdefault(len(self._saved), []).append((key, x, y))

        def save(self) -> None:
            total = len(self._saved)
            for number, state in enumerate(self._saved, start=1):
                self.__dict__.update(state)
                for key, x, y in self._bookmarks.get(number - 1, ()):
                    self.bookmarkPage(key, fit="XYZ", left=x, top=y)
                if header.demo:
                    _watermark(self)
                furniture.draw(self, bands[0], top=True, number=number, total=total)
                furniture.draw(self, bands[1], top=False, number=number, total=total)
                super().showPage()
            super().save()

    return NumberedCanvas


WATERMARK = "cer-demo-watermark"


def _watermark(canv: Canvas) -> None:
    """Over the page, translucent, so table shading cannot hide it and text stays legible.
    The word is drawn once per document, as a form each page shows; the transparency is
    the page's own (ReportLab leaves a form's out of the form's resources)."""
    if not canv.hasForm(WATERMARK):
        width, height = canv._pagesize
        size = min(width, height) * 0.24
        canv.beginForm(WATERMARK)
        canv.setFillColor(colors.HexColor("#808080"))
        canv.translate(width / 2, height / 2)
        canv.rotate(35 if width < height else 25)
        canv.setFont(BOLD, size)
        canv.drawCentredString(0, -size * 0.36, "DEMO")
        canv.endForm()
    canv.saveState()
    canv.setFillAlpha(0.16)
    canv.doForm(WATERMARK)
    canv.restoreState()


class Bookmark(Flowable):  # type: ignore[misc]
    """Entries of the PDF's outline (title, level) leading here; drawn as nothing."""

    def __init__(self, entries: Sequence[tuple[str, int]], key: str) -> None:
        super().__init__()
        self.entries, self.key = entries, key
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        canv = self.canv
        x, y = canv.absolutePosition(0, 0)
        for number, (title, level) in enumerate(self.entries):
            key = f"{self.key}-{number}"
            canv.addOutlineEntry(title, key, level)
            canv.note_bookmark(key, x, y)
        canv.showOutline()


def require_school(header: DocumentHeader) -> None:
    """A document that leaves the vault says which school it comes from. Checked here, at
    the last step, because the school's name may come from the vault, the policy file or
    the command line."""
    if not header.school.strip():
        raise InvalidInput(
            "The school's name is not set, and every exported page carries it: a DSL sets "
            "it in Settings, IT in the policy file (school_name), or give --school on the "
            "command line. Nothing was exported.")


def return_to(header: DocumentHeader) -> str:
    """Where a receipt slip goes back to: who made the document, their role, the school."""
    return ", ".join(x for x in (header.generated_by, header.generated_role, header.school)
                     if x)


def build(header: DocumentHeader, story: list[Flowable], pagesize: tuple[float, float],
           title: str) -> bytes:
    out = io.BytesIO()
    bands = page_bands(header, pagesize)
    doc = SimpleDocTemplate(
        out, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=bands[0].depth + BODY_GAP, bottomMargin=bands[1].depth + BODY_GAP,
        title=f"{title} {header.document_id}", author="CE Recorder", subject=header.marking,
        creator="CE Recorder", lang="en-GB", keywords=header.anchor,
    )
    doc.build(story, canvasmaker=_canvas_maker(header, bands))
    return out.getvalue()


# -- shared pieces -------------------------------------------------------------------------

def para(value: str, style: ParagraphStyle, *, empty: str = "Not recorded",
          empty_style: ParagraphStyle | None = None) -> Paragraph:
    if value.strip():
        return Paragraph(text(value), style)
    return Paragraph(escape(empty), empty_style or style)


def details_table(rows: Sequence[tuple[str, str]], s: Styles, width: float,
                   label_share: float = 0.28) -> Table:
    data = [[Paragraph(escape(label), s.label), para(value, s.cell, empty_style=s.empty)]
            for label, value in rows]
    table = Table(data, colWidths=[width * label_share, width * (1 - label_share)],
                  hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def section(heading: str, value: str, s: Styles, *, empty: str = "Nothing recorded.",
             style: ParagraphStyle | None = None) -> list[Flowable]:
    """A heading and its text; the heading never sits alone at the foot of a page (the
    paragraph itself splits across pages line by line)."""
    return [Paragraph(escape(heading), s.heading),
            para(value, style or s.body, empty=empty, empty_style=s.empty)]


_QUOTE_PAIRS = {'"': '"', "\u201c": "\u201d", "'": "'", "\u2018": "\u2019"}


def unquoted(value: str) -> str:
    """The child's words without the quotation marks the recorder typed round them (the
    document adds its own: never doubled)."""
    words = value.strip()
    if len(words) >= 2 and _QUOTE_PAIRS.get(words[0]) == words[-1]:
        return words[1:-1].strip()
    return words


def quoted(value: str) -> str:
    """The child's words in quotation marks, as paragraph markup."""
    return f"\u201c{text(unquoted(value))}\u201d"


def chunks(value: str, size: int = CHUNK) -> list[str]:
    """Split long text at paragraph, line or word boundaries into pieces of about size."""
    if len(value) <= size:
        return [value]
    pieces: list[str] = []
    rest = value
    while len(rest) > size:
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):
            cut = rest.rfind(sep, size // 2, size)
            if cut != -1:
                cut += len(sep)
                break
        if cut <= 0:
            cut = size
        pieces.append(rest[:cut].rstrip("\n"))
        rest = rest[cut:].lstrip("\n")
    if rest:
        pieces.append(rest)
    return pieces


def _form(rows: Sequence[tuple[str, str]], s: Styles, width: float) -> Table:
    """Labelled lines to write on: a value already known is printed above its line."""
    data = [[Paragraph(escape(label), s.label), para(value, s.cell, empty="")]
            for label, value in rows]
    table = Table(data, colWidths=[width * 0.22, width * 0.55], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LINEBELOW", (1, 0), (1, -1), 0.5, colors.black),
        ("TOPPADDING", (0, 0), (-1, -1), 8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    return table


def end_matter(header: DocumentHeader, s: Styles, width: float, *, end_line: str,
               what: str, return_to: str) -> list[Flowable]:
    """The end of a document: a line saying it is the end and what it held, the sign-off
    of whoever issues it, and a receipt slip for the school or agency that receives it,
    to be signed and sent back."""
    sign_off = [
        Paragraph("Sign-off", s.heading),
        _form([("Name", header.generated_by), ("Role", header.generated_role),
               ("Date", ""), ("Signature", "")], s, width),
    ]
    cut = HRFlowable(width="100%", thickness=0.6, color=RULE, dash=(4, 3), spaceBefore=10,
                     spaceAfter=2)
    slip = [
        cut,
        Paragraph("Receipt: please sign and return", s.heading),
        Paragraph(escape(f"Received {what}, document {header.document_id}."), s.body),
        _form([("Received by", ""), ("Role and agency", ""), ("Date", ""),
               ("Signature", ""), ("Return to", return_to)], s, width),
    ]
    return [Spacer(0, 6), Paragraph(escape(end_line), s.end), KeepTogether(sign_off),
            KeepTogether(slip)]


def unbreakable(values: Sequence[str], font: str, size: float, padding: float = 7) -> float:
    """The width a column needs for the widest of values on one line (cell padding
    included): UPNs and dates must never break, nor be copied out in pieces."""
    return max((pdfmetrics.stringWidth(v, font, size) for v in values), default=0) + padding


def column_widths(width: float, shares: Sequence[float], least: Sequence[float]
                  ) -> list[float]:
    """Columns sharing width by shares, each at least its least width; the others give up
    the difference in proportion to their shares."""
    widths = [width * share for share in shares]
    short = sum(max(0.0, need - w) for w, need in zip(widths, least, strict=True))
    if short <= 0:
        return widths
    free = [i for i, (w, need) in enumerate(zip(widths, least, strict=True)) if w > need]
    spare = sum(widths[i] - least[i] for i in free)
    for i, need in enumerate(least):
        if widths[i] < need:
            widths[i] = need
    for i in free:
        widths[i] -= short * (widths[i] - least[i]) / spare if spare else 0
    return widths


DATE_SAMPLE = "00/00/0000"  # DejaVu's digits share one width


def grid_style() -> TableStyle:
    return TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ])

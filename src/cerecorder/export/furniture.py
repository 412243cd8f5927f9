"""The running header and footer of every page, laid out so that nothing overlaps,
whatever the lengths of the child's name, the marking, the school or the user's name.

A band is a list of rows. A row holds one centred text, or a text at the left and one at
the right; a text too long for its room wraps onto more lines (a single word too long for
a line is set smaller), and the band grows to hold it. The body's margins are taken from
the bands' heights, so the body never runs under them either. Adding a line to every page
(a signed anchor, say) is adding a row to a band.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#999999")
GAP = 12.0  # points between a row's left and right texts
MIN_SIZE = 5.0
LEADING = 1.22
ROW_GAP = 1.2  # points between rows
PAGE_PLACEHOLDER = "{page}"  # in a `numbered` text: replaced by "Page X of Y"


@dataclass(frozen=True)
class Row:
    left: str = ""
    right: str = ""
    centre: str = ""
    font: str = "Helvetica"
    size: float = 7.5
    right_font: str = ""  # the left's font when empty
    grey: bool = True
    right_grey: bool = True
    #: the right text is the page number: its room is reserved for this many pages
    numbered: bool = False


@dataclass(frozen=True)
class Placed:
    text: str
    font: str
    size: float
    x: float
    y: float  # baseline
    align: str  # "left", "right" or "centre"
    grey: bool
    numbered: bool = False

    def final(self, number: int, total: int) -> str:
        if self.numbered:
            return self.text.replace(PAGE_PLACEHOLDER, f"Page {number} of {total}")
        return self.text


@dataclass(frozen=True)
class Band:
    items: tuple[Placed, ...]
    depth: float  # from the page edge to the rule between the band and the body
    x0: float  # the rule's ends
    x1: float


def page_text(number: int, total: int) -> str:
    return f"Page {number} of {total}"


def _split(value: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap at plain spaces only: a no-break space (as in "UPN A1234") holds."""
    lines: list[str] = []
    for part in value.splitlines() or [value]:
        line = ""
        for word in part.split(" "):
            joined = f"{line} {word}" if line else word
            if line and stringWidth(joined, font, size) > width:
                lines.append(line)
                line = word
            else:
                line = joined
        lines.append(line)
    return lines


def _wrap(value: str, font: str, size: float, width: float) -> tuple[list[str], float]:
    """Lines of at most width, and the size they are set at."""
    if not value:
        return [], size
    while True:
        lines = _split(value, font, size, width)
        if size <= MIN_SIZE or all(stringWidth(x, font, size) <= width for x in lines):
            return lines, size
        size = max(MIN_SIZE, size - 0.5)


def _row_texts(row: Row, margin: float, width: float
               ) -> list[tuple[list[str], str, float, float, str, bool, bool]]:
    """Each text of a row: lines, font, size, x, align, grey, numbered."""
    if row.centre:
        lines, size = _wrap(row.centre, row.font, row.size, width)
        return [(lines, row.font, size, margin + width / 2, "centre", row.grey, False)]
    right_font = row.right_font or row.font
    texts = []
    right_width = 0.0
    if row.right:
        sample = row.right.replace(PAGE_PLACEHOLDER, page_text(9999, 9999)) if row.numbered \
            else row.right
        lines, size = _wrap(sample, right_font, row.size, width / 2)
        right_width = max(stringWidth(x, right_font, size) for x in lines)
        if row.numbered:
            lines = [row.right]
        texts.append((lines, right_font, size, margin + width, "right", row.right_grey,
                      row.numbered))
    if row.left:
        room = width - right_width - (GAP if right_width else 0)
        lines, size = _wrap(row.left, row.font, row.size, room)
        texts.append((lines, row.font, size, margin, "left", row.grey, False))
    return texts


def lay_out(rows: Sequence[Row], *, page_width: float, margin: float, edge: float,
            top: bool) -> Band:
    """A band of rows. top: rows run down from `edge` (the first row's baseline, measured
    from the top of the page); else up from it (the first row is the lowest)."""
    width = page_width - 2 * margin
    items: list[Placed] = []
    cursor = edge  # distance of the next row's first baseline from the page edge
    depth = edge
    for row in rows:
        texts = _row_texts(row, margin, width)
        if not texts:
            continue
        biggest = max(size for _, _, size, *_ in texts)
        lead = biggest * LEADING
        count = max(len(lines) for lines, *_ in texts)
        innermost = cursor + (count - 1) * lead  # the baseline nearest the body
        depth = innermost + (2.5 * mm if top else biggest + 1.5)
        for lines, font, size, x, align, grey, numbered in texts:
            for i, line in enumerate(lines):
                # within a row, lines read downwards in either band
                offset = cursor + i * lead if top else cursor + (count - 1 - i) * lead
                items.append(Placed(line, font, size, x, offset, align, grey, numbered))
        cursor += count * lead + ROW_GAP
    return Band(tuple(items), depth, margin, page_width - margin)


def draw(canv: Canvas, band: Band, *, top: bool, number: int, total: int) -> None:
    """The band on the page being drawn. What it writes is the same on every page of a
    document but for the page number: written out once, the code either side of the
    number is kept on the canvas and copied onto each later page."""
    kept: dict[tuple[int, bool], list[str | Placed]] = canv.__dict__.setdefault(
        "_cer_bands", {})
    pieces = kept.get((id(band), top))
    if pieces is None:
        kept[(id(band), top)] = _write(canv, band, top=top, number=number, total=total)
        return
    for piece in pieces:
        if isinstance(piece, str):
            canv._code.append(piece)
        else:  # as saveState would keep the canvas's own state, but writing nothing
            canv.push_state_stack()
            _item(canv, piece, top=top, number=number, total=total)
            canv.pop_state_stack()


def _write(canv: Canvas, band: Band, *, top: bool, number: int, total: int
           ) -> list[str | Placed]:
    """Draw the band; return its code cut at each numbered item, the item in its place."""
    pieces: list[str | Placed] = []
    start = len(canv._code)
    canv.saveState()
    for item in band.items:
        if item.numbered:
            pieces += ["\n".join(canv._code[start:]), item]
        _item(canv, item, top=top, number=number, total=total)
        if item.numbered:
            start = len(canv._code)
    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.4)
    height = canv._pagesize[1]
    rule = height - band.depth if top else band.depth
    canv.line(band.x0, rule, band.x1, rule)
    canv.restoreState()
    pieces.append("\n".join(canv._code[start:]))
    return [p for p in pieces if p != ""]


def _item(canv: Canvas, item: Placed, *, top: bool, number: int, total: int) -> None:
    y = canv._pagesize[1] - item.y if top else item.y
    canv.setFont(item.font, item.size)
    canv.setFillColor(GREY if item.grey else colors.black)
    value = item.final(number, total)
    if item.align == "centre":
        canv.drawCentredString(item.x, y, value)
    elif item.align == "right":
        canv.drawRightString(item.x, y, value)
    else:
        canv.drawString(item.x, y, value)

"""A long table laid out page by page here rather than by ReportLab's Table.split, and
drawn with one text object for its plain cells.

The chronology breaks its cells into lines itself (split_lines, each word measured once;
the Ofsted pack's plain table, export.plain_table, uses it too), so each row's height is
known before layout: a page's rows are counted off a list of heights, and each page gets
a Table of its own rows with their heights given (ReportLab measures nothing again) and
only the style commands that touch them (ReportLab's own split measures the rest of the
table again at every page break, and copies every style command into both halves). Rows
of plain text, dashes and pre-broken lines are drawn into one text object per run of such
cells, in the order of the cells, instead of one text object per line."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.platypus import Flowable, Table, TableStyle
from reportlab.platypus.tables import CellStyle

#: commands (with their cell ranges in table rows) applied to every page's table; rows
#: counted from the header row, which each page repeats
Command = tuple[Any, ...]
DASH_GREY = colors.HexColor("#777777")


class Dash(str):
    """An empty cell's dash, drawn in grey."""

    __slots__ = ()


class Lines(Flowable):  # type: ignore[misc]
    """Lines already broken, each with its font, indent and space before (the child's
    words in a cell, a date with its bookmark): as a cell of its own, drawn into the page's
    text object; in a list with other flowables, drawn as one text object of its own."""

    def __init__(self, lines: Sequence[tuple[str, str, float, float]], size: float,
                 leading: float) -> None:
        super().__init__()
        self.lines, self.size, self.leading = tuple(lines), size, leading
        self.height = sum(leading + gap for _, _, _, gap in self.lines)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return self.width, self.height

    def draw(self) -> None:
        out = self.canv.beginText()
        self.write(out, 0.0, self.height)
        self.canv.drawText(out)

    def write(self, out: Any, x: float, top: float) -> None:
        y = top
        for line, font, indent, gap in self.lines:
            y -= gap
            out.setTextOrigin(x + indent, y - self.size)
            out.setFont(font, self.size, self.leading)
            write_line(out, line)
            y -= self.leading


def write_line(out: Any, text: str) -> None:
    """text at the text object's origin, in its font: what ReportLab's textOut writes for
    a TrueType font, without moving the cursor (each line sets its own origin) and with
    the encoding of a line done once per document: names, the school, the dashes and the
    recorders come back on row after row. (ReportLab 5's text object, its _code, _curSubset
    and the font's subsets are used as textOut uses them.)"""
    font = getFont(out._fontname)
    if not font._dynamicFont:  # a built-in font: ReportLab's own way
        out.textOut(text)
        return
    canv = out._canvas
    cache = canv.__dict__.setdefault("_cer_encoded", {})
    key = (out._fontname, text)
    pieces = cache.get(key)
    if pieces is None:
        pieces = cache[key] = [(subset, canv._escape(chunk)) for subset, chunk
                               in font.splitString(text, canv._doc)]
    for subset, escaped in pieces:
        if subset != out._curSubset:
            out._code.append(f"{font.getSubsetInternalName(subset, canv._doc)} "
                             f"{fp_str(out._fontsize)} Tf {fp_str(out._leading)} TL")
            out._curSubset = subset
        out._code.append(f"({escaped}) Tj")


_WORDS_KEPT = 20_000


@functools.lru_cache(maxsize=16)
def word_widths(font: str, size: float) -> dict[str, float]:
    """Widths of the words met so far in a font and size: the same words come back in
    cell after cell, and measuring them is most of breaking the lines. (Emptied when it
    holds more than _WORDS_KEPT words.)"""
    return {}


def split_lines(value: str, font: str, size: float, width: float) -> list[str]:
    """ReportLab's simpleSplit (greedy, at white space, a paragraph per line of value,
    none for an empty one), each word measured once."""
    widths = word_widths(font, size)
    if len(widths) > _WORDS_KEPT:
        widths.clear()
    space = stringWidth(" ", font, size)
    out: list[str] = []
    for paragraph in value.split("\n"):
        line: list[str] = []
        used = -space
        for word in paragraph.split():
            w = widths.get(word)
            if w is None:
                w = widths[word] = stringWidth(word, font, size)
            if used + space + w <= width or not line:
                line.append(word)
                used = used + space + w  # summed in simpleSplit's order
            else:
                out.append(" ".join(line))
                line, used = [word], w
        if line:
            out.append(" ".join(line))
    return out


def cell_height(value: Any, width: float, leading: float) -> float:
    """A cell's content height as ReportLab's Table measures it (padding left out)."""
    if isinstance(value, str):
        return leading * (value.count("\n") + 1)
    if isinstance(value, Lines):
        return float(value.height)
    flowables = value if isinstance(value, (list, tuple)) else [value]
    total, before, after = 0.0, None, 0.0
    for flowable in flowables:
        _, height = flowable.wrap(width, 72000)
        after = flowable.getSpaceAfter()
        space = flowable.getSpaceBefore()
        before = space if before is None else before
        total += height + space + after
    return total - (before or 0.0) - after


class PageTable(Table):  # type: ignore[misc]
    """One page's rows. Plain-text cells (top-left aligned, as the chronology sets them all)
    go into a shared text object, flushed before any other cell is drawn and before the
    rules, so the text keeps the order of the cells."""

    def draw(self) -> None:
        self._text: Any = None
        self._text_font: tuple[str, float] | None = None
        self._text_colour: Any = None
        super().draw()

    def _drawLines(self) -> None:  # ReportLab's name
        self._flush()
        super()._drawLines()

    def _flush(self) -> None:
        if self._text is not None:
            self.canv.drawText(self._text)
            self._text = None

    def _drawCell(self, cellval: Any, cellstyle: Any, pos: tuple[float, float],
                  size: tuple[float, float]) -> None:  # ReportLab's name
        if not isinstance(cellval, (str, Lines)):
            self._flush()
            self._curcellstyle = None  # the canvas's font and colour are set again
            super()._drawCell(cellval, cellstyle, pos, size)
            return
        if not cellval:
            return
        if self._text is None:
            # (a text object draws in the colour last set: a background's, as like as not)
            self._text = self.canv.beginText()
            self._text_font = self._text_colour = None
        out = self._text
        x = pos[0] + cellstyle.leftPadding
        top = pos[1] + size[1] - cellstyle.topPadding
        self._colour(DASH_GREY if isinstance(cellval, Dash) else cellstyle.color)
        if isinstance(cellval, Lines):
            cellval.write(out, x, top)
            self._text_font = None
            return
        font = (cellstyle.fontname, cellstyle.fontsize)
        if font != self._text_font:
            out.setFont(font[0], font[1], cellstyle.leading)
            self._text_font = font
        y = top - cellstyle.fontsize
        for line in cellval.split("\n"):
            out.setTextOrigin(x, y)
            write_line(out, line)
            y -= cellstyle.leading

    def _colour(self, colour: Any) -> None:
        if colour is not self._text_colour and colour != self._text_colour:
            self._text.setFillColor(colour)
            self._text_colour = colour


class PagedTable(Flowable):  # type: ignore[misc]
    """A header row and body rows with their heights, laid out a page at a time.

    Every cell has the one style `cell` (font, padding, alignment: no style commands for
    them, which ReportLab would apply cell by cell on every page). `commands` (backgrounds
    and rules) apply to every page's table, a range in rows taken as written, with -1 for
    the last row; `spans` are (first row, last row, commands) for groups of body rows (an
    entry), their rows counted within the group: a group that runs over a page break gets
    its commands on both pages, cut to the rows there, as ReportLab's split does.
    Lines are drawn in the order of their commands: `commands`, the groups', then `last`."""

    def __init__(self, header: list[Any], rows: list[list[Any]], heights: list[float],
                 header_height: float, widths: Sequence[float], cell: CellStyle,
                 commands: list[Command], spans: list[tuple[int, int, list[Command]]],
                 last: list[Command], h_align: str = "LEFT") -> None:
        super().__init__()
        self.header, self.rows, self.heights = header, rows, heights
        self.header_height, self.widths, self.cell = header_height, list(widths), cell
        self.commands, self.spans, self.last = commands, spans, last
        self.hAlign = h_align  # ReportLab's name
        self._whole: PageTable | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = sum(self.widths)
        self.height = self.header_height + sum(self.heights)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        room = available_height - self.header_height + rl_config._FUZZ
        count = 0
        for height in self.heights:
            if height > room:
                break
            room -= height
            count += 1
        if count == 0:
            return []
        rest_spans = [(first - count, last - count, cmds) for first, last, cmds in self.spans
                      if last >= count]
        rest = PagedTable(self.header, self.rows[count:], self.heights[count:],
                          self.header_height, self.widths, self.cell, self.commands,
                          rest_spans, self.last, self.hAlign)
        return [self._page(count), rest]

    def draw(self) -> None:
        if self._whole is None:
            self._whole = self._page(len(self.rows))
            self._whole.wrapOn(self.canv, self.width, self.height)
        self._whole.drawOn(self.canv, 0, 0)

    def _page(self, count: int) -> PageTable:
        """The first count rows (and the header) as a table."""
        styles = list(self.commands)
        for first, last, cmds in self.spans:
            if first >= count:
                break
            low, high = max(first, 0), min(last, count - 1)
            for cmd in cmds:
                name, (c0, r0), (c1, r1), *args = cmd
                # the group's own rows, cut to this page; body rows start at table row 1
                r0, r1 = max(first + r0, low), min(first + r1, high)
                if r0 <= r1:
                    styles.append((name, (c0, r0 + 1), (c1, r1 + 1), *args))
        styles += self.last
        row = [self.cell] * len(self.widths)
        table = PageTable([self.header, *self.rows[:count]], colWidths=self.widths,
                          rowHeights=[self.header_height, *self.heights[:count]],
                          hAlign=self.hAlign, cellStyles=[row] * (count + 1))
        table.setStyle(TableStyle(styles))
        return table

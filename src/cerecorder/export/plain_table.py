"""A long table of plain text (the Ofsted pack's lists: tens of thousands of rows in a
school year), laid out a page at a time and drawn straight onto the canvas.

Every body cell is in one font, size and colour, the heading row in bold on a shaded
band, with a grid of thin rules, so a page needs no ReportLab Table: its text is one text
object (the cells row by row, each line placed absolutely), its rules one path. Lines are
broken beforehand (split_lines), so each row's height is known; a cell may be held to a
number of lines, its last one then cut short with an ellipsis."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab import rl_config
from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.platypus import Flowable

from cerecorder.export.paged_table import split_lines

ELLIPSIS = "\u2026"
#: every printable ASCII character: a TrueType font writes these as themselves in its first
#: subset when ReportLab keeps ASCII readable (rl_config.ttfAsciiReadable), checked per
#: document before text is written that way
_ASCII = "".join(map(chr, range(32, 127)))


@dataclass(frozen=True)
class Grid:
    """How the table looks: the body's font and the heading row's, size and leading,
    padding (top, bottom, each side), colours and the rules' width."""

    font: str
    bold: str
    size: float
    leading: float
    top: float
    bottom: float
    side: float
    colour: Color
    fill: Color
    rule: Color
    rule_width: float


def fit_lines(value: str, font: str, size: float, width: float,
              most: int | None = None) -> list[str]:
    """value broken into lines of at most width (an empty line kept as one); with most,
    no more than that many lines, the last ending in an ellipsis if any were left out."""
    lines = [line for part in value.splitlines() or [""]
             for line in split_lines(part, font, size, width) or [""]]
    if most is None or len(lines) <= most:
        return lines
    words = lines[most - 1].split(" ")
    while len(words) > 1 and stringWidth(" ".join(words) + ELLIPSIS, font, size) > width:
        words.pop()
    return [*lines[:most - 1], " ".join(words).rstrip(" ,;:.") + ELLIPSIS]


class _Body:
    """The rows, their heights and running totals, shared by every page's part."""

    def __init__(self, rows: Sequence[Sequence[str]], leading: float, padding: float
                 ) -> None:
        self.rows = rows
        self.heights = [leading * (max(map(str.count, row, itertools.repeat("\n"))) + 1)
                        + padding for row in rows]
        self.before = [0.0, *itertools.accumulate(self.heights)]


class PlainTable(Flowable):  # type: ignore[misc]
    """header: the heading row's cells; rows: the body's, each cell's lines joined by
    "\\n" (already fitted to its column, padding left out). Rows first to last are this
    part's: split gives the rows that fit and the rest, sharing the one body."""

    def __init__(self, header: Sequence[str], rows: Sequence[Sequence[str]] | _Body,
                 widths: Sequence[float], grid: Grid, h_align: str = "LEFT",
                 first: int = 0, last: int | None = None) -> None:
        super().__init__()
        self.header, self.widths, self.grid = header, list(widths), grid
        self.body = rows if isinstance(rows, _Body) else _Body(
            rows, grid.leading, grid.top + grid.bottom)
        self.first = first
        self.last = len(self.body.rows) if last is None else last
        self.header_height = grid.leading * (max(h.count("\n") for h in header) + 1) \
            + grid.top + grid.bottom
        self.hAlign = h_align  # ReportLab's name

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = sum(self.widths)
        before = self.body.before
        self.height = self.header_height + before[self.last] - before[self.first]
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        room = available_height - self.header_height + rl_config._FUZZ
        before, start = self.body.before, self.body.before[self.first]
        # the rows that fit: the last whose bottom is within the room
        end = self.first
        while end < self.last and before[end + 1] - start <= room:
            end += 1
        if end == self.first:
            return []
        return [self._part(self.first, end), self._part(end, self.last)]

    def _part(self, first: int, last: int) -> PlainTable:
        return PlainTable(self.header, self.body, self.widths, self.grid, self.hAlign,
                          first, last)

    def draw(self) -> None:
        canv, g = self.canv, self.grid
        text = _Text(canv, g)
        lefts = [0.0, *itertools.accumulate(self.widths)]
        xs = [fp_str(x + g.side) for x in lefts[:-1]]
        top = self.height
        out = [f"q {fp_str(*g.fill.rgb())} rg 0 {fp_str(top - self.header_height)} "
               f"{fp_str(self.width)} {fp_str(self.header_height)} re f",
               f"BT {fp_str(*g.colour.rgb())} rg {fp_str(g.leading)} TL"]
        edges = [top]
        y = top
        # the heading row in bold, then the body's rows
        text.use(out, g.bold)
        offset = g.top + g.size  # a cell's first baseline below its top
        for x, cell in zip(xs, self.header, strict=True):
            if cell:
                out.append(f"1 0 0 1 {x} {fp_str(y - offset)} Tm {text.cell(g.bold, cell)}")
        y -= self.header_height
        edges.append(y)
        text.use(out, g.font)
        known = text.known(g.font)
        rows, heights, add, find = self.body.rows, self.body.heights, out.append, known.get
        for i in range(self.first, self.last):
            baseline = fp_str(y - offset)
            for x, cell in zip(xs, rows[i], strict=True):
                if cell:
                    add(f"1 0 0 1 {x} {baseline} Tm {find(cell) or text.cell(g.font, cell)}")
            y -= heights[i]
            edges.append(y)
        out.append("ET")
        # the rules: across at every row's edge, down at every column's
        width = fp_str(self.width)
        out.append(f"{fp_str(g.rule_width)} w {fp_str(*g.rule.rgb())} RG")
        out += [f"0 {e} m {width} {e} l" for e in map(fp_str, edges)]
        up, down = fp_str(top), fp_str(y)
        out += [f"{x} {up} m {x} {down} l" for x in map(fp_str, lefts)]
        out.append("S Q")
        canv._code.append("\n".join(out))  # the page's content, as ReportLab's own methods add


class _Text:
    """A cell's lines as text operators: its first line where the text matrix is, each
    next one a leading lower (the ' operator), in its font's first subset, switching to
    another subset for characters beyond it and back again. A cell's operators are kept
    for the document (names, categories, decisions come back on row after row); a line
    of printable ASCII is its own encoding when the font keeps ASCII readable."""

    def __init__(self, canv: Any, grid: Grid) -> None:
        self.doc, self.size = canv._doc, fp_str(grid.size)
        self.cache: dict[str, dict[str, str]] = canv.__dict__.setdefault("_cer_plain", {})
        self.readable: dict[str, bool] = canv.__dict__.setdefault("_cer_readable", {})
        self.current = ""

    def use(self, out: list[str], font: str) -> None:
        """Set the text object's font (its first subset), unless it is set already."""
        name = getFont(font).getSubsetInternalName(0, self.doc)
        if name != self.current:
            out.append(f"{name} {self.size} Tf")
            self.current = name

    def known(self, font: str) -> dict[str, str]:
        """The cells' operators found so far in font, by the cell's text."""
        return self.cache.setdefault(font, {})

    def cell(self, font: str, value: str) -> str:
        known = self.known(font)
        found = known.get(value)
        if found is None:
            found = known[value] = self._operators(font, value)
        return found

    def _operators(self, font_name: str, value: str) -> str:
        readable = self._readable(font_name)
        if readable and value.isascii() and value.isprintable():
            return f"({escapePDF(value)}) Tj"  # one line, written as it is
        font = getFont(font_name)
        first = font.getSubsetInternalName(0, self.doc)
        ops: list[str] = []
        current = first
        for number, line in enumerate(value.split("\n")):
            show = "Tj" if number == 0 else "'"
            if readable and line.isascii() and line.isprintable():
                pieces = [(first, escapePDF(line))]
            else:
                pieces = [(font.getSubsetInternalName(subset, self.doc), escapePDF(chunk))
                          for subset, chunk in font.splitString(line, self.doc)]
            for name, escaped in pieces:
                if name != current:
                    ops.append(f"{name} {self.size} Tf")
                    current = name
                ops.append(f"({escaped}) {show}")
                show = "Tj"  # the rest of the line follows on
        if current != first:
            ops.append(f"{first} {self.size} Tf")
        return " ".join(ops)

    def _readable(self, font_name: str) -> bool:
        known = self.readable.get(font_name)
        if known is None:
            known = self.readable[font_name] = getFont(font_name).splitString(
                _ASCII, self.doc) == [(0, _ASCII.encode("ascii"))]
        return known

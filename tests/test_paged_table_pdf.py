"""export.paged_table: a long table laid out a page at a time from known row heights,
each page's table carrying only the style commands of its own rows, plain cells drawn into
one text object in the order of the cells. Read back with pypdf and pdftotext."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate
from reportlab.platypus.tables import CellStyle

from cerecorder import paths
from cerecorder.export.layout import REGULAR, register_fonts
from cerecorder.export.paged_table import Dash, Lines, PagedTable, cell_height

register_fonts(paths.resources_dir() / "fonts")
FILL = colors.HexColor("#F3F1EA")


def _table(rows: int, height: float = 20.0) -> PagedTable:
    body: list[list[Any]] = [[f"r{i}a", Dash("\u2014") if i % 2 else f"r{i}b"]
                             for i in range(rows)]
    group = [("BACKGROUND", (0, 0), (-1, 3), FILL), ("LINEBELOW", (0, 0), (-1, 2), 1, FILL)]
    cell = CellStyle("test")
    cell.fontname, cell.valign = REGULAR, "TOP"
    return PagedTable(["A", "B"], body, [height] * rows, 15.0, [100.0, 100.0], cell,
                      [("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey)], [(2, 5, group)],
                      [("BOX", (0, 0), (-1, -1), 0.4, colors.black)])


def _commands(table: Any) -> list[tuple[Any, ...]]:
    return [(c[0], c[1], c[2]) for c in table._bkgrndcmds + table._linecmds]


def test_a_page_takes_the_rows_that_fit_and_cuts_a_group_at_the_break() -> None:
    page, rest = _table(10).split(200, 15 + 4 * 20 + 5)
    assert len(page._cellvalues) == 5  # the header and 4 rows
    assert page._rowHeights == [15.0, 20.0, 20.0, 20.0, 20.0]
    # the group's rows 2 to 5: on this page its rows 2 and 3 (table rows 3 and 4)
    assert ("BACKGROUND", (0, 3), (-1, 4)) in _commands(page)
    assert ("LINEBELOW", (0, 3), (-1, 4)) in _commands(page)
    assert isinstance(rest, PagedTable) and len(rest.rows) == 6
    second, _rest = rest.split(200, 15 + 4 * 20)
    # then its rows 4 and 5 at the top of the next page; the rule inside stops at row 4
    assert ("BACKGROUND", (0, 1), (-1, 2)) in _commands(second)
    assert ("LINEBELOW", (0, 1), (-1, 1)) in _commands(second)
    assert _commands(second)[-1] == ("BOX", (0, 0), (-1, -1))  # the closing commands last
    assert _table(3).split(200, 30) == []  # not even one row: the next frame


def test_heights_as_reportlab_measures_them() -> None:
    assert cell_height("one\ntwo\nthree", 50, 11) == 33
    assert cell_height("", 50, 11) == 11
    assert cell_height(Lines([("x", REGULAR, 0, 0), ("y", REGULAR, 4, 2)], 8.5, 11), 50,
                       11) == 24


def test_cells_read_in_order_across_pages() -> None:
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4)
    doc.build([_table(120)])
    reader = PdfReader(io.BytesIO(out.getvalue()))
    assert len(reader.pages) > 2
    words = " ".join(p.extract_text() for p in reader.pages).split()
    cells = [w for w in words if w.startswith("r")]
    assert cells == [f"r{i}{c}" for i in range(120) for c in ("ab" if i % 2 == 0 else "a")]
    assert words.count("\u2014") == 60 and words.count("A") == len(reader.pages)


def test_a_built_in_font_is_drawn_too() -> None:
    cell = CellStyle("helvetica")
    cell.fontname, cell.valign = "Helvetica", "TOP"
    table = PagedTable(["A"], [["plain text"], [Dash("\u2014")]], [20.0, 20.0], 15.0,
                       [100.0], cell, [], [], [])
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build([table])
    text = PdfReader(io.BytesIO(out.getvalue())).pages[0].extract_text()
    assert "plain text" in text and "A" in text

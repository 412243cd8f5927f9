"""What every report PDF shares, over export.layout's furniture (marking top and bottom,
document id, who generated it, Page X of Y, DEMO watermark): a table per breakdown, in
which the counts arrive already suppressed, and bar charts drawn with ReportLab graphics.

A chart never shows more than its table: a bar whose count is suppressed is drawn at no
height and labelled "fewer than 5", so its size cannot be read off the axis.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from cerecorder.domain.reports import FEWER, THRESHOLD
from cerecorder.export.layout import BOLD, REGULAR, Styles, column_widths, grid_style

BAR = colors.HexColor("#2F5D8A")  # 6.9:1 on white
INK = colors.HexColor("#222222")


def breakdown_table(title: str, unit: str, cells: dict[str, str], total: str, s: Styles,
                    width: float, *, total_row: bool = True) -> Flowable:
    rows = [[Paragraph(escape(title), s.cell_head), Paragraph(escape(unit.capitalize()),
                                                               s.cell_head)]]
    rows += [[Paragraph(escape(k), s.cell), Paragraph(escape(v), s.cell)]
             for k, v in cells.items()]
    if total_row:
        rows.append([Paragraph("Total", s.cell_head), Paragraph(escape(total), s.cell_head)])
    table = Table(rows, colWidths=column_widths(width, (0.7, 0.3), (0, 0)), repeatRows=1)
    table.setStyle(grid_style())
    return KeepTogether([table, Spacer(0, 8)])


def grid(headings: Sequence[str], rows: Sequence[Sequence[str]], s: Styles, width: float
         ) -> Flowable:
    """A table of already suppressed counts: a label column, then one per heading."""
    data = [[Paragraph(escape(h), s.cell_head) for h in headings]]
    data += [[Paragraph(escape(v), s.cell) for v in row] for row in rows]
    rest = (1 - 0.4) / max(len(headings) - 1, 1)
    table = Table(data, colWidths=column_widths(width, (0.4, *[rest] * (len(headings) - 1)),
                                                (0,) * len(headings)), repeatRows=1)
    table.setStyle(grid_style())
    return KeepTogether([table, Spacer(0, 8)])


def _plotted(values: Sequence[int]) -> list[int]:
    return [0 if 0 < v < THRESHOLD else v for v in values]


def _label(value: int) -> str:
    return FEWER if 0 < value < THRESHOLD else str(value)


def column_chart(title: str, labels: Sequence[str], values: Sequence[int], width: float,
                 height: float = 170) -> Drawing:
    """Columns, one per label (a trend over periods), each with its count over it."""
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, title, fontName=BOLD, fontSize=10, fillColor=INK))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 36, 34, width - 50, height - 70
    chart.data = [_plotted(values)]
    chart.bars[0].fillColor = BAR
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max([*chart.data[0], THRESHOLD]) * 1.2
    chart.valueAxis.labels.fontName = REGULAR
    chart.categoryAxis.categoryNames = list(labels)
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 7
    chart.barLabelFormat = lambda v: ""  # labels are drawn below, suppressed ones too
    drawing.add(chart)
    step = chart.width / max(len(values), 1)
    top = float(chart.valueAxis.valueMax)
    for i, value in enumerate(values):
        y = chart.y + chart.height * _plotted(values)[i] / top + 3
        drawing.add(String(chart.x + step * (i + 0.5), y, _label(value), fontName=REGULAR,
                           fontSize=8, fillColor=INK, textAnchor="middle"))
    return drawing


def bar_chart(title: str, labels: Sequence[str], values: Sequence[int], width: float) -> Drawing:
    """Horizontal bars, one per label (categories), each with its count at its end."""
    row = 13.0
    height = row * len(labels) + 40
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, title, fontName=BOLD, fontSize=10, fillColor=INK))
    chart = HorizontalBarChart()
    left = max(stringWidth(label, REGULAR, 7) for label in labels) + 8
    chart.x, chart.y, chart.width, chart.height = left, 8, width - left - 70, row * len(labels)
    chart.data = [_plotted(values)[::-1]]
    chart.bars[0].fillColor = BAR
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max([*chart.data[0], THRESHOLD]) * 1.1
    chart.valueAxis.visible = False
    chart.categoryAxis.categoryNames = list(labels)[::-1]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    drawing.add(chart)
    top = float(chart.valueAxis.valueMax)
    for i, value in enumerate(list(values)[::-1]):
        x = chart.x + chart.width * _plotted([value])[0] / top + 3
        drawing.add(String(x, chart.y + row * (i + 0.5) - 2.5, _label(value),
                           fontName=REGULAR, fontSize=7, fillColor=INK))
    return drawing


#: what a cell a spreadsheet would run as a formula starts with
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_rows(rows: Sequence[Sequence[str]]) -> bytes:
    """CSV for spreadsheets (UTF-8 with a byte-order mark, CRLF); no cell is a formula
    (one that would be starts with ')."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(["'" + v if v.startswith(_FORMULA) else v for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")

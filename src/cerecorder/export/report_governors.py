"""The governors' report as a PDF (a summary, the tables, then the chart page) and as a
CSV of the same figures, suppressed the same way."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer

from cerecorder.domain import reports
from cerecorder.domain.reports import GovernorsReport
from cerecorder.domain.timefmt import uk_date
from cerecorder.export.layout import MARGIN, Styles, build, register_fonts
from cerecorder.export.report_pdf import (
    bar_chart,
    breakdown_table,
    column_chart,
    csv_rows,
    grid,
)

NOTE = ("Counts from 1 to 4 are shown as \u201cfewer than 5\u201d. Where only one row of a "
        "table that adds up to its total is suppressed, the next smallest is shown as "
        "\u201c5 or more\u201d, so that no suppressed count can be worked out by "
        "subtraction. A concern of several categories counts in each, and a child with "
        "several statuses in each. No child is named.")


def _short(period: reports.Period) -> str:
    return f"{uk_date(period.start)}\u2013{uk_date(period.end)}"


def render(report: GovernorsReport, fonts: Path) -> bytes:
    register_fonts(fonts)
    s = Styles()
    width = A4[0] - 2 * MARGIN
    story: list[Flowable] = [
        Paragraph(escape(report.header.subject), s.title),
        Paragraph(escape(f"{report.header.school} · {report.period.label}"
                         if report.header.school else report.period.label), s.subtitle),
        Paragraph(escape(f"Concerns recorded: {reports.shown(report.concerns)}. "
                         f"Children concerned: {reports.shown(report.children)}."), s.body),
        Paragraph(escape(NOTE), s.note), Spacer(0, 6),
    ]
    for b in report.breakdowns:
        story.append(breakdown_table(b.title, b.unit, b.cells, b.total_shown, s, width,
                                     total_row=not b.overlapping))
    trend = report.trend
    story += [PageBreak(), Paragraph("Trends", s.heading),
              column_chart("Concerns recorded, this period and the three before",
                           [_short(p) for p in trend.periods], trend.totals, width),
              Spacer(0, 10)]
    this = {k: v[-1] for k, v in trend.by_category.items()}
    story.append(bar_chart("Concerns by category, this period", list(this), list(this.values()),
                           width))
    story.append(Spacer(0, 10))
    story.append(KeepTogether([
        Paragraph("Concerns by category, period by period", s.heading),
        grid(["Category", *[_short(p) for p in trend.periods]],
             [[k, *[reports.shown(n) for n in v]] for k, v in trend.by_category.items()],
             s, width)]))
    return build(report.header, story, A4, "Governors' safeguarding report")


def csv_bytes(report: GovernorsReport) -> bytes:
    rows: list[list[str]] = [["marking", "document", "period", "table", "row", "count"]]
    head = [report.header.marking, report.header.document_id, report.period.label]
    rows.append([*head, "Summary", "Concerns recorded", reports.shown(report.concerns)])
    rows.append([*head, "Summary", "Children concerned", reports.shown(report.children)])
    for b in report.breakdowns:
        rows += [[*head, b.title, k, v] for k, v in b.cells.items()]
    for p, total in zip(report.trend.periods, report.trend.totals, strict=True):
        rows.append([*head, "Trend: concerns recorded", p.label, reports.shown(total)])
    return csv_rows(rows)

"""The Ofsted inspection pack as a PDF (A4 landscape: a summary, then one table per list)
and as a CSV of the same rows, each row carrying the marking and the document id."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer
from reportlab.platypus.tables import CellStyle

from cerecorder.domain.reports import OfstedPack
from cerecorder.export.layout import (
    BOLD,
    HEAD_FILL,
    MARGIN,
    REGULAR,
    RULE,
    Styles,
    build,
    column_widths,
    register_fonts,
    unbreakable,
)
from cerecorder.export.paged_table import Command, Lines, PagedTable, split_lines
from cerecorder.export.report_pdf import csv_rows

NOTE = ("This pack names children: it is for the inspection team and the school's "
        "safeguarding leads only. Referrals to the DSL are the concerns staff recorded in "
        "the period; the local authority's are referrals to MASH or children's social care "
        "recorded as actions; plans come from each child's dated statuses.")
NONE = "None in the period."
YES_NO = {True: "Yes", False: "No"}
#: grid_style's cell padding: top, bottom, left and right
TOP, BOTTOM, SIDE = 2.5, 3.0, 3.0
ROOM = 2 * SIDE + 0.5  # the padding, and a little to spare


def _lines(value: str, font: str, size: float, width: float) -> list[str]:
    """A cell's text broken into lines that fit, an empty line kept as one: the table is
    laid out from the lines' count and drawn as plain text (a year's pack runs to tens of
    thousands of rows, too many for a Paragraph each)."""
    return [line for part in value.splitlines() or [""]
            for line in split_lines(part, font, size, width) or [""]]


def _table(headings: Sequence[str], rows: Sequence[Sequence[str]], shares: Sequence[float],
           nowrap: Sequence[int], s: Styles, width: float) -> Flowable:
    size, leading = s.cell.fontSize, s.cell.leading
    # the nowrap columns (ids, times) never break: as wide as their widest line
    least = [max(unbreakable([headings[i]], BOLD, size),
                 unbreakable([row[i] for row in rows], REGULAR, size)) if i in nowrap
             else 0.0 for i in range(len(headings))]
    widths = column_widths(width, shares, least)
    room = [w - ROOM for w in widths]
    # the headings, in bold, as lines of their own (every other cell is in the one style)
    header = [Lines([(line, BOLD, 0.0, 0.0) for line in _lines(h, BOLD, size, w)], size,
                    leading) for h, w in zip(headings, room, strict=True)]
    # a column's values come back row after row (names, categories, decisions, outcomes):
    # each broken once
    broken: list[dict[str, str]] = [{} for _ in headings]

    def lines(value: str, column: int) -> str:
        memo = broken[column]
        found = memo.get(value)
        if found is None:
            found = memo[value] = "\n".join(_lines(value, REGULAR, size, room[column]))
        return found

    body = [[lines(v, i) for i, v in enumerate(row)] for row in rows]
    cell = CellStyle("ofsted")
    cell.fontname, cell.fontsize, cell.leading, cell.color = \
        REGULAR, size, leading, s.cell.textColor
    cell.topPadding, cell.bottomPadding, cell.leftPadding, cell.rightPadding = \
        TOP, BOTTOM, SIDE, SIDE
    cell.valign = "TOP"
    grid: list[Command] = [("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
                           ("GRID", (0, 0), (-1, -1), 0.4, RULE)]
    return PagedTable(header, body,
                      [leading * (max(v.count("\n") for v in row) + 1) + TOP + BOTTOM
                       for row in body],
                      max(h.height for h in header) + TOP + BOTTOM, widths, cell, grid, [], [],
                      # (centred: as wide as the page within its margins, wider than the
                      # frame, whose padding it overhangs equally on both sides)
                      "CENTER")


def _section(title: str, count: int, table: Flowable, s: Styles) -> list[Flowable]:
    # not kept with the table that follows: a list of pages would be pushed whole onto the
    # next page, leaving the first one blank
    head = Paragraph(escape(f"{title} ({count})"),
                     ParagraphStyle("list_heading", parent=s.heading, keepWithNext=0))
    if not count:
        return [KeepTogether([head, Paragraph(NONE, s.empty)]), Spacer(0, 8)]
    return [head, table, Spacer(0, 8)]


def render(pack: OfstedPack, fonts: Path) -> bytes:
    register_fonts(fonts)
    s = Styles(9)
    size = landscape(A4)
    width = size[0] - 2 * MARGIN
    la = len(pack.local_authority)
    story: list[Flowable] = [
        Paragraph(escape(pack.header.subject), s.title),
        Paragraph(escape(f"{pack.header.school} · {pack.period.label}"
                         if pack.header.school else pack.period.label), s.subtitle),
        Paragraph(escape(pack.summary[:1].upper() + pack.summary[1:] + "."), s.body),
        Paragraph(escape(NOTE), s.note), Spacer(0, 4),
    ]
    story += _section("Referrals to the DSL", len(pack.referrals), _table(
        ["Concern", "When", "Child", "Categories", "DSL's decision", "To the LA", "Outcome"],
        [[f"#{r.concern_id}", r.occurred, r.children, r.categories, r.decision,
          YES_NO[r.to_local_authority], r.outcome] for r in pack.referrals],
        (0.06, 0.11, 0.14, 0.19, 0.14, 0.06, 0.30), (0, 1), s, width), s)
    story += _section("Referred to the local authority", la, _table(
        ["When", "Child", "Referral", "Detail", "Outcome", "Concern"],
        [[r.taken, r.child, r.kind, r.detail, r.outcome,
          "" if r.concern_id is None else f"#{r.concern_id}"] for r in pack.local_authority],
        (0.11, 0.14, 0.16, 0.25, 0.28, 0.06), (0, 5), s, width), s)
    story += _section("Children with a plan", len(pack.plans), _table(
        ["Child", "Year", "Plan", "From", "To"],
        [[p.child, p.year_group, p.plan, p.started, p.ended] for p in pack.plans],
        (0.3, 0.12, 0.28, 0.15, 0.15), (), s, width), s)
    story += _section("Children missing education", len(pack.missing_education), _table(
        ["Child", "Year", "Concerns in the period", "Latest"],
        [[m.child, m.year_group, str(m.concerns), m.latest] for m in pack.missing_education],
        (0.35, 0.15, 0.25, 0.25), (), s, width), s)
    return build(pack.header, story, size, "Ofsted inspection pack")


def csv_bytes(pack: OfstedPack) -> bytes:
    """One row per line of each list: list, then the list's own columns."""
    head = [pack.header.marking, pack.header.document_id, pack.period.label]
    rows: list[list[str]] = [["marking", "document", "period", "list", "concern", "when",
                              "child", "year", "what", "decision or plan", "to the LA",
                              "outcome or end"]]
    for r in pack.referrals:
        rows.append([*head, "Referrals to the DSL", str(r.concern_id), r.occurred, r.children,
                     "", r.categories, r.decision, YES_NO[r.to_local_authority], r.outcome])
    for a in pack.local_authority:
        rows.append([*head, "Referred to the local authority",
                     "" if a.concern_id is None else str(a.concern_id), a.taken, a.child, "",
                     f"{a.kind}: {a.detail}" if a.detail else a.kind, "", "Yes", a.outcome])
    for p in pack.plans:
        rows.append([*head, "Children with a plan", "", p.started, p.child, p.year_group,
                     "", p.plan, "", p.ended])
    for m in pack.missing_education:
        rows.append([*head, "Children missing education", "", m.latest, m.child,
                     m.year_group, f"{m.concerns} concern(s)", "", "", ""])
    return csv_rows(rows)

"""The Ofsted inspection pack as a PDF (A4 landscape: a summary, then one table per list)
and as a CSV of the same rows, each row carrying the marking and the document id."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

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
from cerecorder.export.plain_table import Grid, PlainTable, fit_lines
from cerecorder.export.report_pdf import csv_rows

NOTE = ("This pack names children: it is for the inspection team and the school's "
        "safeguarding leads only. Referrals to the DSL are the concerns staff recorded in "
        "the period; the local authority's are referrals to MASH or children's social care "
        "recorded as actions; plans come from each child's dated statuses. An outcome or "
        "detail longer than two lines ends in \u2026: the CSV has it in full, and so does "
        "the concern's own record.")
NONE = "None in the period."
YES_NO = {True: "Yes", False: "No"}
#: grid_style's cell padding: top, bottom, left and right
TOP, BOTTOM, SIDE = 2.5, 3.0, 3.0
ROOM = 2 * SIDE + 0.5  # the padding, and a little to spare
#: a free-text cell (an outcome, a referral's detail) shows at most this many lines: the
#: pack is for choosing case files, and the CSV and each concern's record have it whole
MOST = 2


@dataclass(frozen=True)
class Column:
    heading: str
    share: float
    nowrap: bool = False  # ids and times: never broken, as wide as the widest
    most: int | None = None  # lines shown at most (the last then ends in an ellipsis)


def _table(columns: Sequence[Column], rows: Sequence[Sequence[str]], s: Styles,
           width: float) -> Flowable:
    size, leading = s.cell.fontSize, s.cell.leading
    least = [max(unbreakable([c.heading], BOLD, size),
                 unbreakable(_shapes([row[i] for row in rows], size), REGULAR, size))
             if c.nowrap else 0.0 for i, c in enumerate(columns)]
    widths = column_widths(width, [c.share for c in columns], least)
    room = [w - ROOM for w in widths]
    header = ["\n".join(fit_lines(c.heading, BOLD, size, w))
              for c, w in zip(columns, room, strict=True)]
    # a column's values come back row after row (names, categories, decisions, outcomes):
    # each fitted once; an id or a time is one line as it is
    fits = [None if c.nowrap else _fitter(size, w, c.most)
            for c, w in zip(columns, room, strict=True)]
    body = [[v if fit is None else fit(v) for fit, v in zip(fits, row, strict=True)]
            for row in rows]
    grid = Grid(REGULAR, BOLD, size, leading, TOP, BOTTOM, SIDE, s.cell.textColor,
                HEAD_FILL, RULE, 0.4)
    # (centred: as wide as the page within its margins, wider than the frame, whose
    # padding it overhangs equally on both sides)
    return PlainTable(header, body, widths, grid, "CENTER")


_DIGITS = "0123456789"
_AS_ZERO = str.maketrans(_DIGITS, "0" * len(_DIGITS))


def _shapes(values: Sequence[str], size: float) -> list[str]:
    """values as wide as values: each id and time is a string of its own, but where the
    font's digits share one width (DejaVu's do) they are as wide as with noughts for
    digits, and a year's thousands of them come to a few to measure."""
    if len({stringWidth(d, REGULAR, size) for d in _DIGITS}) == 1:
        return list({v.translate(_AS_ZERO) for v in values})
    return list(set(values))


def _fitter(size: float, width: float, most: int | None) -> Callable[[str], str]:
    """A column's values fitted to its width, their lines joined by "\\n", each value once."""
    memo: dict[str, str] = {}

    def fit(value: str) -> str:
        found = memo.get(value)
        if found is None:
            found = memo[value] = "\n".join(fit_lines(value, REGULAR, size, width, most))
        return found

    return fit


def _section(title: str, count: int, table: Flowable, s: Styles) -> list[Flowable]:
    # not kept with the table that follows: a list of pages would be pushed whole onto the
    # next page, leaving the first one blank
    head = Paragraph(escape(f"{title} ({count})"),
                     ParagraphStyle("list_heading", parent=s.heading, keepWithNext=0))
    if not count:
        return [KeepTogether([head, Paragraph(NONE, s.empty)]), Spacer(0, 8)]
    return [head, table, Spacer(0, 8)]


REFERRALS = (Column("Concern", 0.06, nowrap=True), Column("When", 0.105, nowrap=True),
             Column("Child", 0.15), Column("Categories", 0.245), Column("DSL's decision", 0.14),
             Column("To the LA", 0.06), Column("Outcome", 0.24, most=MOST))
LOCAL_AUTHORITY = (Column("When", 0.105, nowrap=True), Column("Child", 0.15),
                   Column("Referral", 0.15), Column("Detail", 0.25, most=MOST),
                   Column("Outcome", 0.285, most=MOST), Column("Concern", 0.06, nowrap=True))
PLANS = (Column("Child", 0.3), Column("Year", 0.12), Column("Plan", 0.28),
         Column("From", 0.15), Column("To", 0.15))
MISSING = (Column("Child", 0.35), Column("Year", 0.15), Column("Concerns in the period", 0.25),
           Column("Latest", 0.25))


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
        REFERRALS, [[f"#{r.concern_id}", r.occurred, r.children, r.categories, r.decision,
                     YES_NO[r.to_local_authority], r.outcome] for r in pack.referrals],
        s, width), s)
    story += _section("Referred to the local authority", la, _table(
        LOCAL_AUTHORITY,
        [[r.taken, r.child, r.kind, r.detail, r.outcome,
          "" if r.concern_id is None else f"#{r.concern_id}"] for r in pack.local_authority],
        s, width), s)
    story += _section("Children with a plan", len(pack.plans), _table(
        PLANS, [[p.child, p.year_group, p.plan, p.started, p.ended] for p in pack.plans],
        s, width), s)
    story += _section("Children missing education", len(pack.missing_education), _table(
        MISSING, [[m.child, m.year_group, str(m.concerns), m.latest]
                  for m in pack.missing_education], s, width), s)
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

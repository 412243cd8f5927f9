"""A child's chronology as a PDF: the front sheet (the child, the document, the counts
over the period, statuses, professionals and the DSL), then the partnership chronology,
then the end matter.

The columns are those local safeguarding partnerships ask for: Date and time (and when
recorded, where different) · Age · Source (who, their role, their service) · Event (facts,
the child's words set apart and quoted, the signs) · Impact on the child · Action · Outcome
· Recorded by. A long entry is carried over several table rows of a few lines each, so a
page never ends on a large gap; the rule between entries is drawn, not the one inside an
entry. Bookmarks lead to each year and month of the chronology. The cells' lines are
broken here, so the table is laid out a page at a time from known row heights
(export.paged_table); each cell's text starts at its left and top, with more than the
font size between one cell's text and the next, so that text extraction that rebuilds the
order from positions (pdftotext) finds the grid and reads it row by row.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.tables import CellStyle

from cerecorder.domain.handover import ChronologyDocument, who
from cerecorder.domain.model import ChronologyEntry, EntryType
from cerecorder.domain.statuses import age_text
from cerecorder.domain.timefmt import local, uk_date, uk_datetime
from cerecorder.export.layout import (
    BOLD,
    DATE_SAMPLE,
    HEAD_FILL,
    ITALIC,
    MARGIN,
    REGULAR,
    RULE,
    Bookmark,
    Styles,
    build,
    chunks,
    column_widths,
    details_table,
    end_matter,
    grid_style,
    para,
    register_fonts,
    require_school,
    return_to,
    text,
    unbreakable,
    unquoted,
)
from cerecorder.export.paged_table import (
    Command,
    Dash,
    Lines,
    PagedTable,
    cell_height,
    split_lines,
    word_widths,
)

#: the columns and their share of the table's width, landscape and portrait
COLUMNS = ("Date and time", "Age", "Source", "Event", "Impact on the child", "Action",
           "Outcome", "Recorded by")
#: (portrait: the age goes under the date, in one column, so that the text columns are
#: wide enough to read at 8.5 pt)
SHARES = {True: (0.085, 0.05, 0.12, 0.265, 0.12, 0.15, 0.11, 0.10),
          False: (0.115, 0.0, 0.12, 0.27, 0.12, 0.15, 0.12, 0.105)}
MERGED_HEAD = "Date, time and age"
#: a cell is carried over into another table row after about this many lines (landscape,
#: portrait): a row that does not fit at the foot of a page leaves a gap of at most a
#: fifth of the page
LINES = {True: 8, False: 12}
#: cell padding, left and right. Between one cell's text and the next's there is more
#: than the font size: poppler (pdftotext) joins text less than a font size apart into one
#: block, and reads two cells' lines as one.
PAD, PAD_RIGHT = 3.0, 5.6
QUOTE_INDENT = 4  # the child's words, set in from the facts
SIGNIFICANT = "\u2605 Significant event"
#: an empty cell of an entry's first row. pdftotext (and other extraction that rebuilds the
#: order from positions) reads the table row by row only where it finds a table: text
#: blocks in a grid, each aligned with those beside and below it. A missing cell breaks the
#: grid and its neighbours are read after the whole table; so each holds a dash, at the
#: left like the text of the cells around it.
NOTHING = "\u2014"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def render_chronology(doc: ChronologyDocument, fonts: Path, *, landscape: bool = True) -> bytes:
    require_school(doc.header)
    register_fonts(fonts)
    pagesize = (A4[1], A4[0]) if landscape else A4
    width = pagesize[0] - 2 * MARGIN
    s = Styles(10)
    story: list[Flowable] = [Bookmark([("Front sheet", 0)], "front"),
                             *_front_sheet(doc, s, width, landscape), PageBreak(),
                             Bookmark([("Chronology", 0)], "chronology"),
                             _table(doc, Styles(8.5), width, landscape)]
    entries = f"{len(doc.rows):,} {'entry' if len(doc.rows) == 1 else 'entries'}"
    story += [Bookmark([("End, sign-off and receipt", 0)], "end"), *end_matter(
        doc.header, s, width * (0.7 if landscape else 1), end_line=f"End of chronology: {entries}",
        what=f"the safeguarding chronology of {doc.child.name} ({entries})",
        return_to=return_to(doc.header))]
    title = "Summary chronology" if doc.significant_only else "Safeguarding chronology"
    # the title (shown in a viewer's title bar and file lists) names no child, as the
    # file's name does not: the document id finds it
    return build(doc.header, story, pagesize, title)


# -- the front sheet -----------------------------------------------------------------------

def _front_sheet(doc: ChronologyDocument, s: Styles, width: float, landscape: bool
                 ) -> list[Flowable]:
    child = doc.child
    # the child and the document side by side, so the front sheet is one page (portrait:
    # in smaller type)
    half = width / 2 - 6
    share = 0.36 if landscape else 0.4
    d = s if landscape else Styles(9)
    dsl = who(doc.header.generated_by, doc.header.generated_role)
    about_child = [Paragraph("The child", s.heading), details_table([
        ("Name", child.name),
        ("Legal name", child.legal_name),
        ("Date of birth", child.dob_text),
        ("UPN", child.upn),
        ("Year and registration group",
         " / ".join(x for x in (child.year_group, child.reg_group) if x)),
        ("Gender", child.gender),
        ("Flags", ", ".join(child.flags) or "None"),
    ], d, half, share)]
    about_document = [Paragraph("This document", s.heading), details_table([
        ("School", doc.header.school),
        ("Period covered", doc.period_text),
        ("Entries", f"{len(doc.rows):,}"),
        ("Prepared by (DSL)", dsl),
        ("DSL contact", doc.dsl_contact),
        ("Date prepared", uk_datetime(doc.header.generated_at, doc.header.generated_tz)),
        ("Purpose of disclosure", doc.purpose),
        ("Filters applied", doc.filters_text),
        ("Protective marking", doc.header.marking),
    ], d, half, share)]
    pair = Table([[about_child, about_document]], colWidths=[width / 2, width / 2],
                 hAlign="LEFT")
    pair.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    title = "Summary chronology of significant events" if doc.significant_only \
        else "Safeguarding chronology"
    return [
        Paragraph(title, s.title),
        Paragraph(escape(child.name), ParagraphStyle("name", parent=s.title, fontSize=14,
                                                     leading=18, fontName=REGULAR)),
        Spacer(0, 4), pair, *_counts(doc, s, width),
        *_involved(doc, s, width, landscape), Spacer(0, 6),
        Paragraph(
            "Dates are dd/mm/yyyy and times 24-hour, in the time zone each entry was "
            "recorded in; ages are at the event. The DSL's decisions and actions on a "
            "concern are in that concern's row. Opinion is shown as recorded and labelled "
            "as such in the concern records. Share this document only with those who need "
            "it for the purpose stated above.",
            ParagraphStyle("front_note", parent=s.note, fontSize=8.5, leading=11)),
    ]


def _counts(doc: ChronologyDocument, s: Styles, width: float) -> list[Flowable]:
    """How many concerns, missing episodes, police contacts, referrals and meetings over
    the period, counted over every entry type."""
    if not doc.counts:
        return []
    filtered = doc.significant_only or (doc.entry_types is not None
                                        and set(doc.entry_types) != set(EntryType))
    note = " (counted over every entry, whatever the filter)" if filtered else ""
    head = ParagraphStyle("count_head", parent=s.cell_head, fontSize=8, leading=10)
    table = Table([[Paragraph(escape(label), head) for label, _ in doc.counts],
                   [Paragraph(f"{count:,}", s.count) for _, count in doc.counts]],
                  colWidths=[width / len(doc.counts)] * len(doc.counts), hAlign="LEFT")
    table.setStyle(grid_style())
    return [Paragraph(escape(f"Over the period{note}"), s.heading), table]


def _grid(head: Sequence[str], rows: Sequence[Sequence[str]], shares: Sequence[float],
          s: Styles, width: float) -> Table:
    data = [[Paragraph(escape(h), s.cell_head) for h in head]]
    data += [[para(v, s.cell, empty="—") for v in row] for row in rows]
    size = s.cell.fontSize
    # dates whole; a contact (an email address) whole where it takes under a third
    least = [unbreakable([DATE_SAMPLE], REGULAR, size) if h in ("From", "To")
             else min(unbreakable([r[i] for r in rows], REGULAR, size), width / 3)
             if h == "Contact" else 0 for i, h in enumerate(head)]
    table = Table(data, colWidths=column_widths(width, shares, least), repeatRows=1,
                  hAlign="LEFT")
    table.setStyle(grid_style())
    return table


def _involved(doc: ChronologyDocument, s: Styles, width: float, landscape: bool
              ) -> list[Flowable]:
    """The statuses over the period and the professionals involved, with their dates:
    side by side on a landscape page, so that the front sheet stays one page."""
    small = Styles(8.5)
    if landscape:
        left, right = width * 0.38, width * 0.62
        pair = Table([[_statuses(doc, s, small, left - 6), _professionals(doc, s, small,
                                                                          right - 6)]],
                     colWidths=[left, right], hAlign="LEFT")
        pair.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                  ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                  ("RIGHTPADDING", (0, 0), (-1, -1), 6)]))
        return [pair]
    return [*_statuses(doc, s, small, width), *_professionals(doc, s, small, width)]


def _statuses(doc: ChronologyDocument, s: Styles, small: Styles, width: float
              ) -> list[Flowable]:
    heading = Paragraph("Statuses", s.heading)
    if not doc.statuses:
        return [heading, Paragraph("No child protection plan, child in need, looked-after, "
                                   "EHCP, SEND or early help status recorded.", small.empty)]
    rows = [(x.kind.label, uk_date(x.started_on),
             uk_date(x.ended_on) if x.ended_on else "Current", x.note) for x in doc.statuses]
    return [heading, _grid(("Status", "From", "To", "Note"), rows, (0.32, 0.2, 0.2, 0.28),
                           small, width)]


def _professionals(doc: ChronologyDocument, s: Styles, small: Styles, width: float
                   ) -> list[Flowable]:
    heading = Paragraph("Professionals involved", s.heading)
    if not doc.professionals:
        return [heading, Paragraph("No professionals recorded.", small.empty)]
    rows = [(p.role, p.name, p.agency, p.contact, uk_date(p.from_on),
             uk_date(p.to_on) if p.to_on else "Current") for p in doc.professionals]
    return [heading, _grid(("Role", "Name", "Service or agency", "Contact", "From", "To"),
                           rows, (0.18, 0.16, 0.2, 0.22, 0.12, 0.12), small, width)]


# -- the table -----------------------------------------------------------------------------

def _cell(value: str, s: Styles, width: float) -> Paragraph | str:
    """Plain text broken into lines here, where it can be: ReportLab draws a string of
    lines at a fraction of the cost of a Paragraph. A word too long for the column still
    goes to a Paragraph, which breaks it."""
    if not value:
        return ""
    lines = _lines(value, s.cell.fontSize, width) if len(value) > 80 \
        else _short_lines(value, s.cell.fontSize, width)
    return Paragraph(text(value), s.cell) if lines is None else lines


def _broken(value: str, font: str, size: float, width: float) -> list[str] | None:
    """The text as lines that fit width, or None when a word alone is too wide."""
    lines = split_lines(value, font, size, width)
    # only a line of one word can be too wide: split_lines puts such a word on its own
    widths = word_widths(font, size)
    if any(" " not in line and widths.get(line, 0.0) > width for line in lines):
        return None
    return lines


def _lines(value: str, size: float, width: float) -> str | None:
    lines = _broken(value, REGULAR, size, width)
    return None if lines is None else "\n".join(lines)


#: the same short cells (who, the school, a reference) come back on row after row
_short_lines = functools.lru_cache(maxsize=4096)(_lines)


def _when(entry: ChronologyEntry) -> str:
    """Date and time on two lines, and when it was recorded where that is different."""
    when = uk_datetime(entry.occurred_at, entry.tz)
    out = when.replace(" ", "\n")
    if entry.recorded_at is not None:
        recorded = uk_datetime(entry.recorded_at, entry.tz)
        if recorded != when:
            out += "\nRecorded\n" + recorded.replace(" ", "\n")
    return out


class _Table:
    """Builds the chronology's rows and styles, a few lines of each cell at a time."""

    def __init__(self, doc: ChronologyDocument, s: Styles, widths: Sequence[float],
                 lines: int, landscape: bool) -> None:
        self.doc, self.s, self.landscape = doc, s, landscape
        self.inner = [w - PAD - PAD_RIGHT for w in widths]  # less the cell padding
        # about how many characters make LINES lines in each column (DejaVu's mean advance
        # is about 0.55 em)
        self.limits = [max(80, int(w / (s.cell.fontSize * 0.55)) * lines) for w in self.inner]
        self.month = ""
        self.files = dict(doc.attachment_counts)

    def cells(self, value: str, column: int) -> list[Paragraph | str]:
        return [_cell(piece, self.s, self.inner[column])
                for piece in chunks(value, self.limits[column])]

    def event(self, entry: ChronologyEntry) -> list[Any]:
        """Facts (and signs), then the child's own words, set apart and quoted."""
        facts = f"{SIGNIFICANT}\n{entry.event}" if entry.significant else entry.event
        files = self.files.get(entry.concern_id or 0, 0) \
            if entry.entry_type is EntryType.CONCERN else 0
        if files:
            facts += f"\n[{files} attachment{'s' if files != 1 else ''}]"
        pieces: list[Any] = self.cells(facts, 3)
        if not entry.child_words.strip():
            return pieces
        words = chunks(unquoted(entry.child_words), self.limits[3])
        size, width = self.s.cell.fontSize, self.inner[3]
        quotes: list[Any] = []
        for i, piece in enumerate(words):
            quoted = ("\u201c" if i == 0 else "") + piece + ("\u201d" if i == len(words) - 1
                                                           else "")
            broken = _broken(quoted, ITALIC, size, width - QUOTE_INDENT)
            if broken is None:  # a word too long for the column: a Paragraph breaks it
                quotes.append(Paragraph(text(quoted), self.s.quote_cell))
                continue
            lines = [(line, ITALIC, QUOTE_INDENT, 0.0) for line in broken]
            if i == 0:
                lines.insert(0, ("Child's words:", BOLD, QUOTE_INDENT, 0.0))
            quotes.append(Lines(lines, size, self.s.cell.leading))
        last = pieces[-1]
        if isinstance(last, str) and isinstance(quotes[0], Lines):  # one drawing for both
            quotes[0] = Lines([(line, REGULAR, 0.0, 0.0) for line in last.split("\n") if last]
                              + list(quotes[0].lines), size, self.s.cell.leading)
            return [*pieces[:-1], *quotes]
        head = ([Paragraph(text(last), self.s.cell)] if last else []) \
            if isinstance(last, str) else [last]
        return [*pieces[:-1], [*head, quotes[0]], *quotes[1:]]

    def rows(self, entry: ChronologyEntry) -> list[list[Any]]:
        """One entry as one table row, or several when its cells are long."""
        school = self.doc.header.school
        source = "\n".join(x for x in (who(entry.recorded_by, entry.recorded_role), school,
                                       entry.source) if x)
        day = local(entry.occurred_at, entry.tz).date()
        split: list[list[Any]] = [
            self.cells(source, 2), self.event(entry), self.cells(entry.impact, 4),
            self.cells(entry.decision, 5), self.cells(entry.outcome, 6),
        ]
        when = _when(entry)
        age = age_text(self.doc.child.date_of_birth, day)
        if not self.landscape and age:  # under the date and time
            parts = when.split("\n")
            when = "\n".join([*parts[:2], age, *parts[2:]])
        first = self._bookmarked(entry, when)
        recorder = _cell(who(entry.recorded_by, entry.recorded_role), self.s, self.inner[7])
        rows: list[list[Any]] = []
        for i in range(max(len(p) for p in split)):
            rows.append(["(continued)", "", *(p[i] if i < len(p) else "" for p in split), ""])
        rows[0][0], rows[0][1], rows[0][-1] = first, age, recorder
        # the first row's empty cells hold a dash
        rows[0] = [cell or Dash(NOTHING) for cell in rows[0]]
        return rows if self.landscape else [[row[0], *row[2:]] for row in rows]

    def _bookmarked(self, entry: ChronologyEntry, when: str) -> Any:
        """The date cell; the first entry of a month also holds its bookmark (and the
        first of a year, the year's)."""
        moment = local(entry.occurred_at, entry.tz)
        month = f"{moment.year}-{moment.month:02d}"
        if month == self.month:
            return when
        marks = [] if self.month[:4] == month[:4] else [(str(moment.year), 1)]
        self.month = month
        marks.append((f"{_MONTHS[moment.month - 1]} {moment.year}", 2))
        return [Bookmark(marks, f"m{month}"),
                Lines([(line, REGULAR, 0.0, 0.0) for line in when.split("\n")],
                      self.s.cell.fontSize, self.s.cell.leading)]


def _table(doc: ChronologyDocument, s: Styles, width: float, landscape: bool) -> Flowable:
    size = s.cell.fontSize
    # no column narrower than its heading's longest word, nor dates and ages broken
    padding = PAD + PAD_RIGHT + 1
    least = [unbreakable(head.split(), BOLD, size, padding) for head in COLUMNS]
    least[0] = max(least[0], unbreakable([DATE_SAMPLE, "(continued)"], REGULAR, size,
                                         padding))
    least[1] = max(least[1], unbreakable(["17y 11m"], REGULAR, size, padding)) \
        if landscape else 0
    widths = column_widths(width, SHARES[landscape], least)
    builder = _Table(doc, s, widths, LINES[landscape], landscape)
    heads = list(COLUMNS)
    if not landscape:
        heads[:2] = [MERGED_HEAD]
        widths = [widths[0], *widths[2:]]
    inner = [w - PAD - PAD_RIGHT for w in widths]
    leading = s.cell.leading
    # the headings drawn as lines broken here, as the cells are: they come on every page
    # (no column is narrower than its heading's longest word)
    header = [Lines([(line, BOLD, 0.0, 0.0) for line in split_lines(h, BOLD, size, w)],
                    size, leading) for h, w in zip(heads, inner, strict=True)]
    shade = colors.HexColor("#F3F1EA")  # a significant event's row
    top, bottom = 2, 3
    # every cell set alike: one cell style shared by all, not style commands applied to
    # each cell of each page
    cell = CellStyle("chronology")
    cell.fontname, cell.fontsize, cell.leading = REGULAR, size, leading
    cell.topPadding, cell.bottomPadding, cell.leftPadding, cell.rightPadding = \
        top, bottom, PAD, PAD_RIGHT
    cell.valign = "TOP"
    styles: list[Command] = [("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
                             ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE)]
    closing: list[Command] = [("LINEAFTER", (0, 0), (-2, -1), 0.25, RULE),
                              ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                              ("BOX", (0, 0), (-1, -1), 0.4, RULE)]
    if not doc.rows:
        table = Table([header, [Paragraph("No entries match.", s.empty),
                                *[""] * (len(heads) - 1)]],
                      colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle([
            *styles, ("SPAN", (0, 1), (-1, 1)), *closing, ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), top), ("BOTTOMPADDING", (0, 0), (-1, -1), bottom),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD_RIGHT)]))
        return table

    def height(row: Sequence[Any]) -> float:
        return max(cell_height(v, w, leading) for v, w in zip(row, inner, strict=True)) \
            + top + bottom

    # lines are drawn in the order given: the rule inside a long entry is covered by its
    # background (in the entry's own commands) before the column rules and the box are
    # drawn
    rows: list[list[Any]] = []
    spans: list[tuple[int, int, list[Command]]] = []
    for entry in doc.rows:
        first = len(rows)
        rows += builder.rows(entry)
        n = len(rows) - first
        fill = shade if entry.significant else colors.white
        own: list[Command] = []
        if entry.significant:
            own.append(("BACKGROUND", (0, 0), (-1, n - 1), fill))
        if n > 1:
            own.append(("LINEBELOW", (0, 0), (-1, n - 2), 0.8, fill))
        if own:
            spans.append((first, first + n - 1, own))
    return PagedTable(header, rows, [height(row) for row in rows], height(header), widths,
                      cell, styles, spans, closing)

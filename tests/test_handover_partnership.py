"""The partnership chronology: dated statuses and professionals on the front sheet, the
DSL's significance marks and impact notes (migration 8, append-only, audited), the
columns partnerships ask for, the summary chronology of significant events, bookmarks by
year and month, and pages that do not end on large gaps. Read back from the PDFs with
pypdf and pdftotext."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from cerecorder.domain.errors import InvalidInput, PermissionDenied
from cerecorder.domain.model import EntryType, EventKind
from cerecorder.domain.statuses import StatusKind, age_text
from cerecorder.export.layout import quoted, unquoted
from cerecorder.services import handover, session, statuses
from cerecorder.services.session import Session
from cerecorder.storage.migrations import latest_version, schema_version
from pdf_reading import default_text, marked, misplaced, pieces_read
from pdf_reading import expected as expected_pieces
from pdf_words import pdf_pages
from test_handover import RENDERER, audit_actions, busy_child, cli, flat, pages, synthetic

from helpers import DSL_PASS, STAFF_PASS, TAXONOMY, MockClock, add_staff, switch_to

DATA = Path(__file__).parent / "data"


def handed_over(s: Session, clock: MockClock) -> tuple[int, int]:
    """busy_child with two statuses (one ended), two professionals (one ended), the DSL's
    contact, the concern marked significant with an impact note."""
    kid, cid = busy_child(s, clock)
    statuses.add_status(s, kid, StatusKind.CP_PLAN, date(2026, 11, 20), "Review 03/2027")
    early = statuses.add_status(s, kid, StatusKind.EARLY_HELP, date(2026, 9, 1))
    statuses.end_status(s, early, date(2026, 11, 19))  # early help ended at the plan
    statuses.add_professional(s, kid, role="Allocated social worker", name="Priya Shah",
                              agency="Northshire Children's Services",
                              contact="01632 960123", from_on=date(2026, 11, 20))
    helper = statuses.add_professional(s, kid, role="Early help lead", name="Tom Reid",
                                       agency="Family Hub", from_on=date(2026, 9, 1))
    statuses.end_professional(s, helper, date(2026, 11, 19))
    statuses.set_dsl_contact(s, "01632 960999 · dsl@eastcombe.example")
    statuses.mark_significant(s, kid, EntryType.CONCERN, cid)
    statuses.write_impact(s, kid, EntryType.CONCERN, cid, "Missed two days; withdrawn.")
    handover.set_school_name(s, "Eastcombe Academy")
    return kid, cid


# -- the data: append-only, DSL only, audited -------------------------------------------------

def test_statuses_and_professionals_are_ended_never_edited(dsl: Session,
                                                           clock: MockClock) -> None:
    kid, _cid = handed_over(dsl, clock)
    found = statuses.statuses(dsl, kid)
    assert [(x.kind, x.started_on, x.ended_on) for x in found] == [
        (StatusKind.EARLY_HELP, date(2026, 9, 1), date(2026, 11, 19)),
        (StatusKind.CP_PLAN, date(2026, 11, 20), None)]
    with pytest.raises(InvalidInput, match="already ended"):
        statuses.end_status(dsl, found[0].id, date(2026, 11, 20))
    with pytest.raises(InvalidInput, match="before"):
        statuses.end_status(dsl, found[1].id, date(2026, 11, 1))
    with pytest.raises(InvalidInput, match="future"):
        statuses.add_status(dsl, kid, StatusKind.SEND, date(2030, 1, 1))
    people = statuses.professionals(dsl, kid)
    assert [(p.name, p.to_on) for p in people] == [("Tom Reid", date(2026, 11, 19)),
                                                   ("Priya Shah", None)]
    conn = dsl.vault.conn
    for sql in ("UPDATE child_statuses SET kind = 'send'", "DELETE FROM child_statuses",
                "UPDATE child_status_ends SET ended_on = '2026-12-01'",
                "UPDATE professionals SET name = 'X'", "DELETE FROM professional_ends",
                "UPDATE significant_marks SET significant = 0", "DELETE FROM impact_notes"):
        with pytest.raises(Exception, match="immutable"):
            conn.execute(sql)


def test_only_the_dsl_records_them_and_the_audit_holds_ids_only(
        dsl: Session, clock: MockClock) -> None:
    kid, cid = handed_over(dsl, clock)
    actions = [a for a in audit_actions(dsl) if a[0] in {
        "status_added", "status_ended", "professional_added", "professional_ended",
        "dsl_contact_set", "entry_marked_significant", "impact_written"}]
    assert [a[0] for a in actions].count("status_added") == 2
    assert {a[0] for a in actions} >= {"status_ended", "professional_ended",
                                       "entry_marked_significant", "impact_written"}
    for _what, _type, _id, detail in actions:
        assert not {str(v) for v in detail.values()} & {
            "Priya Shah", "Review 03/2027", "Missed two days; withdrawn.", "01632 960123"}
    add_staff(dsl)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    for call in (lambda: statuses.add_status(staff, kid, StatusKind.SEND, date(2026, 1, 1)),
                 lambda: statuses.professionals(staff, kid),
                 lambda: statuses.mark_significant(staff, kid, EntryType.CONCERN, cid),
                 lambda: statuses.write_impact(staff, kid, EntryType.CONCERN, cid, "x")):
        with pytest.raises(PermissionDenied):
            call()


def test_a_later_mark_or_note_replaces_the_earlier_one(dsl: Session, clock: MockClock) -> None:
    kid, cid = handed_over(dsl, clock)
    assert statuses.significant(dsl, kid) == {("concern", cid)}
    statuses.mark_significant(dsl, kid, EntryType.CONCERN, cid, significant=False)
    assert statuses.significant(dsl, kid) == set()
    statuses.write_impact(dsl, kid, EntryType.CONCERN, cid, "")
    [row] = [r for r in handover.chronology_document(dsl, kid, purpose="x").rows
             if r.entry_type is EntryType.CONCERN]
    assert not row.significant and row.impact == ""
    with dsl.uow() as uow:
        assert uow.conn.execute("SELECT count(*) FROM impact_notes").fetchone()[0] == 2


def test_a_version_7_vault_upgrades_and_takes_statuses(tmp_path: Path, clock: MockClock) -> None:
    folder = tmp_path / "v7"
    shutil.copytree(DATA / "vault-v7", folder)
    opened = session.unlock(folder, user_name="dsl", passphrase=DSL_PASS, clock=clock,
                            taxonomy=TAXONOMY)
    try:
        assert schema_version(opened.vault.conn) == latest_version() >= 8
        [kid] = [r.child.id for r in handover.children_for_export(opened)]
        statuses.add_status(opened, kid, StatusKind.LOOKED_AFTER, date(2026, 10, 1))
        [concern] = [e for e in handover.chronology_document(opened, kid, purpose="x").rows
                     if e.entry_type is EntryType.CONCERN]
        statuses.mark_significant(opened, kid, EntryType.CONCERN, concern.ref_id)
        doc = handover.chronology_document(opened, kid, purpose="x", significant_only=True,
                                           school="Eastcombe Academy")
        assert [r.ref_id for r in doc.rows] == [concern.ref_id]
        assert "Version-7 rationale" in doc.rows[0].decision  # folded into its row
        assert [s.kind for s in doc.statuses] == [StatusKind.LOOKED_AFTER]
    finally:
        opened.lock()


# -- the front sheet ------------------------------------------------------------------------

def test_the_front_sheet_gives_statuses_professionals_and_the_dsl(dsl: Session,
                                                                  clock: MockClock) -> None:
    kid, _cid = handed_over(dsl, clock)
    doc = handover.chronology_document(dsl, kid, purpose="Transfer")
    for landscape in (True, False):
        cover = flat(pages(RENDERER.chronology(doc, landscape=landscape))[:2])
        assert "Prepared by (DSL) Dana Lead (DSL)" in cover
        assert "DSL contact 01632 960999 · dsl@eastcombe.example" in cover
        assert ("Statuses Status From To Note Early help 01/09/2026 "
                "19/11/2026 — Child protection plan 20/11/2026 Current Review 03/2027") in cover
        assert ("Allocated social worker Priya Shah Northshire Children's Services 01632 "
                "960123 20/11/2026 Current") in cover
        assert "Early help lead Tom Reid Family Hub — 01/09/2026 19/11/2026" in cover
    # a period after an ended status and involvement leaves them out
    later = handover.chronology_document(dsl, kid, purpose="x", date_from=date(2026, 12, 1))
    assert [x.kind for x in later.statuses] == [StatusKind.CP_PLAN]
    assert [p.name for p in later.professionals] == ["Priya Shah"]


# -- the columns ----------------------------------------------------------------------------

def test_the_partnership_columns(dsl: Session, clock: MockClock) -> None:
    kid, _cid = handed_over(dsl, clock)
    doc = handover.chronology_document(dsl, kid, purpose="x")
    assert age_text(date(2011, 3, 4), date(2026, 11, 16)) == "15y 8m"
    assert age_text(date(2011, 3, 4), date(2026, 3, 3)) == "14y 11m"
    for landscape in (True, False):
        texts = pages(RENDERER.chronology(doc, landscape=landscape))
        table = flat(texts[1:])
        # portrait: the age under the date, so that the text columns read at 8.5 pt
        when = "Date and time Age" if landscape else "Date, time and age"
        assert f"{when} Source Event Impact on the child Action Outcome Recorded by" in table
        # the concern: when (and when recorded), age, who from where, the event with the
        # child's words quoted and the signs, the impact, the decision and action folded
        # in, the outcome of the action, the recorder with their role
        row = table[table.index("16/11/2026 07:30"):table.index("Later: the car")]
        for expected in ("Recorded 16/11/2026 09:30", "15y 8m",
                         "Dana Lead (DSL) Eastcombe Academy Concern #1",
                         "\u2605 Significant event", "Seen getting into a grey car",
                         "Child's words: \u201cThey're my mates, they give me lifts.\u201d",
                         "Signs:", "Missed two days; withdrawn.",
                         "Decision: Refer to MASH / children's social care. Reason: Pattern "
                         "of older males and gifts. (Dana Lead (DSL), 16/11/2026 10:30)",
                         "Referral to MASH: Phoned MASH (Dana Lead (DSL), 16/11/2026 10:30)",
                         "Strategy meeting called."):
            assert expected in row, (landscape, expected)
        assert "Triage decision" not in table and "DSL triage of concern" not in table
        assert "End of chronology: 4 entries" in table


def test_words_typed_in_quotation_marks_are_quoted_once() -> None:
    """The recorder's own quotation marks give way to the document's, never doubled; marks
    inside the words, or on one side only, stay as typed."""
    assert quoted('"They look after us."') == "\u201cThey look after us.\u201d"
    assert quoted(" \u201cMy cousins.\u201d ") == "\u201cMy cousins.\u201d"
    assert unquoted("\u2018Leave it\u2019") == "Leave it"
    assert unquoted('He said "run" to me') == 'He said "run" to me'
    assert unquoted('"Only the start') == '"Only the start'
    assert unquoted('"') == '"'


def test_body_text_is_at_least_8_5_points(dsl: Session, clock: MockClock) -> None:
    kid, _cid = handed_over(dsl, clock)
    data = RENDERER.chronology(handover.chronology_document(dsl, kid, purpose="x"),
                               landscape=False)
    body = [w for page in pdf_pages(data) for w in page.words
            if w.text in ("Phoned", "Seen", "Leeds.", "Later:")]
    assert len(body) == 4 and all(w.y1 - w.y0 >= 8.5 for w in body)  # box: the font size


# -- significant events -----------------------------------------------------------------------

def test_significant_events_only(dsl: Session, clock: MockClock, vault_dir: Path,
                                 tmp_path: Path) -> None:
    kid, cid = handed_over(dsl, clock)
    whole = handover.chronology_document(dsl, kid, purpose="x")
    [meeting] = [r for r in whole.rows if r.kind == EventKind.STRATEGY_MEETING]
    statuses.mark_significant(dsl, kid, EntryType.EVENT, meeting.ref_id)
    summary = handover.chronology_document(dsl, kid, purpose="x", significant_only=True)
    assert [(r.entry_type, r.ref_id) for r in summary.rows] == [
        (EntryType.CONCERN, cid), (EntryType.EVENT, meeting.ref_id)]
    assert summary.rows[0].decision  # the concern's decisions and actions come with it
    assert summary.counts == whole.counts  # counted over every entry
    texts = pages(RENDERER.chronology(summary))
    assert "Summary chronology of significant events" in texts[0]
    assert all("significant events only" in " ".join(p.split()) for p in texts)
    assert "Missing overnight." not in flat(texts)
    assert "End of chronology: 2 entries" in flat(texts)
    dsl.lock()
    out = tmp_path / "summary.pdf"
    code, _, err = cli("export-chronology", vault_dir, "--child", kid, "--out", out,
                       "--purpose", "Strategy meeting", "--significant", "--from",
                       "01/12/2026")
    assert code == 0, err
    text = flat(pages(out.read_bytes()))
    assert "Strategy meeting." in text and "Seen getting into a grey car" not in text
    assert "Extract: 01/12/2026 to the last entry, all entry types, significant events only" \
        in text


# -- navigation -------------------------------------------------------------------------------

def _outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page number) of every bookmark, in order."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list[object], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, str(item.title),  # type: ignore[attr-defined]
                              reader.get_destination_page_number(item) + 1))  # type: ignore[arg-type]

    walk(reader.outline, 0)
    return found


def test_bookmarks_by_year_and_month_language_and_title(dsl: Session, clock: MockClock) -> None:
    doc = synthetic(400)  # 01/09/2020 onwards, every 19 hours: 2020 and 2021
    for landscape in (True, False):
        data = RENDERER.chronology(doc, landscape=landscape)
        reader = PdfReader(io.BytesIO(data))
        outline = _outline(reader)
        assert outline[0][:2] == (0, "Front sheet") and outline[1][:2] == (0, "Chronology")
        assert outline[-1][:2] == (0, "End, sign-off and receipt")
        assert [t for d, t, _ in outline if d == 1] == ["2020", "2021"]
        months = [(t, page) for d, t, page in outline if d == 2]
        assert months[0][0] == "September 2020" and months[3][0] == "December 2020"
        assert len(months) == 11  # to July 2021
        texts = pages(data)
        for title, page in months:
            month = ["January", "February", "March", "April", "May", "June", "July",
                     "August", "September", "October", "November", "December"].index(
                title.split()[0]) + 1
            assert f"/{month:02d}/{title.split()[1]}" in texts[page - 1], title
        root = reader.trailer["/Root"]
        assert root["/Lang"] == "en-GB" and root["/PageMode"] == "/UseOutlines"
        assert reader.metadata is not None
        assert reader.metadata.title == "Safeguarding chronology CER-TESTTEST00"  # no name


def test_the_reading_order_follows_the_rows(dsl: Session, clock: MockClock,
                                           tmp_path: Path) -> None:
    """Text comes out in reading order, entries in time and each entry's cells in column
    order, as pypdf and pdftotext -raw (content order, as screen readers take it) read it.
    (pdftotext's default mode, which rebuilds the order from positions, is the next
    test's.)"""
    kid, _cid = handed_over(dsl, clock)
    data = RENDERER.chronology(handover.chronology_document(dsl, kid, purpose="x"))
    (tmp_path / "c.pdf").write_bytes(data)
    raw = subprocess.run(["pdftotext", "-raw", "-f", "2", str(tmp_path / "c.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    order = ["Date and time", "Recorded by", "16/11/2026 07:30", "15y 8m", "Concern #1",
             "Seen getting into a grey car", "Child's words:", "Missed two days",
             "Decision: Refer", "Strategy meeting called.", "Later: the car was seen again.",
             "Missing overnight.", "Found by police in Leeds.", "Strategy meeting.",
             "End of chronology"]
    for text in (flat(pages(data)[1:]), " ".join(raw.split())):
        assert [text.index(x) for x in order] == sorted(text.index(x) for x in order)


@pytest.mark.parametrize("landscape", [True, False])
def test_pdftotext_reads_the_table_row_by_row(landscape: bool) -> None:
    """pdftotext's default mode (poppler finds the table from its cells' alignment and
    reads it row by row) gives each entry's date, source, event, action, outcome and
    recorder in that order, and each entry before the next: over 60 entries of varied
    length, some carried over several rows and pages (tests/pdf_reading.py)."""
    doc = marked(60)
    data = RENDERER.chronology(doc, landscape=landscape)
    found = pieces_read(doc, default_text(data))
    assert set(expected_pieces(doc)) <= set(found)
    assert [found[i] for i in misplaced(found)] == []
    assert len(pdf_pages(data)) > 10  # pages break inside the table and inside entries


def test_the_reading_order_measure_sees_misplaced_pieces() -> None:
    """The measure itself: pieces swapped, an event's end in the next entry, a recorder
    read before the date are counted; the right order is not."""
    right = [(0, "date"), (0, "src"), (0, "ev"), (0, "rec"), (0, "evend"),
             (1, "date"), (1, "src"), (1, "ev"), (1, "act"), (1, "rec"), (1, "evend")]
    assert misplaced(right) == []
    assert misplaced([right[1], right[0], *right[2:]]) == [0]
    assert misplaced([*right[:4], right[5], right[4], *right[6:]]) == [5]
    assert len(misplaced([right[9], *right[:9], right[10]])) == 1


# -- no gaps at page ends ---------------------------------------------------------------------

@pytest.mark.parametrize("landscape", [True, False])
def test_long_entries_leave_no_large_gap_at_a_page_end(landscape: bool) -> None:
    doc = synthetic(60)
    rows = tuple(dataclasses.replace(r, event=f"Entry {i}: " + "A long account. " * 120)
                 if i % 3 == 0 else r for i, r in enumerate(doc.rows))
    data = RENDERER.chronology(dataclasses.replace(doc, rows=rows), landscape=landscape)
    found = pdf_pages(data)
    table_pages = [p for p in found[1:] if any(w.text == "Entry" for w in p.words)]
    assert len(table_pages) > 3
    for number, page in enumerate(table_pages[:-1], start=2):
        footer = min(w.y0 for w in page.words if w.y0 > page.height / 2 and (
            w.text == "Generated" or w.text.startswith("OFFICIAL")))
        body = max(w.y1 for w in page.words if w.y1 < footer - 2)
        gap = footer - body
        assert gap < page.height * 0.2, (landscape, number, gap)


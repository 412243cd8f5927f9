"""Every page of a handover document: the child it is about, a partial document's scope,
and a header and footer that never overprint each other or the body, whatever the lengths
of the names and the marking. Read back with pdftotext -bbox (tests/pdf_words.py)."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from cerecorder.domain import handover as handover_domain
from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import ActionKind, EventKind, Role, TriageDecision
from cerecorder.services import concerns, handover, users
from cerecorder.services import dsl as dsl_work
from cerecorder.services.session import Session
from pdf_words import overlapping, pdf_pages
from test_handover import RENDERER, busy_child, cli, flat, pages, synthetic

from helpers import (
    DSL_PASS,
    STAFF_PASS,
    MockClock,
    add_child,
    add_staff,
    content,
    switch_to,
)

LONG_CHILD = ("Maximiliana-Josephine", "Featherstonehaugh-Wu")  # 42 characters
LONG_USER = "Bartholomew Aloysius Cholmondeley-Warner"  # 40 characters
LONG_MARKING = "OFFICIAL-SENSITIVE PERSONAL - CHILD PROTECTION - DO NOT COPY"  # 60
LONG_SCHOOL = "The Blessed Sacrament Catholic Academy Trust"


def test_every_page_names_the_child(dsl: Session, clock: MockClock) -> None:
    kid, cid = busy_child(dsl, clock)
    for n in range(40):  # enough for several pages either way round
        concerns.record_concern(dsl, content((kid,), clock, facts=f"Concern {n}. " * 40))
    doc = handover.chronology_document(dsl, kid, purpose="MASH", school="Eastcombe Academy")
    for landscape in (True, False):
        texts = pages(RENDERER.chronology(doc, landscape=landscape))
        assert len(texts) > 3
        for number, page in enumerate(texts, start=1):
            line = " ".join(page.split())
            assert "Zoë Ólafsdóttir · DOB 04/03/2011 · UPN A123456789012" in line, number
            assert "Extract:" not in line
    concern = handover.concern_document(dsl, cid, school="Eastcombe Academy")
    for number, page in enumerate(pages(RENDERER.concern(concern)), start=1):
        assert "Zoë Ólafsdóttir · DOB 04/03/2011 · UPN A123456789012" in " ".join(
            page.split()), number


def test_a_cli_export_names_the_child_at_the_top_of_every_page(
        dsl: Session, clock: MockClock, vault_dir: Path, tmp_path: Path) -> None:
    """A real export (cerecorder-admin export-chronology), read back by pdftotext page by
    page: the child's name, date of birth and UPN in each page's header."""
    kid, _cid = busy_child(dsl, clock)
    for n in range(30):
        concerns.record_concern(dsl, content((kid,), clock, facts=f"Concern {n}. " * 40))
    handover.set_school_name(dsl, "Eastcombe Academy")
    dsl.lock()
    for orientation in ((), ("--portrait",)):
        out = tmp_path / f"chronology{len(orientation)}.pdf"
        code, _, err = cli("export-chronology", vault_dir, "--child", kid, "--out", out,
                           "--purpose", "MASH", *orientation)
        assert code == 0, err
        found = pdf_pages(out.read_bytes())
        assert len(found) > 3
        for number, page in enumerate(found, start=1):
            head = page.lines()[:3]  # the marking, then who it is about
            assert any("Zoë Ólafsdóttir · DOB 04/03/2011 · UPN A123456789012" in line
                       for line in head), (orientation, number, head)


def test_a_filtered_extract_says_so_on_every_page(dsl: Session, clock: MockClock) -> None:
    kid, _cid = busy_child(dsl, clock)
    for n in range(40):
        concerns.record_concern(dsl, content((kid,), clock, facts=f"Concern {n}. " * 40))
    doc = handover.chronology_document(
        dsl, kid, purpose="MASH", date_from=date(2026, 12, 1), date_to=date(2026, 12, 31),
        entry_types=[handover.EntryType.CONCERN, handover.EntryType.TRIAGE])
    texts = pages(RENDERER.chronology(doc, landscape=False))
    assert len(texts) > 3
    for number, page in enumerate(texts, start=1):
        assert ("Extract: 01/12/2026 to 31/12/2026, entry types: Concerns, DSL decisions"
                in " ".join(page.split())), number


def _long_names(dsl: Session, clock: MockClock) -> tuple[Session, int, int]:
    """A DSL with a 40-character name, a child with a 42-character name, a long school."""
    users.add_user(dsl, name="bart", display_name=LONG_USER, role=Role.DSL,
                   passphrase=DSL_PASS)
    kid = add_child(dsl, *LONG_CHILD, upn="W999999999999", date_of_birth=date(2011, 3, 4))
    other = add_child(dsl, "Łukasz", "Żółkiewski-Montgomery-Featherstone", upn="M888888888888")
    cid = concerns.record_concern(dsl, content((kid, other), clock,
                                               facts="Seen near the station. " * 200))
    bart = switch_to(dsl, "bart", DSL_PASS)
    handover.set_school_name(bart, LONG_SCHOOL)
    return bart, kid, cid


@pytest.mark.parametrize("landscape", [True, False])
def test_header_and_footer_never_overlap(dsl: Session, clock: MockClock,
                                         landscape: bool) -> None:
    bart, kid, cid = _long_names(dsl, clock)
    try:
        for n in range(30):
            concerns.record_concern(bart, content((kid,), clock, facts=f"Concern {n}. " * 30))
        chron = RENDERER.chronology(handover.chronology_document(
            bart, kid, purpose="Strategy meeting", marking=LONG_MARKING,
            date_from=date(2026, 1, 1)), landscape=landscape)
        record = RENDERER.concern(handover.concern_document(bart, cid, marking=LONG_MARKING))
    finally:
        bart.lock()
    documents = [chron] + ([] if landscape else [record])  # the record is portrait only
    for data in documents:
        read = pdf_pages(data)
        assert len(read) >= 2
        for number, page in enumerate(read, start=1):
            clash = overlapping(page)
            assert not clash, (number, clash[:3])
            lines = page.lines()
            text = "\n".join(lines)
            assert LONG_MARKING in lines[0] and LONG_MARKING in lines[-1], number
            assert "Maximiliana-Josephine Featherstonehaugh-Wu" in text, number
            assert f"Generated by {LONG_USER} on 16/11/2026" in text, number
            assert f"Page {number} of {len(read)}" in text, number
            assert LONG_SCHOOL in text, number
            for word in page.words:  # nothing runs off the paper
                assert word.x0 >= 0 and word.x1 <= page.width, (number, word)


# -- copies for one child's file ------------------------------------------------------------

def _three_children(dsl: Session, clock: MockClock) -> tuple[int, int, int, int]:
    zoe = add_child(dsl, upn="A123456789012", date_of_birth=date(2011, 3, 4))
    jack = add_child(dsl, "Jack", "Ólafsdóttir", upn="B222222222222",
                     date_of_birth=date(2012, 5, 6))  # her brother: the surname is shared
    kai = add_child(dsl, "Kai", "Żółkiewski", upn="C333333333333",
                    date_of_birth=date(2010, 7, 8))
    cid = concerns.record_concern(dsl, content(
        (zoe, jack, kai), clock,
        facts="Zoë, Jack Ólafsdóttir and Kai were seen with an older male. Kai Żółkiewski "
              "had a new phone; jack-knife mentioned.",
        child_words="Kai said Jack owes them money."))
    concerns.add_addendum(dsl, cid, "Kai's mum rang.")
    return zoe, jack, kai, cid


def test_a_copy_for_one_child_names_no_other_pupil(dsl: Session, clock: MockClock) -> None:
    zoe, _jack, _kai, cid = _three_children(dsl, clock)
    doc = handover.concern_document(dsl, cid, for_child=zoe, purpose="Referral to MASH")
    texts = pages(RENDERER.concern(doc))
    text = " ".join(" ".join(texts).split())
    for hidden in ("Jack", "Kai", "Żółkiewski", "B222222222222", "C333333333333",
                   "06/05/2012", "08/07/2010"):
        assert hidden not in text, hidden
    assert "Zoë Ólafsdóttir" in text and "A123456789012" in text and "04/03/2011" in text
    assert text.count("Another pupil Withheld Withheld Withheld Withheld") == 2
    assert "The other 2 pupils involved appear as “another pupil”" in text
    assert ("Zoë, [another pupil] and [another pupil] were seen with an older male. "
            "[another pupil] had a new phone; jack-knife mentioned.") in text
    assert "[another pupil] said [another pupil] owes them money." in text
    assert "[another pupil]'s mum rang." in text
    assert "Purpose of disclosure Referral to MASH" in text
    for page in texts:
        line = " ".join(page.split())
        assert "Copy for Zoë Ólafsdóttir's file: other pupils involved are not named" in line
        assert "UPN A123456789012" in line


def test_the_full_copy_names_everyone_and_says_so(dsl: Session, clock: MockClock) -> None:
    _zoe, _jack, _kai, cid = _three_children(dsl, clock)
    texts = pages(RENDERER.concern(handover.concern_document(dsl, cid)))
    text = " ".join(" ".join(texts).split())
    for shown in ("Jack Ólafsdóttir", "Kai Żółkiewski", "B222222222222", "C333333333333",
                  "Kai said Jack owes them money."):
        assert shown in text
    assert "Another pupil" not in text and "[another pupil]" not in text
    for page in texts:
        assert ("DSL's full copy for the school's own file: names every pupil involved"
                in " ".join(page.split()))


def test_a_copy_to_share_needs_a_purpose_and_one_of_the_children(
        dsl: Session, clock: MockClock) -> None:
    zoe, _jack, _kai, cid = _three_children(dsl, clock)
    stranger = add_child(dsl, "Ada", "Lovelace")
    with pytest.raises(InvalidInput, match="purpose of disclosure"):
        handover.concern_document(dsl, cid, for_child=zoe)
    with pytest.raises(InvalidInput, match="not one of the children"):
        handover.concern_document(dsl, cid, for_child=stranger, purpose="MASH")


def test_a_chronology_leaves_out_the_other_pupils_names(dsl: Session, clock: MockClock
                                                        ) -> None:
    zoe, jack, _kai, _cid = _three_children(dsl, clock)
    text = " ".join(" ".join(pages(RENDERER.chronology(
        handover.chronology_document(dsl, zoe, purpose="MASH")))).split())
    assert "Zoë, [another pupil] and [another pupil] were seen" in text
    assert "Kai" not in text and "Jack" not in text and "[another pupil]'s mum rang." in text
    own = " ".join(" ".join(pages(RENDERER.chronology(
        handover.chronology_document(dsl, jack, purpose="MASH")))).split())
    assert "[another pupil], Jack Ólafsdóttir and [another pupil] were seen" in own


def test_cli_copy_for_one_child(dsl: Session, clock: MockClock, vault_dir: Path,
                                tmp_path: Path) -> None:
    zoe, _jack, _kai, cid = _three_children(dsl, clock)
    dsl.lock()
    out = tmp_path / "zoe.pdf"
    code, _, err = cli("export-concern", vault_dir, "--concern", cid, "--for-child", zoe,
                       "--out", out)
    assert code == 1 and "purpose of disclosure" in err and not out.exists()
    code, _, err = cli("export-concern", vault_dir, "--concern", cid, "--for-child", zoe,
                       "--purpose", "MASH", "--out", out)
    assert code == 0, err
    text = " ".join(" ".join(pages(out.read_bytes())).split())
    assert "Kai" not in text and "C333333333333" not in text and "Zoë Ólafsdóttir" in text


# -- the DSL's part of a concern record -----------------------------------------------------

def test_the_concern_record_includes_what_the_dsl_did(dsl: Session, clock: MockClock) -> None:
    zoe, jack, _kai, cid = _three_children(dsl, clock)
    clock.advance(hours=1)
    dsl_work.triage(dsl, cid, TriageDecision.MONITOR, "Watch Kai and Zoë at the gate.")
    clock.advance(minutes=20)
    dsl_work.record_action(dsl, kind=ActionKind.PARENTS_INFORMED, detail="Rang Zoë's mum",
                           taken_at=clock.now(), concern_id=cid, child_ids=[zoe])
    dsl_work.record_action(dsl, kind=ActionKind.POLICE, detail="PC Hill, Jack's phone",
                           taken_at=clock.now(), concern_id=cid, child_ids=[jack])
    clock.advance(days=2)
    dsl_work.record_outcome(dsl, text="Zoë's mum came in.", occurred_at=clock.now(),
                            child_id=zoe, concern_id=cid)
    full = " ".join(" ".join(pages(RENDERER.concern(
        handover.concern_document(dsl, cid)))).split())
    for expected in [
        "What the DSL did When What Detail By",
        "16/11/2026 10:30 Decision Monitor", "Watch Kai and Zoë at the gate. Dana Lead (DSL)",
        "16/11/2026 10:50 Action (Zoë Ólafsdóttir) Parents or carers informed: Rang Zoë's mum",
        "Action (Jack Ólafsdóttir)", "PC Hill, Jack's phone",
        "18/11/2026 10:50 Outcome (Zoë Ólafsdóttir) Zoë's mum came in. Dana Lead (DSL)",
    ]:
        assert expected in full, expected
    copy = " ".join(" ".join(pages(RENDERER.concern(handover.concern_document(
        dsl, cid, for_child=zoe, purpose="MASH")))).split())
    assert "Watch [another pupil] and Zoë at the gate." in copy
    assert "Rang Zoë's mum" in copy and "Zoë's mum came in." in copy
    assert "PC Hill" not in copy and "Jack" not in copy  # another pupil's action


def test_a_recorders_own_copy_leaves_the_dsl_part_out(dsl: Session, clock: MockClock) -> None:
    add_staff(dsl, "teacher")
    kid = add_child(dsl)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    try:
        mine = concerns.record_concern(staff, content((kid,), clock))
    finally:
        staff.lock()
    lead = switch_to(staff, "dsl", DSL_PASS)
    try:
        dsl_work.triage(lead, mine, TriageDecision.MONITOR, "Secret DSL reasoning.")
        dsl_text = " ".join(" ".join(pages(RENDERER.concern(
            handover.concern_document(lead, mine)))).split())
    finally:
        lead.lock()
    assert "Secret DSL reasoning." in dsl_text
    assert "recorded by Teacher (member of staff)" in dsl_text
    staff = switch_to(lead, "teacher", STAFF_PASS)
    try:
        text = " ".join(" ".join(pages(RENDERER.concern(
            handover.concern_document(staff, mine)))).split())
    finally:
        staff.lock()
    assert "Secret DSL reasoning." not in text
    assert "Not included: only the DSL's copies show the DSL's decisions" in text


# -- the child's own words -------------------------------------------------------------------

def _fonts_of(data: bytes, needle: str) -> set[str]:
    """The fonts the pieces of text holding needle are drawn in."""
    found: set[str] = set()

    def visit(value: str, _cm: object, _tm: object, font: dict[str, object] | None,
              _size: float) -> None:
        if needle in value and font:
            found.add(str(font.get("/BaseFont")))

    for page in PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return found


def test_the_childs_words_are_set_apart_and_quoted(dsl: Session, clock: MockClock) -> None:
    kid, cid = busy_child(dsl, clock)
    for landscape in (True, False):
        data = RENDERER.chronology(handover.chronology_document(dsl, kid, purpose="MASH"),
                                   landscape=landscape)
        text = flat(pages(data))
        assert "Child's words: “They're my mates, they give me lifts.”" in text
        assert all("Oblique" in f for f in _fonts_of(data, "mates")), landscape
        assert _fonts_of(data, "mates")
    record = RENDERER.concern(handover.concern_document(dsl, cid))
    assert ("The child's own words, as recorded “They're my mates, they give me lifts.” "
            "Opinion") in flat(pages(record))


def test_very_long_words_of_the_child_run_across_pages() -> None:
    doc = synthetic(3)
    long = dataclasses.replace(doc.rows[1], child_words="He kept saying it. " * 1500)
    doc = dataclasses.replace(doc, rows=(doc.rows[0], long, doc.rows[2]))
    for landscape in (True, False):
        texts = pages(RENDERER.chronology(doc, landscape=landscape))
        assert len(texts) > 4
        assert flat(texts).count("He kept saying it.") == 1500


# -- the end ------------------------------------------------------------------------------

def test_the_end_line_sign_off_and_receipt_slip(dsl: Session, clock: MockClock) -> None:
    kid, cid = busy_child(dsl, clock)
    handover.set_school_name(dsl, "Eastcombe Academy")
    doc = handover.chronology_document(dsl, kid, purpose="MASH")
    for landscape in (True, False):
        texts = pages(RENDERER.chronology(doc, landscape=landscape))
        text = flat(texts)
        assert text.count("End of chronology: 4 entries") == 1
        # the end line comes after the last entry, then the sign-off, then the slip
        assert text.index("Strategy meeting.") < text.index("End of chronology")
        tail = text[text.index("End of chronology: 4 entries"):]
        assert "Sign-off Name Dana Lead Role DSL Date Signature" in tail
        assert (f"Receipt: please sign and return Received the safeguarding chronology of "
                f"Zoë Ólafsdóttir (4 entries), document {doc.header.document_id}. Received by "
                "Role and agency Date Signature Return to Dana Lead, DSL, Eastcombe Academy"
                ) in tail
    one = handover.chronology_document(dsl, kid, purpose="MASH",
                                       entry_types=[handover.EntryType.ADDENDUM])
    assert "End of chronology: 1 entry" in flat(pages(RENDERER.chronology(one)))
    record = flat(pages(RENDERER.concern(handover.concern_document(dsl, cid))))
    assert "End of concern record #1 Sign-off Name Dana Lead Role DSL" in record
    assert "Received the record of concern #1" in record


# -- UPNs and dates hold together -------------------------------------------------------------

UPNS = ("W999999999999", "M888888888888")
DATE = re.compile(r"\d\d/\d\d/\d{4}[;,.]?")


def _broken_date(word: str) -> bool:
    """A piece of a date: digits with a slash that are not a whole date, or a year alone."""
    return (("/" in word and any(c.isdigit() for c in word) and not DATE.fullmatch(word))
            or re.fullmatch(r"\d{4}", word) is not None)


def test_upns_and_dates_never_break_across_lines(dsl: Session, clock: MockClock) -> None:
    bart, kid, cid = _long_names(dsl, clock)  # UPNs W999999999999 and M888888888888
    try:
        record = RENDERER.concern(handover.concern_document(bart, cid, marking=LONG_MARKING))
        chron = handover.chronology_document(bart, kid, purpose="MASH")
        documents = [record, RENDERER.chronology(chron, landscape=False),
                     RENDERER.chronology(chron, landscape=True)]
    finally:
        bart.lock()
    first = [w.text.rstrip(";") for w in pdf_pages(record)[0].words]
    assert "W999999999999" in first and "M888888888888" in first
    assert "04/03/2011" in first
    for data in documents:
        for number, page in enumerate(pdf_pages(data), start=1):
            broken = [w.text for w in page.words if _broken_date(w.text)]
            assert not broken, (number, broken)
            pieces = [w.text for w in page.words for upn in UPNS
                      if w.text.rstrip(";") != upn and w.text and (
                          upn.startswith(w.text) or upn.endswith(w.text))]
            assert not pieces, (number, pieces)
            assert not overlapping(page), number  # nor does a date overprint its neighbour


def test_cli_takes_the_school_and_needs_a_purpose(tmp_path: Path, clock: MockClock) -> None:
    from helpers import new_vault

    folder = tmp_path / "bare"
    bare = new_vault(folder, clock)  # no school's name set
    kid = add_child(bare)
    cid = concerns.record_concern(bare, content((kid,), clock))
    bare.lock()
    out = tmp_path / "c.pdf"
    code, _, err = cli("export-concern", folder, "--concern", cid, "--out", out)
    assert code == 1 and "school's name is not set" in err and "--school" in err
    assert err.count("\n") == 1 and not out.exists()
    code, _, err = cli("export-chronology", folder, "--child", kid, "--out", out,
                       "--school", "Riverside Academy")
    assert code == 1 and "purpose of disclosure" in err and not out.exists()
    code, _, err = cli("export-chronology", folder, "--child", kid, "--out", out,
                       "--school", "Riverside Academy", "--purpose", "Transfer")
    assert code == 0, err
    assert "Riverside Academy" in flat(pages(out.read_bytes()))


# -- the front sheet ------------------------------------------------------------------------

HEADS = ("Concerns Missing episodes Return-home interviews Police contacts Referrals "
         "Strategy meetings Child protection conferences")


def _cover_counts(data: bytes) -> str:
    """The front sheet's counts: the table's heading row, then its row of numbers."""
    cover = flat(pages(data)[:1])
    assert HEADS in cover, cover
    return cover[cover.index("Over the period"):cover.index(HEADS) + len(HEADS) + 14]


def test_the_front_sheet_counts_the_period_against_the_vault(dsl: Session,
                                                            clock: MockClock) -> None:
    kid, _cid = busy_child(dsl, clock)  # a concern, a MASH referral, a missing episode on
    # 26/11/2026 and a strategy meeting on 06/12/2026
    start = clock.now()
    clock.advance(days=34)  # events are recorded once they have happened
    dsl_work.add_event(dsl, child_id=kid, kind=EventKind.MISSING_EPISODE,
                       occurred_at=start + timedelta(days=30), summary="Missing again.")
    dsl_work.add_event(dsl, child_id=kid, kind=EventKind.POLICE_CONTACT,
                       occurred_at=start + timedelta(days=31), summary="PC Hill rang.")
    dsl_work.record_action(dsl, kind=ActionKind.POLICE, detail="Reported to 101",
                           taken_at=start + timedelta(days=32), child_ids=[kid])
    dsl_work.add_event(dsl, child_id=kid, kind=EventKind.CP_CONFERENCE,
                       occurred_at=start + timedelta(days=33), summary="ICPC held.")
    everything = RENDERER.chronology(handover.chronology_document(dsl, kid, purpose="MASH"))
    assert _cover_counts(everything) == f"Over the period {HEADS} 1 2 0 2 1 1 1"
    december = RENDERER.chronology(handover.chronology_document(
        dsl, kid, purpose="MASH", date_from=date(2026, 12, 1)))
    assert _cover_counts(december) == f"Over the period {HEADS} 0 1 0 2 0 1 1"
    concerns_only = handover.chronology_document(
        dsl, kid, purpose="MASH", entry_types=[handover.EntryType.CONCERN])
    for landscape in (True, False):
        data = RENDERER.chronology(concerns_only, landscape=landscape)
        first, second = pages(data)[:2]
        assert "This document" in first and "Impact on the child" in flat([second])  # one page
        assert "Prepared by (DSL) Dana Lead (DSL)" in flat([first])
        cover = _cover_counts(data)
        assert cover == ("Over the period (counted over every entry, whatever the "
                         f"filter) {HEADS} 1 2 0 2 1 1 1")


def test_cli_filters_by_entry_type(dsl: Session, clock: MockClock, vault_dir: Path,
                                   tmp_path: Path) -> None:
    kid, _cid = busy_child(dsl, clock)
    dsl.lock()
    out = tmp_path / "events.pdf"
    code, _, err = cli("export-chronology", vault_dir, "--child", kid, "--out", out,
                       "--purpose", "MASH", "--types", "event, triage")
    assert code == 0, err
    texts = pages(out.read_bytes())
    text = flat(texts)
    assert "Missing overnight." in text and "Pattern of older males" in text
    assert "Later: the car was seen again." not in text
    assert all("Extract: all dates, entry types: DSL decisions, Events"
               in " ".join(page.split()) for page in texts)
    code, _, err = cli("export-chronology", vault_dir, "--child", kid, "--out",
                       tmp_path / "x.pdf", "--purpose", "MASH", "--types", "meetings")
    assert code == 1 and "Unknown entry type 'meetings'" in err


# -- names the PDF cannot draw faithfully --------------------------------------------------

@pytest.mark.parametrize(("name", "expected"), [
    ("محمد العلي", "right-to-left"), ("דוד כהן", "right-to-left"), ("王小明", "Chinese"),
    ("김민준", "Korean"), ("さくら", "Japanese"),
    ("Zoë Ólafsdóttir", ""), ("Анастасия Иванова", ""), ("Nguyễn Văn An", ""),
])
def test_names_the_pdf_cannot_draw_are_named(name: str, expected: str) -> None:
    warning = handover_domain.name_warning(name)
    assert (expected in warning and name in warning) if expected else warning == ""


def test_cli_warns_about_a_name_it_cannot_draw(dsl: Session, clock: MockClock,
                                               vault_dir: Path, tmp_path: Path) -> None:
    kid = add_child(dsl, "小明", "王", upn="C000000000002")
    cid = concerns.record_concern(dsl, content((kid,), clock))
    dsl.lock()
    code, _, err = cli("export-chronology", vault_dir, "--child", kid, "--purpose", "MASH",
                       "--out", tmp_path / "c.pdf")
    assert code == 0, err
    assert "warning: 小明 王: the PDF cannot draw Chinese, Japanese or Korean" in err
    code, _, err = cli("export-concern", vault_dir, "--concern", cid, "--out",
                       tmp_path / "r.pdf")
    assert code == 0 and "小明 王: the PDF cannot draw" in err


# -- a copy without staff names ------------------------------------------------------------

def test_a_copy_names_staff_by_role_only(dsl: Session, clock: MockClock, vault_dir: Path,
                                         tmp_path: Path) -> None:
    add_staff(dsl, "teacher")  # display name "Teacher"
    kid = add_child(dsl)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    try:
        cid = concerns.record_concern(staff, content((kid,), clock))
        concerns.add_addendum(staff, cid, "He came back later.")
    finally:
        staff.lock()
    lead = switch_to(staff, "dsl", DSL_PASS)
    try:
        dsl_work.triage(lead, cid, TriageDecision.MONITOR, "Watch at the gate.")
        named = flat(pages(RENDERER.concern(handover.concern_document(lead, cid))))
        assert "Recorded by Teacher (member of staff)" in named
        record = flat(pages(RENDERER.concern(
            handover.concern_document(lead, cid, staff_names=False))))
        chron = RENDERER.chronology(handover.chronology_document(
            lead, kid, purpose="MASH", staff_names=False))
    finally:
        lead.lock()
    assert "Teacher" not in record
    assert "Recorded by member of staff" in record
    assert "Addendum 1: member of staff, 16/11/2026 09:30" in record
    assert "Watch at the gate. DSL" in record
    texts = pages(chron)
    assert "Teacher" not in flat(texts)
    body = flat(texts[1:])
    assert "member of staff" in body and "Dana Lead (DSL)" not in body.split("End of")[0]
    for page in texts:
        assert "Staff are named by their role only" in " ".join(page.split())
    code, _, err = cli("export-concern", vault_dir, "--user", "dsl", "--concern", cid,
                       "--roles-only", "--out", tmp_path / "r.pdf")
    assert code == 0, err
    assert "Teacher" not in flat(pages((tmp_path / "r.pdf").read_bytes()))

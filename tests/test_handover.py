"""Handover documents: the concern record and chronology PDFs, their protection, who may
make them, their audit, and the command line that writes them.

The PDFs are read back with pypdf (text extraction) and checked with qpdf, independently
of the ReportLab that wrote them.
"""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
import subprocess
import unicodedata
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from cerecorder import paths
from cerecorder.cli.main import run
from cerecorder.domain.errors import InvalidInput, PermissionDenied
from cerecorder.domain.handover import ChronologyDocument, DocumentHeader
from cerecorder.domain.model import (
    ActionKind,
    ChildFlag,
    ChronologyEntry,
    EntryType,
    EventKind,
    TriageDecision,
)
from cerecorder.export import pdf
from cerecorder.services import concerns, dsl, handover
from cerecorder.services.session import Session

from helpers import (
    DSL_PASS,
    STAFF_PASS,
    TAXONOMY,
    MockClock,
    add_child,
    add_staff,
    content,
    switch_to,
)

FONTS = paths.resources_dir() / "fonts"
RENDERER = pdf.PdfRenderer(FONTS)
NAMES = [("Zoë", "Ólafsdóttir"), ("Nguyễn Văn", "An"), ("Łukasz", "Żółkiewski"),
         ("Şükrü", "Yılmaz"), ("Анастасия", "Иванова")]


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def pages(data: bytes, password: str | None = None) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    if password is not None:
        assert reader.decrypt(password) != 0
    return [nfc(p.extract_text()) for p in reader.pages]


def flat(texts: list[str]) -> str:
    """All pages' text with line breaks and runs of spaces folded to one space."""
    return " ".join(" ".join(texts).split())


def qpdf_check(data: bytes, tmp_path: Path, password: str | None = None) -> None:
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        print("qpdf is not installed: structure check skipped")
        pytest.skip("qpdf is not installed")
    target = tmp_path / "check.pdf"
    target.write_bytes(data)
    argv = [qpdf, "--check", str(target)]
    if password is not None:
        argv.insert(1, f"--password={password}")
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No syntax or stream encoding errors found" in proc.stdout, proc.stdout


def full_concern(s: Session, clock: MockClock, child_ids: tuple[int, ...], **more: object) -> int:
    values: dict[str, object] = {
        "facts": "Seen getting into a grey car <b>with two</b> older males & left.",
        "action_taken": "Walked him back into school.",
        "informed": "Head of year",
        "indicators_other": "New expensive trainers",
    }
    values.update(more)
    return concerns.record_concern(s, content(child_ids, clock, **values))


def audit_actions(s: Session) -> list[tuple[str, str, str, dict[str, object]]]:
    with s.uow() as uow:
        return [(r[3], r[4], r[5], json.loads(r[6])) for r in uow.audit.rows()]


# -- the concern record ---------------------------------------------------------------------

def test_concern_pdf_shows_every_field(dsl: Session, clock: MockClock) -> None:
    kid = add_child(dsl, date_of_birth=date(2011, 3, 4), upn="A123456789012", year_group="9")
    other = add_child(dsl, "Łukasz", "Żółkiewski")
    cid = full_concern(dsl, clock, (kid, other))
    clock.advance(hours=3)
    concerns.add_addendum(dsl, cid, "Mum rang: he came home at midnight.")
    doc = handover.concern_document(dsl, cid, school="Eastcombe Academy")
    texts = pages(RENDERER.concern(doc))
    text = flat(texts)
    for expected in [
        "Safeguarding concern record", "Eastcombe Academy", "Zoë Ólafsdóttir", "04/03/2011",
        "A123456789012", "Łukasz Żółkiewski", "Recorded by Dana Lead (DSL)",
        "Recorded on 16/11/2026 09:30", "When it happened 16/11/2026 07:30",
        "Bus stop outside the main gate",
        "Seen getting into a grey car <b>with two</b> older males & left.",
        "They're my mates, they give me lifts.",
        "Opinion (the recorder's opinion, not fact)",
        "Seemed anxious and checked the phone constantly.",
        "Having older boyfriends or girlfriends", "Specific indicators of CSE",
        "Signs shared by CCE and CSE", "New expensive trainers",
        "Walked him back into school.", "Head of year", "High: DSL to act today",
        "Addendum 1: Dana Lead (DSL), 16/11/2026 12:30", "Mum rang: he came home at midnight.",
        "The child's own words, as recorded “They're my mates, they give me lifts.”",
        "The account above was recorded by Dana Lead (DSL) on 16/11/2026 09:30",
        "The record needs no further signature.",
    ]:
        assert expected in text, expected
    assert "Signed (recorder)" not in text  # no request to re-sign a reprint
    total = len(texts)
    for number, page in enumerate(texts, start=1):
        assert page.count("OFFICIAL-SENSITIVE") == 2, number  # top and bottom
        assert f"Page {number} of {total}" in page
        assert doc.header.document_id in page
        assert "Generated by Dana Lead on 16/11/2026 12:30" in page
    assert doc.header.document_id.startswith("CER-") and len(doc.header.document_id) == 14


def test_user_markup_prints_literally(dsl: Session, clock: MockClock) -> None:
    kid = add_child(dsl, "<i>Zoë</i>", "O'Neil & Sons")
    cid = full_concern(dsl, clock, (kid,), facts='He wrote "<b>" and <font size=40>big</font>',
                       location="<br/>Park")
    text = flat(pages(RENDERER.concern(handover.concern_document(dsl, cid))))
    assert 'He wrote "<b>" and <font size=40>big</font>' in text
    assert "<i>Zoë</i> O'Neil & Sons" in text
    assert "<br/>Park" in text


def test_marking_and_school_from_the_vault(dsl: Session, clock: MockClock) -> None:
    cid = full_concern(dsl, clock, (add_child(dsl),))
    handover.set_school_name(dsl, "Riverside Academy")
    doc = handover.concern_document(dsl, cid, marking="OFFICIAL")
    assert doc.header.school == "Riverside Academy" and doc.header.marking == "OFFICIAL"
    text = flat(pages(RENDERER.concern(doc)))
    assert "Riverside Academy" in text and "OFFICIAL-SENSITIVE" not in text
    given = handover.concern_document(dsl, cid, school="Ysgol Glan yr Afon")
    assert given.header.school == "Ysgol Glan yr Afon"


def test_no_export_without_the_schools_name(tmp_path: Path, clock: MockClock) -> None:
    from helpers import new_vault

    bare = new_vault(tmp_path / "bare", clock)  # no school's name set
    try:
        kid = add_child(bare)
        cid = full_concern(bare, clock, (kid,))
        made = [lambda: RENDERER.concern(handover.concern_document(bare, cid)),
                lambda: RENDERER.chronology(handover.chronology_document(bare, kid,
                                                                         purpose="MASH"))]
        for make in made:
            with pytest.raises(InvalidInput, match=r"school.s name is not set.*--school"):
                make()
        with pytest.raises(InvalidInput, match="purpose of disclosure"):
            handover.chronology_document(bare, kid, purpose="  ", school="Riverside")
        text = flat(pages(RENDERER.chronology(handover.chronology_document(
            bare, kid, purpose="MASH", school="Riverside Academy"))))
        assert "School Riverside Academy" in text and "Not set" not in text
    finally:
        bare.lock()


def test_drafts_are_not_exported(dsl: Session, clock: MockClock) -> None:
    draft = concerns.save_draft(dsl, content((add_child(dsl),), clock))
    with pytest.raises(InvalidInput):
        handover.concern_document(dsl, draft)


def test_names_in_many_scripts_render(dsl: Session, clock: MockClock, tmp_path: Path) -> None:
    ids = tuple(add_child(dsl, f, s) for f, s in NAMES)
    cid = full_concern(dsl, clock, ids)
    text = flat(pages(RENDERER.concern(handover.concern_document(dsl, cid))))
    for forenames, surname in NAMES:
        assert nfc(f"{forenames} {surname}") in text
    chron = RENDERER.chronology(handover.chronology_document(dsl, ids[4], purpose="MASH"))
    assert "Анастасия Иванова" in flat(pages(chron))


def test_arabic_and_chinese_names_do_not_break_it(dsl: Session, clock: MockClock,
                                                   tmp_path: Path) -> None:
    ids = (add_child(dsl, "محمد", "العلي", upn="B000000000001"),
           add_child(dsl, "小明", "王", upn="C000000000002"))
    cid = full_concern(dsl, clock, ids, facts="他说：我很好。 قال إنه بخير")
    data = RENDERER.concern(handover.concern_document(dsl, cid))
    text = flat(pages(data))
    assert "B000000000001" in text and "C000000000002" in text
    qpdf_check(data, tmp_path)
    chron = RENDERER.chronology(handover.chronology_document(dsl, ids[1], purpose="Transfer"))
    assert "C000000000002" in flat(pages(chron))
    qpdf_check(chron, tmp_path)


# -- the chronology -------------------------------------------------------------------------

def busy_child(s: Session, clock: MockClock) -> tuple[int, int]:
    """A child with a concern, addendum, triage, action with outcome, and two events on
    different days."""
    kid = add_child(s, upn="A123456789012", date_of_birth=date(2011, 3, 4),
                    flags=frozenset({ChildFlag.LOOKED_AFTER, ChildFlag.SEND}))
    cid = full_concern(s, clock, (kid,))
    clock.advance(hours=1)
    concerns.add_addendum(s, cid, "Later: the car was seen again.")
    dsl.triage(s, cid, TriageDecision.REFER_MASH, "Pattern of older males and gifts.")
    [action] = dsl.record_action(s, kind=ActionKind.REFERRAL_MASH, detail="Phoned MASH",
                                 taken_at=clock.now(), concern_id=cid)
    dsl.record_outcome(s, text="Strategy meeting called.", occurred_at=clock.now(),
                       child_id=kid, action_id=action)
    clock.advance(days=10)  # events are recorded once they have happened
    dsl.add_event(s, child_id=kid, kind=EventKind.MISSING_EPISODE,
                  occurred_at=clock.now(), summary="Missing overnight.",
                  outcome="Found by police in Leeds.")
    clock.advance(days=10)
    dsl.add_event(s, child_id=kid, kind=EventKind.STRATEGY_MEETING,
                  occurred_at=clock.now(), summary="Strategy meeting.")
    return kid, cid


def test_chronology_pdf_cover_and_table(dsl: Session, clock: MockClock, tmp_path: Path) -> None:
    kid, _cid = busy_child(dsl, clock)
    doc = handover.chronology_document(dsl, kid, purpose="Referral to MASH (KCSIE)",
                                       school="Eastcombe Academy")
    for landscape in (True, False):
        data = RENDERER.chronology(doc, landscape=landscape)
        texts = pages(data)
        cover, text = flat(texts[:1]), flat(texts)
        for expected in ["Safeguarding chronology", "Zoë Ólafsdóttir", "04/03/2011",
                         "A123456789012", "Looked after", "SEND",
                         "Period covered 16/11/2026 to 06/12/2026",
                         "Prepared by (DSL) Dana Lead (DSL)",
                         "Referral to MASH (KCSIE)", "Filters applied None",
                         "Eastcombe Academy"]:
            assert expected in cover, expected
        heads = ["Date and time", "Age"] if landscape else ["Date, time and age"]
        for expected in [*heads, "Source", "Event", "Impact on the child",
                         "Action", "Outcome", "Recorded by", "Concern #1",
                         "Addendum to concern #1", "Later: the car was seen again.",
                         "Decision: Refer to MASH / children's social care. Reason: Pattern",
                         "Referral to MASH: Phoned MASH", "Strategy meeting called.",
                         "Missing episode", "Missing overnight.", "Found by police in Leeds.",
                         "26/11/2026 10:30", "Signs: "]:
            assert expected in text, (landscape, expected)
        for number, page in enumerate(texts, start=1):
            assert f"Page {number} of {len(texts)}" in page
            assert doc.header.document_id in page and page.count("OFFICIAL-SENSITIVE") >= 2
        qpdf_check(data, tmp_path)


def test_chronology_filters(dsl: Session, clock: MockClock) -> None:
    kid, _cid = busy_child(dsl, clock)
    everything = handover.chronology_document(dsl, kid, purpose="x")
    # the decision and the action (with its outcome) are folded into the concern's row
    assert [r.entry_type for r in everything.rows] == [
        EntryType.CONCERN, EntryType.ADDENDUM, EntryType.EVENT, EntryType.EVENT]
    concern = everything.rows[0]
    assert concern.decision == (
        "Decision: Refer to MASH / children's social care. Reason: Pattern of older males "
        "and gifts. (Dana Lead (DSL), 16/11/2026 10:30)\n"
        "Referral to MASH: Phoned MASH (Dana Lead (DSL), 16/11/2026 10:30)")
    assert concern.outcome == "Strategy meeting called."
    ranged = handover.chronology_document(dsl, kid, purpose="x", date_from=date(2026, 11, 20),
                                          date_to=date(2026, 11, 30))
    assert [r.entry_type for r in ranged.rows] == [EntryType.EVENT]
    assert ranged.period_text == "20/11/2026 to 30/11/2026"
    assert ranged.filters_text == "dates 20/11/2026 to 30/11/2026"
    typed = handover.chronology_document(
        dsl, kid, purpose="x", entry_types=[EntryType.TRIAGE, EntryType.EVENT])
    # without the concern's row, its decision stands as a row of its own
    assert {r.entry_type for r in typed.rows} == {EntryType.TRIAGE, EntryType.EVENT}
    assert len(typed.rows) == 3
    [decision] = [r for r in typed.rows if r.entry_type is EntryType.TRIAGE]
    assert decision.event == "DSL decision on concern #1"
    assert decision.decision.startswith("Decision: Refer to MASH / children's social care. "
                                        "Reason: Pattern of older males")
    text = flat(pages(RENDERER.chronology(typed)))
    assert "entry types: DSL decisions, Events" in text
    assert "Later: the car was seen again." not in text
    with pytest.raises(InvalidInput):
        handover.chronology_document(dsl, kid, purpose="x", date_from=date(2026, 12, 1),
                                     date_to=date(2026, 11, 1))
    with pytest.raises(InvalidInput):
        handover.chronology_document(dsl, kid, purpose="x", entry_types=[])


def synthetic(n: int, *, demo: bool = False) -> ChronologyDocument:
    start = datetime(2020, 9, 1, 8, 0, tzinfo=UTC)
    rows = tuple(
        ChronologyEntry(
            occurred_at=start + timedelta(hours=19 * i), tz="Europe/London",
            entry_type=EntryType.EVENT, source="Missing episode",
            event=f"Entry {i}: " + "Seen near the station with older youths. " * (1 + i % 7),
            decision="Refer to MASH: pattern continuing." if i % 5 == 0 else "",
            outcome="Return-home interview held." if i % 3 == 0 else "",
            recorded_by="Dana Lead", ref_id=i,
        )
        for i in range(n)
    )
    header = DocumentHeader(school="Eastcombe Academy", marking="OFFICIAL-SENSITIVE",
                            document_id="CER-TESTTEST00", generated_by="Dana Lead",
                            generated_at=datetime(2026, 11, 16, 9, 30, tzinfo=UTC),
                            generated_tz="Europe/London", demo=demo)
    from cerecorder.domain.handover import ChildSummary

    return ChronologyDocument(
        header=header, child_id=1, child=ChildSummary("Zoë Ólafsdóttir", "Zoë Ólafsdóttir"),
        purpose="Transfer to a new school", period_from=rows[0].occurred_at.date(),
        period_to=rows[-1].occurred_at.date(), date_from=None, date_to=None,
        entry_types=None, rows=rows,
    )


def test_a_thousand_entries_repeat_the_header_on_every_page(tmp_path: Path) -> None:
    data = RENDERER.chronology(synthetic(1000))
    texts = pages(data)
    assert len(texts) > 20
    last_entries = max(i for i, page in enumerate(texts, start=1) if "Entry " in page)
    for number, page in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in page
        if 1 < number <= last_entries:  # after them, the sign-off and the receipt slip
            assert "Impact on the" in page and "Recorded by" in page, number
    text = flat(texts)
    assert "Entry 0:" in text and "Entry 999:" in text
    qpdf_check(data, tmp_path)


def test_one_very_long_entry_runs_across_pages(tmp_path: Path) -> None:
    doc = synthetic(3)
    long = dataclasses.replace(doc.rows[1], event="A long account. " * 2500)
    doc = dataclasses.replace(doc, rows=(doc.rows[0], long, doc.rows[2]))
    for landscape in (True, False):
        data = RENDERER.chronology(doc, landscape=landscape)
        texts = pages(data)
        assert len(texts) > 5
        assert "(continued)" in texts[3]
        assert flat(texts).count("A long account.") == 2500
        qpdf_check(data, tmp_path)


def test_demo_documents_say_so_on_every_page() -> None:
    texts = pages(RENDERER.chronology(synthetic(80, demo=True)))
    assert all("DEMO" in page for page in texts)
    assert not any("DEMO" in page for page in pages(RENDERER.chronology(synthetic(80))))


# -- protection -----------------------------------------------------------------------------

def test_protected_pdf_opens_only_with_its_password(dsl: Session, clock: MockClock,
                                                    tmp_path: Path) -> None:
    cid = full_concern(dsl, clock, (add_child(dsl),))
    plain = RENDERER.concern(handover.concern_document(dsl, cid))
    locked = RENDERER.protect(plain, "blue whale 42")
    qpdf_check(plain, tmp_path)
    qpdf_check(locked, tmp_path, password="blue whale 42")
    reader = PdfReader(io.BytesIO(locked))
    assert reader.is_encrypted
    assert reader.decrypt("wrong password") == 0
    with pytest.raises(Exception):  # noqa: B017 (pypdf's error type varies by version)
        reader.pages[0].extract_text()
    reader = PdfReader(io.BytesIO(locked))
    assert reader.decrypt("blue whale 42") != 0
    assert "Zoë Ólafsdóttir" in nfc(reader.pages[0].extract_text())
    assert reader.trailer["/Encrypt"]["/V"] == 5 and reader.trailer["/Encrypt"]["/R"] == 6
    assert b"Seen getting into" not in locked
    with pytest.raises(InvalidInput):
        RENDERER.protect(plain, "")


# -- who may, and the audit -----------------------------------------------------------------

def test_staff_export_only_their_own_concern(dsl: Session, clock: MockClock) -> None:
    add_staff(dsl, "teacher")
    add_staff(dsl, "other")
    kid = add_child(dsl)
    dsls = full_concern(dsl, clock, (kid,))
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    try:
        mine = full_concern(staff, clock, (kid,))
        doc = handover.concern_document(staff, mine)
        assert "Teacher" in flat(pages(RENDERER.concern(doc)))
        handover.record_export(staff, "concern", mine, doc.header.document_id, protected=False)
        with pytest.raises(PermissionDenied):
            handover.concern_document(staff, dsls)
        with pytest.raises(PermissionDenied):
            handover.chronology_document(staff, kid, purpose="x")
        with pytest.raises(PermissionDenied):
            handover.children_for_export(staff)
    finally:
        staff.lock()


def test_every_export_and_print_is_audited(dsl: Session, clock: MockClock,
                                           tmp_path: Path) -> None:
    kid, cid = busy_child(dsl, clock)
    doc = handover.concern_document(dsl, cid)
    handover.save_export(dsl, tmp_path / "c.pdf", RENDERER.concern(doc), kind="concern",
                         object_id=cid, document_id=doc.header.document_id, protected=False)
    chron = handover.chronology_document(dsl, kid, purpose="x")
    handover.record_export(dsl, "chronology", kid, chron.header.document_id, protected=True,
                           printed=True)
    rows = audit_actions(dsl)
    assert ("exported", "concern", str(cid),
            {"document": doc.header.document_id, "protected": False}) in rows
    assert ("printed", "chronology", str(kid),
            {"document": chron.header.document_id, "protected": True}) in rows
    assert ("chronology_viewed", "child", str(kid), {}) in rows
    with pytest.raises(InvalidInput):  # never overwritten without force
        handover.save_export(dsl, tmp_path / "c.pdf", b"%PDF", kind="concern", object_id=cid,
                             document_id="CER-X", protected=False)
    with dsl.uow() as uow:
        assert uow.audit.first_broken() is None


# -- the command line -----------------------------------------------------------------------

def cli(*argv: object, lines: tuple[str, ...] = (DSL_PASS,), clock: MockClock | None = None,
        ) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(
        [str(a) for a in argv], taxonomy=TAXONOMY, clock=clock or MockClock(),
        documents=RENDERER, stdin=io.StringIO("".join(f"{line}\n" for line in lines)),
        stdout=out, stderr=err,
    )
    return code, out.getvalue(), err.getvalue()


def test_cli_children_and_exports(dsl: Session, clock: MockClock, vault_dir: Path,
                                  tmp_path: Path) -> None:
    kid, cid = busy_child(dsl, clock)
    add_child(dsl, "Şükrü", "Yılmaz", upn="B999")
    add_staff(dsl, "teacher")
    dsl.lock()
    code, out, err = cli("children", vault_dir, "--user", "dsl")
    assert code == 0, err
    rows = [line.split("\t") for line in out.splitlines()]
    assert [str(kid), "A123456789012", "Zoë Ólafsdóttir", "6"] in rows
    assert len(rows) == 2
    code, out, _ = cli("children", vault_dir, "--user", "dsl", "--search", "sukru")
    assert code == 0 and out.startswith(f"{kid + 1}\tB999\tŞükrü Yılmaz\t0")

    target = tmp_path / "chronology.pdf"
    code, out, err = cli("export-chronology", vault_dir, "--user", "dsl", "--child", kid,
                         "--out", target, "--purpose", "Transfer", "--from", "20/11/2026")
    assert code == 0, err
    assert "readable copy" in err and err.count("\n") == 1
    text = flat(pages(target.read_bytes()))
    assert "Transfer" in text and "Missing overnight." in text
    assert "Later: the car was seen again." not in text  # before --from
    before = target.read_bytes()
    code, _, err = cli("export-chronology", vault_dir, "--user", "dsl", "--child", kid,
                       "--out", target)
    assert code == 1 and "already exists" in err and "--force" in err
    assert target.read_bytes() == before

    locked = tmp_path / "concern.pdf"
    code, out, err = cli("export-concern", vault_dir, "--user", "dsl", "--concern", cid,
                         "--out", locked, "--password-stdin",
                         lines=(DSL_PASS, "pdf secret for mash"))
    assert code == 0, err
    assert err == "" and "password-protected" in out
    assert "Seen getting into a grey car" in flat(pages(locked.read_bytes(), "pdf secret for mash"))
    assert PdfReader(io.BytesIO(locked.read_bytes())).decrypt("nope") == 0
    code, out, err = cli("export-concern", vault_dir, "--user", "dsl", "--concern", cid,
                         "--out", locked, "--force", "--portrait")
    assert code == 2  # --portrait is for chronologies only
    code, out, err = cli("export-concern", vault_dir, "--user", "dsl", "--concern", cid,
                         "--out", locked, "--force")
    assert code == 0 and "readable copy" in err
    assert not PdfReader(io.BytesIO(locked.read_bytes())).is_encrypted
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []

    code, _, err = cli("export-chronology", vault_dir, "--user", "teacher", "--child", kid,
                       "--out", tmp_path / "staff.pdf", lines=(STAFF_PASS,))
    assert code == 4 and not (tmp_path / "staff.pdf").exists()
    code, _, err = cli("children", vault_dir, "--user", "teacher", lines=(STAFF_PASS,))
    assert code == 4
    code, _, err = cli("export-concern", vault_dir, "--user", "teacher", "--concern", cid,
                       "--out", tmp_path / "staff.pdf", lines=(STAFF_PASS,))
    assert code == 4 and not (tmp_path / "staff.pdf").exists()

    from cerecorder.services import session

    reopened = session.unlock(vault_dir, user_name="dsl", passphrase=DSL_PASS, clock=clock,
                              taxonomy=TAXONOMY)
    try:
        exports = [r for r in audit_actions(reopened) if r[0] == "exported"]
    finally:
        reopened.lock()
    assert [(r[1], r[3]["protected"]) for r in exports] == [
        ("chronology", False), ("concern", True), ("concern", False)]


def test_cli_without_a_renderer_fails_plainly(dsl: Session, vault_dir: Path,
                                              tmp_path: Path) -> None:
    kid = add_child(dsl)
    dsl.lock()
    out, err = io.StringIO(), io.StringIO()
    code = run(["export-chronology", str(vault_dir), "--child", str(kid), "--out",
                str(tmp_path / "x.pdf")], taxonomy=TAXONOMY, clock=MockClock(),
               stdin=io.StringIO(DSL_PASS + "\n"), stdout=out, stderr=err)
    message = err.getvalue()
    assert code == 1 and message.count("\n") == 1 and "PDF" in message


def test_the_layer_rule_still_holds() -> None:
    from test_layers import test_layers_import_only_downwards

    test_layers_import_only_downwards()

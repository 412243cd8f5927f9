"""The intelligence report (issue 14): it holds only the entries and concerns the DSL
picked, names whoever reported each by role, carries the marking and document id, needs
a purpose, and is kept and audited as a disclosure; the command line makes it too."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from cerecorder import paths
from cerecorder.cli.main import EXIT_DENIED
from cerecorder.domain.errors import InvalidInput, PermissionDenied, RecordImmutable
from cerecorder.domain.handover import DEFAULT_MARKING
from cerecorder.domain.intel import CSV_COLUMNS, csv_bytes
from cerecorder.domain.model import EntryKind, Mention
from cerecorder.export import pdf
from cerecorder.services import concerns, intel, register, session
from cerecorder.services.session import Session
from cerecorder.storage.connection import db_errors_explained

from helpers import (
    DSL_PASS,
    STAFF_PASS,
    TAXONOMY,
    MockClock,
    add_child,
    add_staff,
    admin,
    content,
    switch_to,
)

RENDERER = pdf.PdfRenderer(paths.resources_dir() / "fonts")
PURPOSE = "Police intelligence submission: county lines, Operation Orchard"


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def world(dsl: Session, clock: MockClock) -> Iterator[tuple[Session, dict[str, int]]]:
    """Amy's concern (by a teacher) names a car and a phone; Ben's names the car and a
    man; only Amy's concern, the car and the phone are picked in the tests."""
    amy = add_child(dsl, "Amy", "Khan")
    ben = add_child(dsl, "Benedict", "Osei")
    add_staff(dsl, "jprescott")
    staff = switch_to(dsl, "jprescott", STAFF_PASS)
    amys = concerns.record_concern(staff, content(
        (amy,), clock, facts="Got out of a silver car at the gates; phone kept ringing.",
        location="Main gate, Church Road", mentions=(
            Mention(EntryKind.VEHICLE, "silver Astra AB51 ABC"),
            Mention(EntryKind.PHONE, "07700 900123"))))
    bens = concerns.record_concern(staff, content(
        (ben,), clock, facts="Benedict said Tiny drives him to Southend.",
        location="Canteen", mentions=(Mention(EntryKind.VEHICLE, "AB51 ABC"),
                                      Mention(EntryKind.PERSON, "Tiny"))))
    folder = staff.vault.files.folder
    staff.lock()
    s = session.unlock(folder, user_name="dsl", passphrase=DSL_PASS, clock=clock,
                       taxonomy=TAXONOMY)
    car = register.match_mention(s, amys, 0, values={"registration": "ab51abc",
                                                     "colour": "silver", "model": "Astra"})
    phone = register.match_mention(s, amys, 1, values={"number": "07700 900123"})
    register.match_mention(s, bens, 0, entry_id=car)
    tiny = register.match_mention(s, bens, 1, values={"nicknames": "Tiny",
                                                      "relationship": "driver"})
    yield s, {"amy": amy, "ben": ben, "amys": amys, "bens": bens, "car": car,
              "phone": phone, "tiny": tiny}
    if s.is_open:
        s.lock()


def test_the_report_holds_only_what_was_picked_and_names_the_source_by_role(
        world: tuple[Session, dict[str, int]]) -> None:
    dsl, w = world
    doc = intel.report(dsl, entry_ids=[w["car"], w["phone"]], concern_ids=[w["amys"]],
                       purpose=PURPOSE)
    text = _text(RENDERER.intel(doc))
    for wanted in ("Intelligence report", DEFAULT_MARKING, doc.header.document_id, PURPOSE,
                   "Amy Khan", "Main gate, Church Road", "Got out of a silver car",
                   "AB51 ABC", "+447700900123", "member of staff", "16/11/2026 07:30",
                   "Concern #" + str(w["amys"]), "Named in item 1"):
        assert wanted in text, wanted
    for absent in ("Benedict", "Osei", "Southend", "Tiny", "Canteen", "Jprescott",
                   "jprescott", "Concern #" + str(w["bens"]),
                   # the rest of Amy's file: her words, the opinion, who was told
                   "They're my mates", "checked the phone constantly", "Head of year"):
        assert absent not in text, absent


def test_the_csv_carries_a_row_per_item_with_the_marking_and_no_more(
        world: tuple[Session, dict[str, int]]) -> None:
    dsl, w = world
    doc = intel.report(dsl, entry_ids=[w["car"]], concern_ids=[w["amys"]], purpose=PURPOSE)
    data = csv_bytes(doc)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    body = [dict(zip(CSV_COLUMNS, r, strict=True)) for r in rows[1:]]
    assert [(r["item"], r["type"], r["reference"]) for r in body] == [
        ("1", "Concern", f"Concern #{w['amys']}"), ("2", "Vehicle", f"Register entry #{w['car']}")]
    assert {r["marking"] for r in body} == {DEFAULT_MARKING}
    assert {r["document_id"] for r in body} == {doc.header.document_id}
    concern = body[0]
    assert concern["who"] == "Amy Khan" and concern["where"] == "Main gate, Church Road"
    assert concern["vehicles"].startswith("AB51 ABC") and concern["phones"] == ""  # not picked
    assert concern["source"] == "member of staff"
    assert "Benedict" not in data.decode("utf-8") and "Jprescott" not in data.decode("utf-8")
    assert body[1]["vehicles"].startswith("AB51 ABC") and body[1]["what"] == "Named in item 1"


def test_a_cell_a_spreadsheet_would_run_is_defused(dsl: Session, clock: MockClock) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    cid = concerns.record_concern(dsl, content((amy,), clock, location="=HYPERLINK(\"x\")"))
    doc = intel.report(dsl, concern_ids=[cid], purpose=PURPOSE)
    rows = list(csv.reader(io.StringIO(csv_bytes(doc).decode("utf-8-sig"))))
    assert rows[1][CSV_COLUMNS.index("where")] == "'=HYPERLINK(\"x\")"


def test_saving_is_a_disclosure_kept_with_its_purpose_and_audited_by_ids(
        world: tuple[Session, dict[str, int]], tmp_path: Path) -> None:
    dsl, w = world
    doc = intel.report(dsl, entry_ids=[w["car"]], concern_ids=[w["amys"]], purpose=PURPOSE)
    out = tmp_path / "report.pdf"
    disclosure = intel.save(dsl, out, RENDERER.intel(doc), doc, "pdf")
    assert out.read_bytes().startswith(b"%PDF")
    row = dsl.vault.conn.execute("SELECT document_id, kind, format, purpose, made_by "
                                 "FROM disclosures WHERE id = ?", (disclosure,)).fetchone()
    assert tuple(row) == (doc.header.document_id, "intel_report", "pdf", PURPOSE, dsl.user.id)
    items = set(dsl.vault.conn.execute("SELECT ref_type, ref_id FROM disclosure_items"))
    assert items == {("concern", w["amys"]), ("entry", w["car"])}
    action, object_type, object_id, detail = dsl.vault.conn.execute(
        "SELECT action, object_type, object_id, detail FROM audit ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert (action, object_type, object_id) == ("disclosed", "disclosure", str(disclosure))
    assert json.loads(detail) == {"document": doc.header.document_id, "format": "pdf",
                                  "concerns": [w["amys"]], "entries": [w["car"]]}
    assert PURPOSE not in detail  # the purpose is kept with the disclosure, not the audit
    intel.save(dsl, tmp_path / "report.csv", csv_bytes(doc), doc, "csv")  # same document
    dsl.vault.conn.execute("BEGIN")
    try:
        with pytest.raises(RecordImmutable), db_errors_explained():
            dsl.vault.conn.execute("UPDATE disclosures SET purpose = 'other'")
    finally:
        dsl.vault.conn.execute("ROLLBACK")


def test_a_purpose_and_something_picked_are_required_and_staff_are_refused(
        dsl: Session, clock: MockClock) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    cid = concerns.record_concern(dsl, content((amy,), clock))
    with pytest.raises(InvalidInput, match="purpose"):
        intel.report(dsl, concern_ids=[cid], purpose="  ")
    with pytest.raises(InvalidInput, match="Pick at least one"):
        intel.report(dsl, purpose=PURPOSE)
    with pytest.raises(InvalidInput, match="No submitted concern"):
        intel.report(dsl, concern_ids=[cid + 50], purpose=PURPOSE)
    add_staff(dsl)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    try:
        with pytest.raises(PermissionDenied):
            intel.report(staff, concern_ids=[cid], purpose=PURPOSE)
        with pytest.raises(PermissionDenied):
            intel.candidates(staff, amy)
    finally:
        staff.lock()


def test_the_candidates_of_a_child_are_their_concerns_and_linked_entries(
        world: tuple[Session, dict[str, int]]) -> None:
    dsl, w = world
    mine = intel.candidates(dsl, w["amy"])
    assert {(c.kind, c.id) for c in mine} == {("concern", w["amys"]), ("entry", w["car"]),
                                              ("entry", w["phone"])}
    every = intel.candidates(dsl)
    assert {(c.kind, c.id) for c in every} >= {("entry", w["tiny"]), ("concern", w["bens"])}


def _cli(clock: MockClock, *argv: object, passphrase: str = DSL_PASS) -> tuple[int, str, str]:
    return admin(clock, *argv, passphrase=passphrase, documents=RENDERER)


def test_the_command_line_writes_the_pdf_or_the_csv(
        world: tuple[Session, dict[str, int]], clock: MockClock, vault_dir: Path,
        tmp_path: Path) -> None:
    dsl, w = world
    dsl.lock()
    out = tmp_path / "intel.pdf"
    code, said, err = _cli(clock, "intel-report", vault_dir, "--user", "dsl", "--entry",
                           w["car"], "--entry", w["phone"], "--concern", w["amys"],
                           "--purpose", PURPOSE, "--out", out)
    assert code == 0, err
    assert "1 concern and 2 register entries" in said
    text = _text(out.read_bytes())
    assert "AB51 ABC" in text and "Benedict" not in text
    code, _, err = _cli(clock, "intel-report", vault_dir, "--user", "dsl", "--concern",
                        w["amys"], "--purpose", PURPOSE, "--out", tmp_path / "intel.csv",
                        "--csv")
    assert code == 0, err
    assert "Amy Khan" in (tmp_path / "intel.csv").read_text(encoding="utf-8-sig")
    code, _, err = _cli(clock, "intel-report", vault_dir, "--user", "jprescott", "--concern",
                        w["amys"], "--purpose", PURPOSE, "--out", tmp_path / "x.pdf",
                        passphrase=STAFF_PASS)
    assert code == EXIT_DENIED and not (tmp_path / "x.pdf").exists()

"""The Ofsted pack's PDF (export.plain_table, drawn straight onto the canvas): every row's
words come out of the PDF in the order of the rows, names with letters beyond ASCII
included; a long outcome stops at two lines with an ellipsis while the CSV keeps it whole;
every page carries its marking and its own page number (the page furniture is written
once and copied)."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

from pypdf import PdfReader

from cerecorder import paths
from cerecorder.domain.handover import DocumentHeader
from cerecorder.domain.reports import (
    DslReferral,
    LaReferral,
    MissingLine,
    OfstedPack,
    Period,
    PlanLine,
)
from cerecorder.export import report_ofsted as ofsted_pdf

FONTS = paths.resources_dir() / "fonts"
NAMES = ("Siobhán Ní Shúilleabháin", "Łukasz Wójcik", "Amy Khan", "Ștefania Stănescu")
LONG = ("14/10/2026: MASH: strategy discussion held; section 47 enquiry to follow, with "
        "the police and health visitor invited to the initial child protection conference "
        "set for the end of the month; mother told by phone and by letter. TAILWORD")


def _pack(rows: int, demo: bool = False) -> OfstedPack:
    header = DocumentHeader(school="Eastcombe Academy", marking="OFFICIAL-SENSITIVE",
                            document_id="CER-OFSTED00", generated_by="Dana Lead",
                            generated_at=datetime(2026, 11, 16, 9, 30, tzinfo=UTC),
                            generated_tz="Europe/London", demo=demo,
                            subject="Safeguarding: Ofsted inspection pack")
    referrals = tuple(
        DslReferral(concern_id=1000 + i, occurred=f"{1 + i % 28:02d}/10/2026 10:{i % 60:02d}",
                    children=NAMES[i % len(NAMES)],
                    categories="Child criminal exploitation and county lines; Child sexual "
                               "exploitation" if i % 2 else "Neglect",
                    decision="Monitor in school", to_local_authority=i % 3 == 0,
                    outcome=LONG if i == 0 else f"row{i} done")
        for i in range(rows))
    la = (LaReferral(1, 1000, "02/10/2026 10:00", "Amy Khan", "Referral to MASH",
                     "Referral submitted through the MASH portal.", LONG),)
    plans = (PlanLine("Łukasz Wójcik", "Year 9", "Child protection plan", "01/03/2026",
                      "ongoing"),)
    missing = (MissingLine("Ștefania Stănescu", "Year 8", 2, "09/10/2026"),)
    return OfstedPack(header=header, period=Period(date(2026, 9, 1), date(2026, 10, 31)),
                      referrals=referrals, local_authority=la, plans=plans,
                      missing_education=missing)


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_rows_read_in_order_with_their_names() -> None:
    pack = _pack(300)
    pages = _pages(ofsted_pdf.render(pack, FONTS))
    text = " ".join(" ".join(pages).split())  # a name may break across a cell's lines
    ids = [int(m) for m in re.findall(r"#(\d{4})\b", text)]
    # each referral's id once, in order; then the local authority's row names its concern
    assert ids == [r.concern_id for r in pack.referrals] + [1000]
    done = [int(m) for m in re.findall(r"\brow(\d+) done", text)]
    assert done == list(range(1, 300))
    for name in NAMES:
        assert text.count(name) >= 300 // len(NAMES)
    assert "Łukasz Wójcik Year 9 Child protection plan 01/03/2026 ongoing" in text
    assert "Ștefania Stănescu Year 8 2 09/10/2026" in text


def test_a_long_outcome_stops_at_two_lines_and_the_csv_keeps_it() -> None:
    pack = _pack(3)
    text = "\n".join(_pages(ofsted_pdf.render(pack, FONTS)))
    assert "TAILWORD" not in text
    # the referral's outcome, the local authority's and the note saying so
    assert text.count("\u2026") == 3
    csv = ofsted_pdf.csv_bytes(pack).decode("utf-8-sig")
    assert csv.count("TAILWORD") == 2


def test_every_page_has_its_marking_and_number() -> None:
    pages = _pages(ofsted_pdf.render(_pack(400, demo=True), FONTS))
    assert len(pages) > 5
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert page.count("OFFICIAL-SENSITIVE") == 2
        assert "DEMO" in page

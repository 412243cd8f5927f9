"""The governors' report (issue 17): counts equal the vault's, worked out here from what
the test recorded; small numbers suppressed, also against subtraction; DSL only (service
and command line); the PDF and CSV written and audited."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from cerecorder import paths
from cerecorder.cli.main import EXIT_DENIED
from cerecorder.domain.errors import InvalidInput, PermissionDenied
from cerecorder.domain.model import ActionKind, ChildFlag
from cerecorder.domain.reports import FEWER, Period, suppressed
from cerecorder.export.pdf import PdfRenderer
from cerecorder.services import concern_categories, concerns, dsl, report_governors
from cerecorder.services.session import Session

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

AUTUMN = Period(date(2026, 9, 1), date(2026, 12, 20))
#: (year group, sex, flags, categories of each of the child's concerns this term)
PUPILS = [
    ("7", "F", {ChildFlag.SEND}, [["CAT-ONLINE"], ["CAT-ONLINE", "CAT-BULLYING"]]),
    ("7", "M", set(), [["CAT-ONLINE"]]),
    ("8", "F", {ChildFlag.CP_PLAN}, [["CAT-NEGLECT"], ["CAT-ONLINE"]]),
    ("8", "M", {ChildFlag.LOOKED_AFTER}, [["CAT-ONLINE"]]),
    ("9", "F", set(), [["CAT-ONLINE"]]),
    ("9", "F", {ChildFlag.CHILD_IN_NEED}, [["CAT-ONLINE", "CAT-MENTAL-HEALTH"]]),
    ("10", "M", set(), [["CAT-BULLYING"]]),
    ("10", "F", set(), [["CAT-BULLYING"]]),
]


def _record(s: Session, clock: MockClock, child: int, codes: list[str],
            when: datetime) -> int:
    draft = concerns.save_draft(s, content((child,), clock, occurred_at=when))
    concern_categories.choose(s, draft, codes)
    concerns.submit(s, draft)
    return draft


@pytest.fixture
def term(dsl: Session, clock: MockClock) -> Session:
    return record_term(dsl, clock)


def record_term(dsl: Session, clock: MockClock) -> Session:
    """Eight pupils with concerns this term, one last term, two referrals this term (one
    with an outcome). scripts can call it to make a vault to render."""
    recorded = []
    for n, (year, sex, flags, kinds) in enumerate(PUPILS):
        child = add_child(dsl, f"Pupil{n}", "Test", year_group=year, gender=sex,
                          flags=frozenset(flags))
        recorded += [(child, _record(dsl, clock, child, codes,
                                     datetime(2026, 10, 1 + n, 10 + i, tzinfo=UTC)))
                     for i, codes in enumerate(kinds)]
    earlier = add_child(dsl, "Earlier", "Term", year_group="11", gender="M")
    last_term = _record(dsl, clock, earlier, ["CAT-NEGLECT"],
                        datetime(2026, 6, 2, 10, tzinfo=UTC))
    dsl_action(dsl, last_term)  # last term's referral is not this term's
    child, first = recorded[0]
    [referral] = dsl_action(dsl, first)
    dsl_outcome(dsl, referral, child, first)
    dsl_action(dsl, recorded[1][1])  # awaiting its outcome
    return dsl


def dsl_action(s: Session, concern_id: int) -> list[int]:
    concern = concerns.open_concern(s, concern_id).concern
    return dsl.record_action(s, kind=ActionKind.REFERRAL_MASH, detail="Referred to MASH.",
                             taken_at=concern.content.occurred_at or s.clock.now(),
                             concern_id=concern_id)


def dsl_outcome(s: Session, action: int, child: int, concern_id: int) -> None:
    dsl.record_outcome(s, text="Strategy meeting held.", occurred_at=s.clock.now(),
                       child_id=child, action_id=action, concern_id=concern_id)


def test_counts_equal_what_was_recorded(term: Session) -> None:
    made = report_governors.build(term, AUTUMN)
    expected = Counter(code for *_, kinds in PUPILS for codes in kinds for code in codes)
    labels = {c.code: c.label for c in TAXONOMY.current.items if c.kind == "category"}
    by_category = made.breakdown("Concerns by category").counts
    assert by_category == {labels[c]: expected.get(c, 0) for c in labels}
    assert made.concerns == sum(len(kinds) for *_, kinds in PUPILS)
    assert made.children == len(PUPILS)
    assert made.breakdown("Children by year group").counts == {"7": 2, "8": 2, "9": 2, "10": 2}
    assert made.breakdown("Children by sex").counts == {"F": 5, "M": 3}
    assert made.breakdown("Children with a status").counts == {
        "SEND": 1, "Looked after": 1, "Child protection plan": 1, "Child in need": 1}
    assert made.breakdown("Referrals made").counts["Referral to MASH"] == 2
    assert made.breakdown("Referral outcomes").counts == {"Outcome recorded": 1,
                                                          "Awaiting an outcome": 1}
    # the trend: the summer term's neglect concern falls in the period before
    assert made.trend.totals[-1] == made.concerns and made.trend.totals[-2] == 1
    # shown: 7 online-safety concerns, 3 bullying as "fewer than 5", no names anywhere
    cells = made.breakdown("Concerns by category").cells
    assert cells[labels["CAT-ONLINE"]] == "7" and cells[labels["CAT-BULLYING"]] == FEWER
    assert cells[labels["CAT-PREVENT"]] == "0"


def test_one_suppressed_cell_is_not_left_to_subtraction() -> None:
    assert suppressed({"F": 9, "M": 3}) == {"F": "5 or more", "M": FEWER}
    assert suppressed({"F": 9, "M": 3, "X": 12}) == {"F": "5 or more", "M": FEWER, "X": "12"}
    assert suppressed({"F": 9, "M": 3, "X": 2}) == {"F": "9", "M": FEWER, "X": FEWER}
    assert suppressed({"F": 9, "M": 0}) == {"F": "9", "M": "0"}


def test_periods_are_read_as_uk_dates_and_checked() -> None:
    assert Period.parse("01/09/2026", "20/12/2026") == AUTUMN
    assert [p.label for p in AUTUMN.earlier(1)] == ["13/05/2026 to 31/08/2026"]
    with pytest.raises(InvalidInput, match="before its start"):
        Period.parse("20/12/2026", "01/09/2026")
    with pytest.raises(InvalidInput, match="--from"):
        Period.parse("2026-13-01", "20/12/2026")


def test_staff_are_refused_a_report(term: Session) -> None:
    add_staff(term)
    staff = switch_to(term, "teacher", STAFF_PASS)
    with pytest.raises(PermissionDenied):
        report_governors.build(staff, AUTUMN)
    staff.lock()


def _cli(clock: MockClock, *argv: object, passphrase: str = DSL_PASS) -> tuple[int, str, str]:
    return admin(clock, *argv, passphrase=passphrase,
                 documents=PdfRenderer(paths.resources_dir() / "fonts"))


def test_the_command_line_writes_and_audits_the_pdf_and_csv(
        term: Session, clock: MockClock, vault_dir: Path, tmp_path: Path) -> None:
    add_staff(term)
    term.lock()
    pdf, csv = tmp_path / "governors.pdf", tmp_path / "governors.csv"
    args = ("report", vault_dir, "governors", "--from", "01/09/2026", "--to", "20/12/2026",
            "--out", pdf, "--csv", csv)
    code, out, err = _cli(clock, *args, "--user", "teacher", passphrase=STAFF_PASS)
    assert code == EXIT_DENIED and not pdf.exists() and not csv.exists()
    code, out, err = _cli(clock, "report", vault_dir, "governors", "--from", "1 Sept",
                          "--to", "20/12/2026", "--out", pdf, "--user", "dsl")
    assert code != 0 and "--from" in err and not pdf.exists()
    code, out, err = _cli(clock, *args, "--user", "dsl")
    assert "governors" in out
    assert code == 0, err
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Safeguarding report for governors" in text and "Pupil" not in text
    assert "fewer than 5" in text and "Trends" in text
    rows = csv.read_bytes().decode("utf-8-sig")
    assert "Online safety,7" in rows and "Pupil" not in rows
    s = switch_to_dsl(vault_dir, clock)
    with s.uow() as uow:
        exported = uow.conn.execute(
            "SELECT count(*) FROM audit WHERE action = 'exported' AND object_type = 'report'"
        ).fetchone()[0]
    assert exported == 2
    s.lock()


def switch_to_dsl(folder: Path, clock: MockClock) -> Session:
    from helpers import reopen

    return reopen(folder, clock)

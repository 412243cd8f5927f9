"""Subject access requests: the deadline (a calendar month, the next working day, an
extension), every record about the child, redactions with their reasons applied to a copy
whose extracted text holds none of the redacted words, the log, and the command line."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlcipher3 import dbapi2 as sqlcipher

from cerecorder import paths
from cerecorder.domain.errors import InvalidInput, PermissionDenied
from cerecorder.domain.sar import RedactionKind, SarStep, add_months, due_date
from cerecorder.export.pdf import PdfRenderer
from cerecorder.services import concerns, sar
from cerecorder.services.session import Session
from test_packets import audit_actions
from test_schooldays import HOLIDAYS, _cli

from helpers import STAFF_PASS, MockClock, add_child, add_staff, content, switch_to

RENDERER = PdfRenderer(paths.resources_dir() / "fonts")


@pytest.mark.parametrize(("received", "due"), [
    (date(2026, 10, 5), date(2026, 11, 5)),
    (date(2027, 1, 31), date(2027, 3, 1)),    # 28/02/2027 is a Sunday
    (date(2026, 11, 26), date(2026, 12, 29)),  # 26/12 a Saturday, 28/12 a bank holiday
])
def test_the_deadline_is_a_calendar_month_then_the_next_working_day(received: date,
                                                                    due: date) -> None:
    assert due_date(received, HOLIDAYS) == due
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def request_case(dsl: Session, clock: MockClock) -> tuple[int, int]:
    amy = add_child(dsl, "Amy", "Khan")
    ben = add_child(dsl, "Ben", "Osei")
    concerns.record_concern(dsl, content(
        (amy, ben), clock, facts="Amy and Ben Osei left with her uncle Dariusz.",
        child_words="Dariusz said he'd pay us.", occurred_at=clock.now() - timedelta(days=3)))
    case = sar.open_case(dsl, HOLIDAYS, amy, "Ms Khan", "mother", clock.now().date())
    return amy, case


def test_a_redacted_copy_holds_no_redacted_word(dsl: Session, request_case: tuple[int, int]
                                                ) -> None:
    _amy, case = request_case
    made = sar.suggest_other_children(dsl, case)
    assert made >= 1
    record = next(sar.record_key(r) for r in sar.disclosure(dsl, case).rows
                  if r.entry_type.value == "concern")
    for field in ("event", "child_words"):
        sar.add_redaction(dsl, case, record, field, "Dariusz", RedactionKind.FAMILY,
                          "Third party: family member, no consent")
    text = " ".join(_text(RENDERER.chronology(sar.disclosure(dsl, case))).split())
    assert "Dariusz" not in text and "Osei" not in text
    assert "[redacted: family member]" in text and "Amy" in text
    log = sar.redaction_log(dsl, case)
    assert len(log) == made + 2
    assert not any("Dariusz" in line or "Osei" in line for line in log)
    assert "sar_redaction" in audit_actions(dsl)
    concern = concerns.open_concern(dsl, next(r.ref_id for r in sar.disclosure(dsl, case).rows
                                              if r.entry_type.value == "concern"))
    assert "Dariusz" in concern.concern.content.facts  # the original never changes


def test_a_redaction_or_a_case_cannot_be_rewritten(dsl: Session,
                                                   request_case: tuple[int, int]) -> None:
    _amy, case = request_case
    sar.suggest_other_children(dsl, case)
    for statement in ("UPDATE sar_redactions SET text = ''", "DELETE FROM sar_redactions",
                      "UPDATE sar_cases SET due_on = '2030-01-01'", "DELETE FROM sar_cases"):
        with pytest.raises(sqlcipher.DatabaseError, match="immutable"):
            dsl.vault.conn.execute(statement)


def test_an_extension_within_the_first_month_then_the_end(
    dsl: Session, request_case: tuple[int, int], clock: MockClock,
) -> None:
    _amy, case = request_case
    with pytest.raises(InvalidInput, match="Say why"):
        sar.extend(dsl, HOLIDAYS, case, 2, " ")
    received = clock.now().date()
    assert sar.extend(dsl, HOLIDAYS, case, 2, "Complex: several agencies") == \
        due_date(received, HOLIDAYS, 3)
    with pytest.raises(InvalidInput, match="extended already"):
        sar.extend(dsl, HOLIDAYS, case, 1, "Again")
    sar.close(dsl, case, SarStep.SENT, "Handed over in person")
    assert sar.cases(dsl)[0].state.startswith("sent ")
    with pytest.raises(InvalidInput, match="answered or closed"):
        sar.add_redaction(dsl, case, "concern:1", "event", "", RedactionKind.THIRD_PARTY, "x")


def test_staff_have_no_part_in_subject_access(dsl: Session, request_case: tuple[int, int]
                                              ) -> None:
    amy, case = request_case
    add_staff(dsl)
    teacher = switch_to(dsl, "teacher", STAFF_PASS)
    for call in (lambda: sar.cases(teacher), lambda: sar.disclosure(teacher, case),
                 lambda: sar.open_case(teacher, HOLIDAYS, amy, "X", "", date(2026, 11, 1))):
        with pytest.raises(PermissionDenied):
            call()


def test_the_command_line_runs_a_request_end_to_end(dsl: Session, clock: MockClock,
                                                    vault_dir: Path, tmp_path: Path) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    ben = add_child(dsl, "Ben", "Osei")
    concern = concerns.record_concern(dsl, content(
        (amy, ben), clock, facts="Amy and Ben Osei left with uncle Dariusz.",
        occurred_at=clock.now() - timedelta(days=3)))
    dsl.lock()
    code, out, err = _cli("sar-open", vault_dir, "--child", amy, "--requester", "Ms Khan",
                          "--relationship", "mother", "--received", "16/11/2026")
    assert (code, out.strip()) == (0, "Subject access request #1: due 16/12/2026."), err
    code, out, _ = _cli("sar-redact", vault_dir, "--case", 1, "--other-children")
    assert code == 0 and "of other children's names" in out
    code, out, err = _cli("sar-redact", vault_dir, "--case", 1, "--record",
                          f"concern:{concern}", "--field", "event", "--text", "Dariusz",
                          "--kind", "family", "--reason", "Third party: family member")
    assert code == 0, err
    folder = tmp_path / "response"
    code, out, err = _cli("sar-export", vault_dir, "--case", 1, "--out", folder,
                          "--generate-password", documents=RENDERER)
    assert code == 0, err
    pdf = next(folder.glob("*-subject-access.pdf"))
    password = next(line.split(": ", 1)[1] for line in out.splitlines()
                    if line.startswith("PDF password: "))
    reader = PdfReader(pdf)
    assert reader.decrypt(password)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Osei" not in text and "Dariusz" not in text
    assert "[redacted: family member]" in text
    log = next(folder.glob("*-redaction-log.txt")).read_text(encoding="utf-8")
    assert "other child" in log and "Osei" not in log
    code, out, _ = _cli("sar-step", vault_dir, "--case", 1, "--step", "sent", "--detail",
                        "By hand")
    assert code == 0
    code, out, _ = _cli("sar", vault_dir)
    assert out.strip() == f"1\t{amy}\t16/11/2026\tdue 16/12/2026\tsent 16/11/2026"
    code, out, _ = _cli("sar", vault_dir, "--case", 1)
    assert out.splitlines()[-1] == "named elsewhere: none found"


def test_concerns_about_others_that_name_the_child_are_found(
    dsl: Session, request_case: tuple[int, int], clock: MockClock,
) -> None:
    _amy, case = request_case
    cy = add_child(dsl, "Cy", "Ng")
    about_cy = concerns.record_concern(dsl, content(
        (cy,), clock, facts="Cy was with Amy Khan at the park.",
        occurred_at=clock.now() - timedelta(days=1)))
    concerns.record_concern(dsl, content((cy,), clock, facts="Cy alone.",
                                         occurred_at=clock.now() - timedelta(days=1)))
    assert sar.named_elsewhere(dsl, case) == [about_cy]

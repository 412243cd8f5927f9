"""The open JSON child file for a school that does not run CE Recorder: valid against its
published schema, one child's copy (no other pupil named), audited only when written; and
`cerecorder-admin export-file`, which writes it with the PDFs."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from pypdf import PdfReader

from cerecorder import paths
from cerecorder.domain.errors import InvalidInput, PermissionDenied
from cerecorder.domain.model import ActionKind, EventKind, TriageDecision
from cerecorder.export.pdf import PdfRenderer
from cerecorder.services import concerns, file_export
from cerecorder.services import dsl as dsl_work
from cerecorder.services.session import Session
from test_packets import audit_actions

from helpers import STAFF_PASS, MockClock, add_child, add_staff, content, switch_to

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "docs" / "child-file.schema.json").read_text(encoding="utf-8"))


@pytest.fixture
def case(dsl: Session, clock: MockClock) -> tuple[Session, int]:
    amy = add_child(dsl, "Amy", "Khan")
    ben = add_child(dsl, "Benedikt", "Osei")
    both = concerns.record_concern(dsl, content(
        (amy, ben), clock, facts="Amy and Benedikt were picked up by a silver car.",
        child_words="Benedikt said it's his cousin's car."))
    dsl_work.triage(dsl, both, TriageDecision.MONITOR, "Watch Benedikt and Amy together.")
    dsl_work.record_action(dsl, kind=ActionKind.PARENTS_INFORMED, detail="Amy's mother told",
                           taken_at=clock.now(), concern_id=both, child_ids=[amy])
    dsl_work.add_event(dsl, child_id=amy, kind=EventKind.MISSING_EPISODE,
                       occurred_at=clock.now(), summary="Missing overnight",
                       outcome="Found by police")
    concerns.add_addendum(dsl, both, "Benedikt's aunt rang.")
    return dsl, amy


def test_the_file_is_valid_against_its_published_schema(case: tuple[Session, int]) -> None:
    s, amy = case
    data = file_export.child_file(s, amy, purpose="Transfer to Hillside High")
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(data, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert data["child"]["legal_forenames"] == "Amy"
    concern = data["concerns"][0]
    assert concern["other_pupils"] == 1
    assert concern["decisions"][0]["decision"] == TriageDecision.MONITOR.value
    assert concern["actions"][0]["detail"] == "Amy's mother told"
    assert [e["summary"] for e in data["events"]] == ["Missing overnight"]
    assert {s_["code"] for s_ in concern["signs"]} == {"SHARED-01", "CSE-01"}
    broken = json.loads(json.dumps(data))
    broken["concerns"][0]["surprise"] = True
    with pytest.raises(jsonschema.ValidationError):  # the schema is strict: drift shows
        jsonschema.validate(broken, SCHEMA)


def test_no_other_pupil_is_named_in_one_childs_file(case: tuple[Session, int]) -> None:
    s, amy = case
    text = json.dumps(file_export.child_file(s, amy, purpose="Transfer"), ensure_ascii=False)
    assert "Benedikt" not in text and "Osei" not in text
    assert "[another pupil]" in text and "Amy" in text


def test_only_a_written_file_is_audited_and_only_the_dsl_makes_one(
    case: tuple[Session, int], tmp_path: Path,
) -> None:
    s, amy = case
    data = file_export.child_file(s, amy, purpose="Transfer")
    assert "exported" not in audit_actions(s)
    target = tmp_path / "amy.json"
    file_export.save_child_file(s, target, amy, data)
    assert json.loads(target.read_text(encoding="utf-8")) == data
    assert audit_actions(s).count("exported") == 1
    with pytest.raises(InvalidInput, match="already exists"):
        file_export.save_child_file(s, target, amy, data)
    with pytest.raises(InvalidInput, match="purpose of disclosure"):
        file_export.child_file(s, amy, purpose="  ")
    add_staff(s)
    teacher = switch_to(s, "teacher", STAFF_PASS)
    with pytest.raises(PermissionDenied):
        file_export.child_file(teacher, amy, purpose="Transfer")


def test_the_command_line_writes_the_whole_file(case: tuple[Session, int], vault_dir: Path,
                                                tmp_path: Path) -> None:
    from test_schooldays import _cli

    s, amy = case
    s.lock()
    out = tmp_path / "for-hillside"
    code, said, err = _cli("export-file", vault_dir, "--child", amy, "--out", out,
                           "--purpose", "Transfer to Hillside High", "--generate-password",
                           documents=PdfRenderer(paths.resources_dir() / "fonts"))
    assert code == 0, err
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 3 and names[0].endswith("-child-file.json")
    assert names[1].endswith("-chronology.pdf") and names[2].endswith("-concern-1.pdf")
    password = next(line.split(": ", 1)[1] for line in said.splitlines()
                    if line.startswith("PDF password: "))
    for pdf in out.glob("*.pdf"):
        reader = PdfReader(pdf)
        assert reader.is_encrypted and reader.decrypt(password)
        assert "Osei" not in "".join(page.extract_text() for page in reader.pages)
    assert "is not protected: it is a readable copy" in err
    data = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)

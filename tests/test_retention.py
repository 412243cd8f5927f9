"""Retention review (date of birth plus the policy's years) and legal holds: the review
list and its order, holds on one file or every file, lifting, the triggers behind them,
the command line and the policy key."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlcipher3 import dbapi2 as sqlcipher

from cerecorder.domain.errors import InvalidInput, PermissionDenied
from cerecorder.domain.model import ChildDetails
from cerecorder.domain.retention import ReviewState, review_date
from cerecorder.services import children, retention
from cerecorder.services.session import Session
from test_packets import audit_actions
from test_schooldays import _cli

from helpers import STAFF_PASS, MockClock, add_staff, switch_to


def test_review_is_at_date_of_birth_plus_the_years() -> None:
    assert review_date(date(2008, 3, 14)) == date(2033, 3, 14)
    assert review_date(date(2008, 2, 29)) == date(2033, 2, 28)
    assert review_date(date(2008, 2, 29), 32) == date(2040, 2, 29)


@pytest.fixture
def files(dsl: Session, clock: MockClock) -> dict[str, int]:
    clock.current = datetime(2031, 6, 1, 9, 0, tzinfo=UTC)
    born = {"old": date(2005, 5, 1), "young": date(2014, 9, 1), "unknown": None,
            "held": date(2004, 1, 1)}
    return {name: children.add_child(dsl, ChildDetails(name.title(), "Pupil",
                                                       date_of_birth=when))
            for name, when in born.items()}


def test_the_review_list_puts_files_due_first(dsl: Session, files: dict[str, int]) -> None:
    hold = retention.set_hold(dsl, files["held"], "Independent inquiry", "Moratorium letter")
    rows = retention.review_list(dsl)
    assert [(r.child_id, r.state) for r in rows] == [
        (files["old"], ReviewState.DUE), (files["unknown"], ReviewState.NO_DATE),
        (files["held"], ReviewState.HELD), (files["young"], ReviewState.KEEP)]
    assert rows[0].describe() == "due for review 01/05/2030"
    assert rows[2].describe() == "held (Independent inquiry); review 01/01/2029"
    assert rows[3].describe() == "keep to 01/09/2039"
    assert [r.state for r in retention.review_list(dsl, 30)][:1] == [ReviewState.NO_DATE]
    retention.lift_hold(dsl, hold, "The inquiry closed")
    assert retention.review_list(dsl)[1].state is ReviewState.DUE
    with pytest.raises(InvalidInput, match="lifted already"):
        retention.lift_hold(dsl, hold, "Again")
    assert audit_actions(dsl).count("legal_hold_set") == 1
    assert audit_actions(dsl).count("legal_hold_lifted") == 1


def test_a_hold_on_every_file_holds_every_file(dsl: Session, files: dict[str, int]) -> None:
    retention.set_hold(dsl, None, "Inquiry into child sexual abuse", "All records kept")
    states = {r.child_id: r.state for r in retention.review_list(dsl)}
    assert states[files["old"]] is ReviewState.HELD
    assert states[files["young"]] is ReviewState.HELD
    assert states[files["unknown"]] is ReviewState.NO_DATE  # still needs a date to review
    with pytest.raises(InvalidInput, match="needs a name"):
        retention.set_hold(dsl, None, " ", "x")
    with pytest.raises(InvalidInput, match="outside 6 to 100"):
        retention.review_list(dsl, 3)


def test_staff_cannot_see_or_set_holds(dsl: Session, files: dict[str, int]) -> None:
    add_staff(dsl)
    teacher = switch_to(dsl, "teacher", STAFF_PASS)
    for call in (lambda: retention.review_list(teacher), lambda: retention.holds(teacher),
                 lambda: retention.set_hold(teacher, files["old"], "x", "y")):
        with pytest.raises(PermissionDenied):
            call()


def test_a_hold_and_its_lifting_cannot_be_rewritten(dsl: Session, files: dict[str, int]
                                                    ) -> None:
    hold = retention.set_hold(dsl, files["old"], "Inquiry", "Letter")
    retention.lift_hold(dsl, hold, "Closed")
    conn = dsl.vault.conn
    for sql in ("UPDATE legal_holds SET reason = 'x'", "DELETE FROM legal_holds",
                "DELETE FROM legal_hold_lifts", "UPDATE legal_hold_lifts SET reason = 'x'"):
        with pytest.raises(sqlcipher.DatabaseError, match="immutable"):
            conn.execute(sql)


def test_the_command_line_lists_sets_and_lifts(dsl: Session, files: dict[str, int],
                                               vault_dir: Path) -> None:
    dsl.lock()
    code, out, err = _cli("legal-hold", vault_dir, "--child", files["held"], "--name",
                          "Inquiry", "--reason", "Letter of 01/05/2031", "--from", "01/05/2026")
    assert (code, out.strip()) == (0, f"Legal hold #1 set on child {files['held']}'s file."), err
    code, out, _ = _cli("retention", vault_dir)
    assert out.splitlines() == [
        f"{files['unknown']}\tno date of birth\t-\t-",
        f"{files['held']}\theld\t01/01/2029\thold:1",
        "hold:1\t" + str(files["held"]) + "\tin force\t01/05/2026\tInquiry",
    ]  # the command's clock is 16/11/2026: nothing is due yet
    code, out, _ = _cli("lift-hold", vault_dir, "--hold", 1, "--reason", "Closed")
    assert (code, out.strip()) == (0, "Legal hold #1 lifted.")
    code, out, _ = _cli("retention", vault_dir, "--all")
    assert f"{files['young']}\tkeep\t01/09/2039\t-" in out.splitlines()
    assert "hold:1\t" + str(files["held"]) + "\tlifted\t01/05/2026\tInquiry" in out

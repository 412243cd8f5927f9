"""File transfers to the next school: a deadline in school days when opened, the steps in
order, the state from today's date, the triggers behind it, and the command line."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlcipher3 import dbapi2 as sqlcipher

from cerecorder.domain.errors import InvalidInput, PermissionDenied
from cerecorder.domain.transfers import StepKind, TransferState
from cerecorder.services import calendar, concerns, transfers
from cerecorder.services.session import Session
from test_packets import audit_actions
from test_schooldays import HOLIDAYS, YEAR, _cli

from helpers import STAFF_PASS, MockClock, add_child, add_staff, content, switch_to

SENT = StepKind.SENT


def _on(clock: MockClock, day: date) -> None:
    clock.current = datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


@pytest.fixture
def school(dsl: Session, clock: MockClock) -> Session:
    _on(clock, date(2026, 10, 1))
    calendar.set_term_dates(dsl, YEAR, HOLIDAYS)
    return dsl


def _state(s: Session, transfer_id: int) -> tuple[TransferState, date | None]:
    row = next(r for r in transfers.transfers(s, HOLIDAYS)
               if r.status.transfer.id == transfer_id)
    return row.status.state, row.status.chase_on


def test_a_transfer_runs_from_opened_to_acknowledged(school: Session, clock: MockClock
                                                     ) -> None:
    child = add_child(school, "Amy", "Khan")
    _on(clock, date(2026, 10, 22))
    transfer_id = transfers.open_transfer(school, HOLIDAYS, child, date(2026, 10, 22))
    t = transfers.transfers(school, HOLIDAYS)[0].status.transfer
    assert (t.due_on, t.due_estimated, t.school) == (date(2026, 11, 5), False, "")
    assert _state(school, transfer_id) == (TransferState.TO_SEND, None)
    with pytest.raises(InvalidInput, match="Name the receiving school"):
        transfers.record_step(school, transfer_id, SENT, "Recorded post")
    with pytest.raises(InvalidInput, match="sent first"):
        transfers.record_step(school, transfer_id, StepKind.ACKNOWLEDGED, "J Bloggs, DSL")
    transfers.record_step(school, transfer_id, StepKind.DESTINATION, "Hillside High")
    _on(clock, date(2026, 11, 6))
    assert _state(school, transfer_id) == (TransferState.OVERDUE, None)
    transfers.record_step(school, transfer_id, SENT, "Sealed packet to their DSL")
    # chased from 5 school days after sending (06/11 a Friday: 13/11)
    assert _state(school, transfer_id) == (TransferState.SENT, date(2026, 11, 13))
    _on(clock, date(2026, 11, 13))
    assert _state(school, transfer_id) == (TransferState.OVERDUE, date(2026, 11, 13))
    transfers.record_step(school, transfer_id, StepKind.CHASED, "Telephoned their office")
    assert _state(school, transfer_id) == (TransferState.SENT, date(2026, 11, 20))
    _on(clock, date(2026, 11, 16))
    transfers.record_step(school, transfer_id, StepKind.ACKNOWLEDGED, "Jo Bloggs, DSL",
                          happened_on=date(2026, 11, 16))
    assert _state(school, transfer_id) == (TransferState.ACKNOWLEDGED, None)
    row = transfers.transfers(school, HOLIDAYS)[0]
    assert transfers.describe(row) == ("Amy Khan to Hillside High (moved 22/10/2026): "
                                       "acknowledged 16/11/2026")
    with pytest.raises(InvalidInput, match="is closed"):
        transfers.record_step(school, transfer_id, StepKind.CHASED, "Again")
    steps = [a for a in audit_actions(school) if a.startswith("transfer_")]
    assert steps == ["transfer_opened"] + ["transfer_step"] * 4 + ["transfer_record_kept"]


def test_one_open_transfer_per_child_and_sane_dates(school: Session, clock: MockClock) -> None:
    child = add_child(school, "Ben", "Osei")
    _on(clock, date(2026, 10, 22))
    first = transfers.open_transfer(school, HOLIDAYS, child, date(2026, 10, 23), "Hillside")
    with pytest.raises(InvalidInput, match="already has a transfer open"):
        transfers.open_transfer(school, HOLIDAYS, child, date(2026, 10, 23))
    transfers.record_step(school, first, StepKind.CANCELLED, "The move fell through")
    again = transfers.open_transfer(school, HOLIDAYS, child, date(2027, 1, 6), "Hillside")
    assert _state(school, again) == (TransferState.TO_SEND, None)
    with pytest.raises(InvalidInput, match="in the future"):
        transfers.open_transfer(school, HOLIDAYS, add_child(school, "Cy", "Ng"),
                                date(2028, 1, 1))
    with pytest.raises(InvalidInput, match="in the future"):
        transfers.record_step(school, again, StepKind.DESTINATION, "X",
                              happened_on=date(2026, 10, 30))
    with pytest.raises(InvalidInput, match="Say who acknowledged"):
        transfers.record_step(school, again, StepKind.ACKNOWLEDGED, "  ")


def test_overdue_transfers_come_first_and_are_listed_for_the_first_screen(
    school: Session, clock: MockClock,
) -> None:
    _on(clock, date(2026, 10, 1))
    early = transfers.open_transfer(school, HOLIDAYS, add_child(school, "Early", "Mover"),
                                    date(2026, 9, 10), "Hillside")
    later = transfers.open_transfer(school, HOLIDAYS, add_child(school, "Later", "Mover"),
                                    date(2026, 9, 30), "Hillside")
    states = [(r.status.transfer.id, r.status.state) for r in transfers.transfers(school,
                                                                                 HOLIDAYS)]
    assert states == [(early, TransferState.OVERDUE), (later, TransferState.TO_SEND)]
    assert [r.status.transfer.id for r in transfers.overdue(school, HOLIDAYS)] == [early]


def test_staff_cannot_see_or_open_transfers(school: Session) -> None:
    child = add_child(school)
    add_staff(school)
    teacher = switch_to(school, "teacher", STAFF_PASS)
    with pytest.raises(PermissionDenied):
        transfers.transfers(teacher, HOLIDAYS)
    with pytest.raises(PermissionDenied):
        transfers.open_transfer(teacher, HOLIDAYS, child, date(2026, 10, 1))


def test_the_vault_refuses_a_rewritten_or_out_of_order_step(school: Session) -> None:
    child = add_child(school)
    transfer_id = transfers.open_transfer(school, HOLIDAYS, child, date(2026, 9, 30), "X")
    conn = school.vault.conn
    for sql, params in [
        ("UPDATE transfers SET due_on = '2030-01-01' WHERE id = ?", (transfer_id,)),
        ("DELETE FROM transfers WHERE id = ?", (transfer_id,)),
        ("INSERT INTO transfer_steps(transfer_id, step, happened_on, recorded_at, "
         "recorded_by) VALUES (?, 'acknowledged', '2026-10-01', '2026-10-01', 1)",
         (transfer_id,)),
    ]:
        with pytest.raises(sqlcipher.DatabaseError, match="immutable"):
            conn.execute(sql, params)
    transfers.record_step(school, transfer_id, SENT, "By hand")
    with pytest.raises(sqlcipher.DatabaseError, match="immutable"):
        conn.execute("UPDATE transfer_steps SET detail = 'e-mail'")
    transfers.record_step(school, transfer_id, StepKind.CANCELLED, "Stayed")
    with pytest.raises(sqlcipher.DatabaseError, match="already closed"):
        conn.execute("INSERT INTO transfer_steps(transfer_id, step, happened_on, recorded_at, "
                     "recorded_by) VALUES (?, 'chased', '2026-10-01', '2026-10-01', 1)",
                     (transfer_id,))


def test_the_command_line_opens_lists_and_records_transfers(
    school: Session, clock: MockClock, vault_dir: Path,
) -> None:
    child = add_child(school, "Amy", "Khan")
    school.lock()
    code, out, err = _cli("transfer-open", vault_dir, "--child", child, "--moved-on",
                          "22/10/2026", "--to", "Hillside High", "--dsl", "Jo Bloggs")
    assert code == 0, err
    assert out.strip().startswith("Transfer #1: Amy Khan to Hillside High (moved 22/10/2026):")
    assert "due 05/11/2026" in out
    code, out, err = _cli("transfer-step", vault_dir, "--transfer", 1, "--step", "sent",
                          "--detail", "Recorded post", "--on", "30/09/2026")
    assert (code, out.strip()) == (0, "Recorded: transfer #1 sent."), err
    code, out, _ = _cli("transfers", vault_dir)
    # sent 30/09, so chased from 07/10; the command's today (16/11) is past it
    assert out.splitlines() == ["1\t1\toverdue\t05/11/2026\t07/10/2026\tHillside High"]
    code, out, err = _cli("transfer-step", vault_dir, "--transfer", 7, "--step", "sent",
                          "--detail", "Post")
    assert (code, err.strip()) == (1, "cerecorder-admin: There is no transfer #7.")


def test_without_term_dates_the_list_marks_the_deadline_estimated(
    dsl: Session, clock: MockClock, vault_dir: Path,
) -> None:
    _on(clock, date(2026, 12, 1))
    transfers.open_transfer(dsl, HOLIDAYS, add_child(dsl), date(2026, 12, 24), "Hillside")
    dsl.lock()
    code, out, _ = _cli("transfers", vault_dir)
    assert code == 0
    assert out.splitlines() == ["1\t1\tto send\t05/01/2027?\t-\tHillside"]


def test_a_leaver_with_a_file_and_no_transfer_is_asked_about(
    school: Session, clock: MockClock, vault_dir: Path,
) -> None:
    with_file = add_child(school, "Amy", "Khan")
    concerns.record_concern(school, content((with_file,), clock))
    no_file = add_child(school, "Ben", "Osei")
    staying = add_child(school, "Cy", "Ng")
    concerns.record_concern(school, content((staying,), clock))
    with school.uow() as uow:  # as the roll import marks leavers
        uow.children.set_left(with_file, date(2026, 9, 30))
        uow.children.set_left(no_file, date(2026, 9, 30))
        uow.commit()
    assert [c.id for c in transfers.leavers_without_transfer(school)] == [with_file]
    school.lock()
    code, out, _ = _cli("transfers", vault_dir)
    assert (code, out.splitlines()) == (0, [f"-\t{with_file}\tno transfer opened\tleft "
                                            "30/09/2026\t-\t-"])
    code, out, err = _cli("transfer-open", vault_dir, "--child", with_file, "--moved-on",
                          "30/09/2026")
    assert code == 0, err
    code, out, _ = _cli("transfers", vault_dir)
    assert "no transfer opened" not in out

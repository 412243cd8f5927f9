"""What the sending school keeps once a transfer is acknowledged (policy after_transfer):
the whole file, read-only and marked as transferred, or a record of what was sent with the
rest destroyed by two people; and transfers opened when a child is marked as left, by
hand or by the roll import."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from cerecorder.domain.errors import InvalidInput, PermissionDenied
from cerecorder.domain.model import ChildDetails, EntryType, EventKind, Role
from cerecorder.domain.retention import TRANSFERRED_RULE
from cerecorder.domain.statuses import StatusKind
from cerecorder.domain.transfers import AfterTransfer, StepKind, TransferState
from cerecorder.policy import parse
from cerecorder.services import (
    children,
    chronology,
    concerns,
    destruction,
    packet_cards,
    retention,
    statuses,
    transfer_packets,
    transfer_records,
    transfers,
    users,
)
from cerecorder.services import dsl as dsl_work
from cerecorder.services.session import Session
from test_destruction import plaintext_pages
from test_packets import audit_actions
from test_schooldays import HOLIDAYS, YEAR, _cli
from test_transfer_packets import schools  # noqa: F401  (a fixture)

from helpers import STAFF_PASS, MockClock, content, switch_to

CANARY = "Wombatlantern"


@pytest.fixture
def sent(dsl: Session, clock: MockClock) -> tuple[int, int]:
    """A child with a concern and an event whose file was sent to Hillside High."""
    clock.current = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    from cerecorder.services import calendar
    calendar.set_term_dates(dsl, YEAR, HOLIDAYS)
    child = children.add_child(dsl, ChildDetails("Amy", "Khan", date_of_birth=date(2012, 1, 5),
                                                 upn="A123456789012"))
    concerns.record_concern(dsl, content((child,), clock, facts=f"{CANARY} and a new phone.",
                                         occurred_at=clock.now() - timedelta(days=3)))
    dsl_work.add_event(dsl, child_id=child, kind=EventKind.MISSING_EPISODE,
                       occurred_at=clock.now() - timedelta(days=1), summary="Missing overnight")
    transfer = transfers.open_transfer(dsl, HOLIDAYS, child, clock.now().date(), "Hillside High")
    transfers.record_step(dsl, transfer, StepKind.SENT, "Recorded post")
    users.add_user(dsl, name="it", display_name="School IT", role=Role.ADMIN,
                   passphrase=STAFF_PASS)
    return child, transfer


def test_the_policy_key_takes_two_values_and_names_them() -> None:
    policy, problems = parse('after_transfer = "record"\n')
    assert (policy.after_transfer, problems) == (AfterTransfer.RECORD, ())
    assert dict(policy.summary())["After a transfer is acknowledged, keep"].startswith(
        "a record of what was sent")
    policy, problems = parse('after_transfer = "everything"\n')
    assert policy.after_transfer is None
    assert problems == ('after_transfer: must be "whole_file" or "record", not '
                        "'everything'; the default applies",)


def test_by_default_the_whole_file_stays_read_only(dsl: Session, sent: tuple[int, int]
                                                   ) -> None:
    child, transfer = sent
    assert transfer_records.after_transfer(dsl) is AfterTransfer.WHOLE_FILE
    assert transfer_records.transferred(dsl, child) is None
    transfers.record_step(dsl, transfer, StepKind.ACKNOWLEDGED, "Jo Bloggs, DSL")
    record = transfer_records.transferred(dsl, child)
    assert record is not None
    assert (record.kept, record.destination, record.sent_how, record.child_name, record.upn,
            record.entries["concerns"], record.entries["events"]) == (
        AfterTransfer.WHOLE_FILE, "Hillside High", "Recorded post", "Amy Khan",
        "A123456789012", 1, 1)
    assert record.describe().startswith("File transferred to Hillside High on 16/11/2026 "
                                        "(Recorded post); acknowledged 16/11/2026 by Jo "
                                        "Bloggs, DSL.")
    assert record.describe().endswith("Sent: 1 concern, 1 event.")
    with pytest.raises(InvalidInput, match=r"transferred to Hillside High .* read-only"):
        dsl_work.add_event(dsl, child_id=child, kind=EventKind.MISSING_EPISODE,
                           occurred_at=dsl.clock.now(), summary="After the move")
    with pytest.raises(InvalidInput, match="read-only"):
        statuses.add_status(dsl, child, StatusKind.CHILD_IN_NEED, date(2026, 11, 16))
    assert destruction.requests(dsl) == []
    assert "transfer_record_kept" in audit_actions(dsl)


def test_the_record_alone_the_file_then_goes_by_two_people(
        dsl: Session, sent: tuple[int, int], vault_dir: Path) -> None:
    child, transfer = sent
    transfer_records.set_after_transfer(dsl, AfterTransfer.RECORD)
    transfers.record_step(dsl, transfer, StepKind.ACKNOWLEDGED, "Jo Bloggs, DSL")
    (request,) = destruction.requests(dsl)
    assert (request.child_id, request.rule_years, request.done) == (
        child, TRANSFERRED_RULE, False)
    assert "the receiving school keeps the file" in request.reason
    assert request.review_text == "transferred 16/11/2026"
    with pytest.raises(PermissionDenied):  # the DSL asked; an administrator carries out
        destruction.carry_out(dsl, request.id)
    it = switch_to(dsl, "it", STAFF_PASS)
    destruction.carry_out(it, request.id)
    assert CANARY.encode() not in plaintext_pages(it)
    (record,) = transfer_records.records(it)  # the record outlives the file
    assert (record.child_id, record.child_name, record.kept) == (child, "Amy Khan",
                                                                 AfterTransfer.RECORD)
    assert transfer_records.handed_on(it) == [record]  # what shows it now
    it.lock()
    code, out, err = _cli("transfers", vault_dir, "--user", "dsl")
    assert code == 0, err
    assert out.strip() == (f"{transfer}\t{child}\tfile handed on, record kept\t-\t-\t"
                           f"Hillside High\t{record.describe()}")


def test_a_legal_hold_still_keeps_a_transferred_file(dsl: Session, sent: tuple[int, int]
                                                     ) -> None:
    child, transfer = sent
    retention.set_hold(dsl, child, "Inquiry", "Moratorium letter")
    transfers.record_step(dsl, transfer, StepKind.ACKNOWLEDGED, "Jo Bloggs, DSL",
                          after=AfterTransfer.RECORD)  # the policy fixes it
    (request,) = destruction.requests(dsl)
    it = switch_to(dsl, "it", STAFF_PASS)
    with pytest.raises(InvalidInput, match="legal hold"):
        destruction.carry_out(it, request.id)


def test_a_transferred_rule_is_refused_for_a_file_kept_whole(dsl: Session,
                                                             sent: tuple[int, int]) -> None:
    child, transfer = sent
    transfers.record_step(dsl, transfer, StepKind.ACKNOWLEDGED, "Jo Bloggs, DSL")
    with dsl.uow() as uow:  # a request naming the transferred rule, made by hand
        request = uow.destructions.add_request(child, TRANSFERRED_RULE,
                                               dsl.clock.now().date(), "By hand",
                                               dsl.clock.now(), dsl.user.id)
        uow.commit()
    it = switch_to(dsl, "it", STAFF_PASS)
    with pytest.raises(InvalidInput, match="reviewed by date of birth"):
        destruction.carry_out(it, request)


def test_marking_a_child_as_left_opens_a_transfer(dsl: Session, clock: MockClock) -> None:
    clock.current = datetime(2026, 10, 22, 12, 0, tzinfo=UTC)
    from cerecorder.services import calendar
    calendar.set_term_dates(dsl, YEAR, HOLIDAYS)
    child = children.add_child(dsl, ChildDetails("Ben", "Osei"))
    transfer = transfers.mark_left(dsl, HOLIDAYS, child, date(2026, 10, 22), "Hillside High",
                                   "Jo Bloggs")
    (row,) = transfers.transfers(dsl, HOLIDAYS)
    t = row.status.transfer
    assert (t.id, t.school, t.destination_dsl, t.due_on, row.status.state) == (
        transfer, "Hillside High", "Jo Bloggs", date(2026, 11, 5), TransferState.TO_SEND)
    with dsl.uow() as uow:
        assert uow.children.get(child).left_on == date(2026, 10, 22)
    with pytest.raises(InvalidInput, match="marked as left on 22/10/2026 already"):
        transfers.mark_left(dsl, HOLIDAYS, child, date(2026, 10, 22))
    assert audit_actions(dsl)[-2:] == ["child_left", "transfer_opened"]


def test_a_received_file_is_in_the_chronology_from_its_school_verified(
        schools: tuple[Session, Session, int], clock: MockClock) -> None:  # noqa: F811
    sender, receiver, amy = schools
    transfer = transfers.open_transfer(sender, HOLIDAYS, amy, clock.now().date(),
                                       "Hillside High")
    card = packet_cards.recipient_card(receiver)
    _, sealed = transfer_packets.seal_transfer(sender, amy, card, card.signer_fingerprint,
                                               "Transfer")
    got = transfer_packets.import_transfer(receiver, sealed)
    rows = chronology.chronology(receiver, got.child_id)
    (concern,) = [r for r in rows if r.entry_type is EntryType.CONCERN]
    assert concern.received_from == "Eastcombe Academy"
    assert concern.source.endswith("(from Eastcombe Academy, verified)")
    assert concern.event.startswith("Picked up by a silver car.")
    assert (concern.recorded_by, concern.recorded_role) == ("Dana Lead", "DSL")
    assert concern.occurred_at == clock.now() - timedelta(days=2)
    assert concern.ref_id < 0 and concern.concern_id is None  # nothing here to open or mark
    # the sending school filed the signed receipt: the whole file stays, marked transferred
    transfer_packets.file_receipt(sender, got.receipt)
    record = transfer_records.transferred(sender, amy)
    assert record is not None and record.packet_id and record.transfer_id == transfer


def test_a_leaver_with_a_file_gets_a_transfer_from_the_roll_import(dsl: Session,
                                                                   clock: MockClock) -> None:
    from cerecorder.services import calendar, roster_import
    from test_roster_import import ROLL, run_import

    clock.current = datetime(2026, 10, 22, 12, 0, tzinfo=UTC)
    calendar.set_term_dates(dsl, YEAR, HOLIDAYS)
    run_import(dsl, ROLL)
    ben = children.add_child(dsl, ChildDetails("Ben", "Baker"))
    concerns.record_concern(dsl, content((ben,), clock))
    without_bjork = ROLL.splitlines(keepends=True)
    preview = roster_import.preview_import(
        dsl, roster_import.open_roster(dsl, b"".join(without_bjork[:3])), full_roll=True,
        left_on=date(2026, 10, 22))
    result = roster_import.commit_import(dsl, preview, holidays=HOLIDAYS)
    # Björk and Ben left; only Ben's file holds anything, so only his goes
    assert (result.left, result.transfers_opened) == (2, 1)
    assert roster_import.transfers_text(result).startswith(
        "1 leaver with a safeguarding file: a transfer to send opened")
    (row,) = transfers.transfers(dsl, HOLIDAYS)
    t = row.status.transfer
    assert (t.child_id, t.school, t.moved_on, t.due_on, row.status.state) == (
        ben, "", date(2026, 10, 22), date(2026, 11, 5), TransferState.TO_SEND)
    assert "a school not yet named" in transfers.describe(row)
    # a second import of the same roll opens nothing more
    again = roster_import.preview_import(
        dsl, roster_import.open_roster(dsl, b"".join(without_bjork[:3])), full_roll=True,
        left_on=date(2026, 10, 22))
    assert roster_import.commit_import(dsl, again, holidays=HOLIDAYS).transfers_opened == 0

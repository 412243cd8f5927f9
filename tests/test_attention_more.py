"""Needs attention also lists what the file's life and the screening tool bring due: a
transfer overdue, a subject access request due within a week, a screening due again."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from cerecorder.domain.screening import AnswerGiven
from cerecorder.services import attention, sar, screening, transfers
from cerecorder.services.attention import Need
from cerecorder.services.session import Session
from test_schooldays import HOLIDAYS

from helpers import MockClock, add_child


def test_overdue_transfers_sars_due_and_screenings_due_need_attention(
    dsl: Session, clock: MockClock,
) -> None:
    clock.current = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
    amy, ben, cy = (add_child(dsl, n, "Pupil") for n in ("Amy", "Ben", "Cy"))
    transfers.open_transfer(dsl, HOLIDAYS, amy, date(2026, 9, 10), "Hillside")
    sar.open_case(dsl, HOLIDAYS, ben, "Ms Pupil", "mother", date(2026, 9, 3))
    made = screening.instrument(dsl)
    screening.sign(dsl, cy, made, [AnswerGiven(q.code, "no") for q in made.questions],
                   assessed_on=date(2026, 9, 1), review_on=date(2026, 9, 20))
    clock.current += timedelta(minutes=1)
    lines = attention.needs_attention(dsl, HOLIDAYS)
    needs = {(line.need, line.child) for line in lines}
    assert (Need.TRANSFER, "Amy Pupil") in needs
    assert (Need.SAR, "Ben Pupil") in needs
    assert (Need.SCREENING, "Cy Pupil") in needs
    sar_line = next(line for line in lines if line.need is Need.SAR)
    assert sar_line.text == "Request #1 from Ms Pupil: due 05/10/2026"
    without = {line.need for line in attention.needs_attention(dsl)}
    assert Need.TRANSFER not in without and Need.SCREENING in without


def test_a_flag_raised_by_a_missing_episode_shows_the_event_as_evidence(
    dsl: Session, clock: MockClock,
) -> None:
    from cerecorder.domain.model import EventKind
    from cerecorder.services import dsl as dsl_work

    amy = add_child(dsl, "Amy", "Pupil")
    dsl_work.add_event(dsl, child_id=amy, kind=EventKind.MISSING_EPISODE,
                       occurred_at=clock.now() - timedelta(hours=5),
                       summary="Missing overnight")
    details = attention.flag_details(dsl, amy)
    assert details, "a first missing episode raises a flag"
    evidence = [e for d in details for e in d.evidence if e.ref_type == "event"]
    assert evidence and "Missing overnight" in evidence[0].text

"""Migration 8: the concerns waiting for a decision are kept by triggers, and the triage
queue read from them is the queue worked out the long way."""

from __future__ import annotations

from cerecorder.domain.model import TriageDecision, Urgency
from cerecorder.services import concerns
from cerecorder.services import dsl as dsl_work
from cerecorder.services.session import Session

from helpers import MockClock, add_child, content

LONG_WAY = ("SELECT id FROM concerns c WHERE status = 'submitted' AND NOT EXISTS "
            "(SELECT 1 FROM triage t WHERE t.concern_id = c.id) ORDER BY id")


def _waiting(s: Session) -> list[int]:
    return [int(r[0]) for r in s.vault.conn.execute(
        "SELECT concern_id FROM triage_waiting ORDER BY concern_id")]


def test_submitting_adds_a_concern_and_a_decision_takes_it_away(
        dsl: Session, clock: MockClock) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    draft = concerns.save_draft(dsl, content((amy,), clock))
    assert _waiting(dsl) == []  # a draft waits for its author, not the DSL
    concerns.submit(dsl, draft)
    urgent = concerns.record_concern(dsl, content((amy,), clock, urgency=Urgency.IMMEDIATE))
    assert _waiting(dsl) == [draft, urgent]
    assert [c.id for c in dsl_work.triage_queue(dsl)] == [urgent, draft]  # most urgent first
    dsl_work.triage(dsl, draft, TriageDecision.MONITOR, "Mentor to check in weekly")
    dsl_work.triage(dsl, urgent, TriageDecision.REFER_MASH, "Referred to MASH")
    dsl_work.triage(dsl, urgent, TriageDecision.REFER_POLICE, "And to the police")
    assert _waiting(dsl) == [] and dsl_work.triage_queue(dsl) == []
    late = concerns.record_concern(dsl, content((amy,), clock))
    assert _waiting(dsl) == [late] == [int(r[0]) for r in dsl.vault.conn.execute(LONG_WAY)]

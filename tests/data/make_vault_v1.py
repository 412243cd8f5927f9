"""Make tests/data/vault-v1: a vault at schema version 1, kept so that every later
migration is tested on a real vault of the version before it.

Run once, when schema version 1 was current: `python tests/data/make_vault_v1.py`.
Never regenerate it after migration 2 exists: it must stay a version-1 vault.
"""
# ruff: noqa: E402  (helpers is imported from tests/ after the path is set)

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from cerecorder.domain.model import (
    ChildDetails,
    ConcernContent,
    Role,
    TriageDecision,
    Urgency,
)
from cerecorder.services import children, concerns, dsl, session
from cerecorder.storage.migrations import schema_version

from helpers import DSL_PASS, FAST_KDF, TAXONOMY, MockClock


def main() -> None:
    target = HERE / "vault-v1"
    clock = MockClock(datetime(2026, 11, 1, 10, 0, tzinfo=UTC))
    s, _ = session.create(target, user_name="dsl", display_name="Dana Lead", role=Role.DSL,
                          passphrase=DSL_PASS, clock=clock, taxonomy=TAXONOMY, kdf=FAST_KDF)
    assert schema_version(s.vault.conn) == 1
    child = children.add_child(s, ChildDetails("Zoë", "Ólafsdóttir", upn="A123456789012"))
    concern_id = concerns.record_concern(s, ConcernContent(
        child_ids=(child,), occurred_at=clock.now() - timedelta(hours=1),
        facts="Version-one concern: new trainers and a second phone.",
        indicator_codes=frozenset({"SHARED-01"}), urgency=Urgency.MEDIUM,
    ))
    concerns.add_addendum(s, concern_id, "Version-one addendum.")
    dsl.triage(s, concern_id, TriageDecision.MONITOR, "Version-one rationale.")
    s.lock()
    (target / "vault.lock").unlink()


if __name__ == "__main__":
    main()

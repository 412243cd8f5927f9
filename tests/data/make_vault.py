"""Save tests/data/vault-vN: a vault at the current schema version N, so that every later
migration is tested on a real vault of the version before it.

Run it once each time a migration is added, before writing the next one:
`python tests/data/make_vault.py`. It refuses to overwrite a saved vault: those stay as
the version they were made with.
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
from cerecorder.storage.migrations import latest_version, schema_version

from helpers import DSL_PASS, FAST_KDF, TAXONOMY, MockClock


def main() -> None:
    version = latest_version()
    target = HERE / f"vault-v{version}"
    if target.exists():
        sys.exit(f"{target} exists; saved vaults are never regenerated")
    clock = MockClock(datetime(2026, 11, 1, 10, 0, tzinfo=UTC))
    s, _ = session.create(target, user_name="dsl", display_name="Dana Lead", role=Role.DSL,
                          passphrase=DSL_PASS, clock=clock, taxonomy=TAXONOMY, kdf=FAST_KDF)
    assert schema_version(s.vault.conn) == version
    child = children.add_child(s, ChildDetails("Zoë", "Ólafsdóttir", upn="A123456789012"))
    concern_id = concerns.record_concern(s, ConcernContent(
        child_ids=(child,), occurred_at=clock.now() - timedelta(hours=1),
        facts=f"Version-{version} concern: new trainers and a second phone.",
        indicator_codes=frozenset({"SHARED-01"}), urgency=Urgency.MEDIUM,
    ))
    concerns.add_addendum(s, concern_id, f"Version-{version} addendum.")
    dsl.triage(s, concern_id, TriageDecision.MONITOR, f"Version-{version} rationale.")
    s.lock()
    (target / "vault.lock").unlink()


if __name__ == "__main__":
    main()

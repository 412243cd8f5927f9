"""The DSL's records: triage decisions, actions, outcomes and significant events, and the
search over concerns and what the DSL wrote."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from cerecorder.domain.errors import NotFound
from cerecorder.domain.model import (
    ActionKind,
    EventKind,
    Triage,
    TriageDecision,
)
from cerecorder.domain.timefmt import from_utc_text, to_utc_text
from cerecorder.storage.repositories import _Repository


class DslRepository(_Repository):
    def add_triage(
        self, concern_id: int, decision: TriageDecision, rationale: str, by: int,
        now: datetime, tz: str,
    ) -> int:
        return self._insert(
            "INSERT INTO triage(concern_id, decision, rationale, decided_by, decided_at, tz) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (concern_id, decision.value, rationale, by, to_utc_text(now), tz),
        )

    def triage_for(self, concern_ids: Iterable[int]) -> list[Triage]:
        ids = list(concern_ids)
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        rows = self._rows(
            "SELECT id, concern_id, decision, rationale, decided_by, decided_at, tz FROM triage "
            f"WHERE concern_id IN ({marks}) ORDER BY decided_at, id",
            ids,
        )
        return [
            Triage(int(r[0]), int(r[1]), TriageDecision(str(r[2])), str(r[3]), int(r[4]),
                   from_utc_text(str(r[5])), str(r[6]))
            for r in rows
        ]

    def add_action(
        self, child_id: int, concern_id: int | None, kind: ActionKind, detail: str,
        taken_at: datetime, tz: str, by: int, now: datetime,
    ) -> int:
        return self._insert(
            "INSERT INTO actions(child_id, concern_id, kind, detail, taken_at, tz, recorded_by, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (child_id, concern_id, kind.value, detail, to_utc_text(taken_at), tz, by,
             to_utc_text(now)),
        )

    def add_outcome(
        self, child_id: int, action_id: int | None, concern_id: int | None, text: str,
        occurred_at: datetime, tz: str, by: int, now: datetime,
    ) -> int:
        return self._insert(
            "INSERT INTO outcomes(child_id, action_id, concern_id, text, occurred_at, tz, "
            "recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (child_id, action_id, concern_id, text, to_utc_text(occurred_at), tz, by,
             to_utc_text(now)),
        )

    def add_event(
        self, child_id: int, kind: EventKind, occurred_at: datetime, tz: str, summary: str,
        outcome: str, by: int, now: datetime,
    ) -> int:
        return self._insert(
            "INSERT INTO events(child_id, kind, occurred_at, tz, summary, outcome, recorded_by, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (child_id, kind.value, to_utc_text(occurred_at), tz, summary, outcome, by,
             to_utc_text(now)),
        )

    def action_child(self, action_id: int) -> int:
        rows = self._rows("SELECT child_id FROM actions WHERE id = ?", (action_id,))
        if not rows:
            raise NotFound(f"action {action_id}")
        return int(rows[0][0])

    def actions_for_child(self, child_id: int) -> list[tuple[Any, ...]]:
        return self._rows(
            "SELECT id, concern_id, kind, detail, taken_at, tz, recorded_by, recorded_at "
            "FROM actions WHERE child_id = ?",
            (child_id,),
        )

    def outcomes_for_child(self, child_id: int) -> list[tuple[Any, ...]]:
        return self._rows(
            "SELECT id, action_id, concern_id, text, occurred_at, tz, recorded_by FROM outcomes "
            "WHERE child_id = ?",
            (child_id,),
        )

    def actions_for_concern(self, concern_id: int) -> list[tuple[Any, ...]]:
        return self._rows(
            "SELECT id, child_id, kind, detail, taken_at, tz, recorded_by FROM actions "
            "WHERE concern_id = ? ORDER BY taken_at, id",
            (concern_id,),
        )

    def outcomes_for_concern(self, concern_id: int) -> list[tuple[Any, ...]]:
        """Outcomes of the concern and of its actions."""
        return self._rows(
            "SELECT id, child_id, action_id, text, occurred_at, tz, recorded_by FROM outcomes "
            "WHERE concern_id = ? OR action_id IN (SELECT id FROM actions WHERE concern_id = ?) "
            "ORDER BY occurred_at, id",
            (concern_id, concern_id),
        )

    def actions_for_concerns(self, concern_ids: Iterable[int]) -> list[tuple[Any, ...]]:
        """(id, child, kind, detail, taken_at, tz, by, concern) of actions on the concerns."""
        return self._for_concerns(
            "SELECT id, child_id, kind, detail, taken_at, tz, recorded_by, concern_id "
            "FROM actions WHERE concern_id IN ({}) ORDER BY taken_at, id", concern_ids)

    def outcomes_for_concerns(self, concern_ids: Iterable[int]) -> list[tuple[Any, ...]]:
        """(id, child, action, text, occurred_at, tz, by, concern) of outcomes on them."""
        return self._for_concerns(
            "SELECT id, child_id, action_id, text, occurred_at, tz, recorded_by, concern_id "
            "FROM outcomes WHERE concern_id IN ({}) ORDER BY occurred_at, id", concern_ids)

    def _for_concerns(self, sql: str, concern_ids: Iterable[int]) -> list[tuple[Any, ...]]:
        ids = list(concern_ids)
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows += self._rows(sql.format(", ".join("?" * len(chunk))), chunk)
        return rows

    def events_for_child(self, child_id: int) -> list[tuple[Any, ...]]:
        return self._rows(
            "SELECT id, kind, occurred_at, tz, summary, outcome, recorded_by, recorded_at "
            "FROM events WHERE child_id = ?",
            (child_id,),
        )

"""Actions' due dates and owners, and case closures, sign-offs and reopenings in SQL
(migration 13). Append-only: the latest due-date row of an action counts; an outcome
recorded against an action closes it. No role checks here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from cerecorder.domain.deadlines import ActionDue, CaseClosure
from cerecorder.domain.errors import NotFound
from cerecorder.domain.model import ActionKind
from cerecorder.domain.timefmt import from_utc_text, to_utc_text
from cerecorder.storage.repositories import _Repository

_LATEST = ("SELECT action_id, due_on, owner_id FROM action_deadlines d WHERE id = "
           "(SELECT max(id) FROM action_deadlines WHERE action_id = d.action_id)")

_ACTIONS = (
    "SELECT a.id, a.child_id, a.concern_id, a.kind, a.detail, a.taken_at, d.due_on, "
    "d.owner_id, (SELECT min(o.occurred_at) FROM outcomes o WHERE o.action_id = a.id) "
    f"FROM actions a LEFT JOIN ({_LATEST}) d ON d.action_id = a.id ")


def _row(r: tuple[Any, ...]) -> ActionDue:
    return ActionDue(int(r[0]), int(r[1]), None if r[2] is None else int(r[2]),
                     ActionKind(str(r[3])), str(r[4]), from_utc_text(str(r[5])),
                     None if r[6] is None else date.fromisoformat(str(r[6])),
                     None if r[7] is None else int(r[7]),
                     None if r[8] is None else from_utc_text(str(r[8])))


def _time(value: Any) -> datetime | None:
    return None if value is None else from_utc_text(str(value))


class DeadlineRepository(_Repository):
    def set_due(self, action_id: int, due_on: date | None, owner_id: int | None,
                now: datetime, by: int) -> int:
        return self._insert(
            "INSERT INTO action_deadlines(action_id, due_on, owner_id, recorded_at, "
            "recorded_by) VALUES (?, ?, ?, ?, ?)",
            (action_id, None if due_on is None else due_on.isoformat(), owner_id,
             to_utc_text(now), by))

    def action(self, action_id: int) -> ActionDue:
        rows = self._rows(_ACTIONS + "WHERE a.id = ?", (action_id,))
        if not rows:
            raise NotFound(f"action {action_id}")
        return _row(rows[0])

    def open_with_due(self) -> list[ActionDue]:
        """Actions with a due date and no outcome yet, soonest first. Walks the due-date
        rows only (a few hundred), never every action."""
        rows = self._rows(
            "SELECT a.id, a.child_id, a.concern_id, a.kind, a.detail, a.taken_at, d.due_on, "
            f"d.owner_id, NULL FROM ({_LATEST}) d JOIN actions a ON a.id = d.action_id "
            "WHERE d.due_on IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM outcomes o WHERE o.action_id = a.id) ORDER BY d.due_on, a.id")
        return [_row(r) for r in rows]

    def with_deadlines(self) -> list[ActionDue]:
        """Every action given a due date or an owner, open or closed, soonest due first
        (the DSL's actions list). Walks the due-date rows, never every action."""
        rows = self._rows(
            "SELECT a.id, a.child_id, a.concern_id, a.kind, a.detail, a.taken_at, d.due_on, "
            "d.owner_id, (SELECT min(o.occurred_at) FROM outcomes o WHERE o.action_id = a.id) "
            f"FROM ({_LATEST}) d JOIN actions a ON a.id = d.action_id "
            "WHERE d.due_on IS NOT NULL OR d.owner_id IS NOT NULL "
            "ORDER BY d.due_on IS NULL, d.due_on, a.id")
        return [_row(r) for r in rows]

    def for_children(self, child_ids: Iterable[int]) -> list[ActionDue]:
        ids = list(child_ids)
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        return [_row(r) for r in self._rows(
            _ACTIONS + f"WHERE a.child_id IN ({marks}) ORDER BY a.taken_at, a.id", ids)]

    # -- a child's case ------------------------------------------------------------------

    def close_case(self, child_id: int, summary: str, now: datetime, tz: str, by: int) -> int:
        return self._insert(
            "INSERT INTO case_closures(child_id, summary, closed_at, tz, closed_by) "
            "VALUES (?, ?, ?, ?, ?)", (child_id, summary, to_utc_text(now), tz, by))

    def sign_off(self, closure_id: int, now: datetime, by: int) -> None:
        self._insert("INSERT INTO case_signoffs(closure_id, signed_at, signed_by) "
                     "VALUES (?, ?, ?)", (closure_id, to_utc_text(now), by))

    def reopen_case(self, child_id: int, reason: str, now: datetime, tz: str, by: int) -> int:
        return self._insert(
            "INSERT INTO case_reopenings(child_id, reason, reopened_at, tz, reopened_by) "
            "VALUES (?, ?, ?, ?, ?)", (child_id, reason, to_utc_text(now), tz, by))

    def closures(self, child_ids: Iterable[int]) -> list[CaseClosure]:
        """The closures of the children (identities of one child), oldest first."""
        ids = list(child_ids)
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        rows = self._rows(
            "SELECT c.id, c.child_id, c.summary, c.closed_at, c.tz, c.closed_by, s.signed_by, "
            "s.signed_at FROM case_closures c LEFT JOIN case_signoffs s ON s.closure_id = c.id "
            f"WHERE c.child_id IN ({marks}) ORDER BY c.closed_at, c.id", ids)
        return [CaseClosure(int(r[0]), int(r[1]), str(r[2]), from_utc_text(str(r[3])),
                            str(r[4]), int(r[5]), None if r[6] is None else int(r[6]),
                            _time(r[7])) for r in rows]

    def closure(self, closure_id: int) -> CaseClosure:
        rows = self._rows("SELECT child_id FROM case_closures WHERE id = ?", (closure_id,))
        if not rows:
            raise NotFound(f"case closure {closure_id}")
        return next(c for c in self.closures([int(rows[0][0])]) if c.id == closure_id)

    def last_reopening(self, child_ids: Iterable[int]) -> tuple[datetime, str] | None:
        ids = list(child_ids)
        marks = ", ".join("?" * len(ids))
        rows = self._rows(f"SELECT reopened_at, reason FROM case_reopenings WHERE child_id IN "
                          f"({marks}) ORDER BY reopened_at DESC, id DESC LIMIT 1", ids)
        return (from_utc_text(str(rows[0][0])), str(rows[0][1])) if rows else None

    def last_concern(self, child_ids: Iterable[int]) -> datetime | None:
        """When the newest submitted concern about the children was submitted."""
        ids = list(child_ids)
        marks = ", ".join("?" * len(ids))
        rows = self._rows(
            "SELECT max(c.submitted_at) FROM concern_children k JOIN concerns c "
            f"ON c.id = k.concern_id WHERE k.child_id IN ({marks}) AND c.status = 'submitted'",
            ids)
        return _time(rows[0][0]) if rows else None

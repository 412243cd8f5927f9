"""The audit log as a hash chain: each event's hash covers the one before it, from a
genesis hash of the vault id."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from cerecorder.domain.timefmt import from_utc_text, to_utc_text
from cerecorder.storage.connection import db_errors_explained
from cerecorder.storage.repositories import MetaRepository, _Repository


def _canonical(row: tuple[object, ...]) -> str:
    return json.dumps(list(row), separators=(",", ":"), ensure_ascii=False)


def genesis_hash(vault_id: str) -> str:
    return hashlib.sha256(f"cerecorder-audit-genesis|{vault_id}".encode()).hexdigest()


def chain_hash(prev_hash: str, content: tuple[object, ...]) -> str:
    return hashlib.sha256((prev_hash + _canonical(content)).encode("utf-8")).hexdigest()


class AuditRepository(_Repository):
    """Append-only, hash-chained events. Details carry ids and names of things, never
    record content."""

    def append(
        self, at: datetime, actor_id: int | None, action: str, object_type: str = "",
        object_id: str = "", detail: dict[str, object] | None = None,
    ) -> int:
        last = self._rows("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")
        if last:
            next_id, prev = int(last[0][0]) + 1, str(last[0][1])
        else:
            vault_id = MetaRepository(self.conn).get("vault_id") or ""
            next_id, prev = 1, genesis_hash(vault_id)
        detail_text = json.dumps(detail or {}, sort_keys=True, separators=(",", ":"))
        content = (next_id, to_utc_text(at), actor_id, action, object_type, object_id, detail_text)
        return self._insert(
            "INSERT INTO audit(id, at, actor_id, action, object_type, object_id, detail, "
            "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*content, prev, chain_hash(prev, content)),
        )

    def rows(self) -> list[tuple[Any, ...]]:
        return self._rows(
            "SELECT id, at, actor_id, action, object_type, object_id, detail, prev_hash, hash "
            "FROM audit ORDER BY id"
        )

    def last(self) -> tuple[int, str] | None:
        """(id, hash) of the newest event."""
        rows = self._rows("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")
        return (int(rows[0][0]), str(rows[0][1])) if rows else None

    def hash_of(self, row_id: int) -> str | None:
        rows = self._rows("SELECT hash FROM audit WHERE id = ?", (row_id,))
        return str(rows[0][0]) if rows else None

    def last_id_by(self, at: datetime) -> int:
        """The newest event recorded at or before a time (0 if none)."""
        rows = self._rows("SELECT max(id) FROM audit WHERE at <= ?", (to_utc_text(at),))
        return int(rows[0][0] or 0)

    def last_time_of(self, action: str) -> datetime | None:
        rows = self._rows("SELECT at FROM audit WHERE action = ? ORDER BY id DESC LIMIT 1",
                          (action,))
        return from_utc_text(str(rows[0][0])) if rows else None

    def seen_by_dsl(self, concern_ids: Iterable[int]) -> set[int]:
        """Those of the concerns a DSL other than their author has opened."""
        ids = [str(i) for i in concern_ids]
        seen: set[int] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self._rows(
                "SELECT DISTINCT a.object_id FROM audit a"
                " JOIN users u ON u.id = a.actor_id AND u.role = 'dsl'"
                " JOIN concerns c ON c.id = CAST(a.object_id AS INTEGER)"
                " WHERE a.object_type = 'concern' AND a.action = 'concern_viewed'"
                f" AND a.object_id IN ({', '.join('?' * len(chunk))})"
                " AND a.actor_id <> c.author_id", chunk)
            seen.update(int(r[0]) for r in rows)
        return seen

    def details_of(self, action: str) -> list[dict[str, Any]]:
        """The details of every event of this action, oldest first (unreadable ones as
        empty)."""
        found = []
        for (text,) in self._rows("SELECT detail FROM audit WHERE action = ? ORDER BY id",
                                  (action,)):
            try:
                detail = json.loads(str(text))
            except ValueError:
                detail = {}
            found.append(detail if isinstance(detail, dict) else {})
        return found

    def first_broken(self) -> int | None:
        """The id of the first row whose chain does not hold, or None if all is intact."""
        prev = genesis_hash(MetaRepository(self.conn).get("vault_id") or "")
        expected_id = 1
        with db_errors_explained():
            cursor = self.conn.execute(
                "SELECT id, at, actor_id, action, object_type, object_id, detail, prev_hash, "
                "hash FROM audit ORDER BY id"
            )
            for row in cursor:
                content = tuple(row[:7])
                if row[0] != expected_id or row[7] != prev or row[8] != chain_hash(prev, content):
                    return int(row[0])
                prev = str(row[8])
                expected_id += 1
        return None

"""Destroying one child's file after its retention review: the one path through the
immutability triggers. No role checks here (services/destruction.py holds them).

Inside a single transaction every trigger is dropped, the child's rows are deleted, the
full-text indexes are rebuilt from what remains, and every trigger is created again from
its own text in its own order, so verify's schema comparison finds nothing moved. A crash
at any point leaves the transaction unapplied. Which rows go is worked out from the
schema's foreign keys, so a table added later is covered as long as it references a child,
a concern or another row that goes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from types import MappingProxyType

from cerecorder.domain.retention import DestructionRequest
from cerecorder.domain.timefmt import from_utc_text, to_utc_text
from cerecorder.storage.connection import Connection, db_errors_explained
from cerecorder.storage.repositories import _Repository

#: tables that are never part of a child's file, whatever references them
_NEVER = frozenset({"users", "audit", "meta", "signing_key", "packet_identities",
                    "enrolled_staff", "register_entries", "register_revisions",
                    "register_merges"})


def _foreign_keys(conn: Connection) -> dict[str, list[tuple[str, str, str]]]:
    """table -> [(its column, parent table, parent column)]."""
    virtual = _fts_tables(conn)
    tables = [str(r[0]) for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' "
        "ESCAPE '!'")
        if str(r[0]) not in virtual and not any(str(r[0]).startswith(f"{v}_") for v in virtual)]
    found: dict[str, list[tuple[str, str, str]]] = {}
    for table in tables:
        found[table] = [(str(r[3]), str(r[2]), str(r[4] or "id"))
                        for r in conn.execute(f"PRAGMA foreign_key_list('{table}')")]
    return found


def _fts_tables(conn: Connection) -> list[str]:
    """The full-text indexes; their shadow tables are named after them."""
    return [str(r[0]) for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' "
        "AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'")]


def _marks(values: Iterable[object]) -> str:
    return ", ".join("?" * len(list(values)))


def doomed_rows(conn: Connection, child_ids: set[int], concern_ids: set[int]
                ) -> dict[str, list[tuple[str, set[object]]]]:
    """For each table, the (column, values) whose rows go: those of the children and the
    concerns given, and every row that references a row that goes, to any depth."""
    fks = _foreign_keys(conn)
    referenced: dict[str, set[str]] = defaultdict(set)
    for keys in fks.values():
        for _col, parent, parent_col in keys:
            referenced[parent].add(parent_col)
    keys_going: dict[tuple[str, str], set[object]] = defaultdict(set)
    keys_going[("children", "id")] |= set(child_ids)
    keys_going[("concerns", "id")] |= set(concern_ids)
    changed = True
    while changed:
        changed = False
        for table, table_fks in fks.items():
            if table in _NEVER:
                continue
            for col, parent, parent_col in table_fks:
                values = keys_going.get((parent, parent_col))
                if not values:
                    continue
                for wanted in referenced.get(table, ()):
                    rows = conn.execute(
                        f"SELECT {wanted} FROM {table} WHERE {col} IN ({_marks(values)})",
                        tuple(values)).fetchall()
                    new = {r[0] for r in rows if r[0] is not None} - keys_going[(table, wanted)]
                    if new:
                        keys_going[(table, wanted)] |= new
                        changed = True
    going: dict[str, list[tuple[str, set[object]]]] = defaultdict(list)
    for table, table_fks in fks.items():
        if table in _NEVER:
            continue
        for col, parent, parent_col in table_fks:
            values = keys_going.get((parent, parent_col))
            if values:
                going[table].append((col, set(values)))
    for (table, col), values in keys_going.items():
        if values and table in ("children", "concerns"):
            going[table].append((col, set(values)))
    return going


def destroy(conn: Connection, child_ids: set[int], concern_ids: set[int]) -> dict[str, int]:
    """Delete the rows, inside the caller's transaction; returns rows deleted per table."""
    with db_errors_explained():
        conn.execute("PRAGMA secure_delete = ON")  # freed space is zeroed, not left
        triggers = [(str(n), str(s)) for n, s in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY rowid")]
        going = doomed_rows(conn, child_ids, concern_ids)
        for name, _sql in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
        conn.execute("PRAGMA defer_foreign_keys = ON")
        counts: dict[str, int] = {}
        for table, conditions in going.items():
            where = " OR ".join(f"{col} IN ({_marks(values)})" for col, values in conditions)
            params = tuple(v for _col, values in conditions for v in values)
            cursor = conn.execute(f"DELETE FROM {table} WHERE {where}", params)
            if cursor.rowcount:
                counts[table] = int(cursor.rowcount)
        for name in _fts_tables(conn):
            conn.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
        for _name, sql in triggers:
            conn.execute(sql)
    return counts


def compact(conn: Connection) -> None:
    """After the commit: rewrite the file without its free pages, and empty the WAL."""
    with db_errors_explained():
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class DestructionRepository(_Repository):
    _COLUMNS = ("r.id, r.child_id, r.rule_years, r.review_on, r.reason, r.requested_at, "
                "r.requested_by, d.destroyed_at, d.destroyed_by, d.rows_deleted")

    def add_request(self, child_id: int, rule_years: int, review_on: date, reason: str,
                    now: datetime, by: int) -> int:
        return self._insert(
            "INSERT INTO destruction_requests(child_id, rule_years, review_on, reason, "
            "requested_at, requested_by) VALUES (?, ?, ?, ?, ?, ?)",
            (child_id, rule_years, review_on.isoformat(), reason, to_utc_text(now), by))

    def record(self, request_id: int, counts: dict[str, int], now: datetime, by: int) -> None:
        self._execute("INSERT INTO destructions(request_id, destroyed_at, destroyed_by, "
                      "rows_deleted) VALUES (?, ?, ?, ?)",
                      (request_id, to_utc_text(now), by, json.dumps(counts, sort_keys=True)))

    def all(self) -> list[DestructionRequest]:
        return [DestructionRequest(
            int(r[0]), int(r[1]), int(r[2]), date.fromisoformat(str(r[3])), str(r[4]),
            from_utc_text(str(r[5])), int(r[6]),
            None if r[7] is None else from_utc_text(str(r[7])),
            None if r[8] is None else int(r[8]),
            MappingProxyType(json.loads(str(r[9]))) if r[9] else MappingProxyType({}))
            for r in self._rows(f"SELECT {self._COLUMNS} FROM destruction_requests r "
                                "LEFT JOIN destructions d ON d.request_id = r.id ORDER BY r.id")]

    def sole_concerns(self, child_ids: set[int]) -> set[int]:
        """The concerns about these children and no other: they go with the file. A
        concern about other children too stays in theirs."""
        marks = _marks(child_ids)
        rows = self._rows(
            f"SELECT concern_id FROM concern_children WHERE child_id IN ({marks}) "
            "EXCEPT SELECT concern_id FROM concern_children "
            f"WHERE child_id NOT IN ({marks})", (*child_ids, *child_ids))
        return {int(r[0]) for r in rows}

    def shared_concerns(self, child_ids: set[int]) -> set[int]:
        """The concerns about these children and others too: they stay in the others'
        files, and only these children's links to them go."""
        marks = _marks(child_ids)
        rows = self._rows(f"SELECT DISTINCT concern_id FROM concern_children "
                          f"WHERE child_id IN ({marks})", tuple(child_ids))
        return {int(r[0]) for r in rows} - self.sole_concerns(child_ids)

"""verify's schema comparison: every table, index, trigger and view in a vault's
sqlite_master against what the migrations create on an empty database.

A key holder can drop an append-only trigger, change what it guards and create it again
with the same text. sqlite_master keeps objects in the order they were created, so a
trigger created again sits out of place among the triggers; the comparison reports that
too. Order is compared among triggers and views, which VACUUM copies in their order; it
creates tables and indexes again in an order of its own (virtual tables after the others,
automatic indexes with their tables), and they guard nothing.
"""

from __future__ import annotations

import functools

from sqlcipher3 import dbapi2 as sqlcipher

from cerecorder.storage.connection import Connection, db_errors_explained
from cerecorder.storage.migrations import migrate
from cerecorder.storage.schema import MIGRATIONS

SchemaEntry = tuple[str, str, str]  # type, name, SQL ("" for automatic indexes)
_ORDERED = frozenset({"trigger", "view"})


def entries(conn: Connection) -> list[SchemaEntry]:
    with db_errors_explained():
        rows = conn.execute(
            "SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY rowid").fetchall()
    return [(str(t), str(n), str(s)) for t, n, s in rows]


@functools.lru_cache(maxsize=8)
def reference(version: int) -> tuple[SchemaEntry, ...]:
    """What migrations 1 to `version` create, on a keyless database in memory."""
    conn = sqlcipher.connect(":memory:", isolation_level=None)
    try:
        migrate(conn, [m for m in MIGRATIONS if m[0] <= version])
        return tuple(entries(conn))
    finally:
        conn.close()


def differences(conn: Connection, version: int) -> list[str]:
    """One line per object that is missing, unexpected, altered or created again."""
    actual = entries(conn)
    expected = reference(version)
    found = {(t, n): sql for t, n, sql in actual}
    wanted = {(t, n): sql for t, n, sql in expected}
    problems = []
    for (kind, name), sql in wanted.items():
        if (kind, name) not in found:
            problems.append(f"{kind} {name} is missing")
        elif found[(kind, name)] != sql:
            problems.append(f"{kind} {name} differs from what the migrations create")
    problems += [f"{kind} {name} is not one the migrations create"
                 for kind, name in found if (kind, name) not in wanted]
    for kind in sorted({t for t, _n, _s in expected} & _ORDERED):
        have = [n for t, n, _s in actual if t == kind and (t, n) in wanted]
        should = [n for t, n, _s in expected if t == kind and (t, n) in found]
        moved = next((b for a, b in zip(have, should, strict=True) if a != b), None)
        if moved is not None:
            problems.append(f"{kind} {moved} is out of its place: it was dropped and created "
                            "again")
    return problems

"""Bringing a vault's schema up to date, one numbered migration per transaction."""

from __future__ import annotations

from collections.abc import Sequence

from cerecorder.domain.errors import NewerVault
from cerecorder.storage.connection import Connection, db_errors_explained
from cerecorder.storage.schema import MIGRATIONS

Migration = tuple[int, str, str]


def schema_version(conn: Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def latest_version(migrations: Sequence[Migration] = MIGRATIONS) -> int:
    return migrations[-1][0]


def migrate(conn: Connection, migrations: Sequence[Migration] = MIGRATIONS) -> list[int]:
    """Apply what is missing; return the versions applied. A failed step rolls back whole."""
    current = schema_version(conn)
    if current > latest_version(migrations):
        raise NewerVault(
            f"This vault has schema version {current}; this CE Recorder knows up to "
            f"{latest_version(migrations)}. Install the newer CE Recorder to open it."
        )
    applied = []
    for version, _description, sql in migrations:
        if version <= current:
            continue
        with db_errors_explained():
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _statements(sql):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {int(version)}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        applied.append(version)
    return applied


def _statements(sql: str) -> list[str]:
    """Split a script into statements, keeping trigger bodies whole."""
    statements: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        stripped = buffer.strip()
        if stripped and _complete(stripped):
            statements.append(stripped)
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def _complete(statement: str) -> bool:
    from sqlcipher3 import dbapi2

    return bool(dbapi2.complete_statement(statement))

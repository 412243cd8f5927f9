"""A count of changes to the roll on this connection, so a service can keep the roll it
read until it changes (the concern form lists every pupil each time it opens).

TEMP objects: they live in this connection's memory (temp_store = MEMORY), never in the
vault file, and need no migration. They are made in a transaction of their own, outside
any unit of work, so a unit of work that rolls back cannot take them away with it; a
write that rolls back rolls the count back with it. PRAGMA data_version moves when
another connection commits.
"""

from __future__ import annotations

from sqlcipher3 import dbapi2 as sqlcipher

from cerecorder.storage.connection import db_errors_explained

_SETUP = (
    "CREATE TEMP TABLE IF NOT EXISTS roll_changes (n INTEGER NOT NULL)",
    "INSERT INTO roll_changes (n) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM roll_changes)",
    *(f"CREATE TEMP TRIGGER IF NOT EXISTS roll_{what.lower()} AFTER {what} ON main.children "
      "BEGIN UPDATE roll_changes SET n = n + 1; END"
      for what in ("INSERT", "UPDATE", "DELETE")),
)


def roll_version(conn: sqlcipher.Connection) -> tuple[int, int] | None:
    """Changes to the children table this connection has seen, and the database's
    data_version: an equal pair means the roll has not changed in between. None when
    the count cannot be trusted yet (its first call came inside a transaction)."""
    with db_errors_explained():
        try:
            changes = conn.execute("SELECT n FROM temp.roll_changes").fetchone()
        except sqlcipher.OperationalError:  # no such table: this connection's first call
            if conn.in_transaction:
                return None
            conn.execute("BEGIN")
            try:
                for statement in _SETUP:
                    conn.execute(statement)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            changes = conn.execute("SELECT n FROM temp.roll_changes").fetchone()
        version = conn.execute("PRAGMA data_version").fetchone()
    return int(changes[0]), int(version[0])

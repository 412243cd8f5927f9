"""Migration 17's SQL: what the sending school keeps of an acknowledged transfer.

One row per acknowledged transfer, made in the same transaction as the acknowledgement:
the child as the file named them, where the file went, how and when, who acknowledged it,
and how many entries of each kind were sent (no record content), with what the school's
policy kept (the whole file, read-only, or this record alone). child_id and transfer_id
are plain numbers, not references: when the policy keeps the record alone, the file goes
by the two-person destruction and this row is what stays.
"""

from __future__ import annotations


def transfer_records_sql(append_only: str) -> str:
    """The SQL, given schema's append-only trigger template ({table}, {what})."""
    return """
CREATE TABLE transfer_records (
    transfer_id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL,
    child_name TEXT NOT NULL,
    date_of_birth TEXT,
    upn TEXT NOT NULL DEFAULT '',
    destination TEXT NOT NULL,
    sent_on TEXT,
    sent_how TEXT NOT NULL DEFAULT '',
    acknowledged_on TEXT NOT NULL,
    acknowledged_by TEXT NOT NULL,
    packet_id TEXT NOT NULL DEFAULT '',
    entries TEXT NOT NULL,
    kept TEXT NOT NULL CHECK (kept IN ('whole_file', 'record')),
    made_at TEXT NOT NULL,
    made_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX transfer_records_child ON transfer_records(child_id);
""" + append_only.format(table="transfer_records", what="a record of a transfer")

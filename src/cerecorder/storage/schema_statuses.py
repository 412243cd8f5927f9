"""Migration 8's SQL: a child's dated statuses and the professionals involved, the entries
the DSL marks as significant, and the DSL's notes on the impact on the child.

All of it is append-only: a status or a professional is ended by a dated end row, never
edited; a mark or an impact note is replaced by a later one (the latest counts), so every
earlier state stays on file. storage.schema applies it with its trigger templates.
"""

from __future__ import annotations

STATUS_KINDS = ("cp_plan", "child_in_need", "looked_after", "ehcp", "send", "early_help")


def _day(column: str) -> str:
    """A date as yyyy-mm-dd."""
    return f"{column} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'"


def statuses_sql(append_only: str) -> str:
    """The SQL, given schema's append-only trigger template ({table}, {what})."""
    kinds = ", ".join(f"'{k}'" for k in STATUS_KINDS)
    return (
        f"""
CREATE TABLE child_statuses (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES children(id),
    kind TEXT NOT NULL CHECK (kind IN ({kinds})),
    started_on TEXT NOT NULL CHECK ({_day('started_on')}),
    note TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX child_statuses_child ON child_statuses(child_id);
"""
        + append_only.format(table="child_statuses", what="a status")
        + f"""
CREATE TABLE child_status_ends (
    status_id INTEGER PRIMARY KEY REFERENCES child_statuses(id),
    ended_on TEXT NOT NULL CHECK ({_day('ended_on')}),
    reason TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE TRIGGER child_status_ends_after_start BEFORE INSERT ON child_status_ends
WHEN NEW.ended_on < (SELECT started_on FROM child_statuses WHERE id = NEW.status_id)
BEGIN SELECT RAISE(ABORT, 'a status cannot end before it started'); END;
"""
        + append_only.format(table="child_status_ends", what="the end of a status")
        + f"""
CREATE TABLE professionals (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES children(id),
    role TEXT NOT NULL CHECK (length(trim(role)) > 0),
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    agency TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    from_on TEXT NOT NULL CHECK ({_day('from_on')}),
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX professionals_child ON professionals(child_id);
"""
        + append_only.format(table="professionals", what="a professional involved")
        + f"""
CREATE TABLE professional_ends (
    professional_id INTEGER PRIMARY KEY REFERENCES professionals(id),
    to_on TEXT NOT NULL CHECK ({_day('to_on')}),
    reason TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE TRIGGER professional_ends_after_start BEFORE INSERT ON professional_ends
WHEN NEW.to_on < (SELECT from_on FROM professionals WHERE id = NEW.professional_id)
BEGIN SELECT RAISE(ABORT, 'an involvement cannot end before it began'); END;
"""
        + append_only.format(table="professional_ends", what="the end of an involvement")
        + """
CREATE TABLE significant_marks (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES children(id),
    entry_type TEXT NOT NULL CHECK (length(entry_type) > 0),
    ref_id INTEGER NOT NULL,
    significant INTEGER NOT NULL CHECK (significant IN (0, 1)),
    marked_at TEXT NOT NULL,
    marked_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX significant_marks_child ON significant_marks(child_id, entry_type, ref_id);
"""
        + append_only.format(table="significant_marks", what="a significance mark")
        + """
CREATE TABLE impact_notes (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES children(id),
    entry_type TEXT NOT NULL CHECK (length(entry_type) > 0),
    ref_id INTEGER NOT NULL,
    body TEXT NOT NULL,
    written_at TEXT NOT NULL,
    tz TEXT NOT NULL,
    written_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX impact_notes_child ON impact_notes(child_id, entry_type, ref_id);
"""
        + append_only.format(table="impact_notes", what="an impact note")
    )

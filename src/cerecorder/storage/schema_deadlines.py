"""Migration 13's SQL: actions' due dates and owners, and a child's case closed (with its
summary), signed off by a second DSL, and reopened.

Append-only like every record table: an action's due date or owner is changed by a later
row (the latest counts); an action is closed by an outcome recorded against it (the
outcomes table already holds that); a case is closed by a closure row and reopened by a
reopening row, or by a concern about the child submitted after the closure.
"""

from __future__ import annotations


def _day(column: str) -> str:
    return f"{column} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'"


def deadlines_sql(append_only: str) -> str:
    """The SQL, given schema's append-only trigger template ({table}, {what})."""
    return (
        f"""
CREATE TABLE action_deadlines (
    id INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES actions(id),
    due_on TEXT CHECK (due_on IS NULL OR {_day('due_on')}),
    owner_id INTEGER REFERENCES users(id),
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX action_deadlines_action ON action_deadlines(action_id, id);
"""
        + append_only.format(table="action_deadlines", what="a due date")
        + """
CREATE TABLE case_closures (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES children(id),
    summary TEXT NOT NULL CHECK (length(trim(summary)) > 0),
    closed_at TEXT NOT NULL,
    tz TEXT NOT NULL,
    closed_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX case_closures_child ON case_closures(child_id, closed_at);
"""
        + append_only.format(table="case_closures", what="a case closure")
        + """
CREATE TABLE case_signoffs (
    closure_id INTEGER PRIMARY KEY REFERENCES case_closures(id),
    signed_at TEXT NOT NULL,
    signed_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE TRIGGER case_signoffs_second_dsl BEFORE INSERT ON case_signoffs
WHEN NEW.signed_by = (SELECT closed_by FROM case_closures WHERE id = NEW.closure_id)
BEGIN SELECT RAISE(ABORT, 'a closure is signed off by a second DSL'); END;
"""
        + append_only.format(table="case_signoffs", what="a sign-off")
        + """
CREATE TABLE case_reopenings (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES children(id),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    reopened_at TEXT NOT NULL,
    tz TEXT NOT NULL,
    reopened_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX case_reopenings_child ON case_reopenings(child_id, reopened_at);
"""
        + append_only.format(table="case_reopenings", what="a reopening")
    )

"""Migration 13's SQL: body maps (issue 16), the marks seen on a child placed on an outline.

A concern's own map is written with the draft and locked when the concern is submitted,
like its children and indicators. A correction is never an edit: it is a new map tied to
an addendum, which declares how many marks it holds; its marks go in with it and, once it
holds that many, nothing more can be added, and nothing is ever changed or removed.
"""

from __future__ import annotations

from cerecorder.domain.body_map import MARK_KINDS

_SUBMITTED = "(SELECT status FROM concerns WHERE id = {map}.concern_id) = 'submitted'"


def body_map_sql() -> str:
    """The SQL: its triggers are its own, since a correcting map is inserted into a
    submitted concern, which schema's templates refuse."""
    kinds = ", ".join(f"'{k}'" for k in MARK_KINDS)
    of_mark = "(SELECT {col} FROM body_maps WHERE id = {row}.map_id)"
    submitted_mark = (f"(SELECT status FROM concerns WHERE id = "
                      f"{of_mark.format(col='concern_id', row='{row}')}) = 'submitted'")
    return (
        """
CREATE TABLE body_maps (
    id INTEGER PRIMARY KEY,
    concern_id INTEGER NOT NULL REFERENCES concerns(id),
    addendum_id INTEGER UNIQUE REFERENCES addenda(id),
    mark_count INTEGER CHECK (mark_count >= 0),
    outlines_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    CHECK ((addendum_id IS NULL) = (mark_count IS NULL))
);
CREATE INDEX body_maps_concern ON body_maps(concern_id);
CREATE TRIGGER body_maps_addendum_of_concern BEFORE INSERT ON body_maps
WHEN NEW.addendum_id IS NOT NULL AND NEW.concern_id IS NOT
    (SELECT concern_id FROM addenda WHERE id = NEW.addendum_id)
BEGIN SELECT RAISE(ABORT, 'a correcting body map belongs to its addendum''s concern'); END;
CREATE TRIGGER body_maps_locked_insert BEFORE INSERT ON body_maps
WHEN NEW.addendum_id IS NULL AND """ + _SUBMITTED.format(map="NEW") + """
BEGIN SELECT RAISE(ABORT, 'immutable: a submitted concern cannot be changed'); END;
CREATE TRIGGER body_maps_locked_update BEFORE UPDATE ON body_maps
WHEN OLD.addendum_id IS NOT NULL OR """ + _SUBMITTED.format(map="OLD") + """
BEGIN SELECT RAISE(ABORT, 'immutable: a body map cannot be changed'); END;
CREATE TRIGGER body_maps_locked_delete BEFORE DELETE ON body_maps
WHEN OLD.addendum_id IS NOT NULL OR """ + _SUBMITTED.format(map="OLD") + """
BEGIN SELECT RAISE(ABORT, 'immutable: a body map cannot be deleted'); END;
"""
        + f"""
CREATE TABLE body_marks (
    id INTEGER PRIMARY KEY,
    map_id INTEGER NOT NULL REFERENCES body_maps(id),
    number INTEGER NOT NULL CHECK (number >= 1),
    view TEXT NOT NULL CHECK (length(view) BETWEEN 1 AND 40),
    x REAL NOT NULL CHECK (x BETWEEN 0 AND 1),
    y REAL NOT NULL CHECK (y BETWEEN 0 AND 1),
    kind TEXT NOT NULL CHECK (kind IN ({kinds})),
    size_cm REAL CHECK (size_cm IS NULL OR (size_cm > 0 AND size_cm <= 200)),
    colour TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    child_words TEXT NOT NULL DEFAULT '',
    UNIQUE (map_id, number)
);
CREATE TRIGGER body_marks_locked_insert BEFORE INSERT ON body_marks
WHEN CASE WHEN {of_mark.format(col='addendum_id', row='NEW')} IS NULL
          THEN {submitted_mark.format(row='NEW')}
          ELSE (SELECT count(*) FROM body_marks WHERE map_id = NEW.map_id)
               >= {of_mark.format(col='mark_count', row='NEW')} END
BEGIN SELECT RAISE(ABORT, 'immutable: a submitted body map cannot be changed'); END;
CREATE TRIGGER body_marks_locked_update BEFORE UPDATE ON body_marks
WHEN {of_mark.format(col='addendum_id', row='OLD')} IS NOT NULL
    OR {submitted_mark.format(row='OLD')}
BEGIN SELECT RAISE(ABORT, 'immutable: a submitted body map cannot be changed'); END;
CREATE TRIGGER body_marks_locked_delete BEFORE DELETE ON body_marks
WHEN {of_mark.format(col='addendum_id', row='OLD')} IS NOT NULL
    OR {submitted_mark.format(row='OLD')}
BEGIN SELECT RAISE(ABORT, 'immutable: a submitted body map cannot be changed'); END;
"""
    )

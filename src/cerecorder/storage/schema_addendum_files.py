"""Migration 17's SQL: files attached with an addendum (issue 16), so whoever may add an
addendum to a submitted concern may bring files with it (a photo taken later, a letter).

Such a file belongs to the concern and names its addendum. It goes in with the addendum,
in the same step: its row must carry the addendum's own moment and concern, and its bytes
go in then in order; once whole, like every attachment, nothing more goes in and nothing is
changed or removed. A draft's files and a chronology's are as migration 15 left them.
"""

from __future__ import annotations

from cerecorder.domain.attachments import CHUNK_BYTES

_STATUS = "(SELECT status FROM concerns WHERE id = NEW.concern_id)"
_WITH_ADDENDUM = ("EXISTS (SELECT 1 FROM addenda WHERE id = NEW.addendum_id "
                  "AND concern_id = NEW.concern_id AND created_at = NEW.added_at)")


def addendum_files_sql() -> str:
    of_file = "(SELECT {col} FROM attachments WHERE id = NEW.attachment_id)"
    status = f"(SELECT status FROM concerns WHERE id = {of_file.format(col='concern_id')})"
    left = f"({of_file.format(col='size')} - NEW.seq * {CHUNK_BYTES})"
    return f"""
ALTER TABLE attachments ADD COLUMN addendum_id INTEGER REFERENCES addenda(id)
    CHECK (addendum_id IS NULL OR concern_id IS NOT NULL);
CREATE INDEX attachments_addendum ON attachments(addendum_id) WHERE addendum_id IS NOT NULL;
DROP TRIGGER attachments_locked_insert;
CREATE TRIGGER attachments_locked_insert BEFORE INSERT ON attachments
WHEN NEW.concern_id IS NOT NULL AND CASE WHEN NEW.addendum_id IS NULL
    THEN {_STATUS} IS NOT 'draft' ELSE NOT {_WITH_ADDENDUM} END
BEGIN SELECT RAISE(ABORT, 'immutable: a submitted concern cannot be changed'); END;
DROP TRIGGER attachment_chunks_append_only;
CREATE TRIGGER attachment_chunks_append_only BEFORE INSERT ON attachment_chunks
WHEN ({status} = 'submitted' AND {of_file.format(col='addendum_id')} IS NULL)
    OR NEW.seq IS NOT (SELECT count(*) FROM attachment_chunks
                       WHERE attachment_id = NEW.attachment_id)
    OR length(NEW.data) IS NOT min({CHUNK_BYTES}, {left})
BEGIN SELECT RAISE(ABORT, 'immutable: an attachment''s bytes are written once, in order');
END;
"""

"""Migration 15's SQL: attachments (issue 16), files kept inside the vault as 1 MiB chunks,
so they share its key, its transactions, its backups and its key rotation.

An attachment belongs to a concern or to a child's chronology. Its row is never changed:
a draft's attachment may be removed with its chunks, a submitted concern's never, and a
chronology's never (destruction is the one path through these triggers).
Chunks are append-only and complete the file exactly: each is the next in sequence and
as long as the declared size leaves, so once the file is whole nothing more goes in.
"""

from __future__ import annotations

from cerecorder.domain.attachments import CHUNK_BYTES, KINDS

_STATUS = "(SELECT status FROM concerns WHERE id = {row}.concern_id)"


def attachments_sql() -> str:
    """The SQL: the triggers are its own, since a chronology's attachment has no concern."""
    kinds = ", ".join(f"'{k}'" for k in KINDS)
    of_file = "(SELECT {col} FROM attachments WHERE id = NEW.attachment_id)"
    status = (f"(SELECT status FROM concerns WHERE id = {of_file.format(col='concern_id')})")
    left = f"({of_file.format(col='size')} - NEW.seq * {CHUNK_BYTES})"
    return f"""
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    concern_id INTEGER REFERENCES concerns(id),
    child_id INTEGER REFERENCES children(id),
    file_name TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    kind TEXT NOT NULL CHECK (kind IN ({kinds})),
    size INTEGER NOT NULL CHECK (size > 0),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    added_by INTEGER NOT NULL REFERENCES users(id),
    added_at TEXT NOT NULL,
    photo_taken_at TEXT,
    has_location INTEGER NOT NULL DEFAULT 0 CHECK (has_location IN (0, 1)),
    CHECK ((concern_id IS NULL) <> (child_id IS NULL))
);
CREATE INDEX attachments_concern ON attachments(concern_id) WHERE concern_id IS NOT NULL;
CREATE INDEX attachments_child ON attachments(child_id) WHERE child_id IS NOT NULL;
CREATE TRIGGER attachments_locked_insert BEFORE INSERT ON attachments
WHEN NEW.concern_id IS NOT NULL AND {_STATUS.format(row="NEW")} IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, 'immutable: a submitted concern cannot be changed'); END;
CREATE TRIGGER attachments_no_update BEFORE UPDATE ON attachments
BEGIN SELECT RAISE(ABORT, 'immutable: an attachment cannot be changed'); END;
CREATE TRIGGER attachments_locked_delete BEFORE DELETE ON attachments
WHEN OLD.concern_id IS NULL OR {_STATUS.format(row="OLD")} = 'submitted'
BEGIN SELECT RAISE(ABORT, 'immutable: an attachment cannot be deleted'); END;

CREATE TABLE attachment_chunks (
    attachment_id INTEGER NOT NULL REFERENCES attachments(id),
    seq INTEGER NOT NULL CHECK (seq >= 0),
    data BLOB NOT NULL CHECK (length(data) BETWEEN 1 AND {CHUNK_BYTES}),
    PRIMARY KEY (attachment_id, seq)
);
CREATE TRIGGER attachment_chunks_append_only BEFORE INSERT ON attachment_chunks
WHEN {status} = 'submitted'
    OR NEW.seq IS NOT (SELECT count(*) FROM attachment_chunks
                       WHERE attachment_id = NEW.attachment_id)
    OR length(NEW.data) IS NOT min({CHUNK_BYTES}, {left})
BEGIN SELECT RAISE(ABORT, 'immutable: an attachment''s bytes are written once, in order');
END;
CREATE TRIGGER attachment_chunks_no_update BEFORE UPDATE ON attachment_chunks
BEGIN SELECT RAISE(ABORT, 'immutable: an attachment cannot be changed'); END;
CREATE TRIGGER attachment_chunks_locked_delete BEFORE DELETE ON attachment_chunks
WHEN (SELECT c.status FROM attachments a JOIN concerns c ON c.id = a.concern_id
      WHERE a.id = OLD.attachment_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, 'immutable: an attachment cannot be deleted'); END;
"""

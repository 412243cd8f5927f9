"""Migration 13's SQL: the categories (kinds of concern) a concern has, one or more.

Like its indicators, a concern's categories change only while it is a draft: once the
concern is submitted the triggers refuse any insert, update or delete, so they are kept
as recorded. storage.schema applies it with its locked-with-concern trigger template.
An index of the concerns by when they happened, covering what reports count, comes too.
"""

from __future__ import annotations


def categories_sql(locked_with_concern: str) -> str:
    """The SQL, given schema's locked-with-concern trigger template ({table})."""
    return """
CREATE TABLE concern_categories (
    concern_id INTEGER NOT NULL REFERENCES concerns(id) ON DELETE CASCADE,
    code TEXT NOT NULL CHECK (code GLOB 'CAT-*'),
    PRIMARY KEY (concern_id, code)
) WITHOUT ROWID;
CREATE INDEX concern_categories_code ON concern_categories(code, concern_id);
-- reports read the concerns of a period from this index alone, never the records
CREATE INDEX concerns_period ON concerns(status, occurred_at, taxonomy_version);
""" + locked_with_concern.format(table="concern_categories")

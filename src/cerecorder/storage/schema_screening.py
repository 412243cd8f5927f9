"""Migration 8: screening assessments (issue 14) and the instruments they were made with.

An assessment is written as a draft with its answers, citations and domain scores, then
signed, all in one transaction; once signed, none of it changes (triggers). Every
instrument used is kept whole in the vault, so an old assessment reads with its questions.
"""

from __future__ import annotations

_LOCKED_WITH_SCREENING = """
CREATE TRIGGER {table}_locked_insert BEFORE INSERT ON {table}
WHEN (SELECT status FROM screenings WHERE id = NEW.screening_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, 'immutable: a signed screening cannot be changed'); END;
CREATE TRIGGER {table}_locked_update BEFORE UPDATE ON {table}
WHEN (SELECT status FROM screenings WHERE id = OLD.screening_id) = 'signed'
BEGIN SELECT RAISE(ABORT, 'immutable: a signed screening cannot be changed'); END;
CREATE TRIGGER {table}_locked_delete BEFORE DELETE ON {table}
WHEN (SELECT status FROM screenings WHERE id = OLD.screening_id) = 'signed'
BEGIN SELECT RAISE(ABORT, 'immutable: a signed screening cannot be changed'); END;
"""

V8 = (
    """
CREATE TABLE screening_instruments (
    instrument_id TEXT NOT NULL,
    version TEXT NOT NULL,
    content TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (instrument_id, version)
) WITHOUT ROWID;
CREATE TRIGGER screening_instruments_no_update BEFORE UPDATE ON screening_instruments
BEGIN SELECT RAISE(ABORT, 'immutable: a screening instrument cannot be changed'); END;
CREATE TRIGGER screening_instruments_no_delete BEFORE DELETE ON screening_instruments
BEGIN SELECT RAISE(ABORT, 'immutable: a screening instrument cannot be deleted'); END;

CREATE TABLE screenings (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES children(id),
    instrument_id TEXT NOT NULL,
    instrument_version TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'signed')),
    assessed_on TEXT NOT NULL,
    review_on TEXT NOT NULL CHECK (review_on > assessed_on),
    total INTEGER NOT NULL CHECK (total >= 0),
    band TEXT NOT NULL,
    created_at TEXT NOT NULL,
    tz TEXT NOT NULL,
    signed_at TEXT,
    signed_by INTEGER REFERENCES users(id),
    FOREIGN KEY (instrument_id, instrument_version)
        REFERENCES screening_instruments(instrument_id, version),
    CHECK (status = 'draft' OR (signed_at IS NOT NULL AND signed_by IS NOT NULL))
);
-- covering: what is due for review is read from the index alone, without the table
CREATE INDEX screenings_child ON screenings(child_id, assessed_on, status, review_on, band,
                                            instrument_id, instrument_version);
CREATE TRIGGER screenings_born_draft BEFORE INSERT ON screenings
WHEN NEW.status <> 'draft'
BEGIN SELECT RAISE(ABORT, 'immutable: a screening is written as a draft, then signed'); END;
CREATE TRIGGER screenings_locked_update BEFORE UPDATE ON screenings
WHEN OLD.status = 'signed'
BEGIN SELECT RAISE(ABORT, 'immutable: a signed screening cannot be changed'); END;
CREATE TRIGGER screenings_locked_delete BEFORE DELETE ON screenings
WHEN OLD.status = 'signed'
BEGIN SELECT RAISE(ABORT, 'immutable: a signed screening cannot be deleted'); END;

CREATE TABLE screening_answers (
    screening_id INTEGER NOT NULL REFERENCES screenings(id),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (screening_id, question)
) WITHOUT ROWID;
"""
    + _LOCKED_WITH_SCREENING.format(table="screening_answers")
    + """
CREATE TABLE screening_citations (
    screening_id INTEGER NOT NULL REFERENCES screenings(id),
    question TEXT NOT NULL,
    concern_id INTEGER NOT NULL REFERENCES concerns(id),
    PRIMARY KEY (screening_id, question, concern_id)
) WITHOUT ROWID;
"""
    + _LOCKED_WITH_SCREENING.format(table="screening_citations")
    + """
CREATE TABLE screening_scores (
    screening_id INTEGER NOT NULL REFERENCES screenings(id),
    domain TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score >= 0),
    PRIMARY KEY (screening_id, domain)
) WITHOUT ROWID;
"""
    + _LOCKED_WITH_SCREENING.format(table="screening_scores")
)

#: An intelligence report for the police or a partnership is a disclosure: what was picked,
#: why and by whom is kept here (the audit carries the ids only).
V8 += """
CREATE TABLE disclosures (
    id INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('intel_report')),
    format TEXT NOT NULL CHECK (format IN ('pdf', 'csv')),
    purpose TEXT NOT NULL CHECK (length(trim(purpose)) > 0),
    made_at TEXT NOT NULL,
    tz TEXT NOT NULL,
    made_by INTEGER NOT NULL REFERENCES users(id),
    UNIQUE (document_id, format)
);
CREATE TRIGGER disclosures_no_update BEFORE UPDATE ON disclosures
BEGIN SELECT RAISE(ABORT, 'immutable: a disclosure cannot be changed'); END;
CREATE TRIGGER disclosures_no_delete BEFORE DELETE ON disclosures
BEGIN SELECT RAISE(ABORT, 'immutable: a disclosure cannot be deleted'); END;

CREATE TABLE disclosure_items (
    disclosure_id INTEGER NOT NULL REFERENCES disclosures(id),
    ref_type TEXT NOT NULL CHECK (ref_type IN ('entry', 'concern')),
    ref_id INTEGER NOT NULL,
    PRIMARY KEY (disclosure_id, ref_type, ref_id)
) WITHOUT ROWID;
CREATE TRIGGER disclosure_items_no_update BEFORE UPDATE ON disclosure_items
BEGIN SELECT RAISE(ABORT, 'immutable: a disclosure cannot be changed'); END;
CREATE TRIGGER disclosure_items_no_delete BEFORE DELETE ON disclosure_items
BEGIN SELECT RAISE(ABORT, 'immutable: a disclosure cannot be changed'); END;
"""

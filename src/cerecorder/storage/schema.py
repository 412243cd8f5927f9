"""Numbered schema migrations. PRAGMA user_version holds the number applied last.

Never edit a released migration: add the next one, and a saved vault of the previous
version under tests/data that the migration tests open and upgrade.
"""

from __future__ import annotations

from cerecorder.storage.schema_addendum_files import addendum_files_sql
from cerecorder.storage.schema_attachments import attachments_sql
from cerecorder.storage.schema_body_map import body_map_sql
from cerecorder.storage.schema_categories import categories_sql
from cerecorder.storage.schema_deadlines import deadlines_sql
from cerecorder.storage.schema_file_life import (
    DESTRUCTIONS,
    HOLDS,
    RECEIVED,
    SARS,
    TRANSFERS,
)
from cerecorder.storage.schema_screening import V8 as _V9
from cerecorder.storage.schema_search import V8 as _V11
from cerecorder.storage.schema_signing_keys import signing_keys_sql
from cerecorder.storage.schema_statuses import statuses_sql
from cerecorder.storage.schema_transfer_records import transfer_records_sql
from cerecorder.storage.schema_v8 import V8 as _V12

# Triggers keep what DESIGN.md calls immutable immutable, whichever code touches the file.
_APPEND_ONLY = """
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, 'immutable: {what} cannot be changed'); END;
CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
BEGIN SELECT RAISE(ABORT, 'immutable: {what} cannot be deleted'); END;
"""

_LOCKED_WITH_CONCERN = """
CREATE TRIGGER {table}_locked_insert BEFORE INSERT ON {table}
WHEN (SELECT status FROM concerns WHERE id = NEW.concern_id) = 'submitted'
BEGIN SELECT RAISE(ABORT, 'immutable: a submitted concern cannot be changed'); END;
CREATE TRIGGER {table}_locked_update BEFORE UPDATE ON {table}
WHEN (SELECT status FROM concerns WHERE id = OLD.concern_id) = 'submitted'
BEGIN SELECT RAISE(ABORT, 'immutable: a submitted concern cannot be changed'); END;
CREATE TRIGGER {table}_locked_delete BEFORE DELETE ON {table}
WHEN (SELECT status FROM concerns WHERE id = OLD.concern_id) = 'submitted'
BEGIN SELECT RAISE(ABORT, 'immutable: a submitted concern cannot be changed'); END;
"""

_V1 = (
    """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('staff', 'dsl', 'admin')),
    created_at TEXT NOT NULL,
    removed_at TEXT
);

CREATE TABLE children (
    id INTEGER PRIMARY KEY,
    legal_forenames TEXT NOT NULL,
    legal_surname TEXT NOT NULL,
    preferred_forenames TEXT NOT NULL DEFAULT '',
    preferred_surname TEXT NOT NULL DEFAULT '',
    date_of_birth TEXT,
    upn TEXT NOT NULL DEFAULT '',
    admission_number TEXT NOT NULL DEFAULT '',
    year_group TEXT NOT NULL DEFAULT '',
    reg_group TEXT NOT NULL DEFAULT '',
    gender TEXT NOT NULL DEFAULT '',
    looked_after INTEGER NOT NULL DEFAULT 0,
    send INTEGER NOT NULL DEFAULT 0,
    cp_plan INTEGER NOT NULL DEFAULT 0,
    child_in_need INTEGER NOT NULL DEFAULT 0,
    ehcp INTEGER NOT NULL DEFAULT 0,
    left_on TEXT,
    created_at TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id)
);
CREATE UNIQUE INDEX children_upn ON children(upn) WHERE upn <> '';
CREATE INDEX children_surname ON children(legal_surname COLLATE NOCASE, legal_forenames);

CREATE TABLE child_links (
    child_a INTEGER NOT NULL REFERENCES children(id),
    child_b INTEGER NOT NULL REFERENCES children(id),
    kind TEXT NOT NULL CHECK (kind IN ('sibling', 'associate')),
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    PRIMARY KEY (child_a, child_b, kind),
    CHECK (child_a < child_b)
) WITHOUT ROWID;
CREATE INDEX child_links_b ON child_links(child_b);

CREATE TABLE concerns (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    author_id INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    tz TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    occurred_at TEXT,
    location TEXT NOT NULL DEFAULT '',
    facts TEXT NOT NULL DEFAULT '',
    child_words TEXT NOT NULL DEFAULT '',
    opinion TEXT NOT NULL DEFAULT '',
    indicators_other TEXT NOT NULL DEFAULT '',
    action_taken TEXT NOT NULL DEFAULT '',
    informed TEXT NOT NULL DEFAULT '',
    urgency TEXT NOT NULL CHECK (urgency IN ('low', 'medium', 'high', 'immediate')),
    taxonomy_version TEXT NOT NULL,
    CHECK (status = 'draft' OR (submitted_at IS NOT NULL AND occurred_at IS NOT NULL))
);
CREATE INDEX concerns_author ON concerns(author_id, status);
CREATE INDEX concerns_submitted ON concerns(status, submitted_at);

CREATE TABLE concern_children (
    concern_id INTEGER NOT NULL REFERENCES concerns(id) ON DELETE CASCADE,
    child_id INTEGER NOT NULL REFERENCES children(id),
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (concern_id, child_id)
) WITHOUT ROWID;
CREATE INDEX concern_children_child ON concern_children(child_id, concern_id);

CREATE TABLE concern_indicators (
    concern_id INTEGER NOT NULL REFERENCES concerns(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    PRIMARY KEY (concern_id, code)
) WITHOUT ROWID;

CREATE TRIGGER concerns_locked_update BEFORE UPDATE ON concerns
WHEN OLD.status = 'submitted'
BEGIN SELECT RAISE(ABORT, 'immutable: a submitted concern cannot be changed'); END;
CREATE TRIGGER concerns_locked_delete BEFORE DELETE ON concerns
WHEN OLD.status = 'submitted'
BEGIN SELECT RAISE(ABORT, 'immutable: a submitted concern cannot be deleted'); END;
CREATE TRIGGER concerns_born_draft BEFORE INSERT ON concerns
WHEN NEW.status <> 'draft'
BEGIN SELECT RAISE(ABORT, 'immutable: a concern is created as a draft, then submitted'); END;
"""
    + _LOCKED_WITH_CONCERN.format(table="concern_children")
    + _LOCKED_WITH_CONCERN.format(table="concern_indicators")
    + """
CREATE TABLE addenda (
    id INTEGER PRIMARY KEY,
    concern_id INTEGER NOT NULL REFERENCES concerns(id),
    author_id INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    tz TEXT NOT NULL,
    body TEXT NOT NULL CHECK (length(trim(body)) > 0)
);
CREATE INDEX addenda_concern ON addenda(concern_id);
CREATE TRIGGER addenda_only_submitted BEFORE INSERT ON addenda
WHEN (SELECT status FROM concerns WHERE id = NEW.concern_id) IS NOT 'submitted'
BEGIN SELECT RAISE(ABORT, 'immutable: addenda are added to submitted concerns only'); END;
"""
    + _APPEND_ONLY.format(table="addenda", what="an addendum")
    + """
CREATE TABLE triage (
    id INTEGER PRIMARY KEY,
    concern_id INTEGER NOT NULL REFERENCES concerns(id),
    decision TEXT NOT NULL CHECK (decision IN
        ('refer_mash', 'refer_police', 'early_help', 'monitor', 'no_further_action')),
    rationale TEXT NOT NULL DEFAULT '',
    decided_by INTEGER NOT NULL REFERENCES users(id),
    decided_at TEXT NOT NULL,
    tz TEXT NOT NULL,
    CHECK (decision IN ('refer_mash', 'refer_police') OR length(trim(rationale)) > 0)
);
CREATE INDEX triage_concern ON triage(concern_id);
CREATE TRIGGER triage_only_submitted BEFORE INSERT ON triage
WHEN (SELECT status FROM concerns WHERE id = NEW.concern_id) IS NOT 'submitted'
BEGIN SELECT RAISE(ABORT, 'immutable: only submitted concerns are triaged'); END;
"""
    + _APPEND_ONLY.format(table="triage", what="a triage decision")
    + """
CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES children(id),
    concern_id INTEGER REFERENCES concerns(id),
    kind TEXT NOT NULL CHECK (kind IN ('referral_mash', 'referral_csc', 'police',
        'early_help', 'parents_informed', 'monitoring', 'other')),
    detail TEXT NOT NULL DEFAULT '',
    taken_at TEXT NOT NULL,
    tz TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX actions_child ON actions(child_id);
"""
    + _APPEND_ONLY.format(table="actions", what="an action")
    + """
CREATE TABLE outcomes (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES children(id),
    action_id INTEGER REFERENCES actions(id),
    concern_id INTEGER REFERENCES concerns(id),
    text TEXT NOT NULL CHECK (length(trim(text)) > 0),
    occurred_at TEXT NOT NULL,
    tz TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX outcomes_child ON outcomes(child_id);
"""
    + _APPEND_ONLY.format(table="outcomes", what="an outcome")
    + """
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES children(id),
    kind TEXT NOT NULL CHECK (kind IN ('missing_episode', 'return_home_interview',
        'strategy_meeting', 'referral', 'cp_conference', 'police_contact', 'health_contact',
        'exclusion', 'other')),
    occurred_at TEXT NOT NULL,
    tz TEXT NOT NULL,
    summary TEXT NOT NULL CHECK (length(trim(summary)) > 0),
    outcome TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER NOT NULL REFERENCES users(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX events_child ON events(child_id);
"""
    + _APPEND_ONLY.format(table="events", what="a chronology event")
    + """
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id INTEGER,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL DEFAULT '',
    object_id TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
"""
    + _APPEND_ONLY.format(table="audit", what="the audit trail")
    + """
CREATE VIRTUAL TABLE concerns_fts USING fts5(
    location, facts, child_words, opinion, indicators_other, action_taken, informed,
    content = 'concerns', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER concerns_fts_insert AFTER INSERT ON concerns BEGIN
    INSERT INTO concerns_fts(rowid, location, facts, child_words, opinion, indicators_other,
        action_taken, informed)
    VALUES (NEW.id, NEW.location, NEW.facts, NEW.child_words, NEW.opinion,
        NEW.indicators_other, NEW.action_taken, NEW.informed);
END;
CREATE TRIGGER concerns_fts_delete AFTER DELETE ON concerns BEGIN
    INSERT INTO concerns_fts(concerns_fts, rowid, location, facts, child_words, opinion,
        indicators_other, action_taken, informed)
    VALUES ('delete', OLD.id, OLD.location, OLD.facts, OLD.child_words, OLD.opinion,
        OLD.indicators_other, OLD.action_taken, OLD.informed);
END;
CREATE TRIGGER concerns_fts_update AFTER UPDATE OF location, facts, child_words, opinion,
    indicators_other, action_taken, informed ON concerns BEGIN
    INSERT INTO concerns_fts(concerns_fts, rowid, location, facts, child_words, opinion,
        indicators_other, action_taken, informed)
    VALUES ('delete', OLD.id, OLD.location, OLD.facts, OLD.child_words, OLD.opinion,
        OLD.indicators_other, OLD.action_taken, OLD.informed);
    INSERT INTO concerns_fts(rowid, location, facts, child_words, opinion, indicators_other,
        action_taken, informed)
    VALUES (NEW.id, NEW.location, NEW.facts, NEW.child_words, NEW.opinion,
        NEW.indicators_other, NEW.action_taken, NEW.informed);
END;

CREATE VIRTUAL TABLE addenda_fts USING fts5(
    body, content = 'addenda', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER addenda_fts_insert AFTER INSERT ON addenda BEGIN
    INSERT INTO addenda_fts(rowid, body) VALUES (NEW.id, NEW.body);
END;
"""
)

_MOVE_GUARD = """
DROP TRIGGER {table}_locked_update;
CREATE TRIGGER {table}_locked_update BEFORE UPDATE ON {table}
WHEN (SELECT status FROM concerns WHERE id = OLD.concern_id) = 'submitted'
  OR (SELECT status FROM concerns WHERE id = NEW.concern_id) = 'submitted'
BEGIN SELECT RAISE(ABORT, 'immutable: a submitted concern cannot be changed'); END;
"""
_V3 = _MOVE_GUARD.format(table="concern_children") + _MOVE_GUARD.format(
    table="concern_indicators"
)

# Merging two records of one child: the duplicate stays, with everything recorded against
# it, marked as merged; the chronology of the record kept reads both. Submitted concerns
# and DSL entries are immutable, so nothing is re-pointed. A merge is never undone.
_V4 = """
ALTER TABLE children ADD COLUMN merged_into INTEGER REFERENCES children(id);
ALTER TABLE children ADD COLUMN merged_at TEXT;
ALTER TABLE children ADD COLUMN merged_by INTEGER REFERENCES users(id);
CREATE INDEX children_merged ON children(merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX children_admission ON children(admission_number) WHERE admission_number <> '';
CREATE TRIGGER children_merge_final BEFORE UPDATE OF merged_into ON children
WHEN OLD.merged_into IS NOT NULL AND NEW.merged_into IS NOT OLD.merged_into
BEGIN SELECT RAISE(ABORT, 'immutable: a merge of two child records is final'); END;
CREATE TRIGGER children_merge_not_self BEFORE UPDATE OF merged_into ON children
WHEN NEW.merged_into = OLD.id
BEGIN SELECT RAISE(ABORT, 'a child record cannot be merged into itself'); END;
CREATE TRIGGER children_no_delete BEFORE DELETE ON children
BEGIN SELECT RAISE(ABORT, 'immutable: a child record is never deleted (mark it as left)'); END;
"""

# Sealed packets between laptops (staff laptop -> DSL, receipts back).
_V5 = """
CREATE TABLE signing_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    secret TEXT NOT NULL,
    verify_key TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE packet_identities (
    user_id INTEGER PRIMARY KEY REFERENCES users(id),
    identity TEXT NOT NULL,
    recipient TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE enrolled_staff (
    id INTEGER PRIMARY KEY,
    verify_key TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id),
    enrolled_at TEXT NOT NULL,
    enrolled_by INTEGER REFERENCES users(id),
    UNIQUE (verify_key, user_id)
);
CREATE TABLE imported_packets (
    packet_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    signer TEXT NOT NULL,
    author_id INTEGER NOT NULL REFERENCES users(id),
    received_at TEXT NOT NULL,
    imported_by INTEGER REFERENCES users(id),
    concern_id INTEGER REFERENCES concerns(id),
    addendum_id INTEGER UNIQUE REFERENCES addenda(id),
    held_document TEXT,
    CHECK ((concern_id IS NULL) <> (held_document IS NULL))
) WITHOUT ROWID;
CREATE TABLE packet_reviews (
    id INTEGER PRIMARY KEY,
    packet_id TEXT NOT NULL REFERENCES imported_packets(packet_id),
    position INTEGER NOT NULL,
    sent_child TEXT NOT NULL,
    child_id INTEGER REFERENCES children(id),
    resolved_at TEXT,
    resolved_by INTEGER REFERENCES users(id),
    UNIQUE (packet_id, position)
);
CREATE TABLE sent_packets (
    packet_id TEXT PRIMARY KEY,
    concern_id INTEGER NOT NULL REFERENCES concerns(id),
    addendum_id INTEGER UNIQUE REFERENCES addenda(id),
    content_hash TEXT NOT NULL,
    card_fingerprint TEXT NOT NULL,
    dsl_verify_key TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    received_at TEXT
) WITHOUT ROWID;
CREATE UNIQUE INDEX sent_packets_concern ON sent_packets(concern_id) WHERE addendum_id IS NULL;
"""

# Concern search finds a concern by its children's names and, for the DSL, by what was
# decided and done on it. Decisions, actions and outcomes are append-only, so their
# indexes only grow; a child's name can be corrected, so its index follows.
_TOKENS = "tokenize = 'unicode61 remove_diacritics 2'"
_NAMES = "legal_forenames, legal_surname, preferred_forenames, preferred_surname"
_NEW_NAMES = ", ".join(f"NEW.{c}" for c in _NAMES.split(", "))
_OLD_NAMES = ", ".join(f"OLD.{c}" for c in _NAMES.split(", "))
_V6 = f"""
CREATE VIRTUAL TABLE children_fts USING fts5(
    {_NAMES}, content = 'children', content_rowid = 'id', {_TOKENS});
INSERT INTO children_fts(children_fts) VALUES ('rebuild');
CREATE TRIGGER children_fts_insert AFTER INSERT ON children BEGIN
    INSERT INTO children_fts(rowid, {_NAMES}) VALUES (NEW.id, {_NEW_NAMES});
END;
CREATE TRIGGER children_fts_update AFTER UPDATE OF {_NAMES} ON children BEGIN
    INSERT INTO children_fts(children_fts, rowid, {_NAMES})
    VALUES ('delete', OLD.id, {_OLD_NAMES});
    INSERT INTO children_fts(rowid, {_NAMES}) VALUES (NEW.id, {_NEW_NAMES});
END;
""" + "".join(f"""
CREATE VIRTUAL TABLE {table}_fts USING fts5(
    {column}, content = '{table}', content_rowid = 'id', {_TOKENS});
INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild');
CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} BEGIN
    INSERT INTO {table}_fts(rowid, {column}) VALUES (NEW.id, NEW.{column});
END;
""" for table, column in (("triage", "rationale"), ("actions", "detail"),
                          ("outcomes", "text"))) + """
CREATE INDEX audit_object ON audit(object_type, object_id, action);
"""

# The contextual register (issue 14): entries and their revisions, what staff typed about
# them in a concern, links to children and concerns, merges, pattern flags and reviews.
# An entry's wording changes only by a new revision; a merge is final; a link, a revision,
# a merge, a flag's evidence and a review are never changed or deleted.
_REGISTER_KINDS = "('person', 'vehicle', 'place', 'phone', 'account', 'group')"
_V7 = (
    f"""
CREATE TABLE register_entries (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN {_REGISTER_KINDS}),
    created_at TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id)
);
"""
    + _APPEND_ONLY.format(table="register_entries", what="a register entry")
    + """
CREATE TABLE register_revisions (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES register_entries(id),
    key TEXT,
    details TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    revised_at TEXT NOT NULL,
    revised_by INTEGER REFERENCES users(id)
);
CREATE INDEX register_revisions_entry ON register_revisions(entry_id, id);
CREATE INDEX register_revisions_key ON register_revisions(key) WHERE key IS NOT NULL;
"""
    + _APPEND_ONLY.format(table="register_revisions", what="a revision of a register entry")
    + f"""
CREATE TABLE concern_mentions (
    concern_id INTEGER NOT NULL REFERENCES concerns(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN {_REGISTER_KINDS}),
    text TEXT NOT NULL CHECK (length(trim(text)) > 0),
    PRIMARY KEY (concern_id, position)
) WITHOUT ROWID;
"""
    + _LOCKED_WITH_CONCERN.format(table="concern_mentions")
    + _MOVE_GUARD.format(table="concern_mentions")
    + """
CREATE TABLE register_links (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES register_entries(id),
    child_id INTEGER NOT NULL REFERENCES children(id),
    concern_id INTEGER REFERENCES concerns(id),
    mention INTEGER,
    reported_by INTEGER REFERENCES users(id),
    seen_at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    linked_at TEXT NOT NULL,
    linked_by INTEGER NOT NULL REFERENCES users(id),
    CHECK (mention IS NULL OR concern_id IS NOT NULL)
);
CREATE INDEX register_links_entry ON register_links(entry_id);
CREATE INDEX register_links_child ON register_links(child_id);
CREATE INDEX register_links_concern ON register_links(concern_id, mention)
    WHERE concern_id IS NOT NULL;
CREATE TRIGGER register_links_only_submitted BEFORE INSERT ON register_links
WHEN NEW.concern_id IS NOT NULL
  AND (SELECT status FROM concerns WHERE id = NEW.concern_id) IS NOT 'submitted'
BEGIN SELECT RAISE(ABORT, 'immutable: only submitted concerns are linked to the register');
END;
"""
    + _APPEND_ONLY.format(table="register_links", what="a register link")
    + """
CREATE TABLE mention_dismissals (
    concern_id INTEGER NOT NULL REFERENCES concerns(id),
    position INTEGER NOT NULL,
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    dismissed_at TEXT NOT NULL,
    dismissed_by INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (concern_id, position)
) WITHOUT ROWID;
"""
    + _APPEND_ONLY.format(table="mention_dismissals", what="a dismissed mention")
    + """
CREATE TABLE register_merges (
    duplicate_id INTEGER PRIMARY KEY REFERENCES register_entries(id),
    keep_id INTEGER NOT NULL REFERENCES register_entries(id),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    merged_at TEXT NOT NULL,
    merged_by INTEGER NOT NULL REFERENCES users(id),
    CHECK (duplicate_id <> keep_id)
);
CREATE INDEX register_merges_keep ON register_merges(keep_id);
"""
    + _APPEND_ONLY.format(table="register_merges", what="a merge of register entries")
    + """
CREATE TABLE flags (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES children(id),
    rule_code TEXT NOT NULL,
    rule_version TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'reviewed', 'withdrawn'))
);
CREATE INDEX flags_child ON flags(child_id, rule_code);
CREATE INDEX flags_open ON flags(status) WHERE status = 'open';
CREATE TRIGGER flags_born_open BEFORE INSERT ON flags
WHEN NEW.status <> 'open'
BEGIN SELECT RAISE(ABORT, 'immutable: a flag is raised open, then reviewed'); END;
CREATE TRIGGER flags_fixed BEFORE UPDATE OF id, child_id, rule_code, rule_version, raised_at
ON flags
BEGIN SELECT RAISE(ABORT, 'immutable: a flag cannot be changed, only reviewed'); END;
CREATE TRIGGER flags_status_once BEFORE UPDATE OF status ON flags
WHEN OLD.status <> 'open'
BEGIN SELECT RAISE(ABORT, 'immutable: a reviewed or withdrawn flag stays so'); END;
CREATE TRIGGER flags_no_delete BEFORE DELETE ON flags
BEGIN SELECT RAISE(ABORT, 'immutable: a flag cannot be deleted'); END;

CREATE TABLE flag_evidence (
    flag_id INTEGER NOT NULL REFERENCES flags(id),
    ref_type TEXT NOT NULL CHECK (ref_type IN ('entry', 'concern', 'event')),
    ref_id INTEGER NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (flag_id, ref_type, ref_id)
) WITHOUT ROWID;
CREATE TRIGGER flag_evidence_while_open BEFORE INSERT ON flag_evidence
WHEN (SELECT status FROM flags WHERE id = NEW.flag_id) IS NOT 'open'
BEGIN SELECT RAISE(ABORT, 'immutable: evidence is added to open flags only'); END;
"""
    + _APPEND_ONLY.format(table="flag_evidence", what="the evidence of a flag")
    + """
CREATE TABLE flag_reviews (
    id INTEGER PRIMARY KEY,
    flag_id INTEGER NOT NULL REFERENCES flags(id),
    outcome TEXT NOT NULL CHECK (outcome IN ('no_action', 'action_taken')),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    reviewed_at TEXT NOT NULL,
    tz TEXT NOT NULL,
    reviewed_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX flag_reviews_flag ON flag_reviews(flag_id);
CREATE TRIGGER flag_reviews_open_only BEFORE INSERT ON flag_reviews
WHEN (SELECT status FROM flags WHERE id = NEW.flag_id) IS NOT 'open'
BEGIN SELECT RAISE(ABORT, 'immutable: a flag is reviewed once'); END;
"""
    + _APPEND_ONLY.format(table="flag_reviews", what="a flag review")
)

#: (version, what it does, SQL). Applied in order, each in its own transaction.
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "records core: users, children, concerns, DSL work, audit, full-text search", _V1),
    (2, "search: a covering index so matches are sorted without reading whole concerns",
     "CREATE INDEX concerns_search ON concerns(id, status, author_id, occurred_at);"),
    (3, "a child or sign cannot be moved into a submitted concern either", _V3),
    (4, "pupil roll import: merged child records, admission-number lookups", _V4),
    (5, "sealed packets: signing key, DSL packet identities, enrolled staff, imported and "
     "sent packets (concerns and addenda), children awaiting a match", _V5),
    (6, "search: children's names and the DSL's decisions, actions and outcomes; the "
     "audit by object, for a concern's progress", _V6),
    (7, "contextual register: entries, revisions, mentions in concerns, links to children "
     "and concerns, merges; pattern flags, their evidence and reviews", _V7),
    (8, "the file's life: transfers to the next school and their steps (sent, chased, "
     "acknowledged); legal holds and their lifting; destruction requests and certificates; "
     "subject access requests, their steps and redactions; transfer packets sealed and files "
     "received", TRANSFERS + HOLDS + DESTRUCTIONS + SARS + RECEIVED),
    (9, "screening assessments: answers, citations of concerns, domain scores, signed and "
     "then immutable; the instruments they were made with", _V9),
    (10, "handover: dated statuses, professionals involved, significance marks and impact "
     "notes, all append-only", statuses_sql(_APPEND_ONLY)),
    (11, "search: the newest matches first without reading every match, decisions by a "
     "narrow index, actions and outcomes by concern", _V11),
    (12, "the concerns waiting for a decision, kept by triggers, so the triage queue and "
     "Needs attention do not walk every concern", _V12),
    (13, "categories of concern (KCSIE Part one): one or more a concern, kept as recorded "
     "once it is submitted", categories_sql(_LOCKED_WITH_CONCERN)),
    (14, "body maps: marks on a child's outline, locked with their concern; a correction "
     "is a new map with an addendum", body_map_sql()),
    (15, "attachments: files in 1 MiB chunks inside the vault with their SHA-256, kept with "
     "their concern once it is submitted, or in a child's chronology", attachments_sql()),
    (16, "actions' due dates and owners; a child's case closed with a summary, signed off "
     "and reopened, all append-only", deadlines_sql(_APPEND_ONLY)),
    (17, "files attached with an addendum to a submitted concern, going in with it and "
     "kept as they were", addendum_files_sql()),
    (18, "what the sending school keeps of an acknowledged transfer: a record of what was "
     "sent, and whether the whole file stays (read-only) or the record alone",
     transfer_records_sql(_APPEND_ONLY)),
    (19, "the vault's retired signing keys: when each was retired and for which successor, "
     "with the succession both signed; the signing key replaced only by its successor",
     signing_keys_sql(_APPEND_ONLY)),
)

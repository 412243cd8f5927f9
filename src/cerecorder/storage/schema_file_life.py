"""Migration 8, the file's life: transfers to the next school (KCSIE), each with its
deadline counted in school days when it was opened and the steps recorded against it;
legal holds; destruction requests and certificates; subject access requests. Every table
is append-only: a record is never changed, only followed by another."""

TRANSFERS = """
CREATE TABLE transfers (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES children(id),
    destination TEXT NOT NULL DEFAULT '',
    destination_dsl TEXT NOT NULL DEFAULT '',
    moved_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    due_estimated INTEGER NOT NULL CHECK (due_estimated IN (0, 1)),
    opened_at TEXT NOT NULL,
    opened_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX transfers_child ON transfers(child_id);
CREATE TRIGGER transfers_no_update BEFORE UPDATE ON transfers
BEGIN SELECT RAISE(ABORT, 'immutable: a transfer cannot be changed'); END;
CREATE TRIGGER transfers_no_delete BEFORE DELETE ON transfers
BEGIN SELECT RAISE(ABORT, 'immutable: a transfer cannot be deleted'); END;

CREATE TABLE transfer_steps (
    id INTEGER PRIMARY KEY,
    transfer_id INTEGER NOT NULL REFERENCES transfers(id),
    step TEXT NOT NULL CHECK (step IN ('destination', 'sent', 'chased', 'acknowledged',
                                       'cancelled')),
    happened_on TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX transfer_steps_transfer ON transfer_steps(transfer_id, id);
CREATE TRIGGER transfer_steps_after_the_end BEFORE INSERT ON transfer_steps
WHEN EXISTS (SELECT 1 FROM transfer_steps WHERE transfer_id = NEW.transfer_id
             AND step IN ('acknowledged', 'cancelled'))
BEGIN SELECT RAISE(ABORT, 'immutable: the transfer is already closed'); END;
CREATE TRIGGER transfer_steps_in_order BEFORE INSERT ON transfer_steps
WHEN NEW.step IN ('chased', 'acknowledged')
  AND NOT EXISTS (SELECT 1 FROM transfer_steps WHERE transfer_id = NEW.transfer_id
                  AND step = 'sent')
BEGIN SELECT RAISE(ABORT, 'immutable: a transfer is chased or acknowledged once sent'); END;
CREATE TRIGGER transfer_steps_no_update BEFORE UPDATE ON transfer_steps
BEGIN SELECT RAISE(ABORT, 'immutable: a transfer step cannot be changed'); END;
CREATE TRIGGER transfer_steps_no_delete BEFORE DELETE ON transfer_steps
BEGIN SELECT RAISE(ABORT, 'immutable: a transfer step cannot be deleted'); END;
"""

#: retention (IRMS toolkit): a legal hold on one child's file or, with no child, on every
#: file, blocks destruction until it is lifted; both are append-only records
HOLDS = """
CREATE TABLE legal_holds (
    id INTEGER PRIMARY KEY,
    child_id INTEGER REFERENCES children(id),
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    from_on TEXT NOT NULL,
    set_at TEXT NOT NULL,
    set_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX legal_holds_child ON legal_holds(child_id);
CREATE TRIGGER legal_holds_no_update BEFORE UPDATE ON legal_holds
BEGIN SELECT RAISE(ABORT, 'immutable: a legal hold cannot be changed'); END;
CREATE TRIGGER legal_holds_no_delete BEFORE DELETE ON legal_holds
BEGIN SELECT RAISE(ABORT, 'immutable: a legal hold cannot be deleted'); END;

CREATE TABLE legal_hold_lifts (
    hold_id INTEGER PRIMARY KEY REFERENCES legal_holds(id),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    lifted_at TEXT NOT NULL,
    lifted_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE TRIGGER legal_hold_lifts_no_update BEFORE UPDATE ON legal_hold_lifts
BEGIN SELECT RAISE(ABORT, 'immutable: lifting a legal hold cannot be changed'); END;
CREATE TRIGGER legal_hold_lifts_no_delete BEFORE DELETE ON legal_hold_lifts
BEGIN SELECT RAISE(ABORT, 'immutable: lifting a legal hold cannot be undone'); END;
"""

#: destruction after review needs two people: a DSL asks (with the rule and the reason) and
#: an administrator carries it out; what stays is the certificate, with ids and counts only.
#: child_id is a plain number, not a reference: the child's record goes.
DESTRUCTIONS = """
CREATE TABLE destruction_requests (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL,
    rule_years INTEGER NOT NULL,
    review_on TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    requested_at TEXT NOT NULL,
    requested_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE TRIGGER destruction_requests_no_update BEFORE UPDATE ON destruction_requests
BEGIN SELECT RAISE(ABORT, 'immutable: a destruction request cannot be changed'); END;
CREATE TRIGGER destruction_requests_no_delete BEFORE DELETE ON destruction_requests
BEGIN SELECT RAISE(ABORT, 'immutable: a destruction request cannot be deleted'); END;

CREATE TABLE destructions (
    request_id INTEGER PRIMARY KEY REFERENCES destruction_requests(id),
    destroyed_at TEXT NOT NULL,
    destroyed_by INTEGER NOT NULL REFERENCES users(id),
    rows_deleted TEXT NOT NULL
);
CREATE TRIGGER destructions_two_people BEFORE INSERT ON destructions
WHEN NEW.destroyed_by = (SELECT requested_by FROM destruction_requests WHERE id = NEW.request_id)
BEGIN SELECT RAISE(ABORT, 'immutable: a destruction needs a second person'); END;
CREATE TRIGGER destructions_no_update BEFORE UPDATE ON destructions
BEGIN SELECT RAISE(ABORT, 'immutable: a destruction certificate cannot be changed'); END;
CREATE TRIGGER destructions_no_delete BEFORE DELETE ON destructions
BEGIN SELECT RAISE(ABORT, 'immutable: a destruction certificate cannot be deleted'); END;
"""

#: subject access requests: the case, its steps (extended, sent, closed) and the redactions
#: made for it; all append-only, and the records redacted are never touched
SARS = """
CREATE TABLE sar_cases (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES children(id),
    requester TEXT NOT NULL CHECK (length(trim(requester)) > 0),
    relationship TEXT NOT NULL DEFAULT '',
    received_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    opened_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE TRIGGER sar_cases_no_update BEFORE UPDATE ON sar_cases
BEGIN SELECT RAISE(ABORT, 'immutable: a subject access request cannot be changed'); END;
CREATE TRIGGER sar_cases_no_delete BEFORE DELETE ON sar_cases
BEGIN SELECT RAISE(ABORT, 'immutable: a subject access request cannot be deleted'); END;

CREATE TABLE sar_steps (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES sar_cases(id),
    step TEXT NOT NULL CHECK (step IN ('extended', 'sent', 'closed')),
    happened_on TEXT NOT NULL,
    detail TEXT NOT NULL CHECK (length(trim(detail)) > 0),
    new_due TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE TRIGGER sar_steps_after_the_end BEFORE INSERT ON sar_steps
WHEN EXISTS (SELECT 1 FROM sar_steps WHERE case_id = NEW.case_id
             AND step IN ('sent', 'closed'))
BEGIN SELECT RAISE(ABORT, 'immutable: the request is already answered or closed'); END;
CREATE TRIGGER sar_steps_no_update BEFORE UPDATE ON sar_steps
BEGIN SELECT RAISE(ABORT, 'immutable: a request step cannot be changed'); END;
CREATE TRIGGER sar_steps_no_delete BEFORE DELETE ON sar_steps
BEGIN SELECT RAISE(ABORT, 'immutable: a request step cannot be deleted'); END;

CREATE TABLE sar_redactions (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES sar_cases(id),
    record TEXT NOT NULL,
    field TEXT NOT NULL CHECK (field IN ('event', 'decision', 'outcome', 'child_words')),
    text TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('other child', 'family member', 'third party',
                                       'member of staff')),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    made_at TEXT NOT NULL,
    made_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX sar_redactions_case ON sar_redactions(case_id, id);
CREATE TRIGGER sar_redactions_no_update BEFORE UPDATE ON sar_redactions
BEGIN SELECT RAISE(ABORT, 'immutable: a redaction cannot be changed'); END;
CREATE TRIGGER sar_redactions_no_delete BEFORE DELETE ON sar_redactions
BEGIN SELECT RAISE(ABORT, 'immutable: a redaction cannot be deleted'); END;
"""

#: a child's whole file between two schools that run CE Recorder: the packets this vault
#: sealed (to match their signed receipts) and the files it received, kept as signed
RECEIVED = """
CREATE TABLE transfer_packets (
    packet_id TEXT PRIMARY KEY,
    transfer_id INTEGER REFERENCES transfers(id),
    child_id INTEGER NOT NULL REFERENCES children(id),
    content_hash TEXT NOT NULL,
    to_school TEXT NOT NULL,
    to_verify_key TEXT NOT NULL,
    sealed_at TEXT NOT NULL,
    sealed_by INTEGER NOT NULL REFERENCES users(id),
    receipt_at TEXT,
    receipt_by TEXT
);
CREATE TRIGGER transfer_packets_receipt_once BEFORE UPDATE ON transfer_packets
WHEN OLD.receipt_at IS NOT NULL OR NEW.packet_id IS NOT OLD.packet_id
  OR NEW.content_hash IS NOT OLD.content_hash OR NEW.to_verify_key IS NOT OLD.to_verify_key
  OR NEW.child_id IS NOT OLD.child_id OR NEW.sealed_at IS NOT OLD.sealed_at
BEGIN SELECT RAISE(ABORT, 'immutable: a sealed transfer packet cannot be changed'); END;
CREATE TRIGGER transfer_packets_no_delete BEFORE DELETE ON transfer_packets
BEGIN SELECT RAISE(ABORT, 'immutable: a sealed transfer packet cannot be deleted'); END;

CREATE TABLE received_files (
    id INTEGER PRIMARY KEY,
    packet_id TEXT NOT NULL UNIQUE,
    child_id INTEGER NOT NULL REFERENCES children(id),
    from_school TEXT NOT NULL,
    signer TEXT NOT NULL,
    document_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    envelope BLOB NOT NULL,
    received_at TEXT NOT NULL,
    received_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX received_files_child ON received_files(child_id);
CREATE TRIGGER received_files_no_update BEFORE UPDATE ON received_files
BEGIN SELECT RAISE(ABORT, 'immutable: a received file cannot be changed'); END;
CREATE TRIGGER received_files_no_delete BEFORE DELETE ON received_files
BEGIN SELECT RAISE(ABORT, 'immutable: a received file cannot be deleted'); END;
"""

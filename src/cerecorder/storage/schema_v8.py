"""Migration 8: the concerns waiting for a DSL's decision, kept by triggers in a table of
their own. Finding them otherwise walks every submitted concern and looks each up in the
triage table (0.4 s on the decade vault); the triage queue and Needs attention read the
few rows here instead. Nothing outside these triggers writes the table.
"""

from __future__ import annotations

V8 = """
CREATE TABLE triage_waiting (
    concern_id INTEGER PRIMARY KEY REFERENCES concerns(id) ON DELETE CASCADE
);
INSERT INTO triage_waiting(concern_id)
SELECT id FROM concerns c WHERE status = 'submitted'
AND NOT EXISTS (SELECT 1 FROM triage t WHERE t.concern_id = c.id);
CREATE TRIGGER triage_waiting_submitted AFTER UPDATE OF status ON concerns
WHEN NEW.status = 'submitted' AND OLD.status IS NOT 'submitted'
BEGIN
    INSERT OR IGNORE INTO triage_waiting(concern_id)
    SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM triage WHERE concern_id = NEW.id);
END;
CREATE TRIGGER triage_waiting_filed AFTER INSERT ON concerns
WHEN NEW.status = 'submitted'
BEGIN
    INSERT OR IGNORE INTO triage_waiting(concern_id) VALUES (NEW.id);
END;
CREATE TRIGGER triage_waiting_decided AFTER INSERT ON triage
BEGIN
    DELETE FROM triage_waiting WHERE concern_id = NEW.concern_id;
END;
"""

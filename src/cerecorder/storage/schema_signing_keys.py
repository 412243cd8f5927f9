"""Migration 19's SQL: the vault's signing keys that were retired, each when and for
which successor, with the succession statement both keys signed (crypto/signing.py).

Removing a user retires the signing key they could read. What the retired key signed
before then still verifies (anchors, receipts, cards); what it signed after is forged.
The history is append-only, and the one signing key is replaced only by the successor
its history row names.
"""

from __future__ import annotations


def signing_keys_sql(append_only: str) -> str:
    return """
CREATE TABLE retired_signing_keys (
    id INTEGER PRIMARY KEY,
    verify_key TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    retired_at TEXT NOT NULL,
    successor TEXT NOT NULL UNIQUE,
    succession TEXT NOT NULL,
    CHECK (successor <> verify_key)
);
CREATE TRIGGER signing_key_replaced_by_successor BEFORE UPDATE ON signing_key
WHEN NOT EXISTS (SELECT 1 FROM retired_signing_keys
                 WHERE verify_key = OLD.verify_key AND successor = NEW.verify_key)
BEGIN SELECT RAISE(ABORT, 'the signing key is replaced only by its recorded successor');
END;
""" + append_only.format(table="retired_signing_keys", what="a retired signing key")

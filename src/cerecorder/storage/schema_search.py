"""Migration 8: indexes for concern search and the DSL's follow-up.

A search sorts its matches newest first. With many matches it walks concerns_recent from
the newest and stops at the page's end, instead of looking up each match's time; the
word's decisions are mapped to their concern on a narrow index, not the wide rows; and
the actions and outcomes on a concern are found without reading every action.
Each full-text index is merged into one segment ('optimize'): a decade of one-by-one
saves leaves many, and each word of a search looked in every one (three times slower).
"""

from __future__ import annotations

V8 = """
CREATE INDEX concerns_recent ON concerns(status, occurred_at, id, author_id);
CREATE INDEX triage_search ON triage(id, concern_id);
CREATE INDEX actions_concern ON actions(concern_id);
CREATE INDEX outcomes_concern ON outcomes(concern_id);
CREATE INDEX outcomes_action ON outcomes(action_id) WHERE action_id IS NOT NULL;
""" + "".join(f"INSERT INTO {table}_fts({table}_fts) VALUES ('optimize');\n" for table in (
    "concerns", "addenda", "children", "triage", "actions", "outcomes"))

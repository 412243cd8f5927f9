"""The contextual register and pattern flags in SQL (migration 6). No role checks here."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from types import MappingProxyType
from typing import Any

from cerecorder.domain.errors import NotFound
from cerecorder.domain.model import EntryKind, Mention
from cerecorder.domain.patterns import (
    ConcernFact,
    EventFact,
    Flag,
    FlagReview,
    FlagStatus,
    Ref,
    ReviewOutcome,
)
from cerecorder.domain.register import Entry, EntryDetails, Link, PendingMention, Revision
from cerecorder.domain.timefmt import from_utc_text, to_utc_text
from cerecorder.storage.repositories import _Repository


def _marks(values: list[Any]) -> str:
    return ", ".join("?" * len(values))


class RegisterRepository(_Repository):
    _LATEST = ("SELECT e.id, e.kind, e.created_at, r.details FROM register_entries e "
               "JOIN register_revisions r ON r.id = (SELECT max(id) FROM register_revisions "
               "WHERE entry_id = e.id)")

    @staticmethod
    def _details(kind: EntryKind, text: str) -> EntryDetails:
        return EntryDetails(kind, MappingProxyType(dict(json.loads(text))))

    def _entry(self, row: tuple[Any, ...]) -> Entry:
        kind = EntryKind(str(row[1]))
        return Entry(int(row[0]), kind, from_utc_text(str(row[2])),
                     self._details(kind, str(row[3])))

    def add_entry(self, kind: EntryKind, now: datetime, by: int) -> int:
        return self._insert("INSERT INTO register_entries(kind, created_at, created_by) "
                            "VALUES (?, ?, ?)", (kind.value, to_utc_text(now), by))

    def add_revision(self, entry_id: int, details: EntryDetails, reason: str, now: datetime,
                     by: int) -> int:
        return self._insert(
            "INSERT INTO register_revisions(entry_id, key, details, reason, revised_at, "
            "revised_by) VALUES (?, ?, ?, ?, ?, ?)",
            (entry_id, details.key, json.dumps(dict(details.values), sort_keys=True,
                                               ensure_ascii=False), reason, to_utc_text(now), by))

    def get(self, entry_id: int) -> Entry:
        rows = self._rows(self._LATEST + " WHERE e.id = ?", (entry_id,))
        if not rows:
            raise NotFound(f"register entry {entry_id}")
        return self._entry(rows[0])

    def many(self, entry_ids: Iterable[int]) -> dict[int, Entry]:
        ids = sorted(set(entry_ids))
        found: dict[int, Entry] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            found.update((e.id, e) for e in map(self._entry, self._rows(
                self._LATEST + f" WHERE e.id IN ({_marks(chunk)})", chunk)))
        return found

    def all(self, kind: EntryKind | None = None) -> list[Entry]:
        where, params = ("", ()) if kind is None else (" WHERE e.kind = ?", (kind.value,))
        return [self._entry(r) for r in self._rows(self._LATEST + where + " ORDER BY e.id",
                                                   params)]

    def by_key(self, kind: EntryKind, key: str) -> list[int]:
        """Entries of a kind whose latest revision has this key."""
        return [int(r[0]) for r in self._rows(
            "SELECT r.entry_id FROM register_revisions r JOIN register_entries e "
            "ON e.id = r.entry_id WHERE r.key = ? AND e.kind = ? AND r.id = "
            "(SELECT max(id) FROM register_revisions WHERE entry_id = r.entry_id) "
            "ORDER BY r.entry_id", (key, kind.value))]

    def revisions(self, entry_ids: Iterable[int]) -> list[Revision]:
        ids = list(entry_ids)
        rows = self._rows(
            "SELECT r.id, r.entry_id, e.kind, r.details, r.reason, r.revised_at, r.revised_by "
            "FROM register_revisions r JOIN register_entries e ON e.id = r.entry_id "
            f"WHERE r.entry_id IN ({_marks(ids)}) ORDER BY r.id", ids)
        return [Revision(int(r[0]), int(r[1]), self._details(EntryKind(str(r[2])), str(r[3])),
                         str(r[4]), from_utc_text(str(r[5])),
                         None if r[6] is None else int(r[6])) for r in rows]

    # --- merges ---

    def merged_map(self) -> dict[int, int]:
        """Each merged entry and the entry it now lives in (the end of any chain)."""
        direct = {int(a): int(b) for a, b in self._rows(
            "SELECT duplicate_id, keep_id FROM register_merges")}
        final: dict[int, int] = {}
        for entry_id in direct:
            target, seen = direct[entry_id], {entry_id}
            while target in direct and target not in seen:
                seen.add(target)
                target = direct[target]
            final[entry_id] = target
        return final

    def add_merge(self, duplicate_id: int, keep_id: int, reason: str, now: datetime,
                  by: int) -> None:
        self._execute("INSERT INTO register_merges(duplicate_id, keep_id, reason, merged_at, "
                      "merged_by) VALUES (?, ?, ?, ?, ?)",
                      (duplicate_id, keep_id, reason, to_utc_text(now), by))

    # --- links ---

    _LINK = ("SELECT id, entry_id, child_id, concern_id, mention, reported_by, seen_at, note "
             "FROM register_links")

    @staticmethod
    def _link(r: tuple[Any, ...]) -> Link:
        return Link(int(r[0]), int(r[1]), int(r[2]), None if r[3] is None else int(r[3]),
                    None if r[4] is None else int(r[4]), None if r[5] is None else int(r[5]),
                    from_utc_text(str(r[6])), str(r[7]))

    def add_link(self, entry_id: int, child_id: int, *, concern_id: int | None,
                 mention: int | None, reported_by: int | None, seen_at: datetime, note: str,
                 now: datetime, by: int) -> int:
        return self._insert(
            "INSERT INTO register_links(entry_id, child_id, concern_id, mention, reported_by, "
            "seen_at, note, linked_at, linked_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (entry_id, child_id, concern_id, mention, reported_by, to_utc_text(seen_at), note,
             to_utc_text(now), by))

    def links_of_entries(self, entry_ids: Iterable[int] | None) -> list[Link]:
        """The links of these entries, or every link."""
        if entry_ids is None:
            return [self._link(r) for r in self._rows(self._LINK + " ORDER BY id")]
        ids = sorted(set(entry_ids))
        return [self._link(r) for start in range(0, len(ids), 500)
                for r in self._rows(self._LINK + f" WHERE entry_id IN "
                                    f"({_marks(ids[start:start + 500])}) ORDER BY id",
                                    ids[start:start + 500])]

    def links_of_children(self, child_ids: Iterable[int]) -> list[Link]:
        ids = sorted(set(child_ids))
        return [self._link(r) for r in self._rows(
            self._LINK + f" WHERE child_id IN ({_marks(ids)}) ORDER BY id", ids)]

    # --- what staff typed ---

    def mention(self, concern_id: int, position: int) -> Mention:
        rows = self._rows("SELECT kind, text FROM concern_mentions WHERE concern_id = ? "
                          "AND position = ?", (concern_id, position))
        if not rows:
            raise NotFound(f"mention {position} of concern {concern_id}")
        return Mention(EntryKind(str(rows[0][0])), str(rows[0][1]))

    def mention_settled(self, concern_id: int, position: int) -> bool:
        return bool(self._rows(
            "SELECT 1 FROM register_links WHERE concern_id = ? AND mention = ? UNION ALL "
            "SELECT 1 FROM mention_dismissals WHERE concern_id = ? AND position = ?",
            (concern_id, position, concern_id, position)))

    def pending_mentions(self) -> list[PendingMention]:
        """Lines on submitted concerns the DSL has neither matched nor set aside. The
        ``+`` starts from the few mentions, not from every submitted concern."""
        rows = self._rows(
            "SELECT m.concern_id, m.position, m.kind, m.text, c.author_id, c.occurred_at "
            "FROM concern_mentions m JOIN concerns c ON c.id = m.concern_id "
            "WHERE +c.status = 'submitted' AND NOT EXISTS (SELECT 1 FROM register_links l "
            "WHERE l.concern_id = m.concern_id AND l.mention = m.position) AND NOT EXISTS "
            "(SELECT 1 FROM mention_dismissals d WHERE d.concern_id = m.concern_id "
            "AND d.position = m.position) ORDER BY c.submitted_at, m.concern_id, m.position")
        return [PendingMention(int(r[0]), int(r[1]), Mention(EntryKind(str(r[2])), str(r[3])),
                               int(r[4]), from_utc_text(str(r[5]))) for r in rows]

    def dismiss_mention(self, concern_id: int, position: int, reason: str, now: datetime,
                        by: int) -> None:
        self._execute("INSERT INTO mention_dismissals(concern_id, position, reason, "
                      "dismissed_at, dismissed_by) VALUES (?, ?, ?, ?, ?)",
                      (concern_id, position, reason, to_utc_text(now), by))


class FlagRepository(_Repository):
    _FLAG = "SELECT id, child_id, rule_code, rule_version, raised_at, status FROM flags"

    def concern_facts(self, *, child_ids: Iterable[int] | None = None,
                      concern_ids: Iterable[int] | None = None) -> list[ConcernFact]:
        """What the rules read of submitted concerns (about these children, or these
        concerns, or all when neither is named): when, which signs, about whom; none of
        what they say. Three plain statements: a correlated subquery per row costs far
        more under SQLCipher's memory security, and this runs on every save. The unary
        ``+`` keeps the planner off the status index, which would walk every submitted
        concern in the vault (85 ms on the decade vault) instead of this child's few."""
        if child_ids is not None:
            ids = sorted(set(child_ids))
            which = [("WHERE concern_id IN (SELECT concern_id FROM concern_children WHERE "
                      f"child_id IN ({_marks(ids)}))", ids)]
        elif concern_ids is not None:
            wanted = sorted(set(concern_ids))
            which = [(f"WHERE concern_id IN ({_marks(wanted[n:n + 500])})", wanted[n:n + 500])
                     for n in range(0, len(wanted), 500)]
        else:
            which = [("", [])]
        heads: list[tuple[Any, ...]] = []
        codes: dict[int, set[str]] = defaultdict(set)
        about: dict[int, set[int]] = defaultdict(set)
        for where, params in which:
            heads += self._rows(
                "SELECT id, occurred_at, taxonomy_version FROM (SELECT id AS concern_id, "
                f"id, occurred_at, taxonomy_version, status FROM concerns) {where}"
                f"{' AND' if where else ' WHERE'} +status = 'submitted'", params)
            for cid, code in self._rows(
                    f"SELECT concern_id, code FROM concern_indicators {where}", params):
                codes[int(cid)].add(str(code))
            for cid, child in self._rows(
                    f"SELECT concern_id, child_id FROM concern_children {where}", params):
                about[int(cid)].add(int(child))
        return [ConcernFact(int(r[0]), from_utc_text(str(r[1])), frozenset(codes[int(r[0])]),
                            str(r[2]), frozenset(about[int(r[0])]))
                for r in sorted(heads, key=lambda r: int(r[0]))]

    def event_facts(self, child_ids: Iterable[int] | None = None
                    ) -> list[tuple[int, EventFact]]:
        """(child id, event) of these children's events, or of every child's."""
        ids = None if child_ids is None else sorted(set(child_ids))
        where = "" if ids is None else f" WHERE child_id IN ({_marks(ids)})"
        return [(int(r[0]), EventFact(int(r[1]), str(r[2]), from_utc_text(str(r[3]))))
                for r in self._rows("SELECT child_id, id, kind, occurred_at FROM events"
                                    + where + " ORDER BY id", ids or ())]

    def _flags(self, rows: list[tuple[Any, ...]]) -> list[Flag]:
        ids = [int(r[0]) for r in rows]
        evidence: dict[int, set[Ref]] = {i: set() for i in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for flag_id, ref_type, ref_id in self._rows(
                    f"SELECT flag_id, ref_type, ref_id FROM flag_evidence WHERE flag_id IN "
                    f"({_marks(chunk)})", chunk):
                evidence[int(flag_id)].add((str(ref_type), int(ref_id)))
        return [Flag(int(r[0]), int(r[1]), str(r[2]), str(r[3]), from_utc_text(str(r[4])),
                     FlagStatus(str(r[5])), frozenset(evidence[int(r[0])])) for r in rows]

    def get(self, flag_id: int) -> Flag:
        rows = self._rows(self._FLAG + " WHERE id = ?", (flag_id,))
        if not rows:
            raise NotFound(f"flag {flag_id}")
        return self._flags(rows)[0]

    def for_children(self, child_ids: Iterable[int] | None) -> list[Flag]:
        """The flags of these children, or every flag."""
        if child_ids is None:
            return self._flags(self._rows(self._FLAG + " ORDER BY id"))
        ids = sorted(set(child_ids))
        return self._flags(self._rows(
            self._FLAG + f" WHERE child_id IN ({_marks(ids)}) ORDER BY id", ids))

    def with_status(self, status: FlagStatus, *, evidence: bool = True) -> list[Flag]:
        """The flags in a state, oldest first; without ``evidence`` their evidence is left
        empty (a list of lines that names only the rule reads thousands fast)."""
        rows = self._rows(self._FLAG + " WHERE status = ? ORDER BY id", (status.value,))
        if evidence:
            return self._flags(rows)
        none: frozenset[Ref] = frozenset()
        return [Flag(int(r[0]), int(r[1]), str(r[2]), str(r[3]), from_utc_text(str(r[4])),
                     status, none) for r in rows]

    def raise_flag(self, child_id: int, rule_code: str, rule_version: str,
                   evidence: Iterable[Ref], now: datetime) -> int:
        flag_id = self._insert("INSERT INTO flags(child_id, rule_code, rule_version, "
                               "raised_at) VALUES (?, ?, ?, ?)",
                               (child_id, rule_code, rule_version, to_utc_text(now)))
        self.add_evidence(flag_id, evidence, now)
        return flag_id

    def add_evidence(self, flag_id: int, evidence: Iterable[Ref], now: datetime) -> None:
        self._executemany(
            "INSERT OR IGNORE INTO flag_evidence(flag_id, ref_type, ref_id, added_at) "
            "VALUES (?, ?, ?, ?)",
            [(flag_id, t, i, to_utc_text(now)) for t, i in sorted(evidence)])

    def set_status(self, flag_id: int, status: FlagStatus) -> None:
        self._execute("UPDATE flags SET status = ? WHERE id = ?", (status.value, flag_id))

    def add_review(self, flag_id: int, outcome: ReviewOutcome, reason: str, now: datetime,
                   tz: str, by: int) -> int:
        return self._insert(
            "INSERT INTO flag_reviews(flag_id, outcome, reason, reviewed_at, tz, reviewed_by) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (flag_id, outcome.value, reason, to_utc_text(now), tz, by))

    def reviews(self, flag_ids: Iterable[int]) -> list[FlagReview]:
        ids = sorted(set(flag_ids))
        return [FlagReview(int(r[0]), int(r[1]), ReviewOutcome(str(r[2])), str(r[3]),
                           from_utc_text(str(r[4])), int(r[5])) for r in self._rows(
            "SELECT id, flag_id, outcome, reason, reviewed_at, reviewed_by FROM flag_reviews "
            f"WHERE flag_id IN ({_marks(ids)}) ORDER BY id", ids)]

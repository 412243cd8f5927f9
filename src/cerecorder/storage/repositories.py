"""Repositories: SQL in, domain dataclasses out. No role checks here (services do that).
The base, the vault's settings, users, concerns and packets; the roll (storage.children),
the DSL's records (storage.dsl_records) and the audit chain (storage.audit_chain) have
modules of their own."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cerecorder.domain.errors import NotFound
from cerecorder.domain.model import (
    Addendum,
    Concern,
    ConcernContent,
    ConcernStatus,
    EntryKind,
    Mention,
    Role,
    Urgency,
    User,
)
from cerecorder.domain.timefmt import from_utc_text, to_utc_text
from cerecorder.storage.connection import Connection, db_errors_explained


def _opt_time(text: str | None) -> datetime | None:
    return None if text is None else from_utc_text(text)


def _opt_time_text(moment: datetime | None) -> str | None:
    return None if moment is None else to_utc_text(moment)


class _Repository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _execute(self, sql: str, params: Iterable[object] = ()) -> object:
        with db_errors_explained():
            return self.conn.execute(sql, tuple(params))

    def _insert(self, sql: str, params: Iterable[object]) -> int:
        with db_errors_explained():
            return int(self.conn.execute(sql, tuple(params)).lastrowid)

    def _executemany(self, sql: str, rows: Iterable[Iterable[object]]) -> None:
        with db_errors_explained():
            self.conn.executemany(sql, [tuple(r) for r in rows])

    def _rows(self, sql: str, params: Iterable[object] = ()) -> list[tuple[Any, ...]]:
        with db_errors_explained():
            return list(self.conn.execute(sql, tuple(params)).fetchall())


class MetaRepository(_Repository):
    def get(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set(self, key: str, value: str) -> None:
        self._execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def delete(self, key: str) -> None:
        self._execute("DELETE FROM meta WHERE key = ?", (key,))


class UserRepository(_Repository):
    _COLUMNS = "id, name, display_name, role"

    def add(self, name: str, display_name: str, role: Role, now: datetime) -> int:
        return self._insert(
            "INSERT INTO users(name, display_name, role, created_at) VALUES (?, ?, ?, ?)",
            (name, display_name, role.value, to_utc_text(now)),
        )

    @staticmethod
    def _user(row: tuple[Any, ...]) -> User:
        return User(int(row[0]), str(row[1]), str(row[2]), Role(str(row[3])))

    def get(self, user_id: int) -> User:
        rows = self._rows(f"SELECT {self._COLUMNS} FROM users WHERE id = ?", (user_id,))
        if not rows:
            raise NotFound(f"user {user_id}")
        return self._user(rows[0])

    def by_name(self, name: str) -> User | None:
        rows = self._rows(
            f"SELECT {self._COLUMNS} FROM users WHERE name = ? AND removed_at IS NULL", (name,)
        )
        return self._user(rows[0]) if rows else None

    def name_ever_used(self, name: str) -> bool:
        """Names stay with their records after a user is removed (the column is UNIQUE)."""
        return bool(self._rows("SELECT 1 FROM users WHERE name = ? COLLATE NOCASE", (name,)))

    def is_active(self, user_id: int) -> bool:
        return bool(self._rows(
            "SELECT 1 FROM users WHERE id = ? AND removed_at IS NULL", (user_id,)))

    def active(self) -> list[User]:
        rows = self._rows(
            f"SELECT {self._COLUMNS} FROM users WHERE removed_at IS NULL ORDER BY name"
        )
        return [self._user(r) for r in rows]

    def display_names(self) -> dict[int, str]:
        return {int(r[0]): str(r[1]) for r in self._rows("SELECT id, display_name FROM users")}

    def roles(self) -> dict[int, Role]:
        """Every user's role, removed users too (their records keep their author)."""
        return {int(r[0]): Role(str(r[1])) for r in self._rows("SELECT id, role FROM users")}

    def mark_removed(self, user_id: int, now: datetime) -> None:
        self._execute("UPDATE users SET removed_at = ? WHERE id = ?", (to_utc_text(now), user_id))


# A concern about two records of one child (merged later) counts once, for the record it
# was merged into (services fold a chain of merges on to its end).
_WALK_PER_LOOKUP = 20
_WALK_STEP = 2000


class ConcernRepository(_Repository):
    _COLUMNS = (
        "id, uid, status, author_id, created_at, tz, submitted_at, taxonomy_version, "
        "occurred_at, location, facts, child_words, opinion, indicators_other, action_taken, "
        "informed, urgency"
    )

    def create_draft(
        self,
        uid: str,
        author_id: int,
        now: datetime,
        tz: str,
        taxonomy_version: str,
        content: ConcernContent,
    ) -> int:
        concern_id = self._insert(
            "INSERT INTO concerns(uid, status, author_id, created_at, tz, updated_at, "
            "taxonomy_version, urgency) VALUES (?, 'draft', ?, ?, ?, ?, ?, ?)",
            (uid, author_id, to_utc_text(now), tz, to_utc_text(now), taxonomy_version,
             content.urgency.value),
        )
        self.update_draft(concern_id, content, now)
        return concern_id

    def update_draft(self, concern_id: int, content: ConcernContent, now: datetime) -> None:
        self._execute(
            "UPDATE concerns SET updated_at = ?, occurred_at = ?, location = ?, facts = ?, "
            "child_words = ?, opinion = ?, indicators_other = ?, action_taken = ?, "
            "informed = ?, urgency = ? WHERE id = ?",
            (
                to_utc_text(now), _opt_time_text(content.occurred_at), content.location,
                content.facts, content.child_words, content.opinion, content.indicators_other,
                content.action_taken, content.informed, content.urgency.value, concern_id,
            ),
        )
        self._execute("DELETE FROM concern_children WHERE concern_id = ?", (concern_id,))
        self._execute("DELETE FROM concern_indicators WHERE concern_id = ?", (concern_id,))
        self._execute("DELETE FROM concern_mentions WHERE concern_id = ?", (concern_id,))
        with db_errors_explained():
            self.conn.executemany(
                "INSERT INTO concern_mentions(concern_id, position, kind, text) "
                "VALUES (?, ?, ?, ?)",
                [(concern_id, n, m.kind.value, m.text) for n, m in enumerate(content.mentions)],
            )
            self.conn.executemany(
                "INSERT INTO concern_children(concern_id, child_id, position) VALUES (?, ?, ?)",
                [(concern_id, c, n) for n, c in enumerate(dict.fromkeys(content.child_ids))],
            )
            self.conn.executemany(
                "INSERT INTO concern_indicators(concern_id, code) VALUES (?, ?)",
                [(concern_id, code) for code in sorted(content.indicator_codes)],
            )

    def submit(self, concern_id: int, now: datetime) -> None:
        self._execute(
            "UPDATE concerns SET status = 'submitted', submitted_at = ?, updated_at = ? "
            "WHERE id = ? AND status = 'draft'",
            (to_utc_text(now), to_utc_text(now), concern_id),
        )

    def delete_draft(self, concern_id: int) -> None:
        """The draft, its body map and its attachments (the triggers keep a submitted
        concern's)."""
        self._execute("DELETE FROM body_marks WHERE map_id IN (SELECT id FROM body_maps "
                      "WHERE concern_id = ?)", (concern_id,))
        self._execute("DELETE FROM body_maps WHERE concern_id = ?", (concern_id,))
        self._execute("DELETE FROM attachment_chunks WHERE attachment_id IN (SELECT id FROM "
                      "attachments WHERE concern_id = ?)", (concern_id,))
        self._execute("DELETE FROM attachments WHERE concern_id = ?", (concern_id,))
        self._execute("DELETE FROM concerns WHERE id = ? AND status = 'draft'", (concern_id,))

    def _links(self, concern_ids: list[int]) -> tuple[
            dict[int, list[int]], dict[int, set[str]], dict[int, list[Mention]]]:
        children: dict[int, list[int]] = {i: [] for i in concern_ids}
        codes: dict[int, set[str]] = {i: set() for i in concern_ids}
        mentions: dict[int, list[Mention]] = {i: [] for i in concern_ids}
        for start in range(0, len(concern_ids), 500):
            chunk = concern_ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for cid, child in self._rows(
                f"SELECT concern_id, child_id FROM concern_children WHERE concern_id IN ({marks})"
                " ORDER BY concern_id, position",
                chunk,
            ):
                children[int(cid)].append(int(child))
            for cid, code in self._rows(
                f"SELECT concern_id, code FROM concern_indicators WHERE concern_id IN ({marks})",
                chunk,
            ):
                codes[int(cid)].add(str(code))
            for cid, kind, text in self._rows(
                f"SELECT concern_id, kind, text FROM concern_mentions WHERE concern_id IN "
                f"({marks}) ORDER BY concern_id, position",
                chunk,
            ):
                mentions[int(cid)].append(Mention(EntryKind(str(kind)), str(text)))
        return children, codes, mentions

    def _concerns(self, rows: list[tuple[Any, ...]]) -> list[Concern]:
        ids = [int(r[0]) for r in rows]
        children, codes, mentions = self._links(ids)
        result = []
        for r in rows:
            cid = int(r[0])
            content = ConcernContent(
                child_ids=tuple(children[cid]),
                occurred_at=_opt_time(r[8]),
                location=str(r[9]),
                facts=str(r[10]),
                child_words=str(r[11]),
                opinion=str(r[12]),
                indicator_codes=frozenset(codes[cid]),
                indicators_other=str(r[13]),
                action_taken=str(r[14]),
                informed=str(r[15]),
                urgency=Urgency(str(r[16])),
                mentions=tuple(mentions[cid]),
            )
            result.append(
                Concern(
                    id=cid,
                    uid=str(r[1]),
                    status=ConcernStatus(str(r[2])),
                    author_id=int(r[3]),
                    created_at=from_utc_text(str(r[4])),
                    tz=str(r[5]),
                    submitted_at=_opt_time(r[6]),
                    taxonomy_version=str(r[7]),
                    content=content,
                )
            )
        return result

    def get(self, concern_id: int) -> Concern:
        rows = self._rows(f"SELECT {self._COLUMNS} FROM concerns WHERE id = ?", (concern_id,))
        if not rows:
            raise NotFound(f"concern {concern_id}")
        return self._concerns(rows)[0]

    def by_author(self, author_id: int, status: ConcernStatus | None = None) -> list[Concern]:
        sql = f"SELECT {self._COLUMNS} FROM concerns WHERE author_id = ?"
        params: list[object] = [author_id]
        if status is not None:
            sql += " AND status = ?"
            params.append(status.value)
        return self._concerns(self._rows(sql + " ORDER BY created_at DESC, id DESC", params))

    def untriaged(self) -> list[Concern]:
        """The DSL's queue: submitted, not yet triaged; most urgent, then oldest, first."""
        rows = self._rows(
            f"SELECT {self._COLUMNS} FROM concerns c WHERE +status = 'submitted' "
            "AND id IN (SELECT concern_id FROM triage_waiting) "  # kept by triggers
            "AND NOT EXISTS (SELECT 1 FROM triage t WHERE t.concern_id = c.id) "
            "ORDER BY CASE urgency WHEN 'immediate' THEN 0 WHEN 'high' THEN 1 "
            "WHEN 'medium' THEN 2 ELSE 3 END, submitted_at, id"
        )
        return self._concerns(rows)

    def for_child(self, child_id: int) -> list[Concern]:
        rows = self._rows(
            f"SELECT {', '.join('c.' + c for c in self._COLUMNS.split(', '))} "
            "FROM concern_children cc JOIN concerns c ON c.id = cc.concern_id "
            "WHERE cc.child_id = ? AND c.status = 'submitted'",
            (child_id,),
        )
        return self._concerns(rows)

    def add_addendum(
        self, concern_id: int, author_id: int, now: datetime, tz: str, body: str
    ) -> int:
        return self._insert(
            "INSERT INTO addenda(concern_id, author_id, created_at, tz, body) "
            "VALUES (?, ?, ?, ?, ?)",
            (concern_id, author_id, to_utc_text(now), tz, body),
        )

    def addenda(self, concern_ids: Iterable[int]) -> list[Addendum]:
        ids = list(concern_ids)
        result: list[Addendum] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self._rows(
                "SELECT id, concern_id, author_id, created_at, tz, body FROM addenda "
                f"WHERE concern_id IN ({marks}) ORDER BY created_at, id",
                chunk,
            )
            result += [
                Addendum(int(r[0]), int(r[1]), int(r[2]), from_utc_text(str(r[3])), str(r[4]),
                         str(r[5]))
                for r in rows
            ]
        return result

    def search(self, terms: list[SearchTerm], author_id: int | None, limit: int, *,
               dsl_work: bool) -> list[int]:
        """Ids of submitted concerns that every term matches somewhere: in the concern,
        an addendum, a child's name (or the name of the record a child was merged into)
        and, with `dsl_work`, a decision, action or outcome on it; most recent event
        first. Each source is one small FTS query and the sets are joined here: one SQL
        statement doing the unions and intersections took several times longer."""
        found: set[int] | None = None
        for term in terms:
            matched = self._matching(term, dsl_work=dsl_work)
            found = matched if found is None else found & matched
            if not found:
                return []
        if found is None:
            return []
        author = "" if author_id is None else " AND author_id = ?"
        params: list[object] = [] if author_id is None else [author_id]
        (newest_id,), = self._rows("SELECT coalesce(max(id), 0) FROM concerns")
        # Matches spread evenly fill a page within about this many concerns of the newest
        reach = int(newest_id) * limit // len(found) + _WALK_STEP
        if len(found) * _WALK_PER_LOOKUP < reach:  # few: look up each one's time, sort
            rows = self._rows(
                "SELECT id FROM concerns INDEXED BY concerns_search"
                f" WHERE id IN (SELECT value FROM json_each(?)) AND status = 'submitted'{author}"
                " ORDER BY occurred_at DESC, id DESC LIMIT ?",
                [json.dumps(sorted(found)), *params, limit])
            return [int(r[0]) for r in rows]
        # many: walk the concerns from the newest, keeping the matches, until the page fills
        hits: list[int] = []
        with db_errors_explained():
            walk = self.conn.execute(
                "SELECT id FROM concerns INDEXED BY concerns_recent"
                f" WHERE status = 'submitted'{author} ORDER BY occurred_at DESC, id DESC",
                tuple(params))
            while len(hits) < limit and (step := walk.fetchmany(_WALK_STEP)):
                hits += [int(r[0]) for r in step if r[0] in found]
            walk.close()
        return hits[:limit]

    def _matching(self, term: SearchTerm, *, dsl_work: bool) -> set[int]:
        """Ids of the concerns (any status) one term matches, from every source."""
        sources: list[tuple[str, list[object]]] = [(sql, [term.match]) for sql in (
            "SELECT rowid FROM concerns_fts WHERE concerns_fts MATCH ?",
            "SELECT a.concern_id FROM addenda_fts JOIN addenda a"
            " ON a.id = addenda_fts.rowid WHERE addenda_fts MATCH ?",
            "SELECT cc.concern_id FROM children_fts JOIN concern_children cc"
            " ON cc.child_id = children_fts.rowid WHERE children_fts MATCH ?",
            "SELECT cc.concern_id FROM children_fts JOIN children d"
            " ON d.merged_into = children_fts.rowid JOIN concern_children cc"
            " ON cc.child_id = d.id WHERE children_fts MATCH ?",
        )]
        if dsl_work:
            sources += [(sql, [term.match]) for sql in (
                "SELECT t.concern_id FROM triage_fts JOIN triage t INDEXED BY triage_search"
                " ON t.id = triage_fts.rowid WHERE triage_fts MATCH ?",
                "SELECT x.concern_id FROM actions_fts JOIN actions x"
                " ON x.id = actions_fts.rowid WHERE actions_fts MATCH ?",
                "SELECT COALESCE(o.concern_id, (SELECT concern_id FROM actions"
                " WHERE id = o.action_id)) FROM outcomes_fts JOIN outcomes o"
                " ON o.id = outcomes_fts.rowid WHERE outcomes_fts MATCH ?",
            )]
            if term.decisions:
                sources.append(("SELECT concern_id FROM triage WHERE decision IN"
                                f" ({', '.join('?' * len(term.decisions))})",
                                list(term.decisions)))
            if term.actions:
                sources.append(("SELECT concern_id FROM actions WHERE kind IN"
                                f" ({', '.join('?' * len(term.actions))})",
                                list(term.actions)))
        return {int(r[0]) for sql, params in sources for r in self._rows(sql, params)
                if r[0] is not None}

    def many(self, concern_ids: Iterable[int]) -> dict[int, Concern]:
        ids = list(concern_ids)
        found: dict[int, Concern] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self._rows(f"SELECT {self._COLUMNS} FROM concerns WHERE id IN ({marks})", chunk)
            found.update((c.id, c) for c in self._concerns(rows))
        return found


@dataclass(frozen=True)
class SearchTerm:
    """One word of a search: its FTS5 query, and the decision and action codes whose
    labels it matches (those are stored as codes, not words)."""

    match: str
    decisions: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()


class PacketRepository(_Repository):
    """Sealed packets: this vault's signing key and DSL packet identities, staff enrolled
    to send to it, packets received and sent. Secrets stay inside the encrypted vault."""

    def signing_key(self) -> tuple[str, str] | None:
        rows = self._rows("SELECT secret, verify_key FROM signing_key WHERE id = 1")
        return (str(rows[0][0]), str(rows[0][1])) if rows else None

    def set_signing_key(self, secret: str, verify_key: str, now: datetime) -> None:
        self._execute("INSERT INTO signing_key(id, secret, verify_key, created_at) "
                      "VALUES (1, ?, ?, ?)", (secret, verify_key, to_utc_text(now)))

    def identities(self) -> list[tuple[int, str, str]]:
        """(user id, age identity, recipient) of every DSL packet identity."""
        return [(int(r[0]), str(r[1]), str(r[2])) for r in self._rows(
            "SELECT user_id, identity, recipient FROM packet_identities ORDER BY user_id")]

    def add_identity(self, user_id: int, identity: str, recipient: str, now: datetime) -> None:
        self._execute("INSERT INTO packet_identities(user_id, identity, recipient, created_at)"
                      " VALUES (?, ?, ?, ?)", (user_id, identity, recipient, to_utc_text(now)))

    def enrol(self, verify_key: str, user_id: int, now: datetime, by: int) -> bool:
        cursor = self._execute(
            "INSERT OR IGNORE INTO enrolled_staff(verify_key, user_id, enrolled_at, enrolled_by)"
            " VALUES (?, ?, ?, ?)", (verify_key, user_id, to_utc_text(now), by))
        return bool(getattr(cursor, "rowcount", 0))

    def revoke(self, verify_key: str) -> list[int]:
        """Stop trusting a laptop's key for everyone it was enrolled for; their ids."""
        user_ids = sorted(self.enrolled_user_ids(verify_key))
        self._execute("DELETE FROM enrolled_staff WHERE verify_key = ?", (verify_key,))
        return user_ids

    def issued_cards(self) -> dict[str, int | None]:
        """Fingerprint -> how many recipients, of every recipient card this vault has
        exported (from the audit, which is append-only and hash-chained); None for a card
        exported before the audit said."""
        return {str(r[0]): None if r[1] is None else int(r[1]) for r in self._rows(
            "SELECT json_extract(detail, '$.fingerprint'), "
            "max(json_extract(detail, '$.recipients')) FROM audit "
            "WHERE action = 'recipient_card_exported' GROUP BY 1")}

    def was_revoked(self, fingerprint: str) -> bool:
        """Whether a staff laptop with this verify-key fingerprint was ever revoked here."""
        return bool(self._rows(
            "SELECT 1 FROM audit WHERE action = 'staff_enrolment_revoked' "
            "AND json_extract(detail, '$.fingerprint') = ? LIMIT 1", (fingerprint,)))

    def enrolled_user_ids(self, verify_key: str) -> set[int]:
        return {int(r[0]) for r in self._rows(
            "SELECT user_id FROM enrolled_staff WHERE verify_key = ?", (verify_key,))}

    def enrolments(self) -> list[tuple[str, int, datetime]]:
        """(verify key, user id, enrolled at), oldest first."""
        return [(str(r[0]), int(r[1]), from_utc_text(str(r[2]))) for r in self._rows(
            "SELECT verify_key, user_id, enrolled_at FROM enrolled_staff ORDER BY id")]

    def imported(self, packet_id: str) -> tuple[str, int | None] | None:
        """(content hash, concern id or None while held) of a packet already received."""
        rows = self._rows("SELECT content_hash, concern_id FROM imported_packets "
                          "WHERE packet_id = ?", (packet_id,))
        if not rows:
            return None
        return str(rows[0][0]), None if rows[0][1] is None else int(rows[0][1])

    def concern_uid_exists(self, uid: str) -> bool:
        return bool(self._rows("SELECT 1 FROM concerns WHERE uid = ?", (uid,)))

    def submitted_by_uid(self, uid: str) -> tuple[int, int] | None:
        """(concern id, author id) of the submitted concern with this uid."""
        rows = self._rows("SELECT id, author_id FROM concerns WHERE uid = ? "
                          "AND status = 'submitted'", (uid,))
        return (int(rows[0][0]), int(rows[0][1])) if rows else None

    def add_imported(
        self, packet_id: str, content_hash: str, signer: str, author_id: int, now: datetime,
        by: int, *, concern_id: int | None, held_document: str | None,
        addendum_id: int | None = None,
    ) -> None:
        self._execute(
            "INSERT INTO imported_packets(packet_id, content_hash, signer, author_id, "
            "received_at, imported_by, concern_id, addendum_id, held_document) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (packet_id, content_hash, signer, author_id, to_utc_text(now), by, concern_id,
             addendum_id, held_document))

    def held_document(self, packet_id: str) -> tuple[str, int]:
        """(signed document, author id) of a packet held for a child to be matched."""
        rows = self._rows("SELECT held_document, author_id FROM imported_packets "
                          "WHERE packet_id = ?", (packet_id,))
        if not rows or rows[0][0] is None:
            raise NotFound(f"held packet {packet_id}")
        return str(rows[0][0]), int(rows[0][1])

    def file_held(self, packet_id: str, concern_id: int) -> None:
        self._execute("UPDATE imported_packets SET concern_id = ?, held_document = NULL "
                      "WHERE packet_id = ?", (concern_id, packet_id))

    def add_review(self, packet_id: str, position: int, sent_child: str,
                   child_id: int | None) -> None:
        self._execute("INSERT INTO packet_reviews(packet_id, position, sent_child, child_id) "
                      "VALUES (?, ?, ?, ?)", (packet_id, position, sent_child, child_id))

    def open_reviews(self) -> list[tuple[int, str, str, int, datetime]]:
        """(review id, packet id, child as sent, author id, received at) not yet matched."""
        return [(int(r[0]), str(r[1]), str(r[2]), int(r[3]), from_utc_text(str(r[4])))
                for r in self._rows(
            "SELECT r.id, r.packet_id, r.sent_child, p.author_id, p.received_at "
            "FROM packet_reviews r JOIN imported_packets p ON p.packet_id = r.packet_id "
            "WHERE r.child_id IS NULL ORDER BY p.received_at, r.packet_id, r.position")]

    def review_packet(self, review_id: int) -> tuple[str, str, int | None]:
        rows = self._rows("SELECT packet_id, sent_child, child_id FROM packet_reviews "
                          "WHERE id = ?", (review_id,))
        if not rows:
            raise NotFound(f"review {review_id}")
        return str(rows[0][0]), str(rows[0][1]), None if rows[0][2] is None else int(rows[0][2])

    def resolve_review(self, review_id: int, child_id: int, now: datetime, by: int) -> None:
        self._execute("UPDATE packet_reviews SET child_id = ?, resolved_at = ?, resolved_by = ? "
                      "WHERE id = ? AND child_id IS NULL",
                      (child_id, to_utc_text(now), by, review_id))

    def review_children(self, packet_id: str) -> list[int | None]:
        return [None if r[0] is None else int(r[0]) for r in self._rows(
            "SELECT child_id FROM packet_reviews WHERE packet_id = ? ORDER BY position",
            (packet_id,))]

    def unsent_concerns(self, author_id: int) -> list[int]:
        return [int(r[0]) for r in self._rows(
            "SELECT c.id FROM concerns c WHERE c.author_id = ? AND c.status = 'submitted' "
            "AND NOT EXISTS (SELECT 1 FROM sent_packets s WHERE s.concern_id = c.id "
            "AND s.addendum_id IS NULL) ORDER BY c.submitted_at, c.id", (author_id,))]

    def unsent_addenda(self, author_id: int) -> list[tuple[int, int]]:
        """(addendum id, concern id) of my addenda to my concerns not yet sent, oldest
        first; only once the concern itself has gone (the DSL files it first)."""
        return [(int(r[0]), int(r[1])) for r in self._rows(
            "SELECT a.id, a.concern_id FROM addenda a JOIN concerns c ON c.id = a.concern_id "
            "WHERE a.author_id = ? AND c.author_id = a.author_id "
            "AND EXISTS (SELECT 1 FROM sent_packets s WHERE s.concern_id = c.id "
            "AND s.addendum_id IS NULL) "
            "AND NOT EXISTS (SELECT 1 FROM sent_packets s WHERE s.addendum_id = a.id) "
            "ORDER BY a.created_at, a.id", (author_id,))]

    def add_sent(self, packet_id: str, concern_id: int, content_hash: str,
                 card_fingerprint: str, dsl_verify_key: str, now: datetime,
                 addendum_id: int | None = None) -> None:
        self._execute(
            "INSERT INTO sent_packets(packet_id, concern_id, addendum_id, content_hash, "
            "card_fingerprint, dsl_verify_key, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (packet_id, concern_id, addendum_id, content_hash, card_fingerprint,
             dsl_verify_key, to_utc_text(now)))

    def awaiting_receipt(self, author_id: int) -> list[tuple[str, str, str]]:
        """(packet id, content hash, DSL verify key) of sent packets not yet received."""
        return [(str(r[0]), str(r[1]), str(r[2])) for r in self._rows(
            "SELECT s.packet_id, s.content_hash, s.dsl_verify_key FROM sent_packets s "
            "JOIN concerns c ON c.id = s.concern_id WHERE c.author_id = ? "
            "AND s.received_at IS NULL", (author_id,))]

    def mark_received(self, packet_id: str, at: datetime) -> None:
        self._execute("UPDATE sent_packets SET received_at = ? WHERE packet_id = ? "
                      "AND received_at IS NULL", (to_utc_text(at), packet_id))

    def sent_by_concern(self, author_id: int) -> dict[int, tuple[datetime, datetime | None]]:
        """concern id -> (sent at, received by the DSL at), for the concerns themselves."""
        return {int(r[0]): (from_utc_text(str(r[1])), _opt_time(r[2])) for r in self._rows(
            "SELECT s.concern_id, s.sent_at, s.received_at FROM sent_packets s "
            "JOIN concerns c ON c.id = s.concern_id WHERE c.author_id = ? "
            "AND s.addendum_id IS NULL", (author_id,))}

    def sent_addenda(self, author_id: int) -> dict[int, tuple[datetime, datetime | None]]:
        """addendum id -> (sent at, received by the DSL at)."""
        return {int(r[0]): (from_utc_text(str(r[1])), _opt_time(r[2])) for r in self._rows(
            "SELECT s.addendum_id, s.sent_at, s.received_at FROM sent_packets s "
            "JOIN concerns c ON c.id = s.concern_id WHERE c.author_id = ? "
            "AND s.addendum_id IS NOT NULL", (author_id,))}

"""The rows reports count, in a few queries over a span of time (no names are read).
No role checks here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cerecorder.storage.repositories import _Repository

#: ids bound in one query (SQLite's limit on variables is far above)
_CHUNK = 500

REFERRALS = ("referral_mash", "referral_csc", "police")


@dataclass(frozen=True)
class ConcernRow:
    concern_id: int
    occurred_at: str  # UTC storage text
    taxonomy_version: str
    child_ids: tuple[int, ...]  # in no particular order


@dataclass(frozen=True)
class ChildRow:
    """What a report may say about a child: year group, sex and the statuses held."""

    child_id: int
    year_group: str
    sex: str
    flags: frozenset[str]  # of send, looked_after, cp_plan, child_in_need


@dataclass(frozen=True)
class ReferralRow:
    action_id: int
    kind: str
    taken_at: str
    outcome: bool


@dataclass(frozen=True)
class LaReferralRow:
    action_id: int
    child_id: int
    concern_id: int | None
    kind: str
    taken_at: str  # UTC storage text
    detail: str
    outcome: str | None  # the first outcome's text, None while awaited


@dataclass(frozen=True)
class PlanRow:
    child_id: int
    kind: str  # cp_plan, child_in_need or early_help
    started_on: str  # yyyy-mm-dd
    ended_on: str | None


class ReportRepository(_Repository):
    def concerns(self, start: str, before: str) -> list[ConcernRow]:
        """Submitted concerns that happened in [start, before), with their children (a
        merged record counted as the record kept), read from indexes alone."""
        merged = dict(self.conn.execute(
            "SELECT id, merged_into FROM children WHERE merged_into IS NOT NULL").fetchall())
        found: dict[int, tuple[str, str, set[int]]] = {}
        for concern_id, occurred, version, child in self.conn.execute(
                "SELECT c.id, c.occurred_at, c.taxonomy_version, cc.child_id "
                "FROM concerns c INDEXED BY concerns_period "
                "LEFT JOIN concern_children cc ON cc.concern_id = c.id "
                "WHERE c.status = 'submitted' AND c.occurred_at >= ? AND c.occurred_at < ?",
                (start, before)):
            row = found.setdefault(concern_id, (occurred, version, set()))
            if child is not None:
                row[2].add(merged.get(child, child))
        return [ConcernRow(k, v[0], v[1], tuple(v[2])) for k, v in found.items()]

    def categories(self, start: str, before: str) -> dict[int, list[str]]:
        """The categories of the concerns that happened in [start, before), by concern
        id (a concern recorded before categories has none here)."""
        found: dict[int, list[str]] = {}
        for concern_id, code in self.conn.execute(
                "SELECT c.id, t.code FROM concerns c INDEXED BY concerns_period "
                "CROSS JOIN concern_categories t ON t.concern_id = c.id "
                "WHERE c.status = 'submitted' AND c.occurred_at >= ? AND c.occurred_at < ?",
                (start, before)):
            found.setdefault(int(concern_id), []).append(str(code))
        return found

    def indicators_of(self, concern_ids: Iterable[int]) -> dict[int, list[str]]:
        """The signs ticked on these concerns, by concern id: for the few recorded
        before categories, far cheaper than every concern of a period."""
        ids = sorted(set(concern_ids))
        found: dict[int, list[str]] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            for concern_id, code in self.conn.execute(
                    "SELECT concern_id, code FROM concern_indicators WHERE concern_id IN "
                    f"({', '.join('?' * len(chunk))})", chunk):
                found.setdefault(int(concern_id), []).append(str(code))
        return found

    def children(self, start_day: str, end_day: str) -> dict[int, ChildRow]:
        """Every child with the statuses held at any time in the period: the record's own
        flags or a dated status (migration 8) running during it."""
        dated: dict[int, set[str]] = {}
        for child_id, kind in self.conn.execute(
                "SELECT s.child_id, s.kind FROM child_statuses s "
                "LEFT JOIN child_status_ends e ON e.status_id = s.id "
                "WHERE s.started_on <= ? AND (e.ended_on IS NULL OR e.ended_on >= ?) "
                "AND s.kind IN ('send', 'looked_after', 'cp_plan', 'child_in_need')",
                (end_day, start_day)):
            dated.setdefault(int(child_id), set()).add(str(kind))
        found: dict[int, ChildRow] = {}
        for r in self.conn.execute(
                "SELECT id, year_group, gender, send, looked_after, cp_plan, child_in_need "
                "FROM children WHERE merged_into IS NULL"):
            flags = dated.get(int(r[0]), set()) | {
                name for name, value in zip(("send", "looked_after", "cp_plan",
                                             "child_in_need"), r[3:], strict=True) if value}
            found[int(r[0])] = ChildRow(int(r[0]), str(r[1]), str(r[2]), frozenset(flags))
        return found

    def referrals(self, start: str, before: str) -> list[ReferralRow]:
        marks = ", ".join("?" * len(REFERRALS))
        rows = self.conn.execute(
            "SELECT a.id, a.kind, a.taken_at, "
            "EXISTS (SELECT 1 FROM outcomes o WHERE o.action_id = a.id) FROM actions a "
            f"WHERE a.kind IN ({marks}) AND a.taken_at >= ? AND a.taken_at < ? ORDER BY a.id",
            (*REFERRALS, start, before)).fetchall()
        return [ReferralRow(int(r[0]), str(r[1]), str(r[2]), bool(r[3])) for r in rows]

    # -- the Ofsted inspection pack ------------------------------------------------------

    # (each keeps the latest or earliest row itself: SQLite would sort every row first, and
    # a sort with cipher_memory_security on costs more than reading them)

    def decisions(self, start: str, before: str) -> dict[int, str]:
        """The latest triage decision of each concern that happened in [start, before)."""
        latest: dict[int, tuple[str, int, str]] = {}
        for concern_id, decided, triage_id, decision in self.conn.execute(
                "SELECT c.id, t.decided_at, t.id, t.decision FROM concerns c "
                "INDEXED BY concerns_period CROSS JOIN triage t ON t.concern_id = c.id "
                "WHERE c.status = 'submitted' AND c.occurred_at >= ? AND c.occurred_at < ?",
                (start, before)):
            row = (str(decided), int(triage_id), str(decision))
            known = latest.get(int(concern_id))
            if known is None or row[:2] > known[:2]:
                latest[int(concern_id)] = row
        return {k: v[2] for k, v in latest.items()}

    def concern_outcomes(self, start: str, before: str) -> dict[int, tuple[str, str]]:
        """The latest outcome (UTC time, text) recorded against each concern that
        happened in [start, before), directly or through one of its actions. Each table
        is read once (outcomes and actions have no index by concern)."""
        period = ("SELECT id FROM concerns INDEXED BY concerns_period WHERE status = "
                  "'submitted' AND occurred_at >= ? AND occurred_at < ?")
        latest: dict[int, tuple[str, int, str]] = {}
        for concern_id, occurred, outcome_id, text in self.conn.execute(
                f"SELECT o.concern_id, o.occurred_at, o.id, o.text FROM outcomes o "
                f"WHERE o.concern_id IN ({period}) UNION ALL "
                f"SELECT a.concern_id, o.occurred_at, o.id, o.text FROM outcomes o "
                f"JOIN actions a ON a.id = o.action_id WHERE o.concern_id IS NULL "
                f"AND a.concern_id IN ({period})",
                (start, before, start, before)):
            row = (str(occurred), int(outcome_id), str(text))
            known = latest.get(int(concern_id))
            if known is None or row[:2] > known[:2]:
                latest[int(concern_id)] = row
        return {k: (v[0], v[2]) for k, v in latest.items()}

    def la_referrals(self, start: str, before: str) -> list[LaReferralRow]:
        """Referrals to MASH or children's social care taken in [start, before), in the
        order taken, with the first outcome recorded against each (actions read once:
        they have no index by time)."""
        found: dict[int, tuple[tuple[str, int], LaReferralRow]] = {}
        for r in self.conn.execute(
                "SELECT a.id, a.child_id, a.concern_id, a.kind, a.taken_at, a.detail, o.text, "
                "o.occurred_at, o.id FROM actions a LEFT JOIN outcomes o ON o.action_id = a.id "
                "WHERE a.kind IN ('referral_mash', 'referral_csc') AND a.taken_at >= ? "
                "AND a.taken_at < ?", (start, before)):
            first = (str(r[7] or ""), int(r[8] or 0))
            known = found.get(int(r[0]))
            if known is None or first < known[0]:
                found[int(r[0])] = (first, LaReferralRow(
                    int(r[0]), int(r[1]), None if r[2] is None else int(r[2]), str(r[3]),
                    str(r[4]), str(r[5]), None if r[6] is None else str(r[6])))
        return sorted((row for _, row in found.values()),
                      key=lambda row: (row.taken_at, row.action_id))

    def plans(self, start_day: str, end_day: str) -> list[PlanRow]:
        """Dated statuses of a plan (CP, CIN, early help) running at any time in the
        period (days as yyyy-mm-dd, both included)."""
        rows = self.conn.execute(
            "SELECT s.child_id, s.kind, s.started_on, e.ended_on FROM child_statuses s "
            "LEFT JOIN child_status_ends e ON e.status_id = s.id "
            "WHERE s.kind IN ('cp_plan', 'child_in_need', 'early_help') "
            "AND s.started_on <= ? AND (e.ended_on IS NULL OR e.ended_on >= ?) "
            "ORDER BY s.started_on, s.id", (end_day, start_day)).fetchall()
        return [PlanRow(int(r[0]), str(r[1]), str(r[2]), None if r[3] is None else str(r[3]))
                for r in rows]

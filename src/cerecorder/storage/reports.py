"""The rows reports count, in a few queries over a span of time (no names are read).
No role checks here."""

from __future__ import annotations

from dataclasses import dataclass

from cerecorder.storage.repositories import _Repository

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

    def codes(self, table: str, start: str, before: str) -> dict[int, list[str]]:
        """The codes in concern_indicators or concern_categories of the concerns that
        happened in [start, before), by concern id."""
        if table not in ("concern_indicators", "concern_categories"):
            raise ValueError(table)
        found: dict[int, list[str]] = {}
        for concern_id, code in self.conn.execute(
                "SELECT c.id, t.code FROM concerns c INDEXED BY concerns_period "
                f"CROSS JOIN {table} t ON t.concern_id = c.id WHERE c.status = 'submitted' "
                "AND c.occurred_at >= ? AND c.occurred_at < ?", (start, before)):
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

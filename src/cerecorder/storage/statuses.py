"""Dated statuses, professionals involved, significance marks and impact notes in SQL
(migration 8). Append-only: ends are rows of their own, and the latest mark or note of an
entry is the one that counts. No role checks here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from cerecorder.domain.errors import InvalidInput, NotFound
from cerecorder.domain.statuses import Professional, Status, StatusKind
from cerecorder.domain.timefmt import to_utc_text
from cerecorder.storage.repositories import _Repository

#: an entry of a chronology: its EntryType value and its row id
EntryRef = tuple[str, int]


def _marks(values: list[Any]) -> str:
    return ", ".join("?" * len(values))


def _day(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


class StatusRepository(_Repository):
    def add_status(self, child_id: int, kind: StatusKind, started_on: date, note: str,
                   now: datetime, by: int) -> int:
        return self._insert(
            "INSERT INTO child_statuses(child_id, kind, started_on, note, recorded_at, "
            "recorded_by) VALUES (?, ?, ?, ?, ?, ?)",
            (child_id, kind.value, started_on.isoformat(), note, to_utc_text(now), by))

    def status(self, status_id: int) -> Status:
        found = self._statuses("s.id = ?", [status_id])
        if not found:
            raise NotFound(f"status {status_id}")
        return found[0]

    def end_status(self, status_id: int, ended_on: date, reason: str, now: datetime,
                   by: int) -> None:
        if self.status(status_id).ended_on is not None:
            raise InvalidInput("That status has already ended.")
        self._insert("INSERT INTO child_status_ends(status_id, ended_on, reason, recorded_at, "
                     "recorded_by) VALUES (?, ?, ?, ?, ?)",
                     (status_id, ended_on.isoformat(), reason, to_utc_text(now), by))

    def statuses(self, child_ids: Iterable[int]) -> list[Status]:
        ids = list(child_ids)
        return self._statuses(f"s.child_id IN ({_marks(ids)})", ids) if ids else []

    def _statuses(self, where: str, params: list[Any]) -> list[Status]:
        rows = self._rows(
            "SELECT s.id, s.child_id, s.kind, s.started_on, e.ended_on, s.note "
            "FROM child_statuses s LEFT JOIN child_status_ends e ON e.status_id = s.id "
            f"WHERE {where} ORDER BY s.started_on, s.id", params)
        return [Status(int(r[0]), int(r[1]), StatusKind(str(r[2])), date.fromisoformat(r[3]),
                       _day(r[4]), str(r[5])) for r in rows]

    def add_professional(self, child_id: int, role: str, name: str, agency: str,
                         contact: str, from_on: date, now: datetime, by: int) -> int:
        return self._insert(
            "INSERT INTO professionals(child_id, role, name, agency, contact, from_on, "
            "recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (child_id, role, name, agency, contact, from_on.isoformat(), to_utc_text(now), by))

    def professional(self, professional_id: int) -> Professional:
        found = self._professionals("p.id = ?", [professional_id])
        if not found:
            raise NotFound(f"professional {professional_id}")
        return found[0]

    def end_professional(self, professional_id: int, to_on: date, reason: str,
                         now: datetime, by: int) -> None:
        if self.professional(professional_id).to_on is not None:
            raise InvalidInput("That involvement has already ended.")
        self._insert("INSERT INTO professional_ends(professional_id, to_on, reason, "
                     "recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?)",
                     (professional_id, to_on.isoformat(), reason, to_utc_text(now), by))

    def professionals(self, child_ids: Iterable[int]) -> list[Professional]:
        ids = list(child_ids)
        return self._professionals(f"p.child_id IN ({_marks(ids)})", ids) if ids else []

    def _professionals(self, where: str, params: list[Any]) -> list[Professional]:
        rows = self._rows(
            "SELECT p.id, p.child_id, p.role, p.name, p.agency, p.contact, p.from_on, e.to_on "
            "FROM professionals p LEFT JOIN professional_ends e ON e.professional_id = p.id "
            f"WHERE {where} ORDER BY p.from_on, p.id", params)
        return [Professional(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]),
                             date.fromisoformat(r[6]), _day(r[7])) for r in rows]

    def mark(self, child_id: int, entry: EntryRef, significant: bool, now: datetime,
             by: int) -> int:
        return self._insert(
            "INSERT INTO significant_marks(child_id, entry_type, ref_id, significant, "
            "marked_at, marked_by) VALUES (?, ?, ?, ?, ?, ?)",
            (child_id, entry[0], entry[1], int(significant), to_utc_text(now), by))

    def significant(self, child_ids: Iterable[int]) -> set[EntryRef]:
        """The entries whose latest mark, for any of these records, says significant."""
        ids = list(child_ids)
        if not ids:
            return set()
        rows = self._rows(
            "SELECT entry_type, ref_id, significant FROM significant_marks "
            f"WHERE child_id IN ({_marks(ids)}) ORDER BY id", ids)
        latest = {(str(r[0]), int(r[1])): bool(r[2]) for r in rows}
        return {ref for ref, on in latest.items() if on}

    def add_impact(self, child_id: int, entry: EntryRef, body: str, now: datetime, tz: str,
                   by: int) -> int:
        return self._insert(
            "INSERT INTO impact_notes(child_id, entry_type, ref_id, body, written_at, tz, "
            "written_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (child_id, entry[0], entry[1], body, to_utc_text(now), tz, by))

    def impacts(self, child_ids: Iterable[int]) -> dict[EntryRef, str]:
        """The latest impact note of each entry ("" once withdrawn is left out)."""
        ids = list(child_ids)
        if not ids:
            return {}
        rows = self._rows(
            "SELECT entry_type, ref_id, body FROM impact_notes "
            f"WHERE child_id IN ({_marks(ids)}) ORDER BY id", ids)
        latest = {(str(r[0]), int(r[1])): str(r[2]) for r in rows}
        return {ref: body for ref, body in latest.items() if body.strip()}

"""The roll: children's records, their links, merges and leaving, and the counts the pupil
list shows beside each child."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from cerecorder.domain.errors import NotFound
from cerecorder.domain.model import (
    Child,
    ChildDetails,
    ChildFlag,
    ChildLink,
    LinkKind,
)
from cerecorder.domain.timefmt import to_utc_text
from cerecorder.storage.repositories import _Repository

_FLAGS = tuple(ChildFlag)
_FLAG_COLUMNS = tuple(f.value for f in _FLAGS)
_NO_FLAGS: frozenset[ChildFlag] = frozenset()

_MERGED = "JOIN children ch ON ch.id = cc.child_id"
_WHOSE = "coalesce(ch.merged_into, cc.child_id)"


class ChildRepository(_Repository):
    _COLUMNS = (
        "id, legal_forenames, legal_surname, preferred_forenames, preferred_surname, "
        "date_of_birth, upn, admission_number, year_group, reg_group, gender, "
        + ", ".join(_FLAG_COLUMNS)
        + ", left_on"
    )

    @staticmethod
    def _child(row: tuple[Any, ...]) -> Child:
        marks = row[11:16]
        flags = frozenset(f for f, value in zip(_FLAGS, marks, strict=True) if value) \
            if any(marks) else _NO_FLAGS  # a roll is thousands of rows, most without
        details = ChildDetails(
            legal_forenames=str(row[1]),
            legal_surname=str(row[2]),
            preferred_forenames=str(row[3]),
            preferred_surname=str(row[4]),
            date_of_birth=None if row[5] is None else date.fromisoformat(str(row[5])),
            upn=str(row[6]),
            admission_number=str(row[7]),
            year_group=str(row[8]),
            reg_group=str(row[9]),
            gender=str(row[10]),
            flags=flags,
        )
        left = row[16]
        return Child(int(row[0]), details, None if left is None else date.fromisoformat(str(left)))

    @staticmethod
    def _values(d: ChildDetails) -> tuple[object, ...]:
        return (
            d.legal_forenames, d.legal_surname, d.preferred_forenames, d.preferred_surname,
            None if d.date_of_birth is None else d.date_of_birth.isoformat(),
            d.upn, d.admission_number, d.year_group, d.reg_group, d.gender,
            *(int(ChildFlag(f) in d.flags) for f in _FLAG_COLUMNS),
        )

    def add(self, details: ChildDetails, now: datetime, by: int | None) -> int:
        columns = self._COLUMNS.removeprefix("id, ").removesuffix(", left_on")
        marks = ", ".join("?" * (len(columns.split(",")) + 2))
        return self._insert(
            f"INSERT INTO children({columns}, created_at, created_by) VALUES ({marks})",
            (*self._values(details), to_utc_text(now), by),
        )

    def update(self, child_id: int, details: ChildDetails) -> None:
        columns = self._COLUMNS.removeprefix("id, ").removesuffix(", left_on").split(", ")
        assignments = ", ".join(f"{c} = ?" for c in columns)
        self._execute(
            f"UPDATE children SET {assignments} WHERE id = ?", (*self._values(details), child_id)
        )

    def get(self, child_id: int) -> Child:
        rows = self._rows(f"SELECT {self._COLUMNS} FROM children WHERE id = ?", (child_id,))
        if not rows:
            raise NotFound(f"child {child_id}")
        return self._child(rows[0])

    def many(self, child_ids: Iterable[int]) -> list[Child]:
        ids = list(child_ids)
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        rows = self._rows(f"SELECT {self._COLUMNS} FROM children WHERE id IN ({marks})", ids)
        by_id = {c.id: c for c in map(self._child, rows)}
        missing = [i for i in ids if i not in by_id]
        if missing:
            raise NotFound(f"child {missing[0]}")
        return [by_id[i] for i in ids]

    def all(self, *, include_left: bool = False, include_merged: bool = False) -> list[Child]:
        """The roll. A record merged into another is not a pupil of its own any more."""
        tests = ([] if include_left else ["left_on IS NULL"]) + (
            [] if include_merged else ["merged_into IS NULL"])
        where = ("WHERE " + " AND ".join(tests)) if tests else ""
        rows = self._rows(
            # a scan and a sort: reading the rows in the index's order costs a lookup each
            f"SELECT {self._COLUMNS} FROM children NOT INDEXED {where} "
            "ORDER BY legal_surname COLLATE NOCASE, legal_forenames COLLATE NOCASE, id"
        )
        return [self._child(r) for r in rows]

    def by_upn(self, upn: str) -> Child | None:
        rows = self._rows(f"SELECT {self._COLUMNS} FROM children WHERE upn = ?", (upn,))
        return self._child(rows[0]) if rows else None

    def merged_map(self) -> dict[int, int]:
        """Each merged record and the record it now lives in (the end of any chain)."""
        direct = {int(a): int(b) for a, b in self._rows(
            "SELECT id, merged_into FROM children WHERE merged_into IS NOT NULL")}
        final: dict[int, int] = {}
        for child_id in direct:
            target, seen = direct[child_id], {child_id}
            while target in direct and target not in seen:
                seen.add(target)
                target = direct[target]
            final[child_id] = target
        return final

    def identity_ids(self, child_id: int) -> list[int]:
        """The record and every record merged into it: one child's whole history."""
        return [child_id, *sorted(k for k, v in self.merged_map().items() if v == child_id)]

    def mark_merged(self, duplicate_id: int, keep_id: int, now: datetime, by: int) -> None:
        self._execute(
            "UPDATE children SET merged_into = ?, merged_at = ?, merged_by = ? WHERE id = ?",
            (keep_id, to_utc_text(now), by, duplicate_id),
        )

    def set_left(self, child_id: int, left_on: date | None) -> None:
        value = None if left_on is None else left_on.isoformat()
        self._execute("UPDATE children SET left_on = ? WHERE id = ?", (value, child_id))

    def link(
        self, a: int, b: int, kind: LinkKind, note: str, now: datetime, by: int | None
    ) -> None:
        low, high = sorted((a, b))
        self._execute(
            "INSERT OR IGNORE INTO child_links(child_a, child_b, kind, note, created_at, "
            "created_by) VALUES (?, ?, ?, ?, ?, ?)",
            (low, high, kind.value, note, to_utc_text(now), by),
        )

    def unlink(self, a: int, b: int, kind: LinkKind) -> int:
        low, high = sorted((a, b))
        cursor = self._execute(
            "DELETE FROM child_links WHERE child_a = ? AND child_b = ? AND kind = ?",
            (low, high, kind.value))
        return int(cursor.rowcount)  # type: ignore[attr-defined]

    def links(self, child_id: int) -> list[ChildLink]:
        rows = self._rows(
            "SELECT child_a, child_b, kind, note FROM child_links "
            "WHERE child_a = ? OR child_b = ? ORDER BY kind, child_a, child_b",
            (child_id, child_id),
        )
        return [
            ChildLink(
                child_id,
                int(r[1]) if int(r[0]) == child_id else int(r[0]),
                LinkKind(str(r[2])),
                str(r[3]),
            )
            for r in rows
        ]

    def open_concern_counts(self) -> dict[int, int]:
        """Submitted concerns not yet triaged, per child: what the DSL still has to act on."""
        rows = self._rows(
            f"SELECT {_WHOSE}, count(DISTINCT c.id) FROM concern_children cc JOIN concerns c "
            f"ON c.id = cc.concern_id {_MERGED} WHERE c.status = 'submitted' AND NOT EXISTS "
            f"(SELECT 1 FROM triage t WHERE t.concern_id = c.id) GROUP BY {_WHOSE}"
        )
        return {int(child_id): int(n) for child_id, n in rows}

    def entry_counts(self) -> dict[int, int]:
        """Chronology rows per child, counted the way services.chronology builds them:
        submitted concerns with their addenda and triage, actions, outcomes recorded
        apart from an action, and significant events."""
        counts: dict[int, int] = {}
        submitted = ("FROM concern_children cc JOIN concerns c ON c.id = cc.concern_id "
                     f"AND c.status = 'submitted' {_MERGED}")
        for sql in (
            f"SELECT {_WHOSE}, count(DISTINCT c.id) {submitted} GROUP BY {_WHOSE}",
            f"SELECT {_WHOSE}, count(DISTINCT a.id) {submitted} JOIN addenda a "
            f"ON a.concern_id = c.id GROUP BY {_WHOSE}",
            f"SELECT {_WHOSE}, count(DISTINCT t.id) {submitted} JOIN triage t "
            f"ON t.concern_id = c.id GROUP BY {_WHOSE}",
            "SELECT child_id, count(*) FROM actions GROUP BY child_id",
            "SELECT child_id, count(*) FROM outcomes WHERE action_id IS NULL GROUP BY child_id",
            "SELECT child_id, count(*) FROM events GROUP BY child_id",
        ):
            for child_id, n in self._rows(sql):
                counts[int(child_id)] = counts.get(int(child_id), 0) + int(n)
        return counts


#: A search looks up each match's time, or walks the concerns newest first: on the decade
#: demo vault one lookup cost about as much as walking this many concerns.

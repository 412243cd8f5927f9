"""Body maps and their marks in SQL (migration 13). A concern's own map is replaced
whole while the concern is a draft; the triggers lock it at submission, and a correcting
map is inserted with all its marks at once. No role checks here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from cerecorder.domain.body_map import BodyMap, BodyMark
from cerecorder.domain.timefmt import from_utc_text, to_utc_text
from cerecorder.storage.repositories import _Repository

_MARK_COLUMNS = "view, x, y, kind, size_cm, colour, description, child_words"


class BodyMapRepository(_Repository):
    def replace_draft_map(self, concern_id: int, marks: Sequence[BodyMark],
                          outlines_version: int, now: datetime, by: int) -> int | None:
        """The draft's map becomes these marks (none: no map); the triggers refuse it once
        the concern is submitted."""
        self._execute("DELETE FROM body_marks WHERE map_id IN (SELECT id FROM body_maps "
                      "WHERE concern_id = ? AND addendum_id IS NULL)", (concern_id,))
        self._execute("DELETE FROM body_maps WHERE concern_id = ? AND addendum_id IS NULL",
                      (concern_id,))
        if not marks:
            return None
        return self._add(concern_id, None, marks, outlines_version, now, by)

    def add_correcting_map(self, concern_id: int, addendum_id: int,
                           marks: Sequence[BodyMark], outlines_version: int, now: datetime,
                           by: int) -> int:
        return self._add(concern_id, addendum_id, marks, outlines_version, now, by)

    def _add(self, concern_id: int, addendum_id: int | None, marks: Sequence[BodyMark],
             outlines_version: int, now: datetime, by: int) -> int:
        map_id = self._insert(
            "INSERT INTO body_maps(concern_id, addendum_id, mark_count, outlines_version, "
            "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
            (concern_id, addendum_id, None if addendum_id is None else len(marks),
             outlines_version, to_utc_text(now), by))
        self._executemany(
            f"INSERT INTO body_marks(map_id, number, {_MARK_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((map_id, n, m.view, m.x, m.y, m.kind, m.size_cm, m.colour, m.description,
              m.child_words) for n, m in enumerate(marks, start=1)))
        return map_id

    def maps(self, concern_ids: Iterable[int]) -> list[BodyMap]:
        """The concerns' maps, each concern's own first and then its corrections in order."""
        ids = list(concern_ids)
        if not ids:
            return []
        holes = ", ".join("?" * len(ids))
        heads = self._rows(
            "SELECT id, concern_id, addendum_id, outlines_version, created_at, created_by "
            "FROM body_maps "
            f"WHERE concern_id IN ({holes}) ORDER BY concern_id, addendum_id IS NOT NULL, id",
            ids)
        marks: dict[int, list[BodyMark]] = {}
        for row in self._rows(
                f"SELECT map_id, {_MARK_COLUMNS} FROM body_marks WHERE map_id IN (SELECT id "
                f"FROM body_maps WHERE concern_id IN ({holes})) ORDER BY map_id, number", ids):
            marks.setdefault(int(row[0]), []).append(_mark(row[1:]))
        return [BodyMap(int(h[0]), int(h[1]), None if h[2] is None else int(h[2]), int(h[3]),
                        from_utc_text(str(h[4])), tuple(marks.get(int(h[0]), ())), int(h[5]))
                for h in heads]


def _mark(row: Sequence[Any]) -> BodyMark:
    return BodyMark(str(row[0]), float(row[1]), float(row[2]), str(row[3]),
                    None if row[4] is None else float(row[4]), str(row[5]), str(row[6]),
                    str(row[7]))

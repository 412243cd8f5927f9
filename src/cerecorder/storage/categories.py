"""A concern's categories in SQL (migration 13). No role checks here."""

from __future__ import annotations

from collections.abc import Iterable

from cerecorder.storage.repositories import _Repository


class CategoryRepository(_Repository):
    def set_for(self, concern_id: int, codes: Iterable[str]) -> None:
        """A draft's categories, replacing those it had (the triggers refuse this once the
        concern is submitted)."""
        self.conn.execute("DELETE FROM concern_categories WHERE concern_id = ?", (concern_id,))
        self.conn.executemany(
            "INSERT INTO concern_categories (concern_id, code) VALUES (?, ?)",
            [(concern_id, code) for code in dict.fromkeys(codes)],
        )

    def of(self, concern_id: int) -> list[str]:
        rows = self.conn.execute(
            "SELECT code FROM concern_categories WHERE concern_id = ? ORDER BY code",
            (concern_id,)).fetchall()
        return [str(r[0]) for r in rows]

    def for_concerns(self, concern_ids: list[int]) -> dict[int, list[str]]:
        """The categories of these concerns, by concern id (a chronology's concerns)."""
        found: dict[int, list[str]] = {}
        for start in range(0, len(concern_ids), 500):
            part = concern_ids[start:start + 500]
            marks = ", ".join("?" * len(part))
            for concern_id, code in self.conn.execute(
                    "SELECT concern_id, code FROM concern_categories "
                    f"WHERE concern_id IN ({marks}) ORDER BY concern_id, code", part):
                found.setdefault(int(concern_id), []).append(str(code))
        return found

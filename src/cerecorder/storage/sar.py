"""Subject access requests in SQL (schema_file_life). No role checks here."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from cerecorder.domain.errors import NotFound
from cerecorder.domain.sar import Redaction, RedactionKind, SarCase, SarStep
from cerecorder.domain.timefmt import from_utc_text, to_utc_text
from cerecorder.storage.repositories import _Repository

_CASE = ("id, child_id, requester, relationship, received_on, due_on, opened_at, "
         "opened_by")


class SarRepository(_Repository):
    def add_case(self, child_id: int, requester: str, relationship: str, received_on: date,
                 due_on: date, now: datetime, by: int) -> int:
        return self._insert(
            f"INSERT INTO sar_cases({_CASE.removeprefix('id, ')}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (child_id, requester, relationship, received_on.isoformat(), due_on.isoformat(),
             to_utc_text(now), by))

    def add_step(self, case_id: int, step: SarStep, on: date, detail: str,
                 new_due: date | None, now: datetime, by: int) -> int:
        return self._insert(
            "INSERT INTO sar_steps(case_id, step, happened_on, detail, new_due, recorded_at, "
            "recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (case_id, step.value, on.isoformat(), detail,
             new_due.isoformat() if new_due else None, to_utc_text(now), by))

    def add_redaction(self, case_id: int, record: str, field: str, text: str,
                      kind: RedactionKind, reason: str, now: datetime, by: int) -> int:
        return self._insert(
            "INSERT INTO sar_redactions(case_id, record, field, text, kind, reason, made_at, "
            "made_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (case_id, record, field, text, kind.value, reason, to_utc_text(now), by))

    def cases(self) -> list[SarCase]:
        steps: dict[int, list[tuple[SarStep, date, str, date | None]]] = defaultdict(list)
        for case_id, step, on, detail, new_due in self._rows(
                "SELECT case_id, step, happened_on, detail, new_due FROM sar_steps ORDER BY id"):
            steps[int(case_id)].append((SarStep(str(step)), date.fromisoformat(str(on)),
                                        str(detail),
                                        date.fromisoformat(str(new_due)) if new_due else None))
        return [self._case(r, steps[int(r[0])])
                for r in self._rows(f"SELECT {_CASE} FROM sar_cases ORDER BY id")]

    def get(self, case_id: int) -> SarCase:
        found = [c for c in self.cases() if c.id == case_id]
        if not found:
            raise NotFound(f"There is no subject access request #{case_id}.")
        return found[0]

    @staticmethod
    def _case(r: tuple[Any, ...], steps: list[tuple[SarStep, date, str, date | None]]
              ) -> SarCase:
        return SarCase(int(r[0]), int(r[1]), str(r[2]), str(r[3]),
                       date.fromisoformat(str(r[4])), date.fromisoformat(str(r[5])),
                       from_utc_text(str(r[6])), int(r[7]), tuple(steps))

    def redactions(self, case_id: int) -> list[Redaction]:
        return [Redaction(int(r[0]), str(r[1]), str(r[2]), str(r[3]), RedactionKind(str(r[4])),
                          str(r[5]), from_utc_text(str(r[6])), int(r[7]))
                for r in self._rows(
                    "SELECT id, record, field, text, kind, reason, made_at, made_by "
                    "FROM sar_redactions WHERE case_id = ? ORDER BY id", (case_id,))]

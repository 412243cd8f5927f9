"""File transfers and legal holds in SQL (schema_file_life). No role checks here."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from cerecorder.domain.errors import NotFound
from cerecorder.domain.retention import LegalHold
from cerecorder.domain.timefmt import from_utc_text, to_utc_text
from cerecorder.domain.transfers import (
    AfterTransfer,
    StepKind,
    Transfer,
    TransferRecord,
    TransferStep,
)
from cerecorder.storage.repositories import _Repository

_COLUMNS = ("id, child_id, destination, destination_dsl, moved_on, due_on, due_estimated, "
            "opened_at, opened_by")


class TransferRepository(_Repository):
    def add(self, child_id: int, destination: str, destination_dsl: str, moved_on: date,
            due_on: date, due_estimated: bool, now: datetime, by: int) -> int:
        return self._insert(
            f"INSERT INTO transfers({_COLUMNS.removeprefix('id, ')}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (child_id, destination, destination_dsl, moved_on.isoformat(), due_on.isoformat(),
             int(due_estimated), to_utc_text(now), by))

    def add_step(self, transfer_id: int, kind: StepKind, happened_on: date, detail: str,
                 note: str, now: datetime, by: int) -> int:
        return self._insert(
            "INSERT INTO transfer_steps(transfer_id, step, happened_on, detail, note, "
            "recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (transfer_id, kind.value, happened_on.isoformat(), detail, note, to_utc_text(now),
             by))

    def get(self, transfer_id: int) -> Transfer:
        found = self._load("WHERE id = ?", (transfer_id,))
        if not found:
            raise NotFound(f"There is no transfer #{transfer_id}.")
        return found[0]

    def all(self) -> list[Transfer]:
        return self._load("", ())

    def for_child(self, child_id: int) -> list[Transfer]:
        return self._load("WHERE child_id = ?", (child_id,))

    def _load(self, where: str, params: tuple[Any, ...]) -> list[Transfer]:
        rows = self._rows(f"SELECT {_COLUMNS} FROM transfers {where} ORDER BY id", params)
        if not rows:
            return []
        ids = [int(r[0]) for r in rows]
        steps: dict[int, list[TransferStep]] = defaultdict(list)
        for transfer_id, kind, on, detail, note, by in self._rows(
                "SELECT transfer_id, step, happened_on, detail, note, recorded_by "
                f"FROM transfer_steps WHERE transfer_id IN ({', '.join('?' * len(ids))}) "
                "ORDER BY id", ids):
            steps[int(transfer_id)].append(TransferStep(
                StepKind(str(kind)), date.fromisoformat(str(on)), str(detail), str(note),
                int(by)))
        return [Transfer(int(r[0]), int(r[1]), str(r[2]), str(r[3]),
                         date.fromisoformat(str(r[4])), date.fromisoformat(str(r[5])),
                         bool(r[6]), from_utc_text(str(r[7])), int(r[8]),
                         tuple(steps[int(r[0])])) for r in rows]


class HoldRepository(_Repository):
    def add(self, child_id: int | None, name: str, reason: str, from_on: date, now: datetime,
            by: int) -> int:
        return self._insert(
            "INSERT INTO legal_holds(child_id, name, reason, from_on, set_at, set_by) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (child_id, name, reason, from_on.isoformat(), to_utc_text(now), by))

    def lift(self, hold_id: int, reason: str, now: datetime, by: int) -> None:
        self._execute("INSERT INTO legal_hold_lifts(hold_id, reason, lifted_at, lifted_by) "
                      "VALUES (?, ?, ?, ?)", (hold_id, reason, to_utc_text(now), by))

    def all(self) -> list[LegalHold]:
        return [LegalHold(int(r[0]), None if r[1] is None else int(r[1]), str(r[2]),
                          str(r[3]), date.fromisoformat(str(r[4])), from_utc_text(str(r[5])),
                          int(r[6]), None if r[7] is None else from_utc_text(str(r[7])),
                          str(r[8] or ""))
                for r in self._rows(
                    "SELECT h.id, h.child_id, h.name, h.reason, h.from_on, h.set_at, h.set_by, "
                    "l.lifted_at, l.reason FROM legal_holds h "
                    "LEFT JOIN legal_hold_lifts l ON l.hold_id = h.id ORDER BY h.id")]


class TransferPacketRepository(_Repository):
    def add_sealed(self, packet_id: str, transfer_id: int | None, child_id: int,
                   content_hash: str, to_school: str, to_verify_key: str, now: datetime,
                   by: int) -> None:
        self._execute(
            "INSERT INTO transfer_packets(packet_id, transfer_id, child_id, content_hash, "
            "to_school, to_verify_key, sealed_at, sealed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (packet_id, transfer_id, child_id, content_hash, to_school, to_verify_key,
             to_utc_text(now), by))

    def sealed(self, packet_id: str) -> tuple[Any, ...] | None:
        rows = self._rows("SELECT packet_id, transfer_id, child_id, content_hash, to_school, "
                          "to_verify_key, receipt_at FROM transfer_packets WHERE packet_id = ?",
                          (packet_id,))
        return rows[0] if rows else None

    def mark_receipt(self, packet_id: str, at: datetime, by: str) -> None:
        self._execute("UPDATE transfer_packets SET receipt_at = ?, receipt_by = ? "
                      "WHERE packet_id = ?", (to_utc_text(at), by, packet_id))

    def add_received(self, packet_id: str, child_id: int, from_school: str, signer: str,
                     document_id: str, content_hash: str, envelope: bytes, now: datetime,
                     by: int) -> int:
        return self._insert(
            "INSERT INTO received_files(packet_id, child_id, from_school, signer, document_id, "
            "content_hash, envelope, received_at, received_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (packet_id, child_id, from_school, signer, document_id, content_hash, envelope,
             to_utc_text(now), by))

    def received(self, packet_id: str | None = None, child_id: int | None = None
                 ) -> list[tuple[Any, ...]]:
        """(id, packet id, child id, school, signer, document id, received at, envelope)."""
        where, params = ("WHERE packet_id = ?", (packet_id,)) if packet_id else \
            (("WHERE child_id = ?", (child_id,)) if child_id is not None else ("", ()))
        return self._rows("SELECT id, packet_id, child_id, from_school, signer, document_id, "
                          f"received_at, envelope FROM received_files {where} ORDER BY id",
                          params)


class TransferRecordRepository(_Repository):
    _COLUMNS = ("transfer_id, child_id, child_name, date_of_birth, upn, destination, "
                "sent_on, sent_how, acknowledged_on, acknowledged_by, packet_id, entries, "
                "kept, made_at")

    def add(self, record: TransferRecord, by: int) -> None:
        r = record
        self._execute(
            f"INSERT INTO transfer_records({self._COLUMNS}, made_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (r.transfer_id, r.child_id, r.child_name,
             r.date_of_birth.isoformat() if r.date_of_birth else None, r.upn, r.destination,
             r.sent_on.isoformat() if r.sent_on else None, r.sent_how,
             r.acknowledged_on.isoformat(), r.acknowledged_by, r.packet_id,
             json.dumps(r.entries, sort_keys=True), r.kept.value, to_utc_text(r.made_at), by))

    def all(self, child_id: int | None = None) -> list[TransferRecord]:
        where, params = ("WHERE child_id = ?", (child_id,)) if child_id is not None else ("", ())
        return [TransferRecord(
            int(r[0]), int(r[1]), str(r[2]), _day(r[3]), str(r[4]), str(r[5]), _day(r[6]),
            str(r[7]), date.fromisoformat(str(r[8])), str(r[9]), str(r[10]),
            {str(k): int(v) for k, v in json.loads(str(r[11])).items()},
            AfterTransfer(str(r[12])), from_utc_text(str(r[13])))
            for r in self._rows(f"SELECT {self._COLUMNS} FROM transfer_records {where} "
                                "ORDER BY transfer_id", params)]


def _day(value: object) -> date | None:
    return None if value is None else date.fromisoformat(str(value))

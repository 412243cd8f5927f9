"""File transfers and legal holds in SQL (schema_file_life). No role checks here."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from cerecorder.domain.errors import NotFound
from cerecorder.domain.retention import LegalHold
from cerecorder.domain.timefmt import from_utc_text, to_utc_text
from cerecorder.domain.transfers import StepKind, Transfer, TransferStep
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

"""Screening assessments, their instruments and disclosures in SQL (migration 8). No role
checks here."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cerecorder.domain.errors import NotFound
from cerecorder.domain.screening import AnswerGiven, Assessment, Instrument
from cerecorder.domain.timefmt import from_utc_text, to_utc_text
from cerecorder.storage.repositories import _Repository


@dataclass(frozen=True)
class Head:
    """A signed screening's id, child, instrument, dates and band."""

    id: int
    child_id: int
    instrument_id: str
    instrument_version: str
    assessed_on: date
    review_on: date
    band: str


class ScreeningRepository(_Repository):
    _COLUMNS = ("SELECT id, child_id, instrument_id, instrument_version, assessed_on, "
                "review_on, total, band, signed_at, tz, signed_by FROM screenings "
                "WHERE status = 'signed'")

    def keep_instrument(self, instrument: Instrument, now: datetime) -> None:
        """Keep the instrument's text in the vault, once per id and version. A different
        text under a version already kept is refused: a version is never reused."""
        digest = hashlib.sha256(instrument.text.encode("utf-8")).hexdigest()
        rows = self._rows("SELECT sha256 FROM screening_instruments WHERE instrument_id = ? "
                          "AND version = ?", (instrument.id, instrument.version))
        if rows:
            if rows[0][0] != digest:
                raise ValueError(f"screening instrument {instrument.id} version "
                                 f"{instrument.version} differs from the one kept in the "
                                 "vault: give a changed instrument a new version")
            return
        self._execute("INSERT INTO screening_instruments(instrument_id, version, content, "
                      "sha256, added_at) VALUES (?, ?, ?, ?, ?)",
                      (instrument.id, instrument.version, instrument.text, digest,
                       to_utc_text(now)))

    def instrument_text(self, ident: str, version: str) -> str | None:
        rows = self._rows("SELECT content FROM screening_instruments WHERE instrument_id = ? "
                          "AND version = ?", (ident, version))
        return str(rows[0][0]) if rows else None

    def add(self, child_id: int, instrument: Instrument, *, assessed_on: date,
            review_on: date, total: int, band: str, scores: Mapping[str, int],
            answers: Iterable[AnswerGiven], now: datetime, tz: str, by: int) -> int:
        """Write the draft, its answers, citations and scores, then sign it."""
        screening_id = self._insert(
            "INSERT INTO screenings(child_id, instrument_id, instrument_version, status, "
            "assessed_on, review_on, total, band, created_at, tz) "
            "VALUES (?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?)",
            (child_id, instrument.id, instrument.version, assessed_on.isoformat(),
             review_on.isoformat(), total, band, to_utc_text(now), tz))
        given = list(answers)
        self._executemany("INSERT INTO screening_answers(screening_id, question, answer, note) "
                          "VALUES (?, ?, ?, ?)",
                          [(screening_id, a.question, a.answer, a.note) for a in given])
        self._executemany("INSERT INTO screening_citations(screening_id, question, concern_id) "
                          "VALUES (?, ?, ?)",
                          [(screening_id, a.question, c) for a in given for c in set(a.cites)])
        self._executemany("INSERT INTO screening_scores(screening_id, domain, score) "
                          "VALUES (?, ?, ?)",
                          [(screening_id, d, s) for d, s in scores.items()])
        self._execute("UPDATE screenings SET status = 'signed', signed_at = ?, signed_by = ? "
                      "WHERE id = ?", (to_utc_text(now), by, screening_id))
        return screening_id

    def _assessments(self, rows: list[tuple[Any, ...]],
                     labels: Mapping[tuple[str, str, str], str]) -> list[Assessment]:
        ids = [int(r[0]) for r in rows]
        marks = ", ".join("?" * len(ids))
        answers: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        cites: dict[tuple[int, str], list[int]] = defaultdict(list)
        scores: dict[int, dict[str, int]] = defaultdict(dict)
        if ids:
            for sid, q, a, note in self._rows(
                    f"SELECT screening_id, question, answer, note FROM screening_answers "
                    f"WHERE screening_id IN ({marks})", ids):
                answers[int(sid)].append((str(q), str(a), str(note)))
            for sid, q, cid in self._rows(
                    f"SELECT screening_id, question, concern_id FROM screening_citations "
                    f"WHERE screening_id IN ({marks}) ORDER BY concern_id", ids):
                cites[(int(sid), str(q))].append(int(cid))
            for sid, d, s in self._rows(
                    f"SELECT screening_id, domain, score FROM screening_scores "
                    f"WHERE screening_id IN ({marks})", ids):
                scores[int(sid)][str(d)] = int(s)
        return [Assessment(
            id=int(r[0]), child_id=int(r[1]), instrument_id=str(r[2]),
            instrument_version=str(r[3]), assessed_on=date.fromisoformat(str(r[4])),
            review_on=date.fromisoformat(str(r[5])), total=int(r[6]), band=str(r[7]),
            band_label=labels.get((str(r[2]), str(r[3]), str(r[7])), str(r[7]).capitalize()),
            domain_scores=scores[int(r[0])],
            answers=tuple(AnswerGiven(q, a, note, tuple(cites[(int(r[0]), q)]))
                          for q, a, note in sorted(answers[int(r[0])])),
            signed_at=from_utc_text(str(r[8])), tz=str(r[9]), signed_by=int(r[10]),
        ) for r in rows]

    def for_children(self, child_ids: Iterable[int],
                     labels: Mapping[tuple[str, str, str], str]) -> list[Assessment]:
        ids = list(child_ids)
        if not ids:
            return []
        rows = self._rows(self._COLUMNS + f" AND child_id IN ({', '.join('?' * len(ids))}) "
                          "ORDER BY assessed_on, id", ids)
        return self._assessments(rows, labels)

    def newest_heads(self) -> list[Head]:
        """Each child's newest signed screening, without its answers (Needs attention
        reads these on every refresh)."""
        return [Head(int(r[0]), int(r[1]), str(r[2]), str(r[3]), date.fromisoformat(str(r[4])),
                     date.fromisoformat(str(r[5])), str(r[6])) for r in self._rows(
            # read from the covering index screenings_child alone, never the table
            "SELECT s.id, s.child_id, s.instrument_id, s.instrument_version, s.assessed_on, "
            "s.review_on, s.band FROM screenings s WHERE s.status = 'signed' AND NOT EXISTS "
            "(SELECT 1 FROM screenings t WHERE t.child_id = s.child_id "
            "AND t.status = 'signed' AND (t.assessed_on > s.assessed_on "
            "OR (t.assessed_on = s.assessed_on AND t.id > s.id)))")]

    def get(self, screening_id: int, labels: Mapping[tuple[str, str, str], str]) -> Assessment:
        found = self._assessments(self._rows(self._COLUMNS + " AND id = ?", (screening_id,)),
                                  labels)
        if not found:
            raise NotFound(f"No screening #{screening_id}.")
        return found[0]

    def instruments_kept(self) -> list[tuple[str, str, str]]:
        return [(str(a), str(b), str(c)) for a, b, c in self._rows(
            "SELECT instrument_id, version, content FROM screening_instruments")]

    def add_disclosure(self, document_id: str, file_format: str, purpose: str,
                       items: Iterable[tuple[str, int]], now: datetime, tz: str, by: int
                       ) -> int:
        disclosure_id = self._insert(
            "INSERT INTO disclosures(document_id, kind, format, purpose, made_at, tz, made_by) "
            "VALUES (?, 'intel_report', ?, ?, ?, ?, ?)",
            (document_id, file_format, purpose, to_utc_text(now), tz, by))
        self._executemany("INSERT INTO disclosure_items(disclosure_id, ref_type, ref_id) "
                          "VALUES (?, ?, ?)", [(disclosure_id, t, i) for t, i in set(items)])
        return disclosure_id

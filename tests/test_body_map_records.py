"""Body maps on file (issue 16, migration 13): part of the draft, read back exactly once
submitted, refused by the triggers after submission, corrected only by an addendum."""

from __future__ import annotations

import pytest

from cerecorder import paths
from cerecorder.domain.body_map import BodyMark, load_outlines
from cerecorder.domain.errors import InvalidInput, RecordImmutable
from cerecorder.services import body_maps, concerns
from cerecorder.services.session import Session
from cerecorder.storage.connection import db_errors_explained

from helpers import MockClock, add_child, content

OUTLINES = load_outlines(paths.bodymap_dir())
MARKS = (BodyMark("front", 0.5625, 0.3125, "bruise", 2.5, "purple, yellowing",
                  "Round bruise under the left collarbone", "Dad grabbed me"),
         BodyMark("hands", 0.25, 0.75, "burn", None, "", "Small round burn on right palm", ""))


def _raw(s: Session, sql: str) -> None:
    with db_errors_explained():
        s.vault.conn.execute(sql)


def _submitted_with_map(dsl: Session, clock: MockClock) -> int:
    concern_id = concerns.save_draft(dsl, content((add_child(dsl),), clock))
    body_maps.save_draft_map(dsl, concern_id, MARKS, OUTLINES)
    concerns.submit(dsl, concern_id)
    return concern_id


def test_a_submitted_concerns_map_is_read_back_exactly(dsl: Session, clock: MockClock) -> None:
    concern_id = concerns.save_draft(dsl, content((add_child(dsl),), clock))
    body_maps.save_draft_map(dsl, concern_id, MARKS[:1], OUTLINES)
    body_maps.save_draft_map(dsl, concern_id, MARKS, OUTLINES)  # the draft's map replaced
    concerns.submit(dsl, concern_id)
    [found] = body_maps.concern_maps(dsl, concern_id)
    assert found.marks == MARKS and found.addendum_id is None
    assert found.outlines_version == OUTLINES.version


@pytest.mark.parametrize("sql", [
    "UPDATE body_marks SET x = 0.1",
    "DELETE FROM body_marks",
    "UPDATE body_maps SET outlines_version = 2",
    "DELETE FROM body_maps",
    "INSERT INTO body_marks(map_id, number, view, x, y, kind) "
    "SELECT id, 9, 'front', 0.5, 0.5, 'cut' FROM body_maps",
    "INSERT INTO body_maps(concern_id, outlines_version, created_at, created_by) "
    "SELECT id, 1, '2026-01-01T00:00:00Z', author_id FROM concerns",
])
def test_the_triggers_refuse_changes_after_submission(dsl: Session, clock: MockClock,
                                                      sql: str) -> None:
    concern_id = _submitted_with_map(dsl, clock)
    with pytest.raises(RecordImmutable):
        _raw(dsl, sql)
    assert body_maps.concern_maps(dsl, concern_id)[0].marks == MARKS
    with pytest.raises(InvalidInput, match="addendum"):
        body_maps.save_draft_map(dsl, concern_id, MARKS[:1], OUTLINES)


def test_a_correction_adds_a_new_map_that_is_then_sealed(dsl: Session,
                                                         clock: MockClock) -> None:
    concern_id = _submitted_with_map(dsl, clock)
    moved = BodyMark("back", 0.4, 0.3, "bruise", 3.0, "purple", "Left shoulder blade", "")
    addendum_id = body_maps.add_correcting_map(
        dsl, concern_id, "The bruise is on the back, not the front.", (moved,), OUTLINES)
    own, correction = body_maps.concern_maps(dsl, concern_id)
    assert own.marks == MARKS and correction.marks == (moved,)
    assert correction.addendum_id == addendum_id
    for sql in ("INSERT INTO body_marks(map_id, number, view, x, y, kind) "
                f"VALUES ({correction.id}, 2, 'front', 0.5, 0.5, 'cut')",
                "UPDATE body_marks SET kind = 'cut' WHERE map_id = " + str(correction.id),
                f"DELETE FROM body_maps WHERE id = {correction.id}"):
        with pytest.raises(RecordImmutable):
            _raw(dsl, sql)
    assert body_maps.concern_maps(dsl, concern_id)[1].marks == (moved,)


def test_a_bad_mark_leaves_the_draft_as_it_was(dsl: Session, clock: MockClock) -> None:
    concern_id = concerns.save_draft(dsl, content((add_child(dsl),), clock))
    body_maps.save_draft_map(dsl, concern_id, MARKS, OUTLINES)
    with pytest.raises(InvalidInput, match="inside the drawing"):
        body_maps.save_draft_map(dsl, concern_id, (BodyMark("front", 1.5, 0, "cut"),),
                                 OUTLINES)
    assert body_maps.concern_maps(dsl, concern_id)[0].marks == MARKS


def test_a_draft_with_a_body_map_can_be_discarded(dsl: Session, clock: MockClock) -> None:
    concern_id = concerns.save_draft(dsl, content((add_child(dsl),), clock))
    body_maps.save_draft_map(dsl, concern_id, MARKS, OUTLINES)
    concerns.discard_draft(dsl, concern_id)
    assert dsl.vault.conn.execute("SELECT count(*) FROM body_marks").fetchone() == (0,)

"""Body maps (issue 16): the outlines drawn for this project and what a mark may be."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from cerecorder import paths
from cerecorder.domain.body_map import (
    OUTLINES_FILE,
    BodyMark,
    check_mark,
    load_outlines,
    mark_summary,
    parse_path,
)
from cerecorder.domain.errors import InvalidInput

ROOT = Path(__file__).resolve().parent.parent


def test_the_shipped_outlines_hold_every_view_issue_16_asks_for() -> None:
    outlines = load_outlines(paths.bodymap_dir())
    assert [v.id for v in outlines.views] == ["front", "back", "head_front", "head_side",
                                              "hands"]
    for view in outlines.views:
        assert view.paths and all(path[0].op == "M" for path in view.paths)
        points = [pt for path in view.paths for seg in path for pt in seg.points]
        assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in points)
        # the drawing fills its box rather than sitting in a corner of it
        assert max(y for _, y in points) - min(y for _, y in points) > 0.7
    about = json.loads((paths.bodymap_dir() / OUTLINES_FILE).read_text())["about"]
    assert "drawn for CE Recorder" in about


def test_the_shipped_file_is_what_the_drawing_script_writes() -> None:
    spec = importlib.util.spec_from_file_location(
        "draw_body_outlines", ROOT / "scripts" / "draw_body_outlines.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = script
    spec.loader.exec_module(script)
    shipped = json.loads((paths.bodymap_dir() / OUTLINES_FILE).read_text())
    assert shipped == json.loads(json.dumps(script.outlines()))


def test_a_path_reads_each_command_with_its_points() -> None:
    segments = parse_path("M 0.5 0 L 1 1 C 0 0, 0.2 0.2, 0.3 0.4 Z")
    assert [(s.op, s.points) for s in segments] == [
        ("M", ((0.5, 0.0),)), ("L", ((1.0, 1.0),)),
        ("C", ((0.0, 0.0), (0.2, 0.2), (0.3, 0.4))), ("Z", ())]


@pytest.mark.parametrize("d", ["", "L 0 0", "M 0.5", "M 0.5 0.5 a 1 1", "M 1.5 0",
                               "M 0 0 0.4", "M 0 0 L Z"])
def test_a_path_outside_the_subset_is_refused(d: str) -> None:
    with pytest.raises(InvalidInput):
        parse_path(d)


def test_a_mark_is_checked_and_summarised_in_words() -> None:
    outlines = load_outlines(paths.bodymap_dir())
    mark = BodyMark("back", 0.4, 0.3, "bruise", 2.5, "purple", "left shoulder blade",
                    "I fell off my bike")
    assert check_mark(mark, outlines) is mark
    assert mark_summary(1, mark, outlines) == (
        "1. Bruise, body, back, about 2.5 cm, purple: left shoulder blade. "
        "Child said: \u201cI fell off my bike\u201d")
    bad = [BodyMark("tail", 0.5, 0.5, "cut"), BodyMark("front", 1.2, 0.5, "cut"),
           BodyMark("front", float("nan"), 0.5, "cut"), BodyMark("front", 0.5, 0.5, "rash"),
           BodyMark("front", 0.5, 0.5, "cut", size_cm=0),
           BodyMark("front", 0.5, 0.5, "cut", description="x" * 2_001)]
    for wrong in bad:
        with pytest.raises(InvalidInput):
            check_mark(wrong, outlines)

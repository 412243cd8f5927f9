"""Body maps (issue 16, "Body map"): the outlines marks are placed on, and the marks.

The outlines are vector data drawn for this project (resources/bodymap/outlines-<n>.json,
written by scripts/draw_body_outlines.py): each view's paths are a small SVG subset
(absolute M, L, C, Z) in the view's unit box, so the screen and the PDF draw the same
shape from the same numbers, and a mark stored as (view, x, y) with x and y in 0..1 sits
in the same place on both.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cerecorder.domain.errors import InvalidInput

OUTLINES_FILE = "outlines-1.json"
#: what a mark is, in the words a form offers
MARK_KINDS = ("bruise", "cut", "burn", "scratch", "mark", "other")
MAX_TEXT = 2_000
MAX_SIZE_CM = 200.0
_TOKEN = re.compile(r"[MLCZ]|-?\d+(?:\.\d+)?(?:e-?\d+)?")
_ARITY = {"M": 2, "L": 2, "C": 6, "Z": 0}

Point = tuple[float, float]


@dataclass(frozen=True)
class Segment:
    """One drawing step: `op` is M (move), L (line), C (cubic: two controls, end) or Z."""

    op: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class OutlineView:
    id: str
    label: str
    aspect: float  # width for each 1 of height
    viewer_left: str  # what the viewer's left side of the drawing is
    paths: tuple[tuple[Segment, ...], ...]


@dataclass(frozen=True)
class Outlines:
    version: int
    views: tuple[OutlineView, ...]

    def view(self, view_id: str) -> OutlineView:
        for view in self.views:
            if view.id == view_id:
                return view
        raise InvalidInput(f"There is no body-map view called {view_id!r}.")


def parse_path(d: str) -> tuple[Segment, ...]:
    """Reads the SVG subset; anything else (relative commands, arcs, stray numbers) is
    refused rather than guessed at, and every point must lie in the unit box."""
    tokens = _TOKEN.findall(d)
    if "".join(tokens) != re.sub(r"[\s,]+", "", d):
        raise InvalidInput(f"A body-map path holds something other than M, L, C, Z: {d[:40]!r}")
    segments: list[Segment] = []
    i = 0
    while i < len(tokens):
        op = tokens[i]
        if op not in _ARITY:
            raise InvalidInput(f"A body-map path has a number where a command belongs: {op}")
        values = tokens[i + 1:i + 1 + _ARITY[op]]
        if len(values) != _ARITY[op] or any(v in _ARITY for v in values):
            raise InvalidInput(f"A body-map path's {op} lacks its numbers.")
        numbers = [float(v) for v in values]
        if any(not 0.0 <= v <= 1.0 for v in numbers):
            raise InvalidInput("A body-map path leaves its 0..1 box.")
        if not segments and op != "M":
            raise InvalidInput("A body-map path must begin with M.")
        segments.append(Segment(op, tuple(zip(numbers[::2], numbers[1::2], strict=True))))
        i += 1 + _ARITY[op]
    if not segments:
        raise InvalidInput("A body-map path is empty.")
    return tuple(segments)


def load_outlines(folder: Path) -> Outlines:
    data = json.loads((folder / OUTLINES_FILE).read_text(encoding="utf-8"))
    views = tuple(
        OutlineView(id=str(v["id"]), label=str(v["label"]), aspect=float(v["aspect"]),
                    viewer_left=str(v["viewer_left"]),
                    paths=tuple(parse_path(str(p)) for p in v["paths"]))
        for v in data["views"])
    if len({v.id for v in views}) != len(views):
        raise InvalidInput("Two body-map views share an id.")
    return Outlines(version=int(data["version"]), views=views)


@dataclass(frozen=True)
class BodyMark:
    """One mark seen on the child, where it is and what it looks like, in the recorder's
    words, with the child's own explanation kept apart in theirs."""

    view: str
    x: float
    y: float
    kind: str
    size_cm: float | None = None
    colour: str = ""
    description: str = ""
    child_words: str = ""


def check_mark(mark: BodyMark, outlines: Outlines) -> BodyMark:
    """The mark as given, or InvalidInput saying what is wrong with it."""
    outlines.view(mark.view)
    if not (math.isfinite(mark.x) and math.isfinite(mark.y)
            and 0.0 <= mark.x <= 1.0 and 0.0 <= mark.y <= 1.0):
        raise InvalidInput("A mark must sit inside the drawing.")
    if mark.kind not in MARK_KINDS:
        raise InvalidInput(f"A mark is one of: {', '.join(MARK_KINDS)}.")
    if mark.size_cm is not None and not (
            math.isfinite(mark.size_cm) and 0.0 < mark.size_cm <= MAX_SIZE_CM):
        raise InvalidInput(f"A mark's size is more than 0 and at most {MAX_SIZE_CM:g} cm.")
    for name, text in (("colour", mark.colour), ("description", mark.description),
                       ("child's words", mark.child_words)):
        if len(text) > MAX_TEXT:
            raise InvalidInput(f"The mark's {name} is longer than {MAX_TEXT} characters.")
    return mark


def mark_summary(number: int, mark: BodyMark, outlines: Outlines) -> str:
    """The mark in one line of text, as the list beside the drawing and the PDF key give it."""
    parts = [f"{number}. {mark.kind.capitalize()}", outlines.view(mark.view).label.lower()]
    if mark.size_cm is not None:
        parts.append(f"about {mark.size_cm:g} cm")
    if mark.colour:
        parts.append(mark.colour)
    text = ", ".join(parts)
    if mark.description:
        text += f": {mark.description}"
    if mark.child_words:
        text += f". Child said: \u201c{mark.child_words}\u201d"
    return text


@dataclass(frozen=True)
class BodyMap:
    """A concern's map (addendum_id None) or a correcting map added with an addendum."""

    id: int
    concern_id: int
    addendum_id: int | None
    outlines_version: int
    created_at: datetime
    marks: tuple[BodyMark, ...]
    created_by: int | None = None

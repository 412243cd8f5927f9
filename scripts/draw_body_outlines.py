"""Writes resources/bodymap/outlines-1.json, the body-map outlines drawn for CE Recorder.

The outlines are this project's own drawing, not traced from anywhere: points placed by
hand on a unit box (x across, y down, both 0..1), symmetric shapes mirrored about x = 0.5,
and smoothed into cubic curves (Catmull-Rom) so the file holds a small SVG path subset
(M, L, C, Z, absolute) that both QPainter and the PDF draw. Run it again after changing a
point; the JSON is what ships.
"""

from __future__ import annotations

import json
from pathlib import Path

Point = tuple[float, float]

OUT = Path(__file__).resolve().parent.parent / "resources" / "bodymap" / "outlines-1.json"

# the right half of the child's silhouette (viewer's right), top of the head to the crotch
_BODY_HALF: list[Point] = [
    (0.5, 0.02), (0.58, 0.03), (0.62, 0.07), (0.62, 0.11), (0.60, 0.14), (0.56, 0.165),
    (0.545, 0.18), (0.55, 0.195), (0.62, 0.205), (0.70, 0.215), (0.74, 0.24), (0.76, 0.30),
    (0.78, 0.38), (0.80, 0.45), (0.82, 0.50), (0.85, 0.53), (0.85, 0.57), (0.82, 0.59),
    (0.79, 0.57), (0.775, 0.52), (0.76, 0.47), (0.73, 0.39), (0.70, 0.31), (0.67, 0.27),
    (0.66, 0.35), (0.65, 0.45), (0.67, 0.53), (0.67, 0.62), (0.65, 0.75), (0.63, 0.88),
    (0.625, 0.93), (0.665, 0.96), (0.655, 0.985), (0.565, 0.985), (0.555, 0.93),
    (0.555, 0.80), (0.545, 0.65), (0.5, 0.575),
]
_HEAD_FRONT_HALF: list[Point] = [
    (0.5, 0.05), (0.66, 0.08), (0.75, 0.2), (0.77, 0.36), (0.80, 0.39), (0.82, 0.47),
    (0.79, 0.55), (0.76, 0.56), (0.73, 0.68), (0.65, 0.78), (0.5, 0.85),
]
_HEAD_SIDE: list[Point] = [
    (0.5, 0.05), (0.70, 0.10), (0.80, 0.28), (0.80, 0.48), (0.74, 0.64), (0.66, 0.72),
    (0.66, 0.98), (0.40, 0.98), (0.40, 0.84), (0.34, 0.80), (0.28, 0.78), (0.27, 0.72),
    (0.25, 0.68), (0.26, 0.64), (0.20, 0.58), (0.24, 0.50), (0.26, 0.42), (0.27, 0.30),
    (0.34, 0.12),
]
_EAR: list[Point] = [(0.55, 0.40), (0.60, 0.42), (0.61, 0.50), (0.57, 0.56), (0.54, 0.50)]
# the hand on the viewer's left (the child's right), palm out, thumb towards the middle
_HAND: list[Point] = [
    (0.18, 0.98), (0.16, 0.80), (0.12, 0.55), (0.10, 0.42), (0.115, 0.36), (0.14, 0.38),
    (0.16, 0.50), (0.17, 0.30), (0.19, 0.255), (0.215, 0.28), (0.225, 0.46), (0.235, 0.22),
    (0.26, 0.19), (0.285, 0.22), (0.29, 0.46), (0.30, 0.27), (0.325, 0.245), (0.35, 0.28),
    (0.345, 0.52), (0.37, 0.60), (0.42, 0.50), (0.45, 0.51), (0.44, 0.60), (0.38, 0.75),
    (0.34, 0.86), (0.33, 0.98),
]


def _mirror(points: list[Point]) -> list[Point]:
    return [(round(1 - x, 4), y) for x, y in points]


def _symmetric(half: list[Point]) -> list[Point]:
    """The whole loop from its right half (which starts and ends on the middle line):
    down the right, back up the mirrored left."""
    return half + list(reversed(_mirror(half[1:-1])))


def _f(v: float) -> str:
    """A coordinate as written; a control point overshooting the box is pulled back in."""
    return f"{round(min(max(v, 0.0), 1.0), 4):g}"


def _smooth(points: list[Point]) -> str:
    """A closed Catmull-Rom loop through the points as cubic curves."""
    n = len(points)
    parts = [f"M {_f(points[0][0])} {_f(points[0][1])}"]
    for i in range(n):
        p0, p1, p2, p3 = (points[(i + k) % n] for k in (-1, 0, 1, 2))
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        parts.append(" ".join(["C", *(_f(v) for v in (*c1, *c2, *p2))]))
    return " ".join(parts) + " Z"


def _lines(*points: Point) -> str:
    head, *rest = points
    return " ".join([f"M {_f(head[0])} {_f(head[1])}",
                     *(f"L {_f(x)} {_f(y)}" for x, y in rest)])


def _loop(cx: float, cy: float, rx: float, ry: float) -> str:
    return _smooth([(cx, cy - ry), (cx + rx, cy), (cx, cy + ry), (cx - rx, cy)])


def _body(back: bool) -> list[str]:
    silhouette = _smooth(_symmetric(_BODY_HALF))
    if back:
        return [silhouette, _lines((0.5, 0.2), (0.5, 0.52)),
                _lines((0.56, 0.25), (0.62, 0.27), (0.61, 0.32)),
                _lines((0.44, 0.25), (0.38, 0.27), (0.39, 0.32))]
    return [silhouette, _loop(0.5, 0.45, 0.008, 0.004)]


def outlines() -> dict[str, object]:
    head_front = _smooth(_symmetric(_HEAD_FRONT_HALF))
    face = [_loop(0.40, 0.44, 0.04, 0.02), _loop(0.60, 0.44, 0.04, 0.02),
            _lines((0.5, 0.47), (0.48, 0.60), (0.52, 0.60)), _lines((0.43, 0.70), (0.57, 0.70)),
            _lines((0.42, 0.81), (0.42, 0.98)), _lines((0.58, 0.81), (0.58, 0.98))]
    return {
        "about": ("Body-map outlines drawn for CE Recorder (scripts/draw_body_outlines.py); "
                  "the project's own work. Coordinates are 0..1 of each view's box, x "
                  "across and y down; a box is `aspect` wide for every 1 high."),
        "version": 1,
        "views": [
            {"id": "front", "label": "Body, front", "aspect": 0.5,
             "viewer_left": "child's right", "paths": _body(back=False)},
            {"id": "back", "label": "Body, back", "aspect": 0.5,
             "viewer_left": "child's left", "paths": _body(back=True)},
            {"id": "head_front", "label": "Head, front", "aspect": 0.8,
             "viewer_left": "child's right", "paths": [head_front, *face]},
            {"id": "head_side", "label": "Head, side", "aspect": 0.8,
             "viewer_left": "face", "paths": [_smooth(_HEAD_SIDE), _smooth(_EAR),
                                                _loop(0.33, 0.42, 0.03, 0.015)]},
            {"id": "hands", "label": "Hands, palms", "aspect": 1.4,
             "viewer_left": "child's right hand",
             "paths": [_smooth(_HAND), _smooth(_mirror(_HAND))]},
        ],
    }


def main() -> None:
    OUT.write_text(json.dumps(outlines(), indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

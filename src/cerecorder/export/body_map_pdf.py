"""The body map in the concern record (issue 16): each view that has marks drawn from the
same outline data as the screen, each mark a numbered ring at the same (x, y) of the
view's box, and a numbered key giving every mark in words (mark_summary), so the text
can be read, searched and copied even where the drawing cannot."""

from __future__ import annotations

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable, KeepTogether, Paragraph

from cerecorder.domain.body_map import BodyMark, Outlines, OutlineView, mark_summary
from cerecorder.export.layout import REGULAR, Styles, text

BOX_HEIGHT = 220.0  # points: a body view's box, about 78 mm
GAP = 14.0
INK = Color(0.1, 0.1, 0.1)
MARK_INK = Color(0.69, 0.0, 0.125)  # as on screen (#b00020)


class BodyMapFigure(Flowable):  # type: ignore[misc]
    """The views with marks side by side, scaled down together if they would not fit."""

    def __init__(self, views: list[OutlineView], marks: list[tuple[int, BodyMark]],
                 width: float) -> None:
        super().__init__()
        self.views, self.marks = views, marks
        natural = sum(v.aspect * BOX_HEIGHT for v in views) + GAP * (len(views) - 1)
        self.scale = min(1.0, width / natural)
        self.box_height = BOX_HEIGHT * self.scale
        self.width, self.height = natural * self.scale, self.box_height + 14

    def boxes(self) -> list[tuple[OutlineView, float]]:
        """Each view with the left edge of its box, in points from the figure's left."""
        found, left = [], 0.0
        for view in self.views:
            found.append((view, left))
            left += view.aspect * self.box_height + GAP * self.scale
        return found

    def draw(self) -> None:
        canv = self.canv
        top = self.box_height  # PDF y grows upwards: a view's y 0 is its box's top
        for view, left in self.boxes():
            w = view.aspect * self.box_height

            def at(point: tuple[float, float], left: float = left, w: float = w
                   ) -> tuple[float, float]:
                return left + point[0] * w, top - point[1] * self.box_height

            canv.setStrokeColor(INK)
            canv.setLineWidth(0.8)
            path = canv.beginPath()
            for segments in view.paths:
                for segment in segments:
                    points = [c for p in segment.points for c in at(p)]
                    if segment.op == "M":
                        path.moveTo(*points)
                    elif segment.op == "L":
                        path.lineTo(*points)
                    elif segment.op == "C":
                        path.curveTo(*points)
                    else:
                        path.close()
            canv.drawPath(path, stroke=1, fill=0)
            canv.setFont(REGULAR, 7)
            canv.setFillColor(INK)
            canv.drawCentredString(left + w / 2, top + 4, view.label)
            canv.setStrokeColor(MARK_INK)
            canv.setLineWidth(1.2)
            for number, mark in self.marks:  # a red ring centred on the mark, its number in ink
                if mark.view == view.id:
                    x, y = at((mark.x, mark.y))
                    canv.circle(x, y, 3.5, stroke=1, fill=0)
                    canv.drawString(x + 4.5, y + 2.5, str(number))


def body_map_part(marks: tuple[BodyMark, ...], outlines: Outlines, s: Styles,
                  width: float) -> list[Flowable]:
    """The heading, the drawing and the key; nothing when there are no marks."""
    if not marks:
        return []
    numbered = list(enumerate(marks, start=1))
    shown = [v for v in outlines.views if any(m.view == v.id for m in marks)]
    part: list[Flowable] = [Paragraph("Body map", s.heading),
                            BodyMapFigure(shown, numbered, width)]
    part += [Paragraph(text(mark_summary(n, m, outlines)), s.body) for n, m in numbered]
    return [KeepTogether(part)]

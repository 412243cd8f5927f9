"""A small chart of a child's screening totals over time, for the child window. What it
draws is also said in words (domain.screening.chart_text): in its accessible description,
its tooltip and the label shown beside it."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from cerecorder.domain.screening import Band, ChartPoint, chart_text
from cerecorder.domain.timefmt import uk_date
from cerecorder.ui.widgets import named

#: the lines and dots, dark enough to read at 4.5:1 on the window's light background
INK = QColor("#1F3A5F")
GRID = QColor("#6B6B6B")
BAND_FILL = (QColor("#EEF3EA"), QColor("#FBF1DF"), QColor("#F8E4E1"))


class ScreeningChart(QWidget):
    """Totals as dots joined by a line, oldest at the left, over the bands' shading."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: tuple[ChartPoint, ...] = ()
        self.bands: tuple[Band, ...] = ()
        self.top = 1
        # narrower where the window is (200% scaling), never wider than its hint
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its words are in the label beside it
        self.set_points((), ())

    def sizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(line * 14, int(line * 3.2))

    def minimumSizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(line * 8, int(line * 3.2))

    def set_points(self, points: Sequence[ChartPoint], bands: Sequence[Band],
                   top: int = 0) -> None:
        """The points to draw; `top` is the highest total the instrument allows."""
        self.points, self.bands = tuple(points), tuple(bands)
        self.top = max(top, *(p.total for p in self.points), 1) if self.points else max(top, 1)
        words = chart_text(self.points)
        named(self, "Screening scores over time", words)
        self.setToolTip(words)
        self.update()

    def _y(self, area: QRectF, total: float) -> float:
        return area.bottom() - area.height() * total / self.top

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = self.fontMetrics()
        area = QRectF(self.rect()).adjusted(4, metrics.height() * 0.5, -6,
                                            -metrics.height() * 1.3)
        # the bands, shaded from their start to the next band's
        starts = [b.start for b in self.bands] + [self.top]
        for i in range(len(self.bands)):
            low, high = min(starts[i], self.top), min(starts[i + 1], self.top)
            if high <= low:
                continue
            painter.fillRect(QRectF(area.left(), self._y(area, high), area.width(),
                                    self._y(area, low) - self._y(area, high)),
                             BAND_FILL[min(i, len(BAND_FILL) - 1)])
        painter.setPen(QPen(GRID, 1))
        painter.drawLine(QPointF(area.left(), area.bottom()),
                         QPointF(area.right(), area.bottom()))
        if not self.points:
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "No screening yet")
            painter.end()
            return
        count = len(self.points)
        step = area.width() / max(count - 1, 1)
        spots = [QPointF(area.left() + (step * i if count > 1 else area.width() / 2),
                         self._y(area, p.total)) for i, p in enumerate(self.points)]
        painter.setPen(QPen(INK, 2))
        for a, b in itertools.pairwise(spots):
            painter.drawLine(a, b)
        painter.setBrush(INK)
        for spot in spots:
            painter.drawEllipse(spot, 3.5, 3.5)
        # the first and last dates under the axis
        painter.setPen(QPen(GRID.darker(140), 1))
        baseline = area.bottom() + metrics.ascent() + 2
        painter.drawText(QPointF(area.left(), baseline), uk_date(self.points[0].on))
        if count > 1:
            last = uk_date(self.points[-1].on)
            painter.drawText(QPointF(area.right() - metrics.horizontalAdvance(last), baseline),
                             last)
        painter.end()

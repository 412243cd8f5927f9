"""The network drawing (issue 14): records as boxes, the centre in the middle, a ring
round it and a ring outside, laid out the same way every time; walked by keyboard (the
arrow keys, and Tab until the last node, so Tab still leaves the drawing), with the node
in focus told to screen readers as the drawing's description; and printed with its list.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFocusEvent,
    QFont,
    QFontInfo,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QResizeEvent,
)
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
    QWidget,
)

from cerecorder.domain.handover import DEFAULT_MARKING
from cerecorder.ui.models import ID_ROLE, RowsModel
from cerecorder.ui.widgets import named

NODE_W, NODE_H = 190.0, 62.0
#: the ring of entries (or children) and the ring outside it
RING, GAP = 230.0, 240.0
#: the rings' height over their width
FLAT = 0.55
#: fill, border: dark text on light fills reads well above 4.5:1
STYLE = {"child": ("#e3eefc", "#1c4f9c"), "entry": ("#fdf0dc", "#9a4a00"),
         "concern": ("#e9f4e0", "#2f5f12")}
TEXT = QColor("#1a1a1a")
EDGE = QColor("#6b6b6b")


@dataclass
class Node:
    """One record in the picture. ``layer`` 0 is the centre, 1 the ring, 2 outside."""

    kind: str  # "child", "entry" or "concern"
    ref_id: int
    layer: int
    heading: str
    text: str
    dates: str
    #: what a screen reader says of it, and the tooltip
    description: str
    pos: QPointF = field(default_factory=QPointF)


def _neighbours(i: int, edges: list[tuple[int, int]]) -> set[int]:
    return {b if a == i else a for a, b in edges if i in (a, b)}


def ring_order(nodes: list[Node], edges: list[tuple[int, int]]) -> list[int]:
    """The ring, so that records sharing outer neighbours sit side by side: the one with
    the most links first, then each time the one sharing most with the last placed
    (ties by their place in ``nodes``). Their shared neighbours then sit between them."""
    left = [i for i, n in enumerate(nodes) if n.layer == 1]
    outer = {i for i, n in enumerate(nodes) if n.layer == 2}
    near = {i: _neighbours(i, edges) & outer for i in left}
    order: list[int] = []
    while left:
        if order:
            best = max(left, key=lambda i: (len(near[i] & near[order[-1]]), -i))
        else:
            best = max(left, key=lambda i: (len(near[i]), -i))
        order.append(best)
        left.remove(best)
    return order


def lay_out(nodes: list[Node], edges: list[tuple[int, int]]) -> list[int]:
    """Place the nodes: the centre at the origin, the ring evenly round it from the top,
    each outer node at its ring neighbours' mean angle, spread so none overlap. The rings
    are ellipses, flatter than circles, as the boxes are wider than tall and so are
    screens. Returns the keyboard order: centre, ring clockwise, outside clockwise."""
    ring = ring_order(nodes, edges)
    outer = [i for i, n in enumerate(nodes) if n.layer == 2]
    radius = max(RING, len(ring) * (NODE_W + 20) / (2 * math.pi))
    angle: dict[int, float] = {}

    def place(i: int, r: float, t: float) -> None:
        nodes[i].pos = QPointF(r * math.cos(t), r * FLAT * math.sin(t))

    for k, i in enumerate(ring):
        angle[i] = -math.pi / 2 + 2 * math.pi * k / max(len(ring), 1)
        place(i, radius, angle[i])
    wanted: dict[int, float] = {}
    for i in outer:
        near = [angle[j] for j in _neighbours(i, edges) if j in angle]
        x = sum(math.cos(t) for t in near)
        y = sum(math.sin(t) for t in near)
        wanted[i] = math.atan2(y, x) if near and (abs(x) + abs(y)) > 1e-9 else -math.pi / 2
    order = sorted(outer, key=lambda i: ((wanted[i] + math.pi / 2) % (2 * math.pi),
                                         nodes[i].heading, nodes[i].ref_id))
    outside = max(radius + GAP, len(order) * (NODE_W + 16) / (2 * math.pi))
    least = (NODE_W + 16) / outside  # the angle one node needs on the outer ring
    turns: list[float] = []
    for i in order:  # clockwise from the top, each at least `least` after the one before
        t = (wanted[i] + math.pi / 2) % (2 * math.pi) - math.pi / 2
        turns.append(max(t, turns[-1] + least) if turns else t)
    if turns and turns[-1] - turns[0] > 2 * math.pi - least:  # crowded: evenly round
        turns = [turns[0] + 2 * math.pi * k / len(turns) for k in range(len(turns))]
    for i, t in zip(order, turns, strict=True):
        place(i, outside, t)
    return [i for i, n in enumerate(nodes) if n.layer == 0] + ring + order


def edge_path(start: QPointF, end: QPointF) -> QPainterPath:
    """A straight line, unless the two ends lie on far sides of the centre: then a curve
    round the outside, so it does not run under the centre's box."""
    path = QPainterPath(start)
    turn = [math.atan2(p.y() / FLAT, p.x()) for p in (start, end)]
    apart = (turn[1] - turn[0] + math.pi) % (2 * math.pi) - math.pi
    if abs(apart) <= 2 * math.pi / 3 or start.isNull() or end.isNull():
        path.lineTo(end)
        return path
    middle = turn[0] + apart / 2
    reach = 1.6 * max(math.hypot(p.x(), p.y() / FLAT) for p in (start, end))
    path.quadTo(QPointF(reach * math.cos(middle), reach * FLAT * math.sin(middle)), end)
    return path


class NodeItem(QGraphicsRectItem):
    def __init__(self, node: Node, font: QFont) -> None:
        super().__init__(QRectF(-NODE_W / 2, -NODE_H / 2, NODE_W, NODE_H))
        self.node = node
        self.font = font
        self.current = False
        self.setPos(node.pos)
        self.setZValue(1)
        self.setToolTip(node.description)
        fill, border = STYLE[node.kind]
        self.setBrush(QBrush(QColor(fill)))
        self.setPen(QPen(QColor(border), 3.0 if node.layer == 0 else 1.5))

    def paint(self, painter: QPainter, option: Any, widget: QWidget | None = None) -> None:
        rect = self.rect()
        painter.setBrush(self.brush())
        pen = QPen(self.pen())
        if self.current:  # the keyboard's place: a thick frame in the highlight colour
            pen = QPen(QColor("#0b57d0"), 4.0)
        painter.setPen(pen)
        painter.drawRoundedRect(rect, 8, 8)
        painter.setPen(TEXT)
        bold = QFont(self.font)
        bold.setBold(True)
        inner = rect.adjusted(8, 4, -8, -4)
        lines = [(bold, self.node.heading), (self.font, self.node.text),
                 (self.font, self.node.dates)]
        y = inner.top()
        for font, text in lines:
            if not text:
                continue
            metrics = QFontMetricsF(font)
            painter.setFont(font)
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, inner.width())
            painter.drawText(QRectF(inner.left(), y, inner.width(), metrics.height()),
                             int(Qt.AlignmentFlag.AlignHCenter), shown)
            y += metrics.height()


class NetworkGraph(QGraphicsView):
    """The drawing. The view holds the keyboard focus and moves a current node."""

    #: a node was chosen with Enter or a double click
    opened = Signal(object)
    #: the current node changed (None: the picture is empty)
    moved = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setBackgroundBrush(QBrush(QColor("#ffffff")))
        named(self, "Network graph", "Arrow keys move between the records, Enter opens one.")
        self.node_items: list[NodeItem] = []
        self.current = -1

    def show_nodes(self, nodes: list[Node], edges: list[tuple[int, int]]) -> None:
        scene = self.scene()
        scene.clear()
        self.node_items, self.current = [], -1
        if not nodes:
            return
        order = lay_out(nodes, edges)
        for a, b in edges:
            line = scene.addPath(edge_path(nodes[a].pos, nodes[b].pos), QPen(EDGE, 1.5))
            line.setZValue(0)
        # sized in scene units, not points, so that paper (scene.render on a printer of
        # another resolution) scales the words with their boxes
        font = QFont(self.font())
        font.setPixelSize(QFontInfo(font).pixelSize())
        for i in order:
            item = NodeItem(nodes[i], font)
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)
            scene.addItem(item)
            self.node_items.append(item)
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-20, -20, 20, 20))
        self.move_to(0)
        self.fit()

    def clear(self) -> None:
        self.scene().clear()
        self.node_items, self.current = [], -1
        self.setAccessibleDescription("")

    def node(self) -> Node | None:
        if 0 <= self.current < len(self.node_items):
            return self.node_items[self.current].node
        return None

    def move_to(self, index: int) -> None:
        if not self.node_items:
            return
        index = max(0, min(index, len(self.node_items) - 1))
        if 0 <= self.current < len(self.node_items):
            self.node_items[self.current].current = False
            self.node_items[self.current].update()
        self.current = index
        item = self.node_items[index]
        item.current = True
        item.update()
        self.ensureVisible(item)
        self.setAccessibleDescription(item.node.description)
        self.moved.emit(item.node)

    def fit(self) -> None:
        """The whole picture in view when it fits at up to natural size."""
        self.resetTransform()
        rect = self.sceneRect()
        room = self.viewport().size()
        if rect.width() > room.width() or rect.height() > room.height():
            self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Down):
            self.move_to(self.current + 1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Up):
            self.move_to(self.current - 1)
        elif key == Qt.Key.Key_Home:
            self.move_to(0)
        elif key == Qt.Key.Key_End:
            self.move_to(len(self.node_items) - 1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            if self.node() is not None:
                self.opened.emit(self.node())
        else:
            super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        """Tab and Shift+Tab come here, before the scene could take them for its items."""
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) \
                and not event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                             | Qt.KeyboardModifier.AltModifier):
            backwards = event.key() == Qt.Key.Key_Backtab \
                or bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            return self.focusNextPrevChild(not backwards)
        return super().event(event)

    def focusNextPrevChild(self, next: bool) -> bool:  # Qt's name
        """Tab walks the nodes, then leaves the graph (no keyboard trap)."""
        step = 1 if next else -1
        if 0 <= self.current + step < len(self.node_items):
            self.move_to(self.current + step)
            return True
        return super().focusNextPrevChild(next)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if event.reason() == Qt.FocusReason.TabFocusReason:
            self.move_to(0)
        elif event.reason() == Qt.FocusReason.BacktabFocusReason:
            self.move_to(len(self.node_items) - 1)

    def _item_at(self, event: QMouseEvent) -> int | None:
        for item in self.scene().items(self.mapToScene(event.position().toPoint())):
            if isinstance(item, NodeItem):
                return self.node_items.index(item)
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        hit = self._item_at(event)
        if hit is not None:
            self.move_to(hit)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        hit = self._item_at(event)
        if hit is not None:
            self.move_to(hit)
            self.opened.emit(self.node_items[hit].node)


class NetworkListModel(RowsModel):
    """The network as lines with dates: rows of (node opened, cells)."""

    def __init__(self, headers: tuple[str, ...], parent: Any = None) -> None:
        super().__init__(parent)
        self.HEADERS = headers

    def node(self, row: int) -> Node:
        return self._rows[row][0]  # type: ignore[no-any-return]

    def cell(self, item: tuple[Node, tuple[str, ...]], column: int, role: int) -> Any:
        if role == ID_ROLE:
            return item[0].ref_id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return item[1][column]
        return None


# -- printing -----------------------------------------------------------------------------


def paginate(model: NetworkListModel, lines_per_page: tuple[int, int]) -> list[range]:
    """The list's rows per page: fewer on the first, which carries the picture."""
    rows = model.rowCount()
    first, rest = lines_per_page
    pages = [range(0, min(first, rows))]
    start = first
    while start < rows:
        pages.append(range(start, min(start + rest, rows)))
        start += rest
    return pages


def _shares(model: NetworkListModel) -> list[float]:
    """Each column's share of the page, by its longest text (capped, so that one long
    wording does not squeeze the dates)."""
    longest = [min(max([len(h)] + [len(str(model.index(r, c).data() or ""))
                                    for r in range(model.rowCount())]), 40) + 2
               for c, h in enumerate(model.HEADERS)]
    return [n / sum(longest) for n in longest]


def draw_pages(printer: QPrinter, title: str, graph: NetworkGraph, model: NetworkListModel,
               pages: list[range], printed: str) -> None:
    painter = QPainter()
    if not painter.begin(printer):
        return
    try:
        current, graph.current = graph.current, -1  # no keyboard frame on paper
        for item in graph.node_items:
            item.current = False
        for number, rows in enumerate(pages):
            if number:
                printer.newPage()
            sheet = QRectF(painter.viewport())
            margin = sheet.width() * 0.04
            area = sheet.adjusted(margin, margin, -margin, -margin)
            font = QFont("DejaVu Sans", 11)
            painter.setFont(font)
            line = QFontMetricsF(font, printer).height() * 1.25
            painter.setPen(TEXT)
            painter.drawText(QRectF(area.left(), area.top(), area.width(), line),
                             int(Qt.AlignmentFlag.AlignLeft),
                             f"{DEFAULT_MARKING}   {title}   printed {printed}")
            painter.drawText(QRectF(area.left(), area.bottom() - line, area.width(), line),
                             int(Qt.AlignmentFlag.AlignRight),
                             f"Page {number + 1} of {len(pages)}")
            y = area.top() + line * 1.5
            if number == 0:
                picture = QRectF(area.left(), y, area.width(), area.height() * 0.55)
                graph.scene().render(painter, picture, graph.sceneRect(),
                                     Qt.AspectRatioMode.KeepAspectRatio)
                y = picture.bottom() + line
            widths = [area.width() * w for w in _shares(model)]
            for row in (-1, *rows):
                x = area.left()
                for column, width in enumerate(widths):
                    text = (model.HEADERS[column] if row < 0
                            else str(model.index(row, column).data() or ""))
                    shown = QFontMetricsF(font, printer).elidedText(
                        text, Qt.TextElideMode.ElideRight, width - 8)
                    painter.drawText(QRectF(x, y, width - 8, line),
                                     int(Qt.AlignmentFlag.AlignLeft), shown)
                    x += width
                y += line
    finally:
        painter.end()
        graph.move_to(current)



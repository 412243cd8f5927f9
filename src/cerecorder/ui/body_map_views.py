"""Body maps over time (issue 16): a concern's own map and its corrections, or a child's
maps across concerns, listed with which is the original and which a correction (by whom,
when); the maps ticked are drawn layered, each in its own colour and shape, and every
mark of them is listed in words. "Correct body map…" adds a new map with an addendum,
never an edit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from textwrap import shorten

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.body_map import BodyMap, BodyMark, Outlines, mark_summary
from cerecorder.domain.errors import CERecorderError
from cerecorder.domain.model import Addendum
from cerecorder.domain.timefmt import uk_date, uk_datetime
from cerecorder.services import body_maps
from cerecorder.services.session import Session
from cerecorder.ui.body_map import INK, BodyMapCanvas, BodyMapEditor, outline_path
from cerecorder.ui.common import fit_to_screen, name_of, text_box, user_names
from cerecorder.ui.widgets import add_row, message_label, named

#: each layer's ink, all at least 4.5:1 on white, and a shape, so colour is never alone
LAYER_INKS = ("#b00020", "#0b57d0", "#1b5e20", "#6a1b9a", "#8a4b00", "#37474f")
SHAPES = ("ring", "square", "triangle", "diamond")
LABEL_OFFSETS = ((8.0, -6.0), (8.0, 16.0), (-30.0, -6.0), (-30.0, 16.0))


@dataclass(frozen=True)
class Layer:
    title: str
    marks: tuple[BodyMark, ...]


def map_titles(session: Session, maps: Sequence[BodyMap], addenda: Sequence[Addendum],
               names: dict[int, str]) -> list[str]:
    """"Original map" or "Correction n", by whom and when, one per map of one concern."""
    by_id = {a.id: a for a in addenda}
    titles, corrections = [], 0
    for body_map in maps:
        who = name_of(names, session, body_map.created_by or 0)
        when = uk_datetime(body_map.created_at, session.tz)
        count = f"{len(body_map.marks)} mark{'' if len(body_map.marks) == 1 else 's'}"
        if body_map.addendum_id is None:
            titles.append(f"Original map: recorded by {who}, {when} ({count})")
            continue
        corrections += 1
        addendum = by_id.get(body_map.addendum_id)
        why = (f": \u201c{shorten(addendum.body, 80, placeholder='…')}\u201d"
               if addendum else "")
        titles.append(f"Correction {corrections}: by {who}, {when}, with an addendum"
                      f"{why} ({count})")
    return titles


class LayeredCanvas(BodyMapCanvas):
    """The outline with the marks of several maps, map n's marks numbered n.1, n.2…"""

    def __init__(self, outlines: Outlines) -> None:
        super().__init__(outlines, read_only=True)
        self.layers: list[tuple[int, Layer]] = []

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        box = self.box()
        painter.setPen(QPen(INK, 1.5))
        painter.drawPath(outline_path(self.view, box))
        for index, layer in self.layers:
            ink = QColor(LAYER_INKS[index % len(LAYER_INKS)])
            for number, mark in enumerate(layer.marks, start=1):
                if mark.view != self.view.id:
                    continue
                centre = QPointF(box.left() + mark.x * box.width(),
                                 box.top() + mark.y * box.height())
                painter.setPen(QPen(ink, 2))
                _shape(painter, SHAPES[index % len(SHAPES)], centre)
                # each layer's numbers on its own side, so a mark kept in a correction
                # at the same place stays readable beside the original's
                dx, dy = LABEL_OFFSETS[index % len(LABEL_OFFSETS)]
                painter.drawText(centre + QPointF(dx, dy), f"{index + 1}.{number}")
        painter.end()


def _shape(painter: QPainter, shape: str, at: QPointF, r: float = 5.0) -> None:
    if shape == "ring":
        painter.drawEllipse(at, r, r)
    elif shape == "square":
        painter.drawRect(QRectF(at.x() - r, at.y() - r, 2 * r, 2 * r))
    else:
        points = ([(0, -r - 1), (r + 1, r), (-r - 1, r)] if shape == "triangle"
                  else [(0, -r - 1), (r + 1, 0), (0, r + 1), (-r - 1, 0)])
        painter.drawPolygon(QPolygonF([at + QPointF(x, y) for x, y in points]))


class MapsOverTime(QDialog):
    """The maps listed (tick one or more to draw them layered), the drawing with a choice
    of view, and the ticked maps' marks in words."""

    def __init__(self, parent: QWidget | None, title: str, outlines: Outlines,
                 layers: list[Layer], ticked: set[int]) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.outlines, self.all_layers = outlines, layers
        self.maps = QListWidget()
        named(self.maps, "Body maps", "Space ticks a map to draw it; the ticked maps are "
              "drawn layered, each in its own colour and shape")
        for index, layer in enumerate(layers):
            item = QListWidgetItem(f"{index + 1}. {layer.title} "
                                   f"[{SHAPES[index % len(SHAPES)]}]")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if index in ticked
                               else Qt.CheckState.Unchecked)
            item.setForeground(QColor(LAYER_INKS[index % len(LAYER_INKS)]))
            self.maps.addItem(item)
        self.maps.setWordWrap(True)
        self.maps.setMaximumHeight(self.maps.fontMetrics().lineSpacing() * 7)
        self.maps.itemChanged.connect(lambda _: self.redraw())
        self.canvas = LayeredCanvas(outlines)
        self.views = QComboBox()
        self.views.addItems([v.label for v in outlines.views])
        self.views.currentIndexChanged.connect(
            lambda i: self.canvas.show_view(outlines.views[i].id))
        self.marks = QListWidget()
        self.marks.setWordWrap(True)
        named(self.marks, "Marks of the ticked maps, in words")
        caption = QLabel("&Maps (tick to draw):")
        caption.setBuddy(self.maps)
        top = QFormLayout()
        add_row(top, "&View", self.views)
        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(self.canvas, 1)
        side = QVBoxLayout()
        side.addWidget(QLabel("Marks of the ticked maps, in words:"))
        side.addWidget(self.marks, 1)
        row = QHBoxLayout()
        row.addLayout(left, 3)
        row.addLayout(side, 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        named(buttons.button(QDialogButtonBox.StandardButton.Close), "Close")
        buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addWidget(caption)
        outer.addWidget(self.maps)
        outer.addLayout(row, 1)
        outer.addWidget(buttons)
        self.redraw()
        fit_to_screen(self, 900, 680)
        self.maps.setCurrentRow(max(ticked, default=0))
        self.maps.setFocus()

    def ticked(self) -> list[int]:
        return [i for i in range(self.maps.count())
                if self.maps.item(i).checkState() == Qt.CheckState.Checked]

    def redraw(self) -> None:
        chosen = self.ticked()
        self.canvas.layers = [(i, self.all_layers[i]) for i in chosen]
        self.marks.clear()
        for i in chosen:
            layer = self.all_layers[i]
            self.marks.addItems([f"Map {i + 1}, " + mark_summary(n, m, self.outlines)
                                 for n, m in enumerate(layer.marks, start=1)])
        if not chosen:
            self.marks.addItem("No map is ticked.")
        self.canvas.update()


def concern_maps_dialog(parent: QWidget, session: Session, outlines: Outlines,
                        concern_id: int, addenda: Sequence[Addendum]) -> MapsOverTime:
    """The concern's own map and its corrections; the newest is drawn first."""
    maps = body_maps.concern_maps(session, concern_id)
    titles = map_titles(session, maps, addenda, user_names(session))
    layers = [Layer(t, m.marks) for t, m in zip(titles, maps, strict=True)]
    return MapsOverTime(parent, f"Body maps of concern #{concern_id}", outlines, layers,
                        {len(layers) - 1})


def child_maps_dialog(parent: QWidget, session: Session, outlines: Outlines,
                      child_id: int, child_name: str) -> MapsOverTime:
    """The child's maps across concerns, oldest first, all drawn layered."""
    names = user_names(session)
    layers = []
    for body_map, concern in body_maps.child_maps(session, child_id):
        when = concern.content.occurred_at or body_map.created_at
        who = name_of(names, session, body_map.created_by or 0)
        what = ("original map" if body_map.addendum_id is None
                else f"correction by {who}, {uk_datetime(body_map.created_at, session.tz)}")
        layers.append(Layer(f"Concern #{concern.id} of {uk_date(when.date())}, {what}",
                            body_map.marks))
    return MapsOverTime(parent, f"Body maps of {child_name}", outlines, layers,
                        set(range(len(layers))))


class CorrectMapDialog(BodyMapEditor):
    """The newest map's marks to start from, and why the map is corrected; kept as an
    addendum with a new map when the user chooses Add correction."""

    def __init__(self, parent: QWidget | None, session: Session, outlines: Outlines,
                 concern_id: int, marks: Sequence[BodyMark]) -> None:
        super().__init__(parent, outlines, list(marks))
        self.session, self.concern_id = session, concern_id
        self.setWindowTitle(f"Correct the body map of concern #{concern_id}")
        self.addendum_id: int | None = None
        self.why: QPlainTextEdit = text_box(
            "Why the body map is corrected",
            "Say what was wrong or missing; the original map stays as it was", 60)
        why_caption = QLabel("&Why it is corrected (kept as an addendum):")
        why_caption.setBuddy(self.why)
        self.message = message_label()
        outer = self.layout()
        assert isinstance(outer, QVBoxLayout)
        outer.insertWidget(1, why_caption)
        outer.insertWidget(2, self.why)
        outer.insertWidget(3, self.message)
        ok = self.findChild(QDialogButtonBox)
        if ok is not None:
            keep = ok.button(QDialogButtonBox.StandardButton.Ok)
            if keep is not None:
                keep.setText("Add &correction")
                named(keep, "Add the corrected map with the addendum")
        self.canvas.setFocus()  # arrow keys move the cursor, Enter places a mark

    def accept(self) -> None:
        try:
            self.addendum_id = body_maps.add_correcting_map(
                self.session, self.concern_id, self.why.toPlainText(), self.marks(),
                self.outlines)
        except CERecorderError as exc:  # nothing was kept: say why and stay open
            self.message.setText(str(exc))
            return
        super().accept()

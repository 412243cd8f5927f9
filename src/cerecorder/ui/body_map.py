"""The body-map editor (issue 16): the outline drawn with QPainter from the same vector
data the PDF draws, marks placed by a click or from the keyboard (arrow keys move a
visible cursor, Enter places a mark), and every mark also listed in words beside the
drawing, where Delete removes it while the concern is a draft."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.body_map import (
    MARK_KINDS,
    BodyMark,
    Outlines,
    OutlineView,
    mark_summary,
)
from cerecorder.services import body_maps
from cerecorder.services.session import Session
from cerecorder.ui.common import fit_to_screen, ok_cancel, text_box
from cerecorder.ui.widgets import add_row, named

STEP = 0.02  # how far an arrow key moves the cursor, in the view's box
INK = QColor("#1a1a1a")  # on white: 17:1
MARK_INK = QColor("#b00020")  # on white: 6.6:1


def outline_path(view: OutlineView, box: QRectF) -> QPainterPath:
    """The view's paths scaled into the box, as the PDF scales them into its own."""
    def at(point: tuple[float, float]) -> QPointF:
        return QPointF(box.left() + point[0] * box.width(), box.top() + point[1] * box.height())

    path = QPainterPath()
    for segments in view.paths:
        for segment in segments:
            points = [at(p) for p in segment.points]
            if segment.op == "M":
                path.moveTo(points[0])
            elif segment.op == "L":
                path.lineTo(points[0])
            elif segment.op == "C":
                path.cubicTo(points[0], points[1], points[2])
            else:
                path.closeSubpath()
    return path


class BodyMapCanvas(QWidget):
    """One view of the outline with its marks, numbered as in the list."""

    placed = Signal(float, float)

    def __init__(self, outlines: Outlines, *, read_only: bool = False) -> None:
        super().__init__()
        self.outlines, self.read_only = outlines, read_only
        self.view = outlines.views[0]
        self.cursor_at = (0.5, 0.5)
        self.marks: list[BodyMark] = []
        self.setMinimumSize(220, 300)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        named(self, "Body map drawing",
              "Arrow keys move the cursor; Enter places a mark there" if not read_only
              else "The marks are listed beside the drawing")

    def box(self) -> QRectF:
        """The largest box of the view's aspect that fits, centred."""
        height = min(self.height() - 8.0, (self.width() - 8.0) / self.view.aspect)
        width = height * self.view.aspect
        return QRectF((self.width() - width) / 2, (self.height() - height) / 2, width, height)

    def show_view(self, view_id: str) -> None:
        self.view = self.outlines.view(view_id)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        box = self.box()
        painter.setPen(QPen(INK, 1.5))
        painter.drawPath(outline_path(self.view, box))
        for number, mark in enumerate(self.marks, start=1):  # a red ring, its number in ink
            if mark.view == self.view.id:
                centre = QPointF(box.left() + mark.x * box.width(),
                                 box.top() + mark.y * box.height())
                painter.setPen(QPen(MARK_INK, 2))
                painter.drawEllipse(centre, 5, 5)
                painter.setPen(QPen(INK, 1))
                painter.drawText(centre + QPointF(7, -5), str(number))
        if not self.read_only and self.hasFocus():
            x = box.left() + self.cursor_at[0] * box.width()
            y = box.top() + self.cursor_at[1] * box.height()
            painter.setPen(QPen(QColor("#0b57d0"), 2))  # on white: 6.1:1
            painter.drawLine(QPointF(x - 8, y), QPointF(x + 8, y))
            painter.drawLine(QPointF(x, y - 8), QPointF(x, y + 8))
        painter.end()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        moves = {Qt.Key.Key_Left: (-STEP, 0.0), Qt.Key.Key_Right: (STEP, 0.0),
                 Qt.Key.Key_Up: (0.0, -STEP), Qt.Key.Key_Down: (0.0, STEP)}
        key = Qt.Key(event.key())
        if self.read_only:
            super().keyPressEvent(event)
        elif key in moves:
            dx, dy = moves[key]
            self.cursor_at = (min(max(self.cursor_at[0] + dx, 0.0), 1.0),
                              min(max(self.cursor_at[1] + dy, 0.0), 1.0))
            self.update()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.placed.emit(*self.cursor_at)
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        box = self.box()
        x = (event.position().x() - box.left()) / box.width()
        y = (event.position().y() - box.top()) / box.height()
        if not self.read_only and 0 <= x <= 1 and 0 <= y <= 1:
            self.cursor_at = (x, y)
            self.placed.emit(x, y)


class MarkDialog(QDialog):
    """What the mark is: kind, size, colour, description and the child's own words."""

    def __init__(self, parent: QWidget, view: str, x: float, y: float) -> None:
        super().__init__(parent)
        self.setWindowTitle("A mark on the body map")
        self.where = (view, x, y)
        form = QFormLayout(self)
        self.kind = QComboBox()
        self.kind.addItems([k.capitalize() for k in MARK_KINDS])
        self.size_cm = QDoubleSpinBox()
        self.size_cm.setRange(0.0, 200.0)
        self.size_cm.setSingleStep(0.5)
        self.size_cm.setSpecialValueText("Not measured")
        self.size_cm.setSuffix(" cm")
        self.colour = QLineEdit()
        self.description = text_box("Description", "Where exactly, shape, anything seen", 70)
        self.child_words = text_box("The child's words",
                                    "What the child said about it, in their words", 70)
        add_row(form, "&Kind", self.kind)
        add_row(form, "Approximate &size", self.size_cm)
        add_row(form, "C&olour", self.colour)
        add_row(form, "&Description", self.description)
        add_row(form, "The child's &words", self.child_words)
        buttons = ok_cancel(self, "&Add mark")
        buttons.accepted.connect(self.accept)
        form.addRow(buttons)

    def mark(self) -> BodyMark:
        size = self.size_cm.value()
        return BodyMark(*self.where, kind=MARK_KINDS[self.kind.currentIndex()],
                        size_cm=size or None, colour=self.colour.text(),
                        description=self.description.toPlainText(),
                        child_words=self.child_words.toPlainText())


class BodyMapEditor(QDialog):
    """The drawing, a choice of view, and the marks listed in words."""

    def __init__(self, parent: QWidget | None, outlines: Outlines, marks: list[BodyMark],
                 *, read_only: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("Body map" if read_only else "Body map (draft)")
        self.outlines, self.read_only = outlines, read_only
        self.canvas = BodyMapCanvas(outlines, read_only=read_only)
        self.canvas.marks = list(marks)
        self.views = QComboBox()
        self.views.addItems([v.label for v in outlines.views])
        self.views.currentIndexChanged.connect(
            lambda i: self.canvas.show_view(outlines.views[i].id))
        self.listing = QListWidget()
        named(self.listing, "Marks on the body map",
              "Every mark in words" + ("" if read_only else "; Delete removes the one chosen"))
        self.listing.setWordWrap(True)
        self.listing.installEventFilter(self)
        self.canvas.placed.connect(self._place)
        self.remove = QPushButton("&Remove mark")
        self.remove.clicked.connect(self.remove_chosen)
        named(self.remove, "Remove mark")
        self.remove.setVisible(not read_only)
        side = QVBoxLayout()
        side.addWidget(QLabel("Marks, in words:"))
        side.addWidget(self.listing)
        side.addWidget(self.remove)
        top = QFormLayout()
        add_row(top, "&View", self.views)
        self.side_note = QLabel()
        top.addRow(self.side_note)
        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(self.canvas, 1)
        row = QHBoxLayout()
        row.addLayout(left, 3)
        row.addLayout(side, 2)
        outer = QVBoxLayout(self)
        outer.addLayout(row)
        if read_only:  # nothing to keep or cancel: one Close
            buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
            named(buttons.button(QDialogButtonBox.StandardButton.Close), "Close")
            buttons.rejected.connect(self.reject)
        else:
            buttons = ok_cancel(self, "&Keep marks")
            buttons.accepted.connect(self.accept)
        outer.addWidget(buttons)
        self.views.currentIndexChanged.connect(self._note_sides)
        self._note_sides()
        self._relist()
        fit_to_screen(self, 780, 580)

    def marks(self) -> list[BodyMark]:
        return list(self.canvas.marks)

    def _note_sides(self, *_: object) -> None:
        self.side_note.setText(f"The drawing's left is the {self.canvas.view.viewer_left}.")

    def _place(self, x: float, y: float) -> None:
        dialog = MarkDialog(self, self.canvas.view.id, x, y)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.add_mark(dialog.mark())

    def add_mark(self, mark: BodyMark) -> None:
        self.canvas.marks.append(mark)
        self._relist()

    def remove_chosen(self) -> None:
        row = self.listing.currentRow()
        if not self.read_only and row >= 0:
            del self.canvas.marks[row]
            self._relist()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Delete in the list of marks removes the one chosen."""
        if (watched is self.listing and isinstance(event, QKeyEvent)
                and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Delete):
            self.remove_chosen()
            return True
        return super().eventFilter(watched, event)

    def _relist(self) -> None:
        self.listing.clear()
        self.listing.addItems([mark_summary(n, m, self.outlines)
                               for n, m in enumerate(self.canvas.marks, start=1)])
        self.canvas.update()


class BodyMapPart:
    """The concern form's body map: a button opening the editor, the draft's marks kept
    here and saved with the draft. Without outlines (a context built without them) the
    button stays hidden."""

    def __init__(self, form: QWidget, outlines: Outlines | None, session: Session,
                 changed: Callable[[], None]) -> None:
        self.form, self.outlines, self.session, self.changed = form, outlines, session, changed
        self.marks: list[BodyMark] = []
        self._saved: list[BodyMark] = []
        self.button = QPushButton("Body ma&p…")
        named(self.button, "Body map", "Marks seen on the child, placed on an outline")
        self.button.clicked.connect(self.open_editor)
        self.button.setVisible(outlines is not None)

    def open_editor(self) -> None:
        if self.outlines is None:
            return
        editor = BodyMapEditor(self.form, self.outlines, self.marks)
        if editor.exec() == QDialog.DialogCode.Accepted and editor.marks() != self.marks:
            self.marks = editor.marks()
            self._label()
            self.changed()

    def load(self, concern_id: int) -> None:
        maps = body_maps.concern_maps(self.session, concern_id)
        own = [m for m in maps if m.addendum_id is None]
        self.marks = list(own[0].marks) if own else []
        self._saved = list(self.marks)
        self._label()

    def save(self, concern_id: int) -> None:
        """Stores the marks with the draft when they changed since the last save."""
        if self.outlines is not None and self.marks != self._saved:
            body_maps.save_draft_map(self.session, concern_id, self.marks, self.outlines)
            self._saved = list(self.marks)

    def _label(self) -> None:
        count = len(self.marks)
        self.button.setText(f"Body ma&p ({count} mark{'' if count == 1 else 's'})…"
                            if count else "Body ma&p…")

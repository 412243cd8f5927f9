"""The concern form's quick "People, vehicles, places, phones mentioned" part: a kind and
one line each, optional, kept with the draft and the submitted concern.

Staff only name what they saw or heard; they never see the register or what is linked to
another child. The DSL matches each line to a register entry later.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.model import EntryKind, Mention
from cerecorder.domain.register import MAX_MENTION, MAX_MENTIONS
from cerecorder.ui.widgets import named

#: what staff choose from: plain words, not the register's own labels
KINDS = {
    EntryKind.PERSON: "Person",
    EntryKind.VEHICLE: "Vehicle",
    EntryKind.PLACE: "Place",
    EntryKind.PHONE: "Phone number",
    EntryKind.ACCOUNT: "Online account",
    EntryKind.GROUP: "Group",
}
PLACEHOLDERS = {
    EntryKind.PERSON: "for example: older male, calls himself 'Tiny', about 20",
    EntryKind.VEHICLE: "for example: silver hatchback, AB51 ABC",
    EntryKind.PLACE: "for example: the flats behind the retail park",
    EntryKind.PHONE: "for example: 07700 900123",
    EntryKind.ACCOUNT: "for example: Snapchat @name",
    EntryKind.GROUP: "for example: the group that meets at the skate park",
}
_KIND_ROLE = Qt.ItemDataRole.UserRole + 1


class _MentionList(QListWidget):
    """Delete or Backspace removes the highlighted line."""

    removed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentItem():
            self.takeItem(self.currentRow())
            self.removed.emit()
            return
        super().keyPressEvent(event)


class _Line(QLineEdit):
    """Enter adds the line and goes no further: it must never reach the form's Submit."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


class MentionsPart(QGroupBox):
    """A kind, a line, Add (or Enter in the line); the lines added, Remove."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)  # the title is a label that wraps: a group box's does
        # not, and would widen the form's middle column at 150%
        self.setAccessibleName("People, vehicles, places, phones mentioned")
        title = QLabel("People, vehicles, places, phones mentioned (optional)")
        title.setWordWrap(True)
        bold = title.font()
        bold.setBold(True)
        title.setFont(bold)
        self.kind = QComboBox()
        for kind, label in KINDS.items():
            self.kind.addItem(label, kind)
        named(self.kind, "Kind of thing mentioned")
        self.line = _Line()
        self.line.setMaxLength(MAX_MENTION)
        named(self.line, "What was mentioned, one line",
              "A description, a registration, a number or a nickname; Enter adds it")
        self.add_button = QPushButton("Add &mention")
        named(self.add_button, "Add the line to the concern")
        self.list = _MentionList()
        named(self.list, "Mentioned in this concern",
              "Delete removes the highlighted line")
        self.list.setMaximumHeight(self.list.fontMetrics().lineSpacing() * 4 + 12)
        self.list.setWordWrap(True)  # a long line wraps in the narrow column
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.remove_button = QPushButton("&Remove")
        named(self.remove_button, "Remove the highlighted line")
        hint = QLabel("Only what you saw or heard named, one line each: the DSL matches "
                      "them. You will not see anything recorded about them elsewhere.")
        hint.setObjectName("hintMessage")
        hint.setWordWrap(True)

        self.kind.currentIndexChanged.connect(self._placeholder)
        self.line.returnPressed.connect(self.add)
        self.line.textChanged.connect(self._update_buttons)
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self.list.removed.connect(self._removed)
        self.list.currentRowChanged.connect(lambda _: self._update_buttons())
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)

        # narrow enough for the form's middle column at 150%: the buttons stack beside
        # the list rather than lengthen the row
        self.line.setMinimumWidth(self.fontMetrics().horizontalAdvance("07700 9"))
        # the kind box as wide as its longest kind would push the column past the screen
        # at 200%: it shows as much as fits, the open list every kind whole
        self.kind.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kind.setMinimumContentsLength(8)
        # where the column is narrow (150% and 200%), the kind goes above the line and the
        # buttons under the list, so the part never widens the column
        entry = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        entry.addWidget(self.kind)
        entry.addWidget(self.line, stretch=1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addLayout(entry)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.entry_row = entry
        self._placeholder()
        self._update_buttons()

    def resizeEvent(self, event: QResizeEvent) -> None:
        narrow = event.size().width() < self.kind.sizeHint().width() * 2 + \
            self.line.minimumWidth()
        self.entry_row.setDirection(QBoxLayout.Direction.TopToBottom if narrow
                                    else QBoxLayout.Direction.LeftToRight)
        super().resizeEvent(event)

    def mentions(self) -> tuple[Mention, ...]:
        return tuple(Mention(EntryKind(self.list.item(i).data(_KIND_ROLE)),
                             self.list.item(i).data(Qt.ItemDataRole.UserRole))
                     for i in range(self.list.count()))

    def set_mentions(self, mentions: tuple[Mention, ...]) -> None:
        self.list.clear()
        for mention in mentions:
            self._append(mention.kind, mention.text)
        self._update_buttons()

    def add(self) -> None:
        """Add the line typed (a blank line adds nothing); the box empties for the next."""
        text = " ".join(self.line.text().split())
        if not text or self.list.count() >= MAX_MENTIONS:
            return
        self._append(EntryKind(self.kind.currentData()), text)
        self.list.setCurrentRow(self.list.count() - 1)
        self.line.clear()
        self.line.setFocus()
        self.changed.emit()

    def remove(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        self.list.takeItem(row)
        self._removed()

    def _removed(self) -> None:
        self._update_buttons()
        self.changed.emit()

    def _append(self, kind: EntryKind, text: str) -> None:
        item = QListWidgetItem(f"{KINDS[kind]}: {text}")
        item.setData(_KIND_ROLE, kind.value)
        item.setData(Qt.ItemDataRole.UserRole, text)
        self.list.addItem(item)

    def _placeholder(self) -> None:
        self.line.setPlaceholderText(PLACEHOLDERS[EntryKind(self.kind.currentData())])

    def _update_buttons(self) -> None:
        full = self.list.count() >= MAX_MENTIONS
        self.add_button.setEnabled(bool(self.line.text().strip()) and not full)
        self.remove_button.setEnabled(self.list.currentRow() >= 0)
        self.list.setVisible(self.list.count() > 0)
        self.remove_button.setVisible(self.list.count() > 0)

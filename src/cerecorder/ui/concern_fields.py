"""The concern form's bigger fields: the sign checklists and the date and time box."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.taxonomy import Taxonomy
from cerecorder.domain.timefmt import uk_datetime, zone
from cerecorder.services.clock import Clock
from cerecorder.ui.widgets import named

CODE_ROLE = Qt.ItemDataRole.UserRole + 10
#: 16/11/2026 14:05 (one-digit days, months and hours, and 14.05, are read too)
_MOMENT = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2})[:.](\d{2})")
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")
FORMAT_HINT = "Write it as dd/mm/yyyy HH:MM, for example 16/11/2026 14:05."


class WrappedSignDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped label at the column's real width: a sign must be
    readable in full before it is ticked, at any scaling."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self.tree = tree

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        if index.column() != 0:
            return hint
        depth = 1 if index.parent().isValid() else 0
        check = self.tree.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) + 12
        width = self.tree.columnWidth(0) - self.tree.indentation() * (depth + 1) - check
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        box = option.fontMetrics.boundingRect(QRect(0, 0, max(width, 40), 10_000),
                                              int(Qt.TextFlag.TextWordWrap), text)
        return QSize(hint.width(), max(hint.height(), box.height() + 4))


class IndicatorChecklist(QWidget):
    """The signs, grouped as in the guidance, each showing whether it is a CCE or CSE sign.
    Made empty and filled (fill()) once in its window: rows as tall as their wrapped
    labels are measured again, all of them, each time the tree or a box around it
    changes parent."""

    def __init__(self, taxonomy: Taxonomy, kinds: tuple[str, ...], name: str) -> None:
        super().__init__()
        self.taxonomy, self.kinds = taxonomy, kinds
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter signs…")
        self.filter.setClearButtonEnabled(True)
        named(self.filter, f"Filter {name.lower()}")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Sign", "Sign of"])
        self.tree.setRootIsDecorated(True)
        self.tree.setWordWrap(True)  # a sign must be readable in full before it is ticked
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.setUniformRowHeights(False)
        self.tree.setIndentation(14)
        named(self.tree, name, "Space ticks the highlighted sign")
        self.tree.setItemDelegateForColumn(0, WrappedSignDelegate(self.tree))
        self.tree.header().sectionResized.connect(lambda *_: self.tree.doItemsLayout())
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, self.tree.header().ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, self.tree.header().ResizeMode.ResizeToContents)
        self.filter.textChanged.connect(self._filter)
        #: how many are ticked, hidden by the filter or not
        self.count = QLabel()
        self.count.setObjectName("hintMessage")
        named(self.count, f"{name} ticked")
        self.tree.itemChanged.connect(lambda *_: self._count())
        top = QHBoxLayout()
        top.addWidget(self.filter, stretch=1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.tree)
        self._count()

    def fill(self) -> None:
        blocked = self.tree.blockSignals(True)  # one count at the end, not one a row
        for group in self.taxonomy.groups:
            if group.kind not in self.kinds:
                continue
            parent = QTreeWidgetItem(self.tree, [group.label, ""])
            parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for item in self.taxonomy.items_in(group.code):
                short = "CCE, CSE" if len(item.applies_to) == 2 else item.applicability
                row = QTreeWidgetItem(parent, [item.label, short])
                row.setToolTip(1, f"A sign of {item.applicability}")
                row.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                             | Qt.ItemFlag.ItemIsSelectable)
                row.setCheckState(0, Qt.CheckState.Unchecked)
                row.setData(0, CODE_ROLE, item.code)
                row.setToolTip(0, item.description or item.label)
            # not expandAll(), which measures every row there and then: expanded one by
            # one, the rows are measured once, when the tree is first shown
            parent.setExpanded(True)
        self.tree.blockSignals(blocked)
        self._count()

    def rows(self) -> list[QTreeWidgetItem]:
        found = []
        iterator = QTreeWidgetItemIterator(self.tree)
        while iterator.value():
            item = iterator.value()
            if item.data(0, CODE_ROLE):
                found.append(item)
            iterator += 1
        return found

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            assert group is not None
            visible = 0
            for j in range(group.childCount()):
                row = group.child(j)
                assert row is not None
                haystack = f"{row.text(0)} {row.text(1)} {group.text(0)}".casefold()
                hide = not all(w in haystack for w in words)
                row.setHidden(hide)
                visible += not hide
            group.setHidden(visible == 0)
        self._count()

    def _count(self) -> None:
        ticked = [r for r in self.rows() if r.checkState(0) == Qt.CheckState.Checked]
        hidden = sum(r.isHidden() for r in ticked)
        text = "No signs ticked" if not ticked else (
            f"{len(ticked)} sign{'s' if len(ticked) != 1 else ''} ticked")
        if hidden:
            text += f" ({hidden} hidden by the filter)"
        self.count.setText(text)

    def codes(self) -> frozenset[str]:
        return frozenset(str(r.data(0, CODE_ROLE)) for r in self.rows()
                         if r.checkState(0) == Qt.CheckState.Checked)

    def set_codes(self, codes: frozenset[str]) -> None:
        for row in self.rows():
            checked = row.data(0, CODE_ROLE) in codes
            row.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def tick(self, code: str) -> None:
        self.set_codes(self.codes() | {code})


class _Choices(QWidget):
    """Buttons side by side, or on two rows or one under another where the row does not
    fit: the concern form's middle column at 150% and 200% scaling is narrower than the
    three quick choices, which then cut the column's text off at its right edge."""

    def __init__(self, buttons: list[QPushButton]) -> None:
        super().__init__()
        self.buttons = buttons
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.columns = 0
        for button in buttons:
            button.setAutoDefault(False)
        self._place(len(buttons))

    def _columns_for(self, width: int) -> int:
        """As many buttons a row as fit the width, and at least one."""
        spacing = max(self.grid.horizontalSpacing(), 0)
        widths = [b.sizeHint().width() for b in self.buttons]
        for columns in range(len(widths), 1, -1):  # a grid: each column as its widest
            needed = sum(max(widths[c::columns]) for c in range(columns))
            if needed + spacing * (columns - 1) <= width:
                return columns
        return 1

    def _place(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for i, button in enumerate(self.buttons):
            self.grid.removeWidget(button)
            self.grid.addWidget(button, i // columns, i % columns,
                                Qt.AlignmentFlag.AlignLeft)
        self.grid.setColumnStretch(len(self.buttons), 1)
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:
        widest = max(b.sizeHint().width() for b in self.buttons)
        return QSize(widest, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._place(self._columns_for(event.size().width()))
        super().resizeEvent(event)


class WhenField(QWidget):
    """When it happened: typed as dd/mm/yyyy HH:MM in one plain box (Tab leaves it, as
    from any other box), or begun with a quick choice. It starts empty: most concerns are
    written after the event, so the time is chosen, never assumed."""

    changed = Signal()

    def __init__(self, clock: Clock, tz: str) -> None:
        super().__init__()
        self.clock, self.tz = clock, tz
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("dd/mm/yyyy HH:MM")
        self.edit.setMaxLength(20)
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("00/00/0000 00:00")
                                  + 24)
        named(self.edit, "When it happened",
              "Day/month/year and the 24-hour time, for example 16/11/2026 14:05")
        self.edit.textChanged.connect(lambda _: self.changed.emit())
        self.now_button = QPushButton("&Just now")
        self.today_button = QPushButton("&Today…")
        self.yesterday_button = QPushButton("&Yesterday…")
        named(self.now_button, "It happened just now")
        named(self.today_button, "Earlier today: type the time")
        named(self.yesterday_button, "Yesterday: type the time")
        self.now_button.clicked.connect(self.just_now)
        self.today_button.clicked.connect(lambda: self.on_day(0))
        self.yesterday_button.clicked.connect(lambda: self.on_day(1))
        # the quick choices go under the box, so the field fits a narrow column at 150%
        quick = _Choices([self.now_button, self.today_button, self.yesterday_button])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.edit)
        layout.addWidget(quick)
        self.setFocusProxy(self.edit)

    def _today(self) -> datetime:
        return self.clock.now().astimezone(zone(self.tz))

    def just_now(self) -> None:
        self.edit.setText(f"{self._today():%d/%m/%Y %H:%M}")
        self.edit.setFocus()

    def on_day(self, days_ago: int) -> None:
        """The day filled in; the time kept if one was typed, else left to type."""
        day = self._today() - timedelta(days=days_ago)
        typed = _TIME.search(self.edit.text().rsplit(" ", 1)[-1])
        time = f"{int(typed.group(1)):02d}:{typed.group(2)}" if typed else ""
        self.edit.setText(f"{day:%d/%m/%Y} {time}")
        self.edit.setFocus()
        self.edit.end(False)

    def set_moment(self, moment: datetime | None) -> None:
        if moment is None:
            self.edit.clear()
        else:
            self.edit.setText(uk_datetime(moment, self.tz))  # four-digit years, any year

    def problem(self) -> str:
        """Why the text is not a date and time, or "" if it is one (or is empty)."""
        text = self.edit.text().strip()
        if not text:
            return ""
        match = _MOMENT.fullmatch(text)
        if match is None:
            return FORMAT_HINT
        try:
            self._parse(match)
        except ValueError:
            return f"There is no such date or time: {FORMAT_HINT[0].lower()}{FORMAT_HINT[1:]}"
        return ""

    def moment(self) -> datetime | None:
        """The time typed, in the author's zone; None while it is empty or unfinished."""
        match = _MOMENT.fullmatch(self.edit.text().strip())
        if match is None:
            return None
        try:
            return self._parse(match)
        except ValueError:
            return None

    def _parse(self, match: re.Match[str]) -> datetime:
        day, month, year, hour, minute = (int(g) for g in match.groups())
        return datetime(year, month, day, hour, minute, tzinfo=zone(self.tz))

"""Qt item models over the services' read models. Each passes pytest-qt's qtmodeltester."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from cerecorder.domain.model import ChronologyEntry, Concern, EntryType
from cerecorder.domain.timefmt import local_date, uk_datetime

ModelIndex = QModelIndex | QPersistentModelIndex
#: the invalid index that stands for "no parent" in a flat table
ROOT = QModelIndex()
#: the role under which each model hands out its record id
ID_ROLE = Qt.ItemDataRole.UserRole + 1


class RowsModel(QAbstractTableModel):
    """A read-only table over a list of records. Subclasses name the HEADERS and say
    what each cell shows in ``cell``."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def rowCount(self, parent: ModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.HEADERS)):
            return self.HEADERS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self.cell(self._rows[index.row()], index.column(), role)

    def multiData(self, index: ModelIndex, roleDataSpan: Any) -> None:
        """Every role of a cell in one call: Qt's item delegate asks this way when a
        list paints, one call a cell instead of one a role (each a trip into Python).
        Every role is set, None too: a caller may hand the same span over again."""
        for role_data in roleDataSpan:
            role_data.setData(self.data(index, role_data.role()))

    def cell(self, item: Any, column: int, role: int) -> Any:
        raise NotImplementedError


class ConcernListModel(RowsModel):
    """Concerns, each with the display names of its children and, for the author, how
    far the DSL has got with it (rows of (concern, names) or (concern, names, status))."""

    HEADERS = ("When", "Children", "Urgency", "Status", "What was seen or heard")

    def concern(self, index: ModelIndex) -> Concern:
        return self._rows[index.row()][0]  # type: ignore[no-any-return]

    def cell(self, item: tuple[Any, ...], column: int, role: int) -> Any:
        concern, names = item[0], item[1]
        status = item[2] if len(item) > 2 else (
            "Draft" if concern.status.value == "draft" else "Submitted")
        if role == ID_ROLE:
            return concern.id
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        c = concern.content
        text = " ".join(c.facts.split())
        return (
            uk_datetime(c.occurred_at or concern.created_at, concern.tz),
            names,
            c.urgency.value.capitalize(),
            status,
            text if len(text) <= 140 else text[:140].rsplit(" ", 1)[0] + "…",
        )[column]


def event_text(entry: ChronologyEntry) -> str:
    """The Event cell: the DSL's significance mark and impact note with the event."""
    parts = ["\u2605 Significant event"] if entry.significant else []
    parts.append(entry.event)
    if entry.impact:
        parts.append(f"Impact on the child: {entry.impact}")
    return "\n".join(parts)


class ChronologyModel(RowsModel):
    """The multi-agency columns of DESIGN.md."""

    HEADERS = ("Date/time", "Source", "Event", "Decision and rationale", "Outcome",
               "Recorded by")

    def entry(self, index: ModelIndex) -> ChronologyEntry:
        return self._rows[index.row()]  # type: ignore[no-any-return]

    def cell(self, item: ChronologyEntry, column: int, role: int) -> Any:
        if role == ID_ROLE:
            return item.ref_id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (uk_datetime(item.occurred_at, item.tz), item.source, event_text(item),
                    item.decision, item.outcome, item.recorded_by)[column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        return None


class ChronologyFilter(QSortFilterProxyModel):
    """Filter chronology rows by entry type, date range and indicator. Change the
    attributes between beginFilterChange() and endFilterChange()."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.types: set[EntryType] = set(EntryType)
        self.indicator: str | None = None
        self.date_from: date | None = None
        self.date_to: date | None = None
        self.significant_only = False

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, ChronologyModel):
            return True
        e = model.entry(model.index(source_row, 0, source_parent))
        if e.entry_type not in self.types or (self.significant_only and not e.significant):
            return False
        if self.indicator and self.indicator not in e.indicator_codes:
            return False
        if self.date_from is None and self.date_to is None:
            return True  # no day to work out: the filter runs twice on every open
        day = local_date(e.occurred_at, e.tz)
        if self.date_from is not None and day < self.date_from:
            return False
        return not (self.date_to is not None and day > self.date_to)

"""Qt item models over the services' read models. Each passes pytest-qt's qtmodeltester."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QPalette

from cerecorder.domain.model import ChildFlag, ChronologyEntry, Concern, EntryType
from cerecorder.domain.rules import fold
from cerecorder.domain.timefmt import local_date, uk_date, uk_datetime
from cerecorder.services.children import RosterRow

ModelIndex = QModelIndex | QPersistentModelIndex
#: the invalid index that stands for "no parent" in a flat table
ROOT = QModelIndex()
#: the role under which each model hands out its record id
ID_ROLE = Qt.ItemDataRole.UserRole + 1


#: what the pupil list answers (RosterModel.cell)
_ROSTER_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                           Qt.ItemDataRole.ForegroundRole, ID_ROLE})


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


class RosterModel(RowsModel):
    """The pupil list. Every cell, the search text and the sort keys are worked out once
    when the rows are set: typing in the search box must never wait on Python per row."""

    HEADERS = ("Name", "Legal name", "Year", "Reg", "UPN", "Date of birth", "Flags",
               "Open concerns")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cells: list[tuple[Any, ...]] = []
        self._search: list[str] = []
        #: changes whenever the rows or their order change (the filter's cache key)
        self.version = 0
        self._fields: list[tuple[bool, int | None, frozenset[ChildFlag], str]] = []
        self._fields_for = -1
        self._left_colour: QColor | None = None

    def set_rows(self, rows: Sequence[Any],
                 sort_by: tuple[int, Qt.SortOrder] | None = None) -> None:
        """The rows, already in the order ``sort_by`` asks for when given: one reset,
        so the filter above goes over the rows once, not again for a sort."""
        self.beginResetModel()
        self._left_colour = None  # the theme may have changed since
        self._rows = list(rows)
        self._cells = [self._display(r) for r in self._rows]
        self._search = [fold(" ".join((r.child.display_name, r.child.legal_name,
                                       r.child.details.upn, r.child.details.year_group,
                                       r.child.details.reg_group,
                                       r.child.details.admission_number)))
                        for r in self._rows]
        if sort_by is not None and 0 <= sort_by[0] < len(self.HEADERS):
            self._reorder(self._order(*sort_by))
        self.version += 1
        self.endResetModel()

    @staticmethod
    def _display(item: RosterRow) -> tuple[Any, ...]:
        child, d = item.child, item.child.details
        return (
            child.display_name,
            child.legal_name,
            d.year_group,
            d.reg_group,
            d.upn,
            uk_date(d.date_of_birth) if d.date_of_birth else "",
            ", ".join(f.label for f in ChildFlag if f in d.flags) if d.flags else "",
            "" if item.open_concerns is None else item.open_concerns,
        )

    def row(self, index: ModelIndex) -> RosterRow:
        return self._rows[index.row()]  # type: ignore[no-any-return]

    def search_text(self, row: int) -> str:
        return self._search[row]

    def names(self) -> dict[int, str]:
        return {r.child.id: r.child.display_name for r in self._rows}

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Called about seven times a cell each time the list paints, once per role the
        view asks for: the roles the roster has nothing for are answered first."""
        if role not in _ROSTER_ROLES:
            return None
        row = index.row()  # -1 for an invalid index
        if not 0 <= row < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[row][index.column()]
        return self.cell(self._rows[row], index.column(), role)

    def multiData(self, index: ModelIndex, roleDataSpan: Any) -> None:
        row = index.row()
        known = 0 <= row < len(self._rows)
        for role_data in roleDataSpan:
            role = role_data.role()
            if not known or role not in _ROSTER_ROLES:
                role_data.setData(None)
            elif role == Qt.ItemDataRole.DisplayRole:
                role_data.setData(self._cells[row][index.column()])
            else:
                role_data.setData(self.cell(self._rows[row], index.column(), role))

    def cell(self, item: RosterRow, column: int, role: int) -> Any:
        child = item.child
        if role == ID_ROLE:
            return child.id
        if role == Qt.ItemDataRole.ToolTipRole and column == 0 and child.left_on:
            return f"Left on {uk_date(child.left_on)}"
        if role == Qt.ItemDataRole.ForegroundRole and child.left_on:
            if self._left_colour is None:  # a palette per cell would cost every paint
                self._left_colour = QPalette().color(QPalette.ColorGroup.Disabled,
                                                     QPalette.ColorRole.Text)
            return self._left_colour
        return None

    def search_fields(self) -> list[tuple[bool, int | None, frozenset[ChildFlag], str]]:
        """Per row, in order, what the pupil filter looks at: left, open concerns, flags
        and the search text (worked out once per version of the rows)."""
        if self._fields_for != self.version:
            self._fields = [(r.child.left_on is not None, r.open_concerns,
                             r.child.details.flags, text)
                            for r, text in zip(self._rows, self._search, strict=True)]
            self._fields_for = self.version
        return self._fields

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort here, once per header click, so the filter above never compares rows."""
        if not 0 <= column < len(self.HEADERS):
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        keep = [self._rows[i.row()] for i in before]
        self._reorder(self._order(column, order))
        self.version += 1
        where = {id(r): n for n, r in enumerate(self._rows)}
        self.changePersistentIndexList(
            before, [self.index(where[id(r)], i.column()) for r, i in zip(keep, before,
                                                                          strict=True)])
        self.layoutChanged.emit()

    def _order(self, column: int, order: Qt.SortOrder) -> list[int]:
        def key(n: int) -> tuple[int, Any]:
            value = self._cells[n][column]
            if column == 5 and self._rows[n].child.details.date_of_birth:
                return (0, self._rows[n].child.details.date_of_birth)
            if isinstance(value, int):
                return (1, value)
            text = str(value)
            return (1, int(text)) if text.isdigit() else (2, text.casefold())  # Year 9 < 11

        return sorted(range(len(self._rows)), key=key,
                      reverse=order == Qt.SortOrder.DescendingOrder)

    def _reorder(self, order_rows: list[int]) -> None:
        self._rows = [self._rows[n] for n in order_rows]
        self._cells = [self._cells[n] for n in order_rows]
        self._search = [self._search[n] for n in order_rows]


class PupilFilter(QSortFilterProxyModel):
    """Instant search over names, UPN, year and registration group, plus two filters.
    Case and accents aside: "goncalves" finds Gonçalves.

    Which rows pass is worked out for all rows at once, in one pass, whenever the words,
    a filter or the rows change; Qt then asks row by row, and each answer is a list
    lookup. A change that lets the same rows through (a trailing space, "George" to
    "george") tells the view nothing, so it neither re-filters nor repaints.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self.only_open = False
        self.show_left = False
        self.flag: ChildFlag | None = None
        self._passing: list[bool] = []
        self._passing_for = -1  # the roster's version the list was worked out for

    def setSourceModel(self, source: QAbstractItemModel) -> None:
        """The passing rows are worked out again before the proxy re-reads a changed
        roster (a reset for new rows, a layout change for a new order)."""
        previous = self.sourceModel()
        if previous is not None:
            previous.modelAboutToBeReset.disconnect(self._roster_changing)
            previous.layoutAboutToBeChanged.disconnect(self._roster_changing)
        self._passing_for = -1
        source.modelAboutToBeReset.connect(self._roster_changing)
        source.layoutAboutToBeChanged.connect(self._roster_changing)
        super().setSourceModel(source)

    def _roster_changing(self) -> None:
        self._passing_for = -1

    def multiData(self, index: ModelIndex, roleDataSpan: Any) -> None:
        """Straight to the roster, every role in one call (the proxy's own would ask it
        role by role, each with an index of the roster made and checked on the way)."""
        source = self.sourceModel()
        if isinstance(source, RosterModel):
            source.multiData(self.mapToSource(index), roleDataSpan)
        else:
            super().multiData(index, roleDataSpan)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The pupil model sorts itself; this layer only filters (in the model's order)."""
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)

    def _change(self, apply: Callable[[], None]) -> None:
        before = self._current()
        apply()
        model = self.sourceModel()
        if not isinstance(model, RosterModel):
            return
        passing = self._which_pass(model)
        if passing == before:
            return
        self.beginFilterChange()
        self._passing, self._passing_for = passing, model.version
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self._change(lambda: setattr(self, "_words", fold(text).split()))

    def set_only_open(self, value: bool) -> None:
        self._change(lambda: setattr(self, "only_open", value))

    def set_show_left(self, value: bool) -> None:
        self._change(lambda: setattr(self, "show_left", value))

    def set_flag(self, flag: ChildFlag | None) -> None:
        self._change(lambda: setattr(self, "flag", flag))

    def _current(self) -> list[bool]:
        model = self.sourceModel()
        if isinstance(model, RosterModel) and self._passing_for != model.version:
            self._passing = self._which_pass(model)
            self._passing_for = model.version
        return self._passing

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        if self._passing_for < 0:
            self._current()
        return self._passing[source_row] if source_row < len(self._passing) else True

    def _which_pass(self, model: RosterModel) -> list[bool]:
        words, show_left, only_open, flag = (self._words, self.show_left, self.only_open,
                                             self.flag)
        return [(show_left or not left) and (not only_open or bool(open_concerns))
                and (flag is None or flag in flags) and all(w in text for w in words)
                for left, open_concerns, flags, text in model.search_fields()]


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

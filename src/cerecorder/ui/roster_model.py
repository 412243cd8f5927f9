"""The main window's pupil list: the whole roll, leavers too, and the pupils it shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QColor, QPalette

from cerecorder.domain.model import ChildFlag
from cerecorder.domain.rules import fold
from cerecorder.domain.timefmt import uk_date
from cerecorder.services.children import RosterRow
from cerecorder.ui.look import legible
from cerecorder.ui.models import ID_ROLE, ModelIndex, RowsModel

#: what the pupil list answers (RosterModel.cell)
_ROSTER_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                           Qt.ItemDataRole.ForegroundRole, ID_ROLE})


class RosterModel(RowsModel):
    """The pupil list, with its own instant search over names, UPN, year and registration
    group and its filters (open concerns, a flag, leavers); case and accents aside:
    "goncalves" finds Gonçalves.

    It filters itself rather than sit under a QSortFilterProxyModel: a key typed in the
    search works out which pupils pass in one pass over the roll and, if that changed,
    tells the view in one layout change; a proxy asked Python row by row, and again for
    every cell it painted. Every cell, the search text and the sort keys are worked out
    once when the rows are set. A change that lets the same pupils through (a trailing
    space) tells the view nothing.
    """

    HEADERS = ("Name", "Legal name", "Year", "Reg", "UPN", "Date of birth", "Flags",
               "Open concerns")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: the whole roll in the order chosen, with its cells and what a search reads;
        #: _rows and _cells (what the view sees) are the pupils in _shown
        self._all: list[RosterRow] = []
        self._all_cells: list[tuple[Any, ...]] = []
        self._fields: list[tuple[bool, int | None, frozenset[ChildFlag], str]] = []
        self._shown: list[int] = []
        self._cells: list[tuple[Any, ...]] = []
        self._words: list[str] = []
        self.only_open = False
        self.show_left = False
        self.flag: ChildFlag | None = None
        self._left_colour: QColor | None = None

    # -- the rows ------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Any],
                 sort_by: tuple[int, Qt.SortOrder] | None = None) -> None:
        """The roll, put in the order ``sort_by`` asks for when given, filtered as the
        list stands: one reset."""
        self.beginResetModel()
        self._left_colour = None  # the theme may have changed since
        self._all = list(rows)
        self._all_cells = [self._display(r) for r in self._all]
        self._fields = [(r.child.left_on is not None, r.open_concerns, r.child.details.flags,
                         fold(" ".join((r.child.display_name, r.child.legal_name,
                                        r.child.details.upn, r.child.details.year_group,
                                        r.child.details.reg_group,
                                        r.child.details.admission_number))))
                        for r in self._all]
        if sort_by is not None and 0 <= sort_by[0] < len(self.HEADERS):
            self._reorder(self._order(*sort_by))
        self._show(self._passing())
        self.endResetModel()

    def all_rows(self) -> list[RosterRow]:
        """The whole roll, leavers too, whatever the list shows."""
        return list(self._all)

    def row(self, index: ModelIndex) -> RosterRow:
        return self._rows[index.row()]  # type: ignore[no-any-return]

    def names(self) -> dict[int, str]:
        return {r.child.id: r.child.display_name for r in self._all}

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

    # -- the cells -----------------------------------------------------------------------

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Asked once per role a cell: the roles the roster has nothing for are
        answered first."""
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
                palette, text = QPalette(), QPalette.ColorRole.Text
                # greyed like disabled text, but never below 4.5:1 on either row colour
                self._left_colour = legible(
                    palette.color(QPalette.ColorGroup.Disabled, text), palette.color(text),
                    palette.color(QPalette.ColorRole.Base),
                    palette.color(QPalette.ColorRole.AlternateBase))
            return self._left_colour
        return None

    # -- the search and the filters ------------------------------------------------------

    def set_text(self, text: str) -> None:
        self._words = fold(text).split()
        self._refilter()

    def set_only_open(self, value: bool) -> None:
        self.only_open = value
        self._refilter()

    def set_show_left(self, value: bool) -> None:
        self.show_left = value
        self._refilter()

    def set_flag(self, flag: ChildFlag | None) -> None:
        self.flag = flag
        self._refilter()

    def _passing(self) -> list[int]:
        words, show_left, only_open, flag = (self._words, self.show_left, self.only_open,
                                             self.flag)
        return [n for n, (left, open_concerns, flags, text) in enumerate(self._fields)
                if (show_left or not left) and (not only_open or bool(open_concerns))
                and (flag is None or flag in flags) and all(w in text for w in words)]

    def _show(self, shown: list[int]) -> None:
        self._shown = shown
        self._rows = [self._all[n] for n in shown]
        self._cells = [self._all_cells[n] for n in shown]

    def _refilter(self) -> None:
        shown = self._passing()
        if shown != self._shown:
            self._relayout(shown)

    def _relayout(self, shown: list[int]) -> None:
        """Show these pupils (indices into the roll), keeping the view's current pupil
        and selection where they still show."""
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        kept = [self._shown[i.row()] if 0 <= i.row() < len(self._shown) else -1
                for i in before]
        self._show(shown)
        where = {n: row for row, n in enumerate(shown)}
        self.changePersistentIndexList(before, [
            self.index(where[n], i.column()) if n in where else QModelIndex()
            for n, i in zip(kept, before, strict=True)])
        self.layoutChanged.emit()

    # -- the order -----------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort here, once per header click: the roll in its new order, the same pupils
        shown."""
        if not 0 <= column < len(self.HEADERS):
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        kept = [id(self._rows[i.row()]) if 0 <= i.row() < len(self._rows) else 0
                for i in before]
        self._reorder(self._order(column, order))
        self._show(self._passing())
        where = {id(r): row for row, r in enumerate(self._rows)}
        self.changePersistentIndexList(before, [
            self.index(where[k], i.column()) if k in where else QModelIndex()
            for k, i in zip(kept, before, strict=True)])
        self.layoutChanged.emit()

    def _order(self, column: int, order: Qt.SortOrder) -> list[int]:
        def key(n: int) -> tuple[int, Any]:
            value = self._all_cells[n][column]
            if column == 5 and self._all[n].child.details.date_of_birth:
                return (0, self._all[n].child.details.date_of_birth)
            if isinstance(value, int):
                return (1, value)
            text = str(value)
            return (1, int(text)) if text.isdigit() else (2, text.casefold())  # Year 9 < 11

        return sorted(range(len(self._all)), key=key,
                      reverse=order == Qt.SortOrder.DescendingOrder)

    def _reorder(self, order_rows: list[int]) -> None:
        self._all = [self._all[n] for n in order_rows]
        self._all_cells = [self._all_cells[n] for n in order_rows]
        self._fields = [self._fields[n] for n in order_rows]

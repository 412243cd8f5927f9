"""The concern form's list of pupils to tick."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from cerecorder.domain.model import Child
from cerecorder.domain.rules import fold
from cerecorder.domain.timefmt import uk_date
from cerecorder.ui.concern_fields import CODE_ROLE


class PupilList(QListWidget):
    """Pupils to tick, two lines each: the name, then year and form, date of birth and,
    on demand, the UPN's last digits, so two pupils of one name in one form differ.

    Made empty and filled once in its window: with word wrap each item has its own
    height, which Qt works out again for all of them whenever the list (or a box around
    it) changes parent, tens of milliseconds a time for a school's roll. Laid out in
    batches, so a search over a school's roll does not wait for every item's height;
    every pupil gets an item before the list first paints (items added to a list already
    laid out in batches were left unpainted)."""

    def __init__(self) -> None:
        super().__init__()
        self.pupils: dict[int, Child] = {}
        #: in list order; kept up to date as items are ticked, so that reading what is
        #: ticked (at every key typed in the form) does not visit every item
        self.order: list[int] = []
        self.ticked: set[int] = set()
        self.show_upn = False
        self._search: list[str] = []
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setUniformItemSizes(False)
        self.setLayoutMode(QListWidget.LayoutMode.Batched)
        self.setBatchSize(200)
        self.itemChanged.connect(self._note_tick)  # first: before the form's handlers

    def fill(self, pupils: list[Child], chosen: Iterable[int]) -> None:
        self.pupils = {c.id: c for c in pupils}
        self.order = [c.id for c in pupils]
        self.ticked = {i for i in chosen if i in self.pupils}
        self._search = []  # made at the first search
        flags = QListWidgetItem().flags() | Qt.ItemFlag.ItemIsUserCheckable
        checked, unchecked = Qt.CheckState.Checked, Qt.CheckState.Unchecked
        for child in pupils:  # labelled as relabel() does, without a second pass
            item = QListWidgetItem(f"{child.display_name}\n{self.details(child)}")
            item.setData(CODE_ROLE, child.id)
            item.setFlags(flags)
            item.setCheckState(checked if child.id in self.ticked else unchecked)
            self.addItem(item)

    def set_ticked(self, child_ids: Iterable[int]) -> None:
        """Tick these pupils (those on the list) and no others."""
        wanted = {i for i in child_ids if i in self.pupils}
        for row in range(self.count()):
            item = self.item(row)
            state = Qt.CheckState.Checked if int(item.data(CODE_ROLE)) in wanted \
                else Qt.CheckState.Unchecked
            if item.checkState() != state:
                item.setCheckState(state)  # itemChanged keeps self.ticked and the form
        self.ticked = wanted

    def _searched(self) -> list[str]:
        """What a search looks in, a pupil a row, accents and case aside."""
        if not self._search:
            self._search = [fold(" ".join((c.display_name, c.legal_name, c.details.year_group,
                                           c.details.reg_group, c.details.upn,
                                           uk_date(c.details.date_of_birth)
                                           if c.details.date_of_birth else "")))
                            for c in map(self.pupils.__getitem__, self.order)]
        return self._search

    def _note_tick(self, item: QListWidgetItem) -> None:
        child_id = int(item.data(CODE_ROLE))
        if item.checkState() == Qt.CheckState.Checked:
            self.ticked.add(child_id)
        else:
            self.ticked.discard(child_id)

    def ticked_ids(self) -> tuple[int, ...]:
        """The ticked pupils' ids, in list order."""
        return tuple(i for i in self.order if i in self.ticked)

    def child(self, row: int) -> Child:
        return self.pupils[int(self.item(row).data(CODE_ROLE))]

    def relabel(self) -> None:
        for row in range(self.count()):
            child = self.child(row)
            self.item(row).setText(f"{child.display_name}\n{self.details(child)}")

    def details(self, child: Child) -> str:
        d = child.details
        year = f"Year {d.year_group}" if d.year_group and d.year_group.isdigit() \
            else d.year_group
        parts = [", ".join(p for p in (year, d.reg_group) if p)]
        if d.date_of_birth:
            parts.append(f"born {uk_date(d.date_of_birth)}")
        if self.show_upn and d.upn:
            parts.append(f"UPN …{d.upn[-4:]}")
        return " · ".join(p for p in parts if p) or "No year or form on record"

    def filter(self, text: str) -> int:
        """Show the pupils whose name, year, form, UPN or date of birth hold every word,
        accents and case aside; returns how many show."""
        words = fold(text).split()
        searched = self._searched()
        shown = 0
        for row in range(self.count()):
            hide = not all(w in searched[row] for w in words)
            self.item(row).setHidden(hide)
            shown += not hide
        return shown

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Arriving by Tab lands on the first pupil shown, ready for Space."""
        current = self.currentItem()
        if current is None or current.isHidden():
            for row in range(self.count()):
                if not self.item(row).isHidden():
                    self.setCurrentRow(row)
                    break
        super().focusInEvent(event)

"""The concern form's categories (kinds of concern, KCSIE Part one): a list of checkboxes
below the account in the form's middle column. Ticking CCE or CSE opens the exploitation
indicator checklist; a toggle keeps it available for any other concern."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QListWidget, QListWidgetItem, QWidget

from cerecorder.domain.categories import categories, opens_checklist
from cerecorder.domain.taxonomy import Taxonomy
from cerecorder.services import concern_categories
from cerecorder.services.session import Session
from cerecorder.ui.concern_fields import CODE_ROLE
from cerecorder.ui.widgets import add_row, named


class CategoryPart(QObject):
    """The list and the checklist toggle; `changed` when a tick changes."""

    changed = Signal()

    def __init__(self, taxonomy: Taxonomy, form: QFormLayout, signs: QWidget) -> None:
        super().__init__(form)
        self.signs = signs
        self.list = QListWidget()
        for item in categories(taxonomy):
            row = QListWidgetItem(item.label)
            row.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                         | Qt.ItemFlag.ItemIsSelectable)
            row.setCheckState(Qt.CheckState.Unchecked)
            row.setData(CODE_ROLE, item.code)
            row.setToolTip(item.description)
            self.list.addItem(row)
        self.list.setWordWrap(True)  # a long category wraps at 150%, never cut off
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lines = self.list.fontMetrics().lineSpacing()
        self.list.setMinimumHeight(lines * 6)
        self.list.setMaximumHeight(lines * 9)
        add_row(form, "&Categories (tick all that apply):", self.list,
                "Space ticks the highlighted category")
        self.checklist = QCheckBox("Show the e&xploitation signs checklist")
        named(self.checklist, "Show the exploitation signs checklist",
              "Opens by itself for child criminal or sexual exploitation")
        form.addRow(self.checklist)
        self.list.itemChanged.connect(lambda _: self._ticked())
        self.checklist.toggled.connect(self._show_signs)
        self._show_signs(False)

    def codes(self) -> list[str]:
        return [str(self.list.item(i).data(CODE_ROLE)) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def set_codes(self, codes: Iterable[str], *, has_signs: bool = False) -> None:
        wanted = set(codes)
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(CODE_ROLE) in wanted
                               else Qt.CheckState.Unchecked)
        if has_signs:  # a draft with signs ticked shows them
            self.checklist.setChecked(True)

    def _ticked(self) -> None:
        if opens_checklist(self.codes()):
            self.checklist.setChecked(True)
        self.changed.emit()

    def _show_signs(self, on: bool) -> None:
        self.signs.setVisible(on)

    def save(self, session: Session, draft_id: int) -> None:
        concern_categories.choose(session, draft_id, self.codes())

    def load(self, session: Session, draft_id: int, has_signs: bool) -> None:
        self.set_codes(concern_categories.chosen(session, draft_id), has_signs=has_signs)

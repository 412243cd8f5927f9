"""Search every concern (DSL, Ctrl+F): its words, addenda, children's names, decisions,
actions and outcomes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.errors import CERecorderError
from cerecorder.domain.model import SearchHit
from cerecorder.domain.timefmt import uk_datetime
from cerecorder.services import search
from cerecorder.services.session import Session
from cerecorder.ui.common import fit_to_screen, record_table
from cerecorder.ui.concern_view import ConcernViewDialog
from cerecorder.ui.context import AppContext
from cerecorder.ui.models import ID_ROLE, ModelIndex, RowsModel
from cerecorder.ui.widgets import named


class SearchResultsModel(RowsModel):
    HEADERS = ("When", "Children", "Where the words match")

    def hit(self, index: ModelIndex) -> SearchHit:
        return self._rows[index.row()]  # type: ignore[no-any-return]

    def cell(self, item: SearchHit, column: int, role: int) -> Any:
        if role == ID_ROLE:
            return item.concern_id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (uk_datetime(item.occurred_at) if item.occurred_at else "",
                    ", ".join(item.child_names), " ".join(item.snippet.split()))[column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        return None


class SearchDialog(QDialog):
    """Full-text search across every concern and addendum (the DSL's Ctrl+F)."""

    DEBOUNCE_MS = 250
    PAGE = 50

    def __init__(self, ctx: AppContext, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session = ctx, session
        self.setWindowTitle("Search concerns" + (" [DEMO]" if session.is_demo else ""))
        fit_to_screen(self, 960, 560)
        self.box = QLineEdit()
        self.box.setClearButtonEnabled(True)
        self.box.setPlaceholderText("A child's name, a place, a nickname, a decision or "
                                    "words from a concern…")
        named(self.box, "Search concerns",
              "Results update as you type; press Enter to search at once.")
        caption = QLabel("&Search for:")
        caption.setBuddy(self.box)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.DEBOUNCE_MS)
        self.timer.timeout.connect(self.run_search)
        self.limit = self.PAGE
        self.box.textChanged.connect(self._typed)
        self.box.returnPressed.connect(self.run_search)

        self.model = SearchResultsModel(self)
        self.table = record_table(self.model, "Search results",
                                  "Press Enter on a result to open the concern.")
        header = self.table.horizontalHeader()
        header.resizeSection(0, self.table.fontMetrics().horizontalAdvance("00/00/0000 00:00")
                             + 24)
        header.resizeSection(1, 220)
        self.table.activated.connect(self.open_hit)
        self.status = QLabel("Type a word or two. Matched words are shown in [brackets].")
        self.status.setObjectName("hintMessage")
        self.status.setWordWrap(True)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.open_button = QPushButton("&Open concern")
        named(self.open_button, "Open the selected concern")
        self.open_button.clicked.connect(lambda: self.open_hit(self.table.currentIndex()))
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.more_button = QPushButton("&More results")
        named(self.more_button, "Show more results")
        self.more_button.clicked.connect(self.show_more)
        self.more_button.setVisible(False)
        buttons.addButton(self.more_button, QDialogButtonBox.ButtonRole.ActionRole)
        for button in buttons.buttons():
            # Enter in the search box searches; it must not press a button
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
                button.setDefault(False)
        named(buttons.button(QDialogButtonBox.StandardButton.Close), "Close")

        top = QHBoxLayout()
        top.addWidget(caption)
        top.addWidget(self.box, stretch=1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.table, stretch=1)
        layout.addWidget(buttons)
        self.box.setFocus()

    def _typed(self, _: str) -> None:
        self.limit = self.PAGE
        self.timer.start()

    def show_more(self) -> None:
        self.limit += self.PAGE
        self.run_search()

    def run_search(self) -> None:
        self.timer.stop()
        text = self.box.text()
        if not text.strip():
            self.model.clear()
            self.status.setText("Type a word or two. Matched words are shown in [brackets].")
            return
        try:
            hits = search.search_concerns(self.session, text, self.limit)
        except CERecorderError as exc:
            self.model.clear()
            self.status.setText(str(exc))
            return
        self.model.set_rows(hits)
        self.table.resizeRowsToContents()
        more = len(hits) >= self.limit
        self.more_button.setVisible(more)
        if not hits:
            self.status.setText("No concern matches those words: not in what was written, "
                                "the addenda, the children's names or what was decided "
                                "and done.")
        else:
            shown = f"The {len(hits)} most recent" if more else f"{len(hits)}"
            self.status.setText(f"{shown} concern{'s' if len(hits) != 1 else ''} found, "
                                "most recent first. Press Enter on one to open it.")

    def open_hit(self, index: QModelIndex) -> ConcernViewDialog | None:
        if not index.isValid():
            return None
        dialog = ConcernViewDialog(self.ctx, self.session, self.model.hit(index).concern_id,
                                   self)
        dialog.open()
        return dialog

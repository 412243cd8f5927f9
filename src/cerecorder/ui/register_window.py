"""The DSL's register window (issue 14): the people, vehicles, places, phones, online
accounts and groups on record, by kind, with a search; the lines staff typed that wait
for a match (from concerns recorded here and from imported packets); and each entry's
page: its wording now, every earlier wording, the children and concerns linked, first
and last seen, and who reported it. Staff never reach any of it (the services refuse).

Both windows belong to the main window, so the lock hides and destroys them with it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.errors import CERecorderError
from cerecorder.domain.model import Child, EntryKind
from cerecorder.domain.register import KIND_FIELDS, Link, PendingMention, Revision
from cerecorder.domain.rules import fold
from cerecorder.domain.timefmt import local_date, uk_date, uk_datetime
from cerecorder.services import register
from cerecorder.services.register import EntryView, RegisterRow
from cerecorder.services.session import Session
from cerecorder.ui.common import cap_column, fit_to_screen, name_of, record_table, user_names
from cerecorder.ui.concern_view import ConcernViewDialog
from cerecorder.ui.context import AppContext
from cerecorder.ui.models import ID_ROLE, ModelIndex, RowsModel
from cerecorder.ui.register_forms import (
    EntryDialog,
    MatchDialog,
    MergeEntryDialog,
    ReviseDialog,
    SetAsideDialog,
    describe_entry,
)
from cerecorder.ui.widgets import named, show_problem


def _day(moment: Any, tz: str) -> str:
    return "" if moment is None else uk_date(local_date(moment, tz))


class RegisterModel(RowsModel):
    HEADERS = ("Kind", "Entry", "Key", "Children", "First seen", "Last seen")

    def __init__(self, tz: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.tz = tz

    def entry_row(self, index: ModelIndex) -> RegisterRow:
        return self._rows[index.row()]  # type: ignore[no-any-return]

    def search_text(self, row: int) -> str:
        item: RegisterRow = self._rows[row]
        return fold(" ".join((item.entry.kind.label, item.entry.details.summary,
                              item.entry.key or "")))

    def cell(self, item: RegisterRow, column: int, role: int) -> Any:
        if role == ID_ROLE:
            return item.entry.id
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        return (item.entry.kind.label, item.entry.details.summary, item.entry.key or "",
                len(item.child_ids), _day(item.first_seen, self.tz),
                _day(item.last_seen, self.tz))[column]


class RegisterFilter(QSortFilterProxyModel):
    """One kind, or all, and words anywhere in the wording or the key (accents aside)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.kind: EntryKind | None = None
        self.words: list[str] = []

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, RegisterModel):
            return True
        row = model.entry_row(model.index(source_row, 0, source_parent))
        if self.kind is not None and row.entry.kind is not self.kind:
            return False
        haystack = model.search_text(source_row)
        return all(w in haystack for w in self.words)


class MentionModel(RowsModel):
    """Lines staff typed, awaiting a match: rows of (mention, author's name)."""

    HEADERS = ("When", "Kind", "What staff wrote", "Reported by", "Concern")

    def __init__(self, tz: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.tz = tz

    def mention(self, index: ModelIndex) -> PendingMention:
        return self._rows[index.row()][0]  # type: ignore[no-any-return]

    def author(self, index: ModelIndex) -> str:
        return str(self._rows[index.row()][1])

    def cell(self, item: tuple[PendingMention, str], column: int, role: int) -> Any:
        mention, author = item
        if role == ID_ROLE:
            return mention.concern_id
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        return (uk_datetime(mention.occurred_at, self.tz), mention.mention.kind.label,
                mention.mention.text, author, f"#{mention.concern_id}")[column]


class RegisterWindow(QWidget):
    """The register, and the lines awaiting a match (DSL only)."""

    def __init__(self, ctx: AppContext, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx, self.session = ctx, session
        self.setWindowTitle("Register" + (" [DEMO]" if session.is_demo else ""))
        fit_to_screen(self, 1100, 640)
        self.kind = QComboBox()
        self.kind.addItem("All kinds", None)
        for kind in EntryKind:
            self.kind.addItem(kind.label, kind.value)
        named(self.kind, "Kind of entry shown")
        kind_caption = QLabel("&Kind:")
        kind_caption.setBuddy(self.kind)
        self.search_box = QLineEdit()
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText("A registration, a number, a nickname, a place…")
        named(self.search_box, "Find an entry")
        find_caption = QLabel("&Find:")
        find_caption.setBuddy(self.search_box)

        self.model = RegisterModel(session.tz, self)
        self.proxy = RegisterFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = record_table(self.proxy, "Register entries",
                                  "Press Enter on an entry to open its page.")
        self.table.activated.connect(self.open_entry)
        self.count = QLabel()
        self.count.setObjectName("hintMessage")
        self.kind.currentIndexChanged.connect(lambda _: self._filter())
        self.search_box.textChanged.connect(lambda _: self._filter())

        self.mentions = MentionModel(session.tz, self)
        self.mention_view = record_table(self.mentions, "Lines awaiting a match",
                                         "Press Enter on a line to match it.")
        self.mention_view.activated.connect(self.match)

        self.tabs = QTabWidget()
        named(self.tabs, "Register sections")
        entries_page = QWidget()
        top = QHBoxLayout()
        top.addWidget(kind_caption)
        top.addWidget(self.kind)
        top.addSpacing(12)
        top.addWidget(find_caption)
        top.addWidget(self.search_box, stretch=1)
        top.addWidget(self.count)
        self.new_button = QPushButton("&New entry…")
        self.open_button = QPushButton("&Open entry")
        self.network_button = QPushButton("Net&work view")
        for button, name in ((self.new_button, "Add an entry to the register"),
                             (self.open_button, "Open the selected entry's page"),
                             (self.network_button, "The children and concerns linked to "
                              "the selected entry")):
            named(button, name)
        self.new_button.clicked.connect(self.new_entry)
        self.open_button.clicked.connect(lambda: self.open_entry(self.table.currentIndex()))
        self.network_button.clicked.connect(self.open_network)
        row = QHBoxLayout()
        for button in (self.new_button, self.open_button, self.network_button):
            row.addWidget(button)
        row.addStretch()
        page = QVBoxLayout(entries_page)
        page.addLayout(top)
        page.addWidget(self.table, stretch=1)
        page.addLayout(row)
        self.tabs.addTab(entries_page, "&Entries")

        waiting_page = QWidget()
        hint = QLabel("What staff named in concerns, recorded here or imported from their "
                      "laptops, waits here until you match it to an entry or set it aside.")
        hint.setObjectName("hintMessage")
        hint.setWordWrap(True)
        self.match_button = QPushButton("&Match…")
        self.aside_button = QPushButton("Set &aside…")
        self.concern_button = QPushButton("Open &concern")
        for button, name in ((self.match_button, "Match the selected line to an entry"),
                             (self.aside_button, "Set the selected line aside"),
                             (self.concern_button, "Open the concern the line is in")):
            named(button, name)
        self.match_button.clicked.connect(lambda: self.match(self.mention_view.currentIndex()))
        self.aside_button.clicked.connect(self.set_aside)
        self.concern_button.clicked.connect(self.open_concern)
        row = QHBoxLayout()
        for button in (self.match_button, self.aside_button, self.concern_button):
            row.addWidget(button)
        row.addStretch()
        page = QVBoxLayout(waiting_page)
        page.addWidget(hint)
        page.addWidget(self.mention_view, stretch=1)
        page.addLayout(row)
        self.tabs.addTab(waiting_page, "Awaiting a ma&tch")

        self.reload_button = QPushButton("Re&load")
        close = QPushButton("Close")
        named(self.reload_button, "Reload the register")
        named(close, "Close this window")
        self.reload_button.clicked.connect(self.reload)
        close.clicked.connect(self.close)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.reload)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        bottom = QHBoxLayout()
        bottom.addStretch()
        bottom.addWidget(self.reload_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, stretch=1)
        layout.addLayout(bottom)
        self.reload()
        self.search_box.setFocus()

    # -- data -------------------------------------------------------------------------

    def reload(self) -> None:
        try:
            rows = register.register(self.session)
            pending = register.pending_mentions(self.session)
        except CERecorderError as exc:
            self.model.clear()
            self.mentions.clear()
            show_problem(self, exc)
            return
        names = user_names(self.session)
        self.model.set_rows(rows)
        self.mentions.set_rows([(m, name_of(names, self.session, m.author_id))
                                for m in pending])
        self.tabs.setTabText(1, f"Awaiting a ma&tch ({len(pending)})")
        for view in (self.table, self.mention_view):
            view.resizeColumnsToContents()
        cap_column(self.table, 1, 360)  # the wording: the tooltip holds the rest
        self._filter()

    def _filter(self) -> None:
        self.proxy.beginFilterChange()
        data = self.kind.currentData()
        self.proxy.kind = None if data is None else EntryKind(data)
        self.proxy.words = fold(self.search_box.text()).split()
        self.proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(f"{shown} of {total} entries" if shown != total
                           else f"{total} entries")

    def current_entry_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.entry_row(self.proxy.mapToSource(index)).entry.id

    def current_mention(self) -> tuple[PendingMention, str] | None:
        index = self.mention_view.currentIndex()
        if not index.isValid():
            return None
        return self.mentions.mention(index), self.mentions.author(index)

    # -- actions ----------------------------------------------------------------------

    def open_entry(self, index: QModelIndex) -> EntryWindow | None:
        if not index.isValid():
            return None
        entry_id = self.model.entry_row(self.proxy.mapToSource(index)).entry.id
        return self.show_entry(entry_id)

    def show_entry(self, entry_id: int) -> EntryWindow:
        window = EntryWindow(self.ctx, self.session, entry_id, self.parentWidget() or self)
        window.changed.connect(self.reload)
        window.show()
        return window

    def open_network(self) -> QWidget | None:
        entry_id = self.current_entry_id()
        if entry_id is None:
            return None
        from cerecorder.ui.network_view import NetworkWindow

        window = NetworkWindow.for_entry(self.ctx, self.session, entry_id,
                                         self.parentWidget() or self)
        window.show()
        return window

    def new_entry(self) -> EntryDialog:
        dialog = EntryDialog(self.session, self)
        dialog.accepted.connect(self.reload)
        dialog.open()
        return dialog

    def match(self, index: QModelIndex) -> MatchDialog | None:
        if not index.isValid():
            return None
        mention, author = self.mentions.mention(index), self.mentions.author(index)
        try:
            dialog = MatchDialog(self.session, mention, author, self)
        except CERecorderError as exc:
            show_problem(self, exc)
            return None
        dialog.finished.connect(lambda code: self._matched(code, mention))
        dialog.open()
        return dialog

    def _matched(self, code: int, mention: PendingMention) -> None:
        if code == MatchDialog.NEW:
            dialog = EntryDialog(self.session, self, mention=mention)
            dialog.accepted.connect(self.reload)
            dialog.open()
        else:
            self.reload()

    def set_aside(self) -> SetAsideDialog | None:
        current = self.current_mention()
        if current is None:
            return None
        dialog = SetAsideDialog(self.session, current[0], self)
        dialog.accepted.connect(self.reload)
        dialog.open()
        return dialog

    def open_concern(self) -> ConcernViewDialog | None:
        current = self.current_mention()
        if current is None:
            return None
        dialog = ConcernViewDialog(self.ctx, self.session, current[0].concern_id, self)
        dialog.open()
        return dialog

    def closeEvent(self, event: QCloseEvent) -> None:
        self.model.clear()
        self.mentions.clear()
        super().closeEvent(event)


# -- an entry's page ----------------------------------------------------------------------


class RevisionModel(RowsModel):
    """Every wording of the entry (and of the entries merged into it), oldest first:
    rows of (revision, who)."""

    HEADERS = ("When", "Entry", "By", "Why", "Wording")

    def __init__(self, tz: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.tz = tz

    def cell(self, item: tuple[Revision, str], column: int, role: int) -> Any:
        revision, who = item
        if role == ID_ROLE:
            return revision.id
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        fields = KIND_FIELDS[revision.details.kind]
        wording = "; ".join(f"{label.split(' (')[0]}: {revision.details.get(name)}"
                            for name, label in fields.items() if revision.details.get(name))
        return (uk_datetime(revision.revised_at, self.tz), f"#{revision.entry_id}", who,
                revision.reason or "First recorded", wording)[column]


class LinkModel(RowsModel):
    """The children and concerns linked: rows of (link, child's name, reported by)."""

    HEADERS = ("Seen", "Child", "Concern", "Reported by", "Note")

    def __init__(self, tz: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.tz = tz

    def link(self, index: ModelIndex) -> Link:
        return self._rows[index.row()][0]  # type: ignore[no-any-return]

    def cell(self, item: tuple[Link, str, str], column: int, role: int) -> Any:
        link, child, reporter = item
        if role == ID_ROLE:
            return link.id
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        return (uk_datetime(link.seen_at, self.tz), child,
                "" if link.concern_id is None else f"#{link.concern_id}", reporter,
                link.note)[column]


class EntryWindow(QWidget):
    """One entry's page. Opening it is audited (services.register.entry_view)."""

    #: corrected or merged: the register list shows it otherwise now
    changed = Signal()

    def __init__(self, ctx: AppContext, session: Session, entry_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx, self.session, self.entry_id = ctx, session, entry_id
        self.view: EntryView | None = None
        fit_to_screen(self, 1000, 640)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)  # never wider than the screen
        named(self.title, "Entry")
        self.wording = QFormLayout()
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                           | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        named(self.facts, "First and last seen, reported by")
        self.revisions = RevisionModel(session.tz, self)
        self.revision_view = record_table(self.revisions, "Every wording",
                                          "Oldest first; the last is the wording now.")
        self.links = LinkModel(session.tz, self)
        self.link_view = record_table(self.links, "Children and concerns linked",
                                      "Press Enter on a row to open its concern.")
        self.link_view.activated.connect(self.open_link)
        self.tabs = QTabWidget()
        named(self.tabs, "Entry sections")
        self.tabs.addTab(self.link_view, "&Children and concerns")
        self.tabs.addTab(self.revision_view, "&Every wording")

        self.revise_button = QPushButton("Co&rrect…")
        self.merge_button = QPushButton("&Merge a duplicate…")
        self.network_button = QPushButton("Net&work view")
        self.child_button = QPushButton("Open c&hild")
        self.reload_button = QPushButton("Re&load")
        close = QPushButton("Close")
        for button, name in ((self.revise_button, "Correct the entry: a new wording"),
                             (self.merge_button, "Merge a duplicate entry into this one"),
                             (self.network_button, "Every child and concern, drawn"),
                             (self.child_button, "Open the selected row's child"),
                             (self.reload_button, "Reload the entry"),
                             (close, "Close this window")):
            named(button, name)
        self.revise_button.clicked.connect(self.revise)
        self.merge_button.clicked.connect(self.merge)
        self.network_button.clicked.connect(self.open_network)
        self.child_button.clicked.connect(self.open_child)
        self.reload_button.clicked.connect(self.reload)
        close.clicked.connect(self.close)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.reload)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        buttons = QHBoxLayout()
        for button in (self.revise_button, self.merge_button, self.network_button,
                       self.child_button):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.reload_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(self.title, stretch=1)
        if session.is_demo:
            badge = QLabel("DEMO")
            badge.setObjectName("demoBadge")
            named(badge, "Demo vault: fictional pupils")
            head.addWidget(badge)
        layout.addLayout(head)
        layout.addLayout(self.wording)
        layout.addWidget(self.facts)
        layout.addWidget(self.tabs, stretch=1)
        layout.addLayout(buttons)
        self.reload()
        self.link_view.setFocus()

    def reload(self) -> None:
        try:
            view = register.entry_view(self.session, self.entry_id)
        except CERecorderError as exc:
            self.links.clear()
            self.revisions.clear()
            self.title.setText(str(exc))
            return
        self.view = view
        self.entry_id = view.entry.id  # a merged entry's page is the kept entry's
        tz = self.session.tz
        summary = view.entry.details.summary
        self.title.setText(f"{view.entry.kind.label}: "
                           f"{summary if len(summary) <= 60 else summary[:60] + '…'}  "
                           f"#{view.entry.id}")
        self.title.setToolTip(describe_entry(view.entry))
        self.setWindowTitle(f"Register entry: {view.entry.details.summary[:60]}"
                            + (" [DEMO]" if self.session.is_demo else ""))
        while self.wording.rowCount():
            self.wording.removeRow(0)
        for name, label in KIND_FIELDS[view.entry.kind].items():
            value = view.entry.details.get(name)
            if value:
                shown = QLabel(value)
                shown.setWordWrap(True)
                shown.setTextFormat(Qt.TextFormat.PlainText)
                named(shown, label.split(" (")[0])
                caption = QLabel(label.split(" (")[0] + ":")
                caption.setObjectName("hintMessage")
                self.wording.addRow(caption, shown)
        names = user_names(self.session)
        children: dict[int, Child] = {c.id: c for c in view.children}
        seen = ("First seen " + uk_datetime(view.first_seen, tz) + ", last seen "
                + uk_datetime(view.last_seen, tz)) if view.first_seen and view.last_seen \
            else "Not yet linked to a child"
        parts = [seen, f"{len(view.children)} child{'ren' if len(view.children) != 1 else ''}"
                 f", {len(view.concern_ids)} concern{'s' if len(view.concern_ids) != 1 else ''}",
                 "Reported by " + (", ".join(view.reported_by) or "nobody yet")]
        if view.merged:
            parts.append("Merged into it: " + ", ".join(f"#{i}" for i in view.merged))
        self.facts.setText(". ".join(parts) + ".")
        self.revisions.set_rows([(r, "" if r.revised_by is None
                                  else name_of(names, self.session, r.revised_by))
                                 for r in view.revisions])
        rows = []
        for link in sorted(view.links, key=lambda x: (x.seen_at, x.id)):
            child = children.get(link.child_id)
            rows.append((link, child.display_name if child else f"Child #{link.child_id}",
                         "" if link.reported_by is None
                         else name_of(names, self.session, link.reported_by)))
        self.links.set_rows(rows)
        self.tabs.setTabText(1, f"&Every wording ({len(view.revisions)})")
        for table in (self.link_view, self.revision_view):
            table.resizeColumnsToContents()
            table.resizeRowsToContents()

    def open_link(self, index: QModelIndex) -> ConcernViewDialog | None:
        if not index.isValid():
            return None
        link = self.links.link(index)
        if link.concern_id is None:
            return None
        dialog = ConcernViewDialog(self.ctx, self.session, link.concern_id, self)
        dialog.open()
        return dialog

    def open_child(self) -> QWidget | None:
        index = self.link_view.currentIndex()
        if not index.isValid():
            return None
        from cerecorder.ui.dsl_views import ChildWindow

        window = ChildWindow(self.ctx, self.session, self.links.link(index).child_id,
                             self.parentWidget() or self)
        window.show()
        return window

    def open_network(self) -> QWidget:
        from cerecorder.ui.network_view import NetworkWindow

        window = NetworkWindow.for_entry(self.ctx, self.session, self.entry_id,
                                         self.parentWidget() or self)
        window.show()
        return window

    def revise(self) -> ReviseDialog | None:
        if self.view is None:
            return None
        dialog = ReviseDialog(self.session, self.view.entry, self)
        dialog.accepted.connect(self.reload)
        dialog.accepted.connect(self.changed.emit)
        dialog.open()
        return dialog

    def merge(self) -> MergeEntryDialog | None:
        if self.view is None:
            return None
        dialog = MergeEntryDialog(self.session, self.view.entry, self)
        dialog.accepted.connect(self.reload)
        dialog.accepted.connect(self.changed.emit)
        dialog.open()
        return dialog

    def closeEvent(self, event: QCloseEvent) -> None:
        self.links.clear()
        self.revisions.clear()
        super().closeEvent(event)

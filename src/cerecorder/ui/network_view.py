"""The network view (issue 14), drawn and listed. From a child: the register entries
linked to them on a ring, and the other children linked through those entries (the peer
group) outside it. From an entry: every child linked on the ring, and their concerns
outside. Enter on a node or a line opens the record. DSL only; opening and printing are
audited (services.network).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QPageLayout, QShortcut
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.errors import CERecorderError
from cerecorder.domain.timefmt import local_date, uk_date, uk_datetime
from cerecorder.services import network
from cerecorder.services.session import Session
from cerecorder.ui.common import cap_column, fit_to_screen, name_of, record_table, user_names
from cerecorder.ui.context import AppContext
from cerecorder.ui.network_graph import NetworkGraph, NetworkListModel, Node, draw_pages, paginate
from cerecorder.ui.widgets import named, show_problem


@dataclass
class Picture:
    """What a network window shows: the drawing and the list."""

    title: str
    nodes: list[Node]
    edges: list[tuple[int, int]]
    headers: tuple[str, ...]
    #: each line of the list, with the node Enter on it opens
    rows: list[tuple[Node, tuple[str, ...]]]


def _day(moment: Any, tz: str) -> str:
    return uk_date(local_date(moment, tz))


def _span(first: Any, last: Any, tz: str) -> str:
    a, b = _day(first, tz), _day(last, tz)
    return a if a == b else f"{a} to {b}"


def _short(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[:most].rsplit(" ", 1)[0] + "…"


class NetworkWindow(QWidget):
    """A network drawn and listed, with printing. Build one with for_child or for_entry."""

    def __init__(self, ctx: AppContext, session: Session, centre: str, centre_id: int,
                 load: Callable[[], Picture], parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx, self.session = ctx, session
        self.centre, self.centre_id, self.load = centre, centre_id, load
        self.nodes: list[Node] = []
        fit_to_screen(self, 1200, 700)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        named(self.title, "Network of")
        self.hint = QLabel("Arrow keys or Tab move between the records in the picture; "
                           "Enter opens one. The list says the same, with dates.")
        self.hint.setObjectName("hintMessage")
        self.hint.setWordWrap(True)
        self.graph = NetworkGraph()
        self.graph.opened.connect(self.open_node)
        self.model: NetworkListModel = NetworkListModel((), self)
        self.table = record_table(self.model, "Network as a list",
                                  "Press Enter on a line to open its record.")
        self.table.activated.connect(lambda index: self.open_node(self.model.node(index.row())))
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.graph)
        split.addWidget(self.table)
        split.setChildrenCollapsible(False)
        split.setSizes([self.width() * 3 // 5, self.width() * 2 // 5])
        self.open_button = QPushButton("&Open")
        self.print_button = QPushButton("P&rint…")
        self.reload_button = QPushButton("Re&load")
        close = QPushButton("Close")
        for button, name in ((self.open_button, "Open the record in focus in the picture"),
                             (self.print_button, "Print the network (Ctrl+P)"),
                             (self.reload_button, "Reload the network"),
                             (close, "Close this window")):
            named(button, name)
        self.open_button.clicked.connect(lambda: self.open_node(self.graph.node()))
        self.print_button.clicked.connect(self.print_network)
        self.reload_button.clicked.connect(self.reload)
        close.clicked.connect(self.close)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self, self.print_network)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.reload)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch()
        for button in (self.print_button, self.reload_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(self.title, stretch=1)
        if session.is_demo:
            badge = QLabel("DEMO")
            badge.setObjectName("demoBadge")
            named(badge, "Demo vault: fictional pupils")
            head.addWidget(badge)
        layout.addLayout(head)
        layout.addWidget(self.hint)
        layout.addWidget(split, stretch=1)
        layout.addLayout(buttons)
        self.reload()
        self.graph.setFocus()

    # -- the two networks --------------------------------------------------------------

    @classmethod
    def for_child(cls, ctx: AppContext, session: Session, child_id: int,
                  parent: QWidget | None = None) -> NetworkWindow:
        return cls(ctx, session, "child", child_id,
                   lambda: _child_picture(session, child_id), parent)

    @classmethod
    def for_entry(cls, ctx: AppContext, session: Session, entry_id: int,
                  parent: QWidget | None = None) -> NetworkWindow:
        return cls(ctx, session, "register_entry", entry_id,
                   lambda: _entry_picture(session, entry_id), parent)

    def reload(self) -> None:
        try:
            picture = self.load()
        except CERecorderError as exc:
            self.graph.clear()
            self.model.clear()
            self.title.setText(str(exc))
            return
        self.nodes = picture.nodes
        self.title.setText(picture.title)
        self.setWindowTitle(picture.title + (" [DEMO]" if self.session.is_demo else ""))
        self.graph.show_nodes(picture.nodes, picture.edges)
        self.model.beginResetModel()
        self.model.HEADERS = picture.headers
        self.model.endResetModel()
        self.model.set_rows(picture.rows)
        self.table.resizeColumnsToContents()
        for column, header in enumerate(picture.headers):  # a wording's tooltip says the rest
            cap_column(self.table, column, 180 if header in ("Entry", "Note") else 150)

    # -- opening and printing --------------------------------------------------------

    def open_node(self, node: Node | None) -> QWidget | None:
        if node is None:
            return None
        host = self.parentWidget() or self
        window: QWidget
        if node.kind == "child":
            from cerecorder.ui.dsl_views import ChildWindow

            window = ChildWindow(self.ctx, self.session, node.ref_id, host)
            window.show()
        elif node.kind == "entry":
            from cerecorder.ui.register_window import EntryWindow

            window = EntryWindow(self.ctx, self.session, node.ref_id, host)
            window.show()
        else:
            from cerecorder.ui.concern_view import ConcernViewDialog

            dialog = ConcernViewDialog(self.ctx, self.session, node.ref_id, self)
            dialog.open()
            window = dialog
        return window

    def print_network(self) -> bool:
        """The picture and the list on paper, through the system print dialog (the
        FileDialogs seam). Audited once the pages went to the printer."""
        if not self.nodes:
            return False
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title.text())
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        pages = paginate(self.model, lines_per_page=(18, 40))
        if not self.ctx.file_dialogs.choose_printer(self, printer, len(pages)):
            return False
        try:
            network.network_printed(self.session, self.centre, self.centre_id)
        except CERecorderError as exc:
            show_problem(self, exc)
            return False
        draw_pages(printer, self.title.text(), self.graph, self.model, pages,
                   uk_datetime(self.session.clock.now(), self.session.tz))
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        self.graph.clear()
        self.model.clear()
        super().closeEvent(event)


# -- the pictures -------------------------------------------------------------------------



def _child_picture(session: Session, child_id: int) -> Picture:
    found = network.child_network(session, child_id)
    tz = session.tz
    centre = found.child
    nodes = [Node("child", centre.id, 0, centre.display_name, "this child", "",
                  f"{centre.display_name}, the child this network is drawn from.")]
    where: dict[tuple[str, int], int] = {("child", centre.id): 0}
    labels = {e.id: f"{e.kind.label}: {_short(e.details.summary, 24)}" for e in found.entries}
    for entry in found.entries:
        mine = [t for t in found.ties_of(centre.id) if t.entry_id == entry.id]
        span = _span(min(t.first_seen for t in mine), max(t.last_seen for t in mine), tz)
        where[("entry", entry.id)] = len(nodes)
        nodes.append(Node("entry", entry.id, 1, entry.kind.label, entry.details.summary, span,
                          f"{entry.kind.label}: {entry.details.summary}; linked to "
                          f"{centre.display_name} {span}."))
    for peer in found.peers:
        ties = found.ties_of(peer.id)
        span = _span(min(t.first_seen for t in ties), max(t.last_seen for t in ties), tz)
        via = ", ".join(labels[t.entry_id] for t in ties)
        where[("child", peer.id)] = len(nodes)
        nodes.append(Node("child", peer.id, 2, peer.display_name,
                          f"through {len(ties)} entr{'y' if len(ties) == 1 else 'ies'}", span,
                          f"{peer.display_name}, linked {span} through {via}."))
    edges = [(where[("entry", t.entry_id)], where[("child", t.child_id)]) for t in found.ties]
    # the child and the dates first: at 150% the list is narrow, and they are what it adds
    rows: list[tuple[Node, tuple[str, ...]]] = [(nodes[where[("entry", t.entry_id)]],
             (nodes[where[("child", t.child_id)]].heading, _day(t.first_seen, tz),
              _day(t.last_seen, tz), labels[t.entry_id], str(t.times),
              ", ".join(f"#{c}" for c in t.concern_ids)))
            for t in found.ties]
    headers = ("Child", "First seen", "Last seen", "Entry", "Links", "Concerns")
    return Picture(f"Network of {centre.display_name}", nodes, edges, headers, rows)


def _entry_picture(session: Session, entry_id: int) -> Picture:
    found = network.entry_network(session, entry_id)
    tz = session.tz
    entry = found.entry
    label = f"{entry.kind.label}: {_short(entry.details.summary)}"
    nodes = [Node("entry", entry.id, 0, entry.kind.label, entry.details.summary, "",
                  f"{label}, the entry this network is drawn from.")]
    where: dict[tuple[str, int], int] = {}
    names = {c.id: c.display_name for c in found.children}
    for child in found.children:
        [tie] = [t for t in found.ties if t.child_id == child.id]
        span = _span(tie.first_seen, tie.last_seen, tz)
        where[("child", child.id)] = len(nodes)
        nodes.append(Node("child", child.id, 1, child.display_name,
                          f"{tie.times} link{'s' if tie.times != 1 else ''}", span,
                          f"{child.display_name}, linked {span}, in {len(tie.concern_ids)} "
                          "concerns."))
    edges = [(0, i) for i in where.values()]
    reporters = user_names(session)
    rows: list[tuple[Node, tuple[str, ...]]] = []
    for link in found.links:
        child_node = nodes[where[("child", link.child_id)]]
        opened = child_node
        if link.concern_id is not None:
            key = ("concern", link.concern_id)
            if key not in where:
                where[key] = len(nodes)
                nodes.append(Node("concern", link.concern_id, 2, f"Concern #{link.concern_id}",
                                  names[link.child_id], _day(link.seen_at, tz),
                                  f"Concern #{link.concern_id} about "
                                  f"{names[link.child_id]}, {_day(link.seen_at, tz)}."))
            edge = (where[("child", link.child_id)], where[key])
            if edge not in edges:
                edges.append(edge)
            opened = nodes[where[key]]
        rows.append((opened, (uk_datetime(link.seen_at, tz), names[link.child_id],
                              "" if link.concern_id is None else f"#{link.concern_id}",
                              "" if link.reported_by is None
                              else name_of(reporters, session, link.reported_by),
                              link.note)))
    headers = ("Seen", "Child", "Concern", "Reported by", "Note")
    return Picture(f"Network of {label}", nodes, edges, headers, rows)


"""Sealed handover in the windows: the staff laptop's list of what was sent and received,
and the DSL's import from the inbox with the children awaiting a match (the Handover tab
of Settings is in handover_settings.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.errors import CERecorderError, EnvironmentProblem
from cerecorder.domain.model import Role
from cerecorder.domain.timefmt import uk_date, uk_datetime
from cerecorder.services import children, packet_sending, packets
from cerecorder.services.session import Session
from cerecorder.ui.common import fit_to_screen, record_table
from cerecorder.ui.context import AppContext
from cerecorder.ui.models import ID_ROLE, RowsModel
from cerecorder.ui.widgets import (
    add_row,
    hint_label,
    message_label,
    named,
    show_problem,
    telling,
)

_OUTCOME_LABELS = {"imported": "Filed", "held": "Waiting for a child to be matched",
                   "already": "Already imported", "refused": "Refused (quarantined)",
                   "waiting": "Left for the next import"}


def read_card(path_text: str) -> packets.RecipientCard:
    """The recipient card a settings path names; EnvironmentProblem if it cannot be used."""
    if not path_text.strip():
        raise EnvironmentProblem("No recipient card is set.")
    return packets.RecipientCard.from_bytes(packets.read_file(Path(path_text.strip())))


# -- the DSL: import from the inbox, and children awaiting a match -----------------------


class OutcomesModel(RowsModel):
    HEADERS = ("File", "Result", "Details")

    def cell(self, item: packets.PacketOutcome, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (item.file_name, _OUTCOME_LABELS[item.status], item.message)[column]
        return None


class ReviewModel(RowsModel):
    HEADERS = ("Child as sent", "Date of birth", "UPN", "Year", "Sent by", "Received")

    def review(self, row: int) -> packets.ReviewItem:
        return self._rows[row]  # type: ignore[no-any-return]

    def cell(self, item: packets.ReviewItem, column: int, role: int) -> Any:
        if role == ID_ROLE:
            return item.review_id
        if role == Qt.ItemDataRole.DisplayRole:
            dob = uk_date(item.date_of_birth) if item.date_of_birth else "Not given"
            return (item.name, dob, item.upn or "None", item.year_group, item.sent_by,
                    uk_datetime(item.received_at))[column]
        return None


class InboxDialog(QDialog):
    """What an import did (when given a report), and the children from packets who are
    not on roll here: match each to a pupil, or add them as sent."""

    def __init__(self, ctx: AppContext, session: Session, report: packets.InboxReport | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session = ctx, session
        self.setWindowTitle("Import from inbox" if report else "Children awaiting a match")
        layout = QVBoxLayout(self)
        self.outcomes = OutcomesModel(self)
        self.outcomes_view = record_table(self.outcomes, "Packets in the inbox")
        if report is not None:
            summary = QLabel(f"<b>{report.summary}</b>")
            named(summary, "Import result")
            layout.addWidget(summary)
            self.outcomes.set_rows(report.outcomes)
            layout.addWidget(self.outcomes_view, stretch=1)
            if report.count("refused"):
                layout.addWidget(hint_label("Refused packets were moved to the inbox's "
                                       "\u201cquarantine\u201d folder, each with a note of why. "
                                       "Nothing of them was filed."))
        self.review_title = QLabel("")
        self.review_title.setObjectName("pageTitle")
        layout.addWidget(self.review_title)
        layout.addWidget(hint_label("These children were named in a concern but are not on roll "
                               "here under that UPN, or that name and date of birth. The "
                               "concern is filed once each child is matched."))
        self.review = ReviewModel(self)
        self.review_view = record_table(self.review, "Children awaiting a match")
        layout.addWidget(self.review_view, stretch=1)
        self.pupil = QComboBox()
        self.pupil.setEditable(True)
        self.pupil.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.pupil.lineEdit()
        if line is not None:
            line.setPlaceholderText("type part of a name to find a pupil")
        completer = self.pupil.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        form = QFormLayout()
        add_row(form, "&Pupil on roll:", self.pupil)
        layout.addLayout(form)
        self.match_button = QPushButton("&Match to this pupil")
        named(self.match_button, "Match the selected child to the chosen pupil")
        self.match_button.clicked.connect(self.match)
        self.add_button = QPushButton("&Add to the roll as sent")
        named(self.add_button, "Add the selected child to the roll as the packet names them")
        self.add_button.clicked.connect(self.add_as_sent)
        row = QHBoxLayout()
        row.addWidget(self.match_button)
        row.addWidget(self.add_button)
        row.addStretch()
        layout.addLayout(row)
        self.message = message_label()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self, 900, 620 if report else 480)
        self.refresh()

    def refresh(self) -> None:
        with telling(self, self.message):
            items = packets.review_list(self.session)
            pupils = children.list_children(self.session, include_left=True)
            self.review.set_rows(items)
            self.pupil.clear()
            for child in pupils:
                dob = f", born {uk_date(child.details.date_of_birth)}" if \
                    child.details.date_of_birth else ""
                self.pupil.addItem(f"{child.display_name}{dob}", child.id)
            self.pupil.setCurrentIndex(-1)
            self.review_title.setText(f"Children awaiting a match ({len(items)})")
        for view in (self.outcomes_view, self.review_view):
            view.resizeColumnsToContents()
            view.horizontalHeader().setStretchLastSection(True)
        if self.review.rowCount():
            self.review_view.selectRow(0)
        for button in (self.match_button, self.add_button):
            button.setEnabled(self.review.rowCount() > 0)

    def _selected(self) -> packets.ReviewItem | None:
        index = self.review_view.currentIndex()
        if not index.isValid():
            self.message.setText("Choose a child in the list first.")
            return None
        return self.review.review(index.row())

    def match(self) -> None:
        item = self._selected()
        if item is None:
            return
        child_id = self.pupil.currentData()
        if child_id is None:
            self.message.setText("Choose the pupil on roll this child is.")
            return
        self._resolve(item, int(child_id))

    def add_as_sent(self) -> None:
        item = self._selected()
        if item is not None:
            self._resolve(item, None)

    def _resolve(self, item: packets.ReviewItem, child_id: int | None) -> None:
        with telling(self, self.message) as attempt:
            concern_id = packets.resolve_review(self.session, item.review_id, child_id)
        if attempt.ok:
            self.message.setText(f"{item.name} matched." + (
                f" The concern is filed as #{concern_id}." if concern_id else ""))
            self.refresh()


class InboxCount(QObject):
    """Shows on the DSL's Import from inbox action how many packets wait in the inbox,
    looking again every few minutes (as often as a staff laptop looks for receipts): the
    app does not import by itself, and a scheduled import cannot run while the app has
    the vault open, so this is how the DSL sees that a concern has arrived."""

    EVERY_MS = 3 * 60_000

    def __init__(self, ctx: AppContext, session: Session, action: QAction) -> None:
        super().__init__(action)
        self.ctx, self.session, self.action = ctx, session, action
        self.timer = QTimer(self)
        self.timer.setInterval(self.EVERY_MS)
        self.timer.timeout.connect(self.update)
        if session.user.role is Role.DSL:
            self.timer.start()
            self.update()

    def update(self) -> None:
        if not self.session.is_open:
            self.timer.stop()
            return
        folder = self.ctx.settings.inbox_folder
        waiting = packets.waiting_in_inbox(Path(folder)) if folder else 0
        self.action.setText("&Import from inbox" + (f" ({waiting} waiting)" if waiting
                                                    else ""))


def import_action(ctx: AppContext, session: Session, parent: QWidget,
                  done: Callable[[], None]) -> QAction:
    """Vault, Import from inbox (Ctrl+I): the DSL's import, then what happened; `done`
    runs when that window closes (the triage queue has new concerns to show). Its text
    counts the packets waiting (InboxCount)."""
    action = QAction("&Import from inbox", parent)
    action.setShortcut(QKeySequence("Ctrl+I"))
    action.setToolTip("Import sealed concerns from the inbox folder (Ctrl+I)")
    action.setStatusTip("Import sealed concerns from the inbox folder")
    count = InboxCount(ctx, session, action)

    def run() -> None:
        import_inbox(ctx, session, parent, done)
        count.update()

    action.triggered.connect(run)
    return action


def import_inbox(ctx: AppContext, session: Session, parent: QWidget,
                 done: Callable[[], None]) -> InboxDialog | None:
    folder = ctx.settings.inbox_folder
    if not folder:
        show_problem(parent, EnvironmentProblem(
            "Set the inbox folder first (Settings, Handover)."))
        return None
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        report = packets.import_inbox(session, Path(folder))
    except CERecorderError as exc:
        show_problem(parent, exc)
        return None
    finally:
        QGuiApplication.restoreOverrideCursor()
    dialog = InboxDialog(ctx, session, report, parent)
    dialog.finished.connect(lambda _: done())
    dialog.open()
    return dialog


# -- the staff laptop: what was sent, what the DSL has received --------------------------


def _progress(sent_at: datetime | None, received_at: datetime | None, tz: str) -> str:
    if received_at is not None:
        return f"Received by DSL {uk_datetime(received_at, tz)}"
    if sent_at is not None:
        return f"Sent {uk_datetime(sent_at, tz)}"
    return "Waiting to send"


class SentModel(RowsModel):
    HEADERS = ("Concern", "Children", "Submitted", "Status")

    def cell(self, item: packet_sending.SentStatus, column: int, role: int) -> Any:
        if role == ID_ROLE:
            return item.concern_id
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        status = _progress(item.sent_at, item.received_at, item.tz)
        if item.addenda:
            latest = _progress(*item.addenda[-1], item.tz)
            count = len(item.addenda)
            status += (f"; addendum {latest[0].lower()}{latest[1:]}" if count == 1 else
                       f"; {count} addenda, the latest {latest[0].lower()}{latest[1:]}")
        submitted = uk_datetime(item.submitted_at, item.tz) if item.submitted_at else ""
        return (f"#{item.concern_id}", item.child_names, submitted, status)[column]


class SentToDsl(QObject):
    """On a staff laptop with a recipient card: seal and send what is waiting, collect
    the DSL's receipts, and list each concern's status. Besides each refresh, it looks
    again every few minutes, so a receipt shows without pressing F5."""

    #: a problem to show in the status bar (the outbox is unplugged, the card unreadable)
    told = Signal(str)
    EVERY_MS = 3 * 60_000

    def __init__(self, ctx: AppContext, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx, self.session = ctx, session
        self.model = SentModel(self)
        self.view = record_table(self.model, "Sent to the DSL")
        self.problem = ""
        self.timer = QTimer(self)
        self.timer.setInterval(self.EVERY_MS)
        self.timer.timeout.connect(self.sync)
        self.timer.start()

    @staticmethod
    def wanted(ctx: AppContext, session: Session) -> bool:
        return session.user.role is Role.STAFF and bool(ctx.settings.recipient_card)

    def sync(self) -> None:
        """Send, collect receipts, refresh the list; tell any problem."""
        if not self.session.is_open:
            self.timer.stop()
            return
        self.problem = ""
        try:
            card = read_card(self.ctx.settings.recipient_card)
            outbox = Path(self.ctx.settings.outbox_folder) if self.ctx.settings.outbox_folder \
                else None
            if outbox is None:
                self.problem = "Set the outbox folder (Settings, Handover) to send concerns."
            else:
                self.problem = packet_sending.send_waiting(self.session, card, outbox).problem
                packet_sending.collect_receipts(self.session, outbox)
        except EnvironmentProblem as exc:
            self.problem = f"Concerns cannot be sent to the DSL: {exc}"
        except CERecorderError as exc:
            self.problem = str(exc)
        try:
            self.model.set_rows(packet_sending.sent_status(self.session))
        except CERecorderError as exc:
            self.problem = self.problem or str(exc)
        self.view.resizeColumnsToContents()
        self.view.horizontalHeader().setStretchLastSection(True)
        if self.problem:
            self.told.emit(self.problem)

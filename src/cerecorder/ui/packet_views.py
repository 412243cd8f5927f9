"""Sealed handover in the windows: the Handover tab of Settings, the staff laptop's list
of what was sent and received, and the DSL's import from the inbox with the children
awaiting a match."""

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
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.errors import CERecorderError, EnvironmentProblem
from cerecorder.domain.model import Role
from cerecorder.domain.timefmt import DEFAULT_TZ, uk_date, uk_datetime, zone
from cerecorder.services import cards, children, packets
from cerecorder.services.session import Session
from cerecorder.ui.common import fit_to_screen, ok_cancel, record_table
from cerecorder.ui.context import AppContext
from cerecorder.ui.models import ID_ROLE, RowsModel
from cerecorder.ui.settings_model import UiSettings
from cerecorder.ui.widgets import (
    POLICY_TEXT,
    add_row,
    message_label,
    named,
    show_problem,
    telling,
)

CARD_FILTER = "CE Recorder recipient card (*.cecard);;All files (*)"
ENROL_FILTER = "CE Recorder enrolment file (*.ceenrol);;All files (*)"
_OUTCOME_LABELS = {"imported": "Filed", "held": "Waiting for a child to be matched",
                   "already": "Already imported", "refused": "Refused (quarantined)",
                   "waiting": "Left for the next import"}


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("hintMessage")
    label.setWordWrap(True)
    return label


def read_card(path_text: str) -> packets.RecipientCard:
    """The recipient card a settings path names; EnvironmentProblem if it cannot be used."""
    if not path_text.strip():
        raise EnvironmentProblem("No recipient card is set.")
    return packets.RecipientCard.from_bytes(packets.read_file(Path(path_text.strip())))


class _PathRow(QWidget):
    """A path typed or chosen with Browse…: a file to open, or a folder."""

    def __init__(self, name: str, value: str, choose: Callable[[], Path | None]) -> None:
        super().__init__()
        self.edit = QLineEdit(value)
        self.edit.setClearButtonEnabled(True)
        named(self.edit, name)
        self.browse = QPushButton("Browse…")
        named(self.browse, f"Choose the {name.lower()}")
        self.browse.clicked.connect(lambda: self._chosen(choose()))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, stretch=1)
        row.addWidget(self.browse)

    def _chosen(self, path: Path | None) -> None:
        if path is not None:
            self.edit.setText(str(path))

    def text(self) -> str:
        return self.edit.text().strip()

    def add_to(self, form: QFormLayout, label: str) -> None:
        """A form row whose label's Alt+letter reaches the text field."""
        caption = QLabel(label)
        caption.setBuddy(self.edit)
        form.addRow(caption, self)


def _start(row: _PathRow) -> Path:
    """Where a Browse… dialog opens: beside the current choice, else the home folder."""
    current = Path(row.text()) if row.text() else None
    if current is not None and current.is_dir():
        return current
    if current is not None and current.parent.is_dir():
        return current.parent
    return Path.home()


# -- the Handover tab of Settings ----------------------------------------------------------


class EnrolmentsModel(RowsModel):
    HEADERS = ("User name", "Full name", "Laptop fingerprint", "Enrolled")

    def enrolment(self, row: int) -> packets.Enrolment:
        return self._rows[row]  # type: ignore[no-any-return]

    def cell(self, item: packets.Enrolment, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (item.user_name, item.display_name, item.fingerprint,
                    uk_date(item.enrolled_at.astimezone(zone(DEFAULT_TZ)).date()))[column]
        return None


class HandoverSection(QWidget):
    """Staff: the DSL's recipient card and the outbox; their laptop's enrolment file.
    DSL: the inbox, the recipient card to hand out, enrolling staff laptops, and the
    children awaiting a match."""

    def __init__(self, ctx: AppContext, session: Session, confirm: Callable[[str], bool],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session = ctx, session
        #: asks a yes/no question (the settings dialog's, which tests replace)
        self.confirm = confirm
        self.message = message_label()
        layout = QVBoxLayout(self)
        self.card_row: _PathRow | None = None
        self.outbox_row: _PathRow | None = None
        self.inbox_row: _PathRow | None = None
        if session.user.role is Role.DSL:
            self._dsl(layout)
        else:
            self._staff(layout)
        for row, key in self._rows():
            if row is not None and key in ctx.policy_fixed:  # school IT has chosen it
                row.edit.setReadOnly(True)
                row.edit.setClearButtonEnabled(False)
                row.browse.setEnabled(False)
                row.edit.setToolTip(POLICY_TEXT)
        layout.addStretch()
        layout.addWidget(self.message)

    def _rows(self) -> tuple[tuple[_PathRow | None, str], ...]:
        return ((self.card_row, "recipient_card"), (self.outbox_row, "outbox_folder"),
                (self.inbox_row, "inbox_folder"))

    # staff -------------------------------------------------------------------------------

    def _staff(self, layout: QVBoxLayout) -> None:
        dialogs, settings = self.ctx.file_dialogs, self.ctx.settings
        sending = QGroupBox("Sending concerns to the DSL")
        form = QFormLayout(sending)
        self.card_row = card_row = _PathRow(
            "Recipient card", settings.recipient_card,
            lambda: dialogs.open_path(self, "The DSL's recipient card", _start(card_row),
                                      CARD_FILTER))
        card_row.edit.textChanged.connect(self.show_card)
        card_row.add_to(form, "Recipient &card:")
        self.card_info = _hint("")
        self.pin_button = QPushButton("Con&firm the fingerprint…")
        named(self.pin_button, "Confirm the recipient card's fingerprint with the DSL")
        self.pin_button.clicked.connect(self.pin_card)
        row = QHBoxLayout()
        row.addWidget(self.card_info, stretch=1)
        row.addWidget(self.pin_button)
        form.addRow("", row)
        self.outbox_row = outbox_row = _PathRow(
            "Outbox folder", settings.outbox_folder,
            lambda: dialogs.folder(self, "Outbox folder", _start(outbox_row)))
        outbox_row.add_to(form, "&Outbox folder:")
        form.addRow(_hint("Each concern you submit is sealed so that only the DSLs named on "
                          "the card can read it, and saved in the outbox: a shared folder, "
                          "a USB stick or a synced folder. This laptop cannot read it back."))
        layout.addWidget(sending)

        enrolment = QGroupBox("This laptop's enrolment")
        box = QVBoxLayout(enrolment)
        self.fingerprint = QLabel("")
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        named(self.fingerprint, "This laptop's fingerprint")
        self.save_enrolment = QPushButton("Save my &enrolment file…")
        named(self.save_enrolment, "Save my enrolment file for the DSL")
        self.save_enrolment.clicked.connect(self.export_staff_card)
        row = QHBoxLayout()
        row.addWidget(self.fingerprint, stretch=1)
        row.addWidget(self.save_enrolment)
        box.addLayout(row)
        box.addWidget(_hint("Give the file to the DSL (by USB stick or the shared folder), "
                            "then read this fingerprint to them in person or by phone so "
                            "they know the file is yours."))
        layout.addWidget(enrolment)
        with telling(self, self.message):
            self.fingerprint.setText(f"Fingerprint: {packets.my_fingerprint(self.session)}")
        self.show_card()

    def show_card(self) -> packets.RecipientCard | None:
        """What the card names and whether this laptop seals with it; the card if the
        fingerprint may be confirmed (it is signed, and not trusted yet)."""
        if self.card_row is None:
            return None
        self.pin_button.setEnabled(False)
        if not self.card_row.text():
            self.card_info.setText("No card: concerns stay on this laptop until one is set.")
            return None
        try:
            card = read_card(self.card_row.text())
            problem = cards.card_problem(self.session, card)
        except EnvironmentProblem as exc:
            self.card_info.setText(str(exc))
            return None
        whom = "Sealed for: " + ", ".join(r.name for r in card.recipients) + ". "
        if problem:
            self.card_info.setText(whom + problem)
            self.pin_button.setEnabled(True)
            return card
        self.card_info.setText(whom + "Signed by the DSL's vault, fingerprint "
                               f"{card.signer_fingerprint}, as confirmed on this laptop.")
        return None

    def pin_card(self) -> None:
        """Trust the key that signed the card, once the member of staff says the
        fingerprint matches the one the DSL read out."""
        card = self.show_card()
        if card is None:
            return
        if not self.confirm(
                f"The recipient card is signed by the DSL's vault with the fingerprint\n\n"
                f"    {card.signer_fingerprint}\n\nDoes it match, character for character, "
                "the fingerprint the DSL read out to you (in person or by phone)? Only then "
                "will this laptop seal concerns for the people on the card."):
            return
        with telling(self, self.message) as attempt:
            cards.pin_card(self.session, card, card.signer_fingerprint)
        if attempt.ok:
            self.message.setText("Confirmed: concerns are sealed for "
                                 + ", ".join(r.name for r in card.recipients) + ".")
            self.show_card()

    def export_staff_card(self) -> None:
        path = self.ctx.file_dialogs.save_path(
            self, "Save my enrolment file", Path.home() / f"{self.session.user.name}.ceenrol",
            ENROL_FILTER)
        if path is None:
            return
        with telling(self, self.message) as attempt:
            card = packets.staff_card(self.session)
            packets.write_file(path, card.to_bytes(), force=True)  # the dialog asked
        if attempt.ok:
            self.message.setText(f"Saved {path.name}. Read the fingerprint "
                                 f"{card.fingerprint} to the DSL.")

    # DSL ---------------------------------------------------------------------------------

    def _dsl(self, layout: QVBoxLayout) -> None:
        receiving = QGroupBox("Receiving concerns from staff laptops")
        form = QFormLayout(receiving)
        self.inbox_row = inbox_row = _PathRow(
            "Inbox folder", self.ctx.settings.inbox_folder,
            lambda: self.ctx.file_dialogs.folder(self, "Inbox folder", _start(inbox_row)))
        inbox_row.add_to(form, "&Inbox folder:")
        form.addRow(_hint("Where staff laptops save sealed concerns. Import them with Vault, "
                          "Import from inbox (Ctrl+I), or let IT schedule "
                          "\u201ccerecorder-admin inbox\u201d."))
        self.export_card = QPushButton("Export the recipient &card…")
        named(self.export_card, "Export the recipient card for staff laptops")
        self.export_card.clicked.connect(self.export_recipient_card)
        self.card_info = _hint("")
        with telling(self, self.message):
            self.card_info.setText("Staff confirm the card with this vault's fingerprint: "
                                   f"{packets.my_fingerprint(self.session)}")
        row = QHBoxLayout()
        row.addWidget(self.export_card)
        row.addWidget(self.card_info, stretch=1)
        form.addRow(row)
        layout.addWidget(receiving)

        staff = QGroupBox("Staff laptops enrolled to send concerns")
        box = QVBoxLayout(staff)
        self.enrolments = EnrolmentsModel(self)
        self.enrolments_view = record_table(self.enrolments, "Enrolled staff")
        self.enrolments_view.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)
        box.addWidget(self.enrolments_view)
        self.enrol_button = QPushButton("&Enrol a staff laptop…")
        named(self.enrol_button, "Enrol a staff laptop from its enrolment file")
        self.enrol_button.clicked.connect(self.enrol)
        self.revoke_button = QPushButton("&Revoke the selected laptop")
        named(self.revoke_button, "Revoke the selected staff laptop")
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.review_button = QPushButton("Children awaiting a &match…")
        named(self.review_button, "Children awaiting a match")
        self.review_button.clicked.connect(self.open_review)
        row = QHBoxLayout()
        row.addWidget(self.enrol_button)
        row.addWidget(self.revoke_button)
        row.addWidget(self.review_button)
        row.addStretch()
        box.addLayout(row)
        layout.addWidget(staff, stretch=1)
        self.refresh()

    def refresh(self) -> None:
        with telling(self, self.message):
            self.enrolments.set_rows(packets.enrolments(self.session))
            waiting = len(packets.review_list(self.session))
            self.review_button.setText(f"Children awaiting a &match ({waiting})…")
        self.enrolments_view.resizeColumnsToContents()

    def revoke_selected(self) -> None:
        index = self.enrolments_view.currentIndex()
        if not index.isValid():
            self.message.setText("Choose a laptop in the list first.")
            return
        chosen = self.enrolments.enrolment(index.row())
        if not self.confirm(
                f"Revoke the laptop with fingerprint {chosen.fingerprint} "
                f"({chosen.display_name})?\n\nPackets it sends from now on are refused; "
                "what it sent before stays filed. Enrol their new laptop when they have one."):
            return
        with telling(self, self.message) as attempt:
            packets.revoke(self.session, chosen.verify_key)
        if attempt.ok:
            self.message.setText(f"Revoked {chosen.fingerprint}.")
            self.refresh()

    def export_recipient_card(self) -> None:
        path = self.ctx.file_dialogs.save_path(
            self, "Export the recipient card", Path.home() / "school.cecard", CARD_FILTER)
        if path is None:
            return
        with telling(self, self.message) as attempt:
            card = packets.recipient_card(self.session)
            packets.write_file(path, card.to_bytes(), force=True)  # the dialog asked
        if attempt.ok:
            self.card_info.setText(f"Saved {path.name}. Read this fingerprint to each member "
                                   "of staff who sets the card on their laptop: "
                                   f"{card.signer_fingerprint}")

    def enrol(self) -> EnrolDialog | None:
        path = self.ctx.file_dialogs.open_path(self, "A staff laptop's enrolment file",
                                               Path.home(), ENROL_FILTER)
        if path is None:
            return None
        try:
            card = packets.StaffCard.from_bytes(packets.read_file(path))
        except EnvironmentProblem as exc:
            self.message.setText(str(exc))
            return None
        dialog = EnrolDialog(self.session, card, self)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog

    def open_review(self) -> InboxDialog:
        dialog = InboxDialog(self.ctx, self.session, None, self)
        dialog.finished.connect(lambda _: self.refresh())
        dialog.open()
        return dialog

    def save_into(self, settings: UiSettings) -> None:
        for row, attribute in self._rows():
            if row is not None:
                setattr(settings, attribute, row.text())


class EnrolDialog(QDialog):
    """Enrol a staff laptop: the fingerprint the member of staff reads out must match."""

    def __init__(self, session: Session, card: packets.StaffCard,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.card = session, card
        self.setWindowTitle("Enrol a staff laptop")
        self.setMinimumWidth(520)
        people = ", ".join(f"{u.display_name} ({u.name})" for u in card.users)
        intro = QLabel(f"This enrolment file is for: {people}.\n\nAsk them to open Settings, "
                       "Handover on their laptop and read out the fingerprint shown there. "
                       "Type it here: the file is only trusted if the two match.")
        intro.setWordWrap(True)
        self.code = QLineEdit()
        self.code.setPlaceholderText("for example K7QD-2MXA-R4TB-6PZE")
        form = QFormLayout()
        add_row(form, "&Fingerprint read out:", self.code)
        self.message = message_label()
        buttons = ok_cancel(self, "&Enrol")
        buttons.accepted.connect(self.enrol)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def enrol(self) -> None:
        with telling(self, self.message) as attempt:
            packets.enrol(self.session, self.card, self.code.text())
        if attempt.ok:
            self.accept()


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
                layout.addWidget(_hint("Refused packets were moved to the inbox's "
                                       "\u201cquarantine\u201d folder, each with a note of why. "
                                       "Nothing of them was filed."))
        self.review_title = QLabel("")
        self.review_title.setObjectName("pageTitle")
        layout.addWidget(self.review_title)
        layout.addWidget(_hint("These children were named in a concern but are not on roll "
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

    def cell(self, item: packets.SentStatus, column: int, role: int) -> Any:
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
                self.problem = packets.send_waiting(self.session, card, outbox).problem
                packets.collect_receipts(self.session, outbox)
        except EnvironmentProblem as exc:
            self.problem = f"Concerns cannot be sent to the DSL: {exc}"
        except CERecorderError as exc:
            self.problem = str(exc)
        try:
            self.model.set_rows(packets.sent_status(self.session))
        except CERecorderError as exc:
            self.problem = self.problem or str(exc)
        self.view.resizeColumnsToContents()
        self.view.horizontalHeader().setStretchLastSection(True)
        if self.problem:
            self.told.emit(self.problem)

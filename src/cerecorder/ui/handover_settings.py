"""The Handover tab of Settings: the DSL's recipient card and the outbox on a staff
laptop, its enrolment file; the inbox, the card to hand out and enrolling staff laptops for
the DSL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.errors import EnvironmentProblem
from cerecorder.domain.model import Role
from cerecorder.domain.timefmt import DEFAULT_TZ, uk_date, zone
from cerecorder.services import cards, packet_cards, packets
from cerecorder.services.session import Session
from cerecorder.ui.common import ok_cancel, record_table
from cerecorder.ui.context import AppContext
from cerecorder.ui.models import RowsModel
from cerecorder.ui.packet_views import InboxDialog, read_card
from cerecorder.ui.settings_model import UiSettings
from cerecorder.ui.widgets import (
    POLICY_TEXT,
    add_row,
    hint_label,
    message_label,
    named,
    telling,
)

CARD_FILTER = "CE Recorder recipient card (*.cecard);;All files (*)"
ENROL_FILTER = "CE Recorder enrolment file (*.ceenrol);;All files (*)"


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

    def enrolment(self, row: int) -> packet_cards.Enrolment:
        return self._rows[row]  # type: ignore[no-any-return]

    def cell(self, item: packet_cards.Enrolment, column: int, role: int) -> Any:
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
        self.card_info = hint_label("")
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
        form.addRow(hint_label("Each concern you submit is sealed so that only the DSLs named on "
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
        box.addWidget(hint_label("Give the file to the DSL (by USB stick or the shared folder), "
                            "then read this fingerprint to them in person or by phone so "
                            "they know the file is yours."))
        layout.addWidget(enrolment)
        with telling(self, self.message):
            self.fingerprint.setText(f"Fingerprint: {packet_cards.my_fingerprint(self.session)}")
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
            card = packet_cards.staff_card(self.session)
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
        form.addRow(hint_label("Where staff laptops save sealed concerns. Import them with Vault, "
                          "Import from inbox (Ctrl+I), or let IT schedule "
                          "\u201ccerecorder-admin inbox\u201d."))
        self.export_card = QPushButton("Export the recipient &card…")
        named(self.export_card, "Export the recipient card for staff laptops")
        self.export_card.clicked.connect(self.export_recipient_card)
        self.card_info = hint_label("")
        with telling(self, self.message):
            self.card_info.setText("Staff confirm the card with this vault's fingerprint: "
                                   f"{packet_cards.my_fingerprint(self.session)}")
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
            self.enrolments.set_rows(packet_cards.enrolments(self.session))
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
            packet_cards.revoke(self.session, chosen.verify_key)
        if attempt.ok:
            self.message.setText(f"Revoked {chosen.fingerprint}.")
            self.refresh()

    def export_recipient_card(self) -> None:
        path = self.ctx.file_dialogs.save_path(
            self, "Export the recipient card", Path.home() / "school.cecard", CARD_FILTER)
        if path is None:
            return
        with telling(self, self.message) as attempt:
            card = packet_cards.recipient_card(self.session)
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
            packet_cards.enrol(self.session, self.card, self.code.text())
        if attempt.ok:
            self.accept()



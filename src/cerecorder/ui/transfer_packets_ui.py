"""File transfers between schools that run CE Recorder, from the File transfers window:
seal a child's file for the receiving DSL's card (its fingerprint checked by phone), import
a file received with its signed receipt written beside it, file the receipt that comes
back, and read the files received (read-only, "from <school>, verified")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.errors import CERecorderError, EnvironmentProblem, InvalidInput
from cerecorder.domain.timefmt import from_utc_text, uk_datetime
from cerecorder.services import packets, transfer_packets
from cerecorder.services.session import Session
from cerecorder.ui.common import fit_to_screen, ok_cancel
from cerecorder.ui.context import AppContext
from cerecorder.ui.transfers_window import pupil_choice
from cerecorder.ui.widgets import add_row, message_label

CARDS = "Recipient cards (*.cecard *.txt *.json);;All files (*)"
PACKETS = "Transfer packets (*.cetransfer);;All files (*)"
RECEIPTS = "Transfer receipts (*.cereceipt);;All files (*)"


class SealDialog(QDialog):
    """Which pupil, the receiving school's card and the fingerprint its DSL reads out."""

    def __init__(self, ctx: AppContext, session: Session, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.ctx, self.session = ctx, session
        self.setWindowTitle("Seal a file for a school that runs CE Recorder")
        self.child = pupil_choice(session)
        self.card_path = QLineEdit()
        self.card_path.setReadOnly(True)
        self.card_path.setPlaceholderText("choose the receiving DSL's card (Alt+B)")
        self.card_label = QLabel()
        self.card_label.setWordWrap(True)
        self.fingerprint = QLineEdit()
        self.fingerprint.setPlaceholderText("as their DSL reads it out: XXXX-XXXX-XXXX-XXXX")
        self.purpose = QLineEdit("Transfer of the child protection file to the new school")
        self.purpose.setMaxLength(500)
        form = QFormLayout()
        add_row(form, "&Pupil:", self.child)
        add_row(form, "Their &card:", self.card_path)
        form.addRow(self.card_label)
        add_row(form, "&Fingerprint:", self.fingerprint,
                "The receiving DSL's signer fingerprint, checked with them by phone")
        add_row(form, "P&urpose:", self.purpose)
        self.message = message_label()
        buttons = ok_cancel(self, "&Seal and save…")
        browse = buttons.addButton("&Browse for the card…", buttons.ButtonRole.ActionRole)
        browse.setAutoDefault(False)
        browse.clicked.connect(self.choose_card)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.card: packets.RecipientCard | None = None
        self.saved: Path | None = None

    def choose_card(self) -> None:
        path = self.ctx.file_dialogs.open_path(self, "The receiving DSL's card",
                                               self.ctx.default_vault_dir.parent, CARDS)
        if path is None:
            return
        try:
            self.card = packets.RecipientCard.from_bytes(packets.read_file(path))
        except CERecorderError as exc:
            self.message.setText(str(exc))
            return
        self.card_path.setText(str(path))
        self.card_label.setText(f"Card of {self.card.school or 'a school'}, for "
                                f"{len(self.card.recipients)} DSL(s).")

    def accept(self) -> None:
        self.message.clear()
        child_id = self.child.currentData()
        if child_id is None or self.card is None:
            self.message.setText("Choose the pupil and the receiving DSL's card.")
            return
        try:
            packet_id, sealed = transfer_packets.seal_transfer(
                self.session, int(child_id), self.card, self.fingerprint.text(),
                self.purpose.text())
        except (InvalidInput, EnvironmentProblem) as exc:
            self.message.setText(str(exc))
            return
        path = self.ctx.file_dialogs.save_path(
            self, "Save the sealed packet", self.ctx.default_vault_dir.parent /
            f"{packet_id}.cetransfer", PACKETS)
        if path is None:
            self.message.setText("Sealed, but not saved: seal it again to send it.")
            return
        try:
            packets.write_file(path, sealed)
        except EnvironmentProblem as exc:
            self.message.setText(str(exc))
            return
        self.saved = path
        super().accept()


def import_packet(ctx: AppContext, session: Session, parent: QWidget
                  ) -> tuple[str, transfer_packets.Received | None]:
    """What happened, in a sentence for the window's message line, and what was received."""
    path = ctx.file_dialogs.open_path(parent, "Import a transfer packet",
                                      ctx.default_vault_dir.parent, PACKETS)
    if path is None:
        return "", None
    try:
        received = transfer_packets.import_transfer(session, packets.read_file(path))
        receipt = path.with_suffix(".cereceipt")
        packets.write_file(receipt, received.receipt, force=True)
    except (InvalidInput, EnvironmentProblem) as exc:
        return str(exc), None
    return (("Already received: " if received.already else "Received: ")
            + f"the file {received.describe()}. Send {receipt.name} (beside the packet) "
            "back to the sending school."), received


def file_receipt(ctx: AppContext, session: Session, parent: QWidget) -> str:
    path = ctx.file_dialogs.open_path(parent, "File a transfer receipt",
                                      ctx.default_vault_dir.parent, RECEIPTS)
    if path is None:
        return ""
    try:
        transfer_id = transfer_packets.file_receipt(session, packets.read_file(path),
                                                   ctx.after_transfer)
    except (InvalidInput, EnvironmentProblem) as exc:
        return str(exc)
    return "Receipt filed" + (f": transfer #{transfer_id} acknowledged." if transfer_id
                              else ".")


def _lines(received: dict[str, Any]) -> list[str]:
    file = received["file"]
    school = received.get("from_school") or "a school"
    made = uk_datetime(from_utc_text(file["generated_at"]))
    maker = file["generated_by"]
    out = [f"From {school}, verified (signer {received['signer_fingerprint']}); received "
           f"{uk_datetime(from_utc_text(received['received_at']))}.",
           f"Document {file.get('document_id', '')}, made {made} by {maker['name']} "
           f"({maker['role']}). Read-only: kept as it was signed.", ""]
    for concern in file.get("concerns", []):
        when = uk_datetime(from_utc_text(concern["occurred_at"]))
        by = concern["recorded_by"]
        out.append(f"{when}  Concern recorded by {by['name']} ({by['role']}), {school}")
        out.append(f"    {concern['facts']}")
        if concern.get("child_words"):
            out.append(f"    The child's words: \u201c{concern['child_words']}\u201d")
        for decision in concern.get("decisions", []):
            out.append(f"    Decision: {decision['decision_label']}: {decision['reason']}")
        for action in concern.get("actions", []):
            out.append(f"    Action: {action['kind_label']}: {action['detail']}")
        out.append("")
    for event in file.get("events", []):
        out.append(f"{uk_datetime(from_utc_text(event['occurred_at']))}  {event['kind_label']}"
                   f": {event['summary']}")
    return out


class ReceivedDialog(QDialog):
    """The files received for a child, each as its sender signed it."""

    def __init__(self, session: Session, child_id: int, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Files received for {name}")
        files = transfer_packets.received_files(session, child_id)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setTabChangesFocus(True)
        self.text.setAccessibleName("Files received, as their senders signed them")
        lines: list[str] = []
        for received in files:
            lines += [*_lines(received), "", "—" * 20, ""]
        self.text.setPlainText("\n".join(lines) or "No file was received for this pupil.")
        buttons = ok_cancel(self, "&Close")
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{len(files)} file(s) received; read-only."))
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        fit_to_screen(self, 820, 560)
        self.text.setFocus()
        self.text.moveCursor(self.text.textCursor().MoveOperation.Start)

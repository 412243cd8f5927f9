"""Change an open action's due date or owner, from the DSL's actions list
(services.deadlines.set_due: DSL only, audited; the earlier date and owner stay on file)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QVBoxLayout, QWidget

from cerecorder.domain.timefmt import local_date
from cerecorder.services import deadlines
from cerecorder.services.deadlines import ActionLine
from cerecorder.services.session import Session
from cerecorder.ui.common import ok_cancel
from cerecorder.ui.due_fields import DueField, owner_box
from cerecorder.ui.widgets import add_row, message_label, telling


class DueDialog(QDialog):
    """The action's due date (typed or from the calendar; empty for none) and its owner."""

    def __init__(self, session: Session, line: ActionLine, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.session, self.action = session, line.action
        self.setWindowTitle("Change due date or owner")
        about = QLabel(f"{line.action.kind.label} for {line.child}: {line.action.detail}")
        about.setWordWrap(True)
        self.due = DueField(local_date(session.clock.now(), session.tz))
        if line.action.due_on is not None:
            self.due.edit.set_day(line.action.due_on)
        self.owner = owner_box(deadlines.owners(session))
        self.owner.setCurrentIndex(max(0, self.owner.findData(line.action.owner_id)))
        self.message = message_label()
        form = QFormLayout()
        add_row(form, "D&ue by:", self.due, "Empty for no due date")
        add_row(form, "Ow&ner:", self.owner)
        self.buttons = ok_cancel(self, "&Save")
        self.buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.due.setFocus()

    def save(self) -> None:
        if self.due.problem():
            self.message.setText(self.due.problem())
            self.due.setFocus()
            return
        with telling(self, self.message) as attempt:
            deadlines.set_due(self.session, self.action.action_id, self.due.day(),
                              self.owner.currentData())
        if attempt.ok:
            self.accept()

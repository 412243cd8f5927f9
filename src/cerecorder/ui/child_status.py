"""The DSL's handover facts about a child, from the child window: dated statuses, the
professionals involved, and the DSL's own contact for front sheets; and the impact note of
a chronology entry. Nothing is edited: a status or an involvement is ended with a date."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.model import ChronologyEntry
from cerecorder.domain.statuses import PROFESSIONAL_ROLES, StatusKind
from cerecorder.domain.timefmt import local_date, uk_date
from cerecorder.services import statuses
from cerecorder.services.session import Session
from cerecorder.ui.common import (
    date_edit,
    fit_to_screen,
    from_qdate,
    ok_cancel,
    record_table,
    text_box,
    to_qdate,
)
from cerecorder.ui.widgets import add_row, hint_label, message_label, named, telling


def _table(name: str, heads: Sequence[str]) -> tuple[QTableView, QStandardItemModel]:
    model = QStandardItemModel(0, len(heads))
    model.setHorizontalHeaderLabels(list(heads))
    return record_table(model, name), model


def _fill(model: QStandardItemModel, rows: Sequence[Sequence[str]]) -> None:
    model.setRowCount(0)
    for row in rows:
        items = []
        for value in row:
            item = QStandardItem(value)
            item.setEditable(False)
            items.append(item)
        model.appendRow(items)


class StatusDialog(QDialog):
    """Statuses and professionals of one child, with their dates, and the DSL's contact."""

    def __init__(self, session: Session, child_id: int, child_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.child_id = session, child_id
        self.setWindowTitle(f"Statuses and who is involved: {child_name}")
        fit_to_screen(self, 860, 640)
        today = to_qdate(local_date(session.clock.now(), session.tz))
        self.message = message_label()

        # statuses
        self.status_table, self.status_model = _table(
            "Statuses", ("Status", "From", "To", "Note"))
        self.kind = QComboBox()
        self.kind.addItem("Choose…", None)
        for kind in StatusKind:
            self.kind.addItem(kind.label, kind)
        self.started = date_edit("Status from")
        self.note = QLineEdit()
        self.add_status_button = QPushButton("&Add status")
        self.ended = date_edit("Status ended on")
        self.end_status_button = QPushButton("En&d the selected status")
        for edit in (self.started, self.ended):
            edit.setDate(today)
        status_form = QFormLayout()
        add_row(status_form, "&Status:", self.kind)
        add_row(status_form, "&From:", self.started)
        add_row(status_form, "&Note:", self.note, "Optional: a reference or a plan's review")
        status_form.addRow("", self.add_status_button)
        end_row = QHBoxLayout()
        ended_caption = QLabel("&Ended on:")
        ended_caption.setBuddy(self.ended)
        for widget in (ended_caption, self.ended, self.end_status_button):
            end_row.addWidget(widget)
        end_row.addStretch()
        status_box = QWidget()
        column = QVBoxLayout(status_box)
        column.addWidget(hint_label("Child protection plan, child in need, looked after, "
                                    "EHCP, SEND, early help: each with its dates."))
        column.addWidget(self.status_table)
        column.addLayout(end_row)
        column.addLayout(status_form)

        # professionals
        self.people_table, self.people_model = _table(
            "Professionals involved",
            ("Role", "Name", "Service or agency", "Contact", "From", "To"))
        self.role = QComboBox()
        self.role.setEditable(True)
        self.role.addItems(["", *PROFESSIONAL_ROLES])
        self.person = QLineEdit()
        self.agency = QLineEdit()
        self.contact = QLineEdit()
        self.since = date_edit("Involved since")
        self.add_person_button = QPushButton("Add &professional")
        self.until = date_edit("Involvement ended on")
        self.end_person_button = QPushButton("End the selected in&volvement")
        for edit in (self.since, self.until):
            edit.setDate(today)
        people_form = QFormLayout()
        add_row(people_form, "&Role:", self.role)
        add_row(people_form, "Na&me:", self.person)
        add_row(people_form, "Service or a&gency:", self.agency)
        add_row(people_form, "&Contact:", self.contact, "Telephone or secure email")
        add_row(people_form, "Involved s&ince:", self.since)
        people_form.addRow("", self.add_person_button)
        until_row = QHBoxLayout()
        until_caption = QLabel("Involvemen&t ended on:")
        until_caption.setBuddy(self.until)
        for widget in (until_caption, self.until, self.end_person_button):
            until_row.addWidget(widget)
        until_row.addStretch()
        people_box = QWidget()
        column = QVBoxLayout(people_box)
        column.addWidget(self.people_table)
        column.addLayout(until_row)
        column.addLayout(people_form)

        # the DSL's contact
        self.own_contact = QLineEdit(statuses.dsl_contact(session))
        self.save_contact_button = QPushButton("Save my c&ontact")
        contact_row = QHBoxLayout()
        contact_caption = QLabel("&Your contact on front sheets:")
        contact_caption.setBuddy(self.own_contact)
        named(self.own_contact, "Your contact on front sheets")
        for part in (contact_caption, self.own_contact, self.save_contact_button):
            contact_row.addWidget(part)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        named(close.button(QDialogButtonBox.StandardButton.Close), "Close")
        for button, name in (
                (self.add_status_button, "Add the status"),
                (self.end_status_button, "End the selected status on the date given"),
                (self.add_person_button, "Add the professional"),
                (self.end_person_button, "End the selected involvement on the date given"),
                (self.save_contact_button, "Save your contact")):
            named(button, name)
            button.setAutoDefault(False)
        self.add_status_button.clicked.connect(self.add_status)
        self.end_status_button.clicked.connect(self.end_status)
        self.add_person_button.clicked.connect(self.add_professional)
        self.end_person_button.clicked.connect(self.end_professional)
        self.save_contact_button.clicked.connect(self.save_contact)

        layout = QVBoxLayout(self)
        # one above the other in tabs: side by side they made the dialog wider than a
        # 1366x768 screen at 150% scaling, the professionals' buttons off its edge
        sides = QTabWidget()
        sides.addTab(status_box, "Stat&uses")
        sides.addTab(people_box, "Professiona&ls involved")
        named(sides, "Statuses and professionals involved")
        layout.addWidget(sides, stretch=1)
        layout.addLayout(contact_row)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.reload()
        self.kind.setFocus()

    def reload(self) -> None:
        self.status_list = statuses.statuses(self.session, self.child_id)
        self.people_list = statuses.professionals(self.session, self.child_id)
        _fill(self.status_model, [
            (x.kind.label, uk_date(x.started_on),
             uk_date(x.ended_on) if x.ended_on else "Current", x.note)
            for x in self.status_list])
        _fill(self.people_model, [
            (p.role, p.name, p.agency, p.contact, uk_date(p.from_on),
             uk_date(p.to_on) if p.to_on else "Current") for p in self.people_list])

    def _said(self, text: str) -> None:
        self.message.setText(text)

    def add_status(self) -> None:
        kind = self.kind.currentData()
        if kind is None:
            self._said("Choose the status.")
            self.kind.setFocus()
            return
        with telling(self, self.message) as attempt:
            statuses.add_status(self.session, self.child_id, StatusKind(kind),
                                from_qdate(self.started.date()), self.note.text())
        if attempt.ok:
            self.note.clear()
            self.kind.setCurrentIndex(0)
            self.reload()
            self._said(f"Added: {StatusKind(kind).label}.")

    def end_status(self) -> None:
        row = self.status_table.currentIndex().row()
        if not 0 <= row < len(self.status_list):
            self._said("Choose the status to end in the list.")
            self.status_table.setFocus()
            return
        with telling(self, self.message) as attempt:
            statuses.end_status(self.session, self.status_list[row].id,
                                from_qdate(self.ended.date()))
        if attempt.ok:
            self.reload()
            self._said("The status was ended.")

    def add_professional(self) -> None:
        with telling(self, self.message) as attempt:
            statuses.add_professional(
                self.session, self.child_id, role=self.role.currentText(),
                name=self.person.text(), agency=self.agency.text(),
                contact=self.contact.text(), from_on=from_qdate(self.since.date()))
        if attempt.ok:
            for field in (self.person, self.agency, self.contact):
                field.clear()
            self.role.setCurrentIndex(0)
            self.reload()
            self._said("Added the professional.")

    def end_professional(self) -> None:
        row = self.people_table.currentIndex().row()
        if not 0 <= row < len(self.people_list):
            self._said("Choose the professional in the list.")
            self.people_table.setFocus()
            return
        with telling(self, self.message) as attempt:
            statuses.end_professional(self.session, self.people_list[row].id,
                                      from_qdate(self.until.date()))
        if attempt.ok:
            self.reload()
            self._said("The involvement was ended.")

    def save_contact(self) -> None:
        with telling(self, self.message) as attempt:
            statuses.set_dsl_contact(self.session, self.own_contact.text())
        if attempt.ok:
            self._said("Your contact was saved.")


class ImpactDialog(QDialog):
    """The DSL's note of what an entry meant for the child: the chronology's "Impact on the
    child". Saving adds a note; the entry itself is not changed."""

    def __init__(self, session: Session, child_id: int, entry: ChronologyEntry,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.child_id, self.entry = session, child_id, entry
        self.setWindowTitle("Impact on the child")
        self.setMinimumWidth(520)
        self.body = text_box("Impact on the child", "What this meant for the child: their "
                             "safety, wellbeing, education.", 120)
        self.body.setPlainText(entry.impact)
        self.message = message_label()
        form = QFormLayout()
        add_row(form, "&Impact on the child:", self.body)
        self.buttons = ok_cancel(self, "&Save note")
        self.buttons.accepted.connect(self.save)
        about = QLabel("A later note replaces this one on the chronology; both stay on "
                       "file. Leave it empty to withdraw the note.")
        about.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def save(self) -> None:
        with telling(self, self.message) as attempt:
            statuses.write_impact(self.session, self.child_id, self.entry.entry_type,
                                  self.entry.ref_id, self.body.toPlainText())
        if attempt.ok:
            self.accept()

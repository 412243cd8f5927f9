"""From a child's window: link them to a sibling or associate, or merge a second record of
the same child into theirs (DSL only; both audited)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.model import Child, LinkKind
from cerecorder.domain.roster import name_key
from cerecorder.domain.rules import fold
from cerecorder.domain.timefmt import uk_date
from cerecorder.services import children
from cerecorder.services.session import Session
from cerecorder.ui.common import fit_to_screen, ok_cancel
from cerecorder.ui.widgets import add_row, message_label, named, telling

LINK_LABELS = {LinkKind.SIBLING: "Sibling", LinkKind.ASSOCIATE: "Associate"}


def describe(child: Child) -> str:
    d = child.details
    parts = [child.legal_name + (f" ({child.display_name})"
                                 if child.display_name != child.legal_name else "")]
    if d.date_of_birth:
        parts.append(f"born {uk_date(d.date_of_birth)}")
    if d.upn:
        parts.append(f"UPN {d.upn}")
    groups = " ".join(v for v in (d.year_group, d.reg_group) if v)
    if groups:
        parts.append(groups)
    if child.left_on:
        parts.append(f"left {uk_date(child.left_on)}")
    return ", ".join(parts) + f"  #{child.id}"


class PupilPicker(QWidget):
    """A filter box over the roll (leavers too) and a list to choose one pupil from.
    ``likely`` pupils come first, marked: the ones a DSL is probably looking for."""

    def __init__(self, pupils: list[Child], likely: set[int], name: str) -> None:
        super().__init__()
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type part of a name, UPN or group")
        self.filter.setClearButtonEnabled(True)
        named(self.filter, f"Find {name}")
        self.list = QListWidget()
        named(self.list, name)
        ordered = sorted(pupils, key=lambda c: (c.id not in likely, c.details.legal_surname
                                                .casefold(), c.details.legal_forenames))
        for child in ordered:
            text = describe(child)
            if child.id in likely:
                text = "Possible duplicate: " + text
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, child.id)
            self.list.addItem(item)
        self.filter.textChanged.connect(self._filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)

    def _filter(self, text: str) -> None:
        words = fold(text).split()  # accents aside: "goncalves" finds Gonçalves
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(not all(w in fold(item.text()) for w in words))

    def chosen(self) -> int | None:
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return None
        return int(item.data(Qt.ItemDataRole.UserRole))

    def choose(self, child_id: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == child_id:
                self.list.setCurrentRow(row)


def _others(session: Session, child_id: int) -> list[Child]:
    return [c for c in children.list_children(session, include_left=True) if c.id != child_id]


class LinkDialog(QDialog):
    def __init__(self, session: Session, child: Child, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.child = session, child
        self.setWindowTitle(f"Link {child.display_name} to another pupil")
        self.picker = PupilPicker(_others(session, child.id), set(), "Pupil to link")
        self.kind = QComboBox()
        self.kind.addItem("Choose…", None)  # never a kind of link nobody chose
        for kind, label in LINK_LABELS.items():
            self.kind.addItem(label, kind.value)
        self.note = QLineEdit()
        self.note.setPlaceholderText("e.g. older brother; seen together after school")
        self.message = message_label()
        form = QFormLayout()
        add_row(form, "&Kind of link:", self.kind)
        add_row(form, "&Note:", self.note)
        self.buttons = ok_cancel(self, "&Link")
        self.buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker, stretch=1)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 620, 480)

    def save(self) -> None:
        other = self.picker.chosen()
        if other is None:
            self.message.setText("Choose the pupil to link.")
            return
        if self.kind.currentData() is None:
            self.message.setText("Choose the kind of link.")
            self.kind.setFocus()
            return
        with telling(self, self.message) as attempt:
            children.link_children(self.session, self.child.id, other,
                                   LinkKind(self.kind.currentData()), self.note.text())
        if attempt.ok:
            self.accept()


class MergeDialog(QDialog):
    """Two records that are the same child become one chronology. Final, so the dialog
    says exactly what happens and asks for the reason before the button works."""

    def __init__(self, session: Session, child: Child, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.child = session, child
        self.setWindowTitle(f"Merge another record into {child.display_name}'s")
        pupils = _others(session, child.id)
        mine = name_key(child.details.legal_forenames, child.details.legal_surname)
        likely = {c.id for c in pupils
                  if name_key(c.details.legal_forenames, c.details.legal_surname) == mine
                  or (child.details.date_of_birth is not None
                      and c.details.date_of_birth == child.details.date_of_birth
                      and c.details.legal_surname.casefold()
                      == child.details.legal_surname.casefold())}
        explain = QLabel(
            f"Choose the other record of {describe(child)}. Its concerns, decisions, "
            "actions, outcomes, events and links will show in this child's chronology; this "
            "record takes any detail it lacks (such as a UPN). The other record is kept, "
            "marked as merged, and leaves the pupil list. A merge cannot be undone.")
        explain.setWordWrap(True)
        self.picker = PupilPicker(pupils, likely, "Record to merge in")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. same child: entered twice, surname changed")
        self.message = message_label()
        form = QFormLayout()
        add_row(form, "&Why they are the same child:", self.reason,
                "Recorded in the chronology with the merge.")
        self.buttons = ok_cancel(self, "&Merge records")
        self.merge_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.save)
        self.reason.textChanged.connect(lambda _: self._update())
        self.picker.list.currentRowChanged.connect(lambda _: self._update())
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.picker, stretch=1)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._update()
        fit_to_screen(self, 720, 520)

    def _update(self) -> None:
        self.merge_button.setEnabled(
            self.picker.chosen() is not None and bool(self.reason.text().strip()))

    def save(self) -> None:
        other = self.picker.chosen()
        if other is None:
            return
        with telling(self, self.message) as attempt:
            children.merge_children(self.session, self.child.id, other, self.reason.text())
        if attempt.ok:
            self.accept()


class UnlinkDialog(QDialog):
    """Take back a link made in error."""

    def __init__(self, session: Session, profile: children.ChildProfile,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.child = session, profile.child
        self.setWindowTitle(f"Remove a link of {profile.child.display_name}")
        self.link = QComboBox()
        self.link.addItem("Choose…", None)  # Enter alone removes nothing
        for link, other in profile.links:
            self.link.addItem(f"{LINK_LABELS[link.kind]}: {other.display_name}"
                              + (f" ({link.note})" if link.note else ""),
                              (other.id, link.kind.value))
        self.message = message_label()
        form = QFormLayout()
        add_row(form, "&Link to remove:", self.link)
        self.buttons = ok_cancel(self, "&Remove link")
        self.buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def save(self) -> None:
        if self.link.currentData() is None:
            self.message.setText("Choose the link to remove.")
            self.link.setFocus()
            return
        other_id, kind = self.link.currentData()
        with telling(self, self.message) as attempt:
            children.unlink_children(self.session, self.child.id, other_id, LinkKind(kind))
        if attempt.ok:
            self.accept()

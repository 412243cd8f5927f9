"""The DSL's dialogs on the register: a new entry, a correction (a new revision: the
earlier wording stays on record), matching a line staff typed, setting a line aside, and
merging a duplicate (final, with a reason and a confirmation; audited, as for children)."""

from __future__ import annotations

from collections.abc import Mapping

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
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.model import EntryKind
from cerecorder.domain.register import KIND_FIELDS, Entry, PendingMention, key_from_text
from cerecorder.domain.rules import fold
from cerecorder.domain.timefmt import uk_datetime
from cerecorder.services import register
from cerecorder.services.session import Session
from cerecorder.ui.common import fit_to_screen, ok_cancel, text_box
from cerecorder.ui.widgets import add_row, message_label, named, telling

#: long fields get a box of a few lines
_LONG = frozenset({"description", "marks", "note"})
#: where a line staff typed goes when it is not just a key (a registration, a number...)
_FREE_FIELD = {EntryKind.PERSON: "description", EntryKind.VEHICLE: "marks",
               EntryKind.PLACE: "description", EntryKind.PHONE: "note",
               EntryKind.ACCOUNT: "note", EntryKind.GROUP: "name"}
#: the field a key read from a line goes into
_KEY_FIELD = {EntryKind.VEHICLE: "registration", EntryKind.PHONE: "number",
              EntryKind.PLACE: "postcode"}


def describe_entry(entry: Entry) -> str:
    return f"{entry.kind.label}: {entry.details.summary or '(no wording)'}  #{entry.id}"


class EntryFields(QWidget):
    """The fields of one kind of entry (domain.register.KIND_FIELDS), labelled."""

    def __init__(self, kind: EntryKind, values: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.boxes: dict[str, QLineEdit | QPlainTextEdit] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        for name, label in KIND_FIELDS[kind].items():
            box: QLineEdit | QPlainTextEdit
            if name in _LONG:
                box = text_box(label, height=56)
                box.setMaximumHeight(90)
            else:
                box = QLineEdit()
            short = label.split(" (")[0]
            add_row(form, f"{short}:", box, label if short != label else "")
            if values and values.get(name):
                self._set(box, values[name])
            self.boxes[name] = box

    @staticmethod
    def _set(box: QLineEdit | QPlainTextEdit, text: str) -> None:
        if isinstance(box, QLineEdit):
            box.setText(text)
        else:
            box.setPlainText(text)

    def values(self) -> dict[str, str]:
        return {name: box.text() if isinstance(box, QLineEdit) else box.toPlainText()
                for name, box in self.boxes.items()}

    def fill_from_line(self, text: str) -> None:
        """Start from what staff typed: a key where the line is one, else the free field."""
        if key_from_text(self.kind, text) is not None and self.kind in _KEY_FIELD:
            self._set(self.boxes[_KEY_FIELD[self.kind]], text)
        elif self.kind is EntryKind.ACCOUNT and key_from_text(self.kind, text) is not None:
            platform, _, handle = text.strip().rpartition(" ")
            self._set(self.boxes["platform"], platform)
            self._set(self.boxes["handle"], handle)
        else:
            self._set(self.boxes[_FREE_FIELD[self.kind]], text)


class EntryDialog(QDialog):
    """A new entry of a kind the DSL chooses (or, matching a line, the line's kind)."""

    def __init__(self, session: Session, parent: QWidget | None = None, *,
                 mention: PendingMention | None = None) -> None:
        super().__init__(parent)
        self.session, self.mention = session, mention
        self.entry_id: int | None = None
        self.setWindowTitle("New register entry" if mention is None
                            else "New register entry from a line staff typed")
        self.kind = QComboBox()
        self.kind.addItem("Choose…", None)
        self.stack = QStackedWidget()
        self.stack.addWidget(QLabel("Choose the kind of entry first."))
        self.fields: dict[EntryKind, EntryFields] = {}
        for kind in EntryKind:
            self.kind.addItem(kind.label, kind.value)
            self.fields[kind] = EntryFields(kind)
            self.stack.addWidget(self.fields[kind])
        self.kind.currentIndexChanged.connect(self.stack.setCurrentIndex)
        top = QFormLayout()
        add_row(top, "&Kind of entry:", self.kind)
        layout = QVBoxLayout(self)
        if mention is not None:
            said = QLabel(f"Staff wrote ({mention.mention.kind.label.lower()}): "
                          f"\u201c{mention.mention.text}\u201d")
            said.setWordWrap(True)
            said.setTextFormat(Qt.TextFormat.PlainText)
            named(said, "What staff wrote")
            layout.addWidget(said)
            kind = mention.mention.kind
            self.kind.setCurrentIndex(self.kind.findData(kind.value))
            self.kind.setEnabled(False)  # a line names one kind of thing
            self.fields[kind].fill_from_line(mention.mention.text)
        self.message = message_label()
        self.buttons = ok_cancel(self, "&Save entry" if mention is None
                                 else "&Save and match")
        self.buttons.accepted.connect(self.save)
        layout.addLayout(top)
        layout.addWidget(self.stack, stretch=1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 640, 480)

    def chosen_kind(self) -> EntryKind | None:
        data = self.kind.currentData()
        return None if data is None else EntryKind(data)

    def save(self) -> None:
        kind = self.chosen_kind()
        if kind is None:
            self.message.setText("Choose the kind of entry.")
            self.kind.setFocus()
            return
        values = self.fields[kind].values()
        with telling(self, self.message) as attempt:
            if self.mention is None:
                self.entry_id = register.create_entry(self.session, kind, values)
            else:
                self.entry_id = register.match_mention(
                    self.session, self.mention.concern_id, self.mention.position,
                    values=values)
        if attempt.ok:
            self.accept()


class ReviseDialog(QDialog):
    """Correct an entry: the wording as it stands, to change, and why."""

    def __init__(self, session: Session, entry: Entry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.entry = session, entry
        self.setWindowTitle(f"Correct {describe_entry(entry)}")
        explain = QLabel("Change the wording below. The entry shows the new wording from now "
                         "on; every earlier wording stays on record with who changed it, "
                         "when and why.")
        explain.setWordWrap(True)
        self.fields = EntryFields(entry.kind, entry.details.values)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. registration misread; police confirmed the make")
        form = QFormLayout()
        add_row(form, "&Why it is corrected:", self.reason)
        self.message = message_label()
        self.buttons = ok_cancel(self, "&Save correction")
        self.buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.fields, stretch=1)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 640, 500)

    def save(self) -> None:
        with telling(self, self.message) as attempt:
            register.revise_entry(self.session, self.entry.id, self.fields.values(),
                                  self.reason.text())
        if attempt.ok:
            self.accept()


class EntryPicker(QWidget):
    """A filter box over entries of one kind and a list to choose one from; ``likely``
    entries come first, marked."""

    def __init__(self, entries: list[Entry], likely: set[int], name: str) -> None:
        super().__init__()
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type part of the wording, a registration, a number…")
        self.filter.setClearButtonEnabled(True)
        named(self.filter, f"Find {name.lower()}")
        self.list = QListWidget()
        named(self.list, name)
        for entry in sorted(entries, key=lambda e: (e.id not in likely, e.id)):
            text = describe_entry(entry)
            item = QListWidgetItem(("Likely the same: " if entry.id in likely else "") + text)
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            item.setData(Qt.ItemDataRole.UserRole + 1,
                         fold(text + " " + (entry.key or "")))
            self.list.addItem(item)
        if likely:
            self.list.setCurrentRow(0)
        self.filter.textChanged.connect(self._filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)

    def _filter(self, text: str) -> None:
        words = fold(text).split()
        for row in range(self.list.count()):
            item = self.list.item(row)
            haystack = str(item.data(Qt.ItemDataRole.UserRole + 1))
            item.setHidden(not all(w in haystack for w in words))

    def chosen(self) -> int | None:
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return None
        return int(item.data(Qt.ItemDataRole.UserRole))

    def choose(self, entry_id: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == entry_id:
                self.list.setCurrentRow(row)


class MatchDialog(QDialog):
    """Match a line staff typed to an entry of its kind, or make a new entry from it."""

    NEW = 2  # done() code: the DSL chose to describe a new entry

    def __init__(self, session: Session, mention: PendingMention, author: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.mention = session, mention
        self.entry_id: int | None = None
        kind = mention.mention.kind
        self.setWindowTitle(f"Match a {kind.label.lower()} staff named")
        said = QLabel(f"{author} wrote, in concern #{mention.concern_id} about "
                      f"{uk_datetime(mention.occurred_at, session.tz)}: "
                      f"\u201c{mention.mention.text}\u201d")
        said.setWordWrap(True)
        said.setTextFormat(Qt.TextFormat.PlainText)
        named(said, "What staff wrote")
        likely = {e.id for e in register.find_matches(session, kind, mention.mention.text)}
        entries = [row.entry for row in register.register(session, kind)]
        self.picker = EntryPicker(entries, likely, f"{kind.label} entries")
        hint = QLabel(f"Choose the {kind.label.lower()} this line is about, or make a new "
                      "entry from it. The entry is linked to every child of the concern, as "
                      "reported by its author on the day it happened.")
        hint.setObjectName("hintMessage")
        hint.setWordWrap(True)
        self.message = message_label()
        self.buttons = ok_cancel(self, "&Match to the chosen entry")
        self.match_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.new_button = QPushButton("&New entry from this line…")
        named(self.new_button, "Make a new entry from this line")
        self.new_button.setAutoDefault(False)
        self.new_button.clicked.connect(lambda: self.done(self.NEW))
        self.buttons.addButton(self.new_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.accepted.connect(self.save)
        self.picker.list.currentRowChanged.connect(lambda _: self._update())
        self.picker.filter.textChanged.connect(lambda _: self._update())
        layout = QVBoxLayout(self)
        layout.addWidget(said)
        layout.addWidget(hint)
        layout.addWidget(self.picker, stretch=1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._update()
        fit_to_screen(self, 680, 480)

    def _update(self) -> None:
        self.match_button.setEnabled(self.picker.chosen() is not None)

    def save(self) -> None:
        chosen = self.picker.chosen()
        if chosen is None:
            return
        with telling(self, self.message) as attempt:
            self.entry_id = register.match_mention(
                self.session, self.mention.concern_id, self.mention.position, entry_id=chosen)
        if attempt.ok:
            self.accept()


class SetAsideDialog(QDialog):
    """A line that is no register entry (a teacher's own car, say): set aside, with why.
    The line itself stays in the concern."""

    def __init__(self, session: Session, mention: PendingMention,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.mention = session, mention
        self.setWindowTitle("Set a line aside")
        said = QLabel(f"\u201c{mention.mention.text}\u201d ({mention.mention.kind.label}, "
                      f"concern #{mention.concern_id}) will not be matched to the register. "
                      "It stays in the concern as staff wrote it.")
        said.setWordWrap(True)
        said.setTextFormat(Qt.TextFormat.PlainText)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. a parent's car, known to school")
        form = QFormLayout()
        add_row(form, "&Why:", self.reason)
        self.message = message_label()
        self.buttons = ok_cancel(self, "&Set aside")
        self.buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(said)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def save(self) -> None:
        with telling(self, self.message) as attempt:
            register.dismiss_mention(self.session, self.mention.concern_id,
                                     self.mention.position, self.reason.text())
        if attempt.ok:
            self.accept()


class MergeEntryDialog(QDialog):
    """Two entries are one thing. Final, so the dialog says what happens, asks for the
    reason before the button works, and asks once more before merging."""

    def __init__(self, session: Session, keep: Entry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.keep = session, keep
        self.setWindowTitle(f"Merge a duplicate into {describe_entry(keep)}")
        others = [row.entry for row in register.register(session, keep.kind)
                  if row.entry.id != keep.id]
        likely = {e.id for text in {keep.key or "", keep.details.summary} if text
                  for e in register.find_matches(session, keep.kind, text)} - {keep.id}
        explain = QLabel(
            f"Choose the other entry for this {keep.kind.label.lower()}. Its wordings, "
            "children and concerns will show under this entry, and the other entry leaves "
            "the register list. Nothing is rewritten: every wording stays on record. A "
            "merge cannot be undone.")
        explain.setWordWrap(True)
        self.picker = EntryPicker(others, likely, "Entry to merge in")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. same car: one entry had the registration misread")
        form = QFormLayout()
        add_row(form, "&Why they are the same:", self.reason,
                "Recorded with the merge.")
        self.message = message_label()
        self.buttons = ok_cancel(self, "&Merge entries")
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
        fit_to_screen(self, 680, 500)

    def _update(self) -> None:
        self.merge_button.setEnabled(
            self.picker.chosen() is not None and bool(self.reason.text().strip()))

    def save(self) -> None:
        other = self.picker.chosen()
        if other is None:
            return
        answer = QMessageBox.question(
            self, "Merge register entries",
            f"Merge entry #{other} into #{self.keep.id}? This is final: it cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        with telling(self, self.message) as attempt:
            register.merge_entries(self.session, self.keep.id, other, self.reason.text())
        if attempt.ok:
            self.accept()

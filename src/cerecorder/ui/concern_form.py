"""Recording a concern: the form a teacher fills in between lessons.

The draft saves itself into the vault as they type (never to a temporary file). What a
concern still needs, and gentle prompts on how it is written, show beside their boxes as
the person writes; submitting asks for confirmation, because the record then becomes
permanent.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.errors import CERecorderError, EnvironmentProblem
from cerecorder.domain.model import ConcernContent, Urgency
from cerecorder.domain.prompts import writing_prompts
from cerecorder.domain.rules import submission_problems, time_problem
from cerecorder.domain.timefmt import zone
from cerecorder.services import children, concerns
from cerecorder.services.session import Session
from cerecorder.ui.body_map import BodyMapPart
from cerecorder.ui.common import fit_to_screen
from cerecorder.ui.concern_attachments import AttachmentsPart
from cerecorder.ui.concern_categories import CategoryPart
from cerecorder.ui.concern_fields import CODE_ROLE, IndicatorChecklist, WhenField
from cerecorder.ui.concern_mentions import MentionsPart
from cerecorder.ui.context import AppContext
from cerecorder.ui.pupil_list import PupilList
from cerecorder.ui.widgets import add_row, message_label, named

AUTOSAVE_MS = 1500
#: the fields that have a note beside them: what is missing, and prompts
NOTED = ("child_ids", "occurred_at", "facts", "child_words", "informed")


def _text_box(name: str, placeholder: str, lines: int = 4) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(box.fontMetrics().lineSpacing() * lines + 12)
    named(box, name)
    return box


def _note() -> QLabel:
    note = QLabel()
    note.setWordWrap(True)
    note.setObjectName("hintMessage")
    note.setAccessibleName("Note")
    note.setVisible(False)
    return note


def _hold_lines(note: QLabel) -> None:
    """A note as tall as its wrapped lines at its width: the scrolled column sizes itself
    by minimum heights, which for wrapped text count too few lines and cut the note."""
    need = note.heightForWidth(note.width()) if note.text() else 0
    if note.minimumHeight() != need:
        note.setMinimumHeight(max(need, 0))


class ConcernDialog(QDialog):
    def __init__(self, ctx: AppContext, session: Session, *, child_ids: list[int],
                 draft_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session = ctx, session
        self.draft_id = draft_id
        self.submitted = False
        #: what the author is told once the concern is submitted
        self.receipt = ""
        self._dirty = False
        #: set by the first "Submit": from then on what is missing shows as it is fixed
        self._checking = False
        self.setWindowTitle("New concern" if draft_id is None else "Concern (draft)")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        fit_to_screen(self, 1340, 720)
        self.autosave = QTimer(self)
        self.autosave.setSingleShot(True)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self.save_draft)

        self._build(child_ids)
        if draft_id is not None:
            self._load(draft_id)
        self._dirty = False
        self._watch()
        self._update_notes()

    # -- layout ------------------------------------------------------------------------

    def _build(self, child_ids: list[int]) -> None:
        taxonomy = self.ctx.taxonomy.current
        self.notes = {name: _note() for name in NOTED}
        self.pupil_filter = QLineEdit()
        self.pupil_filter.setPlaceholderText("Name, form or date of birth…")
        self.pupil_filter.setClearButtonEnabled(True)
        named(self.pupil_filter, "Find a pupil to add")
        self.pupil_list = PupilList()  # filled below, once in the dialog
        named(self.pupil_list, "Children this concern is about",
              "Tick every child involved; Space ticks the highlighted pupil")
        self.no_match = QLabel("No pupil matches.")
        self.no_match.setObjectName("errorMessage")
        self.no_match.setVisible(False)
        self.pupil_filter.textChanged.connect(self._filter_pupils)
        self.upn_box = QCheckBox("Show the UPN's last &digits")
        named(self.upn_box, "Show the last digits of each pupil's UPN")
        self.upn_box.toggled.connect(self._show_upn)
        self.chosen = QLabel()
        self.chosen.setWordWrap(True)
        self.pupil_list.itemChanged.connect(lambda _: self._show_chosen())

        self.when = WhenField(self.ctx.clock, self.session.tz)
        self.when.edit.editingFinished.connect(self._update_notes)
        self.where = QLineEdit()
        self.where.setPlaceholderText("for example: bus stop outside the main gate")
        self.facts = _text_box("What was seen or heard",
                               "Facts only: what you saw or heard, who was there, when.", 6)
        self.words = _text_box("The child's own words",
                               "Their exact words, in quotation marks where you can.")
        self.opinion = _text_box("Your opinion",
                                 "Kept apart from the facts: why this worries you.", 3)
        self.signs = IndicatorChecklist(taxonomy, ("indicator",), "Signs of exploitation")
        self.vulnerabilities = IndicatorChecklist(taxonomy, ("vulnerability",),
                                                  "Vulnerability factors")
        self.other_signs = QLineEdit()
        self.other_signs.setPlaceholderText("Anything not in the list")
        self.action = _text_box("Action you took", "What you did straight away.", 2)
        self.informed = QLineEdit()
        self.informed.setPlaceholderText("Who you told, for example: DSL by phone at 10:40")
        self.urgency = QComboBox()
        for level in Urgency:
            self.urgency.addItem(level.label, level)
        self.urgency.setCurrentIndex(list(Urgency).index(Urgency.MEDIUM))

        who = QGroupBox("Who")
        who_layout = QVBoxLayout(who)
        who_layout.addWidget(self.pupil_filter)
        who_layout.addWidget(self.pupil_list, stretch=1)
        who_layout.addWidget(self.no_match)
        who_layout.addWidget(self.upn_box)
        who_layout.addWidget(self.chosen)
        who_layout.addWidget(self.notes["child_ids"])
        # wide enough for "Year 11, 11W · born 03/04/2010" at 150% on a 1366x768 screen,
        # but no more than a third of the form (200%), leaving the middle column room for
        # its captions; a long name or the UPN's digits wrap onto another line, never cut
        who.setMinimumWidth(min(self.fontMetrics().horizontalAdvance(
            "Year 11, 11W · born 00/00/0000") + 70, self.width() // 3))

        signs = QGroupBox("Sig&ns (tick all that apply)")  # Alt+N: to its filter box
        signs_layout = QVBoxLayout(signs)
        signs_layout.addWidget(self.signs, stretch=3)
        signs_layout.addWidget(QLabel("Vulnerability factors"))
        signs_layout.addWidget(self.vulnerabilities, stretch=2)

        what = QWidget()
        form = QFormLayout(what)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # labels above fields
        when_caption = QLabel("Wh&en did it happen:")
        when_caption.setBuddy(self.when.edit)  # Alt+E lands in the box itself
        form.addRow(when_caption, self.when)
        form.addRow(self.notes["occurred_at"])
        add_row(form, "W&here:", self.where)
        add_row(form, "What was &seen or heard:", self.facts)
        form.addRow(self.notes["facts"])
        add_row(form, "The child's o&wn words:", self.words)
        form.addRow(self.notes["child_words"])
        add_row(form, "Your &opinion:", self.opinion)
        # the account first, then what kind of concern it is: at 150% scaling the column
        # opens on the fields a teacher writes in, not on a list of nineteen categories
        self.categories = CategoryPart(taxonomy, form, signs)
        add_row(form, "Other si&gns:", self.other_signs)
        self.mentions = MentionsPart()
        form.addRow(self.mentions)
        self.attachments = AttachmentsPart(self.session, self.draft_now)
        form.addRow(self.attachments)
        # what was done, who was told and how urgent: always in sight, below the columns,
        # which at 150% scaling (910x510 logical pixels) would scroll them away
        self.action.setMaximumHeight(self.action.fontMetrics().lineSpacing() * 3 + 12)
        after = QFormLayout()
        after.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        add_row(after, "&Action taken:", self.action)
        done = QFormLayout()
        add_row(done, "&Informed:", self.informed)
        done.addRow(self.notes["informed"])
        add_row(done, "&Urgency:", self.urgency)
        strip = QHBoxLayout()
        strip.addLayout(after, stretch=3)
        strip.addLayout(done, stretch=2)
        scroll = QScrollArea()
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields inside
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(what)
        self.middle = scroll
        scroll.viewport().installEventFilter(self)
        for note in self.notes.values():
            note.installEventFilter(self)


        split = QSplitter()
        # in the dialog before its columns: a box joining a window is styled again, all
        # of it, each time it changes parent, so the big boxes join only once
        layout = QVBoxLayout(self)
        layout.addWidget(split, stretch=1)
        split.addWidget(who)
        split.addWidget(scroll)
        split.addWidget(signs)
        rest = max(self.width() - who.minimumWidth(), 600)
        split.setSizes([who.minimumWidth(), rest // 2, rest // 2])
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setStretchFactor(2, 1)
        split.setChildrenCollapsible(False)

        self.message = message_label()
        self.saved_label = QLabel("")
        self.saved_label.setObjectName("hintMessage")
        self.buttons = QDialogButtonBox()
        self.submit_button = self.buttons.addButton(
            "Su&bmit to the DSL…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.submit_button.setObjectName("primary")
        self.close_button = self.buttons.addButton(
            "&Keep as draft and close", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        self.body_map = BodyMapPart(self, self.ctx.body_outlines, self.session, self._changed)
        bottom.addWidget(self.body_map.button)
        bottom.addWidget(self.saved_label)
        bottom.addStretch()
        bottom.addWidget(self.buttons)
        layout.addLayout(strip)
        layout.addWidget(self.message)
        layout.addLayout(bottom)
        self.pupil_list.fill(children.list_children(self.session), child_ids)
        self.signs.fill()
        self.vulnerabilities.fill()
        # Enter in a one-line box must never submit: no button is the default
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        self._show_chosen()
        (self.facts if child_ids else self.pupil_filter).setFocus()

    def _watch(self) -> None:
        for box in (self.facts, self.words, self.opinion, self.action):
            box.textChanged.connect(self._changed)
        for line in (self.where, self.other_signs, self.informed):
            line.textChanged.connect(self._changed)
        self.when.changed.connect(self._changed)
        self.mentions.changed.connect(self._changed)
        self.urgency.currentIndexChanged.connect(self._changed)
        self.pupil_list.itemChanged.connect(self._changed)
        self.signs.tree.itemChanged.connect(self._changed)
        self.vulnerabilities.tree.itemChanged.connect(self._changed)
        self.categories.changed.connect(self._changed)

    def _changed(self, *_: object) -> None:
        self._dirty = True
        self.autosave.start()
        self._update_notes()

    def _filter_pupils(self, text: str) -> None:
        shown = self.pupil_list.filter(text)
        self.no_match.setText(f"No pupil matches \u201c{text.strip()}\u201d.")
        self.no_match.setVisible(shown == 0 and bool(text.strip()))

    def _show_upn(self, on: bool) -> None:
        self.pupil_list.show_upn = on
        self.pupil_list.relabel()

    def _show_chosen(self) -> None:
        names = [self.pupil_list.pupils[i].display_name for i in self.pupil_list.ticked_ids()]
        self.chosen.setText("About: " + "; ".join(names) if names else "No pupil chosen yet.")

    # -- notes beside the fields -------------------------------------------------------

    def problems(self) -> dict[str, str]:
        """What must be put right before the concern can be submitted, by field."""
        found = submission_problems(self.content(), self.ctx.clock.now())
        if self.when.problem():
            found["occurred_at"] = self.when.problem()
        return {field: text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")
                for field, text in found.items()}

    def _update_notes(self) -> None:
        """Prompts show as the person writes; what is missing shows once they have tried
        to submit (a time in the future, or one that cannot be read, at once)."""
        problems = self.problems()
        if not self._checking:
            problems = {f: t for f, t in problems.items()
                        if f == "occurred_at" and self.when.edit.text().strip()
                        and (not self.when.edit.hasFocus() or "future" in t)}
        prompts: dict[str, list[str]] = {}
        for prompt in writing_prompts(self.content()):
            if prompt.live and prompt.field in self.notes:
                prompts.setdefault(prompt.field, []).append(prompt.text)
        for field, note in self.notes.items():
            lines = ([problems[field]] if field in problems else []) + prompts.get(field, [])
            wanted = "errorMessage" if field in problems else "hintMessage"
            if note.objectName() != wanted:
                note.setObjectName(wanted)
                note.style().unpolish(note)
                note.style().polish(note)
            note.setText("\n".join(lines))
            note.setVisible(bool(lines))
            _hold_lines(note)
        if self.focusWidget() is self.facts and self.notes["facts"].isVisible():
            QTimer.singleShot(0, self._show_facts_prompts)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.middle.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_facts()
        elif isinstance(watched, QLabel) and event.type() == QEvent.Type.Resize:
            _hold_lines(watched)
        if watched is self.notes["facts"] and event.type() in (QEvent.Type.Resize,
                                                               QEvent.Type.Move):
            self._fit_facts()  # the prompts laid out at their wrapped height: in sight
            if self.focusWidget() is self.facts:
                QTimer.singleShot(0, self._show_facts_prompts)
        return super().eventFilter(watched, event)

    def _fit_facts(self) -> None:
        """The facts box no taller than the middle column leaves for it, its caption and
        its prompts (six lines at least), so box and prompts can be in sight together at
        150% and 200% scaling (1366x768 leaves 910x510 and 683x384 logical pixels)."""
        note = self.notes["facts"]
        line = note.fontMetrics().lineSpacing()
        prompts = note.heightForWidth(note.width()) if note.isVisible() else 0
        room = self.middle.viewport().height() - max(6 * line, prompts) - line - 24
        self.facts.setMaximumHeight(max(self.facts.minimumHeight(), room))

    def _show_facts_prompts(self) -> None:
        """While the facts are written, their prompts scroll into sight as they appear
        (up and down only: the column never shifts sideways)."""
        note, bar, content = (self.notes["facts"], self.middle.verticalScrollBar(),
                              self.middle.widget())
        if not note.isVisible() or content is None:
            return
        bottom = note.mapTo(content, QPoint(0, note.height())).y() + 4
        bar.setValue(max(bar.value(), bottom - self.middle.viewport().height()))

    def _field_widget(self, field: str) -> QWidget:
        return {"child_ids": self.pupil_filter, "occurred_at": self.when.edit,
                "facts": self.facts}.get(field, self.facts)

    # -- content -----------------------------------------------------------------------

    def content(self) -> ConcernContent:
        return ConcernContent(
            child_ids=self.pupil_list.ticked_ids(),
            occurred_at=self.when.moment(),
            location=self.where.text(),
            facts=self.facts.toPlainText(),
            child_words=self.words.toPlainText(),
            opinion=self.opinion.toPlainText(),
            indicator_codes=self.signs.codes() | self.vulnerabilities.codes(),
            indicators_other=self.other_signs.text(),
            action_taken=self.action.toPlainText(),
            informed=self.informed.text(),
            urgency=Urgency(self.urgency.currentData()),  # Qt returns the StrEnum as str
            mentions=self.mentions.mentions(),
        )

    def _load(self, draft_id: int) -> None:
        concern = concerns.open_concern(self.session, draft_id).concern
        c = concern.content
        self.pupil_list.set_ticked(c.child_ids)
        self._show_chosen()
        problem = "" if c.occurred_at is None else time_problem(
            c.occurred_at, self.ctx.clock.now(), "The time saved with this draft",
            tz=concern.tz)
        if problem:  # a time no record may have (an older version saved it): left unset
            self.when.set_moment(None)
            self.message.setText(f"{problem} Choose when it happened again.")
        else:
            self.when.set_moment(c.occurred_at)
        self.where.setText(c.location)
        self.facts.setPlainText(c.facts)
        self.words.setPlainText(c.child_words)
        self.opinion.setPlainText(c.opinion)
        self.signs.set_codes(c.indicator_codes)
        self.vulnerabilities.set_codes(c.indicator_codes)
        self.other_signs.setText(c.indicators_other)
        self.action.setPlainText(c.action_taken)
        self.informed.setText(c.informed)
        self.mentions.set_mentions(c.mentions)
        self.urgency.setCurrentIndex(list(Urgency).index(c.urgency))
        self.categories.load(self.session, draft_id, bool(c.indicator_codes))
        self.body_map.load(draft_id)
        self.attachments.load(draft_id)

    def save_draft(self) -> bool:
        """Autosave into the vault. A refusal (say a 1 MB paste) leaves the text on screen."""
        self.autosave.stop()
        if not self._dirty or self.submitted or not self.session.is_open:
            return not self._dirty or self.submitted
        try:
            self.draft_id = concerns.save_draft(self.session, self.content(), self.draft_id)
            self.categories.save(self.session, self.draft_id)
            self.body_map.save(self.draft_id)
        except EnvironmentProblem as exc:
            self.message.setText(f"Not saved: {exc}")
            return False
        self._dirty = False
        self.message.setText("")
        local = self.ctx.clock.now().astimezone(zone(self.session.tz))
        self.saved_label.setText(f"Draft saved in the vault at {local:%H:%M}.")
        return True

    def draft_now(self) -> int | None:
        """The draft's id, saving it first so that a file has a concern to belong to."""
        if self.draft_id is None:
            self._dirty = True
            self.save_draft()
        return self.draft_id

    def quality_prompts(self) -> list[str]:
        """Gentle prompts, shown again before submission; none of them blocks it."""
        return [p.text for p in writing_prompts(self.content())]

    def submit(self) -> None:
        """Say beside each field what is still missing; only then ask to confirm."""
        problems = self.problems()
        if problems:
            self._checking = True
            self._update_notes()
            self.message.setText("Before submitting: " + " ".join(problems.values()))
            self._field_widget(next(iter(problems))).setFocus()
            return
        prompts = self.quality_prompts()
        text = ("Submit this concern to the DSL?\n\nOnce submitted it becomes a permanent "
                "record: it can no longer be changed, only added to with addenda.")
        if prompts:
            text += "\n\nBefore you do:\n• " + "\n• ".join(prompts)
        answer = QMessageBox.question(
            self, "Submit concern", text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.submit_now()

    def submit_now(self) -> bool:
        self._dirty = True
        if not self.save_draft() or self.draft_id is None:
            return False
        try:
            concerns.submit(self.session, self.draft_id)
        except CERecorderError as exc:
            self.message.setText(str(exc))
            return False
        self.submitted = True
        local = self.ctx.clock.now().astimezone(zone(self.session.tz))
        self.receipt = f"Concern #{self.draft_id} submitted to the DSL at {local:%H:%M}."
        self.accept()
        return True

    def reject(self) -> None:
        """Keep as draft and close (the button, Alt+K, Escape or the window's close
        button): the draft is saved first; if it cannot be, ask before losing it."""
        if self.session.is_open and not self.save_draft():
            answer = QMessageBox.question(
                self, "Close without saving?",
                f"{self.message.text()}\n\nClose anyway and lose the unsaved changes?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
        super().reject()

    def tick_sign(self, code: str) -> None:
        """Tick a sign or vulnerability by code (used by tests and keyboard users alike)."""
        self.categories.checklist.setChecked(True)
        for checklist in (self.signs, self.vulnerabilities):
            if code in {r.data(0, CODE_ROLE) for r in checklist.rows()}:
                checklist.tick(code)

    def set_urgency(self, level: Urgency) -> None:
        self.urgency.setCurrentIndex(list(Urgency).index(level))

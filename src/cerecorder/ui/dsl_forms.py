"""The DSL's forms: a triage decision with its reason, an action (and its outcome), and
a significant event for a child's chronology."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.deadlines import RESPONSE_DAYS
from cerecorder.domain.errors import CERecorderError
from cerecorder.domain.model import (
    ActionKind,
    Concern,
    EventKind,
    TriageDecision,
)
from cerecorder.domain.rules import clean_text, time_problem, youngest_birth
from cerecorder.domain.timefmt import local_date, uk_datetime
from cerecorder.services import children, deadlines, dsl
from cerecorder.services.session import Session
from cerecorder.ui.common import (
    child_names,
    fit_to_screen,
    ok_cancel,
    text_box,
)
from cerecorder.ui.concern_fields import FORMAT_HINT, WhenField
from cerecorder.ui.context import AppContext
from cerecorder.ui.due_fields import DueField, owner_box
from cerecorder.ui.widgets import add_row, message_label, named, show_problem, telling


def _summary(session: Session, concern: Concern) -> QLabel:
    """Which concern a decision or action is about, so the DSL never acts on the wrong one."""
    c = concern.content
    when = uk_datetime(c.occurred_at, concern.tz) if c.occurred_at else ""
    facts = " ".join(c.facts.split())
    if len(facts) > 220:
        facts = facts[:220].rstrip() + "…"
    label = QLabel(f"Concern #{concern.id} · {', '.join(child_names(session, c.child_ids))}"
                   f" · {when} · urgency: {c.urgency.value.capitalize()}\n{facts}")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    named(label, "The concern")
    return label


def _choice(kinds: type[ActionKind] | type[EventKind]) -> QComboBox:
    """A list that starts on "Choose…": no form may default to something that did not
    happen, so a DSL who presses Enter records nothing until they choose."""
    box = QComboBox()
    box.addItem("Choose…", None)
    for kind in kinds:
        box.addItem(kind.label, kind)
    return box


class CheckedWhen(QWidget):
    """When it happened, as in the concern form (concern_fields.WhenField: typed as
    dd/mm/yyyy HH:MM in one box that Tab leaves, or begun with Just now, Today…,
    Yesterday…), empty until chosen, with what is wrong with it just below: a time in the
    future at once, an unreadable one when the box is left, an empty one on recording."""

    def __init__(self, session: Session, what: str, child_ids: Iterable[int] = ()) -> None:
        super().__init__()
        self.session, self.what = session, what
        wanted = set(child_ids)
        #: nothing that involved the children can have happened before the youngest's birth
        self.born = youngest_birth(c.details.date_of_birth for c in children.list_children(
            session, include_left=True, include_merged=True) if c.id in wanted
        ) if wanted else None
        self.field = WhenField(session.clock, session.tz)
        self.note = message_label()
        self.note.setAccessibleName(f"{what}: check")
        self.note.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)
        layout.addWidget(self.note)
        self.setFocusProxy(self.field)
        self.field.changed.connect(self._typed)
        self.field.edit.editingFinished.connect(lambda: self._show(self.problem(), False))

    def problem(self) -> str:
        """Why the time cannot be recorded ("" if it can), by the rules of any record."""
        text = self.field.edit.text().strip()
        if not text:
            return f"Say when: {FORMAT_HINT[0].lower()}{FORMAT_HINT[1:]}"
        moment = self.field.moment()
        if moment is None:
            return self.field.problem()
        return time_problem(moment, self.session.clock.now(), self.what, tz=self.session.tz,
                            born=self.born)

    def moment(self) -> datetime | None:
        return self.field.moment()

    def set_moment(self, moment: datetime | None) -> None:
        self.field.set_moment(moment)

    def check(self) -> bool:
        """On recording: show what is wrong, and put the cursor there; True if nothing."""
        problem = self.problem()
        self._show(problem, True)
        if problem:
            self.field.edit.setFocus()
        return not problem

    def _typed(self) -> None:
        problem = self.problem()
        if not problem or "future" in problem or self.note.isVisibleTo(self):
            self._show(problem, False)

    def _show(self, problem: str, asked: bool) -> None:
        if not asked and not self.field.edit.text().strip():
            problem = ""  # an empty box is told only once the DSL tries to record
        self.note.setText(problem)
        self.note.setVisible(bool(problem))


# -- triage -----------------------------------------------------------------------------


class TriageDialog(QDialog):
    """The DSL's decision on a concern, with the reason for it (KCSIE)."""

    def __init__(self, ctx: AppContext, session: Session, concern_id: int,
                 parent: QWidget | None = None, *, concern: Concern | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session, self.concern_id = ctx, session, concern_id
        self.triage_id: int | None = None
        self.setWindowTitle(f"Triage concern #{concern_id}")
        self.setMinimumWidth(560)
        fit_to_screen(self, 600, 520)

        box = QGroupBox("Decision")
        named(box, "Decision")
        self.choices = QButtonGroup(self)
        box_layout = QVBoxLayout(box)
        self.radios: dict[TriageDecision, QRadioButton] = {}
        for decision in TriageDecision:
            radio = QRadioButton(decision.label)
            named(radio, decision.label)
            self.choices.addButton(radio)
            self.radios[decision] = radio
            box_layout.addWidget(radio)
        self.choices.buttonToggled.connect(lambda *_: self._update_hint())

        self.rationale = text_box(
            "Rationale", "Why this decision: what you weighed, who you spoke to.", 120)
        caption = QLabel("&Reason for the decision:")
        caption.setBuddy(self.rationale)
        self.hint = QLabel()
        self.hint.setObjectName("hintMessage")
        self.hint.setWordWrap(True)
        self.message = message_label()

        self.buttons = ok_cancel(self, "Record &decision")  # Alt+R is the reason's
        self.buttons.accepted.connect(self.record)

        layout = QVBoxLayout(self)
        if concern is not None:
            layout.addWidget(_summary(session, concern))
        layout.addWidget(box)
        layout.addWidget(caption)
        layout.addWidget(self.rationale, stretch=1)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._update_hint()

    def decision(self) -> TriageDecision | None:
        for decision, radio in self.radios.items():
            if radio.isChecked():
                return decision
        return None

    def set_decision(self, decision: TriageDecision) -> None:
        self.radios[decision].setChecked(True)

    def _update_hint(self) -> None:
        decision = self.decision()
        if decision is None or not decision.is_referral:
            self.hint.setText("A reason is required for any decision other than a referral: "
                              "record why you are not referring, in words another "
                              "professional would understand.")
        else:
            self.hint.setText("A referral needs no reason here, but a line on why helps "
                              "whoever reads the chronology later.")

    def record(self) -> None:
        decision = self.decision()
        if decision is None:
            self.message.setText("Choose a decision.")
            return
        with telling(self, self.message) as attempt:
            self.triage_id = dsl.triage(self.session, self.concern_id, decision,
                                        self.rationale.toPlainText())
        if not attempt.ok:
            self.rationale.setFocus()
            return
        self.accept()


# -- actions and outcomes ----------------------------------------------------------------


class ActionDialog(QDialog):
    """An action the DSL took, for one child or for the children of a concern; optionally
    its outcome. Each child gets their own row so each chronology stands alone."""

    def __init__(self, ctx: AppContext, session: Session, *, concern_id: int | None = None,
                 child_id: int | None = None, parent: QWidget | None = None,
                 concern: Concern | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session = ctx, session
        self.concern_id, self.child_id = concern_id, child_id
        self.action_ids: list[int] = []
        self.setWindowTitle("Record an action" + (f" on concern #{concern_id}"
                                                  if concern_id is not None else ""))
        self.setMinimumWidth(560)
        fit_to_screen(self, 600, 520)

        if concern is None and concern_id is not None and child_id is None:
            try:
                from cerecorder.services import concerns

                concern = concerns.open_concern(session, concern_id).concern
            except CERecorderError:
                concern = None
        self.child_boxes: dict[int, QCheckBox] = {}
        ids: tuple[int, ...] = ()
        if child_id is not None:
            ids = (child_id,)
        elif concern is not None:
            ids = concern.content.child_ids
        for cid, name in zip(ids, child_names(session, ids), strict=True):
            check = QCheckBox(name)
            check.setChecked(True)
            check.setEnabled(len(ids) > 1)
            named(check, f"For {name}")
            self.child_boxes[cid] = check

        self.kind = _choice(ActionKind)
        self.when = CheckedWhen(session, "The time the action was taken", ids)
        self.detail = text_box("Detail", "What was done, with whom; reference numbers.", 90)
        self.outcome = text_box("Outcome", "Optional: what came of it, if known already.", 60)
        self.due = DueField(local_date(session.clock.now(), session.tz))
        self.due_hint = QLabel()
        self.due_hint.setObjectName("hintMessage")
        self.due_hint.setWordWrap(True)
        self.owner = owner_box(deadlines.owners(session))
        self.kind.currentIndexChanged.connect(lambda _: self._hint_due())
        self._hint_due()
        self.message = message_label()

        form = QFormLayout()
        if self.child_boxes:
            row = QHBoxLayout()
            for check in self.child_boxes.values():
                row.addWidget(check)
            row.addStretch()
            form.addRow("For:", row)
        add_row(form, "&Action:", self.kind)
        add_row(form, "&When:", self.when)
        add_row(form, "&Detail:", self.detail)
        add_row(form, "&Outcome:", self.outcome, "Optional")
        add_row(form, "D&ue by:", self.due, "Optional")
        form.addRow("", self.due_hint)
        add_row(form, "Ow&ner:", self.owner, "Optional")
        self.buttons = ok_cancel(self, "&Record action")
        self.buttons.accepted.connect(self.record)

        layout = QVBoxLayout(self)
        if concern is not None:
            layout.addWidget(_summary(session, concern))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _hint_due(self) -> None:
        kind = self.kind.currentData()
        days = RESPONSE_DAYS.get(ActionKind(kind)) if kind is not None else None
        self.due_hint.setText(
            f"Left empty, an answer is due {days} working day{'s' * (days > 1)} after "
            "the referral was made (Working Together 2023); an outcome closes the action."
            if days else
            "Left empty, the action has no due date; an outcome closes the action.")

    def chosen_children(self) -> list[int]:
        return [cid for cid, check in self.child_boxes.items() if check.isChecked()]

    def record(self) -> None:
        if self.kind.currentData() is None:
            self.message.setText("Choose the action that was taken.")
            self.kind.setFocus()
            return
        kind = ActionKind(self.kind.currentData())  # Qt hands a StrEnum back as str
        detail = self.detail.toPlainText().strip()
        outcome = self.outcome.toPlainText().strip()
        child_ids = self.chosen_children()
        if self.child_boxes and not child_ids:
            self.message.setText("Tick at least one child.")
            return
        if kind is ActionKind.OTHER and not detail:
            self.message.setText("Say what the action was.")
            self.detail.setFocus()
            return
        taken_at = self.when.moment()
        if not self.when.check() or taken_at is None:
            return
        if self.due.problem():
            self.message.setText(self.due.problem())
            self.due.setFocus()
            return
        with telling(self, self.message) as attempt:
            clean_text(outcome, "The outcome")  # refuse now, before the action is stored
            self.action_ids = dsl.record_action(
                self.session, kind=kind, detail=detail, taken_at=taken_at,
                concern_id=self.concern_id, child_ids=child_ids or None,
                due_on=self.due.day(), owner_id=self.owner.currentData(),
                holidays=self.ctx.bank_holidays)
        if not attempt.ok:
            return
        if outcome:
            try:
                for action_id, cid in zip(self.action_ids, child_ids, strict=True):
                    dsl.record_outcome(self.session, text=outcome, occurred_at=taken_at,
                                       child_id=cid, action_id=action_id,
                                       concern_id=self.concern_id)
            except CERecorderError as exc:
                show_problem(self, type(exc)(
                    f"The action was recorded but its outcome was not: {exc}"))
        self.accept()


class EventDialog(QDialog):
    """A significant event the DSL adds to a child's chronology by hand."""

    def __init__(self, ctx: AppContext, session: Session, child_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session, self.child_id = ctx, session, child_id
        self.event_id: int | None = None
        name = ", ".join(child_names(session, (child_id,)))
        self.setWindowTitle(f"Add a significant event: {name}")
        self.setMinimumWidth(560)
        fit_to_screen(self, 600, 400)
        self.kind = _choice(EventKind)
        self.when = CheckedWhen(session, "The time of the event", (child_id,))
        self.summary = text_box("Summary", "What happened, who was involved, any reference.",
                                100)
        self.outcome = text_box("Outcome", "Optional: what came of it.", 60)
        self.message = message_label()
        form = QFormLayout()
        add_row(form, "&Event:", self.kind)
        add_row(form, "&When:", self.when)
        add_row(form, "&Summary:", self.summary)
        add_row(form, "&Outcome:", self.outcome, "Optional")
        self.buttons = ok_cancel(self, "&Add event")
        self.buttons.accepted.connect(self.record)
        about = QLabel(f"A significant event in the chronology of {name}.")
        about.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def record(self) -> None:
        if self.kind.currentData() is None:
            self.message.setText("Choose what kind of event it was.")
            self.kind.setFocus()
            return
        occurred_at = self.when.moment()
        if not self.when.check() or occurred_at is None:
            return
        with telling(self, self.message) as attempt:
            self.event_id = dsl.add_event(
                self.session, child_id=self.child_id, kind=EventKind(self.kind.currentData()),
                occurred_at=occurred_at,
                summary=self.summary.toPlainText(), outcome=self.outcome.toPlainText())
        if not attempt.ok:
            return
        self.accept()



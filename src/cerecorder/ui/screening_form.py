"""The DSL's screening form (issue 14): the instrument's domains and questions, each
answered from the keyboard (a list: Y for Yes, N for No, N again for Not known), each
able to cite concerns from the child's chronology; the score per domain and overall as
the answers change; the dates; and Sign, after which the screening cannot change."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.errors import CERecorderError
from cerecorder.domain.screening import (
    AnswerGiven,
    Instrument,
    Question,
    default_review,
    score,
)
from cerecorder.domain.timefmt import local_date
from cerecorder.services import screening
from cerecorder.services.session import Session
from cerecorder.ui.common import fit_to_screen
from cerecorder.ui.context import AppContext
from cerecorder.ui.due_fields import DateField
from cerecorder.ui.widgets import message_label, named, show_problem, telling


class QuestionRow:
    """One question's answer list and its Cite button."""

    def __init__(self, form: ScreeningDialog, question: Question) -> None:
        self.question = question
        self.answer = QComboBox()
        self.answer.addItem("Choose…", None)
        for a in form.instrument.answers:
            self.answer.addItem(a.label, a.code)
        named(self.answer, f"Answer: {question.text}")
        self.answer.currentIndexChanged.connect(form.rescore)
        self.cite = QPushButton("Cite…")
        named(self.cite, f"Cite concerns for: {question.text}")
        self.cite.setMenu(QMenu(self.cite))
        self.actions = []
        offered = sorted(form.citable, key=lambda c: not (c.codes & set(question.taxonomy)))
        for c in offered:
            hint = "  (ticked a matching sign)" if c.codes & set(question.taxonomy) else ""
            action = self.cite.menu().addAction(c.line + hint)
            action.setCheckable(True)
            action.setData(c.concern_id)
            action.toggled.connect(self._count)
            self.actions.append(action)
        if not offered:
            self.cite.menu().addAction("No concerns to cite").setEnabled(False)
        self.label = QLabel(question.text)
        self.label.setWordWrap(True)
        self.label.setBuddy(self.answer)
        self.label.setToolTip(f"Source: {question.source}")

    def _count(self) -> None:
        chosen = len(self.cites)
        self.cite.setText(f"Cited {chosen}…" if chosen else "Cite…")

    @property
    def cites(self) -> tuple[int, ...]:
        return tuple(sorted(int(a.data()) for a in self.actions if a.isChecked()))

    @property
    def code(self) -> str | None:
        data = self.answer.currentData()
        return None if data is None else str(data)


class ScreeningDialog(QDialog):
    """New screening for one child. `signed` carries the new screening's id."""

    signed = Signal(int)

    def __init__(self, ctx: AppContext, session: Session, child_id: int, child_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session, self.child_id = ctx, session, child_id
        self.setWindowTitle(f"Screening: {child_name}")
        fit_to_screen(self, 980, 720)
        self.instrument: Instrument = screening.instrument(session)
        self.citable = screening.citable(session, child_id)
        self.today = local_date(session.clock.now(), session.tz)
        self.review_typed = False

        title = QLabel(f"{self.instrument.name} for {child_name}")
        title.setObjectName("pageTitle")
        note = QLabel(self.instrument.note)
        note.setWordWrap(True)
        note.setObjectName("hintMessage")

        self.rows: list[QuestionRow] = []
        self.boxes: dict[str, QGroupBox] = {}
        body = QWidget()
        column = QVBoxLayout(body)
        for domain in self.instrument.domains:
            box = QGroupBox(domain.label)
            grid = QGridLayout(box)
            grid.setColumnStretch(0, 1)
            for i, question in enumerate(domain.questions):
                row = QuestionRow(self, question)
                grid.addWidget(row.label, i, 0)
                grid.addWidget(row.answer, i, 1, Qt.AlignmentFlag.AlignTop)
                grid.addWidget(row.cite, i, 2, Qt.AlignmentFlag.AlignTop)
                self.rows.append(row)
            self.boxes[domain.code] = box
            column.addWidget(box)
        column.addStretch()
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the fields take focus, not the frame

        self.score_label = QLabel()
        self.score_label.setObjectName("receipt")
        named(self.score_label, "Score")
        self.assessed = DateField("Screening date")
        self.assessed.set_day(self.today)
        self.assessed.textEdited.connect(lambda _: self.rescore())
        self.review = DateField("Review date")
        self.review.textEdited.connect(self._review_typed)
        assessed_label = QLabel("Screening &date:")
        assessed_label.setBuddy(self.assessed)
        review_label = QLabel("Re&view by:")
        review_label.setBuddy(self.review)
        self.message = message_label()
        self.sign_button = QPushButton("&Sign screening")
        named(self.sign_button, "Sign the screening: it cannot be changed afterwards")
        self.sign_button.clicked.connect(self.sign)
        self.sign_button.setAutoDefault(False)  # Enter in a field never signs
        cancel = QPushButton("Cancel")
        named(cancel, "Close without signing")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.reject)

        dates = QHBoxLayout()
        dates.addWidget(assessed_label)
        dates.addWidget(self.assessed)
        dates.addSpacing(16)
        dates.addWidget(review_label)
        dates.addWidget(self.review)
        dates.addStretch()
        dates.addWidget(self.sign_button)
        dates.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(note)
        layout.addWidget(scroll, stretch=1)
        layout.addWidget(self.score_label)
        signed_note = QLabel("A signed screening cannot be changed: screen again to update it.")
        signed_note.setObjectName("hintMessage")
        layout.addWidget(signed_note)
        layout.addWidget(self.message)
        layout.addLayout(dates)
        self.rescore()
        if self.rows:
            self.rows[0].answer.setFocus()

    def _review_typed(self, _: str) -> None:
        self.review_typed = True

    def answers(self) -> dict[str, str]:
        return {r.question.code: code for r in self.rows if (code := r.code) is not None}

    def rescore(self) -> None:
        """Score as answered so far; the review date follows the band until typed."""
        result = score(self.instrument, self.answers())
        for domain in self.instrument.domains:
            self.boxes[domain.code].setTitle(
                f"{domain.label}: score {result.by_domain[domain.code]}")
        left = (f" · {result.unanswered} question{'s' * (result.unanswered != 1)} to answer"
                if result.unanswered else " · every question answered")
        self.score_label.setText(f"Score {result.total}: {result.band.label}{left}")
        assessed = self.assessed.day()
        if not self.review_typed and assessed is not None:
            self.review.set_day(default_review(self.instrument, result.band, assessed))

    def sign(self) -> None:
        assessed, review = self.assessed.day(), self.review.day()
        if assessed is None or review is None:
            self.message.setText("Write the screening and review dates as dd/mm/yyyy.")
            (self.assessed if assessed is None else self.review).setFocus()
            return
        given = [AnswerGiven(r.question.code, r.code, cites=r.cites)
                 for r in self.rows if r.code is not None]
        with telling(self, self.message) as attempt:
            screening_id = screening.sign(self.session, self.child_id, self.instrument, given,
                                          assessed_on=assessed, review_on=review)
        if not attempt.ok:
            unanswered = next((r for r in self.rows if r.code is None), None)
            if unanswered is not None:
                unanswered.answer.setFocus()
            return
        self.signed.emit(screening_id)
        self.accept()


def open_screening_form(ctx: AppContext, session: Session, child_id: int, child_name: str,
                        parent: QWidget | None = None) -> ScreeningDialog | None:
    """The form, or None after telling why it cannot open (no instrument, a broken one)."""
    try:
        dialog = ScreeningDialog(ctx, session, child_id, child_name, parent)
    except CERecorderError as exc:
        show_problem(parent, exc)
        return None
    dialog.open()
    return dialog

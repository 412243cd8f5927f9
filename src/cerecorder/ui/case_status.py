"""A child's case: open or closed, with the DSL's closing summary and, where the school's
policy asks (case_sign_off), a second DSL's sign-off; reopened by the DSL with a reason,
or by itself when a new concern about the child is submitted (services.deadlines)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from cerecorder.domain.deadlines import CaseState, CaseStatus
from cerecorder.domain.errors import CERecorderError
from cerecorder.domain.timefmt import uk_datetime
from cerecorder.services import deadlines, users
from cerecorder.services.session import Session
from cerecorder.ui.common import fit_to_screen, text_box
from cerecorder.ui.context import AppContext
from cerecorder.ui.widgets import message_label, named, show_problem, telling


def status_text(status: CaseStatus) -> str:
    """The case's state in a few words, as the child window's button shows it."""
    return {CaseState.OPEN: "Case: open", CaseState.AWAITING_SIGN_OFF:
            "Case: awaiting sign-off", CaseState.CLOSED: "Case: closed"}[status.state]


class CaseStatusDialog(QDialog):
    def __init__(self, ctx: AppContext, session: Session, child_id: int, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session, self.child_id = ctx, session, child_id
        self.sign_off = ctx.case_sign_off
        self.setWindowTitle(f"Case status: {name}")
        self.setMinimumWidth(520)
        fit_to_screen(self, 620, 480)
        self.state = QLabel()
        self.state.setObjectName("pageTitle")
        named(self.state, "The case's state")
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        named(self.detail, "The closure: its summary, who closed it and who signed it off")
        rule = QLabel(
            "This school asks for a second DSL's sign-off: a closed case awaits another "
            "DSL or deputy before it counts as closed." if self.sign_off else
            "The closing DSL's summary closes the case (the school's policy asks for no "
            "second sign-off).")
        rule.setObjectName("hintMessage")
        rule.setWordWrap(True)
        self.summary = text_box("Closing summary", "Why the case can close: what was done, "
                                "what changed, who else knows.", 110)
        self.summary_caption = QLabel("Closing &summary:")
        self.summary_caption.setBuddy(self.summary)
        self.reason = text_box("Reason for reopening", "Why the case is open again.", 70)
        self.reason_caption = QLabel("&Reason for reopening:")
        self.reason_caption.setBuddy(self.reason)
        self.close_case = QPushButton("Close the &case")
        self.sign = QPushButton("Sign o&ff the closure")
        self.reopen = QPushButton("Re&open the case")
        for button, label in ((self.close_case, "Close the case with the summary above"),
                              (self.sign, "Sign off the closure as the second DSL"),
                              (self.reopen, "Reopen the case with the reason above")):
            named(button, label)
            button.setAutoDefault(False)  # Enter never closes or reopens a case
        self.close_case.clicked.connect(self.do_close)
        self.sign.clicked.connect(self.do_sign_off)
        self.reopen.clicked.connect(self.do_reopen)
        self.message = message_label()
        done = QPushButton("Close")
        named(done, "Close this window")
        done.clicked.connect(self.accept)
        done.setDefault(True)
        row = QHBoxLayout()
        for button in (self.close_case, self.sign, self.reopen):
            row.addWidget(button)
        row.addStretch()
        row.addWidget(done)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addWidget(self.detail)
        layout.addWidget(rule)
        for widget in (self.summary_caption, self.summary, self.reason_caption, self.reason):
            layout.addWidget(widget)
        layout.addStretch()
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.status: CaseStatus | None = None
        self.refresh()

    def refresh(self) -> None:
        try:
            self.status = status = deadlines.status(self.session, self.child_id,
                                                    sign_off=self.sign_off)
            names = users.display_names(self.session)
        except CERecorderError as exc:
            show_problem(self, exc)
            return
        self.state.setText(f"Case: {status.state.label}")
        lines = []
        closure = status.closure
        if closure is not None:
            lines.append(f"Closed {uk_datetime(closure.closed_at, closure.tz)} by "
                         f"{names.get(closure.closed_by, '?')}.")
            if closure.signed_by is not None and closure.signed_at is not None:
                lines.append(f"Signed off {uk_datetime(closure.signed_at, closure.tz)} by "
                             f"{names.get(closure.signed_by, '?')}.")
            lines.append(f"Closing summary: {closure.summary}")
        elif status.reopened_by:
            lines.append(f"Reopened: {status.reopened_by}.")
        else:
            lines.append("The case has not been closed.")
        state = status.state
        mine = closure is not None and closure.closed_by == self.session.user.id
        if state is CaseState.AWAITING_SIGN_OFF:
            lines.append("Awaiting another DSL or deputy's sign-off: the DSL who closed a "
                         "case does not sign it off." if mine else
                         "You may sign the closure off as the second DSL.")
        self.detail.setText("\n".join(lines))
        for widget in (self.summary_caption, self.summary, self.close_case):
            widget.setVisible(state is CaseState.OPEN)
        for widget in (self.reason_caption, self.reason, self.reopen):
            widget.setVisible(state is not CaseState.OPEN)
        self.sign.setVisible(state is CaseState.AWAITING_SIGN_OFF)
        self.sign.setEnabled(not mine)
        self.sign.setToolTip("A second DSL or deputy signs off: you closed this case."
                             if mine else "")

    def _done(self) -> None:
        self.summary.clear()
        self.reason.clear()
        self.refresh()

    def do_close(self) -> None:
        with telling(self, self.message) as attempt:
            deadlines.close_case(self.session, self.child_id, self.summary.toPlainText(),
                                 sign_off=self.sign_off)
        if attempt.ok:
            self._done()
            self.message.setText("")

    def do_sign_off(self) -> None:
        with telling(self, self.message) as attempt:
            deadlines.sign_off_closure(self.session, self.child_id)
        if attempt.ok:
            self._done()

    def do_reopen(self) -> None:
        with telling(self, self.message) as attempt:
            deadlines.reopen_case(self.session, self.child_id, self.reason.toPlainText(),
                                  sign_off=self.sign_off)
        if attempt.ok:
            self._done()

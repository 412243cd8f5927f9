"""A child's open pattern flags, each with the rule's plain-English reason, its source in
the guidance and the records that raised it (each opens), and the DSL's review: no action
or action taken, with a reason, recorded and audited. A reviewed flag stays quiet until
new evidence arrives (services.flags)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.errors import CERecorderError
from cerecorder.domain.patterns import ReviewOutcome
from cerecorder.domain.timefmt import uk_date, uk_datetime
from cerecorder.services import attention, children, flags
from cerecorder.services.attention import Evidence, FlagDetail
from cerecorder.services.session import Session
from cerecorder.ui.common import fit_to_screen, record_table
from cerecorder.ui.concern_view import ConcernViewDialog
from cerecorder.ui.context import AppContext
from cerecorder.ui.models import ID_ROLE, ModelIndex, RowsModel
from cerecorder.ui.widgets import message_label, named, show_problem

_KIND = {"concern": "Concern", "event": "Event", "entry": "Register"}


class FlagsModel(RowsModel):
    """One column, two lines a flag: the rule and what it names, then when and how much."""

    HEADERS = ("Flag",)

    def detail(self, index: ModelIndex) -> FlagDetail:
        return self._rows[index.row()]  # type: ignore[no-any-return]

    def cell(self, item: FlagDetail, column: int, role: int) -> Any:
        if role == ID_ROLE:
            return item.flag.id
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        entries = [e.text for e in item.evidence if e.ref_type == "entry"]
        label = item.label + (f": {'; '.join(entries)}" if entries else "")
        count = len(item.evidence)
        return f"{label}\nRaised {uk_date(item.flag.raised_at.date())}, {count} " \
            f"record{'' if count == 1 else 's'}"


class EvidenceModel(RowsModel):
    HEADERS = ("When", "Kind", "Record")

    def __init__(self, tz: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tz = tz

    def evidence(self, index: ModelIndex) -> Evidence:
        return self._rows[index.row()]  # type: ignore[no-any-return]

    def cell(self, item: Evidence, column: int, role: int) -> Any:
        if role == ID_ROLE:
            return item.ref_id
        if role == Qt.ItemDataRole.ToolTipRole and column == 2:
            return item.text
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        when = "" if item.at is None else uk_datetime(item.at, self.tz)
        return (when, _KIND.get(item.ref_type, item.ref_type), item.text)[column]


def open_entry(parent: QWidget, ctx: AppContext, session: Session, entry_id: int
               ) -> QWidget:
    """A register entry's page (the register window's), beside the flags."""
    from cerecorder.ui.register_window import EntryWindow  # it imports this module's kin

    page = EntryWindow(ctx, session, entry_id, parent.window())
    page.show()
    return page


class FlagsWindow(QWidget):
    """One child's open flags. Opening it reads nothing of the chronology."""

    #: a review was recorded (the lists that count open flags refresh)
    reviewed = Signal()

    def __init__(self, ctx: AppContext, session: Session, child_id: int,
                 parent: QWidget | None = None, *, flag_id: int | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx, self.session, self.child_id = ctx, session, child_id
        fit_to_screen(self, 1100, 640)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.flag_model = FlagsModel(self)
        self.flag_table = record_table(self.flag_model, "Open flags",
                                       "Each flag a rule raised and no one has reviewed")
        self.flag_table.selectionModel().currentRowChanged.connect(
            lambda *_: self._show_current())
        self.reason = self._text_label("Why the rule raised it")
        self.source = self._text_label("Its source in the guidance")
        self.source.setObjectName("hintMessage")
        self.evidence_model = EvidenceModel(session.tz, self)
        self.evidence_table = record_table(
            self.evidence_model, "Records that raised the flag",
            "Press Enter on a record to open it")
        self.evidence_table.activated.connect(self.open_evidence)
        self.open_button = QPushButton("Open &record")
        named(self.open_button, "Open the highlighted record")
        self.open_button.clicked.connect(
            lambda: self.open_evidence(self.evidence_table.currentIndex()))

        review = QGroupBox("Review")
        self.no_action = QRadioButton("&No action")
        self.action_taken = QRadioButton("Action &taken")
        self.outcomes = QButtonGroup(self)
        for button, outcome in ((self.no_action, ReviewOutcome.NO_ACTION),
                                (self.action_taken, ReviewOutcome.ACTION_TAKEN)):
            self.outcomes.addButton(button)
            button.setProperty("outcome", outcome.value)
            named(button, outcome.label)
        self.review_reason = QPlainTextEdit()
        self.review_reason.setTabChangesFocus(True)
        self.review_reason.setPlaceholderText(
            "Required: why no action is needed, or what was done (a referral, a meeting…)")
        self.review_reason.setMaximumHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        named(self.review_reason, "Reason for the review")
        reason_caption = QLabel("Rea&son:")
        reason_caption.setBuddy(self.review_reason)
        self.review_button = QPushButton("Record re&view")
        named(self.review_button, "Record the review of this flag")
        self.review_button.clicked.connect(self.record_review)
        self.message = message_label()
        # one strip under both columns: the evidence keeps the height at 150%
        choices = QVBoxLayout()
        choices.addWidget(self.no_action)
        choices.addWidget(self.action_taken)
        choices.addStretch()
        reason = QVBoxLayout()
        reason.addWidget(reason_caption)
        reason.addWidget(self.review_reason)
        reason.addWidget(self.message)
        strip = QHBoxLayout(review)
        strip.addLayout(choices)
        strip.addLayout(reason, stretch=1)
        strip.addWidget(self.review_button, alignment=Qt.AlignmentFlag.AlignBottom)
        for widget in (self.no_action, self.action_taken, self.review_reason):
            (widget.toggled if isinstance(widget, QRadioButton)
             else widget.textChanged).connect(self._update_buttons)

        detail = QWidget()
        right = QVBoxLayout(detail)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.reason)
        right.addWidget(self.source)
        right.addWidget(self.evidence_table, stretch=1)
        right.addWidget(self.open_button, alignment=Qt.AlignmentFlag.AlignLeft)
        split = QSplitter()
        split.addWidget(self.flag_table)
        split.addWidget(detail)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        split.setSizes([self.width() // 3, self.width() * 2 // 3])
        self.flag_table.setWordWrap(True)
        close = QPushButton("Close")
        named(close, "Close this window")
        close.clicked.connect(self.close)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        bottom = QHBoxLayout()
        self.told = QLabel()
        self.told.setObjectName("hintMessage")
        bottom.addWidget(self.told, stretch=1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(split, stretch=1)
        layout.addWidget(review)
        layout.addLayout(bottom)
        self.reload(flag_id)
        self.flag_table.setFocus()

    @staticmethod
    def _text_label(name: str) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                      | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        named(label, name)
        return label

    def reload(self, flag_id: int | None = None) -> None:
        try:
            name = children.child_profile(self.session, self.child_id).child.display_name
            details = attention.flag_details(self.session, self.child_id)
        except CERecorderError as exc:
            self.flag_model.clear()
            self.evidence_model.clear()
            self.title.setText(str(exc))
            return
        self.setWindowTitle(f"Pattern flags: {name}")
        self.title.setText(f"{name}: {len(details)} open pattern "
                           f"flag{'' if len(details) == 1 else 's'}")
        self.flag_model.set_rows(details)
        self.flag_table.resizeRowsToContents()
        row = next((i for i, d in enumerate(details) if d.flag.id == flag_id), 0)
        if details:
            self.flag_table.selectRow(row)
        self._show_current()

    def current(self) -> FlagDetail | None:
        index = self.flag_table.currentIndex()
        return self.flag_model.detail(index) if index.isValid() else None

    def _show_current(self) -> None:
        detail = self.current()
        if detail is None:
            self.reason.setText("No open flags: every flag raised has been reviewed.")
            self.source.setText("")
            self.evidence_model.clear()
        else:
            rule = detail.rule
            self.reason.setText(rule.reason if rule else "This flag's rule set is not "
                                "shipped with this copy of CE Recorder.")
            self.source.setText(f"Source: {rule.source}" if rule else "")
            self.evidence_model.set_rows(detail.evidence)
            self.evidence_table.resizeColumnsToContents()
            if detail.evidence:
                self.evidence_table.selectRow(0)
        self.message.setText("")
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.current() is not None
        self.open_button.setEnabled(has and self.evidence_model.rowCount() > 0)
        self.review_button.setEnabled(has and self.outcomes.checkedButton() is not None
                                      and bool(self.review_reason.toPlainText().strip()))

    def open_evidence(self, index: QModelIndex) -> QWidget | None:
        if not index.isValid():
            return None
        item = self.evidence_model.evidence(index)
        try:
            if item.ref_type == "concern":
                dialog = ConcernViewDialog(self.ctx, self.session, item.ref_id, self)
                dialog.open()
                return dialog
            if item.ref_type == "entry":
                return open_entry(self, self.ctx, self.session, item.ref_id)
        except CERecorderError as exc:
            show_problem(self, exc)
            return None
        when = "" if item.at is None else uk_datetime(item.at, self.session.tz) + "\n"
        QMessageBox.information(self, "Significant event", when + item.text)
        return None

    def record_review(self) -> None:
        detail, checked = self.current(), self.outcomes.checkedButton()
        if detail is None or checked is None:
            return
        outcome = ReviewOutcome(str(checked.property("outcome")))
        try:
            flags.review(self.session, detail.flag.id, outcome,
                         self.review_reason.toPlainText())
        except CERecorderError as exc:
            self.message.setText(str(exc))
            return
        self.told.setText(f"Review recorded: {detail.label}, {outcome.label.lower()}.")
        self.review_reason.clear()
        self.outcomes.setExclusive(False)
        checked.setChecked(False)
        self.outcomes.setExclusive(True)
        self.reload()
        self.reviewed.emit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.flag_table.resizeRowsToContents()  # now that the list has its width

    def closeEvent(self, event: QCloseEvent) -> None:
        self.flag_model.clear()
        self.evidence_model.clear()
        super().closeEvent(event)

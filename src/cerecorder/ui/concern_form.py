"""Recording a concern: the form a teacher fills in between lessons.

The draft saves itself into the vault as they type (never to a temporary file); submitting
asks for confirmation, because the record then becomes permanent.
"""

from __future__ import annotations

import re
from datetime import datetime

from PySide6.QtCore import (
    QDate,
    QDateTime,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTime,
    QTimer,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.errors import CERecorderError, EnvironmentProblem
from cerecorder.domain.model import ConcernContent, Urgency
from cerecorder.domain.taxonomy import Taxonomy
from cerecorder.domain.timefmt import zone
from cerecorder.services import children, concerns
from cerecorder.services.session import Session
from cerecorder.ui.common import fit_to_screen
from cerecorder.ui.context import AppContext
from cerecorder.ui.widgets import add_row, message_label, named

AUTOSAVE_MS = 1500
#: "J.S." or "JS": initials standing in for a name (common school abbreviations aside)
_INITIALS = re.compile(r"\b(?:[A-Z]\.\s?){2,3}|\b(?!(?:PE|IT|TA|DT|RE|UK|OK|MR|MS|TV|ID)\b)"
                       r"[A-Z]{2}\b")
CODE_ROLE = Qt.ItemDataRole.UserRole + 10


def _wall_clock(local: datetime) -> QDateTime:
    """The time as the clock on the wall showed it, for the form's date and time field."""
    return QDateTime(QDate(local.year, local.month, local.day),
                     QTime(local.hour, local.minute, local.second))


def _text_box(name: str, placeholder: str, lines: int = 4) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(box.fontMetrics().lineSpacing() * lines + 12)
    named(box, name)
    return box


class WrappedSignDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped label at the column's real width: a sign must be
    readable in full before it is ticked, at any scaling."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self.tree = tree

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        if index.column() != 0:
            return hint
        depth = 1 if index.parent().isValid() else 0
        check = self.tree.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) + 12
        width = self.tree.columnWidth(0) - self.tree.indentation() * (depth + 1) - check
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        box = option.fontMetrics.boundingRect(QRect(0, 0, max(width, 40), 10_000),
                                              int(Qt.TextFlag.TextWordWrap), text)
        return QSize(hint.width(), max(hint.height(), box.height() + 4))


class IndicatorChecklist(QWidget):
    """The signs, grouped as in the guidance, each showing whether it is a CCE or CSE sign."""

    def __init__(self, taxonomy: Taxonomy, kinds: tuple[str, ...], name: str) -> None:
        super().__init__()
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter signs…")
        self.filter.setClearButtonEnabled(True)
        named(self.filter, f"Filter {name.lower()}")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Sign", "Sign of"])
        self.tree.setRootIsDecorated(True)
        self.tree.setWordWrap(True)  # a sign must be readable in full before it is ticked
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.setUniformRowHeights(False)
        self.tree.setIndentation(14)
        named(self.tree, name, "Space ticks the highlighted sign")
        for group in taxonomy.groups:
            if group.kind not in kinds:
                continue
            parent = QTreeWidgetItem(self.tree, [group.label, ""])
            parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for item in taxonomy.items_in(group.code):
                short = "CCE, CSE" if len(item.applies_to) == 2 else item.applicability
                row = QTreeWidgetItem(parent, [item.label, short])
                row.setToolTip(1, f"A sign of {item.applicability}")
                row.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                             | Qt.ItemFlag.ItemIsSelectable)
                row.setCheckState(0, Qt.CheckState.Unchecked)
                row.setData(0, CODE_ROLE, item.code)
                row.setToolTip(0, item.description or item.label)
        self.tree.setItemDelegateForColumn(0, WrappedSignDelegate(self.tree))
        self.tree.header().sectionResized.connect(lambda *_: self.tree.doItemsLayout())
        self.tree.expandAll()
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, self.tree.header().ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, self.tree.header().ResizeMode.ResizeToContents)
        self.filter.textChanged.connect(self._filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree)

    def rows(self) -> list[QTreeWidgetItem]:
        found = []
        iterator = QTreeWidgetItemIterator(self.tree)
        while iterator.value():
            item = iterator.value()
            if item.data(0, CODE_ROLE):
                found.append(item)
            iterator += 1
        return found

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            assert group is not None
            visible = 0
            for j in range(group.childCount()):
                row = group.child(j)
                assert row is not None
                haystack = f"{row.text(0)} {row.text(1)} {group.text(0)}".casefold()
                hide = not all(w in haystack for w in words)
                row.setHidden(hide)
                visible += not hide
            group.setHidden(visible == 0)

    def codes(self) -> frozenset[str]:
        return frozenset(str(r.data(0, CODE_ROLE)) for r in self.rows()
                         if r.checkState(0) == Qt.CheckState.Checked)

    def set_codes(self, codes: frozenset[str]) -> None:
        for row in self.rows():
            checked = row.data(0, CODE_ROLE) in codes
            row.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def tick(self, code: str) -> None:
        self.set_codes(self.codes() | {code})


class ConcernDialog(QDialog):
    def __init__(self, ctx: AppContext, session: Session, *, child_ids: list[int],
                 draft_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session = ctx, session
        self.draft_id = draft_id
        self.submitted = False
        self._dirty = False
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

    # -- layout ------------------------------------------------------------------------

    def _build(self, child_ids: list[int]) -> None:
        taxonomy = self.ctx.taxonomy.current
        self.pupil_filter = QLineEdit()
        self.pupil_filter.setPlaceholderText("Find a pupil…")
        self.pupil_filter.setClearButtonEnabled(True)
        named(self.pupil_filter, "Find a pupil to add")
        self.pupil_list = QListWidget()
        named(self.pupil_list, "Children this concern is about",
              "Tick every child involved; Space ticks the highlighted pupil")
        for child in children.list_children(self.session):
            d = child.details
            group = f"Year {d.year_group}, {d.reg_group}" if d.year_group else d.reg_group
            text = f"{child.display_name} ({group})" if group else child.display_name
            item = QListWidgetItem(text)
            item.setData(CODE_ROLE, child.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if child.id in child_ids
                               else Qt.CheckState.Unchecked)
            self.pupil_list.addItem(item)
        self.pupil_filter.textChanged.connect(self._filter_pupils)
        self.chosen = QLabel()
        self.chosen.setWordWrap(True)
        self.pupil_list.itemChanged.connect(lambda _: self._show_chosen())

        self.when = QDateTimeEdit()
        self.when.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.when.setCalendarPopup(True)
        local_now = self.ctx.clock.now().astimezone(zone(self.session.tz))
        self.when.setDateTime(_wall_clock(local_now.replace(second=0, microsecond=0)))
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
        who_layout.addWidget(self.pupil_list)
        who_layout.addWidget(self.chosen)

        what = QWidget()
        form = QFormLayout(what)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # labels above fields
        add_row(form, "Wh&en:", self.when)
        add_row(form, "W&here:", self.where)
        add_row(form, "What was &seen or heard:", self.facts)
        add_row(form, "The child's o&wn words:", self.words)
        add_row(form, "Your &opinion:", self.opinion)
        add_row(form, "Other si&gns:", self.other_signs)
        # what was done, who was told and how urgent: always in sight, below the columns,
        # which at 150% scaling (910x510 logical pixels) would scroll them away
        self.action.setMaximumHeight(self.action.fontMetrics().lineSpacing() * 3 + 12)
        after = QFormLayout()
        after.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        add_row(after, "&Action taken:", self.action)
        done = QFormLayout()
        add_row(done, "&Informed:", self.informed)
        add_row(done, "&Urgency:", self.urgency)
        strip = QHBoxLayout()
        strip.addLayout(after, stretch=3)
        strip.addLayout(done, stretch=2)
        scroll = QScrollArea()
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields inside
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(what)

        signs = QGroupBox("Signs (tick all that apply)")
        signs_layout = QVBoxLayout(signs)
        signs_layout.addWidget(self.signs, stretch=3)
        signs_layout.addWidget(QLabel("Vulnerability factors"))
        signs_layout.addWidget(self.vulnerabilities, stretch=2)

        split = QSplitter()
        split.addWidget(who)
        split.addWidget(scroll)
        split.addWidget(signs)
        split.setSizes([210, 430, 700])
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
        bottom.addWidget(self.saved_label)
        bottom.addStretch()
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(split, stretch=1)
        layout.addLayout(strip)
        layout.addWidget(self.message)
        layout.addLayout(bottom)
        self._show_chosen()
        (self.facts if child_ids else self.pupil_filter).setFocus()

    def _watch(self) -> None:
        for box in (self.facts, self.words, self.opinion, self.action):
            box.textChanged.connect(self._changed)
        for line in (self.where, self.other_signs, self.informed):
            line.textChanged.connect(self._changed)
        self.when.dateTimeChanged.connect(self._changed)
        self.urgency.currentIndexChanged.connect(self._changed)
        self.pupil_list.itemChanged.connect(self._changed)
        self.signs.tree.itemChanged.connect(self._changed)
        self.vulnerabilities.tree.itemChanged.connect(self._changed)

    def _changed(self, *_: object) -> None:
        self._dirty = True
        self.autosave.start()

    def _filter_pupils(self, text: str) -> None:
        words = text.casefold().split()
        for i in range(self.pupil_list.count()):
            item = self.pupil_list.item(i)
            item.setHidden(not all(w in item.text().casefold() for w in words))

    def _chosen_ids(self) -> tuple[int, ...]:
        return tuple(
            int(self.pupil_list.item(i).data(CODE_ROLE)) for i in range(self.pupil_list.count())
            if self.pupil_list.item(i).checkState() == Qt.CheckState.Checked
        )

    def _show_chosen(self) -> None:
        names = [self.pupil_list.item(i).text() for i in range(self.pupil_list.count())
                 if self.pupil_list.item(i).checkState() == Qt.CheckState.Checked]
        self.chosen.setText("About: " + "; ".join(names) if names else "No pupil chosen yet.")

    # -- content -----------------------------------------------------------------------

    def content(self) -> ConcernContent:
        moment = self.when.dateTime().toPython()
        assert isinstance(moment, datetime)
        occurred = moment.replace(tzinfo=zone(self.session.tz))
        return ConcernContent(
            child_ids=self._chosen_ids(),
            occurred_at=occurred,
            location=self.where.text(),
            facts=self.facts.toPlainText(),
            child_words=self.words.toPlainText(),
            opinion=self.opinion.toPlainText(),
            indicator_codes=self.signs.codes() | self.vulnerabilities.codes(),
            indicators_other=self.other_signs.text(),
            action_taken=self.action.toPlainText(),
            informed=self.informed.text(),
            urgency=Urgency(self.urgency.currentData()),  # Qt returns the StrEnum as str
        )

    def _load(self, draft_id: int) -> None:
        concern = concerns.open_concern(self.session, draft_id).concern
        c = concern.content
        for i in range(self.pupil_list.count()):
            item = self.pupil_list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(CODE_ROLE) in c.child_ids
                               else Qt.CheckState.Unchecked)
        if c.occurred_at is not None:
            local = c.occurred_at.astimezone(zone(concern.tz))
            self.when.setDateTime(_wall_clock(local))
        self.where.setText(c.location)
        self.facts.setPlainText(c.facts)
        self.words.setPlainText(c.child_words)
        self.opinion.setPlainText(c.opinion)
        self.signs.set_codes(c.indicator_codes)
        self.vulnerabilities.set_codes(c.indicator_codes)
        self.other_signs.setText(c.indicators_other)
        self.action.setPlainText(c.action_taken)
        self.informed.setText(c.informed)
        self.urgency.setCurrentIndex(list(Urgency).index(c.urgency))

    def save_draft(self) -> bool:
        """Autosave into the vault. A refusal (say a 1 MB paste) leaves the text on screen."""
        self.autosave.stop()
        if not self._dirty or self.submitted or not self.session.is_open:
            return not self._dirty or self.submitted
        try:
            self.draft_id = concerns.save_draft(self.session, self.content(), self.draft_id)
        except EnvironmentProblem as exc:
            self.message.setText(f"Not saved: {exc}")
            return False
        self._dirty = False
        self.message.setText("")
        local = self.ctx.clock.now().astimezone(zone(self.session.tz))
        self.saved_label.setText(f"Draft saved in the vault at {local:%H:%M}.")
        return True

    def quality_prompts(self) -> list[str]:
        """Gentle prompts before submission; none of them blocks it."""
        c = self.content()
        prompts = []
        if len(c.facts.split()) < 8:
            prompts.append("What was seen or heard is very short: could a colleague who was "
                           "not there understand what happened?")
        if _INITIALS.search(f"{c.facts} {c.child_words}"):
            prompts.append("Someone seems to be named by initials only: write the full name "
                           "(and tick the pupil) so the record stands on its own.")
        if c.urgency in (Urgency.HIGH, Urgency.IMMEDIATE) and not c.informed.strip():
            prompts.append("Urgency is high but nobody is recorded as informed: tell the DSL "
                           "in person or by phone now, and note it.")
        if not c.indicator_codes and not c.indicators_other.strip():
            prompts.append("No signs are ticked.")
        return prompts

    def submit(self) -> None:
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
        self.accept()
        return True

    def reject(self) -> None:
        """Escape, "Keep as draft and close" and the window's close button (QDialog's
        closeEvent calls this): save first, and ask before unsaved text is lost. (This used
        to call close(), which inside closeEvent does nothing: the form never closed.)"""
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
        for checklist in (self.signs, self.vulnerabilities):
            if code in {r.data(0, CODE_ROLE) for r in checklist.rows()}:
                checklist.tick(code)

    def set_urgency(self, level: Urgency) -> None:
        self.urgency.setCurrentIndex(list(Urgency).index(level))

"""A submitted concern, read-only, with its addenda thread and a box to add one.

Opening it goes through services.concerns.open_concern, which audits the view. The DSL
also gets Triage and Record action from here.
"""

from __future__ import annotations

from functools import partial
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.errors import CERecorderError, EnvironmentProblem
from cerecorder.domain.model import Addendum, ChildFlag, Concern, ConcernStatus, Progress, Role
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.domain.timefmt import uk_datetime
from cerecorder.services import concern_categories, concerns, dsl
from cerecorder.services.concerns import ConcernView
from cerecorder.services.dsl import ChildContext, FollowUp
from cerecorder.services.session import Session
from cerecorder.ui.common import (
    NOT_RECORDED,
    child_names,
    fit_to_screen,
    name_of,
    text_html,
    user_names,
)
from cerecorder.ui.concern_evidence import ConcernEvidence
from cerecorder.ui.context import AppContext
from cerecorder.ui.dsl_forms import ActionDialog, TriageDialog
from cerecorder.ui.export_dialog import ExportConcernDialog
from cerecorder.ui.widgets import message_label, named, show_problem, telling


def indicators_html(library: TaxonomyLibrary, concern: Concern) -> str:
    """Ticked signs grouped as in the guidance, with the labels of the concern's version."""
    codes = concern.content.indicator_codes
    if not codes:
        return text_html("")
    version = concern.taxonomy_version
    taxonomy = library.get(version)  # None: a version this copy does not have
    ticked = [i for i in taxonomy.items if i.code in codes] if taxonomy else []
    parts: list[str] = []
    for group in taxonomy.groups if taxonomy else ():
        items = [i for i in ticked if i.group == group.code]
        if not items:
            continue
        parts.append(f"<p style='margin-bottom: 2px'><b>{escape(group.label)}</b></p><ul>")
        parts += [
            f"<li>{escape(i.label)} <i>[{escape(i.applicability)}]"
            "</i></li>"
            for i in items
        ]
        parts.append("</ul>")
    unknown = sorted(codes - {i.code for i in ticked})
    if unknown:
        parts.append("<ul>" + "".join(
            f"<li>{escape(library.label(c, version))}</li>" for c in unknown) + "</ul>")
    return "".join(parts)


def _child_line(context: ChildContext) -> str:
    """A child as the DSL needs them beside a concern: flags and how many came before."""
    child = context.child
    flags = ", ".join(f.label for f in ChildFlag if f in child.details.flags)
    n = context.earlier_concerns
    earlier = f"{n} earlier concern{'s' if n != 1 else ''}" if n else "no earlier concern"
    return f"{child.display_name} ({'flags: ' + flags + '; ' if flags else ''}{earlier})"


def follow_up_html(session: Session, follow: FollowUp, names: dict[int, str]) -> str:
    """The DSL's decisions, actions and outcomes on the concern, oldest first."""
    if not follow.entries:  # said in a line of the table above instead
        return ""
    kids = {k.child.id: k.child.display_name for k in follow.children}
    rows = "".join(
        f"<tr><td style='padding-right: 12px'>{uk_datetime(e.at, e.tz)}</td>"
        f"<td style='padding-right: 12px'><b>{escape(e.what)}</b>"
        + (f" ({escape(kids[e.child_id])})" if e.child_id in kids and len(kids) > 1 else "")
        + f"</td><td>{text_html(e.text)}</td>"
        f"<td style='padding-left: 12px'>{escape(name_of(names, session, e.recorded_by))}"
        "</td></tr>"
        for e in follow.entries)
    return ("<h3>Decisions, actions and outcomes</h3>"
            f"<table cellspacing='0' cellpadding='2'>{rows}</table>")


def concern_html(
    session: Session, library: TaxonomyLibrary, view: ConcernView, names: dict[int, str],
    *, follow: FollowUp | None = None, progress: Progress | None = None,
) -> str:
    """The concern as written. The DSL also sees each child's flags and earlier concerns
    and what has been decided and done (`follow`); its author only how far it has got
    (`progress`)."""
    concern = view.concern
    c = concern.content
    when = uk_datetime(c.occurred_at, concern.tz) if c.occurred_at else NOT_RECORDED
    if concern.status is ConcernStatus.SUBMITTED and concern.submitted_at is not None:
        submitted = uk_datetime(concern.submitted_at, concern.tz)
    else:
        submitted = "Draft: not yet submitted"
    if follow is not None:
        about = "; ".join(_child_line(k) for k in follow.children)
    else:
        about = ", ".join(child_names(session, c.child_ids))
    rows: tuple[tuple[str, str], ...] = (
        ("Children", about or NOT_RECORDED),
        ("Categories", ", ".join(concern_categories.labels(session, concern.id))),
        ("When it happened", when),
        ("Where", c.location.strip() or NOT_RECORDED),
        ("Urgency", c.urgency.label),
        ("Recorded by", name_of(names, session, concern.author_id)),
        ("Submitted", submitted),
    )
    if progress is not None:
        rows += (("Status", progress.label),)
    if follow is not None and not follow.entries:
        rows += (("Decisions, actions", "None recorded yet"),)
    table = "".join(
        f"<tr><td style='padding-right: 16px'><b>{escape(label)}</b></td>"
        f"<td>{escape(value)}</td></tr>"
        for label, value in rows
    )

    def section(title: str, body: str) -> str:
        return f"<h3>{escape(title)}</h3><p>{body}</p>"

    return (
        f"<h2>Concern #{concern.id}</h2>"
        f"<table cellspacing='0' cellpadding='2'>{table}</table>"
        + (follow_up_html(session, follow, names) if follow is not None else "")
        + section("What was seen or heard (facts)", text_html(c.facts))
        + section("The child's own words", text_html(c.child_words))
        + "<h3>Opinion: the author's view, not a fact</h3>"
        "<table border='1' cellspacing='0' cellpadding='6' width='100%'><tr><td>"
        f"<i>{text_html(c.opinion)}</i></td></tr></table>"
        + "<h3>Signs ticked</h3>" + indicators_html(library, concern)
        + section("Other signs or vulnerabilities", text_html(c.indicators_other))
        + section("Action taken", text_html(c.action_taken))
        + section("Who was informed", text_html(c.informed))
    )


def addenda_html(session: Session, addenda: list[Addendum], names: dict[int, str],
                 brought: dict[int, list[str]] | None = None) -> str:
    """The thread, each addendum with what it brought (files, a corrected body map)."""
    if not addenda:
        return "<p><i>No addenda yet.</i></p>"
    return "".join(
        f"<p style='margin-bottom: 0'><b>{escape(name_of(names, session, a.author_id))}</b>"
        f" &middot; {uk_datetime(a.created_at, a.tz)}</p>"
        f"<p style='margin-top: 2px'>{text_html(a.body)}</p>"
        + "".join(f"<p style='margin-top: 0'><i>{escape(line)}</i></p>"
                  for line in (brought or {}).get(a.id, []))
        for a in addenda
    )


class ConcernViewDialog(QDialog):
    def __init__(self, ctx: AppContext, session: Session, concern_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session, self.concern_id = ctx, session, concern_id
        self.view: ConcernView | None = None
        self.names = user_names(session)
        self.is_dsl = session.user.role is Role.DSL
        self.setWindowTitle(f"Concern #{concern_id}" + (" [DEMO]" if session.is_demo else ""))
        fit_to_screen(self, 900, 720)

        self.content = QTextBrowser()
        self.content.setOpenLinks(False)
        self.content.setTabChangesFocus(True)
        named(self.content, "Concern", "The concern as submitted; it cannot be changed.")
        self.addenda_view = QTextBrowser()
        self.addenda_view.setOpenLinks(False)
        self.addenda_view.setTabChangesFocus(True)
        named(self.addenda_view, "Addenda", "Later information and corrections, oldest first.")

        self.addendum = QPlainTextEdit()
        self.addendum.setTabChangesFocus(True)
        self.addendum.setPlaceholderText(
            "Later information or a correction. The concern itself stays as it was.")
        named(self.addendum, "New addendum")
        add_caption = QLabel("Add an a&ddendum:")
        add_caption.setBuddy(self.addendum)
        self.add_button = QPushButton("&Add addendum")
        self.add_button.setAutoDefault(False)
        named(self.add_button, "Add addendum")
        self.add_button.clicked.connect(self.add_addendum)
        self.message = message_label()
        self.evidence = ConcernEvidence(self, session, ctx.body_outlines, ctx.documents,
                                        concern_id, self._corrected)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)
        named(close, "Close")
        self.triage_button = QPushButton("&Triage…")
        self.action_button = QPushButton("&Record action…")
        for button, name in ((self.triage_button, "Triage this concern"),
                             (self.action_button, "Record an action on this concern")):
            button.setAutoDefault(False)
            named(button, name)
            button.setVisible(self.is_dsl)
        self.chronology_button = QPushButton("C&hronology…")
        self.chronology_button.setAutoDefault(False)
        named(self.chronology_button, "Open the chronology of a child of this concern")
        self.chronology_button.setVisible(self.is_dsl)
        self.chronology_button.clicked.connect(self.open_chronology)
        self.follow: FollowUp | None = None
        self.triage_button.clicked.connect(self.open_triage)
        self.action_button.clicked.connect(self.open_action)
        self.pdf_button = QPushButton("Print or save as &PDF…")
        self.pdf_button.setAutoDefault(False)
        named(self.pdf_button, "Print this concern record or save it as a PDF")
        self.pdf_button.setToolTip("Print (Ctrl+P) or save as PDF (Ctrl+E), with a preview")
        self.pdf_button.clicked.connect(lambda: self.export_pdf())
        QShortcut(QKeySequence("Ctrl+E"), self, lambda: self.export_pdf())
        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self,
                  lambda: self.export_pdf(printing=True))

        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        thread_caption = QLabel("Addenda: later information and corrections")
        bold = thread_caption.font()
        bold.setBold(True)
        thread_caption.setFont(bold)
        bottom_layout.addWidget(thread_caption)
        bottom_layout.addWidget(self.addenda_view, stretch=1)
        bottom_layout.addWidget(add_caption)
        add_row = QHBoxLayout()
        add_row.addWidget(self.addendum, stretch=1)
        add_side = QVBoxLayout()
        add_side.addStretch()
        add_side.addWidget(self.evidence.attach_button)
        add_side.addWidget(self.evidence.clear_button)
        add_side.addWidget(self.evidence.correct_button)  # an addendum with a new map
        add_side.addWidget(self.add_button)
        add_row.addLayout(add_side)
        bottom_layout.addLayout(add_row)
        bottom_layout.addWidget(self.evidence.pending_label)
        line = self.fontMetrics().lineSpacing()
        self.addenda_view.setMinimumHeight(line * 3)
        self.addendum.setMinimumHeight(line * 2 + 12)
        self.addendum.setMaximumHeight(line * 4 + 12)
        self.content.setMinimumHeight(line * 6)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.content)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([self.height() * 2 // 3, self.height() // 3])

        button_row = QHBoxLayout()
        button_row.addWidget(self.triage_button)
        button_row.addWidget(self.action_button)
        button_row.addWidget(self.chronology_button)
        button_row.addWidget(self.pdf_button)
        for button in (self.evidence.map_button, self.evidence.files_button):
            button_row.addWidget(button)
        button_row.addWidget(self.message, stretch=1)
        button_row.addWidget(buttons)

        layout = QVBoxLayout(self)
        if session.is_demo:
            badge = QLabel("DEMO: fictional pupils, for training")
            badge.setObjectName("demoBadge")
            layout.addWidget(badge, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.splitter, stretch=1)
        layout.addLayout(button_row)
        self.load()
        self.content.setFocus()

    def load(self) -> None:
        """Read the concern (audited) and show it and its addenda."""
        try:
            self.view = concerns.open_concern(self.session, self.concern_id)
        except CERecorderError as exc:
            self.view = None
            self.content.setPlainText(str(exc))
            self.addenda_view.clear()
            self.evidence.refresh((), submitted=False)
            for widget in (self.addendum, self.add_button, self.triage_button,
                           self.action_button, self.pdf_button, self.chronology_button):
                widget.setEnabled(False)
            return
        self.show_record()
        submitted = self.view.concern.status is ConcernStatus.SUBMITTED
        self.evidence.refresh(self.view.addenda, submitted)
        self.addenda_view.setHtml(addenda_html(self.session, self.view.addenda, self.names,
                                               self.evidence.brought()))
        for widget in (self.addendum, self.add_button, self.triage_button, self.action_button):
            widget.setEnabled(submitted)

    def show_record(self) -> None:
        """The concern with what the reader's role may know of what came of it (read
        again after a decision or action is recorded here, without a second view)."""
        if self.view is None:
            return
        follow = progress = None
        with telling(self, self.message):
            if self.is_dsl:
                follow = self.follow = dsl.follow_up(self.session, self.concern_id)
            elif self.view.concern.status is ConcernStatus.SUBMITTED:
                progress = concerns.progress_of(self.session, self.concern_id)
        bar = self.content.verticalScrollBar().value()
        self.content.setHtml(concern_html(self.session, self.ctx.taxonomy, self.view,
                                          self.names, follow=follow, progress=progress))
        self.content.verticalScrollBar().setValue(bar)

    def chronology_children(self) -> list[tuple[int, str]]:
        if self.follow is None:
            return []
        return [(k.child.id, k.child.display_name) for k in self.follow.children]

    def open_chronology(self, child_id: int | None = None) -> QWidget | None:
        """A child's chronology; with several children, a menu asks whose."""
        from cerecorder.ui.dsl_views import ChildWindow  # dsl_views opens this view too

        kids = self.chronology_children()
        if child_id is None and len(kids) > 1:
            menu = QMenu(self)
            for kid, name in kids:
                menu.addAction(name, partial(self.open_chronology, kid))
            menu.popup(self.chronology_button.mapToGlobal(
                self.chronology_button.rect().bottomLeft()))
            return menu
        if child_id is None and kids:
            child_id = kids[0][0]
        if child_id is None:
            return None
        window = ChildWindow(self.ctx, self.session, child_id, self)
        window.show()
        return window

    def add_addendum(self) -> None:
        text = self.addendum.toPlainText()
        if not text.strip():
            self.message.setObjectName("errorMessage")
            self._restyle()
            self.message.setText("Write the addendum first.")
            self.addendum.setFocus()
            return
        try:
            self.evidence.add_addendum(text)
        except EnvironmentProblem as exc:
            self.message.setObjectName("errorMessage")
            self._restyle()
            self.message.setText(str(exc))
            return
        except CERecorderError as exc:
            show_problem(self, exc)
            return
        self.addendum.clear()
        self.message.setObjectName("hintMessage")
        self._restyle()
        self.message.setText("Addendum added.")
        self.load()
        bar = self.addenda_view.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _corrected(self) -> None:
        self._note("The corrected body map was added with an addendum.")
        self.load()

    def _restyle(self) -> None:
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def export_pdf(self, printing: bool = False) -> ExportConcernDialog:
        dialog = ExportConcernDialog(self.ctx, self.session, self.concern_id, self,
                                     printing=printing)
        dialog.open()
        return dialog

    def open_triage(self) -> None:
        concern = self.view.concern if self.view else None
        dialog = TriageDialog(self.ctx, self.session, self.concern_id, self, concern=concern)
        dialog.accepted.connect(lambda: self._note("Decision recorded."))
        dialog.accepted.connect(self.show_record)
        dialog.open()

    def open_action(self) -> None:
        concern = self.view.concern if self.view else None
        dialog = ActionDialog(self.ctx, self.session, concern_id=self.concern_id,
                              parent=self, concern=concern)
        dialog.accepted.connect(lambda: self._note("Action recorded."))
        dialog.accepted.connect(self.show_record)
        dialog.open()

    def _note(self, text: str) -> None:
        self.message.setObjectName("hintMessage")
        self._restyle()
        self.message.setText(text)

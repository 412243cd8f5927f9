"""A child's chronology, the DSL's window on one child: profile, filters, the entries, and
what the DSL does from there (actions, events, links, the case, the file's life)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QRect,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.errors import CERecorderError
from cerecorder.domain.model import (
    ChildFlag,
    ChronologyEntry,
    EntryType,
)
from cerecorder.domain.screening import chart_points, chart_text
from cerecorder.domain.timefmt import uk_date, zone
from cerecorder.services import children, chronology, deadlines, screening, statuses
from cerecorder.services.session import Session
from cerecorder.ui.child_evidence import evidence_button
from cerecorder.ui.child_file_life import FileLifeNotice, MarkLeftDialog
from cerecorder.ui.child_links import LinkDialog, MergeDialog, UnlinkDialog, describe
from cerecorder.ui.child_status import ImpactDialog, StatusDialog
from cerecorder.ui.common import (
    date_edit,
    fit_to_screen,
    from_qdate,
    record_table,
    to_qdate,
)
from cerecorder.ui.concern_view import ConcernViewDialog
from cerecorder.ui.context import AppContext
from cerecorder.ui.dsl_forms import ActionDialog, EventDialog
from cerecorder.ui.export_dialog import ExportChronologyDialog
from cerecorder.ui.flag_views import FlagsWindow
from cerecorder.ui.flow_layout import FlowLayout
from cerecorder.ui.intel_dialog import IntelReportDialog
from cerecorder.ui.models import (
    ChronologyFilter,
    ChronologyModel,
    event_text,
)
from cerecorder.ui.network_view import NetworkWindow
from cerecorder.ui.screening_chart import ScreeningChart
from cerecorder.ui.screening_form import ScreeningDialog, open_screening_form
from cerecorder.ui.screening_view import ScreeningViewDialog
from cerecorder.ui.widgets import named, show_problem

#: the longest a chronology row grows, in lines; the tooltip and the concern show the rest
MAX_ROW_LINES = 12
#: shares of the chronology's width after the date column; the event takes what is left
COLUMN_SHARES = {1: 0.15, 3: 0.22, 4: 0.16, 5: 0.11}
#: below this much screen height the profile starts folded away, leaving the table room
ROOMY_HEIGHT = 700

ENTRY_LABELS = {
    EntryType.CONCERN: "&Concerns",
    EntryType.ADDENDUM: "A&ddenda",
    EntryType.TRIAGE: "DSL dec&isions",
    EntryType.ACTION: "Ac&tions",
    EntryType.OUTCOME: "O&utcomes",
    EntryType.EVENT: "&Events",
    EntryType.SCREENING: "Screenings",
}


# -- a child's chronology ----------------------------------------------------------------


def _selectable(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    return label


class ChildWindow(QWidget):
    """Profile, flags, links and the chronology of one child. Opening it is audited."""

    def __init__(self, ctx: AppContext, session: Session, child_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx, self.session, self.child_id = ctx, session, child_id
        self.demo = session.is_demo
        self.display_name = f"Child #{child_id}"
        self.profile_data: children.ChildProfile | None = None
        fit_to_screen(self, 1200, 700)

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        _selectable(self.title)
        # a long name with "(left dd/mm/yyyy)" wraps, rather than widening the window past
        # a 1366-pixel screen at 150%
        self.title.setWordWrap(True)
        # flags sit beside the name, so they show even with the profile folded away
        self.flags = _selectable(QLabel())
        bold = self.flags.font()
        bold.setBold(True)
        self.flags.setFont(bold)
        named(self.flags, "Flags")
        self.profile_values: dict[str, QLabel] = {"Flags": self.flags}
        self.profile = QGroupBox("Profile")
        grid = QGridLayout(self.profile)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        fields = (("Legal name", 0, 0), ("Date of birth", 0, 2), ("Gender", 0, 4),
                  ("UPN", 1, 0), ("Admission no.", 1, 2), ("Year / reg", 1, 4),
                  ("Links", 2, 0), ("Left", 2, 4), ("Merged records", 3, 0),
                  ("Screenings", 4, 0))
        for name, row, column in fields:
            caption = QLabel(f"{name}:")
            caption.setObjectName("hintMessage")
            value = _selectable(QLabel())
            # a wrapped label in the grid is not given the height of its lines: links and
            # merged records come a line each instead
            value.setWordWrap(name not in ("Links", "Merged records", "Screenings"))
            named(value, name)
            caption.setBuddy(value)
            grid.addWidget(caption, row, column, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, column + 1, 1,
                           {"Links": 3, "Merged records": 3, "Screenings": 5}.get(name, 1),
                           Qt.AlignmentFlag.AlignTop)
            self.profile_values[name] = value
        for column in (1, 3, 5):
            grid.setColumnStretch(column, 1)
        # the chart sits beside the name, so it shows with the profile folded away too
        self.chart = ScreeningChart()
        self.profile_toggle = QPushButton("&Profile")
        self.profile_toggle.setCheckable(True)
        named(self.profile_toggle, "Show the profile")
        self.profile_toggle.toggled.connect(self.profile.setVisible)
        screen = self.screen()
        roomy = screen is None or screen.availableGeometry().height() >= ROOMY_HEIGHT
        self.profile_toggle.setChecked(roomy)
        self.profile.setVisible(roomy)

        # filters
        self.type_boxes: dict[EntryType, QCheckBox] = {}
        types_row = FlowLayout()
        shown = QLabel("Show:")
        types_row.addWidget(shown)
        for entry_type in EntryType:
            check = QCheckBox(ENTRY_LABELS[entry_type])
            check.setChecked(True)
            named(check, "Show " + ENTRY_LABELS[entry_type].replace("&", "").lower())
            check.toggled.connect(self._filters_changed)
            self.type_boxes[entry_type] = check
            types_row.addWidget(check)
        self.significant_only = QCheckBox("Significant onl&y")
        named(self.significant_only, "Show significant events only")
        self.significant_only.toggled.connect(self._filters_changed)
        types_row.addWidget(self.significant_only)

        self.from_on = QCheckBox("&From")
        named(self.from_on, "Only from a date")
        self.date_from = date_edit("From date")
        self.to_on = QCheckBox("T&o")
        named(self.to_on, "Only up to a date")
        self.date_to = date_edit("To date")
        today = session.clock.now().astimezone(zone(session.tz)).date()
        self.date_from.setDate(to_qdate(today.replace(day=1)))
        self.date_to.setDate(to_qdate(today))
        for check, edit in ((self.from_on, self.date_from), (self.to_on, self.date_to)):
            edit.setEnabled(False)
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(self._filters_changed)
            edit.dateChanged.connect(self._filters_changed)
        self.indicator = QComboBox()
        self.indicator.setMinimumContentsLength(28)
        self.indicator.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        named(self.indicator, "Filter by sign")
        self.indicator.currentIndexChanged.connect(self._filters_changed)
        sign_caption = QLabel("&Sign:")
        sign_caption.setBuddy(self.indicator)
        self.count = QLabel()
        self.count.setObjectName("hintMessage")
        dates_row = FlowLayout()
        for widget in (QLabel("Dates:"), self.from_on, self.date_from, self.to_on,
                       self.date_to, sign_caption, self.indicator, self.count):
            dates_row.addWidget(widget)

        # table
        self.model = ChronologyModel(self)
        self.proxy = ChronologyFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = record_table(self.proxy, "Chronology")
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(False)
        named(self.table, "Chronology",
              "One row per concern, addendum, decision, action, outcome, event or "
              "screening, oldest first. Press Enter on a row to open its concern or "
              "screening.")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        header.resizeSection(0, self.table.fontMetrics().horizontalAdvance("00/00/0000 00:00")
                             + 24)
        self._sized_for = -1
        self.table.viewport().installEventFilter(self)
        self.table.activated.connect(self.open_row)
        self.fit_timer = QTimer(self)
        self.fit_timer.setSingleShot(True)
        self.fit_timer.setInterval(30)
        self.fit_timer.timeout.connect(self.fit_rows)
        header.sectionResized.connect(lambda *_: self.fit_timer.start())

        # buttons
        self.event_button = QPushButton("Add e&vent…")
        self.action_button = QPushButton("Record &action…")
        self.open_button = QPushButton("Open co&ncern")
        self.reload_button = QPushButton("Re&load")
        self.export_button = QPushButton("P&rint or save as PDF…")
        self.merge_button = QPushButton("&Merge with…")
        self.screen_button = QPushButton("Screen or share")
        named(self.screen_button, "Screening and intelligence reports: a new screening, "
              "or a report for the police or a partnership")
        screen_menu = QMenu(self.screen_button)
        screen_menu.addAction("New screening…", self.new_screening)
        screen_menu.addAction("Intelligence report for the police or a partnership…",
                              self.share_intel)
        self.screen_button.setMenu(screen_menu)
        self.evidence_button = evidence_button(self, session, ctx.body_outlines,
                                               ctx.documents, child_id,
                                               lambda: self.display_name)
        self.links_button = QPushButton("Lin&ks")
        self.network_button = QPushButton("Net&work")
        named(self.network_button, "Network: the register entries linked to this child "
              "and the other children linked through them")
        self.network_button.clicked.connect(lambda: self.open_network())
        self.status_button = QPushButton("Statuses and who is involved…")
        self.mark_button = QPushButton("Mark significant")
        self.impact_button = QPushButton("Impact on t&he child…")
        for button, name in (
                (self.status_button, "Statuses and professionals involved, with dates"),
                (self.mark_button, "Mark the selected entry as a significant event, or "
                 "unmark it"),
                (self.impact_button, "Write the impact of the selected entry on the child")):
            named(button, name)
        self.status_button.clicked.connect(self.edit_statuses)
        self.case_button = QPushButton("Case…")
        named(self.case_button, "The case: open or closed, the closing summary, sign-off "
              "and reopening")
        self.case_button.clicked.connect(lambda: self.open_case())
        self.mark_button.clicked.connect(self.toggle_significant)
        self.impact_button.clicked.connect(self.write_impact)
        self.links_button.setMenu(QMenu(self.links_button))
        for button, name in ((self.merge_button, "Merge another record of this child"),
                             (self.links_button, "Siblings and associates: open, add, "
                              "remove")):
            named(button, name)
        self.merge_button.clicked.connect(self.merge_with)
        self.left_button = QPushButton("Mark as left…")  # every Alt letter is taken: by Tab
        named(self.left_button, "Mark the child as left, and open the transfer of their file")
        self.left_button.clicked.connect(self.mark_left)
        self.file_life = FileLifeNotice(session, child_id)
        self.flags_button = QPushButton("Pattern fla&gs…")
        named(self.flags_button, "Open pattern flags, their evidence and review")
        self.flags_button.clicked.connect(self.open_flags)
        close = QPushButton("Close")
        for button, name in ((self.event_button, "Add a significant event"),
                             (self.action_button, "Record an action"),
                             (self.open_button, "Open the concern of the selected row"),
                             (self.reload_button, "Reload the chronology"),
                             (self.export_button, "Print the chronology or save it as a PDF"),
                             (close, "Close this window")):
            named(button, name)
        self.event_button.clicked.connect(self.add_event)
        self.action_button.clicked.connect(self.record_action)
        self.open_button.clicked.connect(lambda: self.open_row(self.table.currentIndex()))
        self.reload_button.clicked.connect(self.reload)
        self.export_button.clicked.connect(lambda: self.export_pdf())
        self.export_button.setToolTip("Print (Ctrl+P) or save as PDF (Ctrl+E), with the "
                                      "filters shown and a preview")
        QShortcut(QKeySequence("Ctrl+E"), self, lambda: self.export_pdf())
        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self,
                  lambda: self.export_pdf(printing=True))
        close.clicked.connect(self.close)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.reload)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        self.table.selectionModel().currentRowChanged.connect(
            lambda *_: self._update_buttons())
        # the entry's actions, then the child's (the case and statuses too: beside the
        # name they made the window wider than the screen at 200%), on as many lines as
        # the width needs
        buttons = FlowLayout()
        for button in (self.event_button, self.action_button, self.open_button,
                       self.mark_button, self.impact_button, self.network_button,
                       self.flags_button, self.screen_button, self.evidence_button,
                       self.case_button, self.status_button, self.links_button,
                       self.merge_button, self.left_button,
                       self.export_button, self.reload_button, close):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addSpacing(12)
        head.addWidget(self.flags, stretch=1)
        head.addWidget(self.chart)
        if self.demo:
            badge = QLabel("DEMO")
            badge.setObjectName("demoBadge")
            named(badge, "Demo vault: fictional pupils")
            head.addWidget(badge, alignment=Qt.AlignmentFlag.AlignVCenter)
        head.addWidget(self.profile_toggle)
        layout.addLayout(head)
        layout.addWidget(self.profile)
        layout.addLayout(types_row)
        layout.addLayout(dates_row)
        layout.addWidget(self.file_life)
        layout.addWidget(self.table, stretch=1)
        layout.addLayout(buttons)
        self.reload()
        self.table.setFocus()

    # -- data -------------------------------------------------------------------------

    def export_pdf(self, printing: bool = False) -> ExportChronologyDialog:
        """Print or save as PDF with the filters the window shows (dates, entry types)."""
        dialog = ExportChronologyDialog(
            self.ctx, self.session, self.child_id, self.display_name,
            date_from=self.proxy.date_from, date_to=self.proxy.date_to,
            entry_types=self.proxy.types, significant_only=self.proxy.significant_only,
            parent=self, printing=printing)
        dialog.open()
        return dialog

    def reload(self) -> None:
        """Read the profile and the chronology again (the read is audited)."""
        try:
            profile = children.child_profile(self.session, self.child_id)
            rows = chronology.chronology(self.session, self.child_id)
        except CERecorderError as exc:
            self.model.clear()
            self.title.setText(str(exc))
            self._update_buttons()
            return
        self._show_profile(profile)
        self.file_life.refresh()
        self.left_button.setEnabled(profile.child.left_on is None)
        for button in (self.event_button, self.action_button, self.status_button):
            button.setEnabled(not self.file_life.read_only)
        self._show_case()
        self._show_screenings()
        self.model.set_rows(rows)
        self._fill_indicators(rows)  # applies the filters and sizes the rows

    def _show_screenings(self) -> None:
        """The chart of the scores and the same in words."""
        done = screening.screenings(self.session, self.child_id)
        made = screening.instrument_of(self.session, done[-1]) if done else None
        top = sum(max(a.score for a in made.answers) * q.weight
                  for q in made.questions) if made else 0
        points = chart_points(done)
        self.chart.set_points(points, made.bands if made else (), top)
        # the newest four on one line; every one is in the chart's description and tooltip
        shown = chart_text(points[-4:]).removeprefix("Screenings: ")
        earlier = len(points) - 4
        self.profile_values["Screenings"].setText(
            f"{shown} ({earlier} earlier in the chart)" if earlier > 0 else shown)

    def new_screening(self) -> ScreeningDialog | None:
        dialog = open_screening_form(self.ctx, self.session, self.child_id,
                                     self.display_name, self)
        if dialog is not None:
            dialog.signed.connect(lambda _: self.reload())
        return dialog

    def share_intel(self) -> IntelReportDialog:
        dialog = IntelReportDialog(self.ctx, self.session, self.child_id, self.display_name,
                                   self)
        dialog.open()
        return dialog

    def _show_profile(self, profile: children.ChildProfile) -> None:
        child, d = profile.child, profile.child.details
        self.profile_data = profile
        self.display_name = child.display_name
        status = (f" (merged into {profile.merged_into.display_name}, "
                  f"#{profile.merged_into.id})" if profile.merged_into
                  else f" (left {uk_date(child.left_on)})" if child.left_on else "")
        self.title.setText(child.display_name + status)
        menu = self.links_button.menu()
        menu.clear()
        if profile.merged_into:
            menu.addAction(f"Open the record kept: {profile.merged_into.display_name}",
                           partial(self.open_child, profile.merged_into.id))
        for link, other in profile.links:
            menu.addAction(f"Open {link.kind.value}: {other.display_name}",
                           partial(self.open_child, other.id))
        if profile.merged_into is None:
            if profile.links:
                menu.addSeparator()
            menu.addAction("&Link to a pupil…", self.link_pupil)
            remove = menu.addAction("&Remove a link…", self.unlink_pupil)
            remove.setEnabled(bool(profile.links))
        self.merge_button.setEnabled(profile.merged_into is None)
        # a merged record's own entries are part of a chronology: print the record kept
        self.export_button.setEnabled(profile.merged_into is None)
        self.setWindowTitle(f"Chronology: {child.display_name}"
                            + (" [DEMO]" if self.demo else ""))
        links = "\n".join(  # a line each: a wrapped label in the grid could clip
            f"{link.kind.value.capitalize()}: {other.display_name}"
            + (f" ({link.note})" if link.note else "")
            for link, other in profile.links)
        values = {
            "Legal name": child.legal_name,
            "Date of birth": uk_date(d.date_of_birth) if d.date_of_birth else "",
            "Gender": d.gender,
            "UPN": d.upn,
            "Admission no.": d.admission_number,
            "Year / reg": " / ".join(v for v in (d.year_group, d.reg_group) if v),
            "Flags": " · ".join(f.label for f in ChildFlag if f in d.flags) or "No flags",
            "Links": links or "None",
            "Left": uk_date(child.left_on) if child.left_on else "On roll",
            "Merged records": "\n".join(describe(c) for c in profile.merged) or "None",
        }
        for name, value in values.items():
            self.profile_values[name].setText(value or "Not recorded")

    def _fill_indicators(self, rows: Sequence[ChronologyEntry]) -> None:
        current = self.indicator.currentData()
        library = self.ctx.taxonomy
        # each code with the version of its latest entry (rows are in time order)
        codes = {code: e.taxonomy_version for e in rows for code in e.indicator_codes}
        items: list[tuple[str, str]] = []
        for code, version in codes.items():
            try:
                item = library.current.item(code)
                items.append((f"{item.label} ({item.applicability})", code))
            except KeyError:
                items.append((library.label(code, version), code))
        self.indicator.blockSignals(True)
        self.indicator.clear()
        self.indicator.addItem("Any sign", None)
        for label, code in sorted(items, key=lambda pair: pair[0].casefold()):
            self.indicator.addItem(label, code)
            self.indicator.setItemData(self.indicator.count() - 1, label,
                                       Qt.ItemDataRole.ToolTipRole)
        found = self.indicator.findData(current) if current else 0
        self.indicator.setCurrentIndex(max(found, 0))
        self.indicator.blockSignals(False)
        self._filters_changed()

    def _filters_changed(self) -> None:
        # begin/endFilterChange: invalidateRowsFilter is deprecated from Qt 6.10
        self.proxy.beginFilterChange()
        self.proxy.types = {t for t, check in self.type_boxes.items() if check.isChecked()}
        self.proxy.date_from = (from_qdate(self.date_from.date())
                                if self.from_on.isChecked() else None)
        self.proxy.date_to = (from_qdate(self.date_to.date())
                              if self.to_on.isChecked() else None)
        self.proxy.indicator = self.indicator.currentData()
        self.proxy.significant_only = self.significant_only.isChecked()
        self.proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        self._after_filter()

    def _after_filter(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(f"Showing {shown} of {total} entries" if shown != total
                           else f"{total} entries")
        self.fit_rows()
        self._update_buttons()

    def fit_rows(self) -> None:
        """Word-wrapped rows, each as tall as its longest cell, up to MAX_ROW_LINES lines.

        Measured with font metrics on the entries themselves: resizeRowsToContents asks the
        model for every role of every cell and takes ten times as long on 500 rows. Each
        text is measured once a fit (the same names and decisions recur down a column),
        and a short plain one that fits its column, however wide its letters, not at all.
        """
        self.fit_timer.stop()
        if not self.isVisible():
            return  # column widths are not known yet; showEvent fits them
        metrics = self.table.fontMetrics()
        style = self.table.style()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None,
                                   self.table) + 1
        line = metrics.lineSpacing()
        limit = line * MAX_ROW_LINES
        # the delegate's text rectangle: the cell less the grid line and a margin each side;
        # a little more off for fractional glyph widths, so a row is never a line short
        widths = [max(self.table.columnWidth(c) - 2 * margin - 4, 20) for c in range(6)]
        flags = int(Qt.TextFlag.TextWordWrap)
        one_line = metrics.boundingRect(QRect(0, 0, 10_000, limit), flags, "Xg").height()
        widest = metrics.maxWidth()
        measured: dict[tuple[int, str], int] = {}

        def height(column: int, text: str) -> int:
            if text.isascii() and "\n" not in text and len(text) * widest <= widths[column]:
                return one_line
            found = measured.get((column, text))
            if found is None:
                box = QRect(0, 0, widths[column], limit)
                found = measured[column, text] = metrics.boundingRect(box, flags, text).height()
            return found

        header = self.table.verticalHeader()
        for row in range(self.proxy.rowCount()):
            e = self.model.entry(self.proxy.mapToSource(self.proxy.index(row, 0)))
            tallest = line
            for column, text in ((1, e.source), (2, event_text(e)), (3, e.decision),
                                 (4, e.outcome), (5, e.recorded_by)):
                if text:
                    tallest = max(tallest, height(column, text))
            header.resizeSection(row, min(tallest, limit) + 2 * margin + 2)

    def size_columns(self) -> None:
        """Share the width out: the date fits its text, the event column takes the rest."""
        width = self.table.viewport().width()
        if width == self._sized_for:
            return
        self._sized_for = width
        header = self.table.horizontalHeader()
        rest = max(width - header.sectionSize(0), 400)
        for column, share in COLUMN_SHARES.items():
            header.resizeSection(column, int(rest * share))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self.size_columns()
        return super().eventFilter(watched, event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit_rows()

    def _update_buttons(self) -> None:
        entry = self.current_entry()
        self.open_button.setEnabled(entry is not None and entry.concern_id is not None)
        for button in (self.mark_button, self.impact_button):
            # a received entry is the sending school's, and a transferred file read-only
            button.setEnabled(entry is not None and not entry.received_from
                              and not self.file_life.read_only)
        self.mark_button.setText("Unmark significant" if entry is not None
                                 and entry.significant else "Mark significant")

    def current_entry(self) -> ChronologyEntry | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.entry(self.proxy.mapToSource(index))

    # -- actions ----------------------------------------------------------------------

    def open_row(self, index: QModelIndex) -> QDialog | None:
        if not index.isValid():
            return None
        entry = self.model.entry(self.proxy.mapToSource(index))
        if entry.entry_type is EntryType.SCREENING:
            view = ScreeningViewDialog(self.session, entry.ref_id, self)
            view.open()
            return view
        if entry.concern_id is None:
            return None
        dialog = ConcernViewDialog(self.ctx, self.session, entry.concern_id, self)
        dialog.finished.connect(lambda _: self.reload())
        dialog.open()
        return dialog

    def _show_case(self) -> None:
        from cerecorder.ui.case_status import status_text

        try:
            found = deadlines.status(self.session, self.child_id,
                                     sign_off=self.ctx.case_sign_off)
        except CERecorderError:
            self.case_button.setText("Case…")
            return
        self.case_button.setText(status_text(found) + "…")

    def open_case(self) -> QDialog:
        from cerecorder.ui.case_status import CaseStatusDialog

        dialog = CaseStatusDialog(self.ctx, self.session, self.child_id, self.display_name,
                                  self)
        dialog.finished.connect(lambda _: self._show_case())
        dialog.open()
        return dialog

    def edit_statuses(self) -> StatusDialog:
        dialog = StatusDialog(self.session, self.child_id, self.display_name, self)
        dialog.open()
        return dialog

    def toggle_significant(self) -> None:
        """Mark the selected entry as significant, or take the mark off (audited; the
        entry itself is not changed)."""
        entry = self.current_entry()
        if entry is None:
            return
        row = self.table.currentIndex().row()
        try:
            statuses.mark_significant(self.session, self.child_id, entry.entry_type,
                                      entry.ref_id, not entry.significant)
        except CERecorderError as exc:
            show_problem(self, exc)
            return
        self.reload()
        self.table.selectRow(min(row, self.proxy.rowCount() - 1))

    def write_impact(self) -> ImpactDialog | None:
        entry = self.current_entry()
        if entry is None:
            return None
        dialog = ImpactDialog(self.session, self.child_id, entry, self)
        dialog.accepted.connect(self.reload)
        dialog.open()
        return dialog

    def add_event(self) -> EventDialog:
        dialog = EventDialog(self.ctx, self.session, self.child_id, self)
        dialog.accepted.connect(self.reload)
        dialog.open()
        return dialog

    def record_action(self) -> ActionDialog:
        dialog = ActionDialog(self.ctx, self.session, child_id=self.child_id, parent=self)
        dialog.accepted.connect(self.reload)
        dialog.open()
        return dialog

    def link_pupil(self) -> LinkDialog | None:
        if self.profile_data is None:
            return None
        dialog = LinkDialog(self.session, self.profile_data.child, self)
        dialog.accepted.connect(self.reload)
        dialog.open()
        return dialog

    def unlink_pupil(self) -> UnlinkDialog | None:
        if self.profile_data is None:
            return None
        dialog = UnlinkDialog(self.session, self.profile_data, self)
        dialog.accepted.connect(self.reload)
        dialog.open()
        return dialog

    def merge_with(self) -> MergeDialog | None:
        if self.profile_data is None:
            return None
        dialog = MergeDialog(self.session, self.profile_data.child, self)
        dialog.accepted.connect(self.reload)
        dialog.open()
        return dialog

    def open_network(self) -> NetworkWindow:
        window = NetworkWindow.for_child(self.ctx, self.session, self.child_id,
                                         self.parentWidget())
        window.show()
        return window

    def mark_left(self) -> MarkLeftDialog:
        dialog = MarkLeftDialog(self.ctx, self.session, self.child_id, self.display_name, self)
        dialog.accepted.connect(self.reload)
        dialog.open()
        return dialog

    def open_flags(self) -> FlagsWindow:
        window = FlagsWindow(self.ctx, self.session, self.child_id, self)
        window.show()
        return window

    def open_child(self, child_id: int) -> ChildWindow:
        window = ChildWindow(self.ctx, self.session, child_id, self.parentWidget())
        window.show()
        return window

    def closeEvent(self, event: QCloseEvent) -> None:
        self.model.clear()
        super().closeEvent(event)

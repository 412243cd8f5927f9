"""The main window: the pupil list, my concerns, the DSL's triage queue, and the actions
that must always be within reach (new concern, search, lock, privacy screen)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.errors import CERecorderError
from cerecorder.domain.model import ChildFlag, Concern, ConcernStatus, Role
from cerecorder.services import children, concerns
from cerecorder.services import dsl as dsl_work
from cerecorder.services.roster_import import IMPORTERS
from cerecorder.services.session import Session
from cerecorder.ui.common import fit_to_screen, record_table
from cerecorder.ui.concern_form import ConcernDialog
from cerecorder.ui.context import AppContext
from cerecorder.ui.models import ConcernListModel
from cerecorder.ui.needs_attention import NeedsAttention
from cerecorder.ui.packet_views import SentToDsl, import_action
from cerecorder.ui.retention_window import retention_action
from cerecorder.ui.roster_model import RosterModel
from cerecorder.ui.settings_model import idle_lock_text
from cerecorder.ui.widgets import named, show_problem
from cerecorder.ui.windows import bring_back, hide_all, shown_windows

if TYPE_CHECKING:  # the windows a menu opens load when first opened, not at sign-in
    from cerecorder.ui.intel_dialog import IntelReportDialog
    from cerecorder.ui.ofsted_window import OfstedWindow
    from cerecorder.ui.register_window import RegisterWindow
    from cerecorder.ui.report_window import ReportWindow
    from cerecorder.ui.roster_import import RosterImportWizard
    from cerecorder.ui.sar_window import SarWindow
    from cerecorder.ui.transfers_window import TransfersWindow


class MainWindow(QMainWindow):
    lock_requested = Signal()
    #: the settings window was saved: the idle lock time may have changed
    settings_saved = Signal()

    def __init__(self, ctx: AppContext, session: Session) -> None:
        super().__init__()
        self.ctx, self.session = ctx, session
        self.is_dsl = session.user.role is Role.DSL
        #: school IT: users, settings and the roll, never a record
        self.is_admin = session.user.role is Role.ADMIN
        self.demo = session.is_demo
        badge = " [DEMO: fictional pupils]" if self.demo else ""
        self.base_title = (f"CE Recorder: {session.user.display_name} "
                           f"({session.user.role.value}){badge}")
        self.setWindowTitle(self.base_title)
        self._told_due: int | None = None  # the count the status bar last told
        fit_to_screen(self, 1280, 720)  # at 150% the screen is 910x510 logical pixels
        self.privacy_hidden: list[QWidget] = []  # the windows the privacy screen hid
        self.paused: list[QAction] = []  # and the actions it disabled
        self._build_actions()
        self._build_pages()
        self.refresh()
        if self.attention is not None:
            self.attention.table.setFocus()  # a DSL's day starts with what is waiting
        elif not self.is_admin:
            self.search_box.setFocus()  # where nearly every visit starts

    # -- layout ------------------------------------------------------------------------

    def _action(self, text: str, shortcut: QKeySequence | str, slot: object,
                tip: str) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString()})")
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action("&New concern", "Ctrl+N", self.new_concern,
                                       "Record a new concern")
        self.search_action = self._action("&Search concerns", "Ctrl+F", self.search,
                                          "Search every concern")
        self.lock_action = self._action("&Lock", "Ctrl+L", self.lock_requested.emit,
                                        "Lock the vault now")
        self.privacy_action = self._action("&Privacy screen", "Ctrl+Shift+H",
                                           self.toggle_privacy,
                                           "Hide the screen at once (press again to return)")
        self.settings_action = self._action("Se&ttings", "Ctrl+,", self.open_settings,
                                            "Idle lock, passphrase and users")
        self.refresh_action = self._action("&Refresh", "F5", self.refresh, "Reload the lists")
        self.register_action = self._action("Re&gister", "Ctrl+R", self.open_register,
                                            "People, vehicles, places, phones, accounts "
                                            "and groups; lines awaiting a match")
        self.search_action.setVisible(self.is_dsl)
        self.register_action.setVisible(self.is_dsl)
        self.register_action.setEnabled(self.is_dsl)
        #: work in every window of the app, not only this one (the controller hands them
        #: to each window as it opens, so a modal dialog does not block them)
        self.everywhere = (self.new_action, self.search_action, self.lock_action,
                           self.privacy_action)
        for action in self.everywhere:
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.inbox_action = import_action(self.ctx, self.session, self, self.refresh)
        self.inbox_action.setVisible(self.is_dsl)
        self.addAction(self.inbox_action)
        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.new_action, self.search_action, self.register_action,
                       self.inbox_action, self.refresh_action, self.settings_action,
                       self.privacy_action, self.lock_action):
            toolbar.addAction(action)
        if self.demo:
            badge = QLabel("DEMO")
            badge.setObjectName("demoBadge")
            badge.setAccessibleName("Demo vault: fictional pupils")
            spacer = QWidget()
            spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            toolbar.addWidget(spacer)
            toolbar.addWidget(badge)
        self.addToolBar(toolbar)
        menu = self.menuBar().addMenu("&Vault")
        for action in (self.new_action, self.search_action, self.register_action,
                       self.inbox_action, self.refresh_action, self.settings_action,
                       self.privacy_action, self.lock_action):
            menu.addAction(action)
        self.roll_action = QAction("Import pupil r&oll…", self)
        self.roll_action.setStatusTip("Import the roll from a CSV exported from your MIS")
        self.roll_action.triggered.connect(self.import_roll)
        self.roll_action.setVisible(self.session.user.role in IMPORTERS)
        menu.insertAction(self.settings_action, self.roll_action)
        self.transfers_action = QAction("File trans&fers…", self)
        self.transfers_action.setStatusTip("Child protection files on their way to another "
                                           "school: deadlines, steps and receipts")
        self.transfers_action.triggered.connect(self.open_transfers)
        self.transfers_action.setVisible(self.is_dsl and self.ctx.bank_holidays is not None)
        menu.insertAction(self.settings_action, self.transfers_action)
        self.sar_action = QAction("S&ubject access requests…", self)
        self.sar_action.setStatusTip("Requests for a child's records: deadlines, redaction "
                                     "and the response")
        self.sar_action.triggered.connect(self.open_sars)
        self.sar_action.setVisible(self.is_dsl and self.ctx.bank_holidays is not None)
        menu.insertAction(self.settings_action, self.sar_action)
        self.retention_action = retention_action(self.ctx, self.session, self,
                                                 self.ctx.retention_years)
        menu.insertAction(self.settings_action, self.retention_action)
        self.intel_action = QAction("Intelligen&ce report…", self)
        self.intel_action.setStatusTip("Share register entries and concerns with the police "
                                       "or a partnership")
        self.intel_action.triggered.connect(self.intel_report)
        self.intel_action.setVisible(self.is_dsl)
        menu.insertAction(self.settings_action, self.intel_action)
        self.governors_action = QAction("Report for go&vernors…", self)
        self.governors_action.setStatusTip("Counts by category, year group, sex and status, "
                                           "referrals and trends, for the governing body")
        self.governors_action.triggered.connect(self.open_governors_report)
        self.governors_action.setVisible(self.is_dsl)
        menu.insertAction(self.settings_action, self.governors_action)
        self.ofsted_action = QAction("Ofsted inspection pac&k…", self)
        self.ofsted_action.setStatusTip("Referrals to the DSL and to the local authority with "
                                        "outcomes, children with a plan, children missing "
                                        "education, for an inspection")
        self.ofsted_action.triggered.connect(self.open_ofsted_pack)
        self.ofsted_action.setVisible(self.is_dsl)
        menu.insertAction(self.settings_action, self.ofsted_action)

    def _build_pages(self) -> None:
        # the window's parts first, then each page in them: a part joining the window is
        # styled again, all of it, so the pages join it once each, not at the end in one
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.tabs = QTabWidget()
        if not self.is_admin:
            self.stack.addWidget(self.tabs)
        named(self.tabs, "Sections")
        self.tabs.addTab(self._pupil_page(), "&Pupils")
        self.unfitted: set[QTableView] = set()  # lists whose columns await a fit
        self.tabs.currentChanged.connect(lambda _: self._fit_columns())
        self.my_model = ConcernListModel(self)
        self.my_view = record_table(self.my_model, "My concerns")
        self.my_view.activated.connect(self._open_my_concern)
        #: the receipt for the concern submitted last
        self.receipt = QLabel()
        self.receipt.setObjectName("receipt")
        self.receipt.setWordWrap(True)
        named(self.receipt, "Receipt")
        self.receipt.setVisible(False)
        mine = self._wrap(self.my_view, "Your drafts and submitted concerns, and how far the "
                          "DSL has got with each. Drafts save as you type; open one to "
                          "finish it.")
        mine.layout().insertWidget(0, self.receipt)  # type: ignore[union-attr]
        self.mine_page = mine
        self.tabs.addTab(mine, "&My concerns")
        self.queue_model = ConcernListModel(self)
        self.queue_view = record_table(self.queue_model, "Triage queue")
        self.queue_view.activated.connect(self._open_queued)
        self.queue_page = self._wrap(self.queue_view, "Submitted concerns awaiting a "
                                     "decision: most urgent first, then oldest.")
        if self.is_dsl:
            self.tabs.addTab(self.queue_page, "&Triage queue")
        #: the DSL's first screen
        self.attention = NeedsAttention(self.ctx, self.session, self) if self.is_dsl \
            else None
        if self.attention is not None:
            self.tabs.insertTab(0, self.attention, "Needs &attention")
            self.tabs.setCurrentIndex(0)
            self.tabs.currentChanged.connect(self._tab_shown)

        self.sent: SentToDsl | None = None
        self._add_sent_tab()

        self.privacy = QWidget()
        self.privacy.setObjectName("privacyScreen")
        back = QPushButton("Return to CE Recorder")
        named(back, "Return from the privacy screen")
        back.clicked.connect(self.toggle_privacy)
        hidden = QVBoxLayout(self.privacy)
        hidden.addStretch()
        hidden.addWidget(back, alignment=Qt.AlignmentFlag.AlignCenter)
        hidden.addStretch()
        self.home = self._admin_page() if self.is_admin else self.tabs
        if self.is_admin:
            self.stack.addWidget(self.home)
        self.stack.addWidget(self.privacy)
        self.statusBar().showMessage(idle_lock_text(self.ctx.settings))

    def _admin_page(self) -> QWidget:
        """What an administrator's sign-in shows: no pupils and no concerns, which this
        role may not read, but the jobs it is for."""
        for action in (self.new_action, self.refresh_action):
            action.setVisible(False)
        page = QWidget()
        page.setObjectName("adminPage")
        title = QLabel("Signed in as school IT (administrator)")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        text = QLabel(
            "This role looks after the vault and never sees a record: pupils and concerns "
            "are not shown here. From the Vault menu you can add and remove users "
            "(Settings, Ctrl+,) and import the pupil roll from the MIS. Backups, restores "
            "and checks are done with the cerecorder-admin command; see the IT guide.")
        text.setWordWrap(True)
        text.setMaximumWidth(640)
        named(text, "What this role can do")
        buttons = QHBoxLayout()
        for action in (self.settings_action, self.roll_action, self.retention_action,
                       self.lock_action):
            button = QPushButton(action.text())
            named(button, action.text().replace("&", "").rstrip("…"))
            button.clicked.connect(action.trigger)
            buttons.addWidget(button)
        buttons.addStretch()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addLayout(buttons)
        layout.addStretch()
        return page

    def _add_sent_tab(self) -> None:
        """A staff laptop with the DSL's recipient card seals and sends each concern."""
        if self.sent is not None or not SentToDsl.wanted(self.ctx, self.session):
            return
        self.sent = SentToDsl(self.ctx, self.session, self)
        self.sent.told.connect(self.statusBar().showMessage)
        self.tabs.addTab(self._wrap(self.sent.view, "Each submitted concern is sealed for "
                                    "the DSL and saved in the outbox folder; the DSL's "
                                    "receipt shows here."), "Sent to &DSL")

    def _wrap(self, view: QWidget, hint: str) -> QWidget:
        page = QWidget()
        label = QLabel(hint)
        label.setObjectName("hintMessage")
        layout = QVBoxLayout(page)
        layout.addWidget(label)
        layout.addWidget(view)
        return page

    def _pupil_page(self) -> QWidget:
        self.roster = RosterModel(self)  # the roll, filtered as the boxes above say
        self.pupil_view = record_table(self.roster, "Pupils")
        self.pupil_view.setWordWrap(False)
        self.pupil_view.setSortingEnabled(True)
        self.pupil_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.pupil_view.activated.connect(self._open_pupil)
        self.pupil_view.setColumnHidden(7, not self.is_dsl)

        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Find a pupil: name, UPN, year or reg group")
        self.search_box.setClearButtonEnabled(True)
        named(self.search_box, "Find a pupil")
        self.search_box.textChanged.connect(self.roster.set_text)
        self.search_box.returnPressed.connect(self._first_pupil)
        self.no_pupil = QLabel()
        self.no_pupil.setObjectName("errorMessage")
        self.no_pupil.setVisible(False)
        self.search_box.textChanged.connect(self._tell_no_match)
        self.only_open = QCheckBox("Only pupils with &open concerns")
        named(self.only_open, "Only pupils with open concerns")
        self.only_open.toggled.connect(self.roster.set_only_open)
        self.only_open.setVisible(self.is_dsl)
        self.flag_filter = QComboBox()
        self.flag_filter.addItem("Any flag", None)
        for flag in ChildFlag:
            self.flag_filter.addItem(flag.label, flag)
        named(self.flag_filter, "Filter by flag")
        self.flag_filter.currentIndexChanged.connect(
            lambda _: self.roster.set_flag(self._chosen_flag()))
        self.flag_filter.setVisible(self.is_dsl)
        self.show_left = QCheckBox("Include &leavers")
        named(self.show_left, "Include pupils who have left")
        self.show_left.toggled.connect(self.roster.set_show_left)
        new_for = QPushButton("New concern about this pupil…")
        named(new_for, "New concern about the selected pupil")
        new_for.clicked.connect(self._new_for_selected)

        top = QHBoxLayout()
        top.addWidget(self.search_box, stretch=1)
        top.addWidget(self.only_open)
        top.addWidget(self.flag_filter)
        top.addWidget(self.show_left)
        top.addWidget(new_for)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(self.no_pupil)
        layout.addWidget(self.pupil_view)
        return page

    def _tab_shown(self, index: int) -> None:
        """Alt+P (or a click) on the Pupils tab lands in the pupil search, where a DSL,
        who starts on Needs attention, goes to find a child."""
        if self.tabs.widget(index) is self.search_box.parentWidget():
            self.search_box.setFocus()

    def _tell_no_match(self, text: str) -> None:
        self.no_pupil.setText(f"No pupil matches \u201c{text.strip()}\u201d.")
        self.no_pupil.setVisible(bool(text.strip()) and self.roster.rowCount() == 0)

    def _chosen_flag(self) -> ChildFlag | None:
        data = self.flag_filter.currentData()  # Qt hands a StrEnum back as a plain str
        return None if data is None else ChildFlag(data)

    # -- data --------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.is_admin:
            return
        try:
            header = self.pupil_view.horizontalHeader()
            self.roster.set_rows(children.roster(self.session, include_left=True,
                                                 entries=False),
                                 (header.sortIndicatorSection(), header.sortIndicatorOrder()))
            names = {**children.merged_names(self.session), **self.roster.names()}
            self.my_model.set_rows([
                (c, ", ".join(names.get(k, "(left)") for k in c.content.child_ids),
                 progress.label) for c, progress in concerns.my_progress(self.session)])
            if self.is_dsl:
                self.queue_model.set_rows(self._named(dsl_work.triage_queue(self.session),
                                                      names))
                self.tabs.setTabText(self.tabs.indexOf(self.queue_page),
                                     f"&Triage queue ({self.queue_model.rowCount()})")
                if self.attention is not None:
                    self.attention.refresh()
                    self._show_actions_due(self.attention.actions_due)
        except CERecorderError as exc:
            show_problem(self, exc)
        if self.sent is not None:
            self.sent.sync()
        self.unfitted = {self.pupil_view, self.my_view, self.queue_view}
        self._fit_columns()

    def _show_actions_due(self, count: int) -> None:
        """The count of actions overdue or due today in the title bar, and (at unlock and
        whenever it changes) in the status bar."""
        told = (f"{count} {'action' if count == 1 else 'actions'} overdue or due today: "
                "see Needs attention") if count else ""
        self.setWindowTitle(f"{self.base_title} · {told}" if told else self.base_title)
        if told and count != self._told_due:
            self.statusBar().showMessage(told)
        self._told_due = count

    def _fit_columns(self) -> None:
        """Size the columns of the list in sight to their contents; a list on another tab
        is sized when its tab is chosen (each costs milliseconds per refresh)."""
        page = self.tabs.currentWidget()
        for view in [v for v in self.unfitted if page is not None and page.isAncestorOf(v)]:
            view.resizeColumnsToContents()
            self.unfitted.discard(view)

    @staticmethod
    def _named(items: list[Concern], names: dict[int, str]) -> list[tuple[Concern, str]]:
        return [(c, ", ".join(names.get(k, "(left)") for k in c.content.child_ids))
                for c in items]

    def clear(self) -> None:
        """Locking: every view forgets what it showed."""
        for model in (self.roster, self.my_model, self.queue_model):
            model.clear()
        if self.attention is not None:
            self.attention.clear()
        if self.sent is not None:
            self.sent.model.clear()
        self.search_box.clear()

    # -- actions -----------------------------------------------------------------------

    def selected_child_ids(self) -> list[int]:
        rows = self.pupil_view.selectionModel().selectedRows()
        return [self.roster.row(i).child.id for i in rows]

    def _first_pupil(self) -> None:
        if self.roster.rowCount() == 1:
            self._open_pupil(self.roster.index(0, 0))

    def _open_pupil(self, index: QModelIndex) -> None:
        child_id = self.roster.row(index).child.id
        if self.is_dsl:
            from cerecorder.ui.dsl_views import ChildWindow

            window = ChildWindow(self.ctx, self.session, child_id, self)
            window.show()
        else:
            self.new_concern(child_ids=[child_id])

    def _new_for_selected(self) -> None:
        self.new_concern(child_ids=self.selected_child_ids())

    def new_concern(self, *, child_ids: list[int] | None = None,
                    draft_id: int | None = None) -> None:
        dialog = ConcernDialog(self.ctx, self.session, child_ids=child_ids or [],
                               draft_id=draft_id, parent=self)
        dialog.finished.connect(lambda _: self.refresh())
        dialog.accepted.connect(lambda: self.show_receipt(dialog.receipt))
        dialog.open()

    def show_receipt(self, text: str) -> None:
        """Submitting ends on a receipt: My concerns, with the time it went to the DSL."""
        if self.sent is not None:
            text += " It is sealed for the DSL in the outbox; Sent to DSL shows its receipt."
        self.receipt.setText(text)
        self.receipt.setVisible(True)
        self.statusBar().showMessage(text)
        self.tabs.setCurrentWidget(self.mine_page)
        self.my_view.setFocus()

    def _open_my_concern(self, index: QModelIndex) -> None:
        concern = self.my_model.concern(index)
        if concern.status is ConcernStatus.DRAFT:
            self.new_concern(draft_id=concern.id)
        else:
            self._view_concern(concern.id)

    def _open_queued(self, index: QModelIndex) -> None:
        self._view_concern(self.queue_model.concern(index).id)

    def _view_concern(self, concern_id: int) -> None:
        from cerecorder.ui.concern_view import ConcernViewDialog  # loaded when first opened

        dialog = ConcernViewDialog(self.ctx, self.session, concern_id, self)
        dialog.finished.connect(lambda _: self.refresh())
        dialog.open()

    def import_roll(self) -> RosterImportWizard:
        from cerecorder.ui.roster_import import RosterImportWizard

        wizard = RosterImportWizard(self.ctx, self.session, self)
        wizard.finished.connect(lambda _: self.refresh())
        wizard.open()
        return wizard

    def open_transfers(self) -> TransfersWindow | None:
        if not self.is_dsl or self.ctx.bank_holidays is None:
            return None
        from cerecorder.ui.transfers_window import TransfersWindow

        window = TransfersWindow(self.ctx, self.session, self.ctx.bank_holidays, self)
        window.open()
        return window

    def open_sars(self) -> SarWindow | None:
        if not self.is_dsl or self.ctx.bank_holidays is None:
            return None
        from cerecorder.ui.sar_window import SarWindow

        window = SarWindow(self.ctx, self.session, self.ctx.bank_holidays, self)
        window.open()
        return window
    def open_governors_report(self) -> ReportWindow | None:
        """The governors' report (DSL only; the window refuses anyone else too)."""
        if not self.is_dsl:
            return None
        from cerecorder.ui.report_window import ReportWindow  # its tables load when asked

        window = ReportWindow(self.ctx, self.session, self)
        window.open()
        return window

    def open_ofsted_pack(self) -> OfstedWindow | None:
        """The Ofsted inspection pack (DSL only; the window refuses anyone else too)."""
        if not self.is_dsl:
            return None
        from cerecorder.ui.ofsted_window import OfstedWindow

        window = OfstedWindow(self.ctx, self.session, self)
        window.open()
        return window

    def intel_report(self) -> IntelReportDialog:
        from cerecorder.ui.intel_dialog import IntelReportDialog

        dialog = IntelReportDialog(self.ctx, self.session, parent=self)
        dialog.open()
        return dialog

    def search(self) -> None:
        if not self.is_dsl:
            return
        from cerecorder.ui.search_dialog import SearchDialog

        SearchDialog(self.ctx, self.session, self).open()

    def open_register(self) -> RegisterWindow | None:
        """The DSL's register (staff have no such menu entry, and the services refuse)."""
        if not self.is_dsl:
            return None
        from cerecorder.ui.register_window import RegisterWindow

        window = RegisterWindow(self.ctx, self.session, self)
        window.show()
        return window

    def open_settings(self) -> None:
        from cerecorder.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx, self.session, self)
        dialog.finished.connect(
            lambda _: self.statusBar().showMessage(idle_lock_text(self.ctx.settings)))
        dialog.accepted.connect(self.settings_saved.emit)
        dialog.accepted.connect(self._add_sent_tab)  # a recipient card may just have been set
        dialog.accepted.connect(self.refresh)
        dialog.open()

    def toggle_privacy(self) -> None:
        """Blank this window and hide every other one at once; pressed again, bring back
        exactly the windows that were showing (from any window: the shortcut is global)."""
        hiding = self.stack.currentWidget() is not self.privacy
        if hiding:
            self.privacy_hidden = shown_windows(besides=[self])
            hide_all(self.privacy_hidden)
            self.stack.setCurrentWidget(self.privacy)
            # nothing that opens a window of records while the screen is hidden
            self.paused = [a for a in self.actions() if a.isEnabled()
                           and a not in (self.privacy_action, self.lock_action)]
            for action in self.paused:
                action.setEnabled(False)
            self.show()
            self.activateWindow()
        else:
            self.stack.setCurrentWidget(self.home)
            for action in self.paused:
                action.setEnabled(True)
            hidden, self.privacy_hidden, self.paused = self.privacy_hidden, [], []
            bring_back(hidden)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.clear()
        super().closeEvent(event)

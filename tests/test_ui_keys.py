"""Keys, focus and legibility (offscreen): Enter unlocks, no two controls of a window
answer to one Alt+letter, the first focus is where the work starts, no focus stop is
invisible, focus looks unlike the default button, and every label reads at 4.5:1."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMenuBar,
    QPushButton,
    QScrollArea,
    QTabBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizard,
)
from pytestqt.qtbot import QtBot

from cerecorder import paths
from cerecorder.crypto.packets import SigningKey, StaffCard, StaffCardUser
from cerecorder.domain.model import ActionKind, EntryKind, EntryType, Mention
from cerecorder.domain.schooldays import BankHolidays
from cerecorder.domain.screening import AnswerGiven
from cerecorder.export.pdf import PdfRenderer
from cerecorder.services import (
    concerns,
    deadlines,
    register,
    sar,
    screening,
    session,
    transfers,
)
from cerecorder.services import dsl as dsl_work
from cerecorder.services.session import Session
from cerecorder.ui.actions_window import ActionsWindow
from cerecorder.ui.case_status import CaseStatusDialog
from cerecorder.ui.child_links import LinkDialog, MergeDialog
from cerecorder.ui.child_status import ImpactDialog, StatusDialog
from cerecorder.ui.concern_form import ConcernDialog
from cerecorder.ui.concern_view import ConcernViewDialog
from cerecorder.ui.context import AppContext, UiSettings
from cerecorder.ui.controller import AppController
from cerecorder.ui.dsl_forms import ActionDialog, EventDialog, TriageDialog
from cerecorder.ui.dsl_views import ChildWindow
from cerecorder.ui.due_dialog import DueDialog
from cerecorder.ui.export_dialog import ExportChronologyDialog, ExportConcernDialog
from cerecorder.ui.flag_views import FlagsWindow
from cerecorder.ui.handover_settings import EnrolDialog
from cerecorder.ui.intel_dialog import IntelReportDialog
from cerecorder.ui.look import apply_look, contrast
from cerecorder.ui.main_window import MainWindow
from cerecorder.ui.network_view import NetworkWindow
from cerecorder.ui.ofsted_window import OfstedWindow
from cerecorder.ui.packet_views import InboxDialog
from cerecorder.ui.preview import DocumentPreview
from cerecorder.ui.register_forms import (
    EntryDialog,
    MatchDialog,
    MergeEntryDialog,
    ReviseDialog,
    SetAsideDialog,
)
from cerecorder.ui.register_window import EntryWindow, RegisterWindow
from cerecorder.ui.report_window import ReportWindow
from cerecorder.ui.retention_window import DestructionWindow, ReasonDialog, RetentionWindow
from cerecorder.ui.roster_import import RosterImportWizard
from cerecorder.ui.sar_window import OpenCaseDialog, RedactDialog, SarWindow, Workbench
from cerecorder.ui.screening_form import ScreeningDialog
from cerecorder.ui.screening_view import ScreeningViewDialog
from cerecorder.ui.search_dialog import SearchDialog
from cerecorder.ui.settings_dialog import AddUserDialog, ChangePassphraseDialog, SettingsDialog
from cerecorder.ui.setup import SetupWizard, StartDialog
from cerecorder.ui.term_dates import AddPeriodDialog
from cerecorder.ui.transfer_packets_ui import ReceivedDialog, SealDialog
from cerecorder.ui.transfers_window import OpenTransferDialog, StepDialog, TransfersWindow
from cerecorder.ui.unlock import RecoveryDialog, UnlockDialog

from helpers import (
    DSL_PASS,
    FAST_KDF,
    STAFF_PASS,
    TAXONOMY,
    MockClock,
    add_child,
    add_staff,
    content,
)

UI_DIR = Path(__file__).resolve().parent.parent / "ui"
HOLIDAYS = BankHolidays.load(paths.calendar_dir())


@pytest.fixture
def ctx(tmp_path: Path, clock: MockClock) -> AppContext:
    return AppContext(
        clock=clock, taxonomy=TAXONOMY, settings=UiSettings(), save_settings=lambda _: None,
        default_vault_dir=tmp_path / "v", demo_vault_dir=tmp_path / "d", ui_dir=UI_DIR,
        kdf=FAST_KDF, documents=PdfRenderer(paths.resources_dir() / "fonts"),
        bank_holidays=HOLIDAYS)


def test_enter_in_the_passphrase_unlocks(qtbot: QtBot, ctx: AppContext, dsl: Session) -> None:
    folder = dsl.vault.files.folder
    dsl.lock()
    controller = AppController(ctx)
    controller.show_unlock(folder)
    dialog = controller.dialog
    assert isinstance(dialog, UnlockDialog)
    qtbot.addWidget(dialog)
    dialog.hide()
    # as on Linux desktops (KDE and GNOME button order): Forgotten... is the first button
    # after the passphrase in the Tab order
    QWidget.setTabOrder(dialog.passphrase, dialog.forgot_button)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.unlock_button.isDefault() and not dialog.forgot_button.isDefault()
    dialog.passphrase.setFocus()
    qtbot.keyClicks(dialog.passphrase, DSL_PASS)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert controller.session is not None  # and not the forgotten-passphrase dialog
    assert not any(isinstance(w, RecoveryDialog) for w in QApplication.topLevelWidgets())
    controller.lock(reopen=False)


# -- mnemonics ---------------------------------------------------------------------------


def _mnemonics(window: QWidget) -> list[tuple[str, str]]:
    """(Alt+letter, text) of every control the user can reach now in this window."""
    found: list[tuple[str, str]] = []

    def add(text: str) -> None:
        key = QKeySequence.mnemonic(text).toString()
        if key:
            found.append((key.upper(), text))

    turns = ({window.button(which) for which in QWizard.WizardButton
              if which.value <= QWizard.WizardButton.CustomButton3.value}
             if isinstance(window, QWizard) else set())
    for widget in window.findChildren(QWidget):
        # a button hidden for now counts: it shows when there is something to act on (the
        # mentions' Remove once a line is added), but not a wizard's own buttons, which
        # take turns page by page (the pages are walked one by one)
        hidden_button = (isinstance(widget, QAbstractButton) and widget.isHidden()
                         and widget not in turns
                         and (widget.parentWidget() or window).isVisibleTo(window))
        if widget.window() is not window or not (widget.isVisibleTo(window)
                                                 or hidden_button):
            continue
        # a disabled button counts too: it may be enabled at any time
        labelled = isinstance(widget, QLabel) and widget.buddy() is not None
        if isinstance(widget, QAbstractButton) or labelled:
            add(widget.text())
        elif isinstance(widget, QGroupBox):  # ticks it, or goes to its first control
            add(widget.title())
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                if widget.isTabVisible(i):
                    add(widget.tabText(i))
        elif isinstance(widget, QMenuBar):
            for action in widget.actions():
                add(action.text())
    return found


def _clashes(window: QWidget) -> list[str]:
    seen: dict[str, str] = {}
    clashes = []
    for key, text in _mnemonics(window):
        if key in seen:
            clashes.append(f"{window.windowTitle()}: {key} is both {seen[key]!r} and {text!r}")
        seen.setdefault(key, text)
    return clashes


def _every_view(window: QWidget) -> Iterator[None]:
    """Each state of the window that shows other controls: every tab, every wizard page."""
    yield
    for tabs in window.findChildren(QTabWidget):
        for i in range(tabs.count()):
            if tabs.isTabVisible(i) and tabs.isVisibleTo(window):
                tabs.setCurrentIndex(i)
                yield


@pytest.fixture
def windows(ctx: AppContext, dsl: Session, clock: MockClock, tmp_path: Path
            ) -> dict[str, Callable[[], QWidget]]:
    child = add_child(dsl, "Amy", "Khan")
    other = add_child(dsl, "Ben", "Osei")
    concern = concerns.record_concern(dsl, content((child, other), clock))
    car = register.create_entry(dsl, EntryKind.VEHICLE, {"registration": "AB51 ABC"})
    register.link_entry(dsl, car, child, concern_id=concern)
    concerns.record_concern(dsl, content((other,), clock, mentions=(
        Mention(EntryKind.VEHICLE, "silver Astra"),)))
    [line] = register.pending_mentions(dsl)
    entry = register.entry_view(dsl, car).entry
    main = MainWindow(ctx, dsl)
    chronology = ChildWindow(ctx, dsl, child, main)
    profile = chronology.profile_data
    assert profile is not None
    transfers.open_transfer(dsl, HOLIDAYS, other, clock.now().date(), "Hillside High")
    transfer_row = transfers.transfers(dsl, HOLIDAYS)[0]
    dsl_work.record_action(dsl, kind=ActionKind.PARENTS_INFORMED, detail="Mum rang back",
                           taken_at=clock.now(), concern_id=concern, child_ids=[child],
                           due_on=clock.now().date() + timedelta(days=7), owner_id=dsl.user.id)
    [action_line] = deadlines.action_list(dsl)
    sar.open_case(dsl, HOLIDAYS, child, "Ms Khan", "mother", clock.now().date())
    made = screening.instrument(dsl)
    signed = screening.sign(dsl, child, made, [AnswerGiven(q.code, "no")
                                               for q in made.questions],
                            assessed_on=clock.now().date(),
                            review_on=clock.now().date() + timedelta(days=30))
    return {
        "register": lambda: RegisterWindow(ctx, dsl, main),
        "register entry": lambda: EntryWindow(ctx, dsl, car, main),
        "network": lambda: NetworkWindow.for_child(ctx, dsl, child, main),
        "entry network": lambda: NetworkWindow.for_entry(ctx, dsl, car, main),
        "new entry": lambda: EntryDialog(dsl, main),
        "new entry from a line": lambda: EntryDialog(dsl, main, mention=line),
        "match": lambda: MatchDialog(dsl, line, "Dana Lead", main),
        "set aside": lambda: SetAsideDialog(dsl, line, main),
        "correct entry": lambda: ReviseDialog(dsl, entry, main),
        "merge entry": lambda: MergeEntryDialog(dsl, entry, main),
        "start": lambda: StartDialog(ctx),
        "unlock": lambda: UnlockDialog(ctx, dsl.vault.files.folder),
        "recovery": lambda: RecoveryDialog(ctx, dsl.vault.files.folder, "dsl"),
        "main": lambda: main,
        "concern form": lambda: ConcernDialog(ctx, dsl, child_ids=[child], parent=main),
        "concern view": lambda: ConcernViewDialog(ctx, dsl, concern, main),
        "triage": lambda: TriageDialog(ctx, dsl, concern, main),
        "action": lambda: ActionDialog(ctx, dsl, concern_id=concern, parent=main),
        "event": lambda: EventDialog(ctx, dsl, child, main),
        "statuses": lambda: StatusDialog(dsl, child, "Amy Khan", main),
        "impact": lambda: ImpactDialog(dsl, child, chronology.model.entry(
            chronology.model.index(0, 0)), main),
        "chronology": lambda: chronology,
        "flags": lambda: FlagsWindow(ctx, dsl, child, main),
        "search": lambda: SearchDialog(ctx, dsl, main),
        "settings": lambda: SettingsDialog(ctx, dsl, main),
        "passphrase": lambda: ChangePassphraseDialog(dsl, main),
        "add user": lambda: AddUserDialog(dsl, main),
        "add term": lambda: AddPeriodDialog(main),
        "transfers": lambda: TransfersWindow(ctx, dsl, HOLIDAYS, main),
        "subject access": lambda: SarWindow(ctx, dsl, HOLIDAYS, main),
        "subject access request": lambda: OpenCaseDialog(dsl, HOLIDAYS, main),
        "redaction workbench": lambda: Workbench(ctx, dsl, sar.cases(dsl)[0], main),
        "redact": lambda: RedactDialog("Dariusz", main),
        "retention": lambda: RetentionWindow(ctx, dsl, 25, main),
        "seal a file": lambda: SealDialog(ctx, dsl, main),
        "files received": lambda: ReceivedDialog(dsl, child, "Amy Khan", main),
        "legal hold": lambda: ReasonDialog("Set a legal hold", "Intro", with_name=True,
                                           with_scope="Amy Khan", parent=main),
        "files to destroy": lambda: DestructionWindow(dsl, main),
        "open transfer": lambda: OpenTransferDialog(dsl, HOLIDAYS, main),
        "transfer step": lambda: StepDialog(ctx, dsl, transfer_row, main),
        "export chronology": lambda: ExportChronologyDialog(
            ctx, dsl, child, "Amy Khan", date_from=None, date_to=None,
            entry_types=list(EntryType), parent=main),
        "export concern": lambda: ExportConcernDialog(ctx, dsl, concern, parent=main),
        "link": lambda: LinkDialog(dsl, profile.child, main),
        "merge": lambda: MergeDialog(dsl, profile.child, main),
        "inbox": lambda: InboxDialog(ctx, dsl, None, main),
        "roll": lambda: RosterImportWizard(ctx, dsl, main),
        "screening": lambda: ScreeningDialog(ctx, dsl, child, "Amy Khan", main),
        "intel report for a child": lambda: IntelReportDialog(ctx, dsl, child, "Amy Khan", main),
        "intel report": lambda: IntelReportDialog(ctx, dsl, parent=main),
        "governors' report": lambda: ReportWindow(ctx, dsl, main),
        "Ofsted pack": lambda: OfstedWindow(ctx, dsl, main),
        "actions list": lambda: ActionsWindow(ctx, dsl, main),
        "due date or owner": lambda: DueDialog(dsl, action_line, main),
        "case status": lambda: CaseStatusDialog(ctx, dsl, child, "Amy Khan", main),
        "screening view": lambda: ScreeningViewDialog(dsl, signed, main),
        "setup": lambda: SetupWizard(ctx),
        "enrol": lambda: EnrolDialog(dsl, StaffCard(SigningKey.generate().verify_key, (
            StaffCardUser("teacher", "Terry Teacher"),)), main),
        "print preview": lambda: _preview(ctx, dsl, child, main),
    }


def _preview(ctx: AppContext, dsl: Session, child: int, parent: QWidget) -> QWidget:
    """The print preview of a chronology, as "Print or save as PDF…" opens it."""
    export = ExportChronologyDialog(ctx, dsl, child, "Amy Khan", date_from=None,
                                    date_to=None, entry_types=list(EntryType), parent=parent)
    export.purpose.setText("Strategy meeting")
    assert ctx.documents is not None
    pdf, document_id = export.document(ctx.documents)
    return DocumentPreview(ctx.documents.pages(pdf), export.file_name(document_id), parent)


def _menus(window: QWidget) -> list[QMenu]:
    """The menus a window offers: its menu bar's, and those of buttons that open one."""
    found = [action.menu() for bar in window.findChildren(QMenuBar)
             for action in bar.actions() if isinstance(action.menu(), QMenu)]
    found += [button.menu() for button in window.findChildren(QPushButton)
              if button.menu() is not None and button.isVisibleTo(window)]
    return [m for m in found if isinstance(m, QMenu)]


def test_no_two_controls_share_an_alt_letter(
    qtbot: QtBot, windows: dict[str, Callable[[], QWidget]],
) -> None:
    clashes: list[str] = []
    for make in windows.values():
        window = make()
        qtbot.addWidget(window)
        window.show()
        if isinstance(window, QWizard):
            if isinstance(window, SetupWizard):
                window.user.login.setText("jsmith")  # so Next leads on to the passphrase
            for _ in window.pageIds():
                clashes += _clashes(window)
                if not window.button(QWizard.WizardButton.NextButton).isEnabled():
                    break
                window.next()
            continue
        for _ in _every_view(window):
            clashes += _clashes(window)
        window.hide()
    assert sorted(set(clashes)) == []


def test_no_two_items_of_a_menu_share_an_alt_letter(
    qtbot: QtBot, windows: dict[str, Callable[[], QWidget]],
) -> None:
    """Within an open menu a letter picks one item; every menu bar title has its own."""
    clashes: list[str] = []
    menus = 0
    for name, make in windows.items():
        window = make()
        qtbot.addWidget(window)
        for bar in window.findChildren(QMenuBar):
            for action in bar.actions():
                if not QKeySequence.mnemonic(action.text()).toString():
                    clashes.append(f"{name}: the menu {action.text()!r} has no Alt letter")
        for menu in _menus(window):
            menus += 1
            seen: dict[str, str] = {}
            for action in menu.actions():
                key = QKeySequence.mnemonic(action.text()).toString().upper()
                if not key or not action.isVisible():
                    continue
                if key in seen:
                    clashes.append(f"{name}, menu {menu.title() or 'of a button'!r}: {key} "
                                   f"is both {seen[key]!r} and {action.text()!r}")
                seen.setdefault(key, action.text())
    assert clashes == []
    assert menus >= 2  # the main window's Vault menu and the chronology's Links


# -- focus -------------------------------------------------------------------------------


def test_the_main_window_starts_in_the_pupil_search_or_for_a_dsl_needs_attention(
    qtbot: QtBot, ctx: AppContext, dsl: Session,
) -> None:
    add_staff(dsl)
    folder = dsl.vault.files.folder
    for s in (dsl, None):
        if s is None:  # the DSL's session has locked: the teacher's turn
            s = session.unlock(folder, user_name="teacher", passphrase=STAFF_PASS,
                               clock=dsl.clock, taxonomy=TAXONOMY)
        controller = AppController(ctx)
        controller.unlocked(s)
        window = controller.window
        assert window is not None
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
        first = window.search_box if window.attention is None else window.attention.table
        assert QApplication.focusWidget() is first
        controller.lock(reopen=False)


def test_with_nobody_remembered_the_user_name_is_typed_first(
    qtbot: QtBot, ctx: AppContext, dsl: Session,
) -> None:
    """A shared vault, no last user: the box is empty and has the focus, so a teacher
    never types their passphrase against the first name listed (the DSL's)."""
    from helpers import add_staff

    add_staff(dsl)
    folder = dsl.vault.files.folder
    dsl.lock()
    dialog = UnlockDialog(ctx, folder)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    assert dialog.user.currentText() == ""
    assert QApplication.focusWidget() is dialog.user
    ctx.settings.last_user = "teacher"
    again = UnlockDialog(ctx, folder)
    qtbot.addWidget(again)
    assert again.user.currentText() == "teacher"


def test_no_focus_stop_is_invisible(qtbot: QtBot, ctx: AppContext, dsl: Session) -> None:
    """Tab through the concern form: every stop is a control a user can see working,
    not a scroll area's frame around the real fields."""
    child = add_child(dsl)
    form = ConcernDialog(ctx, dsl, child_ids=[child])
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    for scroll in form.findChildren(QScrollArea):
        assert scroll.focusPolicy() == Qt.FocusPolicy.NoFocus
    stops = []
    widget = form.nextInFocusChain()
    while widget is not form and len(stops) < 500:
        if widget.isVisibleTo(form) and widget.isEnabled() \
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            stops.append(widget)
        widget = widget.nextInFocusChain()
    invisible = [w for w in stops if isinstance(w, QAbstractScrollArea)
                 and not w.accessibleName()]
    assert invisible == []


# -- legibility --------------------------------------------------------------------------


@pytest.fixture
def the_look(qapp: QApplication) -> Iterator[None]:
    """The app's own style sheet and palette, as app.py applies them; put back after."""
    palette, sheet = qapp.palette(), qapp.styleSheet()
    apply_look(qapp, UI_DIR)
    yield
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)


def text_contrast(widget: QWidget) -> float:
    """The contrast a reader sees: the most common pixel of the drawn widget is its
    background, the pixel that stands out most from it the text's colour."""
    image = widget.grab().toImage()
    counts = Counter(image.pixel(x, y) for x in range(image.width())
                     for y in range(image.height()))
    background = QColor.fromRgb(counts.most_common(1)[0][0])
    return max(contrast(QColor.fromRgb(p), background) for p in counts)


def test_every_label_reads_at_4_5_to_1(
    qtbot: QtBot, the_look: None, ctx: AppContext, windows: dict[str, Callable[[], QWidget]],
) -> None:
    faint: list[str] = []
    for name, make in windows.items():
        window = make()
        qtbot.addWidget(window)
        window.show()
        for label in window.findChildren(QLabel):
            if label.isVisibleTo(window) and label.text().strip() and label.width() > 4:
                ratio = text_contrast(label)
                if ratio < 4.5:
                    faint.append(f"{name}: {label.text()[:40]!r} at {ratio:.1f}:1")
        for menu in _menus(window):  # the items as the open menu draws them
            menu.adjustSize()
            ratio = text_contrast(menu)
            if ratio < 4.5:
                faint.append(f"{name}: the menu {menu.title()!r} at {ratio:.1f}:1")
        window.hide()
    assert faint == []


def test_a_long_message_makes_room_instead_of_squeezing_the_rows(
    qtbot: QtBot, ctx: AppContext, dsl: Session,
) -> None:
    """Seen in the real window: a two-line error in "Forgotten passphrase" cut the
    passphrase advice above it in half. The dialog grows instead."""
    dialog = RecoveryDialog(ctx, dsl.vault.files.folder, "dsl")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.key.setText("sts")
    dialog.try_recover()  # too short a passphrase: a message of two lines
    qtbot.wait(50)
    assert dialog.message.height() >= dialog.message.heightForWidth(dialog.message.width())
    squeezed = [label.text() for label in dialog.findChildren(QLabel)
                if label.isVisible() and label.text()
                and label.height() < (label.heightForWidth(label.width()) if label.wordWrap()
                                      else label.sizeHint().height())]
    assert squeezed == []


def test_the_demo_unlock_tells_errors_as_errors(
    qtbot: QtBot, the_look: None, ctx: AppContext, dsl: Session,
) -> None:
    folder = dsl.vault.files.folder
    dsl.lock()
    controller = AppController(ctx)
    controller.show_unlock(folder, demo=True)
    dialog = controller.dialog
    assert isinstance(dialog, UnlockDialog)
    qtbot.addWidget(dialog)
    dialog.user.setCurrentText("dsl")
    dialog.passphrase.setText("a wrong guess")
    dialog.try_unlock()
    qtbot.waitExposed(dialog)
    assert "Demo passphrase" in dialog.hint.text() and "not right" in dialog.message.text()
    assert dialog.message.objectName() == "errorMessage"
    red = dialog.message.palette().color(dialog.message.foregroundRole())
    assert red.red() > 2 * max(red.green(), red.blue())  # an error looks like one
    assert text_contrast(dialog.message) >= 4.5 and text_contrast(dialog.hint) >= 4.5


def test_focus_looks_unlike_the_default_button(qtbot: QtBot, the_look: None) -> None:
    """The focused button wears a frame in the highlight colour; the default button,
    unfocused, does not (both used to be the same highlighted frame)."""
    dialog = QDialog()
    qtbot.addWidget(dialog)
    default, other = QPushButton("Unlock"), QPushButton("Cancel")
    field = QLineEdit()
    layout = QVBoxLayout(dialog)
    for widget in (field, default, other):
        layout.addWidget(widget)
    default.setDefault(True)
    dialog.show()
    qtbot.waitExposed(dialog)

    def edge(button: QPushButton) -> set[int]:
        image = button.grab().toImage()
        middle = image.height() // 2
        return {image.pixel(x, middle) for x in range(0, 3)}

    highlight = dialog.palette().color(QPalette.ColorRole.Highlight).rgb()
    other.setFocus()
    qtbot.waitUntil(other.hasFocus)
    assert highlight in edge(other)
    assert highlight not in edge(default)


def test_first_run_next_is_enabled_with_the_default_folder(qtbot: QtBot,
                                                            ctx: AppContext) -> None:
    wizard = SetupWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.location.path.text() == str(ctx.default_vault_dir)
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.location.path.clear()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_escape_closes_the_concern_form(qtbot: QtBot, ctx: AppContext, dsl: Session) -> None:
    child = add_child(dsl)
    form = ConcernDialog(ctx, dsl, child_ids=[child])
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    qtbot.keyClicks(form.where, "Bus stop")
    qtbot.keyClick(form.where, Qt.Key.Key_Escape)
    assert not form.isVisible()  # and the draft was kept
    assert concerns.my_concerns(dsl)[0].content.location == "Bus stop"


# -- a small screen: 1366x768 at 150% leaves about 910x510 logical pixels -------------------


def _inside(widget: QWidget, window: QWidget) -> bool:
    """Drawn within the window and not scrolled out of sight."""
    shown = widget.visibleRegion().boundingRect()
    return widget.isVisibleTo(window) and shown.height() >= widget.height() - 1


def test_the_concern_form_keeps_action_informed_and_urgency_in_sight(
    qtbot: QtBot, ctx: AppContext, dsl: Session,
) -> None:
    form = ConcernDialog(ctx, dsl, child_ids=[add_child(dsl)])
    qtbot.addWidget(form)
    form.show()
    form.resize(900, 470)
    qtbot.waitExposed(form)
    qtbot.wait(10)
    for field in (form.action, form.informed, form.urgency):
        assert _inside(field, form), field.accessibleName()


@pytest.mark.parametrize("size", [(1340, 708), (871, 452), (643, 324)],
                         ids=["100%", "150%", "200%"])
def test_the_writing_prompts_show_while_the_facts_are_written(
    qtbot: QtBot, the_look: None, ctx: AppContext, dsl: Session, size: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """1366x768 at 100%, 150% and 200% (as fit_to_screen sizes it): the prompt under the facts box
    comes into sight as it appears, with the line being typed still in sight too."""
    import cerecorder.ui.concern_form as concern_form

    # the form opens at the size fit_to_screen gives it on that screen
    monkeypatch.setattr(concern_form, "fit_to_screen", lambda w, *_: w.resize(*size))
    form = ConcernDialog(ctx, dsl, child_ids=[add_child(dsl)])
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    qtbot.wait(50)  # the layout settles at its size first
    form.facts.setFocus()
    qtbot.keyClicks(form.facts, "Seen at the gate at 15:40 with JS. I think he was scared")
    note = form.notes["facts"]
    qtbot.wait(100)  # the prompt shown, the layout settled
    assert "opinion" in note.text()
    assert _inside(note, form)
    assert note.visibleRegion().boundingRect().width() >= note.width() - 1  # not cut off
    assert note.height() >= note.heightForWidth(note.width())  # every line of it
    for button in (form.when.now_button, form.when.today_button, form.when.yesterday_button):
        # the quick choices fit the column whole, one under another where they must
        assert button.width() >= button.sizeHint().width(), button.text()
        right = button.mapTo(form.middle.viewport(), QPoint(button.width(), 0)).x()
        assert right <= form.middle.viewport().width(), button.text()
    caret = form.facts.cursorRect()
    shown = form.facts.viewport().visibleRegion().boundingRect()
    assert shown.contains(caret.center()), (caret, shown)


def test_settings_buttons_never_lie_on_the_users_table(
    qtbot: QtBot, ctx: AppContext, dsl: Session,
) -> None:
    dialog = SettingsDialog(ctx, dsl)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.resize(900, 450)
    qtbot.waitExposed(dialog)
    assert dialog.height() <= 450  # it fits the screen: no OK and Cancel below its edge
    table = dialog.users_view
    area = QRect(table.mapTo(dialog, QPoint(0, 0)), table.size())
    for button in (dialog.add_button, dialog.remove_button):
        spot = QRect(button.mapTo(dialog, QPoint(0, 0)), button.size())
        assert not spot.intersects(area), button.text()
    ok = dialog.findChild(QDialogButtonBox).geometry()
    assert dialog.rect().contains(ok)  # OK and Cancel stay within the window


@pytest.mark.parametrize("width", [900, 680], ids=["150%", "200%"])
def test_the_child_window_fits_a_small_screen_with_every_button_in_sight(
    qtbot: QtBot, the_look: None, ctx: AppContext, dsl: Session, width: int,
) -> None:
    """Its rows of buttons and filters wrap: none makes the window wider than the screen
    (at 150% the last buttons were off its right edge)."""
    window = ChildWindow(ctx, dsl, add_child(dsl))
    qtbot.addWidget(window)
    window.show()
    window.resize(width, 500)
    qtbot.waitExposed(window)
    qtbot.wait(10)
    assert window.width() <= width
    buttons = [b for b in window.findChildren(QPushButton) if b.isVisibleTo(window)]
    assert len(buttons) >= 12
    for button in [*buttons, window.significant_only]:
        spot = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
        assert window.rect().contains(spot), button.text()



def test_the_statuses_dialog_fits_a_small_screen(qtbot: QtBot, dsl: Session) -> None:
    dialog = StatusDialog(dsl, add_child(dsl), "Zoë Ólafsdóttir")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.resize(900, 500)
    qtbot.waitExposed(dialog)
    assert dialog.width() <= 900
    tabs = dialog.findChild(QTabWidget)
    for page in range(tabs.count()):
        tabs.setCurrentIndex(page)
        qtbot.wait(10)
        for button in dialog.findChildren(QPushButton):
            if button.isVisibleTo(dialog):
                spot = QRect(button.mapTo(dialog, QPoint(0, 0)), button.size())
                assert dialog.rect().contains(spot), button.text()

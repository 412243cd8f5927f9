"""End-to-end flows through the real windows (offscreen): first run, create a vault,
record a concern about two children, submit, triage, chronology, lock, unlock."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from cerecorder import paths
from cerecorder.domain.model import ConcernStatus, EntryType, TriageDecision, Urgency
from cerecorder.export.pdf import PdfRenderer
from cerecorder.services import chronology, concerns, dsl, session
from cerecorder.services.session import Session
from cerecorder.ui.concern_form import ConcernDialog
from cerecorder.ui.context import AppContext, FileDialogs, UiSettings
from cerecorder.ui.controller import AppController
from cerecorder.ui.main_window import MainWindow
from cerecorder.ui.models import ConcernListModel
from cerecorder.ui.roster_model import RosterModel
from cerecorder.ui.setup import SetupWizard, StartDialog
from cerecorder.ui.unlock import UnlockDialog

from helpers import FAST_KDF, TAXONOMY, MockClock, add_child

UI_DIR = Path(__file__).resolve().parent.parent / "ui"


class SteeredDialogs(FileDialogs):
    """The file-dialog seam, answered by the test instead of a person."""

    def __init__(self) -> None:
        self.answers: list[Path | None] = []
        self.suggested: list[Path] = []
        self.shown: list[Path] = []

    def save_path(self, parent: object, title: object, suggested: Path,
                  *args: object) -> Path | None:
        self.suggested.append(suggested)
        return self.answers.pop(0)

    def show_folder(self, folder: Path) -> None:
        self.shown.append(folder)

    def folder(self, *args: object) -> Path | None:
        return self.answers.pop(0)


@pytest.fixture
def ctx(tmp_path: Path, clock: MockClock) -> AppContext:
    saved: list[UiSettings] = []
    return AppContext(
        clock=clock, taxonomy=TAXONOMY, settings=UiSettings(), save_settings=saved.append,
        default_vault_dir=tmp_path / "school-vault", demo_vault_dir=tmp_path / "demo-vault",
        ui_dir=UI_DIR, file_dialogs=SteeredDialogs(), kdf=FAST_KDF,
        documents=PdfRenderer(paths.resources_dir() / "fonts"),
    )


@pytest.fixture
def answer_yes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Stand in for the person answering confirmation boxes; remembers what was asked."""
    asked: list[str] = []

    def question(parent: object, title: str, text: str, *args: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_first_run_offers_create_demo_and_open(qtbot: QtBot, ctx: AppContext) -> None:
    controller = AppController(ctx)
    controller.start()
    assert isinstance(controller.dialog, StartDialog)
    qtbot.addWidget(controller.dialog)
    buttons = {b.accessibleName() for b in controller.dialog.findChildren(QPushButton)}
    assert buttons == {"Create a school vault", "Open the demo vault",
                       "Open an existing vault"}


def test_create_a_vault_with_the_wizard(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    wizard = SetupWizard(ctx)
    qtbot.addWidget(wizard)
    created: list[Session] = []
    wizard.created.connect(created.append)
    wizard.show()
    wizard.location.path.setText(str(tmp_path / "our vault"))
    wizard.next()
    wizard.user.login.setText("jsmith")
    wizard.user.display.setText("Jo Smith (DSL)")
    wizard.next()
    page = wizard.currentPage()
    page.first.setText("short")  # type: ignore[attr-defined]
    page.second.setText("short")  # type: ignore[attr-defined]
    assert not page.isComplete()
    page.first.setText("plum orchard lantern river")  # type: ignore[attr-defined]
    page.second.setText("plum orchard lantern river")  # type: ignore[attr-defined]
    assert page.isComplete()
    wizard.next()  # commit page: creates the vault
    assert (tmp_path / "our vault" / "vault.db").is_file()
    assert len(wizard.recovery_key) == 44
    recovery_page = wizard.currentPage()
    shown = recovery_page.key.text().replace("\n", "")  # type: ignore[attr-defined]
    assert shown == wizard.recovery_key  # on two lines, so no group is ever clipped
    # the recovery key can be saved as a PDF through the file-dialog seam
    pdf = tmp_path / "recovery.pdf"
    ctx.file_dialogs.answers.append(pdf)  # type: ignore[attr-defined]
    wizard.save_key_pdf()
    assert pdf.read_bytes().startswith(b"%PDF")
    # finishing needs the "stored safely" confirmation
    assert not wizard.button(wizard.WizardButton.FinishButton).isEnabled()
    recovery_page.stored.setChecked(True)  # type: ignore[attr-defined]
    assert wizard.button(wizard.WizardButton.FinishButton).isEnabled()
    # once the vault exists, Escape or closing cannot lose the recovery key
    wizard.reject()
    assert wizard.isVisible() and wizard.session is not None
    wizard.accept()
    assert created and created[0].user.name == "jsmith"
    assert ctx.settings.last_vault == str(tmp_path / "our vault")
    created[0].lock()


def _concern_dialog(qtbot: QtBot, ctx: AppContext, s: Session,
                    child_ids: list[int]) -> ConcernDialog:
    dialog = ConcernDialog(ctx, s, child_ids=child_ids)
    qtbot.addWidget(dialog)
    return dialog


def test_record_a_concern_about_two_children_with_signs(
    qtbot: QtBot, ctx: AppContext, dsl_session: Session, answer_yes: list[str],
    clock: MockClock,
) -> None:
    s = dsl_session
    amy, ben = add_child(s, "Amy", "Khan"), add_child(s, "Ben", "Osei")
    add_child(s, "Cara", "Nowak")
    dialog = _concern_dialog(qtbot, ctx, s, [amy])
    # tick Ben too, through the picker
    for i in range(dialog.pupil_list.count()):
        item = dialog.pupil_list.item(i)
        if item.text().startswith("Ben Osei"):
            item.setCheckState(Qt.CheckState.Checked)
    assert "Amy Khan" in dialog.chosen.text() and "Ben Osei" in dialog.chosen.text()
    qtbot.keyClicks(dialog.when.edit, "16/11/2026 08:15")  # never assumed: typed
    qtbot.keyClicks(dialog.where, "Bus stop by the park")
    dialog.facts.setPlainText("Both seen getting into a grey car with two older men at 15:40; "
                              "Amy had a new phone and £50 in cash.")
    dialog.words.setPlainText("“They're my cousins, they look after us.”")
    dialog.opinion.setPlainText("Both looked frightened.")
    dialog.tick_sign("SHARED-01")
    dialog.tick_sign("CSE-01")
    dialog.set_urgency(Urgency.HIGH)
    dialog.informed.setText("DSL by phone")
    # the draft autosaves into the vault
    qtbot.waitUntil(lambda: dialog.draft_id is not None, timeout=5000)
    draft = concerns.my_concerns(s, ConcernStatus.DRAFT)[0]
    assert draft.content.child_ids == (amy, ben)
    assert draft.content.indicator_codes == {"SHARED-01", "CSE-01"}
    dialog.submit()
    assert "permanent record" in answer_yes[0]
    assert dialog.submitted
    submitted = concerns.my_concerns(s, ConcernStatus.SUBMITTED)
    assert len(submitted) == 1 and submitted[0].content.urgency is Urgency.HIGH
    assert submitted[0].content.facts.startswith("Both seen")


def test_quality_prompts_are_gentle(qtbot: QtBot, ctx: AppContext, dsl_session: Session,
                                    answer_yes: list[str]) -> None:
    child = add_child(dsl_session)
    dialog = _concern_dialog(qtbot, ctx, dsl_session, [child])
    dialog.facts.setPlainText("JS upset.")
    dialog.when.just_now()
    dialog.set_urgency(Urgency.IMMEDIATE)
    prompts = " ".join(dialog.quality_prompts())
    assert "very short" in prompts and "initials" in prompts and "nobody" in prompts
    dialog.submit()  # prompts are shown, not enforced
    assert "very short" in answer_yes[0]
    assert dialog.submitted


def test_a_huge_paste_is_refused_and_stays_on_screen(qtbot: QtBot, ctx: AppContext,
                                                     dsl_session: Session,
                                                     answer_yes: list[str]) -> None:
    child = add_child(dsl_session)
    dialog = _concern_dialog(qtbot, ctx, dsl_session, [child])
    dialog.show()
    dialog.facts.setPlainText("x" * 1_048_576)
    assert not dialog.save_draft()
    assert "Not saved" in dialog.message.text()
    assert len(dialog.facts.toPlainText()) == 1_048_576
    assert concerns.my_concerns(dsl_session) == []
    dialog.show()
    dialog.close()  # closing asks before the unsaved text is dropped
    assert "lose the unsaved changes" in answer_yes[0]
    assert not dialog.isVisible()  # answered yes: closed


def test_main_window_pupil_search_and_triage_queue(qtbot: QtBot, ctx: AppContext,
                                                   dsl_session: Session,
                                                   clock: MockClock) -> None:
    s = dsl_session
    amy = add_child(s, "Amy", "Khan", year_group="9", reg_group="9K", upn="A123456789012")
    add_child(s, "Ben", "Osei", year_group="10", reg_group="10R")
    from helpers import content

    concern_id = concerns.record_concern(s, content((amy,), clock))
    window = MainWindow(ctx, s)
    qtbot.addWidget(window)
    assert window.roster.rowCount() == 2
    qtbot.keyClicks(window.search_box, "9k")
    assert window.roster.rowCount() == 1
    window.search_box.setText("A1234")
    assert window.roster.rowCount() == 1
    window.search_box.clear()
    window.only_open.setChecked(True)
    assert window.roster.rowCount() == 1
    assert window.queue_model.rowCount() == 1
    assert window.tabs.tabText(window.tabs.indexOf(window.queue_page)) == "&Triage queue (1)"
    dsl.triage(s, concern_id, TriageDecision.MONITOR, "Mentor to check in weekly")
    window.refresh()
    assert window.queue_model.rowCount() == 0
    assert window.roster.rowCount() == 0  # no open concerns left
    rows = chronology.chronology(s, amy)
    assert [r.entry_type for r in rows] == [EntryType.CONCERN, EntryType.TRIAGE]


def test_shortcuts_for_the_frequent_actions(qtbot: QtBot, ctx: AppContext,
                                            dsl_session: Session) -> None:
    window = MainWindow(ctx, dsl_session)
    qtbot.addWidget(window)
    shortcuts = {a.text().replace("&", ""): a.shortcut().toString() for a in window.actions()}
    assert shortcuts["New concern"] == "Ctrl+N"
    assert shortcuts["Search concerns"] == "Ctrl+F"
    assert shortcuts["Lock"] == "Ctrl+L"
    window.toggle_privacy()
    assert window.stack.currentWidget() is window.privacy
    window.toggle_privacy()
    assert window.stack.currentWidget() is window.tabs


def test_models_pass_the_model_tester(qtmodeltester: object, dsl_session: Session,
                                      clock: MockClock) -> None:
    from cerecorder.services import children

    from helpers import content

    child = add_child(dsl_session, year_group="9")
    concerns.record_concern(dsl_session, content((child,), clock))
    roster = RosterModel()
    roster.set_rows(children.roster(dsl_session))
    qtmodeltester.check(roster)  # type: ignore[attr-defined]
    add_child(dsl_session, "Amy", "Khan", year_group="7")
    roster.set_rows(children.roster(dsl_session))
    roster.set_text("amy")  # the model filters itself: a layout change of fewer rows
    qtmodeltester.check(roster)  # type: ignore[attr-defined]
    roster.set_text("")
    roster.sort(2, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(roster)  # type: ignore[attr-defined]
    mine = ConcernListModel()
    mine.set_rows([(c, "Zoë") for c in concerns.my_concerns(dsl_session)])
    qtmodeltester.check(mine)  # type: ignore[attr-defined]


def test_pupil_filter_keeps_its_words_over_new_rows_and_a_new_order(
        qtbot: QtBot, ctx: AppContext, dsl_session: Session) -> None:
    """The roster works out the pupils who pass once per change: a refresh (new rows)
    and a sort (a new order) are filtered again, a change that lets the same pupils
    through does not make the list lay itself out (and repaint) again, and the pupil
    highlighted stays highlighted while they still show."""
    from PySide6.QtCore import QPersistentModelIndex

    from cerecorder.services import children

    s = dsl_session
    for first, last, year in (("Amy", "Khan", "9"), ("Amir", "Osei", "10"),
                              ("Ben", "Amos", "11")):
        add_child(s, first, last, year_group=year)
    roster = RosterModel()
    roster.set_rows(children.roster(s))
    relaid: list[int] = []
    roster.layoutChanged.connect(lambda *_: relaid.append(1))

    def names() -> list[str]:
        return [roster.index(r, 0).data() for r in range(roster.rowCount())]

    roster.set_text("am")
    assert sorted(names()) == ["Amir Osei", "Amy Khan", "Ben Amos"]
    assert relaid == []  # every pupil still shows: nothing to lay out
    amy = QPersistentModelIndex(roster.index(names().index("Amy Khan"), 0))
    roster.set_text("amy")
    assert names() == ["Amy Khan"] and relaid == [1]
    assert amy.isValid() and amy.data() == "Amy Khan"  # the highlighted pupil kept
    roster.set_text("AMY ")  # the same pupils pass: nothing to redo
    assert names() == ["Amy Khan"] and relaid == [1]
    roster.set_text("ben")
    assert names() == ["Ben Amos"] and not amy.isValid()  # gone from the list
    roster.set_text("am")
    add_child(s, "Amelia", "Zhou", year_group="7")
    roster.set_rows(children.roster(s))  # a refresh: new rows under the same words
    assert sorted(names()) == ["Amelia Zhou", "Amir Osei", "Amy Khan", "Ben Amos"]
    roster.sort(2, Qt.SortOrder.DescendingOrder)  # by year, 11 first
    assert names() == ["Ben Amos", "Amir Osei", "Amy Khan", "Amelia Zhou"]
    roster.set_text("os")
    assert names() == ["Ben Amos", "Amir Osei"]  # still in the order chosen
    assert [r.child.display_name for r in roster.all_rows()][:2] == ["Ben Amos",
                                                                    "Amir Osei"]
    assert len(roster.all_rows()) == 4  # the whole roll, whatever shows


def test_wrong_passphrase_lock_and_unlock(qtbot: QtBot, ctx: AppContext, vault_dir: Path,
                                          clock: MockClock) -> None:
    from helpers import DSL_PASS, new_vault

    new_vault(vault_dir, clock).lock()
    ctx.settings.last_vault = str(vault_dir)
    controller = AppController(ctx)
    controller.start()
    dialog = controller.dialog
    assert isinstance(dialog, UnlockDialog)
    qtbot.addWidget(dialog)
    assert dialog.user.currentText() == "dsl"
    qtbot.keyClicks(dialog.passphrase, "not it")
    dialog.try_unlock()
    assert "not right" in dialog.message.text()
    assert dialog.passphrase.text() == ""
    qtbot.keyClicks(dialog.passphrase, DSL_PASS)
    dialog.try_unlock()
    window = controller.window
    assert isinstance(window, MainWindow) and controller.session is not None
    # Ctrl+L locks: the session closes, the window goes, the unlock dialog returns
    window.lock_action.trigger()
    assert controller.session is None and controller.window is None
    assert isinstance(controller.dialog, UnlockDialog)
    qtbot.addWidget(controller.dialog)
    with pytest.raises(Exception, match="locked"):
        window.session.uow()


def test_idle_auto_lock(qtbot: QtBot, ctx: AppContext, vault_dir: Path,
                        clock: MockClock) -> None:
    from helpers import DSL_PASS, new_vault

    new_vault(vault_dir, clock).lock()
    controller = AppController(ctx)
    controller.unlocked(session.unlock(vault_dir, user_name="dsl", passphrase=DSL_PASS,
                                       clock=clock, taxonomy=TAXONOMY))
    assert controller.idle.isActive()
    assert controller.idle.interval() == 5 * 60_000
    controller.idle.setInterval(50)  # as if five minutes went by without a keypress
    controller.idle.start()
    qtbot.waitUntil(lambda: controller.session is None, timeout=3000)
    assert controller.window is None
    assert isinstance(controller.dialog, UnlockDialog)
    qtbot.addWidget(controller.dialog)


@pytest.fixture
def dsl_session(dsl: Session) -> Session:
    return dsl



def test_first_run_opens_the_demo_vault(qtbot: QtBot, ctx: AppContext) -> None:
    """Start, choose the demo: it is built off the GUI thread, then unlocks as DEMO."""
    from cerecorder.ui.controller import DEMO_PASSPHRASE

    controller = AppController(ctx)
    controller.start()
    start = controller.dialog
    assert isinstance(start, StartDialog)
    qtbot.addWidget(start)
    start._choose(StartDialog.DEMO)
    qtbot.waitUntil(lambda: isinstance(controller.dialog, UnlockDialog), timeout=120_000)
    unlock = controller.dialog
    assert isinstance(unlock, UnlockDialog)
    qtbot.addWidget(unlock)
    assert DEMO_PASSPHRASE in unlock.hint.text()
    assert unlock.user.currentText() == "demo"
    unlock.passphrase.setText(DEMO_PASSPHRASE)
    unlock.try_unlock()
    window = controller.window
    assert isinstance(window, MainWindow)
    assert "DEMO" in window.windowTitle()
    assert window.roster.rowCount() > 1000  # a whole school of fictional pupils
    assert window.queue_model.rowCount() > 0
    controller.lock(reopen=False)


def test_pupil_list_sorts_by_any_column_and_keeps_it_on_refresh(
    qtbot: QtBot, ctx: AppContext, dsl_session: Session
) -> None:
    for forenames, surname, year in (("Amy", "Khan", "9"), ("Ben", "Osei", "11"),
                                     ("Cara", "Nowak", "7"), ("Dev", "Patel", "10")):
        add_child(dsl_session, forenames, surname, year_group=year)
    window = MainWindow(ctx, dsl_session)
    qtbot.addWidget(window)

    def names() -> list[str]:
        return [window.roster.index(r, 0).data() for r in range(window.roster.rowCount())]

    assert names() == ["Amy Khan", "Ben Osei", "Cara Nowak", "Dev Patel"]
    window.pupil_view.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # Year: 11 before 9
    assert names() == ["Ben Osei", "Dev Patel", "Amy Khan", "Cara Nowak"]
    window.search_box.setText("a")  # filtering keeps the order
    assert names() == ["Dev Patel", "Amy Khan", "Cara Nowak"]
    window.search_box.clear()
    window.refresh()
    assert names() == ["Ben Osei", "Dev Patel", "Amy Khan", "Cara Nowak"]


def test_a_draft_that_cannot_be_saved_at_lock_is_reported_after_unlock(
    qtbot: QtBot, ctx: AppContext, vault_dir: Path, clock: MockClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from helpers import DSL_PASS, new_vault

    s = new_vault(vault_dir, clock)
    child = add_child(s)
    controller = AppController(ctx)
    controller.unlocked(s)
    assert controller.window is not None
    form = ConcernDialog(ctx, s, child_ids=[child], parent=controller.window)
    form.facts.setPlainText("x" * 1_048_576)  # too long to save
    controller.lock()
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda parent, title, text, *a: told.append(text))
    controller.unlocked(session.unlock(vault_dir, user_name="dsl", passphrase=DSL_PASS,
                                       clock=clock, taxonomy=TAXONOMY))
    assert told and "could not be saved" in told[0] and "100,000" in told[0]
    assert isinstance(controller.dialog, (type(None), UnlockDialog))
    controller.lock(reopen=False)


def test_the_chronology_window_saves_a_protected_pdf(
    qtbot: QtBot, ctx: AppContext, dsl_session: Session, clock: MockClock, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from cerecorder.ui.dsl_views import ChildWindow

    from helpers import content

    child = add_child(dsl_session, "Zoë", "Ólafsdóttir")
    concerns.record_concern(dsl_session, content((child,), clock, facts="New phone, cash."))
    window = ChildWindow(ctx, dsl_session, child)
    qtbot.addWidget(window)
    dialog = window.export_pdf()
    qtbot.addWidget(dialog)
    dialog.save()
    assert "Say why" in dialog.message.text()  # the purpose goes on the cover
    dialog.purpose.setText("Strategy meeting with MASH")
    dialog.password.setText("pdf password 1")
    dialog.again.setText("pdf password 1")
    out = tmp_path / "chronology.pdf"
    ctx.file_dialogs.answers.append(out)  # type: ignore[attr-defined]
    dialog.save()
    assert dialog.saved == out
    reader = PdfReader(str(out))
    assert reader.is_encrypted
    assert reader.decrypt("wrong") == 0
    reader.decrypt("pdf password 1")
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Zoë Ólafsdóttir" in text and "OFFICIAL-SENSITIVE" in text
    assert "Strategy meeting with MASH" in text
    actions = [row[3] for row in dsl_session.vault.uow().audit.rows()]
    assert "exported" in actions


def test_the_export_dialog_refuses_a_weak_password_and_suggests_one(
    qtbot: QtBot, ctx: AppContext, dsl_session: Session, clock: MockClock, tmp_path: Path
) -> None:
    from pypdf import PdfReader
    from PySide6.QtWidgets import QLineEdit

    from cerecorder.domain import pdf_password
    from cerecorder.ui.concern_view import ConcernViewDialog

    from helpers import content

    concern_id = concerns.record_concern(
        dsl_session, content((add_child(dsl_session),), clock, facts="New phone, cash."))
    view = ConcernViewDialog(ctx, dsl_session, concern_id)
    qtbot.addWidget(view)
    dialog = view.export_pdf()
    qtbot.addWidget(dialog)
    assert pdf_password.SEPARATELY in dialog.warning.text()
    dialog.password.setText("secret")
    dialog.again.setText("secret")
    ctx.file_dialogs.answers.append(tmp_path / "never.pdf")  # type: ignore[attr-defined]
    dialog.save()
    assert "too short" in dialog.message.text() and dialog.saved is None
    assert not (tmp_path / "never.pdf").exists()
    qtbot.mouseClick(dialog.suggest, Qt.MouseButton.LeftButton)
    suggested = dialog.password.text()
    assert suggested == dialog.again.text() and pdf_password.problem(suggested) == ""
    assert dialog.password.echoMode() == QLineEdit.EchoMode.Normal  # to be written down
    assert suggested in dialog.message.text() and "separately" in dialog.message.text()
    out = tmp_path / "concern.pdf"
    ctx.file_dialogs.answers[:] = [out]  # type: ignore[attr-defined]
    dialog.save()
    assert dialog.saved == out
    reader = PdfReader(str(out))
    assert reader.is_encrypted and reader.decrypt(suggested) != 0


def test_the_concern_view_saves_the_record_as_a_pdf(
    qtbot: QtBot, ctx: AppContext, dsl_session: Session, clock: MockClock, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from cerecorder.ui.concern_view import ConcernViewDialog

    from helpers import content

    child = add_child(dsl_session, "Nguyễn", "Văn An")
    concern_id = concerns.record_concern(
        dsl_session, content((child,), clock, facts="Seen with <b>cash</b> and a phone."))
    view = ConcernViewDialog(ctx, dsl_session, concern_id)
    qtbot.addWidget(view)
    dialog = view.export_pdf()
    qtbot.addWidget(dialog)
    out = tmp_path / "concern.pdf"
    ctx.file_dialogs.answers.append(out)  # type: ignore[attr-defined]
    dialog.save()  # no password: allowed, the dialog has said it is a readable copy
    assert dialog.saved == out and "readable copy" in dialog.warning.text()
    text = "".join(p.extract_text() for p in PdfReader(str(out)).pages)
    assert "Nguyễn Văn An" in text and "<b>cash</b>" in text and "Page 1 of" in text


def test_the_export_dialog_warns_about_a_name_it_cannot_draw(
    qtbot: QtBot, ctx: AppContext, dsl_session: Session, clock: MockClock
) -> None:
    from cerecorder.ui.dsl_views import ChildWindow

    child = add_child(dsl_session, "محمد", "العلي")
    window = ChildWindow(ctx, dsl_session, child)
    qtbot.addWidget(window)
    dialog = window.export_pdf()
    qtbot.addWidget(dialog)
    assert dialog.name_warning is not None
    assert "محمد العلي: the name is in a right-to-left script" in dialog.name_warning.text()


def test_the_concern_view_saves_a_copy_for_one_childs_file(
    qtbot: QtBot, ctx: AppContext, dsl_session: Session, clock: MockClock, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from cerecorder.ui.concern_view import ConcernViewDialog

    from helpers import content

    zoe = add_child(dsl_session, "Zoë", "Ólafsdóttir")
    kai = add_child(dsl_session, "Kai", "Żółkiewski", upn="C333333333333")
    concern_id = concerns.record_concern(
        dsl_session, content((zoe, kai), clock, facts="Zoë and Kai were given phones."))
    view = ConcernViewDialog(ctx, dsl_session, concern_id)
    qtbot.addWidget(view)
    dialog = view.export_pdf()
    qtbot.addWidget(dialog)
    assert [child for _, child in dialog.copies] == [None, zoe, kai]
    assert dialog.name_warning is None  # both names print faithfully
    assert dialog.copies[0][0].isChecked()  # the DSL's full copy unless chosen
    dialog.copies[1][0].setChecked(True)
    dialog.save()
    assert "Say why this copy is being shared" in dialog.message.text()
    dialog.purpose.setText("Referral to MASH")
    dialog.roles_only.setChecked(True)
    out = tmp_path / "zoe.pdf"
    ctx.file_dialogs.answers.append(out)  # type: ignore[attr-defined]
    dialog.save()
    assert dialog.saved == out
    text = " ".join("".join(p.extract_text() for p in PdfReader(str(out)).pages).split())
    assert "Zoë and [another pupil] were given phones." in text
    assert "Kai" not in text and "C333333333333" not in text and "Referral to MASH" in text
    assert "Staff are named by their role only" in text and "Recorded by DSL" in text


def test_an_export_is_named_by_its_document_id_and_says_where_it_was_saved(
    qtbot: QtBot, ctx: AppContext, dsl_session: Session, clock: MockClock, tmp_path: Path
) -> None:
    """The file name travels in e-mail attachments and folder listings: never the
    child's name. After saving, the dialog says where, with a way to the folder."""
    from pypdf import PdfReader

    from cerecorder.ui.dsl_views import ChildWindow

    from helpers import content

    child = add_child(dsl_session, "Zoë", "Ólafsdóttir")
    concerns.record_concern(dsl_session, content((child,), clock))
    window = ChildWindow(ctx, dsl_session, child)
    qtbot.addWidget(window)
    dialog = window.export_pdf()
    qtbot.addWidget(dialog)
    dialog.purpose.setText("Strategy meeting")
    out = tmp_path / "out" / "chosen.pdf"
    out.parent.mkdir()
    dialogs = ctx.file_dialogs
    dialogs.answers.append(out)  # type: ignore[attr-defined]
    dialog.save()
    (suggested,) = dialogs.suggested  # type: ignore[attr-defined]
    text = "".join(p.extract_text() for p in PdfReader(str(out)).pages)
    document_id = dialog.document(ctx.documents)[1]  # type: ignore[arg-type]
    assert suggested.name == f"Chronology {document_id}.pdf"
    assert document_id in text
    assert "Zo" not in suggested.name and "lafsd" not in suggested.name
    assert dialog.isVisible()  # stays open to say where the file went
    assert dialog.message.text() == f"Saved to {out}."
    assert dialog.folder_button.isVisibleTo(dialog)
    dialog.folder_button.click()
    assert dialogs.shown == [out.parent]  # type: ignore[attr-defined]


def test_a_member_of_staff_records_a_concern_by_keyboard_alone(
    qtbot: QtBot, ctx: AppContext, dsl_session: Session, clock: MockClock
) -> None:
    """From Ctrl+N to the receipt with keys only: find the pupil, tick them with Space,
    Alt+letter to each box, type, Alt+B to submit, Y to confirm. (ASCII with keyClicks.)"""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from helpers import STAFF_PASS, add_staff, switch_to

    amy = add_child(dsl_session, "Amy", "Khan", year_group="9", reg_group="9K")
    add_child(dsl_session, "Ben", "Osei", year_group="10", reg_group="10R")
    add_staff(dsl_session)
    staff = switch_to(dsl_session, "teacher", STAFF_PASS)
    try:
        window = MainWindow(ctx, staff)
        qtbot.addWidget(window)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        (form,) = window.findChildren(ConcernDialog)
        qtbot.waitUntil(form.isActiveWindow, timeout=3000)

        def type_(text: str) -> None:
            qtbot.keyClicks(QApplication.focusWidget(), text)

        def key(k: Qt.Key, alt: bool = False) -> None:
            modifier = Qt.KeyboardModifier.AltModifier if alt else Qt.KeyboardModifier.NoModifier
            qtbot.keyClick(QApplication.focusWidget(), k, modifier)

        assert QApplication.focusWidget() is form.pupil_filter
        type_("amy")
        key(Qt.Key.Key_Tab)  # into the list, on the one pupil shown
        assert QApplication.focusWidget() is form.pupil_list
        key(Qt.Key.Key_Space)
        assert form.content().child_ids == (amy,)
        key(Qt.Key.Key_E, alt=True)
        type_("16/11/2026 08:15")
        key(Qt.Key.Key_Tab)  # Tab leaves the time
        key(Qt.Key.Key_S, alt=True)
        type_("Amy was picked up at the gate by two older men in a grey car at 08:10.")
        key(Qt.Key.Key_W, alt=True)
        type_('"They are my cousins."')
        key(Qt.Key.Key_Return)  # a new line in a text box, nothing submitted
        assert form.isVisible()

        answered: list[str] = []

        def confirm() -> None:  # the person reads the question and presses Y
            box = QApplication.activeModalWidget()
            if isinstance(box, QMessageBox):
                answered.append(box.text())
                qtbot.keyClick(box, Qt.Key.Key_Y)
            else:
                QTimer.singleShot(50, confirm)

        QTimer.singleShot(50, confirm)
        key(Qt.Key.Key_B, alt=True)
        qtbot.waitUntil(lambda: not form.isVisible(), timeout=5000)
        assert answered and "permanent record" in answered[0]
        assert form.submitted
        assert window.receipt.isVisible()
        assert window.receipt.text() == "Concern #1 submitted to the DSL at 09:30."
        assert window.tabs.currentIndex() == 1  # My concerns, with its status
        assert window.my_model.data(window.my_model.index(0, 3)) == "Submitted"
        (mine,) = concerns.my_concerns(staff)
        assert mine.content.occurred_at is not None
        assert mine.content.child_words == '"They are my cousins."\n'
    finally:
        staff.lock()


def test_my_concerns_shows_a_status_that_moves_and_no_more(
    qtbot: QtBot, ctx: AppContext, dsl_session: Session, clock: MockClock
) -> None:
    """Submitted, seen by the DSL, decision recorded: never which decision."""
    from cerecorder.domain.model import Progress
    from cerecorder.ui.concern_view import ConcernViewDialog

    from helpers import DSL_PASS, STAFF_PASS, add_staff, content, switch_to

    child = add_child(dsl_session)
    own = concerns.record_concern(dsl_session, content((child,), clock))
    concerns.open_concern(dsl_session, own)  # the author opening their own: not "seen"
    add_staff(dsl_session)
    staff = switch_to(dsl_session, "teacher", STAFF_PASS)
    concern_id = concerns.record_concern(staff, content((child,), clock))
    assert [p for _, p in concerns.my_progress(staff)] == [Progress.SUBMITTED]
    dsl = switch_to(staff, "dsl", DSL_PASS)
    assert dict((c.id, p) for c, p in concerns.my_progress(dsl))[own] is Progress.SUBMITTED
    concerns.open_concern(dsl, concern_id)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    window = MainWindow(ctx, staff)
    qtbot.addWidget(window)
    assert window.my_model.data(window.my_model.index(0, 3)) == "Seen by the DSL"
    dsl = switch_to(staff, "dsl", DSL_PASS)
    from cerecorder.services import dsl as dsl_service

    dsl_service.triage(dsl, concern_id, TriageDecision.MONITOR, "Pastoral lead weekly.")
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    try:
        window = MainWindow(ctx, staff)
        qtbot.addWidget(window)
        assert window.my_model.data(window.my_model.index(0, 3)) == "Decision recorded"
        view = ConcernViewDialog(ctx, staff, concern_id)
        qtbot.addWidget(view)
        text = view.content.toPlainText()
        assert "Status\nDecision recorded" in text
        assert "Monitor" not in text and "Pastoral lead weekly" not in text
        assert "Decisions, actions and outcomes" not in text
        assert not view.chronology_button.isVisibleTo(view)
    finally:
        staff.lock()


def test_the_pupil_search_is_blind_to_accents_and_case(
    qtbot: QtBot, ctx: AppContext, dsl_session: Session
) -> None:
    add_child(dsl_session, "Inês", "Gonçalves")
    add_child(dsl_session, "Ioana", "Stănescu")
    add_child(dsl_session, "Amy", "Khan")
    window = MainWindow(ctx, dsl_session)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentWidget(window.pupil_view.parentWidget())  # a DSL starts elsewhere

    def names() -> list[str]:
        return [window.roster.index(r, 0).data() for r in range(window.roster.rowCount())]

    qtbot.keyClicks(window.search_box, "goncalves")
    assert names() == ["Inês Gonçalves"]
    window.search_box.clear()
    qtbot.keyClicks(window.search_box, "STANESCU")
    assert names() == ["Ioana Stănescu"]
    assert not window.no_pupil.isVisible()
    window.search_box.clear()
    qtbot.keyClicks(window.search_box, "nobody")
    assert names() == []
    assert window.no_pupil.isVisible()
    assert window.no_pupil.text() == "No pupil matches \u201cnobody\u201d."


def test_a_leaver_is_greyed_but_legible(qtbot: QtBot, dsl_session: Session) -> None:
    """Leavers are told apart by a greyer text, never below 4.5:1 (WCAG AA) on either
    row colour (the disabled grey Qt gives is about 2:1)."""
    from datetime import date

    from PySide6.QtGui import QColor, QPalette

    from cerecorder.services import children
    from cerecorder.ui.look import contrast

    child = add_child(dsl_session, "Lena", "Left")
    with dsl_session.uow() as uow:
        uow.children.set_left(child, date(2026, 7, 20))
        uow.commit()
    roster = RosterModel()
    roster.set_rows(children.roster(dsl_session, include_left=True))
    roster.set_show_left(True)
    colour = roster.index(0, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(colour, QColor)
    palette = QPalette()
    assert colour != palette.color(QPalette.ColorRole.Text)  # greyed, told apart
    for background in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase):
        assert contrast(colour, palette.color(background)) >= 4.5

#!/usr/bin/env python3
"""Screenshots of every main window and dialog, as real windows on a 1366x768 screen.

    python3 scripts/screenshots.py [--scale 1.5] [--out screenshots/]

Starts Xvfb (Debian: apt-get install xvfb) unless --display is given, builds a demo
school with fictional pupils in a temporary folder, opens each window in turn and grabs
the whole screen, so what is cut off at 1366x768 shows. The PNGs are for looking at;
they are not committed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def start_xvfb(width: int, height: int) -> subprocess.Popen[bytes]:
    if not shutil.which("Xvfb"):
        sys.exit("Xvfb is missing: apt-get install xvfb")
    display = f":{os.getpid() % 500 + 100}"
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", f"{width}x{height}x24",
                               "-nolisten", "tcp"], stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    os.environ["DISPLAY"] = display
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="1", help="QT_SCALE_FACTOR, e.g. 1.25 or 1.5")
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--display", help="use this X display instead of starting Xvfb")
    parser.add_argument("--size", default="school", help="demo size (tiny is quicker)")
    args = parser.parse_args()

    server = None
    if args.display:
        os.environ["DISPLAY"] = args.display
    else:
        server = start_xvfb(1366, 768)
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    os.environ["QT_SCALE_FACTOR"] = args.scale
    work = Path(tempfile.mkdtemp(prefix="cerecorder-shots-"))
    os.environ["CERECORDER_HOME"] = str(work / "home")
    try:
        shoot(args.out, work, args.size)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if server is not None:
            server.terminate()


def shoot(out: Path, work: Path, size: str) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from datetime import timedelta

    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QTextCursor
    from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

    from cerecorder import app as composition
    from cerecorder.domain.model import EntryKind, Mention
    from cerecorder.domain.screening import AnswerGiven
    from cerecorder.services import (
        attention,
        children,
        chronology,
        concerns,
        demo,
        register,
        screening,
        session,
    )
    from cerecorder.services import dsl as dsl_work
    from cerecorder.services.session import KdfParams
    from cerecorder.ui.concern_form import ConcernDialog
    from cerecorder.ui.concern_view import ConcernViewDialog
    from cerecorder.ui.context import FileDialogs
    from cerecorder.ui.controller import DEMO_PASSPHRASE, shut_down
    from cerecorder.ui.dsl_forms import ActionDialog, EventDialog, TriageDialog
    from cerecorder.ui.dsl_views import ChildWindow
    from cerecorder.ui.flag_views import FlagsWindow
    from cerecorder.ui.intel_dialog import IntelReportDialog
    from cerecorder.ui.look import apply_look
    from cerecorder.ui.main_window import MainWindow
    from cerecorder.ui.preview import DocumentPreview
    from cerecorder.ui.roster_import import RosterImportWizard
    from cerecorder.ui.screening_form import ScreeningDialog
    from cerecorder.ui.search_dialog import SearchDialog
    from cerecorder.ui.settings_dialog import SettingsDialog
    from cerecorder.ui.setup import SetupWizard, StartDialog
    from cerecorder.ui.unlock import RecoveryDialog, UnlockDialog

    out.mkdir(parents=True, exist_ok=True)
    qt = QApplication([])
    ctx = composition.build_context()
    ctx.kdf = KdfParams(memory_kib=8192, iterations=1, lanes=1)  # screenshots, not security
    ctx.default_vault_dir = work / "school-vault"
    ctx.demo_vault_dir = work / "demo-vault"
    apply_look(qt, ctx.ui_dir)
    passphrase = DEMO_PASSPHRASE
    print(f"building a {size} demo vault…", flush=True)
    demo.create_demo_vault(ctx.demo_vault_dir, passphrase=passphrase, seed=1, size=size,
                           clock=ctx.clock, taxonomy=ctx.taxonomy, kdf=ctx.kdf,
                           evidence=ctx.demo_files() if ctx.demo_files else None)

    def snap(name: str, widget: QWidget, prepare: Callable[[], object] | None = None) -> None:
        widget.show()
        widget.raise_()
        widget.activateWindow()
        if prepare is not None:
            prepare()
        for _ in range(10):
            qt.processEvents()
            time.sleep(0.03)
        screen = QGuiApplication.primaryScreen()
        screen.grabWindow(0).save(str(out / f"{name}.png"))
        print(f"  {out / name}.png", flush=True)

    snap("01-start", StartDialog(ctx))
    wizard = SetupWizard(ctx)
    snap("02-setup-location", wizard)
    wizard.next()
    wizard.user.login.setText("jsmith")
    wizard.user.display.setText("Jo Smith (DSL)")
    snap("03-setup-user", wizard)
    wizard.next()
    page = wizard.currentPage()
    page.first.setText("plum orchard lantern")  # type: ignore[attr-defined]
    page.second.setText("plum orchard lantern")  # type: ignore[attr-defined]
    snap("04-setup-passphrase", wizard)
    wizard.next()
    snap("05-setup-recovery-key", wizard)
    wizard.hide()  # close() is refused once the vault exists (the key must be stored)
    if wizard.session is not None:
        wizard.session.lock()

    unlock = UnlockDialog(ctx, ctx.demo_vault_dir, demo=True)
    unlock.user.setCurrentText("demo")
    unlock.passphrase.setText("wrong guess")
    unlock.try_unlock()
    snap("06-unlock-wrong-passphrase", unlock)
    recovery = RecoveryDialog(ctx, ctx.demo_vault_dir, "demo", unlock)
    recovery.key.setText("not a key")
    recovery.try_recover()  # a two-line message: the rows above keep their height
    snap("06a-forgotten-passphrase", recovery)
    recovery.done(0)
    unlock.close()

    s = session.unlock(ctx.demo_vault_dir, user_name="demo", passphrase=passphrase,
                       clock=ctx.clock, taxonomy=ctx.taxonomy)
    window = MainWindow(ctx, s)
    window.setGeometry(QGuiApplication.primaryScreen().availableGeometry())
    snap("07-needs-attention", window)  # a DSL's first screen
    window.tabs.setCurrentWidget(window.pupil_view.parentWidget())
    snap("07a-main-pupils", window)
    window.search_box.setText("9")
    snap("08-main-pupil-search", window)
    window.search_box.clear()
    window.tabs.setCurrentWidget(window.queue_page)
    snap("09-main-triage-queue", window)
    window.tabs.setCurrentIndex(0)

    roster = children.roster(s)
    longest = max(roster, key=lambda r: r.entries or 0).child
    others = [r.child.id for r in roster[:2]]
    form = ConcernDialog(ctx, s, child_ids=others, parent=window)
    form.where.setText("Bus stop by the park")
    form.facts.setPlainText("Seen getting into a grey car with two older men at 15:40. "
                            "Had a new phone and cash.")
    form.words.setPlainText("\u201cThey're my cousins, they look after us.\u201d")
    form.opinion.setPlainText("Looked frightened and would not make eye contact.")
    for code in ("SHARED-01", "SHARED-05", "KTS-IDENTITY-02"):
        form.tick_sign(code)
    form.informed.setText("DSL by phone at 15:55")
    form.when.set_moment(ctx.clock.now() - timedelta(hours=1))
    form.mentions.set_mentions((Mention(EntryKind.VEHICLE, "grey Astra, AB51 ABC"),
                                Mention(EntryKind.PERSON, "older man they call 'Tiny'")))
    snap("10-new-concern", form)
    form.mentions.kind.setCurrentIndex(form.mentions.kind.findData(EntryKind.PHONE))
    form.mentions.line.setText("07700 900123")
    snap("10b-concern-mentions", form, lambda: (
        form.mentions.line.setFocus(),
        form.findChildren(QScrollArea)[0].ensureWidgetVisible(form.mentions)))
    form.autosave.stop()
    form.done(0)
    checked = ConcernDialog(ctx, s, child_ids=[], parent=window)
    checked.facts.setPlainText("I think JS was obviously scared. She said it was fine.")
    checked.when.edit.setText("31/12/2099 10:00")
    checked.submit()  # what is missing and the prompts, beside their fields
    snap("10a-new-concern-checks", checked)
    checked.autosave.stop()
    checked.done(0)
    writing = ConcernDialog(ctx, s, child_ids=others[:1], parent=window)

    def write_facts() -> None:  # the prompts come into sight as the facts are written
        writing.facts.setFocus()
        writing.facts.setPlainText("Seen at the gate at 15:40 with JS. I think he was "
                                   "scared of the driver.")
        writing.facts.moveCursor(QTextCursor.MoveOperation.End)

    snap("10b-new-concern-writing", writing, write_facts)
    writing.autosave.stop()
    writing.done(0)
    shoot_body_map(ctx, window, snap)
    shoot_attachments(ctx, s, others[:1], window, snap)
    shoot_evidence(ctx, s, window, snap)

    queue = dsl_work.triage_queue(s)
    concern_id = queue[0].id if queue else next(  # a submitted one: drafts open in the form
        c.id for c in concerns.my_concerns(s) if c.status.value != "draft")
    view = ConcernViewDialog(ctx, s, concern_id, window)
    snap("11-concern-view", view)
    view.close()
    decided = next(e.concern_id for e in chronology.chronology(s, longest.id)
                   if e.entry_type.value == "action" and e.concern_id is not None)
    view = ConcernViewDialog(ctx, s, decided, window)
    snap("11a-concern-view-followed-up", view)
    view.close()
    snap("12-triage", TriageDialog(ctx, s, concern_id, window))
    snap("13-action", ActionDialog(ctx, s, concern_id=concern_id, parent=window))
    event = EventDialog(ctx, s, longest.id, window)
    event.when.field.edit.setText("31/12/2099 10:00")  # the check under the box
    snap("14-event", event)
    for w in qt.topLevelWidgets():
        if w is not window:
            w.close()

    flagged = next((line for line in attention.needs_attention(s)
                    if line.need is attention.Need.FLAG), None)
    if flagged is not None and flagged.child_id is not None:
        flag_window = FlagsWindow(ctx, s, flagged.child_id, window, flag_id=flagged.record_id)
        flag_window.no_action.setChecked(True)
        flag_window.review_reason.setPlainText("Discussed with the family; known lift.")
        snap("14a-flag-evidence", flag_window)
        flag_window.close()

    chronology.chronology(s, longest.id)
    child_window = ChildWindow(ctx, s, longest.id, window)
    snap("15-chronology", child_window)
    statuses_dialog = child_window.edit_statuses()
    snap("15f-statuses", statuses_dialog)
    statuses_dialog.close()
    marking = child_window.mark_left()
    marking.destination.setText("Hillside High School")
    snap("15j-mark-as-left", marking)
    marking.close()
    from cerecorder.services import transfer_records

    handed_on = transfer_records.records(s)  # the demo's acknowledged transfer
    if handed_on:
        transferred = ChildWindow(ctx, s, handed_on[0].child_id, window)
        snap("15k-transferred-file", transferred)
        transferred.close()
    export = child_window.export_pdf(printing=True)
    export.purpose.setText("Strategy meeting with MASH")
    snap("15a-print-or-save", export)
    pdf, document_id = export.document(ctx.documents)
    pages = ctx.documents.pages(pdf)
    preview = DocumentPreview(pages, export.file_name(document_id), export)
    snap("15b-preview", preview)
    preview.close()
    pages.close()
    export.close()
    child_window.close()

    # screening (issue 14): the form part-answered, then the chart after three screenings
    made = screening.instrument(s)
    today = ctx.clock.now().date()
    for days, yes in ((120, 2), (60, 9), (10, 20)):
        screening.sign(s, longest.id, made, [
            AnswerGiven(q.code, "yes" if i < yes else "no")
            for i, q in enumerate(made.questions)],
            assessed_on=today - timedelta(days=days), review_on=today + timedelta(days=30))
    form = ScreeningDialog(ctx, s, longest.id, longest.display_name, window)
    for row in form.rows[:7]:
        row.answer.setCurrentIndex(3 if row.question.code.endswith("1") else 1)
    if form.rows[0].actions:
        form.rows[0].actions[0].setChecked(True)
    snap("15f-screening-form", form)
    form.close()
    child_window = ChildWindow(ctx, s, longest.id, window)
    child_window.profile_toggle.setChecked(True)  # the chart is in the profile
    snap("15g-screening-chart", child_window)
    linked = next((r.child_ids[0] for r in register.register(s) if r.child_ids), longest.id)
    report = IntelReportDialog(ctx, s, linked, "a pupil in the storyline", child_window)
    for view in (report.concerns, report.entries):
        for i in range(min(view.count(), 2)):
            if view.item(i).flags() & Qt.ItemFlag.ItemIsUserCheckable:
                view.item(i).setCheckState(Qt.CheckState.Checked)
    report.purpose.setText("Intelligence submission to Essex Police, county lines")
    snap("15h-intel-report", report)
    report.close()
    child_window.close()

    roll = work / "roll.csv"  # this school's roll as an MIS exports it, one change made
    lines = ["UPN,Legal Surname,Legal Forename,DOB,Year,Reg"]
    for row in children.roster(s)[:40]:
        d = row.child.details
        born = d.date_of_birth.strftime("%d/%m/%Y") if d.date_of_birth else ""
        lines.append(f"{d.upn},{d.legal_surname},{d.legal_forenames},{born},"
                     f"{d.year_group},{d.reg_group}")
    lines.append("A886200001234,Nowak,Zofia,14/02/2014,Year 7,7N")
    roll.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    dialogs = ctx.file_dialogs
    ctx.file_dialogs = type("PickRoll", (FileDialogs,), {
        "open_path": lambda self, *_: roll})()
    wizard = RosterImportWizard(ctx, s, window)
    wizard.file_page.choose()
    snap("15c-roll-file", wizard)
    snap("15d-roll-columns", wizard, wizard.next)
    snap("15e-roll-preview", wizard, lambda: (
        wizard.next(), wizard.preview_page.show_only.setCurrentIndex(0)))
    wizard.close()
    ctx.file_dialogs = dialogs
    search = SearchDialog(ctx, s, window)
    search.box.setText("phone")
    snap("16-search", search, search.run_search)
    search.close()
    settings = SettingsDialog(ctx, s, window)
    snap("17-settings", settings)
    if settings.term_dates is not None and ctx.bank_holidays is not None:
        from datetime import date

        from cerecorder.domain.schooldays import Period, PeriodKind
        from cerecorder.services import calendar

        year = date.today().year
        calendar.set_term_dates(s, (
            Period(PeriodKind.TERM, "Autumn term", date(year, 9, 2), date(year, 12, 18)),
            Period(PeriodKind.CLOSURE, "Half term", date(year, 10, 26), date(year, 10, 30)),
            Period(PeriodKind.CLOSURE, "INSET day", date(year, 11, 27), date(year, 11, 27)),
            Period(PeriodKind.TERM, "Spring term", date(year + 1, 1, 4),
                   date(year + 1, 3, 26))), ctx.bank_holidays)
        section = settings.term_dates
        section.refresh()
        section.moved_on.setText(f"22/10/{year}")
        snap("17b-settings-term-dates", settings, lambda: (
            settings.tabs.setCurrentWidget(section), section.check_deadline()))
    settings.close()
    shoot_register(ctx, s, window, snap)
    if ctx.bank_holidays is not None:
        from cerecorder.domain.transfers import StepKind
        from cerecorder.services import transfers

        pupils = children.roster(s)
        today = ctx.clock.now().date()
        first = transfers.open_transfer(s, ctx.bank_holidays, pupils[0].child.id,
                                        today - timedelta(days=20), "Hillside High School")
        transfers.record_step(s, first, StepKind.SENT, "Sealed packet to their DSL",
                              happened_on=today - timedelta(days=19))
        transfers.open_transfer(s, ctx.bank_holidays, pupils[1].child.id,
                                today + timedelta(days=3), "St Anne's Primary")
        second = transfers.open_transfer(s, ctx.bank_holidays, pupils[2].child.id,
                                         today - timedelta(days=30), "Northgate Academy")
        transfers.record_step(s, second, StepKind.SENT, "Recorded post",
                              happened_on=today - timedelta(days=28))
        transfers.record_step(s, second, StepKind.ACKNOWLEDGED, "J. Obi, DSL",
                              happened_on=today - timedelta(days=25))
        moving = window.open_transfers()
        if moving is not None:
            snap("17c-transfers", moving)
            step = moving.record_step()
            if step is not None:
                snap("17d-transfer-step", step)
                step.close()
            moving.close()
        from cerecorder.domain.sar import RedactionKind
        from cerecorder.services import sar

        busiest = max(pupils, key=lambda row: row.entries or 0).child
        case = sar.open_case(s, ctx.bank_holidays, busiest.id, "Ms Adeyemi",
                             "mother", today - timedelta(days=6))
        sar.suggest_other_children(s, case)
        requests = window.open_sars()
        if requests is not None:
            snap("17e-subject-access", requests)
            bench = requests.open_selected()
            if bench is not None:
                entry = next((r for r in bench.rows if r.entry_type.value == "concern"), None)
                if entry is not None:
                    words = entry.event.split()[0]
                    sar.add_redaction(s, case, sar.record_key(entry), "event", words,
                                      RedactionKind.THIRD_PARTY, "Third party, no consent")
                    bench.refresh()
                    bench.list.selectRow(bench.rows.index(entry))
                snap("17f-redaction-workbench", bench)
                bench.close()
            requests.close()
    shoot_desk(ctx, s, window, longest.id, snap)
    shoot_governors(window, snap)
    window.toggle_privacy()
    snap("18-privacy-screen", window)
    window.close()
    s.lock()
    shut_down(qt)


def shoot_desk(ctx: Any, s: Any, window: Any, child_id: int, snap: Callable[..., None]
               ) -> None:
    """The DSL's desk (issue 17): the categories in the concern form, an action with a due
    date and an owner, the actions list, a child's case status, the Ofsted pack."""
    from datetime import timedelta

    from PySide6.QtWidgets import QScrollArea

    from cerecorder.domain.model import ActionKind
    from cerecorder.domain.timefmt import local_date, uk_date
    from cerecorder.services import children, chronology
    from cerecorder.services import dsl as dsl_work
    from cerecorder.ui.actions_window import ActionsWindow
    from cerecorder.ui.case_status import CaseStatusDialog
    from cerecorder.ui.concern_form import ConcernDialog
    from cerecorder.ui.dsl_forms import ActionDialog

    form = ConcernDialog(ctx, s, child_ids=[child_id], parent=window)
    form.categories.set_codes(["CAT-NEGLECT", "CAT-ONLINE", "CAT-CCE"])
    middle = form.categories.list.parentWidget()
    while middle is not None and not isinstance(middle, QScrollArea):
        middle = middle.parentWidget()

    def show_categories() -> None:
        form.categories.list.setFocus()
        if middle is not None:
            middle.ensureWidgetVisible(form.categories.list, 0, 50)
            middle.horizontalScrollBar().setValue(0)  # the captions' start in sight

    snap("10g-concern-categories", form, show_categories)
    form.autosave.stop()
    form.done(0)

    now = ctx.clock.now()
    today = local_date(now, s.tz)
    concern_ids = [e.concern_id for e in chronology.chronology(s, child_id)
                   if e.concern_id is not None]
    for days_ago, due_in, kind, detail in (
            (6, -3, ActionKind.REFERRAL_MASH, "Referral to the front door, ref 4471"),
            (2, 0, ActionKind.PARENTS_INFORMED, "Call mum back about the meeting"),
            (1, 5, ActionKind.EARLY_HELP, "Early help assessment with the family"),
            (3, None, ActionKind.MONITORING, "Weekly check-in with the mentor"),
            (9, -8, ActionKind.REFERRAL_CSC, "Referral, ref 4410")):
        made = dsl_work.record_action(
            s, kind=kind, detail=detail, taken_at=now - timedelta(days=days_ago),
            concern_id=concern_ids[-1] if concern_ids else None,
            child_ids=[child_id],
            due_on=None if due_in is None else today + timedelta(days=due_in),
            owner_id=s.user.id, holidays=ctx.bank_holidays)
    dsl_work.record_outcome(s, text="Strategy discussion held; section 47 not needed.",
                            occurred_at=now - timedelta(days=8), child_id=child_id,
                            action_id=made[0])
    action = ActionDialog(ctx, s, child_id=child_id, parent=window)
    action.kind.setCurrentIndex(action.kind.findData(ActionKind.REFERRAL_CSC))
    action.when.field.just_now()
    action.detail.setPlainText("Phoned the front door; social worker to call back.")
    action.due.edit.setText(uk_date(today + timedelta(days=1)))
    action.owner.setCurrentIndex(1)
    snap("13a-action-due-date", action)
    action.done(0)
    window.refresh()
    actions = ActionsWindow(ctx, s, window)
    actions.closed.setChecked(True)
    snap("17i-actions-list", actions)
    actions.table.selectRow(2)  # an open one
    due = actions.change_due()
    if due is not None:
        snap("17i2-action-due-change", due)
        due.done(0)
    actions.close()

    ctx.case_sign_off = True  # as a school whose policy asks for a second DSL
    name = children.child_profile(s, child_id).child.display_name
    case = CaseStatusDialog(ctx, s, child_id, name, window)
    case.summary.setPlainText("Early help plan ended well; attendance back to 97%, no "
                              "missing episodes since March. Family know how to ask again.")
    snap("15i-case-status-open", case)
    case.do_close()
    snap("15j-case-status-awaiting-sign-off", case)
    case.close()

    pack = window.open_ofsted_pack()
    if pack is not None:
        from PySide6.QtCore import QDate

        pack.dates_choice.setChecked(True)  # the demo's concerns: the school year before
        pack.date_from.setDate(QDate(today.year - 1, 9, 1))
        pack.date_from.editingFinished.emit()
        snap("17j-ofsted-pack", pack)
        pack.close()


def shoot_governors(window: Any, snap: Callable[..., None]) -> None:
    """Vault -> Report for governors, on its first period (this term, or the school year),
    then scrolled to the trend."""
    report = window.open_governors_report()
    if report is None:
        return
    snap("17g-governors-report", report)
    bar = report.figures_area.verticalScrollBar()
    snap("17h-governors-report-trend", report, lambda: bar.setValue(bar.maximum()))
    report.close()


def shoot_body_map(ctx: Any, window: Any, snap: Callable[..., None]) -> None:
    """The body-map editor with two marks, the keyboard cursor showing on the drawing."""
    from cerecorder.domain.body_map import BodyMark
    from cerecorder.ui.body_map import BodyMapEditor

    editor = BodyMapEditor(window, ctx.body_outlines, [
        BodyMark("front", 0.57, 0.31, "bruise", 2.5, "purple, yellowing at the edge",
                 "Below the left collarbone, round", "I walked into the door"),
        BodyMark("front", 0.42, 0.7, "scratch", 4.0, "red", "Right thigh, three lines", "")])
    snap("10c-body-map", editor, editor.canvas.setFocus)
    editor.done(0)


def shoot_attachments(ctx: Any, s: Any, child_ids: list[int], window: Any,
                      snap: Callable[..., None]) -> None:
    """The form with a photographed note and a text file attached, then the list and the
    image viewer."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QColor, QImage, QImageWriter, QPainter

    from cerecorder.services import attachments
    from cerecorder.ui.attachment_viewer import AttachmentsDialog
    from cerecorder.ui.concern_form import ConcernDialog

    note = QImage(640, 420, QImage.Format.Format_RGB32)
    note.fill(QColor("#fdf6d8"))
    painter = QPainter(note)
    painter.setPen(QColor("#1a237e"))
    painter.drawText(note.rect().adjusted(30, 30, -30, -30), Qt.TextFlag.TextWordWrap,
                     "Miss, he said if I tell anyone he will post the pictures. "
                     "Please don't tell my mum.")
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    QImageWriter(buffer, QByteArray(b"PNG")).write(note)
    form = ConcernDialog(ctx, s, child_ids=child_ids, parent=window)
    form.facts.setPlainText("She gave me this note at the end of the lesson.")
    form.when.edit.setText("01/12/2026 11:20")
    draft = form.draft_now()
    attachments.add_to_draft(s, draft, bytes(buffer.data().data()), "note from Year 9.png")
    attachments.add_to_draft(s, draft, b"Messages she read out to me:\nyou owe me\n",
                             "messages.txt")
    form.attachments.load(draft)
    bar = form.middle.verticalScrollBar()
    snap("10d-concern-attachments", form, lambda: bar.setValue(bar.maximum()))
    form.autosave.stop()
    form.done(0)
    listing = AttachmentsDialog(window, s, draft, ctx.documents)
    snap("10e-attachments-list", listing)
    viewer = listing.open_current()
    if viewer is not None:
        snap("10f-attachment-viewer", viewer)
        viewer.done(0)
    listing.done(0)


def shoot_evidence(ctx: Any, s: Any, window: Any, snap: Callable[..., None]) -> None:
    """The demo's evidence: the form with files and a body map, the viewer (a photo with
    its facts, a letter as PDF), the concern view with a corrected map, the maps labelled
    original and correction, Correct body map…, and a child's maps over time."""
    from PySide6.QtCore import Qt

    from cerecorder.domain.attachments import AttachmentKind
    from cerecorder.services import attachments, body_maps
    from cerecorder.ui.attachment_viewer import AttachmentsDialog
    from cerecorder.ui.body_map_views import child_maps_dialog
    from cerecorder.ui.child_evidence import ChildFilesDialog
    from cerecorder.ui.concern_form import ConcernDialog
    from cerecorder.ui.concern_view import ConcernViewDialog
    from cerecorder.ui.preview import DocumentPreview

    found = attachments.listing(s)
    note = next(a for a in found if a.kind is AttachmentKind.JPEG)
    letter = next(a for a in found if a.child_id is not None)
    child = letter.child_id
    corrected = next(m.concern_id for m, _ in body_maps.child_maps(s, child)
                     if m.addendum_id is not None)
    form = ConcernDialog(ctx, s, child_ids=[child], parent=window)
    form.facts.setPlainText("She showed me the note again and a bruise on her arm.")
    form.when.edit.setText("02/12/2026 09:10")
    draft = form.draft_now()
    for each in (note, next(a for a in found if a.kind is AttachmentKind.PNG)):
        attachments.add_to_draft(s, draft, attachments.read(s, each.id)[1], each.file_name)
    form.attachments.load(draft)
    form.body_map.marks = list(body_maps.child_maps(s, child)[-1][0].marks)
    form.body_map._label()
    bar = form.middle.verticalScrollBar()
    snap("10g-form-files-and-body-map", form, lambda: bar.setValue(bar.maximum()))
    form.autosave.stop()
    form.done(0)
    listing = AttachmentsDialog(window, s, note.concern_id, ctx.documents)
    snap("10h-attachments-of-a-concern", listing)
    photo = listing.open_current()
    if photo is not None:
        snap("10i-viewer-photo", photo)
        photo.done(0)
    listing.done(0)
    files = ChildFilesDialog(window, s, child, "the pupil", ctx.documents)
    snap("10j-child-files", files)
    files.pane.open_current()
    for pdf in files.pane.findChildren(DocumentPreview):
        snap("10k-viewer-pdf", pdf)
        pdf.done(0)
    files.done(0)
    view = ConcernViewDialog(ctx, s, corrected, window)
    snap("11b-concern-view-evidence", view)
    maps = view.evidence.open_maps()
    if maps is not None:
        maps.maps.item(0).setCheckState(Qt.CheckState.Checked)
        snap("11c-concern-body-maps", maps)
        maps.done(0)
    correcting = view.evidence.correct_map()
    if correcting is not None:
        snap("11d-correct-body-map", correcting)
        correcting.done(0)
    view.close()
    brought = next(a.concern_id for a in found if a.addendum_id is not None)
    view = ConcernViewDialog(ctx, s, brought, window)
    snap("11e-concern-view-addendum-files", view)
    view.close()
    from cerecorder.ui.dsl_views import ChildWindow

    chronology = ChildWindow(ctx, s, child, window)
    snap("14w-child-window-evidence", chronology, chronology.evidence_button.setFocus)
    chronology.close()
    over_time = child_maps_dialog(window, s, ctx.body_outlines, child, "the pupil")
    snap("14x-child-body-maps", over_time)
    over_time.done(0)


def shoot_register(ctx: Any, s: Any, window: Any, snap: Callable[..., None]) -> None:
    """The register, an entry's page and the network view of the demo's storyline; a
    concern naming a car and a nickname first, so two lines wait for a match."""
    from datetime import timedelta

    from cerecorder.domain.model import ConcernContent, EntryKind, Mention, Urgency
    from cerecorder.services import concerns, register
    from cerecorder.ui.network_view import NetworkWindow
    from cerecorder.ui.register_window import EntryWindow, RegisterWindow

    car = next(r for r in register.register(s) if r.entry.key == "SV18KWD")
    pupil = max(car.child_ids, key=lambda c: len(register.child_entries(s, c)))
    concerns.record_concern(s, ConcernContent(
        child_ids=(pupil,), occurred_at=ctx.clock.now() - timedelta(hours=3),
        location="Bus stop by the park", facts="Seen getting into the silver car again.",
        indicator_codes=frozenset({"KTS-FAMILY-09"}), urgency=Urgency.HIGH, informed="DSL",
        mentions=(Mention(EntryKind.VEHICLE, "silver Astra, SV18 KWD"),
                  Mention(EntryKind.PERSON, "the older lad they call Tiny"))))
    listing = RegisterWindow(ctx, s, window)
    snap("19-register", listing)
    listing.tabs.setCurrentIndex(1)
    snap("19a-register-awaiting-match", listing)
    page = EntryWindow(ctx, s, car.entry.id, window)
    snap("19b-register-entry", page)
    page.tabs.setCurrentIndex(1)
    snap("19c-register-entry-wordings", page)
    page.close()
    listing.close()
    drawn = NetworkWindow.for_child(ctx, s, pupil, window)
    snap("19d-network-child", drawn, lambda: drawn.graph.move_to(1))
    drawn.close()
    drawn = NetworkWindow.for_entry(ctx, s, car.entry.id, window)
    snap("19e-network-entry", drawn)
    drawn.close()


if __name__ == "__main__":
    main()

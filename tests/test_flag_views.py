"""Pattern flags with their evidence, and Needs attention, in the DSL's windows
(offscreen): what they list, what each line opens, the audited review, the lock."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from cerecorder.domain.model import EntryKind, EventKind, Mention, Urgency
from cerecorder.domain.patterns import FlagStatus
from cerecorder.services import attention, concerns, flags, register
from cerecorder.services import dsl as dsl_work
from cerecorder.services.session import Session
from cerecorder.ui.concern_view import ConcernViewDialog
from cerecorder.ui.context import AppContext, UiSettings
from cerecorder.ui.controller import AppController
from cerecorder.ui.dsl_views import ChildWindow
from cerecorder.ui.flag_views import FlagsWindow
from cerecorder.ui.main_window import MainWindow
from cerecorder.ui.needs_attention import NeedsAttention

from helpers import FAST_KDF, TAXONOMY, MockClock, add_child, content

UI_DIR = Path(__file__).resolve().parent.parent / "ui"
FAR = frozenset({"KTS-FAMILY-07"})  # found far from home: one concern raises a flag


@pytest.fixture
def ctx(tmp_path: Path, clock: MockClock) -> AppContext:
    return AppContext(
        clock=clock, taxonomy=TAXONOMY, settings=UiSettings(), save_settings=lambda s: None,
        default_vault_dir=tmp_path / "v", demo_vault_dir=tmp_path / "d", ui_dir=UI_DIR,
        kdf=FAST_KDF, documents=None)


def _audit(s: Session) -> list[str]:
    return [str(r[0]) for r in s.vault.conn.execute("SELECT action FROM audit ORDER BY id")]


def test_a_flag_shows_its_reason_source_and_records_each_of_which_opens(
        qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    concern = concerns.record_concern(dsl, content(
        (amy,), clock, indicator_codes=FAR, facts="Found in Eastcombe, no reason to be there."))
    [flag] = flags.open_flags(dsl, amy)
    window = FlagsWindow(ctx, dsl, amy)
    qtbot.addWidget(window)
    window.show()
    assert window.flag_model.rowCount() == 1
    assert window.flag_model.index(0, 0).data().startswith("Found far from home\nRaised ")
    assert "no known connection" in window.reason.text()
    assert window.source.text().startswith("Source: 003_")
    row = window.evidence_model.index(0, 2)
    assert row.data().startswith(f"Concern #{concern}: Found in Eastcombe")
    assert "Found in towns or districts" in row.data() or "signs:" in row.data()
    window.evidence_table.setFocus()
    window.evidence_table.setCurrentIndex(row)
    opened = window.open_evidence(window.evidence_table.currentIndex())
    assert isinstance(opened, ConcernViewDialog) and opened.concern_id == concern
    opened.close()
    assert flag.id in [d.flag.id for d in attention.flag_details(dsl, amy)]


def test_a_review_needs_an_outcome_and_a_reason_and_is_audited(
        qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    concerns.record_concern(dsl, content((amy,), clock, indicator_codes=FAR))
    window = FlagsWindow(ctx, dsl, amy)
    qtbot.addWidget(window)
    window.show()
    reviewed: list[bool] = []
    window.reviewed.connect(lambda: reviewed.append(True))
    assert not window.review_button.isEnabled()
    window.no_action.setChecked(True)
    assert not window.review_button.isEnabled()  # no reason yet
    window.review_reason.setFocus()
    qtbot.keyClicks(window.review_reason, "   ")
    assert not window.review_button.isEnabled()
    qtbot.keyClicks(window.review_reason, "Visiting her gran in Eastcombe; checked.")
    assert window.review_button.isEnabled()
    qtbot.mouseClick(window.review_button, Qt.MouseButton.LeftButton)
    assert reviewed == [True]
    assert window.flag_model.rowCount() == 0
    assert "No open flags" in window.reason.text()
    assert window.told.text().startswith("Review recorded")
    [history] = flags.child_flags(dsl, amy)
    assert history.flag.status is FlagStatus.REVIEWED
    assert history.reviews[0].reason == "Visiting her gran in Eastcombe; checked."
    assert _audit(dsl).count("flag_reviewed") == 1
    # quiet until new evidence: another such concern raises a new flag
    concerns.record_concern(dsl, content((amy,), clock, indicator_codes=FAR))
    window.reload()
    assert window.flag_model.rowCount() == 1


def test_the_child_window_opens_the_flags(qtbot: QtBot, ctx: AppContext, dsl: Session,
                                          clock: MockClock) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    concerns.record_concern(dsl, content((amy,), clock, indicator_codes=FAR))
    child = ChildWindow(ctx, dsl, amy)
    qtbot.addWidget(child)
    with qtbot.waitActive(child):
        child.show()
        child.activateWindow()
    qtbot.keyClick(child.table, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(child.findChildren(FlagsWindow)), timeout=2000)
    [window] = child.findChildren(FlagsWindow)
    assert window.flag_model.rowCount() == 1 and window.windowTitle().endswith("Amy Khan")


def test_needs_attention_lists_what_waits_and_each_line_opens_its_record(
        qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock) -> None:
    amy, ben = add_child(dsl, "Amy", "Khan"), add_child(dsl, "Ben", "Osei")
    low = concerns.record_concern(dsl, content((ben,), clock, urgency=Urgency.LOW,
                                               indicator_codes=frozenset()))
    urgent = concerns.record_concern(dsl, content(
        (amy,), clock, urgency=Urgency.IMMEDIATE, indicator_codes=FAR,
        mentions=(Mention(EntryKind.VEHICLE, "silver Astra AB51 ABC"),)))
    decided = concerns.record_concern(dsl, content((ben,), clock,
                                                   indicator_codes=frozenset()))
    dsl_work.triage(dsl, decided, dsl_work.TriageDecision.NO_FURTHER_ACTION,
                    "Already known; nothing more.")
    dsl_work.add_event(dsl, child_id=ben, kind=EventKind.MISSING_EPISODE,
                       occurred_at=clock.now() - timedelta(days=1), summary="Missing overnight")
    page = NeedsAttention(ctx, dsl)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    rows = [[page.model.index(r, c).data() for c in range(4)]
            for r in range(page.model.rowCount())]
    needs = [r[0] for r in rows]
    assert needs[:2] == ["New concern: Immediate", "New concern: Low"]  # most urgent first
    assert [r[1] for r in rows[:2]] == ["Amy Khan", "Ben Osei"]
    assert sorted(r[3] for r in rows if r[0] == "Flag to review") == [
        "First missing episode", "Found far from home"]
    mentioned = [r[3].split(" (")[0] for r in rows if r[0] == "Mention awaiting a match"]
    assert mentioned == ["Vehicle: silver Astra AB51 ABC"]
    assert "2 new concerns; 2 flags to review; 1 mention awaiting a match" in \
        page.summary.text()
    assert decided not in [page.model.line(page.model.index(r, 0)).record_id
                           for r in range(page.model.rowCount()) if needs[r].startswith("New")]

    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(page.findChildren(ConcernViewDialog)), timeout=2000)
    [view] = page.findChildren(ConcernViewDialog)
    assert view.concern_id == urgent
    view.close()
    flag_row = needs.index("Flag to review")
    window = page.open_line(page.model.index(flag_row, 0))
    assert isinstance(window, FlagsWindow)
    assert window.current() is not None
    assert window.current().flag.id == page.model.line(page.model.index(flag_row, 0)).record_id
    mention_row = needs.index("Mention awaiting a match")
    opened = page.open_line(page.model.index(mention_row, 0))
    assert isinstance(opened, ConcernViewDialog) and opened.concern_id == urgent
    register.dismiss_mention(dsl, urgent, 0, "Not a vehicle of interest")
    page.refresh()
    assert "Mention awaiting a match" not in [page.model.index(r, 0).data()
                                              for r in range(page.model.rowCount())]
    assert low


def test_a_dsl_starts_on_needs_attention_and_staff_never_see_it(
        qtbot: QtBot, ctx: AppContext, dsl: Session) -> None:
    window = MainWindow(ctx, dsl)
    qtbot.addWidget(window)
    assert window.attention is not None
    assert window.tabs.currentWidget() is window.attention
    assert window.tabs.tabText(0) == "Needs &attention"
    assert "Triage queue" in window.tabs.tabText(window.tabs.indexOf(window.queue_page))


def test_the_lock_empties_needs_attention_and_takes_the_flag_window_away(
        qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    concerns.record_concern(dsl, content((amy,), clock, indicator_codes=FAR))
    controller = AppController(ctx)
    controller.unlocked(dsl)
    main = controller.window
    assert main is not None and main.attention is not None
    qtbot.waitExposed(main)
    page = main.attention
    assert page.model.rowCount() == 2  # the concern and its flag
    flag_row = [page.model.index(r, 0).data() for r in range(2)].index("Flag to review")
    window = page.open_line(page.model.index(flag_row, 0))
    assert isinstance(window, FlagsWindow) and window.isVisible()
    flag_model, evidence_model = window.flag_model, window.evidence_model
    controller.lock(reopen=False)
    assert not window.isVisible()
    assert page.model.rowCount() == 0 and page.summary.text() == ""
    assert flag_model.rowCount() == 0 and evidence_model.rowCount() == 0
    assert not [w for w in QApplication.topLevelWidgets()
                if w.isVisible() and isinstance(w, FlagsWindow | MainWindow)]


def test_an_entry_in_the_evidence_opens_its_register_page(
        qtbot: QtBot, ctx: AppContext, dsl: Session) -> None:
    from cerecorder.domain.model import EntryKind
    from cerecorder.services import register
    from cerecorder.ui.flag_views import open_entry
    from cerecorder.ui.register_window import EntryWindow

    car = register.create_entry(dsl, EntryKind.VEHICLE, {"registration": "AB51 ABC",
                                                         "colour": "silver"})
    window = FlagsWindow(ctx, dsl, add_child(dsl, "Amy", "Khan"))
    qtbot.addWidget(window)
    page = open_entry(window, ctx, dsl, car)
    qtbot.addWidget(page)
    assert isinstance(page, EntryWindow) and page.isVisible()
    assert page.entry_id == car

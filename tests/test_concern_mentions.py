"""The concern form's "People, vehicles, places, phones mentioned" part (offscreen): typed
by keyboard, kept with the draft, carried by the submitted concern."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from cerecorder.domain.model import ConcernStatus, EntryKind, Mention
from cerecorder.domain.register import MAX_MENTIONS
from cerecorder.services import concerns, register
from cerecorder.services.session import Session
from cerecorder.ui.concern_form import ConcernDialog
from cerecorder.ui.context import AppContext, UiSettings

from helpers import (
    DSL_PASS,
    FAST_KDF,
    STAFF_PASS,
    TAXONOMY,
    MockClock,
    add_child,
    add_staff,
    switch_to,
)

UI_DIR = Path(__file__).resolve().parent.parent / "ui"


@pytest.fixture
def ctx(tmp_path: Path, clock: MockClock) -> AppContext:
    return AppContext(
        clock=clock, taxonomy=TAXONOMY, settings=UiSettings(), save_settings=lambda s: None,
        default_vault_dir=tmp_path / "v", demo_vault_dir=tmp_path / "d", ui_dir=UI_DIR,
        kdf=FAST_KDF, documents=None,
    )


def open_form(qtbot: QtBot, ctx: AppContext, s: Session, child_ids: list[int],
              draft_id: int | None = None) -> ConcernDialog:
    form = ConcernDialog(ctx, s, child_ids=child_ids, draft_id=draft_id)
    qtbot.addWidget(form)
    with qtbot.waitActive(form):
        form.show()
        form.activateWindow()
    return form


def type_mention(qtbot: QtBot, form: ConcernDialog, kind: EntryKind, text: str) -> None:
    part = form.mentions
    part.kind.setFocus()
    part.kind.setCurrentIndex(part.kind.findData(kind))
    part.line.setFocus()
    qtbot.keyClicks(part.line, text)
    qtbot.keyClick(part.line, Qt.Key.Key_Return)  # adds the line, never submits


def test_lines_typed_by_keyboard_are_saved_with_the_draft_and_come_back(
        qtbot: QtBot, ctx: AppContext, dsl: Session) -> None:
    child = add_child(dsl)
    form = open_form(qtbot, ctx, dsl, [child])
    qtbot.keyClicks(form.facts, "Got into a silver car after school.")
    type_mention(qtbot, form, EntryKind.VEHICLE, "silver Astra  AB51 ABC")
    type_mention(qtbot, form, EntryKind.PHONE, "07700 900123")
    type_mention(qtbot, form, EntryKind.PERSON, "   ")  # blank: nothing added
    assert form.mentions.list.count() == 2
    assert form.isVisible() and not form.submitted
    assert form.save_draft()
    (draft,) = concerns.my_concerns(dsl, ConcernStatus.DRAFT)
    assert draft.content.mentions == (Mention(EntryKind.VEHICLE, "silver Astra AB51 ABC"),
                                      Mention(EntryKind.PHONE, "07700 900123"))
    form.reject()

    again = open_form(qtbot, ctx, dsl, [], draft_id=draft.id)
    assert again.mentions.mentions() == draft.content.mentions
    assert again.mentions.list.item(0).text() == "Vehicle: silver Astra AB51 ABC"


def test_delete_and_remove_take_a_line_away(qtbot: QtBot, ctx: AppContext,
                                            dsl: Session) -> None:
    form = open_form(qtbot, ctx, dsl, [add_child(dsl)])
    for text in ("the flats behind the retail park", "the bus station", "the chip shop"):
        type_mention(qtbot, form, EntryKind.PLACE, text)
    part = form.mentions
    part.list.setFocus()
    part.list.setCurrentRow(0)
    qtbot.keyClick(part.list, Qt.Key.Key_Delete)
    assert [m.text for m in part.mentions()] == ["the bus station", "the chip shop"]
    part.list.setCurrentRow(1)
    qtbot.keyClick(part.list, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: part.list.count() == 1, timeout=2000)  # a mnemonic clicks later
    assert [m.text for m in form.content().mentions] == ["the bus station"]


def test_the_form_stops_at_the_most_a_concern_may_name(
        qtbot: QtBot, ctx: AppContext, dsl: Session) -> None:
    form = open_form(qtbot, ctx, dsl, [add_child(dsl)])
    for n in range(MAX_MENTIONS + 2):
        form.mentions.line.setText(f"place {n}")
        form.mentions.add()
    assert form.mentions.list.count() == MAX_MENTIONS
    assert not form.mentions.add_button.isEnabled()


def test_a_staff_concern_carries_its_mentions_to_the_dsl(
        qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock) -> None:
    child = add_child(dsl)
    add_staff(dsl)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    form = open_form(qtbot, ctx, staff, [child])
    form.when.set_moment(clock.now() - timedelta(hours=1))
    qtbot.keyClicks(form.facts, "Seen getting into a silver car with an older male.")
    form.informed.setText("DSL in person")
    type_mention(qtbot, form, EntryKind.VEHICLE, "AB51 ABC")
    assert form.submit_now(), form.message.text()
    concern_id = form.draft_id
    assert concern_id is not None
    assert concerns.open_concern(staff, concern_id).concern.content.mentions == (
        Mention(EntryKind.VEHICLE, "AB51 ABC"),)
    # the staff member saw nothing of the register, and the DSL finds the line waiting
    assert not [w for w in QApplication.topLevelWidgets()
                if w.isVisible() and "register" in w.windowTitle().lower()]
    lead = switch_to(staff, "dsl", DSL_PASS)
    waiting = register.pending_mentions(lead)
    assert [(p.concern_id, p.mention.text) for p in waiting] == [(concern_id, "AB51 ABC")]

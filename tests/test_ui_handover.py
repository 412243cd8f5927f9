"""The child window's handover controls (offscreen): statuses and professionals with their
dates, marking an entry significant, the impact on the child, the significant-only filter
and its way into the export dialog."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date

from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from cerecorder.domain.model import EntryType
from cerecorder.domain.statuses import StatusKind
from cerecorder.services import statuses
from cerecorder.services.session import Session
from cerecorder.ui.context import AppContext
from cerecorder.ui.dsl_views import ChildWindow
from test_ui_dsl import ctx as ctx  # the same fixtures
from test_ui_dsl import entry_types, history, ok
from test_ui_dsl import zoe as zoe

from helpers import MockClock


def test_statuses_and_professionals_are_added_and_ended_from_the_dialog(
        qtbot: QtBot, dsl: Session, ctx: AppContext, zoe: int) -> None:
    window = ChildWindow(ctx, dsl, zoe)
    qtbot.addWidget(window)
    dialog = window.edit_statuses()
    dialog.add_status_button.click()
    assert dialog.message.text() == "Choose the status."
    dialog.kind.setCurrentIndex(dialog.kind.findData(StatusKind.CHILD_IN_NEED))
    dialog.started.setDate(QDate(2026, 10, 1))
    dialog.note.setText("Plan review 01/2027")
    dialog.add_status_button.click()
    assert dialog.status_model.rowCount() == 1
    assert [dialog.status_model.item(0, c).text() for c in range(4)] == [
        "Child in need", "01/10/2026", "Current", "Plan review 01/2027"]
    dialog.status_table.selectRow(0)
    dialog.ended.setDate(QDate(2026, 11, 1))
    dialog.end_status_button.click()
    assert dialog.status_model.item(0, 2).text() == "01/11/2026"
    [ended] = statuses.statuses(dsl, zoe)
    assert ended.ended_on == date(2026, 11, 1)

    dialog.role.setCurrentText("Allocated social worker")
    dialog.person.setText("Priya Shah")
    dialog.agency.setText("Northshire Children's Services")
    dialog.contact.setText("01632 960123")
    dialog.since.setDate(QDate(2026, 10, 2))
    dialog.add_person_button.click()
    assert [dialog.people_model.item(0, c).text() for c in range(6)] == [
        "Allocated social worker", "Priya Shah", "Northshire Children's Services",
        "01632 960123", "02/10/2026", "Current"]
    dialog.end_person_button.click()
    assert dialog.message.text() == "Choose the professional in the list."
    dialog.own_contact.setText("01632 960999")
    dialog.save_contact_button.click()
    assert statuses.dsl_contact(dsl) == "01632 960999"


def test_marking_significant_and_the_impact_from_the_chronology(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext, zoe: int) -> None:
    history(dsl, clock, zoe)
    window = ChildWindow(ctx, dsl, zoe)
    qtbot.addWidget(window)
    window.show()
    assert not window.mark_button.isEnabled()
    window.table.selectRow(0)  # the concern
    assert window.mark_button.text() == "Mark significant"
    window.mark_button.click()
    assert statuses.significant(dsl, zoe) == {("concern", 1)}
    window.table.selectRow(0)
    assert window.mark_button.text() == "Unmark significant"
    assert window.proxy.data(window.proxy.index(0, 2)).startswith("\u2605 Significant event")
    impact = window.write_impact()
    assert impact is not None
    impact.body.setPlainText("Missed two days of school.")
    ok(impact.buttons)
    assert "Impact on the child: Missed two days of school." in window.proxy.data(
        window.proxy.index(0, 2))

    window.significant_only.setChecked(True)
    assert entry_types(window) == [EntryType.CONCERN]
    export = window.export_pdf()
    qtbot.addWidget(export)
    assert export.significant.isChecked()
    window.significant_only.setChecked(False)
    assert len(entry_types(window)) == 4

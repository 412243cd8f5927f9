"""The pupil-roll wizard and the child window's links and merge (offscreen). Screenshots of
the preview page and of a child with links go to $CERECORDER_SHOTS when it is set."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QMessageBox,
    QWidget,
    QWizard,
)
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from cerecorder.domain.model import EntryType, LinkKind, Role
from cerecorder.domain.roster import RosterField
from cerecorder.services import children, chronology, concerns
from cerecorder.services.session import Session
from cerecorder.ui.child_links import LinkDialog, MergeDialog, UnlinkDialog
from cerecorder.ui.common import child_names
from cerecorder.ui.context import AppContext, FileDialogs
from cerecorder.ui.dsl_views import ChildWindow
from cerecorder.ui.main_window import MainWindow
from cerecorder.ui.roster_import import RosterImportWizard
from test_roster_import import ROLL
from test_ui_dsl import ctx as ctx  # the same context fixture

from helpers import STAFF_PASS, MockClock, add_child, add_staff, content, switch_to

SHOTS = os.environ.get("CERECORDER_SHOTS")


def shot(widget: object, name: str) -> None:
    if SHOTS:
        QApplication.processEvents()  # let the layouts catch up with the new text
        widget.grab().save(str(Path(SHOTS) / name))  # type: ignore[attr-defined]


class PickedFile(FileDialogs):
    def __init__(self, path: Path) -> None:
        self.path = path

    def open_path(self, *_: object) -> Path | None:
        return self.path


def next_page(qtbot: QtBot, wizard: QWizard) -> None:
    page = wizard.currentId()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() != page, timeout=2000)


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: seen.append(text))
    return seen


def test_wizard_maps_previews_and_imports_the_roll(
        qtbot: QtBot, qtmodeltester: ModelTester, tmp_path: Path, dsl: Session,
        ctx: AppContext, warnings: list[str]) -> None:
    ben = add_child(dsl, "Ben", "Baker", year_group="Year 8", reg_group="8E")
    roll = tmp_path / "sims export.csv"
    roll.write_bytes(ROLL.replace(b"Adno,", b"Pupil Ref,")
                     + b"001237,B936211225003,Carter,Cal,,01/02/2013,M,Year 7,7K\r\n")
    ctx.file_dialogs = PickedFile(roll)
    wizard = RosterImportWizard(ctx, dsl)
    qtbot.addWidget(wizard)
    wizard.show()

    page = wizard.file_page
    assert not page.isComplete()
    page.choose()
    assert page.path.text() == str(roll)
    page.full_roll.setChecked(True)
    page.left_on.setDate(page.left_on.date().addDays(-7))
    next_page(qtbot, wizard)

    columns = wizard.columns_page
    assert "UTF-8 with byte-order mark, comma-separated, 4 rows" in columns.subTitle()
    assert columns.combos[0].currentData() is None  # "Pupil Ref" is not a heading we know
    columns.combos[0].setCurrentIndex(
        columns.combos[0].findData(RosterField.ADMISSION_NUMBER.value))
    wizard.back()  # to check the date, say: the column set by hand stays set
    assert wizard.currentPage() is page
    next_page(qtbot, wizard)
    assert columns.combos[0].currentData() == RosterField.ADMISSION_NUMBER.value
    next_page(qtbot, wizard)

    preview = wizard.preview_page
    qtmodeltester.check(preview.model)
    assert preview.summary.text() == (
        "3 new, 0 updated, 0 unchanged, 0 conflicting, 1 problem row, 1 to mark as left "
        "on 09/11/2026.")
    assert preview.show_only.currentText() == "Problem rows"  # shown first: they need action
    assert preview.proxy.rowCount() == 1
    assert "check letter" in preview.proxy.index(0, 4).data()
    assert preview.proxy.index(0, 2).data() == "Cal Carter"  # the name as the file has it
    assert preview.warning.text().startswith("Warning: 1 of 1 pupils")
    assert not preview.isComplete()  # the bad row must be fixed or knowingly left out
    assert preview.import_rest.isVisible()
    preview.show_only.setCurrentIndex(0)
    assert preview.proxy.rowCount() == 5  # 3 new, 1 problem, 1 leaver
    assert [preview.proxy.index(r, 1).data() for r in range(5)] == [
        "New", "New", "New", "Problem", "Leaver"]
    wizard.resize(980, 560)
    shot(wizard, "roster-preview.png")
    preview.import_rest.setChecked(True)
    assert preview.isComplete()
    next_page(qtbot, wizard)

    assert wizard.currentPage() is wizard.done_page
    assert "3 pupils added, 0 updated, 1 marked as left; 1 row left out" in (
        wizard.done_page.text.text())
    assert warnings == []
    roll_now = {c.legal_name: c for c in children.list_children(dsl, include_left=True)}
    assert roll_now["Ben Baker"].left_on == date(2026, 11, 9)
    assert roll_now["Zoë O'Neil-Smith"].details.admission_number == "001234"
    assert children.child_profile(dsl, ben).child.details.reg_group == "8E"


def unnamed_controls(wizard: QWizard) -> list[str]:
    """Controls the Tab key reaches on the page shown that a screen reader cannot name
    (the line edit inside a date or combo box is named by its box)."""
    found = []
    for widget in wizard.findChildren(QWidget):
        if (widget.isVisible() and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
                and not isinstance(widget.parentWidget(), QAbstractSpinBox | QComboBox)
                and not widget.accessibleName()):
            found.append(type(widget).__name__)
    return found


def test_every_wizard_control_is_named(qtbot: QtBot, tmp_path: Path, dsl: Session,
                                       ctx: AppContext) -> None:
    roll = tmp_path / "roll.csv"
    roll.write_bytes(ROLL)
    ctx.file_dialogs = PickedFile(roll)
    wizard = RosterImportWizard(ctx, dsl)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.choose()
    wizard.file_page.full_roll.setChecked(True)
    for _ in range(3):
        assert unnamed_controls(wizard) == [], wizard.currentPage().title()
        next_page(qtbot, wizard)
    assert wizard.currentPage() is wizard.done_page


def test_wizard_tells_a_bad_file_and_a_missing_name_column(
        qtbot: QtBot, tmp_path: Path, dsl: Session, ctx: AppContext) -> None:
    wizard = RosterImportWizard(ctx, dsl)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(tmp_path / "missing.csv"))
    wizard.next()
    assert wizard.currentPage() is wizard.file_page
    assert "Cannot read missing.csv" in wizard.file_page.message.text()
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\r\n")
    wizard.file_page.path.setText(str(empty))
    wizard.next()
    assert wizard.file_page.message.text() == "The file is empty."

    odd = tmp_path / "odd.csv"
    odd.write_bytes(b"Pupil,Birthday\nAmy Able,01/01/2013\n")
    wizard.file_page.path.setText(str(odd))
    next_page(qtbot, wizard)
    wizard.next()
    assert wizard.currentPage() is wizard.columns_page
    assert "Legal forename(s), Legal surname" in wizard.columns_page.message.text()


def test_stale_preview_is_told_and_nothing_imported(
        qtbot: QtBot, tmp_path: Path, dsl: Session, ctx: AppContext) -> None:
    roll = tmp_path / "roll.csv"
    roll.write_bytes(ROLL)
    wizard = RosterImportWizard(ctx, dsl)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(roll))
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    add_child(dsl, "Björk", "Ólafsdóttir", upn="P936211225003")
    wizard.next()
    assert wizard.currentPage() is wizard.preview_page
    assert "changed since this preview" in wizard.preview_page.message.text()
    assert len(children.list_children(dsl)) == 1


def test_import_is_in_the_menu_for_the_dsl_not_for_staff(
        qtbot: QtBot, dsl: Session, ctx: AppContext) -> None:
    window = MainWindow(ctx, dsl)
    qtbot.addWidget(window)
    assert window.roll_action.isVisible()
    wizard = window.import_roll()
    assert wizard.isVisible()
    wizard.reject()
    add_staff(dsl)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    assert staff.user.role is Role.STAFF
    staff_window = MainWindow(ctx, staff)
    qtbot.addWidget(staff_window)
    assert not staff_window.roll_action.isVisible()
    staff.lock()


def test_child_window_links_and_merges(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext) -> None:
    zoe = add_child(dsl, "Zoë", "O'Neil", date_of_birth=date(2013, 4, 3),
                    year_group="Year 8", reg_group="8E")
    twin = add_child(dsl, "Zoe", "ONeil", upn="L936211225001", date_of_birth=date(2013, 4, 3))
    sam = add_child(dsl, "Sam", "O'Neil", date_of_birth=date(2011, 9, 9))
    add_child(dsl, "Kai", "Reed")
    children.link_children(dsl, twin, add_child(dsl, "Jay", "Cole"), LinkKind.ASSOCIATE,
                           "seen in the same car")
    concerns.record_concern(dsl, content((zoe,), clock))
    concerns.record_concern(dsl, content((twin,), clock, facts="Reported by the bus driver."))

    window = ChildWindow(ctx, dsl, zoe)
    qtbot.addWidget(window)
    window.show()
    actions = [a.text() for a in window.links_button.menu().actions()]
    assert actions == ["&Link to a pupil…", "&Remove a link…"]
    assert not window.links_button.menu().actions()[1].isEnabled()

    link = window.link_pupil()
    assert isinstance(link, LinkDialog)
    link.picker.filter.setText("sam")
    visible = [link.picker.list.item(r) for r in range(link.picker.list.count())
               if not link.picker.list.item(r).isHidden()]
    assert len(visible) == 1
    link.picker.choose(sam)
    link.kind.setCurrentIndex(link.kind.findData(LinkKind.SIBLING.value))
    link.note.setText("older brother")
    link.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert window.profile_values["Links"].text() == "Sibling: Sam O'Neil (older brother)"
    actions = [a.text() for a in window.links_button.menu().actions() if a.text()]
    assert actions == ["Open sibling: Sam O'Neil", "&Link to a pupil…", "&Remove a link…"]

    merge = window.merge_with()
    assert isinstance(merge, MergeDialog)
    assert merge.picker.list.item(0).text().startswith("Possible duplicate: Zoe ONeil")
    assert not merge.merge_button.isEnabled()
    merge.picker.choose(twin)
    assert not merge.merge_button.isEnabled()  # the reason comes first
    merge.reason.setText("Same child, entered twice")
    assert merge.merge_button.isEnabled()
    merge.merge_button.click()

    assert window.profile_values["UPN"].text() == "L936211225001"
    assert window.profile_values["Links"].text() == (
        "Associate: Jay Cole (seen in the same car)\nSibling: Sam O'Neil (older brother)")
    assert "Zoe ONeil" in window.profile_values["Merged records"].text()
    assert window.count.text() == "3 entries"  # two concerns and the merge
    assert not any(c.id == twin for c in children.list_children(dsl, include_left=True))
    types = [e.entry_type for e in chronology.chronology(dsl, zoe)]
    assert types.count(EntryType.CONCERN) == 2
    shot(window, "child-links.png")

    unlink = window.unlink_pupil()
    assert isinstance(unlink, UnlinkDialog)
    assert [unlink.link.itemText(i) for i in range(unlink.link.count())] == [
        "Choose…", "Associate: Jay Cole (seen in the same car)",
        "Sibling: Sam O'Neil (older brother)"]
    unlink.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert unlink.message.text() == "Choose the link to remove."  # Enter alone removes none
    unlink.link.setCurrentIndex(1)
    unlink.buttons.button(QDialogButtonBox.StandardButton.Ok).click()  # made on the twin
    assert window.profile_values["Links"].text() == "Sibling: Sam O'Neil (older brother)"
    assert "children_unlinked" in [r[3] for r in dsl.vault.uow().audit.rows()]

    sibling = window.open_child(sam)
    qtbot.addWidget(sibling)
    assert sibling.profile_values["Links"].text() == "Sibling: Zoë O'Neil (older brother)"
    merged = window.open_child(twin)
    qtbot.addWidget(merged)
    assert merged.title.text() == "Zoe ONeil (merged into Zoë O'Neil, #1)"
    assert not merged.merge_button.isEnabled()
    assert not merged.export_button.isEnabled()  # only part of the chronology
    assert window.export_button.isEnabled()


def test_the_triage_queue_names_the_record_kept_after_a_merge(
        qtbot: QtBot, dsl: Session, clock: MockClock, ctx: AppContext) -> None:
    keep = add_child(dsl, "Zoë", "O'Neil")
    twin = add_child(dsl, "Zoe", "ONeil")
    concerns.record_concern(dsl, content((twin,), clock))
    children.merge_children(dsl, keep, twin, "entered twice")
    window = MainWindow(ctx, dsl)
    qtbot.addWidget(window)
    assert window.queue_model.index(0, 1).data() == "Zoë O'Neil"
    assert window.roster.rowCount() == 1
    # the concern itself still names the record it was recorded about
    assert child_names(dsl, (twin, keep)) == ["Zoe ONeil", "Zoë O'Neil"]


def test_the_pupil_picker_is_blind_to_accents_and_case(qtbot: QtBot, dsl: Session) -> None:
    zoe = add_child(dsl)
    add_child(dsl, "Inês", "Gonçalves")
    add_child(dsl, "Amy", "Khan")
    (child,) = [c for c in children.list_children(dsl) if c.id == zoe]
    link = LinkDialog(dsl, child)
    qtbot.addWidget(link)
    link.picker.filter.setText("GONCALVES")
    shown = [link.picker.list.item(r).text() for r in range(link.picker.list.count())
             if not link.picker.list.item(r).isHidden()]
    assert len(shown) == 1 and shown[0].startswith("Inês Gonçalves")

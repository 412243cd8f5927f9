"""The register window, an entry's page and the network view (offscreen; issue 14): the
DSL creates an entry, corrects it (the old wording stays), merges a duplicate (both
histories stay; final, with a reason and a confirmation), matches the lines staff typed;
the network of the demo's county-lines storyline joins its four pupils through the car,
the phone and 'Tiny', walks by keyboard, prints; staff reach none of it; the lock clears
it all."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QMessageBox, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from cerecorder.domain.errors import PermissionDenied
from cerecorder.domain.model import EntryKind, Mention
from cerecorder.services import concerns, demo, network, packets, register, session
from cerecorder.services.session import Session
from cerecorder.ui.context import AppContext, FileDialogs, UiSettings
from cerecorder.ui.controller import AppController
from cerecorder.ui.dsl_views import ChildWindow
from cerecorder.ui.main_window import MainWindow
from cerecorder.ui.network_graph import Node
from cerecorder.ui.network_view import NetworkWindow
from cerecorder.ui.register_forms import EntryDialog, MatchDialog, MergeEntryDialog
from cerecorder.ui.register_window import EntryWindow, RegisterWindow
from test_packets import Pair

from helpers import (
    FAST_KDF,
    STAFF_PASS,
    TAXONOMY,
    MockClock,
    add_child,
    add_staff,
    content,
    switch_to,
)

UI_DIR = Path(__file__).resolve().parent.parent / "ui"
DEMO_PASS = "demo passphrase for tests"


@pytest.fixture
def ctx(tmp_path: Path, clock: MockClock) -> AppContext:
    return AppContext(
        clock=clock, taxonomy=TAXONOMY, settings=UiSettings(), save_settings=lambda _: None,
        default_vault_dir=tmp_path / "v", demo_vault_dir=tmp_path / "d", ui_dir=UI_DIR,
        kdf=FAST_KDF)


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny demo school, with the county-lines storyline."""
    folder = tmp_path_factory.mktemp("story") / "vault"
    demo.create_demo_vault(folder, passphrase=DEMO_PASS, seed=7, size="tiny",
                           clock=MockClock(), taxonomy=TAXONOMY, kdf=FAST_KDF)
    return folder


@pytest.fixture
def demo_dsl(story: Path) -> Session:
    s = session.unlock(story, user_name="demo", passphrase=DEMO_PASS, clock=MockClock(),
                       taxonomy=TAXONOMY)
    yield s  # type: ignore[misc]
    if s.is_open:
        s.lock()


@pytest.fixture
def answer(monkeypatch: pytest.MonkeyPatch) -> list[QMessageBox.StandardButton]:
    """Each confirmation takes the next answer from the list (Yes once it is empty)."""
    answers: list[QMessageBox.StandardButton] = []

    def question(*_: object) -> QMessageBox.StandardButton:
        return answers.pop(0) if answers else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return answers


def ok(buttons: QDialogButtonBox) -> None:
    buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def audit_actions(s: Session) -> list[str]:
    return [row[3] for row in s.vault.uow().audit.rows()]


def shown_texts(model: object, column: int) -> list[str]:
    from PySide6.QtCore import QAbstractItemModel

    assert isinstance(model, QAbstractItemModel)
    return [str(model.index(r, column).data()) for r in range(model.rowCount())]


def open_window(qtbot: QtBot, window: QWidget) -> QWidget:
    qtbot.addWidget(window)
    window.show()
    return window


# -- the register window -----------------------------------------------------------------


def test_the_dsl_creates_an_entry_and_finds_it_by_kind_and_words(
        qtbot: QtBot, ctx: AppContext, dsl: Session) -> None:
    register.create_entry(dsl, EntryKind.PHONE, {"number": "07700 900123"})
    window = open_window(qtbot, RegisterWindow(ctx, dsl))
    assert isinstance(window, RegisterWindow)
    ModelTester(qtbot).check(window.model)
    ModelTester(qtbot).check(window.mentions)
    dialog = window.new_entry()
    qtbot.addWidget(dialog)
    ok(dialog.buttons)
    assert "Choose the kind" in dialog.message.text()  # nothing saved without a kind
    dialog.kind.setCurrentIndex(dialog.kind.findData(EntryKind.VEHICLE.value))
    fields = dialog.fields[EntryKind.VEHICLE].boxes
    qtbot.keyClicks(fields["registration"], "sv18kwd")
    qtbot.keyClicks(fields["colour"], "silver")
    ok(dialog.buttons)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert shown_texts(window.proxy, 2) == ["+447700900123", "SV18KWD"]
    window.kind.setCurrentIndex(window.kind.findData(EntryKind.VEHICLE.value))
    assert shown_texts(window.proxy, 1) == ["SV18 KWD · silver"]
    window.kind.setCurrentIndex(0)
    qtbot.keyClicks(window.search_box, "7700")
    assert shown_texts(window.proxy, 0) == ["Phone number"]
    assert window.count.text() == "1 of 2 entries"
    assert audit_actions(dsl).count("register_entry_created") == 2


def test_a_correction_keeps_the_earlier_wording_on_the_page(
        qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock) -> None:
    car = register.create_entry(dsl, EntryKind.VEHICLE, {"registration": "AB51 ABC",
                                                         "colour": "silver"})
    page = open_window(qtbot, EntryWindow(ctx, dsl, car))
    assert isinstance(page, EntryWindow)
    ModelTester(qtbot).check(page.revisions)
    ModelTester(qtbot).check(page.links)
    clock.advance(days=1)
    dialog = page.revise()
    assert dialog is not None
    qtbot.addWidget(dialog)
    box = dialog.fields.boxes["registration"]
    assert isinstance(box, QLineEdit) and box.text() == "AB51 ABC"  # starts from now
    box.setText("AB51 ABD")
    ok(dialog.buttons)
    assert "Say why" in dialog.message.text()  # a correction needs its reason
    dialog.reason.setText("Registration misread")
    ok(dialog.buttons)
    assert "AB51 ABD" in page.title.text()
    wordings = shown_texts(page.revisions, 4)
    assert wordings == ["Registration: AB51 ABC; Colour: silver",
                        "Registration: AB51 ABD; Colour: silver"]
    assert shown_texts(page.revisions, 3) == ["First recorded", "Registration misread"]
    assert shown_texts(page.revisions, 2) == ["Dana Lead", "Dana Lead"]


def test_merging_a_duplicate_keeps_both_histories_after_a_reason_and_a_yes(
        qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock,
        answer: list[QMessageBox.StandardButton]) -> None:
    amy, ben = add_child(dsl, "Amy", "Khan"), add_child(dsl, "Ben", "Osei")
    first = concerns.record_concern(dsl, content((amy,), clock, mentions=(
        Mention(EntryKind.VEHICLE, "silver Astra AB51 ABC"),)))
    second = concerns.record_concern(dsl, content((ben,), clock, mentions=(
        Mention(EntryKind.VEHICLE, "silver Astra, plate not seen"),)))
    keep = register.match_mention(dsl, first, 0, values={"registration": "AB51ABC",
                                                         "model": "Astra"})
    duplicate = register.match_mention(dsl, second, 0, values={"colour": "silver",
                                                               "model": "Astra"})
    page = open_window(qtbot, EntryWindow(ctx, dsl, keep))
    assert isinstance(page, EntryWindow)
    dialog = page.merge()
    assert isinstance(dialog, MergeEntryDialog)
    qtbot.addWidget(dialog)
    assert "Likely the same" in dialog.picker.list.item(0).text()  # both say Astra
    dialog.picker.choose(duplicate)
    assert not dialog.merge_button.isEnabled()  # no reason, no merge
    dialog.reason.setText("Same car, seen by two staff")
    assert dialog.merge_button.isEnabled()
    answer.append(QMessageBox.StandardButton.No)
    ok(dialog.buttons)  # asked once more, and the answer was No
    assert [r.entry.id for r in register.register(dsl, EntryKind.VEHICLE)] == [keep, duplicate]
    ok(dialog.buttons)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert [r.entry.id for r in register.register(dsl, EntryKind.VEHICLE)] == [keep]
    assert shown_texts(page.revisions, 1) == [f"#{keep}", f"#{duplicate}"]  # both wordings
    assert sorted(shown_texts(page.links, 1)) == ["Amy Khan", "Ben Osei"]
    assert f"Merged into it: #{duplicate}" in page.facts.text()
    assert "register_entries_merged" in audit_actions(dsl)


def test_the_dsl_matches_what_staff_typed_to_an_entry_or_a_new_one(
        qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock) -> None:
    add_staff(dsl)
    amy = add_child(dsl, "Amy", "Khan")
    car = register.create_entry(dsl, EntryKind.VEHICLE, {"registration": "SV18 KWD"})
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    concerns.record_concern(staff, content((amy,), clock, mentions=(
        Mention(EntryKind.VEHICLE, "SV18KWD"), Mention(EntryKind.PHONE, "07700 900472"))))
    s = switch_to(staff, "dsl", "correct horse battery staple")
    window = open_window(qtbot, RegisterWindow(ctx, s))
    assert isinstance(window, RegisterWindow)
    assert window.tabs.tabText(1) == "Awaiting a ma&tch (2)"
    assert shown_texts(window.mentions, 2) == ["SV18KWD", "07700 900472"]
    assert shown_texts(window.mentions, 3) == ["Teacher", "Teacher"]
    dialog = window.match(window.mentions.index(0, 0))
    assert isinstance(dialog, MatchDialog)
    qtbot.addWidget(dialog)
    assert dialog.picker.chosen() == car  # the same registration: chosen already
    assert dialog.picker.list.item(0).text().startswith("Likely the same")
    ok(dialog.buttons)
    assert window.tabs.tabText(1) == "Awaiting a ma&tch (1)"
    dialog = window.match(window.mentions.index(0, 0))
    assert isinstance(dialog, MatchDialog)
    qtbot.addWidget(dialog)
    assert dialog.picker.chosen() is None and not dialog.match_button.isEnabled()
    dialog.new_button.click()  # a new entry from the line, its number filled in
    made = next(w for w in QApplication.topLevelWidgets()
                if isinstance(w, EntryDialog) and w.mention is not None)
    qtbot.addWidget(made)
    box = made.fields[EntryKind.PHONE].boxes["number"]
    assert isinstance(box, QLineEdit) and box.text() == "07700 900472"
    assert not made.kind.isEnabled()
    ok(made.buttons)
    assert window.tabs.tabText(1) == "Awaiting a ma&tch (0)"
    rows = {r.entry.key: r.child_ids for r in register.register(s)}
    assert rows == {"SV18KWD": (amy,), "+447700900472": (amy,)}
    assert audit_actions(s).count("register_mention_matched") == 2


# -- the network view --------------------------------------------------------------------


def _story_pupils(s: Session) -> tuple[set[int], set[int]]:
    """The storyline's four pupils, and the pupil linked only to the other silver car."""
    keys = {row.entry.key: set(row.child_ids) for row in register.register(s)}
    return keys["SV18KWD"] | keys["+447700900472"], keys["SV18KWB"]


def test_the_storyline_network_joins_the_four_through_car_phone_and_nickname(
        qtbot: QtBot, ctx: AppContext, demo_dsl: Session) -> None:
    four, control = _story_pupils(demo_dsl)
    first = min(four, key=lambda c: min(
        t.first_seen for t in network.child_network(demo_dsl, c).ties_of(c)))
    window = open_window(qtbot, NetworkWindow.for_child(ctx, demo_dsl, first))
    assert isinstance(window, NetworkWindow)
    ModelTester(qtbot).check(window.model)
    drawn: dict[tuple[str, int], list[Node]] = {}
    for n in window.nodes:
        drawn.setdefault((n.kind, n.layer), []).append(n)
    assert [n.ref_id for n in drawn[("child", 0)]] == [first]
    headings = sorted(n.text for n in drawn[("entry", 1)])
    assert any("SV18 KWD" in h for h in headings) and any("+447700900472" in h
                                                          for h in headings)
    assert any("Tiny" in h for h in headings)
    assert {n.ref_id for n in drawn[("child", 2)]} == four - {first}
    assert not control & {n.ref_id for n in window.nodes if n.kind == "child"}
    # every line drawn is one row of the list: entry and child, with their dates
    lines = len(window.graph.scene().items()) - len(window.nodes)
    assert window.model.rowCount() == lines and lines >= len(window.nodes) - 1
    assert all("/" in d for d in shown_texts(window.model, 1) + shown_texts(window.model, 2))
    assert "register_network_viewed" in audit_actions(demo_dsl)


def test_the_network_walks_by_keyboard_and_enter_opens_the_record(
        qtbot: QtBot, ctx: AppContext, demo_dsl: Session) -> None:
    four, _ = _story_pupils(demo_dsl)
    main = MainWindow(ctx, demo_dsl)
    qtbot.addWidget(main)
    window = NetworkWindow.for_child(ctx, demo_dsl, min(four), main)
    window.show()
    qtbot.waitExposed(window)
    graph = window.graph
    order = [item.node for item in graph.node_items]
    assert order[0].layer == 0 and [n.layer for n in order] == sorted(n.layer for n in order)
    graph.setFocus()
    qtbot.keyClick(graph, Qt.Key.Key_Right)
    assert graph.node() is order[1]
    assert graph.accessibleDescription() == order[1].description
    qtbot.keyClick(graph, Qt.Key.Key_Left)
    qtbot.keyClick(graph, Qt.Key.Key_Left)  # stays at the centre
    assert graph.node() is order[0]
    qtbot.keyClick(graph, Qt.Key.Key_End)
    assert graph.node() is order[-1] and order[-1].kind == "child"
    qtbot.keyClick(graph, Qt.Key.Key_Return)  # a peer: their chronology opens
    opened = [w for w in main.findChildren(ChildWindow) if w.isVisible()]
    assert [w.child_id for w in opened] == [order[-1].ref_id]
    opened[0].close()
    with qtbot.waitActive(window):
        window.activateWindow()
    graph.setFocus()
    qtbot.keyClick(graph, Qt.Key.Key_Home)
    for expected in order[1:]:  # Tab walks every node...
        qtbot.keyClick(graph, Qt.Key.Key_Tab)
        assert graph.node() is expected
    qtbot.keyClick(graph, Qt.Key.Key_Tab)  # ...then leaves the graph: no trap
    assert not graph.hasFocus()
    qtbot.keyClick(graph, Qt.Key.Key_Home)
    graph.move_to(order.index(next(n for n in order if n.kind == "entry")))
    graph.opened.emit(graph.node())
    assert [w for w in main.findChildren(EntryWindow) if w.isVisible()]


def test_an_entrys_network_shows_every_child_and_concern(
        qtbot: QtBot, ctx: AppContext, demo_dsl: Session) -> None:
    car = next(r for r in register.register(demo_dsl) if r.entry.key == "SV18KWD")
    view = register.entry_view(demo_dsl, car.entry.id)
    window = open_window(qtbot, NetworkWindow.for_entry(ctx, demo_dsl, car.entry.id))
    assert isinstance(window, NetworkWindow)
    assert {n.ref_id for n in window.nodes if n.kind == "child"} == set(car.child_ids)
    assert sorted(n.ref_id for n in window.nodes if n.kind == "concern") == view.concern_ids
    assert len(shown_texts(window.model, 0)) == len(view.links)


class PrintToPdf(FileDialogs):
    """The print dialog, answered: the pages go to a PDF file the test can read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pages = 0

    def choose_printer(self, parent: QWidget | None, printer: QPrinter, pages: int) -> bool:
        self.pages = pages
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(self.path))
        return True


def test_the_network_prints_its_picture_and_list_and_the_print_is_audited(
        qtbot: QtBot, ctx: AppContext, demo_dsl: Session, tmp_path: Path) -> None:
    four, _ = _story_pupils(demo_dsl)
    printed = PrintToPdf(tmp_path / "network.pdf")
    ctx.file_dialogs = printed
    window = open_window(qtbot, NetworkWindow.for_child(ctx, demo_dsl, min(four)))
    assert isinstance(window, NetworkWindow)
    assert window.print_network()
    text = subprocess.run(["pdftotext", "-layout", str(printed.path), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert window.title.text() in text and "OFFICIAL-SENSITIVE" in text
    for node in window.nodes:
        assert node.heading in text  # every name and kind, in the picture and the list
    assert "this child" in text and "through 2 entries" in text  # words of the picture
    assert f"Page 1 of {printed.pages}" in text
    assert "register_network_printed" in audit_actions(demo_dsl)


# -- staff, and the lock -----------------------------------------------------------------


def test_staff_have_no_register_menu_and_the_services_refuse_them(
        qtbot: QtBot, ctx: AppContext, dsl: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    add_staff(dsl)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    main = MainWindow(ctx, staff)
    qtbot.addWidget(main)
    assert not main.register_action.isVisible() and not main.register_action.isEnabled()
    assert main.open_register() is None
    assert not [a for a in main.menuBar().actions()[0].menu().actions()
                if a.isVisible() and "gister" in a.text()]
    for call in (lambda: network.child_network(staff, amy),
                 lambda: network.entry_network(staff, 1),
                 lambda: network.network_printed(staff, "child", amy)):
        with pytest.raises(PermissionDenied):
            call()
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: told.append(text))
    window = RegisterWindow(ctx, staff)  # even built by hand it shows nothing
    qtbot.addWidget(window)
    assert window.model.rowCount() == 0 and told and "Only a DSL" in told[0]
    graph = NetworkWindow.for_child(ctx, staff, amy)
    qtbot.addWidget(graph)
    assert graph.nodes == [] and "Only a DSL" in graph.title.text()
    staff.lock()


def test_the_lock_hides_and_empties_the_register_and_network_windows(
        qtbot: QtBot, ctx: AppContext, demo_dsl: Session) -> None:
    four, _ = _story_pupils(demo_dsl)
    controller = AppController(ctx)
    controller.unlocked(demo_dsl)
    main = controller.window
    assert main is not None
    qtbot.addWidget(main)
    listing = main.open_register()
    assert listing is not None and listing.model.rowCount() > 0
    page = listing.show_entry(listing.model.entry_row(listing.model.index(0, 0)).entry.id)
    drawn = NetworkWindow.for_child(ctx, demo_dsl, min(four), main)
    drawn.show()
    models = [listing.model, page.links, page.revisions, drawn.model]
    scene = drawn.graph.scene()
    assert scene.items() and all(m.rowCount() for m in models)
    controller.lock(reopen=False)
    assert not any(w.isVisible() for w in (listing, page, drawn))
    assert all(m.rowCount() == 0 for m in models) and scene.items() == []


def test_lines_from_an_imported_packet_wait_in_the_register_and_are_matched(
        qtbot: QtBot, ctx: AppContext, pair: Pair) -> None:
    pair.record(mentions=(Mention(EntryKind.VEHICLE, "silver Astra SV18 KWD"),))
    pair.send()
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    window = open_window(qtbot, RegisterWindow(ctx, pair.dsl))
    assert isinstance(window, RegisterWindow)
    assert shown_texts(window.mentions, 2) == ["silver Astra SV18 KWD"]
    assert shown_texts(window.mentions, 4) == [f"#{outcome.concern_id}"]
    dialog = window.match(window.mentions.index(0, 0))
    assert isinstance(dialog, MatchDialog)
    qtbot.addWidget(dialog)
    dialog.new_button.click()
    made = next(w for w in QApplication.topLevelWidgets()
                if isinstance(w, EntryDialog) and w.mention is not None)
    qtbot.addWidget(made)
    # not just a registration: the line goes to Other marks, the DSL types the plate
    made.fields[EntryKind.VEHICLE].boxes["registration"].setText(  # type: ignore[union-attr]
        "SV18 KWD")
    ok(made.buttons)
    assert window.tabs.tabText(1) == "Awaiting a ma&tch (0)"
    [row] = register.register(pair.dsl)
    assert row.entry.key == "SV18KWD" and len(row.child_ids) == 1

"""Evidence in the windows (issue 16): the viewer draws an attached PDF through the
renderer's PDFium pages from memory, says what a photo says of itself and shows an
e-mail's headers and text, never its HTML; the concern view brings files with an
addendum, lists them and corrects a body map through an addendum, labelling the original
and the correction; the child window lists its chronology's files and draws its maps
over time, layered, every mark in words. Driven from the keyboard; no mnemonic clashes."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QPlainTextEdit
from pytestqt.qtbot import QtBot

from cerecorder import paths
from cerecorder.demo_files import letter_pdf
from cerecorder.domain.body_map import BodyMark, load_outlines
from cerecorder.export.pdf import PdfRenderer
from cerecorder.services import attachments, body_maps, concerns
from cerecorder.services.session import Session
from cerecorder.ui.attachment_viewer import LOCATED, AttachmentsDialog, ImageViewer
from cerecorder.ui.body_map_views import CorrectMapDialog, MapsOverTime, child_maps_dialog
from cerecorder.ui.child_evidence import ChildFilesDialog
from cerecorder.ui.concern_view import ConcernViewDialog
from cerecorder.ui.context import AppContext, UiSettings
from cerecorder.ui.preview import DocumentPreview
from test_ui_keys import _clashes

from helpers import FAST_KDF, TAXONOMY, MockClock, add_child, content, photo

FONTS = paths.resources_dir() / "fonts"
OUTLINES = load_outlines(paths.bodymap_dir())
LETTER = letter_pdf(FONTS)
MARK = BodyMark("front", 0.4, 0.3, "bruise", 2.0, "blue", "Upper right arm", "I fell")


@pytest.fixture
def ctx(tmp_path: Path, clock: MockClock) -> AppContext:
    return AppContext(clock=clock, taxonomy=TAXONOMY, settings=UiSettings(),
                      save_settings=lambda s: None, default_vault_dir=tmp_path / "v",
                      demo_vault_dir=tmp_path / "d", ui_dir=paths.ui_dir(), kdf=FAST_KDF,
                      documents=PdfRenderer(FONTS, OUTLINES), body_outlines=OUTLINES)


def _email() -> bytes:
    message = EmailMessage()
    message["From"] = "Social worker <sw@example.org>"
    message["To"] = "dsl@example.org"
    message["Subject"] = "Strategy meeting"
    message["Date"] = "Tue, 01 Dec 2026 10:00:00 +0000"
    message.set_content("The meeting is on Friday at 10:00.")
    message.add_alternative("<p>Friday <img src='http://tracker.example/p.png'></p>",
                            subtype="html")
    return bytes(message)


def _submitted_with(dsl: Session, clock: MockClock, files: list[tuple[bytes, str]]) -> int:
    draft = concerns.save_draft(dsl, content((add_child(dsl),), clock))
    for data, name in files:
        attachments.add_to_draft(dsl, draft, data, name)
    concerns.submit(dsl, draft)
    return draft


def test_the_viewer_draws_a_pdf_from_memory_and_saves_only_an_audited_copy(
        qtbot: QtBot, tmp_path: Path, ctx: AppContext, dsl: Session, clock: MockClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    concern_id = _submitted_with(dsl, clock, [(photo(), "IMG_1.jpg"), (LETTER, "letter.pdf")])
    before = {p.name for p in tmp_path.rglob("*")}
    shown = AttachmentsDialog(None, dsl, concern_id, ctx.documents)
    qtbot.addWidget(shown)
    assert _clashes(shown) == []
    qtbot.keyClick(shown.pane.list, Qt.Key.Key_Down)
    qtbot.keyClick(shown.pane.list, Qt.Key.Key_Return)
    [viewer] = shown.pane.findChildren(DocumentPreview)  # closed with its parent
    assert _clashes(viewer) == []
    assert viewer.where.text() == "Page 1 of 1" and not viewer.print_button.isVisibleTo(viewer)
    image = viewer.image.pixmap().toImage()
    assert image.width() > 100 and image.pixelColor(5, 5).name() == "#ffffff"
    assert {p.name for p in tmp_path.rglob("*")} == before  # nothing written to show it
    out = tmp_path / "copy.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    assert viewer.save_button.text() == "&Save a copy…"
    viewer.save_button.setFocus()
    qtbot.keyClick(viewer.save_button, Qt.Key.Key_Space)
    assert out.read_bytes() == LETTER and "A copy was saved" in shown.pane.message.text()
    assert dsl.vault.conn.execute(
        "SELECT count(*) FROM audit WHERE action = 'exported'").fetchone()[0] == 1


def test_a_photo_says_when_it_was_taken_and_that_it_carries_a_location(
        qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock) -> None:
    concern_id = _submitted_with(dsl, clock, [(photo(), "IMG_1.jpg"),
                                             (photo(located=False), "IMG_2.jpg")])
    shown = AttachmentsDialog(None, dsl, concern_id, ctx.documents)
    qtbot.addWidget(shown)
    assert "Taken 15/11/2026 16:42" in shown.pane.list.item(0).text()
    assert LOCATED in shown.pane.list.item(0).text()
    assert LOCATED not in shown.pane.list.item(1).text()
    viewer = shown.open_current()
    assert isinstance(viewer, ImageViewer)
    qtbot.addWidget(viewer)
    assert viewer.facts.text() == ("Taken 15/11/2026 16:42 (by the camera's clock)\n"
                                   + LOCATED)


def test_an_email_shows_headers_and_text_never_its_html(
        qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock) -> None:
    concern_id = _submitted_with(dsl, clock, [(_email(), "meeting.eml")])
    shown = AttachmentsDialog(None, dsl, concern_id, ctx.documents)
    qtbot.addWidget(shown)
    qtbot.keyClick(shown.pane.list, Qt.Key.Key_Return)
    [box] = [b for w in shown.pane.findChildren(QPlainTextEdit) for b in [w]]
    text = box.toPlainText()
    assert text.startswith("From: Social worker <sw@example.org>\nTo: dsl@example.org\n")
    assert "Subject: Strategy meeting" in text and "Friday at 10:00" in text
    assert "<img" not in text and "tracker.example" not in text


def test_files_go_in_with_an_addendum_and_are_listed_with_it(
        qtbot: QtBot, tmp_path: Path, ctx: AppContext, dsl: Session, clock: MockClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    concern_id = _submitted_with(dsl, clock, [])
    view = ConcernViewDialog(ctx, dsl, concern_id)
    qtbot.addWidget(view)
    assert _clashes(view) == []
    assert not view.evidence.files_button.isVisibleTo(view)
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(LETTER)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(letter)], ""))
    view.addendum.setFocus()
    qtbot.keyClicks(view.addendum, "The letter that came today.")
    view.evidence.attach_button.setFocus()
    qtbot.keyClick(view.evidence.attach_button, Qt.Key.Key_Space)
    assert view.evidence.pending_label.text() == "With the addendum: letter.pdf"
    view.add_button.setFocus()
    qtbot.keyClick(view.add_button, Qt.Key.Key_Space)
    assert view.message.text() == "Addendum added."
    assert view.evidence.files_button.text() == "Attach&ments (1)…"
    assert "Attached: letter.pdf — PDF" in view.addenda_view.toPlainText()
    assert not view.evidence.pending_label.isVisibleTo(view)
    [found] = attachments.concern_attachments(dsl, concern_id)
    assert view.view is not None and found.addendum_id == view.view.addenda[0].id
    listing = view.evidence.open_files()
    qtbot.addWidget(listing)
    assert "(with the addendum by Dana Lead," in listing.pane.list.item(0).text()


def test_correct_body_map_adds_a_map_with_an_addendum_labelled_as_a_correction(
        qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock) -> None:
    draft = concerns.save_draft(dsl, content((add_child(dsl),), clock))
    body_maps.save_draft_map(dsl, draft, [MARK], OUTLINES)
    concerns.submit(dsl, draft)
    view = ConcernViewDialog(ctx, dsl, draft)
    qtbot.addWidget(view)
    assert view.evidence.correct_button.text() == "&Correct body map…"
    dialog = view.evidence.correct_map()
    assert isinstance(dialog, CorrectMapDialog)
    qtbot.addWidget(dialog)
    assert _clashes(dialog) == [] and dialog.marks() == [MARK]
    dialog.accept()  # no reason given: said, nothing kept, still open
    assert "why the body map is added" in dialog.message.text()
    assert len(body_maps.concern_maps(dsl, draft)) == 1
    dialog.why.setFocus()
    qtbot.keyClicks(dialog.why, "The bruise is larger than first written.")
    dialog.add_mark(BodyMark("back", 0.5, 0.5, "scratch", None, "", "Lower back", ""))
    dialog.accept()
    assert [len(m.marks) for m in body_maps.concern_maps(dsl, draft)] == [1, 2]
    assert view.evidence.map_button.text() == "&Body maps (2)…"
    assert "With a corrected body map (2 marks)" in view.addenda_view.toPlainText()
    maps = view.evidence.open_maps()
    assert isinstance(maps, MapsOverTime)
    qtbot.addWidget(maps)
    assert _clashes(maps) == []
    titles = [maps.maps.item(i).text() for i in range(maps.maps.count())]
    assert titles[0].startswith("1. Original map: recorded by Dana Lead, ")
    assert titles[1].startswith("2. Correction 1: by Dana Lead, ")
    assert "larger than first written" in titles[1]
    assert maps.ticked() == [1] and maps.marks.count() == 2  # the newest drawn first


def test_the_child_window_lists_its_files_and_layers_its_maps(
        qtbot: QtBot, tmp_path: Path, ctx: AppContext, dsl: Session, clock: MockClock) -> None:
    child = add_child(dsl)
    for hours, mark in ((48, MARK), (2, BodyMark("hands", 0.3, 0.5, "burn", 1.0))):
        draft = concerns.save_draft(dsl, content(
            (child,), clock, occurred_at=clock.now() - timedelta(hours=hours)))
        body_maps.save_draft_map(dsl, draft, [mark], OUTLINES)
        concerns.submit(dsl, draft)
    letter = tmp_path / "minutes.pdf"
    letter.write_bytes(LETTER)
    files = ChildFilesDialog(None, dsl, child, "Zoë Ólafsdóttir", ctx.documents)
    qtbot.addWidget(files)
    assert _clashes(files) == [] and "No files yet" in files.pane.message.text()
    files.add_paths([letter, tmp_path / "missing.pdf"])
    assert files.pane.list.count() == 1 and "missing.pdf: Cannot read" in \
        files.pane.message.text()
    qtbot.keyClick(files.pane.list, Qt.Key.Key_Return)
    assert files.pane.findChildren(DocumentPreview)
    maps = child_maps_dialog(None, dsl, OUTLINES, child, "Zoë Ólafsdóttir")
    qtbot.addWidget(maps)
    assert maps.ticked() == [0, 1] and maps.marks.count() == 2
    assert maps.maps.item(0).text().startswith("1. Concern #")
    assert "original map" in maps.maps.item(0).text()
    maps.maps.setCurrentRow(0)
    qtbot.keyClick(maps.maps, Qt.Key.Key_Space)  # untick the first map
    assert maps.ticked() == [1]
    assert [maps.marks.item(i).text() for i in range(maps.marks.count())] == [
        "Map 2, 1. Burn, hands, palms, about 1 cm"]
    assert [i for i, _ in maps.canvas.layers] == [1]

"""Preview and print of handover documents: the PDF's own pages, drawn one at a time,
sent through Qt's print system and audited; the preview hands over to print or save."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from cerecorder import paths
from cerecorder.domain.model import TriageDecision
from cerecorder.export.pdf import PdfRenderer
from cerecorder.services import concerns, handover
from cerecorder.services import dsl as dsl_work
from cerecorder.services.session import Session
from cerecorder.ui.context import AppContext, FileDialogs, UiSettings
from cerecorder.ui.dsl_views import ChildWindow
from cerecorder.ui.export_dialog import ExportChronologyDialog
from cerecorder.ui.preview import DocumentPreview

from helpers import FAST_KDF, TAXONOMY, MockClock, add_child, content

UI_DIR = Path(__file__).resolve().parent.parent / "ui"
RENDERER = PdfRenderer(paths.resources_dir() / "fonts")


class PrintToFile(FileDialogs):
    """The seam answered by the test: the 'printer' chosen is a PDF file, and the test
    may pick a page range as a person would in the print dialog."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.page_range: tuple[int, int] | None = None
        self.asked_pages: list[int] = []
        self.cancel = False
        self.answers: list[Path | None] = []

    def save_path(self, *args: object) -> Path | None:
        return self.answers.pop(0)

    def choose_printer(self, parent: QWidget | None, printer: QPrinter, pages: int) -> bool:
        self.asked_pages.append(pages)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(self.out))
        printer.setResolution(72)  # small pages keep the test quick
        if self.page_range:
            printer.setFromTo(*self.page_range)
        return not self.cancel


@pytest.fixture
def printing(tmp_path: Path) -> PrintToFile:
    return PrintToFile(tmp_path / "printed.pdf")


@pytest.fixture
def ctx(tmp_path: Path, clock: MockClock, printing: PrintToFile) -> AppContext:
    return AppContext(
        clock=clock, taxonomy=TAXONOMY, settings=UiSettings(), save_settings=lambda s: None,
        default_vault_dir=tmp_path / "vault", demo_vault_dir=tmp_path / "demo",
        ui_dir=UI_DIR, file_dialogs=printing, kdf=FAST_KDF, documents=RENDERER)


def _busy_child(s: Session, clock: MockClock, concerns_count: int = 30) -> int:
    """A child whose chronology runs to several pages."""
    child = add_child(s, "Zoë", "Ólafsdóttir")
    for n in range(concerns_count):
        concern_id = concerns.record_concern(s, content(
            (child,), clock, facts=f"Concern {n}: new trainers, a second phone. " * 6))
        dsl_work.triage(s, concern_id, TriageDecision.MONITOR, f"Rationale {n}. " * 5)
    return child


def _dark_share(pixels: bytes) -> float:
    """The share of bytes that are clearly not white paper."""
    sample = pixels[::97]
    return sum(1 for b in sample if b < 128) / len(sample)


def _audit(s: Session, action: str) -> list[dict[str, object]]:
    return [json.loads(row[6]) for row in s.vault.uow().audit.rows() if row[3] == action]


def test_pages_are_drawn_from_the_pdf_itself(dsl: Session, clock: MockClock) -> None:
    child = _busy_child(dsl, clock, 12)
    doc = handover.chronology_document(dsl, child, purpose="Strategy meeting",
                                       school="Test School")
    pdf = RENDERER.chronology(doc, landscape=True)
    pages = RENDERER.pages(pdf)
    try:
        assert len(pages) == len(PdfReader(io.BytesIO(pdf)).pages) >= 2
        first = pages.page(0, 72)  # A4 landscape is 841.9 x 595.3 points
        assert first.landscape
        assert abs(first.width - 842) <= 1 and abs(first.height - 595) <= 1
        assert first.stride >= first.width * 4
        assert len(first.pixels) == first.stride * first.height
        assert 0.001 < _dark_share(first.pixels) < 0.5  # text on white, not blank
        twice = pages.page(0, 144)
        assert abs(twice.width - 1684) <= 1 and abs(twice.height - 1191) <= 1
        with pytest.raises(IndexError):
            pages.page(len(pages), 72)
    finally:
        pages.close()
    portrait = RENDERER.pages(RENDERER.chronology(doc, landscape=False))
    try:
        assert not portrait.page(0, 72).landscape
    finally:
        portrait.close()


def test_print_sends_every_page_and_is_audited(
    qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock, printing: PrintToFile
) -> None:
    child = _busy_child(dsl, clock)
    window = ChildWindow(ctx, dsl, child)
    qtbot.addWidget(window)
    dialog = window.export_pdf(printing=True)
    qtbot.addWidget(dialog)
    assert dialog.print_button.isDefault()  # opened with Ctrl+P: Enter prints
    dialog.print_document()
    assert "Say why" in dialog.message.text() and not printing.asked_pages
    dialog.purpose.setText("Transfer to the next school")
    dialog.print_document()
    pdf, document_id = dialog.document(RENDERER)
    total = len(PdfReader(io.BytesIO(pdf)).pages)
    assert printing.asked_pages == [total] and dialog.printed == total
    printed = PdfReader(str(printing.out))
    assert len(printed.pages) == total
    box = printed.pages[0].mediabox  # the whole sheet, landscape as the document is
    assert float(box.width) > float(box.height)
    sheet = RENDERER.pages(printing.out.read_bytes())
    try:
        assert _dark_share(sheet.page(0, 72).pixels) > 0.001  # the page was drawn on it
    finally:
        sheet.close()
    [event] = _audit(dsl, "printed")
    assert event["document"] == document_id and event["protected"] is False
    assert not _audit(dsl, "exported")


def test_a_page_range_prints_only_those_pages(
    qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock, printing: PrintToFile
) -> None:
    child = _busy_child(dsl, clock)
    dialog = ChildWindow(ctx, dsl, child).export_pdf()
    qtbot.addWidget(dialog)
    dialog.purpose.setText("MASH")
    printing.page_range = (2, 2)
    dialog.print_document()
    assert dialog.printed == 1 and len(PdfReader(str(printing.out)).pages) == 1


def test_a_cancelled_print_dialog_prints_and_audits_nothing(
    qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock, printing: PrintToFile
) -> None:
    child = _busy_child(dsl, clock, 2)
    dialog = ChildWindow(ctx, dsl, child).export_pdf()
    qtbot.addWidget(dialog)
    dialog.purpose.setText("MASH")
    printing.cancel = True
    dialog.print_document()
    assert printing.asked_pages and not printing.out.exists()
    assert not _audit(dsl, "printed") and dialog.isVisible()


def test_the_preview_pages_through_the_document(
    qtbot: QtBot, dsl: Session, clock: MockClock, tmp_path: Path
) -> None:
    child = _busy_child(dsl, clock)
    doc = handover.chronology_document(dsl, child, purpose="MASH", school="Test School")
    pages = RENDERER.pages(RENDERER.chronology(doc))
    preview = DocumentPreview(pages, "Chronology Zoë Ólafsdóttir")
    qtbot.addWidget(preview)
    preview.show()
    total = len(pages)
    assert preview.where.text() == f"Page 1 of {total}"
    assert not preview.previous.isEnabled() and preview.next.isEnabled()
    qtbot.keyClick(preview.pane, Qt.Key.Key_PageDown)
    assert preview.where.text() == f"Page 2 of {total}"
    qtbot.keyClick(preview.pane, Qt.Key.Key_End)
    assert preview.where.text() == f"Page {total} of {total}"
    assert not preview.next.isEnabled()
    qtbot.keyClick(preview.pane, Qt.Key.Key_Home)
    width = preview.image.pixmap().width()
    preview.zoom_in.click()
    assert preview.image.pixmap().width() > width
    assert preview.windowTitle() == "Preview: Chronology Zoë Ólafsdóttir"
    for button in (preview.previous, preview.next, preview.print_button,
                   preview.save_button, preview.zoom_in, preview.zoom_out):
        assert button.accessibleName() and button.focusPolicy() != Qt.FocusPolicy.NoFocus
    preview.grab().save(str(tmp_path / "preview.png"))
    pages.close()


@pytest.mark.parametrize("choice", ["save", "print"])
def test_the_preview_hands_over_the_same_document(
    qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock, printing: PrintToFile,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, choice: str,
) -> None:
    """Preview, then save or print from it: one document id in the pages, the file and
    the audit."""
    child = _busy_child(dsl, clock, 3)
    dialog = ChildWindow(ctx, dsl, child).export_pdf()
    assert isinstance(dialog, ExportChronologyDialog)
    qtbot.addWidget(dialog)
    dialog.purpose.setText("Strategy meeting")
    shown: list[str] = []

    def exec_(self: DocumentPreview) -> int:
        shown.append(self.where.text())
        return DocumentPreview.SAVE if choice == "save" else DocumentPreview.PRINT

    monkeypatch.setattr(DocumentPreview, "exec", exec_)
    out = tmp_path / "saved.pdf"
    printing.answers.append(out)
    dialog.preview()
    assert shown and shown[0].startswith("Page 1 of ")
    document_id = dialog.document(RENDERER)[1]
    if choice == "save":
        text = "".join(p.extract_text() for p in PdfReader(str(out)).pages)
        assert document_id in text and dialog.saved == out
        assert [e["document"] for e in _audit(dsl, "exported")] == [document_id]
    else:
        assert dialog.printed and not out.exists()
        assert [e["document"] for e in _audit(dsl, "printed")] == [document_id]
    # a changed option makes a new document, with a new id
    dialog.landscape.setChecked(False)
    dialog.portrait.setChecked(True)
    assert dialog.document(RENDERER)[1] != document_id

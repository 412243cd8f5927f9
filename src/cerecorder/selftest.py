"""`cerecorder --self-test`: proves an installed or frozen copy of CE Recorder works, for
school IT after installing and for CI after building the bundle.

It checks that crash dumps are off (the entry point turned them off first), finds the
shipped resources and Qt plugins, opens a window offscreen, creates a vault in a temporary
folder with the production key derivation, records a concern about a fictional child,
unlocks again, saves a chronology PDF, reads it back and prints its first page through Qt
into a file (preview and Print draw pages with PDFium); then removes everything it made.
One line on stdout when it passes; on failure one line on stderr saying which step
failed, and exit code 1.
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from cerecorder import __version__, hardening, paths
from cerecorder.domain.handover import DocumentRenderer
from cerecorder.domain.model import ChildDetails, ConcernContent, Role, Urgency
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.policy import Policy
from cerecorder.services import children, concerns, handover, session
from cerecorder.services.clock import SystemClock

#: The native Qt platform plugin each system needs for a real window (file name stem).
NATIVE_PLATFORM = {"linux": "qxcb", "win32": "qwindows", "darwin": "qcocoa"}
#: The Qt plugin that lists the system's printers, where Qt ships it as a plugin (Windows
#: and macOS print support is built into QtPrintSupport and the cocoa plugin).
PRINT_SUPPORT = {"linux": "cupsprintersupport"}
CHILD = ("Selftest", "Pupil")


class SelfTestFailed(Exception):
    """One step did not do what it should; the message says which and why."""


def _check(ok: object, problem: str) -> None:
    if not ok:
        raise SelfTestFailed(problem)


def _plugins() -> str:
    """The Qt platform plugins a window needs are in this copy (a bundle built without
    them would otherwise abort inside Qt with a message few people read)."""
    from cerecorder.ui import selfcheck

    folder = selfcheck.plugins_folder() / "platforms"
    found = {p.name.split(".")[0].removeprefix("lib") for p in folder.glob("*")}
    wanted = ["qoffscreen"]
    native = NATIVE_PLATFORM.get(sys.platform)
    if native:
        wanted.append(native)
    missing = [w for w in wanted if w not in found]
    _check(not missing, f"Qt platform plugins missing from {folder}: {', '.join(missing)}")
    printing = PRINT_SUPPORT.get(sys.platform)
    if printing:
        folder = folder.parent / "printsupport"
        found = {p.name.split(".")[0].removeprefix("lib") for p in folder.glob("*")}
        _check(printing in found, f"the Qt print support plugin {printing} is missing from "
                                  f"{folder}: Print would list no printer")
    return "+".join(w.removeprefix("q") for w in wanted)


def _window(policy: Policy) -> None:
    """The style sheet loads and the first-run window paints (offscreen if no screen)."""
    if sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
            or os.environ.get("QT_QPA_PLATFORM")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from cerecorder.app import build_context
    from cerecorder.ui import selfcheck

    style = paths.ui_dir() / "style.qss"
    _check(style.is_file(), f"the style sheet is missing: {style}")
    _check(selfcheck.first_run_window_paints(build_context(policy),
                                             style.read_text(encoding="utf-8")),
           "the first-run window could not be drawn")


def _records(folder: Path, taxonomy: TaxonomyLibrary, documents: DocumentRenderer,
             marking: str) -> int:
    """Vault, concern, unlock, chronology PDF and its first page drawn as for printing;
    the number of pages in the PDF."""
    from pypdf import PdfReader

    clock = SystemClock()
    passphrase = secrets.token_urlsafe(24)
    opened, _ = session.create(
        folder / "vault", user_name="selftest", display_name="Self-test", role=Role.DSL,
        passphrase=passphrase, clock=clock, taxonomy=taxonomy)
    try:
        child = children.add_child(opened, ChildDetails(*CHILD))
        concerns.record_concern(opened, ConcernContent(
            child_ids=(child,), occurred_at=clock.now() - timedelta(minutes=5),
            location="Self-test", facts="A fictional concern recorded by the self-test.",
            urgency=Urgency.LOW))
    finally:
        opened.lock()
    opened = session.unlock(folder / "vault", user_name="selftest", passphrase=passphrase,
                            clock=clock, taxonomy=taxonomy)
    try:
        doc = handover.chronology_document(opened, child, purpose="Self-test",
                                           school="CE Recorder self-test")
        _check(len(doc.rows) == 1, f"the chronology has {len(doc.rows)} entries, not 1")
        pdf = folder / "chronology.pdf"
        handover.save_export(opened, pdf, documents.chronology(doc), kind="chronology",
                             object_id=child, document_id=doc.header.document_id,
                             protected=False)
    finally:
        opened.lock()
    data = pdf.read_bytes()
    _check(data.startswith(b"%PDF-"), "the chronology file is not a PDF")
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for wanted in (marking, " ".join(CHILD), doc.header.document_id):
        _check(wanted in text, f"the chronology PDF does not show {wanted!r}")
    pages = documents.pages(data)  # what the preview and the printer draw
    try:
        image = pages.page(0, 36)
    finally:
        pages.close()
    _check(min(image.pixels) < 128, "the PDF's first page drew blank for preview and print")
    return len(reader.pages)


def _print(folder: Path, documents: DocumentRenderer) -> int:
    """The chronology's first page drawn onto a Qt printer as Print does (QtPrintSupport),
    into a PDF file instead of onto paper; the number of pages printed."""
    from pypdf import PdfReader

    from cerecorder.ui import selfcheck

    pages = documents.pages((folder / "chronology.pdf").read_bytes())
    try:
        sent = selfcheck.print_first_page(pages, folder / "printed.pdf")
        _check(sent == 1, f"{sent} of 1 page reached the printer")
    finally:
        pages.close()
    printed = len(PdfReader(folder / "printed.pdf").pages)
    _check(printed == sent, f"the printer wrote {printed} pages, not {sent}")
    return printed


def _built() -> str:
    """Where the package was built and the oldest system it is for (BUILD-INFO), as the
    end of the line the self-test prints; '' outside a package."""
    info = paths.build_info()
    if info is None:
        return ""
    lines = info.read_text(encoding="utf-8", errors="replace").splitlines()
    fields = dict(line.split(": ", 1) for line in lines if ": " in line)
    return (f"; built on {fields.get('Built on', 'an unknown system')}, for "
            f"{fields.get('Baseline', 'an unknown baseline')}")


def run(policy: Policy, documents: Callable[[], DocumentRenderer],
        out: TextIO | None = None, err: TextIO | None = None) -> int:
    """The self-test; 0 when every step passed. documents makes the PDF renderer (its
    import is a step: a bundle may lack a library it needs)."""
    out, err = out or sys.stdout, err or sys.stderr
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="cerecorder-selftest-"))
    steps: list[tuple[str, Callable[[], object]]] = []
    results: dict[str, object] = {}
    taxonomy: list[TaxonomyLibrary] = []
    renderer: list[DocumentRenderer] = []
    steps.append(("checking crash dumps are off", hardening.check))
    steps.append(("finding the taxonomy", lambda: taxonomy.append(
        TaxonomyLibrary.load(paths.taxonomy_dir()))))
    steps.append(("loading the PDF renderer", lambda: renderer.append(documents())))
    steps.append(("finding the Qt plugins", _plugins))
    steps.append(("drawing a window", lambda: _window(policy)))
    steps.append(("recording into a new vault and saving a PDF", lambda: _records(
        folder, taxonomy[0], renderer[0], policy.marking)))
    steps.append(("printing the PDF through Qt", lambda: _print(folder, renderer[0])))
    try:
        for name, step in steps:
            try:
                results[name] = step()
            except Exception as exc:  # the self-test exists to name what broke
                known = isinstance(exc, SelfTestFailed | hardening.CrashDumpsAllowed)
                reason = str(exc) if known else f"{type(exc).__name__}: {exc}"
                print(f"CE Recorder {__version__} self-test FAILED while {name}: {reason}",
                      file=err)
                return 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if folder.exists():
        print(f"CE Recorder {__version__} self-test FAILED: could not remove {folder}",
              file=err)
        return 1
    seconds = time.perf_counter() - started
    print(f"CE Recorder {__version__} self-test passed in {seconds:.1f} s: resources in "
          f"{paths.resources_dir()}, crash dumps off "
          f"({results['checking crash dumps are off']}), "
          f"Qt platforms {results['finding the Qt plugins']}, "
          f"vault created and unlocked, concern recorded, chronology PDF of "
          f"{results['recording into a new vault and saving a PDF']} page(s) checked, its "
          f"first page printed to a file, temporary files removed{_built()}", file=out)
    return 0


"""Nothing readable on disk: a canary saved in records, by the services and through the
desktop app's windows, appears in no file the program wrote, and no vault file is a plain
SQLite database."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

CANARY = "CANARY7f3aZoëNguyễn"
PASSPHRASE = "demo passphrase for canary"
ADMIN = Path(sys.executable).with_name("cerecorder-admin")

RECORD = textwrap.dedent(f"""
    import sys
    from datetime import timedelta
    from pathlib import Path
    from cerecorder import paths
    from cerecorder.domain.model import ChildDetails, ConcernContent, Urgency
    from cerecorder.domain.taxonomy import TaxonomyLibrary
    from cerecorder.services import (chronology, children, concerns, maintenance, search,
                                     session)
    from cerecorder.services.clock import SystemClock

    clock = SystemClock()
    s = session.unlock(Path(sys.argv[1]), user_name="demo", passphrase={PASSPHRASE!r},
                       clock=clock, taxonomy=TaxonomyLibrary.load(paths.taxonomy_dir()))
    child = children.add_child(s, ChildDetails("{CANARY}", "Surname{CANARY}"))
    draft = concerns.save_draft(s, ConcernContent(
        child_ids=(child,), occurred_at=clock.now() - timedelta(hours=1),
        location="{CANARY} park", facts="Facts {CANARY}", child_words="Words {CANARY}",
        opinion="Opinion {CANARY}", urgency=Urgency.HIGH))
    concerns.submit(s, draft)
    concerns.add_addendum(s, draft, "Addendum {CANARY}")
    assert search.search_concerns(s, "{CANARY[:10]}")
    assert chronology.chronology(s, child)
    assert maintenance.verify(s).ok
    maintenance.backup(s, Path(sys.argv[2]))
    s.lock()
""")


# The desktop app, offscreen: a concern typed into the form (autosaved as a draft, then
# submitted), the concern and chronology windows, the preview of the chronology's pages.
WINDOWS = textwrap.dedent(f"""
    import sys
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    from cerecorder import app
    from cerecorder.domain.model import ChildDetails
    from cerecorder.services import children, session
    from cerecorder.ui.concern_form import ConcernDialog
    from cerecorder.ui.concern_view import ConcernViewDialog
    from cerecorder.ui.controller import AppController, shut_down
    from cerecorder.ui.dsl_views import ChildWindow
    from cerecorder.ui.preview import DocumentPreview

    qt = QApplication([])
    app.configure_logging()
    ctx = app.build_context()
    s = session.unlock(Path(sys.argv[1]), user_name="demo", passphrase={PASSPHRASE!r},
                       clock=ctx.clock, taxonomy=ctx.taxonomy)
    controller = AppController(ctx)
    controller.unlocked(s)
    child = children.add_child(s, ChildDetails("Gui{CANARY}", "Surname{CANARY}"))
    form = ConcernDialog(ctx, s, child_ids=[child], parent=controller.window)
    form.facts.setPlainText("Facts typed {CANARY} " * 20)
    form.opinion.setPlainText("Opinion typed {CANARY}")
    form.when.just_now()
    form.show()
    qt.processEvents()
    assert form.save_draft() and form.submit_now()
    view = ConcernViewDialog(ctx, s, form.draft_id, controller.window)
    view.show()
    window = ChildWindow(ctx, s, child)
    window.show()
    dialog = window.export_pdf()
    dialog.purpose.setText("Purpose {CANARY}")
    pages = ctx.documents.pages(dialog.document(ctx.documents)[0])
    preview = DocumentPreview(pages, "Chronology", dialog)
    preview.show()
    qt.processEvents()
    assert preview.where.text().startswith("Page 1 of")
    preview.close()
    pages.close()
    for widget in (dialog, window, view):
        widget.close()
    controller.lock(reopen=False)
    shut_down(qt)
""")


def _run(args: list[str], env: dict[str, str], stdin: str = "") -> str:
    done = subprocess.run(args, input=stdin, capture_output=True, text=True, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


@pytest.mark.slow
def test_no_record_content_reaches_any_file_the_program_wrote(tmp_path: Path) -> None:
    home, tmp, vault, backup = (tmp_path / n for n in ("home", "tmp", "vault", "backup"))
    tmp.mkdir()
    env = {**os.environ, "CERECORDER_HOME": str(home), "TMPDIR": str(tmp)}
    _run([str(ADMIN), "demo", str(vault), "--size", "tiny", "--seed", "3", "--quiet"], env,
         PASSPHRASE + "\n")
    _run([sys.executable, "-c", RECORD, str(vault), str(backup)], env)
    _run([sys.executable, "-c", WINDOWS, str(vault)],
         {**env, "HOME": str(home), "XDG_CACHE_HOME": str(home / "cache"),
          "XDG_CONFIG_HOME": str(home / "config"), "QT_QPA_PLATFORM": "offscreen"})
    _run([str(ADMIN), "verify", str(vault), "--user", "demo"], env, PASSPHRASE + "\n")
    assert (home / "logs" / "cerecorder.log").is_file()  # the log exists, and is scanned

    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.name for p in written} >= {"vault.db", "keyslots.json", "cerecorder.log"}
    needles = [CANARY.encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be")]
    needles.append(b"CANARY7f3a")
    for path in written:
        data = path.read_bytes()
        for needle in needles:
            assert needle not in data, f"{path} holds record content"
        if path.parent in (vault, backup):
            assert not data.startswith(b"SQLite format 3"), f"{path} is not encrypted"

"""What the app imports before a window is painted: each module only where it is needed.
How fast the windows open is measured in bench/ui_bench.py; these guard the imports that
would slow them, which are cheap and certain to check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from helpers import MockClock, new_vault

#: Modules the unlock window must not wait for: the PDF libraries, the demo, the main
#: window and what only an unlocked vault uses (the documents' model, the flag rules, the
#: screening instruments, the print dialogs, ui.common with the Qt namespace's enums)
NOT_BEFORE_UNLOCK = (
    "reportlab", "pypdf", "pypdfium2", "PySide6.QtPrintSupport",
    "cerecorder.services.demo", "cerecorder.ui.main_window", "cerecorder.ui.common",
    "cerecorder.ui.concern_form", "cerecorder.domain.handover", "cerecorder.domain.patterns",
    "cerecorder.domain.screening",
)

#: Windows the main window opens from its lists, each loaded when first opened
OPENED_FROM_LISTS = ("cerecorder.ui.concern_view", "cerecorder.ui.export_dialog",
                     "cerecorder.ui.flag_views")


def run(script: str, home: Path) -> list[str]:
    env = {**os.environ, "CERECORDER_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()


def test_the_unlock_window_paints_without_what_only_an_unlocked_vault_needs(
        tmp_path: Path) -> None:
    """Started on a school's vault, the app shows the unlock window; by then none of
    NOT_BEFORE_UNLOCK is loaded. Signing in then loads the main window as before."""
    folder = tmp_path / "vault"
    new_vault(folder, MockClock(datetime(2026, 11, 1, 10, 0, tzinfo=UTC))).lock()
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.json").write_text(
        json.dumps({"last_vault": str(folder), "last_user": "dsl"}), encoding="utf-8")
    script = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from cerecorder import app\n"
        "from cerecorder.ui.controller import AppController\n"
        "qt = QApplication([])\n"
        "controller = AppController(app.build_context())\n"
        "controller.start()\n"
        "controller.dialog.show()\n"
        "qt.processEvents()\n"
        "print(type(controller.dialog).__name__)\n"
        f"print(sorted(m for m in {NOT_BEFORE_UNLOCK!r} if m in sys.modules))\n"
        "from cerecorder.ui.unlock import RecoveryDialog\n"
        "RecoveryDialog(controller.ctx, controller.folder, 'dsl', controller.dialog)\n"
        "print('cerecorder.ui.common' in sys.modules)\n"
    )
    assert run(script, home) == ["UnlockDialog", "[]", "True"]


def test_the_main_window_loads_the_windows_its_lists_open_only_when_opened(
        tmp_path: Path) -> None:
    """A concern's view (and its export dialog) and a child's flags open from the lists;
    the main window paints without them."""
    script = (
        "import sys\n"
        "import cerecorder.ui.main_window\n"
        f"print([m for m in {OPENED_FROM_LISTS!r} if m in sys.modules])\n"
    )
    assert run(script, tmp_path) == ["[]"]

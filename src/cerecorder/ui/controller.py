"""Which window is showing: first run, unlock, the main window; and locking.

Locking (Ctrl+L, the idle timer, or closing) first takes every window out of sight, then
saves the drafts, closes the session (the connection closes and the key is dropped) and
destroys every window that showed records, so nothing lingers and nothing asks.
"""

from __future__ import annotations

import contextlib
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from cerecorder.domain.errors import CERecorderError, EnvironmentProblem
from cerecorder.services import session
from cerecorder.services.session import Session
from cerecorder.ui.context import AppContext
from cerecorder.ui.settings_model import idle_lock_ms
from cerecorder.ui.unlock import UnlockDialog
from cerecorder.ui.windows import forget_records, hide_all, share_actions, shown_windows
from cerecorder.ui.workers import Worker, run_with_progress

if TYPE_CHECKING:  # the main window and what it pulls in load at the first unlock, and
    # the first-run windows and the restore acknowledgement when needed, so the unlock
    # window paints sooner at start
    from cerecorder.ui.main_window import MainWindow
    from cerecorder.ui.setup import StartDialog

#: The demo vault holds fictional pupils only; its passphrase is printed on the unlock
#: screen so a newcomer can try the app at once.
DEMO_PASSPHRASE = "fictional pupils only"  # noqa: S105  (public by design)
#: how often a lock that waits for a key rotation looks again
LOCK_RETRY_MS = 250
_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
             QEvent.Type.Wheel, QEvent.Type.TouchBegin}


class IdleWatcher(QObject):
    """Restarts the idle timer on any keyboard, mouse or touch input in the app, and hands
    every window that opens while unlocked the main window's application-wide actions.
    It watches only while the vault is unlocked: locked, it would have nothing to do, and
    an application-wide filter in Python costs on every event in the app (the unlock
    window's are about a quarter of its start-up)."""

    def __init__(self, controller: AppController) -> None:
        super().__init__()
        # weakly: a cycle would leave both to Python's cyclic collector, which may free
        # them in any order while Qt still calls this filter
        self.controller = weakref.ref(controller)
        self.timer = controller.idle

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _ACTIVITY and self.timer.isActive():
            self.timer.start()
        elif kind == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            controller = self.controller()
            main = controller.window if controller is not None else None
            if main is not None and watched is not main:
                share_actions(watched, main.everywhere)
        return False


class AppController(QObject):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.session: Session | None = None
        self.folder: Path | None = None
        self.window: MainWindow | None = None
        self.dialog: QWidget | None = None
        self.worker: Worker | None = None
        #: why drafts could not be saved when the vault last locked; told at next unlock
        self.unsaved: list[str] = []
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(self.lock)
        self.watcher = IdleWatcher(self)

    # -- start -------------------------------------------------------------------------

    def start(self) -> None:
        """Open the last vault, else the school's default one, else the first-run choice.
        A vault folder fixed by school IT's policy comes first; the demo vault, last used
        before the policy withdrew the demo, is not reopened."""
        candidates = [self.ctx.settings.last_vault, str(self.ctx.default_vault_dir)]
        if "vault_location" in self.ctx.policy_fixed:
            candidates.reverse()
        for candidate in candidates:
            if not self.ctx.offer_demo and candidate \
                    and Path(candidate) == self.ctx.demo_vault_dir:
                continue
            if candidate and _is_vault(Path(candidate)):
                self.show_unlock(Path(candidate))
                return
        self.show_start()

    def show_start(self) -> None:
        from cerecorder.ui.setup import StartDialog

        dialog = StartDialog(self.ctx)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._started(dialog))
        dialog.show()

    def _started(self, dialog: StartDialog) -> None:
        from cerecorder.ui.setup import SetupWizard

        if dialog.choice == dialog.CREATE:
            wizard = SetupWizard(self.ctx)
            wizard.created.connect(self.unlocked)
            wizard.rejected.connect(self.show_start)
            self.dialog = wizard
            wizard.show()
        elif dialog.choice == dialog.DEMO:
            self.open_demo()
        elif dialog.choice == dialog.OPEN and dialog.chosen_folder is not None:
            self.show_unlock(dialog.chosen_folder)

    def open_demo(self) -> None:
        folder = self.ctx.demo_vault_dir
        if _is_vault(folder):
            self.show_unlock(folder, demo=True)
            return
        parent = self.dialog or QWidget()

        def build(progress: object) -> object:
            from cerecorder.services import demo

            return demo.create_demo_vault(
                folder, passphrase=DEMO_PASSPHRASE, seed=1, size="school",
                clock=self.ctx.clock, taxonomy=self.ctx.taxonomy,
                progress=progress, kdf=self.ctx.kdf,  # type: ignore[arg-type]
                evidence=self.ctx.demo_files() if self.ctx.demo_files else None,
            )

        def failed(exc: Exception) -> None:
            if not isinstance(exc, CERecorderError):
                raise exc
            QMessageBox.warning(parent, "CE Recorder", str(exc))
            self.show_start()

        self.worker = run_with_progress(
            parent, "Creating the demo vault of fictional pupils…", build,
            lambda _: self.show_unlock(folder, demo=True), failed)

    def show_unlock(self, folder: Path, *, demo: bool = False) -> None:
        self.folder = folder
        demo = demo or folder == self.ctx.demo_vault_dir
        dialog = UnlockDialog(self.ctx, folder, demo=demo)
        if demo:
            dialog.hint.setText(f"Demo passphrase: {DEMO_PASSPHRASE}")
            dialog.user.setCurrentText("demo")
        dialog.unlocked.connect(self.unlocked)
        self.dialog = dialog
        dialog.show()

    # -- unlocked and locked -----------------------------------------------------------

    def unlocked(self, opened: Session) -> None:
        if opened.rollback is not None and not self._acknowledged(opened):
            opened.lock()  # writes no anchor: the next unlock asks again
            self.show_unlock(opened.vault.files.folder)
            return
        opened.attachment_limits = self.ctx.attachment_limits  # the policy's
        self.session = opened
        self.folder = opened.vault.files.folder
        self.ctx.settings.last_vault = str(self.folder)
        self.ctx.save_settings(self.ctx.settings)
        from cerecorder.ui.main_window import MainWindow

        self._watch(True)
        self.window = MainWindow(self.ctx, opened)
        self.window.lock_requested.connect(self.lock)
        self.window.settings_saved.connect(self.apply_idle_lock)
        self.window.show()
        if self.unsaved:
            QMessageBox.warning(
                self.window, "A draft was not saved",
                "When the vault locked, the latest changes to a draft could not be saved:\n\n"
                + "\n".join(self.unsaved)
                + "\n\nWhat was saved before is in My concerns.")
            self.unsaved = []
        self.dialog = None
        self.apply_idle_lock()

    def _watch(self, on: bool) -> None:
        app = QApplication.instance()
        if app is not None:
            (app.installEventFilter if on else app.removeEventFilter)(self.watcher)

    def apply_idle_lock(self) -> None:
        """(Re)start the idle timer with the lock time in force: a new one applies at once."""
        self.idle.start(idle_lock_ms(self.ctx.settings))

    def _acknowledged(self, opened: Session) -> bool:
        """A DSL's unlock of a vault older than an anchor seen (unlock refuses everyone
        else): acknowledge a deliberate restore, audited, or lock again."""
        assert opened.rollback is not None
        told = opened.rollback.sentence(opened.tz).removesuffix(" Ask your DSL.")
        answer = QMessageBox.question(
            self.dialog, "This vault is older than one seen before",
            f"{told}\n\nIf the school restored it from a backup on purpose, acknowledge the "
            "restore: it is recorded in the audit, and the other users can open the vault "
            "again. If not, choose No: the vault locks, and IT should find the newer copy "
            "before anyone records in this one.\n\nAcknowledge that this vault was restored "
            "on purpose?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        from cerecorder.services import maintenance

        try:
            maintenance.acknowledge_restore(opened)
        except EnvironmentProblem as exc:  # a full disk: nothing was recorded
            QMessageBox.warning(self.dialog, "CE Recorder", str(exc))
            return False
        return True

    def lock(self, *, reopen: bool = True) -> None:
        """Take every window out of sight at once, save the drafts, close the session and
        destroy the windows that showed records; then, unless the app is quitting, offer
        the unlock dialog again, the only window on screen. While a key rotation has the
        vault (a minute for 2 GB), every window but its progress goes out of sight and the
        lock waits for it; quitting waits for it too."""
        if self.session is not None and self.session.vault.busy:
            if reopen:
                from cerecorder.ui.rotation import RotationDialog

                rotations = [w for w in QApplication.topLevelWidgets()
                             if isinstance(w, RotationDialog)]
                hide_all(shown_windows(besides=rotations))
                QTimer.singleShot(LOCK_RETRY_MS, self.lock)
                return
            self.session.vault.wait_for_worker()
        self.idle.stop()
        self._watch(False)
        window, self.window = self.window, None
        hide_all(shown_windows())  # first: nothing stays on screen while the rest runs
        if window is not None:
            from cerecorder.ui.concern_form import ConcernDialog

            for form in window.findChildren(ConcernDialog):
                if not form.save_draft():  # whatever was typed since the last autosave
                    self.unsaved.append(form.message.text())
            forget_records(window)
            window.clear()
        # The session closes before the windows go, so no window can stop the lock to ask
        # a question (a form that could not save would otherwise ask whether to close).
        if self.session is not None:
            with contextlib.suppress(EnvironmentProblem):  # the connection goes either way
                self.session.lock()
            self.session = None
        if window is not None:
            window.deleteLater()  # and every dialog and chronology window it owns
        if reopen and self.folder is not None:
            self.show_unlock(self.folder)


def shut_down(app: QApplication) -> None:
    """Destroy every window before the application, in Qt's order, not the garbage
    collector's: left to interpreter exit, PySide can free a widget twice and crash."""
    for widget in app.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    app.processEvents()
    app.shutdown()


def _is_vault(folder: Path) -> bool:
    try:
        session.vault_user_names(folder)
    except EnvironmentProblem:
        return False
    return True

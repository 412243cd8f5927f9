"""Removing a user off the GUI thread. The key rotation rewrites the whole vault (about a
minute for 2 GB), behind a modal progress dialog that says how far it has got and has
no Cancel: a rekey stopped half-way is only finished at the next unlock."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QVBoxLayout, QWidget

from cerecorder.domain.rotation import RekeyProgress
from cerecorder.services import users
from cerecorder.services.session import Session

TITLE = "Changing the vault's key"
NOTE = ("This cannot be stopped part-way. If the computer goes off, the change is finished "
        "when the vault is next unlocked.")
STEPS = 1000


class RotationWorker(QThread):
    """Runs users.remove_user on the connection the GUI thread lent it (OpenVault.lend):
    meanwhile the GUI thread's own use of the vault (a timer, an autosave) is told the
    vault is busy instead of mixing its transaction into the rotation's."""

    stepped = Signal(str, int)
    done = Signal(object)  # None, or the exception

    def __init__(self, session: Session, user_id: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.session, self.user_id = session, user_id
        self.dialog: RotationDialog | None = None

    def run(self) -> None:
        problem: Exception | None = None
        try:
            users.remove_user(self.session, self.user_id, self._report)
        except Exception as exc:  # handed to the GUI thread, which shows or re-raises it
            problem = exc
        finally:
            self.session.vault.give_back()  # before the GUI thread hears it is done
        self.done.emit(problem)

    def _report(self, step: RekeyProgress) -> None:  # from the rotation's watcher thread
        self.stepped.emit(step.sentence, round(step.fraction * STEPS))


class RotationDialog(QDialog):
    """Modal, with no Cancel: Escape and the title bar's close do nothing until the
    rotation ends, then the dialog closes itself. A window of its own, not a child of
    the settings: an idle lock that waits for the rotation hides every window but this
    (AppController.lock), and a child goes when its parent is hidden."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        # a title and nothing to close it with
        self.setWindowFlags(Qt.WindowType.Dialog | Qt.WindowType.CustomizeWindowHint
                            | Qt.WindowType.WindowTitleHint)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, STEPS)
        self.bar.setAccessibleName("How far the key change has got")
        note = QLabel(NOTE)
        note.setObjectName("hintMessage")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        for widget in (self.label, self.bar, note):
            layout.addWidget(widget)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)
        self.finished_rotation = False
        self.step("Removing the user and changing the vault's key…", 0)

    def step(self, sentence: str, value: int) -> None:
        self.label.setText(sentence)
        self.bar.setValue(value)
        self.bar.setAccessibleDescription(f"{sentence} {self.bar.text()}")

    def reject(self) -> None:
        if self.finished_rotation:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.finished_rotation:
            super().closeEvent(event)
        else:
            event.ignore()


def remove_user_with_progress(parent: QWidget, session: Session, user_id: int,
                              finished: Callable[[Exception | None], None]
                              ) -> RotationWorker:
    """Start the removal; `finished` runs on the GUI thread with None or the problem."""
    dialog = RotationDialog()
    worker = RotationWorker(session, user_id, parent)
    worker.dialog = dialog

    def done(problem: Exception | None) -> None:
        worker.wait()
        worker.dialog = None
        dialog.finished_rotation = True
        dialog.close()
        dialog.deleteLater()
        finished(problem)

    worker.stepped.connect(dialog.step)
    worker.done.connect(done)
    session.vault.lend()
    dialog.show()
    worker.start()
    return worker

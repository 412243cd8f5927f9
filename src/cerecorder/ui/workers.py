"""Long work (building the demo vault, later imports and exports) off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

Job = Callable[[Callable[[int, int], None]], Any]


class Worker(QThread):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, job: Job, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._job = job

    def run(self) -> None:
        try:
            result = self._job(self.progressed.emit)
        except Exception as exc:  # handed to the GUI thread, which shows or re-raises it
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)


def run_with_progress(parent: QWidget, label: str, job: Job,
                      on_success: Callable[[Any], None],
                      on_failure: Callable[[Exception], None]) -> Worker:
    """Run job in a thread behind a modal progress dialog; the window keeps painting."""
    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setCancelButton(None)
    dialog.setWindowTitle("CE Recorder")
    dialog.setMinimumDuration(0)
    dialog.setAccessibleName(label)
    worker = Worker(job, parent)

    def progressed(done: int, total: int) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        dialog.close()
        worker.wait()
        callback(value)

    worker.progressed.connect(progressed)
    worker.succeeded.connect(lambda result: finish(on_success, result))
    worker.failed.connect(lambda exc: finish(on_failure, exc))
    dialog.show()
    worker.start()
    return worker

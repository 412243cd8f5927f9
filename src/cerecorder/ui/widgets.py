"""Small shared pieces: labelled accessible controls, the passphrase strength meter."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from cerecorder.domain.errors import CERecorderError, EnvironmentProblem, VaultLocked

#: what a setting fixed by the machine-wide policy file says of itself
POLICY_TEXT = "Set by your school's IT policy"


def named(widget: QWidget, name: str, description: str = "") -> QWidget:
    """Give a control the accessible name a screen reader announces."""
    widget.setAccessibleName(name)
    if description:
        widget.setAccessibleDescription(description)
    return widget


def add_row(form: QFormLayout, label: str, widget: QWidget, description: str = "") -> None:
    """A form row whose label is the control's buddy (Alt+letter reaches it)."""
    named(widget, label.replace("&", "").rstrip(":"), description)
    caption = QLabel(label)
    caption.setBuddy(widget)
    form.addRow(caption, widget)


def password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    named(field, name)
    return field


class MessageLabel(QLabel):
    """A message line that makes room for itself: a dialog does not grow for a label
    that wraps onto more lines (Qt's minimum size ignores wrapping), so a two-line error
    squeezed the rows above it (the recovery dialog's passphrase advice, cut in half)."""

    def setText(self, text: str) -> None:
        super().setText(text)
        QTimer.singleShot(0, self, self._make_room)  # not once the label is gone

    def _make_room(self) -> None:
        window = self.window()
        layout = window.layout()
        if not window.isVisible() or layout is None or not layout.hasHeightForWidth():
            return
        needed = layout.minimumHeightForWidth(window.width())
        screen = window.screen()
        if screen is not None:
            needed = min(needed, screen.availableGeometry().height() - 60)
        if needed > window.height():
            window.resize(window.width(), needed)


def message_label(object_name: str = "errorMessage") -> QLabel:
    label = MessageLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setAccessibleName("Message")
    return label


def hint_label(text: str) -> QLabel:
    """A wrapped line of advice in the hint colour (4.5:1 like every message)."""
    label = QLabel(text)
    label.setObjectName("hintMessage")
    label.setWordWrap(True)
    return label


class Attempt:
    """Whether the work inside telling() went through."""

    ok = True


@contextlib.contextmanager
def telling(parent: QWidget, message: QLabel) -> Iterator[Attempt]:
    """Run a use case and tell the user how it went, the one way every window does:
    a known problem (wrong input, full disk...) in the window's own message line, where
    nothing typed is lost; any other application error in a message box."""
    attempt = Attempt()
    try:
        yield attempt
    except EnvironmentProblem as exc:
        attempt.ok = False
        message.setText(str(exc))
    except CERecorderError as exc:
        attempt.ok = False
        show_problem(parent, exc)


def show_problem(parent: QWidget | None, error: CERecorderError) -> None:
    """Known problems are told plainly; the text was written for school staff. A window
    the lock took away says nothing: the unlock window is the answer."""
    if isinstance(error, VaultLocked):
        return
    QMessageBox.warning(parent, "CE Recorder", str(error))


def strength(passphrase: str) -> tuple[int, str]:
    """A rough score (0-4) and advice. Length dominates: words beat symbols."""
    length = len(passphrase)
    kinds = sum(
        any(test(c) for c in passphrase)
        for test in (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
    )
    words = len(passphrase.split())
    score = 0
    if length >= 10:
        score = 1
    if length >= 14 or (length >= 10 and kinds >= 3):
        score = 2
    if length >= 18 or (words >= 3 and length >= 14):
        score = 3
    if length >= 24 or (words >= 4 and length >= 20):
        score = 4
    advice = [
        "Too short: at least 10 characters.",
        "Weak: add another word or two.",
        "Fair: a longer phrase would be stronger.",
        "Good.",
        "Strong.",
    ][score]
    return score, advice


class StrengthMeter(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setRange(0, 4)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(8)  # a thin meter, not something that looks typeable
        named(self.bar, "Passphrase strength")
        self.advice = QLabel("Three or four unrelated words make a strong passphrase.")
        self.advice.setObjectName("hintMessage")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.advice)

    def update_for(self, passphrase: str) -> int:
        score, advice = strength(passphrase)
        self.bar.setValue(score)
        self.advice.setText(advice)
        self.bar.setAccessibleDescription(advice)
        return score

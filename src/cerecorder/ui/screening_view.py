"""A signed screening, read only: its answers domain by domain with their scores and the
concerns each cites, as the DSL signed them (opened from its chronology row)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from cerecorder.domain.screening import Assessment, Instrument
from cerecorder.domain.timefmt import uk_date, uk_datetime
from cerecorder.services import screening
from cerecorder.services.session import Session
from cerecorder.ui.common import fit_to_screen, user_names
from cerecorder.ui.widgets import named


def screening_text(found: Assessment, made: Instrument | None, signer: str) -> str:
    """The screening as lines of text; without its instrument, the codes alone."""
    lines = [f"{made.name if made else found.instrument_id + ' ' + found.instrument_version}",
             f"Screened on {uk_date(found.assessed_on)}; signed by {signer} on "
             f"{uk_datetime(found.signed_at, found.tz)}; review by {uk_date(found.review_on)}.",
             f"Score {found.total}: {found.band_label}.", ""]
    given = {a.question: a for a in found.answers}
    domains = made.domains if made else ()
    for domain in domains:
        lines.append(f"{domain.label}: score {found.domain_scores.get(domain.code, 0)}")
        for q in domain.questions:
            answer = given.get(q.code)
            if answer is None:
                continue
            label = next((a.label for a in made.answers if a.code == answer.answer),
                         answer.answer) if made else answer.answer
            cites = (" (cites " + ", ".join(f"concern #{c}" for c in answer.cites) + ")"
                     if answer.cites else "")
            lines.append(f"  {q.text} {label}{cites}")
        lines.append("")
    if not domains:
        lines += [f"  {a.question}: {a.answer}" for a in found.answers]
    return "\n".join(lines).rstrip() + "\n"


class ScreeningViewDialog(QDialog):
    def __init__(self, session: Session, screening_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        found = screening.open_screening(session, screening_id)
        made = screening.instrument_of(session, found)
        signer = user_names(session).get(found.signed_by, f"user #{found.signed_by}")
        self.setWindowTitle(f"Screening #{screening_id}: {found.band_label.lower()}")
        fit_to_screen(self, 820, 620)
        self.text = QPlainTextEdit(screening_text(found, made, signer))
        self.text.setReadOnly(True)
        self.text.setTabChangesFocus(True)
        named(self.text, "The screening as signed")
        close = QPushButton("Close")
        named(close, "Close")
        close.clicked.connect(self.accept)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, stretch=1)
        layout.addWidget(close, alignment=Qt.AlignmentFlag.AlignRight)
        self.text.setFocus()

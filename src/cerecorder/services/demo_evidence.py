"""The demo's evidence (issue 16): a few fictional pupils' concerns with files attached (a
photographed handwritten note, a screenshot of messages) and body maps, one corrected by
an addendum, and a letter in a pupil's chronology, so a newcomer sees both at work.

The files' bytes are made by the composition root (cerecorder.demo_files, with Pillow
and ReportLab, which this layer may not import) and handed in; everything here goes
through the same services as a real school's records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from cerecorder.domain.body_map import BodyMark, Outlines
from cerecorder.domain.model import ConcernContent, Urgency
from cerecorder.services import attachments, body_maps, concerns
from cerecorder.services.session import Session


@dataclass(frozen=True)
class DemoFiles:
    note_jpeg: bytes  # a photographed handwritten note, with the camera's time and place
    messages_png: bytes  # a screenshot of messages on a phone
    letter_pdf: bytes  # a letter from children's social care
    outlines: Outlines


FIRST_MARKS = (
    BodyMark("front", 0.36, 0.3, "bruise", 3.0, "purple, yellow at the edges",
             "Upper right arm, the size of fingertips, four in a row",
             "My brother grabbed me"),
    BodyMark("back", 0.5, 0.42, "mark", 6.0, "red", "Across the lower back, a straight line",
             ""),
)
CORRECTED = (
    FIRST_MARKS[0],
    BodyMark("back", 0.5, 0.46, "mark", 8.0, "red",
             "Across the lower back, a straight line (longer than first written)", ""),
    BodyMark("head_side", 0.55, 0.45, "scratch", 1.5, "pink", "Behind the left ear", ""),
)
LATER_MARKS = (
    BodyMark("front", 0.62, 0.32, "bruise", 2.0, "blue", "Upper left arm, round", ""),
    BodyMark("hands", 0.3, 0.5, "burn", 1.0, "red, blistered", "Back of the right hand",
             "I touched the iron"),
)


def add_evidence(session: Session, files: DemoFiles, pupils: list[int]) -> int:
    """Concerns with files and body maps for the first two pupils given (a girl with two
    maps over time, one corrected, and a boy); returns how many concerns were written."""
    if len(pupils) < 2:
        return 0
    first, second = pupils[:2]
    now = session.clock.now()
    outlines = files.outlines

    def concern(child: int, hours: int, facts: str, words: str,
                urgency: Urgency = Urgency.HIGH) -> int:
        return concerns.save_draft(session, ConcernContent(
            child_ids=(child,), occurred_at=now - timedelta(hours=hours),
            location="Classroom 4", facts=facts, child_words=words,
            indicator_codes=frozenset({"SHARED-01"}), urgency=urgency,
            informed="DSL in person"))

    noted = concern(second, 30, "At the end of the lesson he handed me a folded note and "
                    "asked me not to read it until he had gone. The note is attached.",
                    "Please don't tell my mum.")
    attachments.add_to_draft(session, noted, files.note_jpeg, "note from the lesson.jpg")
    attachments.add_to_draft(session, noted, files.messages_png,
                             "Screenshot of messages she showed me.png")
    concerns.submit(session, noted)

    bruised = concern(first, 26, "When changing for PE I saw bruises on her upper arm and a "
                      "red line across her lower back. Marked on the body map.",
                      "My brother grabbed me.")
    body_maps.save_draft_map(session, bruised, FIRST_MARKS, outlines)
    concerns.submit(session, bruised)
    body_maps.add_correcting_map(
        session, bruised, "The mark on her back is longer than I first wrote, and the "
        "school nurse saw a scratch behind her left ear.", CORRECTED, outlines)

    later = concern(first, 8, "She had a bandage on her right hand and a bruise on her "
                    "upper left arm. Marked on the body map.", "I touched the iron.",
                    Urgency.MEDIUM)
    body_maps.save_draft_map(session, later, LATER_MARKS, outlines)
    concerns.submit(session, later)
    attachments.add_with_addendum(
        session, later, "Her mum sent this screenshot of the messages she had been sent.",
        [(files.messages_png, "Messages sent by her mum.png")])
    attachments.add_to_chronology(session, first, files.letter_pdf,
                                  "Letter from children's social care.pdf")
    return 3

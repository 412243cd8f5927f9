"""The file's life in a demo vault, so a newcomer finds each list filled: screenings of a
few pupils with concerns, transfers to the next school in each state (overdue and not
sent, sent and waiting for the receipt, acknowledged with the whole file kept read-only),
and subject access requests (open, extended, answered). Every name is made up. Written
through the services, as a DSL would, dated back from the vault's clock; the demo's own
term dates have no bank holidays, so deadlines here are estimated."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from cerecorder.domain.sar import SarStep
from cerecorder.domain.schooldays import NO_BANK_HOLIDAYS
from cerecorder.domain.screening import AnswerGiven
from cerecorder.domain.timefmt import local_date
from cerecorder.domain.transfers import StepKind
from cerecorder.services import sar, screening, transfers
from cerecorder.services.session import Session

#: (the receiving school, its DSL, days since the child left, the steps: (kind, days ago,
#: detail)); one transfer of each state the transfers list shows
TRANSFERS = (
    ("Hillside High School", "Jo Bloggs", 12, ()),
    ("Northgate Academy", "", 8, ((StepKind.SENT, 6, "Recorded post to their DSL"),)),
    ("St Anne's CE School", "Ruth Patel", 30,
     ((StepKind.SENT, 28, "Sealed packet, fingerprint checked by phone"),
      (StepKind.ACKNOWLEDGED, 25, "Ruth Patel, DSL"))),
)
#: (who asked, their relationship, days since the request came, what happened since)
SARS = (
    ("Mrs Karen Demo", "Mother", 9, ""),
    ("Mr Dean Example", "Father", 20, "extended"),
    ("Harper & Lowe Solicitors", "Solicitor for the child", 50, "sent"),
)
#: the questions answered yes in each screening, by position (the rest no)
SCREENED_YES = ((0, 1, 4), (2,), (0, 1, 2, 3, 5, 6, 8), ())


def write_file_life(session: Session, screened: Sequence[int], leaving: Sequence[int],
                    asked_about: Sequence[int]) -> dict[str, int]:
    """Screenings for `screened`, a transfer for each of `leaving` (marked as left), and a
    subject access request about each of `asked_about`. Returns how many of each."""
    today = local_date(session.clock.now(), session.tz)
    made = screening.instrument(session)
    questions = [q.code for q in made.questions]
    done = {"screenings": 0, "transfers": 0, "sars": 0}
    for child, yes in zip(screened, SCREENED_YES, strict=False):
        assessed = today - timedelta(days=20 + 7 * done["screenings"])
        screening.sign(session, child, made,
                       [AnswerGiven(q, "yes" if i in yes else "no")
                        for i, q in enumerate(questions)],
                       assessed_on=assessed, review_on=assessed + timedelta(days=91))
        done["screenings"] += 1
    for child, (school, their_dsl, left_ago, steps) in zip(leaving, TRANSFERS, strict=False):
        transfer = transfers.mark_left(session, NO_BANK_HOLIDAYS, child,
                                       today - timedelta(days=left_ago), school, their_dsl)
        for kind, ago, detail in steps:
            transfers.record_step(session, transfer, kind, detail,
                                  happened_on=_ago(today, ago))
        done["transfers"] += 1
    for child, (who, relationship, ago, then) in zip(asked_about, SARS, strict=False):
        case = sar.open_case(session, NO_BANK_HOLIDAYS, child, who, relationship,
                             _ago(today, ago))
        if then == "extended":
            sar.extend(session, NO_BANK_HOLIDAYS, case, 2, "Complex: several agencies' "
                       "records to review, and redaction of other children")
        elif then == "sent":
            sar.close(session, case, SarStep.SENT, "Redacted PDF sent by secure e-mail")
        done["sars"] += 1
    return done


def _ago(today: date, days: int) -> date:
    return today - timedelta(days=days)

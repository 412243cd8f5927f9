"""The demo's county-lines storyline (issue 14): four pupils over the spring term of 2026,
joined by one silver car, one phone number and a man called 'Tiny', with signs rising and
two missing episodes; and three control pupils with ordinary concerns, one of them about a
different silver car. Pattern flags fire on the four and on none of the controls.

Every person, car and number is made up: the phone number is in Ofcom's range kept for
drama (07700 900000 to 900999). The pupils are picked from the demo school's own roll
(ones with no other record), so they look like the rest; the records go in through the
repositories in one transaction, as the DSL would have matched them, and their flags are
worked out by the same code the app runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from cerecorder.domain.model import (
    ConcernContent,
    EntryKind,
    EntryType,
    EventKind,
    Mention,
    TriageDecision,
    Urgency,
)
from cerecorder.domain.register import clean_entry
from cerecorder.domain.statuses import StatusKind
from cerecorder.services import audit, flags
from cerecorder.services.session import Session
from cerecorder.storage.uow import UnitOfWork

TZ = "Europe/London"

#: register entries as the DSL made them, by a short name the story uses
ENTRIES = {
    "car": (EntryKind.VEHICLE, {"registration": "SV18 KWD", "colour": "silver",
                                "make": "Vauxhall", "model": "Astra",
                                "marks": "Tinted rear windows, dent in the rear bumper"}),
    "phone": (EntryKind.PHONE, {"number": "07700 900472",
                                "note": "Saved as 'T' in the pupils' phones"}),
    "tiny": (EntryKind.PERSON, {"nicknames": "Tiny", "approximate_age": "about 22",
                                "description": "Tall, slim, often in a grey tracksuit; "
                                "drives the silver Astra",
                                "relationship": "older male; gives pupils lifts"}),
    "flat": (EntryKind.PLACE, {"description": "Flat above the launderette on the parade",
                               "place_kind": "address believed used for dealing"}),
    "other car": (EntryKind.VEHICLE, {"registration": "SV18 KWB", "colour": "silver",
                                      "make": "Vauxhall", "model": "Corsa",
                                      "marks": "Mum's car"}),
}


@dataclass(frozen=True)
class _Concern:
    pupil: int  # index into the pupils picked: 0-3 the storyline, 4-6 the controls
    day: date
    facts: str
    codes: frozenset[str]
    mentions: tuple[tuple[EntryKind, str, str], ...] = ()  # kind, line typed, entry matched
    urgency: Urgency = Urgency.MEDIUM
    decision: TriageDecision = TriageDecision.MONITOR


def _c(pupil: int, day: date, facts: str, *codes: str,
       mentions: tuple[tuple[EntryKind, str, str], ...] = (),
       urgency: Urgency = Urgency.MEDIUM,
       decision: TriageDecision = TriageDecision.MONITOR) -> _Concern:
    return _Concern(pupil, day, facts, frozenset(codes), mentions, urgency, decision)


def _kinds(concern: _Concern) -> tuple[str, ...]:
    """The storyline's concerns are exploitation (sexual where a CSE sign is ticked), the
    controls' ordinary worries about how a pupil is feeling."""
    if concern.pupil not in STORYLINE:
        return ("CAT-MENTAL-HEALTH",)
    return ("CAT-CCE", "CAT-CSE") if any(c.startswith("CSE-") for c in concern.codes) \
        else ("CAT-CCE",)


CAR_LINE = (EntryKind.VEHICLE, "silver Astra, SV18 KWD", "car")
TINY_LINE = (EntryKind.PERSON, "older lad called 'Tiny' who drives it", "tiny")
PHONE_LINE = (EntryKind.PHONE, "07700 900 472 ('T')", "phone")

CONCERNS: tuple[_Concern, ...] = (
    _c(0, date(2026, 1, 14), "{name} was seen getting into a silver car outside the school "
       "gates at 15:20. The driver was an older male. {name} was wearing new designer "
       "trainers.", "KTS-FAMILY-09", "SHARED-01", mentions=(CAR_LINE, TINY_LINE)),
    _c(0, date(2026, 1, 27), "{name} had two phones in class and took calls from a number "
       "saved as 'T'; said it was 'work'.", "KTS-IDENTITY-02", "KTS-FAMILY-12",
       mentions=(PHONE_LINE,)),
    _c(0, date(2026, 2, 5), "After going missing on Tuesday night {name} was found by police "
       "in a town forty miles away with no known connection. Came home late twice last week.",
       "KTS-FAMILY-07", "SHARED-05", urgency=Urgency.HIGH,
       decision=TriageDecision.REFER_MASH,
       mentions=((EntryKind.PLACE, "flat above the launderette", "flat"),)),
    _c(1, date(2026, 2, 10), "{name} was dropped off at school by the same silver Astra, "
       "SV18KWD. Said 'Tiny's my mate, he looks after me'.", "KTS-FAMILY-09", "KTS-FAMILY-05",
       mentions=((EntryKind.VEHICLE, "SV18KWD", "car"),
                 (EntryKind.PERSON, "Tiny", "tiny"))),
    _c(2, date(2026, 2, 12), "{name} talked about her 'boyfriend' Tiny, who is 22, and "
       "showed friends a new phone and a bracelet he bought her. Hides her screen.",
       "CSE-01", "SHARED-01", "KTS-EMO-02", urgency=Urgency.HIGH,
       decision=TriageDecision.REFER_MASH,
       mentions=((EntryKind.PERSON, "'Tiny', her boyfriend, about 22", "tiny"),
                 (EntryKind.PHONE, "07700900472", "phone"))),
    _c(1, date(2026, 2, 24), "{name} has a new coat and a roll of cash; missed four "
       "afternoons this fortnight.", "SHARED-01", "KTS-EMO-06"),
    _c(3, date(2026, 3, 9), "{name} said another pupil offered him £50 a day to 'run "
       "errands' and gave him a number to ring.", "KTS-FAMILY-13", "SHARED-02",
       mentions=((EntryKind.PHONE, "+44 7700 900472", "phone"),)),
    _c(3, date(2026, 3, 18), "{name} smelt strongly of cannabis after lunch and was "
       "withdrawn all afternoon.", "KTS-HEALTH-01"),
    # the controls: ordinary concerns, one about a different silver car
    _c(4, date(2026, 1, 20), "{name} was upset after falling out with friends at break; "
       "talked it through with her tutor.", "SHARED-03", urgency=Urgency.LOW,
       decision=TriageDecision.NO_FURTHER_ACTION),
    _c(5, date(2026, 2, 3), "{name} was collected by his mum in her silver Corsa, SV18 KWB, "
       "and was anxious about a test.", mentions=(
           (EntryKind.VEHICLE, "mum's silver Corsa SV18 KWB", "other car"),),
       urgency=Urgency.LOW, decision=TriageDecision.NO_FURTHER_ACTION),
    _c(6, date(2026, 1, 15), "{name}'s marks have dropped this half term.", "KTS-EMO-07",
       urgency=Urgency.LOW),
    _c(6, date(2026, 3, 20), "{name} seemed low and tired; says she is sleeping badly "
       "before exams.", "KTS-EMO-01", urgency=Urgency.LOW),
)

#: (pupil, day, summary): the storyline's two missing episodes
MISSING = (
    (0, date(2026, 2, 3), "Reported missing by mum at 23:00; found by police the next "
     "afternoon in another town."),
    (1, date(2026, 3, 2), "Did not come home after school; returned at 06:00 and would not "
     "say where he had been."),
)

STORYLINE = range(4)
CONTROLS = range(4, 7)
#: the wording's pronouns: who each pupil picked must be
GENDERS = ("M", "M", "F", "M", "F", "M", "F")


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(TZ)).astimezone(UTC)


#: (pupil, status, from, to) and (pupil, role, name, service, contact, from) for the
#: storyline's front sheets
STATUSES = ((0, StatusKind.EARLY_HELP, date(2025, 11, 3), date(2026, 2, 9)),
            (0, StatusKind.CHILD_IN_NEED, date(2026, 2, 10), None),
            (1, StatusKind.EARLY_HELP, date(2026, 3, 9), None))
PROFESSIONALS = (
    (0, "Allocated social worker", "Priya Shah", "Northshire Children's Services (demo)",
     "01632 960123", date(2026, 2, 10)),
    (0, "Police contact", "PC Sam Hill", "Northshire Police, Exploitation Team (demo)",
     "01632 960456", date(2026, 2, 4)),
    (1, "Early help lead", "Tom Reid", "Northshire Family Hub (demo)", "01632 960789",
     date(2026, 3, 9)),
)


def _statuses(uow: UnitOfWork, pupils: Sequence[int], dsl: Callable[[date], int]) -> None:
    for pupil, kind, start, end in STATUSES:
        status = uow.statuses.add_status(pupils[pupil], kind, start, "", _at(start, 16),
                                         dsl(start))
        if end is not None:
            uow.statuses.end_status(status, end, "", _at(end, 16), dsl(end))
    for pupil, role, name, service, contact, start in PROFESSIONALS:
        uow.statuses.add_professional(pupils[pupil], role, name, service, contact, start,
                                      _at(start, 16), dsl(start))


def write_story(session: Session, pupils: Sequence[tuple[int, str]],
                author: Callable[[date], int], dsl: Callable[[date], int]) -> dict[str, int]:
    """Record the storyline for seven pupils (id, first name): the first four are the
    storyline, the last three the controls. Returns what was added, for the summary."""
    assert len(pupils) == len(GENDERS)
    with session.uow() as uow:
        entries: dict[str, int] = {}
        for name, (kind, values) in ENTRIES.items():
            day = min(c.day for c in CONCERNS if any(m[2] == name for m in c.mentions))
            by = dsl(day)
            entries[name] = uow.register.add_entry(kind, _at(day, 17), by)
            uow.register.add_revision(entries[name], clean_entry(kind, values), "",
                                      _at(day, 17), by)
        for concern in CONCERNS:
            child_id, first_name = pupils[concern.pupil]
            occurred, submitted = _at(concern.day, 10), _at(concern.day, 13)
            by = author(concern.day)
            concern_id = uow.concerns.create_draft(
                str(uuid.uuid5(uuid.NAMESPACE_OID, f"{child_id}:{concern.facts}")),
                by, occurred + timedelta(hours=1), TZ, session.taxonomy.current.version,
                ConcernContent(
                    child_ids=(child_id,), occurred_at=occurred,
                    location="School gates" if "gates" in concern.facts else "School",
                    facts=concern.facts.format(name=first_name), indicator_codes=concern.codes,
                    urgency=concern.urgency, informed="DSL",
                    mentions=tuple(Mention(k, text) for k, text, _ in concern.mentions)))
            uow.categories.set_for(concern_id, _kinds(concern))
            uow.concerns.submit(concern_id, submitted)
            decided = submitted + timedelta(hours=2)
            uow.dsl.add_triage(concern_id, concern.decision, "Storyline: see the register and "
                               "the pattern flags." if concern.pupil in STORYLINE
                               else "Ordinary worry; handled by the tutor.",
                               dsl(concern.day), decided, TZ)
            for position, (_, _, entry) in enumerate(concern.mentions):
                uow.register.add_link(entries[entry], child_id, concern_id=concern_id,
                                      mention=position, reported_by=by, seen_at=occurred,
                                      note="", now=decided, by=dsl(concern.day))
        for pupil, day, summary in MISSING:
            recorded = _at(day, 23) + timedelta(hours=20)
            event_id = uow.dsl.add_event(pupils[pupil][0], EventKind.MISSING_EPISODE,
                                         _at(day, 23), TZ, summary,
                                         "Return-home interview offered.", dsl(day), recorded)
            uow.statuses.mark(pupils[pupil][0], (EntryType.EVENT.value, event_id), True,
                              recorded, dsl(day))
            uow.statuses.add_impact(pupils[pupil][0], (EntryType.EVENT.value, event_id),
                                    "Missed the next two days of school; tired and withdrawn "
                                    "on return.", recorded, TZ, dsl(day))
        _statuses(uow, [child_id for child_id, _ in pupils], dsl)
        audit.record(uow, session.clock, session.user, "demo_batch_created", "register", "",
                     concerns=len(CONCERNS), entries=len(entries), events=len(MISSING))
        flags.refresh(uow, session, [child_id for child_id, _ in pupils])
        uow.commit()
    return {"concerns": len(CONCERNS), "decisions": len(CONCERNS), "events": len(MISSING)}

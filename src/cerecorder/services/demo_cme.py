"""Children missing education in the demo (KCSIE: children absent from education), so the
Ofsted pack's list of them, and the referrals behind it, are not empty: six pupils over the
school years 2024/25 and 2025/26, each concern in the category children missing education
(with another where the absence hides something else), triaged, with the enquiries and
referrals the DSL made and what came of them.

Every person is made up. The pupils are picked from the demo school's own roll (ones with
no other record, so the other demo stories keep theirs); the records go in through the
repositories in one transaction, dated in the school's time, as the DSL would have made
them. Two of the six end up with a plan (early help, child in need) from their statuses.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from cerecorder.domain.model import ActionKind, ConcernContent, TriageDecision, Urgency
from cerecorder.domain.statuses import StatusKind
from cerecorder.services import audit
from cerecorder.services.session import Session

TZ = "Europe/London"
CME = "CAT-CME"
CME_OFFICER = "Children missing education officer, Northshire County Council (demo)"


@dataclass(frozen=True)
class _Step:
    """An action the DSL took (days after the concern) and what came of it (days after
    the action), if anything yet."""

    kind: ActionKind
    detail: str
    after: int
    outcome: str = ""
    then: int = 7


@dataclass(frozen=True)
class _Concern:
    pupil: int  # index into the pupils picked
    day: date
    hour: int
    location: str
    facts: str
    categories: tuple[str, ...]
    decision: TriageDecision
    rationale: str
    urgency: Urgency = Urgency.MEDIUM
    child_words: str = ""
    steps: tuple[_Step, ...] = ()


#: the pupils' sexes, as the wording's pronouns need them
GENDERS = ("M", "F", "M", "F", "M", "M")

CONCERNS: tuple[_Concern, ...] = (
    # 0: not back after the summer, whereabouts unknown, then found abroad and back
    _Concern(0, date(2025, 9, 16), 11, "Attendance office",
             "{name} has not attended since term began on 03/09/2025 and no reason has been "
             "given. Mum's mobile goes to voicemail and two letters have had no reply. The "
             "attendance officer's home visit on 11/09 found the curtains closed and post "
             "piling up; a neighbour said the family 'went back to Romania in August'.",
             (CME,), TriageDecision.MONITOR,
             "Whereabouts unknown after 10 school days: reasonable enquiries made; the CME "
             "officer told the same day.",
             steps=(_Step(ActionKind.OTHER, f"Referred to the {CME_OFFICER}: whereabouts "
                          "unknown after 10 school days; enquiries so far listed.", 0,
                          "The CME officer traced the family through the older brother's "
                          "college: in Romania for a grandparent's illness, due back in "
                          "early October.", 9),)),
    _Concern(0, date(2025, 10, 6), 9, "Reception",
             "{name} returned today after five weeks away. He said he had been 'at Nan's in "
             "Romania' and looked well, but is anxious about catching up with his work.",
             (CME,), TriageDecision.MONITOR,
             "Back and safe: attendance plan and catch-up support; CME officer told.",
             urgency=Urgency.LOW,
             steps=(_Step(ActionKind.PARENTS_INFORMED, "Meeting with mum: attendance plan "
                          "agreed; the absence recorded as unauthorised.", 1,
                          "Attendance 96% over the rest of the autumn term.", 60),)),
    # 1: kept abroad after Easter, with a worry of forced marriage
    _Concern(1, date(2026, 4, 24), 10, "Form room",
             "{name} did not come back after the Easter holiday. Dad emailed to say the "
             "family are staying in Pakistan 'for a few more weeks' for a wedding. Her "
             "friend told the form tutor that before the holiday {name} was worried she was "
             "'being taken to get engaged'.",
             (CME, "CAT-FGM-HBA"), TriageDecision.REFER_MASH,
             "Possible forced marriage of a child abroad: referred the same day; no contact "
             "with the family that could alert them.", urgency=Urgency.HIGH,
             steps=(_Step(ActionKind.REFERRAL_MASH, "Same-day referral: possible forced "
                          "marriage abroad; the friend's account given word for word.", 0,
                          "MASH passed it to the Forced Marriage Unit, who contacted the "
                          "British High Commission; strategy meeting held.", 3),
                    _Step(ActionKind.POLICE, "Police told through the MASH police desk.",
                          0))),
    _Concern(1, date(2026, 5, 18), 13, "DSL's office",
             "{name} was back in school today. She told the DSL in private that the "
             "engagement 'was called off' after officials visited her aunt's house, and "
             "that she feels safe at home but would like to talk to someone.",
             (CME, "CAT-FGM-HBA"), TriageDecision.MONITOR,
             "Children's social care leading an assessment; weekly counselling in school.",
             child_words="I just want to finish school.",
             steps=(_Step(ActionKind.OTHER, "Return to school shared with her "
                          "social worker the same day.", 0,
                          "Child and family assessment: a child in need plan from "
                          "02/06/2026.", 14),)),
    # 2: a young carer missing Mondays and Fridays, over two school years
    _Concern(2, date(2025, 3, 14), 14, "Attendance office",
             "{name}'s attendance has fallen to 81% this term, mostly Mondays and Fridays. He "
             "says his mum 'has bad days' and he stays at home to look after his little "
             "sister.", (CME, "CAT-YOUNG-CARER"), TriageDecision.EARLY_HELP,
             "A young carer: early help with mum's consent.",
             steps=(_Step(ActionKind.EARLY_HELP, "Early help assessment started with mum; "
                          "referral to the young carers' service.", 3,
                          "Young carers' group on Wednesdays; attendance back to 92% by "
                          "July.", 90),)),
    _Concern(2, date(2026, 1, 23), 15, "Home visit",
             "{name} has been absent on each of the last four Mondays and Fridays with no call "
             "from home. At today's home visit mum was unwell in bed and {name} was caring for "
             "his sister, 4, who is not going to nursery.",
             (CME, "CAT-YOUNG-CARER"), TriageDecision.EARLY_HELP,
             "Early help plan reopened: family support and a nursery place for his sister.",
             steps=(_Step(ActionKind.EARLY_HELP, "Early help plan reviewed: family support "
                          "worker twice a week; nursery place sought for his sister.", 7,
                          "Attendance 94% since February half-term; plan continuing.",
                          70),)),
    # 3: gone to a refuge after domestic abuse, whereabouts unknown for a while
    _Concern(3, date(2025, 11, 20), 16, "Telephone",
             "{name} has been absent since Monday 17/11. Mum rang this afternoon from a "
             "withheld number to say they have left home after an incident with her partner "
             "and are 'somewhere safe'; she would not say where, and no new school has been "
             "named.", (CME, "CAT-DOMESTIC"), TriageDecision.REFER_MASH,
             "Domestic abuse, child's whereabouts unknown: MASH and the CME officer told "
             "the same day; nothing to be given to the partner.", urgency=Urgency.HIGH,
             steps=(_Step(ActionKind.REFERRAL_MASH, "Referral: domestic abuse; the child's "
                          "whereabouts unknown; the partner known to police.", 0,
                          "MASH confirmed mother and child safe in a refuge in another "
                          "authority.", 2),
                    _Step(ActionKind.OTHER, f"{CME_OFFICER} told: kept on roll until a "
                          "new school is confirmed or she returns.", 0,
                          "Back in the area at a new address in January; in school from "
                          "12/01/2026, the partner under a non-molestation order.", 50))),
    # 4: a father's plan to home educate after attendance letters
    _Concern(4, date(2026, 2, 27), 15, "Reception",
             "Dad came in after {name}'s detention and said he is taking him out of school "
             "'to home-school him from Monday'. {name} has missed 9 days this half-term and "
             "dad was angry about the attendance letters. No letter of withdrawal has come.",
             (CME,), TriageDecision.MONITOR,
             "Off roll only on a written notice; the LA's elective home education team told, "
             "to check it is not a way round attendance action.",
             steps=(_Step(ActionKind.OTHER, "Local authority's elective home education "
                          "team told of the plan.", 0,
                          "The EHE officer met dad on 10/03/2026; he decided to keep {name} "
                          "in school, with a support plan.", 11),)),
    _Concern(4, date(2026, 3, 6), 12, "Home visit",
             "{name} has been absent all week with no contact and dad is not answering. At the "
             "attendance officer's and DSL's home visit {name} was seen at the window, but dad "
             "would not open the door.", (CME,), TriageDecision.MONITOR,
             "Seen, so not missing; the meeting with the EHE officer kept.",
             steps=(_Step(ActionKind.PARENTS_INFORMED, "Letter by hand: the absence "
                          "unauthorised; the meeting with the EHE officer on 10/03/2026.",
                          0),)),
    # 5: not arriving at alternative provision, seen in town with older boys
    _Concern(5, date(2026, 6, 10), 11, "Telephone",
             "The alternative provision rang at 10:30: {name} has not arrived there for three "
             "days, though he leaves home each morning. A lunchtime supervisor saw him in the "
             "town centre at 12:00 with two older boys.", (CME, "CAT-CCE"),
             TriageDecision.REFER_MASH,
             "Missing from education in the school day with older boys: a risk of "
             "exploitation.", urgency=Urgency.HIGH,
             steps=(_Step(ActionKind.REFERRAL_MASH, "Referral: not attending alternative "
                          "provision; seen with older youths in town in school hours.", 0,
                          "Strategy discussion on 12/06/2026: safety plan; the provision's "
                          "transport now collects him from home.", 2),
                    _Step(ActionKind.PARENTS_INFORMED, "Mum told the same day; she did not "
                          "know he had not arrived.", 0))),
    _Concern(5, date(2026, 7, 8), 14, "Telephone",
             "{name} left the alternative provision's site at 11:00 and did not come back; "
             "mum was told at 11:30. He was home by 16:00 and would not say where he had "
             "been.", (CME,), TriageDecision.MONITOR,
             "Safety plan reviewed with his social worker.",
             steps=(_Step(ActionKind.OTHER, "Safety plan reviewed with children's social "
                          "care and the provision.", 1,
                          "No further absences to the end of term.", 10),)),
)

#: (pupil, plan, from): the plans that came of it
STATUSES = ((1, StatusKind.CHILD_IN_NEED, date(2026, 6, 2)),
            (2, StatusKind.EARLY_HELP, date(2026, 1, 30)))


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(TZ)).astimezone(UTC)


def pick(candidates: Sequence[tuple[int, str, str, date]]) -> list[tuple[int, str]]:
    """The six pupils (id, first name) from candidates (id, first name, sex, day joined),
    the first of each sex on roll before the pupil's first concern."""
    first = {i: min(c.day for c in CONCERNS if c.pupil == i) for i in range(len(GENDERS))}
    picked: list[tuple[int, str]] = []
    for index, gender in enumerate(GENDERS):
        child_id, name, _sex, _joined = next(
            c for c in candidates if c[2] == gender and c[3] <= first[index]
            and (c[0], c[1]) not in picked)
        picked.append((child_id, name))
    return picked


def write_missing_education(session: Session, pupils: Sequence[tuple[int, str]],
                            author: Callable[[date], int], dsl: Callable[[date], int]
                            ) -> dict[str, int]:
    """Record the concerns for the six pupils (id, first name) pick chose. Returns what
    was added, for the summary."""
    assert len(pupils) == len(GENDERS)
    added = dict.fromkeys(("concerns", "decisions", "actions", "outcomes"), 0)
    with session.uow() as uow:
        for concern in CONCERNS:
            child_id, first_name = pupils[concern.pupil]
            occurred = _at(concern.day, concern.hour)
            submitted = occurred + timedelta(hours=1)
            facts = concern.facts.format(name=first_name)
            concern_id = uow.concerns.create_draft(
                str(uuid.uuid5(uuid.NAMESPACE_OID, f"{child_id}:{facts}")),
                author(concern.day), occurred + timedelta(minutes=30), TZ,
                session.taxonomy.current.version,
                ConcernContent(child_ids=(child_id,), occurred_at=occurred,
                               location=concern.location, facts=facts,
                               child_words=concern.child_words, urgency=concern.urgency,
                               informed="DSL"))
            uow.categories.set_for(concern_id, concern.categories)
            uow.concerns.submit(concern_id, submitted)
            by = dsl(concern.day)
            decided = submitted + timedelta(hours=1)
            uow.dsl.add_triage(concern_id, concern.decision, concern.rationale, by, decided,
                               TZ)
            added["concerns"] += 1
            added["decisions"] += 1
            for step in concern.steps:
                taken = decided + timedelta(days=step.after)
                action = uow.dsl.add_action(child_id, concern_id, step.kind, step.detail,
                                            taken, TZ, by, taken)
                added["actions"] += 1
                if step.outcome:
                    came = taken + timedelta(days=step.then)
                    uow.dsl.add_outcome(child_id, action, concern_id,
                                        step.outcome.format(name=first_name), came, TZ, by,
                                        came)
                    added["outcomes"] += 1
        for pupil, kind, start in STATUSES:
            uow.statuses.add_status(pupils[pupil][0], kind, start, "", _at(start, 16),
                                    dsl(start))
        audit.record(uow, session.clock, session.user, "demo_batch_created", "concern",
                     "missing education", **added)
        uow.commit()
    return added

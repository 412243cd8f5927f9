"""Records as plain dataclasses. Times are aware UTC datetimes plus the author's zone name."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime


class Role(enum.StrEnum):
    STAFF = "staff"
    DSL = "dsl"
    ADMIN = "admin"


class ConcernStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Progress(enum.StrEnum):
    """How far a submitted concern has got, as its author may know it: never which
    decision the DSL made, nor what was done."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    SEEN = "seen"
    DECIDED = "decided"

    @property
    def label(self) -> str:
        return {"draft": "Draft", "submitted": "Submitted", "seen": "Seen by the DSL",
                "decided": "Decision recorded"}[self.value]


class Urgency(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    IMMEDIATE = "immediate"

    @property
    def label(self) -> str:
        return _URGENCY_LABELS[self]


_URGENCY_LABELS = {
    Urgency.LOW: "Low: for the DSL's information",
    Urgency.MEDIUM: "Medium: DSL to review today",
    Urgency.HIGH: "High: DSL to act today",
    Urgency.IMMEDIATE: "Immediate: child at risk of harm now",
}


class ChildFlag(enum.StrEnum):
    LOOKED_AFTER = "looked_after"
    SEND = "send"
    CP_PLAN = "cp_plan"
    CHILD_IN_NEED = "child_in_need"
    EHCP = "ehcp"

    @property
    def label(self) -> str:
        return _FLAG_LABELS[self]


_FLAG_LABELS = {
    ChildFlag.LOOKED_AFTER: "Looked after",
    ChildFlag.SEND: "SEND",
    ChildFlag.CP_PLAN: "Child protection plan",
    ChildFlag.CHILD_IN_NEED: "Child in need",
    ChildFlag.EHCP: "EHCP",
}


class LinkKind(enum.StrEnum):
    SIBLING = "sibling"
    ASSOCIATE = "associate"


class TriageDecision(enum.StrEnum):
    REFER_MASH = "refer_mash"
    REFER_POLICE = "refer_police"
    EARLY_HELP = "early_help"
    MONITOR = "monitor"
    NO_FURTHER_ACTION = "no_further_action"

    @property
    def label(self) -> str:
        return _DECISION_LABELS[self]

    @property
    def is_referral(self) -> bool:
        return self in (TriageDecision.REFER_MASH, TriageDecision.REFER_POLICE)


_DECISION_LABELS = {
    TriageDecision.REFER_MASH: "Refer to MASH / children's social care",
    TriageDecision.REFER_POLICE: "Refer to police",
    TriageDecision.EARLY_HELP: "Early Help",
    TriageDecision.MONITOR: "Monitor in school",
    TriageDecision.NO_FURTHER_ACTION: "No further action",
}


class ActionKind(enum.StrEnum):
    REFERRAL_MASH = "referral_mash"
    REFERRAL_CSC = "referral_csc"
    POLICE = "police"
    EARLY_HELP = "early_help"
    PARENTS_INFORMED = "parents_informed"
    MONITORING = "monitoring"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    ActionKind.REFERRAL_MASH: "Referral to MASH",
    ActionKind.REFERRAL_CSC: "Referral to children's social care",
    ActionKind.POLICE: "Police informed",
    ActionKind.EARLY_HELP: "Early Help",
    ActionKind.PARENTS_INFORMED: "Parents or carers informed",
    ActionKind.MONITORING: "Monitoring",
    ActionKind.OTHER: "Other action",
}


class EventKind(enum.StrEnum):
    """Significant events the DSL adds to a chronology by hand."""

    MISSING_EPISODE = "missing_episode"
    RETURN_HOME_INTERVIEW = "return_home_interview"
    STRATEGY_MEETING = "strategy_meeting"
    REFERRAL = "referral"
    CP_CONFERENCE = "cp_conference"
    POLICE_CONTACT = "police_contact"
    HEALTH_CONTACT = "health_contact"
    EXCLUSION = "exclusion"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _EVENT_LABELS[self]


_EVENT_LABELS = {
    EventKind.MISSING_EPISODE: "Missing episode",
    EventKind.RETURN_HOME_INTERVIEW: "Return-home interview",
    EventKind.STRATEGY_MEETING: "Strategy meeting",
    EventKind.REFERRAL: "Referral",
    EventKind.CP_CONFERENCE: "Child protection conference",
    EventKind.POLICE_CONTACT: "Police contact",
    EventKind.HEALTH_CONTACT: "Health contact",
    EventKind.EXCLUSION: "Suspension or exclusion",
    EventKind.OTHER: "Other significant event",
}


class EntryType(enum.StrEnum):
    """The kinds of row in a chronology."""

    CONCERN = "concern"
    ADDENDUM = "addendum"
    TRIAGE = "triage"
    ACTION = "action"
    OUTCOME = "outcome"
    EVENT = "event"
    SCREENING = "screening"


class EntryKind(enum.StrEnum):
    """The kinds of contextual register entry (domain/register.py says what each holds)."""

    PERSON = "person"
    VEHICLE = "vehicle"
    PLACE = "place"
    PHONE = "phone"
    ACCOUNT = "account"
    GROUP = "group"

    @property
    def label(self) -> str:
        return _ENTRY_KIND_LABELS[self]


_ENTRY_KIND_LABELS = {
    EntryKind.PERSON: "Person of concern",
    EntryKind.VEHICLE: "Vehicle",
    EntryKind.PLACE: "Place",
    EntryKind.PHONE: "Phone number",
    EntryKind.ACCOUNT: "Online account",
    EntryKind.GROUP: "Group",
}


@dataclass(frozen=True)
class Mention:
    """A line staff typed in a concern ('vehicle: silver Astra, AB51 ABC'), kept with the
    concern as written; the DSL matches it to a register entry or makes one from it."""

    kind: EntryKind
    text: str


@dataclass(frozen=True)
class User:
    id: int
    name: str
    display_name: str
    role: Role


@dataclass(frozen=True)
class ChildDetails:
    """What staff type or an MIS import supplies about a child."""

    legal_forenames: str
    legal_surname: str
    preferred_forenames: str = ""
    preferred_surname: str = ""
    date_of_birth: date | None = None
    upn: str = ""
    admission_number: str = ""
    year_group: str = ""
    reg_group: str = ""
    gender: str = ""
    flags: frozenset[ChildFlag] = frozenset()


@dataclass(frozen=True)
class Child:
    id: int
    details: ChildDetails
    left_on: date | None = None

    @property
    def display_name(self) -> str:
        d = self.details
        forenames = d.preferred_forenames or d.legal_forenames
        surname = d.preferred_surname or d.legal_surname
        return f"{forenames} {surname}".strip()

    @property
    def legal_name(self) -> str:
        return f"{self.details.legal_forenames} {self.details.legal_surname}".strip()


@dataclass(frozen=True)
class ChildLink:
    child_id: int
    other_id: int
    kind: LinkKind
    note: str


@dataclass(frozen=True)
class ConcernContent:
    """Everything the author of a concern writes. Immutable once the concern is submitted."""

    child_ids: tuple[int, ...] = ()
    occurred_at: datetime | None = None
    location: str = ""
    facts: str = ""
    child_words: str = ""
    opinion: str = ""
    indicator_codes: frozenset[str] = frozenset()
    indicators_other: str = ""
    action_taken: str = ""
    informed: str = ""
    urgency: Urgency = Urgency.MEDIUM
    #: people, vehicles, places, phones... mentioned, one line each (issue 14)
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True)
class Concern:
    id: int
    uid: str
    status: ConcernStatus
    author_id: int
    created_at: datetime
    tz: str
    submitted_at: datetime | None
    taxonomy_version: str
    content: ConcernContent


@dataclass(frozen=True)
class Addendum:
    id: int
    concern_id: int
    author_id: int
    created_at: datetime
    tz: str
    body: str


@dataclass(frozen=True)
class Triage:
    id: int
    concern_id: int
    decision: TriageDecision
    rationale: str
    decided_by: int
    decided_at: datetime
    tz: str


@dataclass(frozen=True)
class ChronologyEntry:
    """One row of a child's chronology, in the multi-agency columns."""

    occurred_at: datetime
    tz: str
    entry_type: EntryType
    source: str
    event: str
    decision: str
    outcome: str
    recorded_by: str
    ref_id: int
    concern_id: int | None = None
    indicator_codes: frozenset[str] = field(default_factory=frozenset)
    child_words: str = ""  # a concern's record of the child's own words
    kind: str = ""  # an event's EventKind, an action's ActionKind, a decision's value
    recorded_role: str = ""  # the recorder's role, as domain.handover.ROLE_LABELS names it
    taxonomy_version: str = ""  # what indicator_codes were recorded under
    recorded_at: datetime | None = None  # when it was written down, if not when it happened
    significant: bool = False  # marked by the DSL as a significant event
    impact: str = ""  # the DSL's note of the impact on the child
    #: the school it came from, for an entry of a file received by transfer (read-only)
    received_from: str = ""


@dataclass(frozen=True)
class SearchHit:
    concern_id: int
    occurred_at: datetime | None
    snippet: str
    child_names: tuple[str, ...]

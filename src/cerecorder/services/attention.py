"""What the DSL's windows read of pattern flags and of the work waiting (issue 14): a
flag with the rule's reason and the records behind it, and the "Needs attention" lines.

Read models only; the review itself is services.flags.review. Reading them is DSL work
and shows no record's content beyond a line naming it (opening the record is audited
where the record is opened).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from cerecorder.domain.model import EventKind, Role, Urgency
from cerecorder.domain.patterns import Flag, FlagReview, FlagStatus, Rule
from cerecorder.domain.schooldays import BankHolidays
from cerecorder.domain.timefmt import from_utc_text, local_date, uk_date
from cerecorder.services.access import require
from cerecorder.services.session import Session
from cerecorder.storage.uow import UnitOfWork

#: how much of a concern's facts names it in a list
GIST = 90


def _gist(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= GIST else line[:GIST - 1].rstrip() + "…"


@dataclass(frozen=True)
class Evidence:
    """One record behind a flag: ("concern" | "event" | "entry", id), when, one line."""

    ref_type: str
    ref_id: int
    at: datetime | None
    text: str


@dataclass(frozen=True)
class FlagDetail:
    flag: Flag
    rule: Rule | None  # None: a rule set this copy of the program does not ship
    evidence: list[Evidence]
    reviews: list[FlagReview]

    @property
    def label(self) -> str:
        return self.rule.label if self.rule else f"{self.flag.rule_code} (rules "\
            f"{self.flag.rule_version})"


def _evidence(uow: UnitOfWork, session: Session, flags: list[Flag]) -> dict[int, list[Evidence]]:
    concern_ids = {i for f in flags for i in f.ids("concern")}
    event_ids = {i for f in flags for i in f.ids("event")}
    entry_ids = {i for f in flags for i in f.ids("entry")}
    found = uow.concerns.many(concern_ids) if concern_ids else {}
    lookup = session.taxonomy.lookup
    lines: dict[tuple[str, int], Evidence] = {}
    for cid, concern in found.items():
        signs = sorted(item.label for code in concern.content.indicator_codes
                       if (item := lookup(code, concern.taxonomy_version)) is not None
                       and item.kind == "indicator")
        text = f"Concern #{cid}: {_gist(concern.content.facts)}"
        if signs:
            text += f" (signs: {'; '.join(signs)})"
        lines["concern", cid] = Evidence("concern", cid, concern.content.occurred_at, text)
    for child_id in {f.child_id for f in flags} if event_ids else set():
        for ident in uow.children.identity_ids(child_id):
            for event_id, kind, at, _tz, summary, _outcome, _by, *_recorded in \
                    uow.dsl.events_for_child(ident):
                if int(event_id) in event_ids:
                    label = EventKind(str(kind)).label
                    lines["event", int(event_id)] = Evidence(
                        "event", int(event_id), from_utc_text(str(at)),
                        f"{label}: {_gist(str(summary))}")
    for entry_id, entry in uow.register.many(entry_ids).items():
        lines["entry", entry_id] = Evidence(
            "entry", entry_id, entry.created_at,
            f"{entry.kind.label}: {entry.details.summary or f'entry #{entry_id}'}")
    result: dict[int, list[Evidence]] = {}
    for flag in flags:
        shown = [lines.get(ref, Evidence(ref[0], ref[1], None, f"{ref[0].title()} #{ref[1]}"))
                 for ref in sorted(flag.evidence)]
        order = {"entry": 0, "concern": 1, "event": 1}
        result[flag.id] = sorted(shown, key=lambda e: (order.get(e.ref_type, 2),
                                                       e.at or datetime.min.astimezone()))
    return result


def _rule(session: Session, flag: Flag) -> Rule | None:
    rules = session.taxonomy.rules.version(flag.rule_version)
    try:
        return None if rules is None else rules.rule(flag.rule_code)
    except KeyError:
        return None


def flag_details(session: Session, child_id: int, *, only_open: bool = True
                 ) -> list[FlagDetail]:
    """A child's flags (open ones, or all) with the rule's reason and their evidence."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        uow.children.get(child_id)
        found = [f for f in uow.flags.for_children([child_id])
                 if not only_open or f.status is FlagStatus.OPEN]
        evidence = _evidence(uow, session, found)
        reviews = uow.flags.reviews(f.id for f in found) if found else []
    return [FlagDetail(f, _rule(session, f), evidence[f.id],
                       [r for r in reviews if r.flag_id == f.id]) for f in found]


# -- Needs attention -------------------------------------------------------------------

class Need(enum.StrEnum):
    CONCERN = "concern"
    ACTION = "action"
    FLAG = "flag"
    CHILD = "child"
    MENTION = "mention"
    SCREENING = "screening"
    TRANSFER = "transfer"
    SAR = "subject access"

    @property
    def label(self) -> str:
        return _NEED_LABELS[self]


_NEED_LABELS = {
    Need.CONCERN: "New concern",
    Need.ACTION: "Action due",
    Need.FLAG: "Flag to review",
    Need.SCREENING: "Screening due for review",
    Need.CHILD: "Child awaiting a match",
    Need.MENTION: "Mention awaiting a match",
    Need.TRANSFER: "File transfer overdue",
    Need.SAR: "Subject access request due",
}
#: a subject access request shows this many days before it is due
SAR_NOTICE_DAYS = 7


@dataclass(frozen=True)
class AttentionLine:
    need: Need
    #: the record the line opens: a concern, a flag, a packet's child review, the concern
    #: a mention was typed in, a screening
    record_id: int
    child_id: int | None
    child: str
    at: datetime | None
    text: str
    urgency: Urgency | None = None


def _screenings_due(session: Session) -> list[AttentionLine]:
    """Children whose newest screening's review date has come, most overdue first."""
    from cerecorder.services import screening

    today = local_date(session.clock.now(), session.tz)
    return [AttentionLine(Need.SCREENING, due.screening_id, due.child_id, due.child_name,
                          None, f"{due.band_label}: review was due {uk_date(due.review_on)}")
            for due in screening.due_for_review(session, today)]


def _file_life(session: Session, holidays: BankHolidays) -> list[AttentionLine]:
    """Transfers overdue, and subject access requests due within a week or overdue."""
    from cerecorder.services import sar, transfers

    lines = [AttentionLine(Need.TRANSFER, row.status.transfer.id,
                           row.status.transfer.child_id, row.child_name, None,
                           row.status.describe())
             for row in transfers.overdue(session, holidays)]
    today = local_date(session.clock.now(), session.tz)
    with session.uow() as uow:
        names = {c.id: c.display_name for c in uow.children.many(
            {case.child_id for case in uow.sars.cases()})}
    for case in sar.cases(session):
        if not case.closed and (case.due - today).days <= SAR_NOTICE_DAYS:
            word = "overdue since" if case.due < today else "due"
            lines.append(AttentionLine(Need.SAR, case.id, case.child_id,
                                       names.get(case.child_id, f"#{case.child_id}"), None,
                                       f"Request #{case.id} from {case.requester}: {word} "
                                       f"{uk_date(case.due)}"))
    return lines


class _Names:
    """Children's names, read as the lines need them (never the whole roll)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.merged = uow.children.merged_map()
        self.known: dict[int, str] = {}

    def read(self, ids: set[int]) -> None:
        kept = {self.merged.get(i, i) for i in ids} - set(self.known)
        if kept:
            self.known.update((c.id, c.display_name) for c in self.uow.children.many(kept))

    def __call__(self, child_id: int) -> str:
        return self.known.get(self.merged.get(child_id, child_id), f"#{child_id}")


def _concerns(session: Session, uow: UnitOfWork, names: _Names) -> list[AttentionLine]:
    queue = uow.concerns.untriaged()
    names.read({k for c in queue for k in c.content.child_ids})
    return [AttentionLine(Need.CONCERN, c.id,
                          c.content.child_ids[0] if c.content.child_ids else None,
                          ", ".join(names(k) for k in c.content.child_ids),
                          c.submitted_at, _gist(c.content.facts), c.content.urgency)
            for c in queue]


def _flags(session: Session, uow: UnitOfWork, names: _Names) -> list[AttentionLine]:
    found = uow.flags.with_status(FlagStatus.OPEN, evidence=False)
    names.read({f.child_id for f in found})
    labels: dict[tuple[str, str], str] = {}  # a few rules raise thousands of flags
    lines = []
    for flag in found:
        key = (flag.rule_version, flag.rule_code)
        if key not in labels:
            rule = _rule(session, flag)
            labels[key] = rule.label if rule else flag.rule_code
        lines.append(AttentionLine(Need.FLAG, flag.id, flag.child_id, names(flag.child_id),
                                   flag.raised_at, labels[key]))
    return lines


def _mentions(session: Session, uow: UnitOfWork, names: _Names) -> list[AttentionLine]:
    return [AttentionLine(Need.MENTION, p.concern_id, None, "", p.occurred_at,
                          f"{p.mention.kind.label}: {p.mention.text} (concern #{p.concern_id})")
            for p in uow.register.pending_mentions()]


def _actions_due(session: Session, holidays: BankHolidays | None) -> list[AttentionLine]:
    """Actions overdue or due today (services.deadlines), most overdue first; the line
    opens the child's file."""
    from cerecorder.services import deadlines

    return [AttentionLine(Need.ACTION, r.action.action_id, r.action.child_id, r.child,
                          r.action.taken_at, r.describe())
            for r in deadlines.reminders(session, holidays)]


def needs_attention(session: Session, holidays: BankHolidays | None = None
                    ) -> list[AttentionLine]:
    """The DSL's first screen: new concerns (most urgent first), actions overdue or due
    today, flags to review,
    screenings due, transfers overdue and subject access requests due (where the bank
    holidays are known, for school days), then children and mentions awaiting a match."""
    from cerecorder.services import packets  # a large module, wanted only here

    require(session.user, Role.DSL)
    with session.uow() as uow:
        names = _Names(uow)
        lines = _concerns(session, uow, names)
        flagged = _flags(session, uow, names)
        mentions = _mentions(session, uow, names)
    lines += _actions_due(session, holidays) + flagged
    lines += _screenings_due(session)
    if holidays is not None:
        lines += _file_life(session, holidays)
    children = [AttentionLine(Need.CHILD, item.review_id, None, item.name, item.received_at,
                              f"Sent by {item.sent_by}; not yet matched to a pupil on roll")
                for item in packets.review_list(session)]
    return lines + children + mentions

"""Full-text search over concerns, their addenda, their children's names and the DSL's
decisions, actions and outcomes (FTS5, inside the encrypted vault)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from cerecorder.domain.model import ActionKind, ConcernContent, Role, SearchHit, TriageDecision
from cerecorder.services import audit
from cerecorder.services.access import require
from cerecorder.services.session import Session
from cerecorder.storage.repositories import SearchTerm
from cerecorder.storage.uow import UnitOfWork

_WORD = re.compile(r"\w+", re.UNICODE)
SNIPPET_WORDS = 14


def _words(text: str) -> list[str]:
    return _WORD.findall(text)[:20]


def terms(text: str) -> list[SearchTerm]:
    """Each word of the user's text as a prefix query, with the decisions and kinds of
    action whose labels have a word it begins ("mash" finds referrals to MASH)."""
    found = []
    for word in _words(text):
        folded = _fold(word)

        def begins(label: str, folded: str = folded) -> bool:
            # a short word must be whole: "car" is not "care", "to" not "Refer to MASH"
            return any(w == folded or (len(folded) >= 4 and w.startswith(folded))
                       for w in _WORD.findall(_fold(label)))

        found.append(SearchTerm(
            f'"{word}"*',
            tuple(d.value for d in TriageDecision if begins(d.label)),
            tuple(k.value for k in ActionKind if begins(k.label))))
    return found


class _OneForOne(dict[int, str]):
    """str.translate's table for _fold: each character once worked out, then cached."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        found = self[code] = unicodedata.normalize("NFD", ch)[0].casefold()[:1] or ch
        return found


_ONE_FOR_ONE = _OneForOne()


def _fold(text: str) -> str:
    """Casefold and drop accents one character at a time, so positions still line up
    with the original text (FTS5 matched with remove_diacritics the same way)."""
    return text.lower() if text.isascii() else text.translate(_ONE_FOR_ONE)


def snippet(texts: Iterable[str], query: str) -> str:
    """A dozen words around the first match, matched words in [brackets]."""
    prefixes = [_fold(w) for w in _words(query)]
    if not prefixes:
        return ""
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, prefixes)) + r")\w*")
    for text in texts:
        words = list(re.finditer(r"\S+", text))
        folded = _fold(text)
        hits = {m.start() for m in pattern.finditer(folded)}
        first = next((i for i, w in enumerate(words)
                      if any(w.start() <= h < w.end() for h in hits)), None)
        if first is None:
            continue
        start = max(0, first - SNIPPET_WORDS // 3)
        window = words[start : start + SNIPPET_WORDS]
        shown = [f"[{w.group()}]" if any(w.start() <= h < w.end() for h in hits)
                 else w.group() for w in window]
        lead = "…" if start > 0 else ""
        tail = "…" if start + SNIPPET_WORDS < len(words) else ""
        return lead + " ".join(shown) + tail
    return ""


def _opening(text: str) -> str:
    words = text.split()
    return " ".join(words[:SNIPPET_WORDS]) + ("…" if len(words) > SNIPPET_WORDS else "")


def search_concerns(session: Session, text: str, limit: int = 50) -> list[SearchHit]:
    """DSL: everything, by the words of a concern, its addenda, its children's names
    and what was decided and done on it; staff: only what they recorded, by its words,
    addenda and children's names; admin: nothing."""
    require(session.user, Role.DSL, Role.STAFF)
    words = terms(text)
    if not words:
        return []
    is_dsl = session.user.role is Role.DSL
    author = None if is_dsl else session.user.id
    with session.uow() as uow:
        ids = uow.concerns.search(words, author, limit, dsl_work=is_dsl)
        concerns = uow.concerns.many(ids)
        texts: dict[int, list[str]] = {cid: _own_texts(concerns[cid].content) for cid in ids}
        for addendum in uow.concerns.addenda(ids):
            texts[addendum.concern_id].append(addendum.body)
        snippets = {cid: snippet(texts[cid], text) for cid in ids}
        unmatched = [cid for cid in ids if not snippets[cid]]
        if is_dsl and unmatched:  # what the DSL decided and did, where the words are
            for cid, said in _dsl_texts(uow, unmatched).items():
                snippets[cid] = snippet(said, text)
        children = {
            c.id: c.display_name
            for c in uow.children.many(
                dict.fromkeys(k for c in concerns.values() for k in c.content.child_ids)
            )
        }
        audit.record(uow, session.clock, session.user, "search", "concern", "", hits=len(ids))
        uow.commit()
    hits = []
    for cid in ids:
        c = concerns[cid].content
        hits.append(SearchHit(
            concern_id=cid,
            occurred_at=c.occurred_at,
            # matched by a child's name only: the start of the facts
            snippet=snippets[cid] or _opening(c.facts),
            child_names=tuple(children[k] for k in c.child_ids),
        ))
    return hits


def _own_texts(c: ConcernContent) -> list[str]:
    """The concern's own words, in the order a snippet looks through them."""
    return [c.facts, c.child_words, c.location, c.opinion, c.indicators_other,
            c.action_taken, c.informed]


def _dsl_texts(uow: UnitOfWork, ids: list[int]) -> dict[int, list[str]]:
    """For a snippet the concern's own words and addenda did not give: its decisions,
    actions and outcomes, in that order (read only for these concerns)."""
    said: dict[int, list[str]] = {cid: [] for cid in ids}
    for t in uow.dsl.triage_for(ids):
        said[t.concern_id].append(f"Decision: {t.decision.label}. {t.rationale}".strip())
    for _a, _c, kind, detail, *_, cid in uow.dsl.actions_for_concerns(ids):
        said[cid].append(f"Action: {ActionKind(kind).label}. {detail}".strip())
    for _o, _c, _a, outcome, *_, cid in uow.dsl.outcomes_for_concerns(ids):
        said[cid].append(f"Outcome: {outcome}")
    return said

"""Full-text search over concerns and their addenda (FTS5, inside the encrypted vault)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from cerecorder.domain.model import Role, SearchHit
from cerecorder.services import audit
from cerecorder.services.access import require
from cerecorder.services.session import Session

_WORD = re.compile(r"\w+", re.UNICODE)
SNIPPET_WORDS = 14


def _words(text: str) -> list[str]:
    return _WORD.findall(text)[:20]


def fts_query(text: str) -> str | None:
    """User text to a safe FTS5 query: every word must appear, each as a prefix.

    Operators and quotes typed by the user are treated as plain text, never syntax.
    """
    words = _words(text)
    if not words:
        return None
    return " ".join(f'"{w}"*' for w in words)


def _fold(text: str) -> str:
    """Casefold and drop accents one character at a time, so positions still line up
    with the original text (FTS5 matched with remove_diacritics the same way)."""
    return "".join(unicodedata.normalize("NFD", ch)[0].casefold()[:1] or ch for ch in text)


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


def search_concerns(session: Session, text: str, limit: int = 50) -> list[SearchHit]:
    """DSL: everything; staff: only what they recorded; admin: nothing."""
    require(session.user, Role.DSL, Role.STAFF)
    query = fts_query(text)
    if query is None:
        return []
    author = None if session.user.role is Role.DSL else session.user.id
    with session.uow() as uow:
        ids = uow.concerns.search(query, author, limit)
        concerns = uow.concerns.many(ids)
        addenda: dict[int, list[str]] = {}
        for addendum in uow.concerns.addenda(ids):
            addenda.setdefault(addendum.concern_id, []).append(addendum.body)
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
        fields = (c.facts, c.child_words, c.location, c.opinion, c.indicators_other,
                  c.action_taken, c.informed, *addenda.get(cid, []))
        hits.append(SearchHit(
            concern_id=cid,
            occurred_at=c.occurred_at,
            snippet=snippet(fields, text),
            child_names=tuple(children[k] for k in c.child_ids),
        ))
    return hits

"""Full-text search over concerns and their addenda (FTS5, inside the encrypted vault)."""

from __future__ import annotations

import re

from cerecorder.domain.model import Role, SearchHit
from cerecorder.services import audit
from cerecorder.services.access import require
from cerecorder.services.session import Session

_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """User text to a safe FTS5 query: every word must appear, each as a prefix.

    Operators and quotes typed by the user are treated as plain text, never syntax.
    """
    words = _WORD.findall(text)
    if not words:
        return None
    return " ".join(f'"{w}"*' for w in words[:20])


def search_concerns(session: Session, text: str, limit: int = 200) -> list[SearchHit]:
    """DSL: everything; staff: only what they recorded; admin: nothing."""
    require(session.user, Role.DSL, Role.STAFF)
    query = fts_query(text)
    if query is None:
        return []
    author = None if session.user.role is Role.DSL else session.user.id
    with session.uow() as uow:
        found = uow.concerns.search(query, author, limit)
        concerns = {c.id: c for c in (uow.concerns.get(cid) for cid, _ in found)}
        children = {
            c.id: c.display_name
            for c in uow.children.many(
                dict.fromkeys(k for c in concerns.values() for k in c.content.child_ids)
            )
        }
        audit.record(uow, session.clock, session.user, "search", "concern", "", hits=len(found))
        uow.commit()
    return [
        SearchHit(
            concern_id=cid,
            occurred_at=concerns[cid].content.occurred_at,
            snippet=snippet,
            child_names=tuple(children[k] for k in concerns[cid].content.child_ids),
        )
        for cid, snippet in found
    ]

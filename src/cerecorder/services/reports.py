"""The furniture and audit every report shares: DSL only, the document's header (marking,
school, document id, who generated it) and the file audited as an export. The period and
suppression are domain.reports."""

from __future__ import annotations

from pathlib import Path

from cerecorder.domain.handover import DocumentHeader
from cerecorder.domain.model import Role
from cerecorder.services import handover
from cerecorder.services.access import require
from cerecorder.services.session import Session


def require_dsl(session: Session) -> None:
    """Reports are for the DSL (and deputies, who hold the DSL role) only."""
    require(session.user, Role.DSL)


def header(session: Session, *, marking: str, school: str, title: str) -> DocumentHeader:
    require_dsl(session)
    return handover.document_header(session, marking, school, subject=title)


def save(session: Session, path: Path, data: bytes, document_id: str, *,
         force: bool = False) -> None:
    """Write a report atomically and audit it as an export (kind 'report', ids only)."""
    require_dsl(session)
    handover.save_export(session, path, data, kind="report", object_id=0,
                         document_id=document_id, protected=False, force=force)

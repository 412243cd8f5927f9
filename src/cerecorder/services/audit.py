"""Writing and verifying the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from cerecorder.domain.model import Role, User
from cerecorder.services.access import require
from cerecorder.services.clock import Clock
from cerecorder.storage.uow import UnitOfWork


def record(
    uow: UnitOfWork, clock: Clock, actor: User | None, action: str, object_type: str = "",
    object_id: object = "", **detail: object,
) -> None:
    """Append an event inside the caller's transaction. Details carry ids, never content."""
    uow.audit.append(
        clock.now(), None if actor is None else actor.id, action, object_type,
        str(object_id), dict(detail),
    )


@dataclass(frozen=True)
class AuditReport:
    rows: int
    first_broken: int | None

    @property
    def intact(self) -> bool:
        return self.first_broken is None


def verify_chain(uow: UnitOfWork, actor: User) -> AuditReport:
    require(actor, Role.DSL, Role.ADMIN)
    return AuditReport(rows=len(uow.audit.rows()), first_broken=uow.audit.first_broken())

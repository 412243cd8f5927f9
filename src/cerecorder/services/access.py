"""Role checks. Staff record and see their own concerns; the DSL sees everything; admin
manages users and backups and sees no record content."""

from __future__ import annotations

from cerecorder.domain.errors import PermissionDenied
from cerecorder.domain.model import Concern, Role, User

_ROLE_NAMES = {Role.STAFF: "member of staff", Role.DSL: "DSL", Role.ADMIN: "administrator"}


def require(actor: User, *roles: Role) -> None:
    if actor.role not in roles:
        allowed = " or ".join(_ROLE_NAMES[r] for r in roles)
        raise PermissionDenied(f"Only a {allowed} can do this.")


def require_can_read(actor: User, concern: Concern) -> None:
    if actor.role is Role.DSL:
        return
    if actor.role is Role.STAFF and concern.author_id == actor.id:
        return
    raise PermissionDenied("You can only open concerns you recorded.")

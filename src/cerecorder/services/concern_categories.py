"""A concern's categories (kinds of concern): chosen on the author's draft, kept as
recorded once it is submitted, and shown with their labels wherever the concern is."""

from __future__ import annotations

from collections.abc import Iterable

from cerecorder.domain.categories import category_labels, check_categories
from cerecorder.domain.model import Role
from cerecorder.services.access import require
from cerecorder.services.concerns import _require_own_draft
from cerecorder.services.session import Session


def choose(session: Session, concern_id: int, codes: Iterable[str]) -> None:
    """Set the categories of the author's own draft (the form's autosave path)."""
    require(session.user, Role.STAFF, Role.DSL)
    with session.uow() as uow:
        concern = uow.concerns.get(concern_id)
        _require_own_draft(session, concern)
        taxonomy = session.taxonomy.get(concern.taxonomy_version) or session.taxonomy.current
        uow.categories.set_for(concern_id, check_categories(taxonomy, codes))
        uow.commit()


def chosen(session: Session, concern_id: int) -> list[str]:
    """The codes chosen for a concern (none for one recorded before categories)."""
    with session.uow() as uow:
        return uow.categories.of(concern_id)


def labels(session: Session, concern_id: int) -> list[str]:
    """The categories a concern is shown and counted under: those chosen, or for a
    version 1 concern those its indicators map to, with '(from its indicators)'; Other
    for a later one recorded without any."""
    require(session.user, Role.STAFF, Role.DSL)
    with session.uow() as uow:
        concern = uow.concerns.get(concern_id)
        picked = uow.categories.of(concern_id)
    names = category_labels(session.taxonomy, concern.taxonomy_version, picked,
                            concern.content.indicator_codes)
    if picked or concern.taxonomy_version not in session.taxonomy.current.maps_from:
        return names
    return [f"{name} (from its indicators)" for name in names]

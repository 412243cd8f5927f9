"""The demo's concerns given categories: its stories are of exploitation, so each concern
is put in CCE or CSE (or both) by the signs ticked, as version 1 concerns are counted."""

from __future__ import annotations

from collections.abc import Iterable

from cerecorder.domain.categories import by_indicator
from cerecorder.domain.taxonomy import TaxonomyLibrary


def rows(codes: Iterable[tuple[int, str]], taxonomy: TaxonomyLibrary) -> list[tuple[int, str]]:
    """(concern id, category) rows for the demo's (concern id, indicator code) rows."""
    mapping, _ = by_indicator(taxonomy, "1")
    return sorted({(concern_id, kind) for concern_id, code in codes
                   for kind in mapping.get(code, ())})

"""The kinds of concern (KCSIE Part one), kept as items of kind 'category' in the taxonomy
from version 2 on. A concern has one or more; a concern recorded under version 1, before
there were categories, is counted through the current version's maps_from (version 1
recorded exploitation only: CCE or CSE by the indicators ticked, else Other)."""

from __future__ import annotations

from collections.abc import Iterable

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.taxonomy import Taxonomy, TaxonomyItem, TaxonomyLibrary

CATEGORY = "category"
OTHER = "CAT-OTHER"
#: categories that open the exploitation indicator checklist in the concern form
EXPLOITATION = frozenset({"CAT-CCE", "CAT-CSE"})


def categories(taxonomy: Taxonomy) -> list[TaxonomyItem]:
    """The categories of a version, in the order the form and the reports show them."""
    return taxonomy.of_kind(CATEGORY)


def check_categories(taxonomy: Taxonomy, codes: Iterable[str]) -> tuple[str, ...]:
    """The codes, in taxonomy order, or InvalidInput naming what is not a category."""
    chosen = set(codes)
    known = [c.code for c in categories(taxonomy)]
    unknown = sorted(chosen - set(known))
    if unknown:
        raise InvalidInput("Not a category of concern: " + ", ".join(unknown))
    return tuple(code for code in known if code in chosen)


def counted_categories(library: TaxonomyLibrary, version: str, chosen: Iterable[str],
                       indicators: Iterable[str]) -> frozenset[str]:
    """The categories a concern is counted in: those chosen; for a concern of a version
    without categories, those its version maps to; Other if neither gives any."""
    picked = frozenset(chosen)
    if picked:
        return picked
    mapping = library.current.maps_from.get(version)
    if not isinstance(mapping, dict):
        return frozenset({OTHER})
    by_applicability = mapping.get("by_applicability", {})
    assert isinstance(by_applicability, dict)
    found: set[str] = set()
    for code in indicators:
        item = library.lookup(code, version)
        if item is not None:
            found.update(str(by_applicability[a]) for a in item.applies_to
                         if a in by_applicability)
    return frozenset(found) if found else frozenset({str(mapping.get("none", OTHER))})


def by_indicator(library: TaxonomyLibrary, version: str
                 ) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """counted_categories for many concerns of one version without a choice: each
    indicator code's categories, and those of a concern none of whose codes has any."""
    mapping = library.current.maps_from.get(version)
    taxonomy = library.get(version)
    if not isinstance(mapping, dict) or taxonomy is None:
        return {}, frozenset({OTHER})
    by_applicability = mapping.get("by_applicability", {})
    assert isinstance(by_applicability, dict)
    codes = {item.code: frozenset(str(by_applicability[a]) for a in item.applies_to
                                  if a in by_applicability) for item in taxonomy.items}
    return codes, frozenset({str(mapping.get("none", OTHER))})


def category_labels(library: TaxonomyLibrary, version: str, chosen: Iterable[str],
                    indicators: Iterable[str]) -> list[str]:
    """The labels of the categories a concern counts in, in the current list's order."""
    counted = counted_categories(library, version, chosen, indicators)
    return [c.label for c in categories(library.current) if c.code in counted]


def opens_checklist(codes: Iterable[str]) -> bool:
    """Whether the exploitation indicator checklist opens by itself for these categories
    (it stays available for any concern)."""
    return bool(EXPLOITATION & set(codes))

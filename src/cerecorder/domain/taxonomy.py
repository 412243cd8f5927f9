"""The versioned indicator taxonomy, kept as data (resources/taxonomy/taxonomy-N.json).

A concern stores indicator codes with the taxonomy version it was recorded under, so
every version ever shipped stays loadable and old records keep their original labels.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cerecorder.domain.errors import InvalidInput

if TYPE_CHECKING:
    from cerecorder.domain.patterns import RuleLibrary
    from cerecorder.domain.screening import ScreeningLibrary

KINDS = ("indicator", "vulnerability", "cse_model", "category")
APPLICABILITY = ("CCE", "CSE")
_FILE = re.compile(r"^taxonomy-(\d+)\.json$")


@dataclass(frozen=True)
class TaxonomyGroup:
    code: str
    label: str
    kind: str
    source: str


@dataclass(frozen=True)
class TaxonomyItem:
    code: str
    label: str
    group: str
    kind: str
    applies_to: frozenset[str]
    source: str
    description: str = ""

    @property
    def applicability(self) -> str:
        """'CCE', 'CSE' or 'CCE and CSE', for display beside the checkbox."""
        return " and ".join(a for a in APPLICABILITY if a in self.applies_to)


@dataclass(frozen=True)
class Taxonomy:
    version: str
    groups: tuple[TaxonomyGroup, ...]
    items: tuple[TaxonomyItem, ...]
    #: how concerns of an earlier version are counted in this one's categories, by version
    maps_from: dict[str, dict[str, object]] = field(default_factory=dict)

    def item(self, code: str) -> TaxonomyItem:
        for candidate in self.items:
            if candidate.code == code:
                return candidate
        raise KeyError(code)

    def group(self, code: str) -> TaxonomyGroup:
        for candidate in self.groups:
            if candidate.code == code:
                return candidate
        raise KeyError(code)

    def items_in(self, group_code: str) -> list[TaxonomyItem]:
        return [i for i in self.items if i.group == group_code]

    def of_kind(self, kind: str) -> list[TaxonomyItem]:
        return [i for i in self.items if i.kind == kind]

    def check_codes(self, codes: Iterable[str]) -> None:
        known = {i.code for i in self.items}
        unknown = sorted(set(codes) - known)
        if unknown:
            raise InvalidInput(
                f"Unknown indicator code(s) for taxonomy version {self.version}: "
                + ", ".join(unknown)
            )


class TaxonomyLibrary:
    """Every taxonomy version found in a folder; the highest is current. The pattern-flag
    rules (flag-rules-N.json) live beside it: they are read against its codes. Loaded
    from a folder, the rules and the screening instruments are read when first asked for:
    the app starts without their modules, which only an unlocked vault needs."""

    def __init__(self, versions: Iterable[Taxonomy], rules: RuleLibrary | None = None) -> None:
        self._versions = {t.version: t for t in versions}
        if not self._versions:
            raise ValueError("no taxonomy versions")
        self._rules = rules
        self._index = {(t.version, i.code): i for t in self._versions.values() for i in t.items}
        self._screening: ScreeningLibrary | None = None
        #: where load() found the taxonomy: the rules and instruments are read from there
        self._folder: Path | None = None

    @classmethod
    def load(cls, folder: Path) -> TaxonomyLibrary:
        found = sorted(
            (int(m.group(1)), p) for p in folder.iterdir() if (m := _FILE.match(p.name))
        )
        library = cls(parse_taxonomy(json.loads(p.read_text(encoding="utf-8")))
                      for _, p in found)
        library._folder = folder
        return library

    @property
    def screening(self) -> ScreeningLibrary:
        """The screening instruments shipped beside the taxonomy (resources/screening)."""
        from cerecorder.domain.screening import ScreeningLibrary

        if self._screening is None and self._folder is not None:
            self._screening = ScreeningLibrary.load(self._folder.parent / "screening")
        return self._screening if self._screening is not None else ScreeningLibrary([])

    @screening.setter
    def screening(self, library: ScreeningLibrary) -> None:
        self._screening = library

    @property
    def rules(self) -> RuleLibrary:
        # patterns reads taxonomy items, so it comes in here rather than at the top
        from cerecorder.domain.patterns import RuleLibrary

        if self._rules is None and self._folder is not None:
            self._rules = RuleLibrary.load(self._folder, self.current)
        return self._rules if self._rules is not None else RuleLibrary([])

    def lookup(self, code: str, version: str) -> TaxonomyItem | None:
        """The item a code named in the version it was recorded with, if any."""
        return self._index.get((version, code))

    @property
    def current(self) -> Taxonomy:
        return self._versions[max(self._versions, key=int)]

    def version(self, version: str) -> Taxonomy:
        return self._versions[version]

    def get(self, version: str) -> Taxonomy | None:
        """A version this copy of CE Recorder has, or None: a packet from a newer copy
        may name one it does not."""
        return self._versions.get(version)

    def label(self, code: str, version: str) -> str:
        """The label a code had in the version it was recorded with; the code itself,
        said plainly, where this copy does not know that version or code."""
        try:
            return self._versions[version].item(code).label
        except KeyError:
            return unavailable(code, version)


def unavailable(code: str, version: str) -> str:
    """What is shown for a code whose label is not known here: 'CCE-03: label
    unavailable (taxonomy 7)'. The code is kept, so nothing ticked is lost."""
    return f"{code}: label unavailable (taxonomy {version})"


def parse_taxonomy(data: dict[str, object]) -> Taxonomy:
    """Build and validate a Taxonomy from its JSON form; a broken file fails loudly."""
    version = str(data["version"])
    raw_groups = data["groups"]
    raw_items = data["items"]
    if not isinstance(raw_groups, list) or not isinstance(raw_items, list):
        raise ValueError("taxonomy groups and items must be lists")
    groups = tuple(
        TaxonomyGroup(code=g["code"], label=g["label"], kind=g["kind"], source=g["source"])
        for g in raw_groups
    )
    group_codes = {g.code for g in groups}
    items = tuple(
        TaxonomyItem(
            code=i["code"],
            label=i["label"],
            group=i["group"],
            kind=i["kind"],
            applies_to=frozenset(i["applies_to"]),
            source=i["source"],
            description=i.get("description", ""),
        )
        for i in raw_items
    )
    codes = [i.code for i in items]
    if len(set(codes)) != len(codes):
        raise ValueError(f"taxonomy {version}: duplicate item codes")
    for item in items:
        if item.group not in group_codes:
            raise ValueError(f"taxonomy {version}: {item.code} names unknown group {item.group}")
        if item.kind not in KINDS or not item.applies_to <= set(APPLICABILITY):
            raise ValueError(f"taxonomy {version}: {item.code} has a bad kind or applicability")
    maps_from = data.get("maps_from", {})
    if not isinstance(maps_from, dict):
        raise ValueError(f"taxonomy {version}: maps_from must be an object")
    return Taxonomy(version=version, groups=groups, items=items, maps_from=maps_from)

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cerecorder import paths
from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.taxonomy import TaxonomyLibrary, parse_taxonomy

from helpers import TAXONOMY

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def test_current_taxonomy_has_the_groups_of_the_guidance() -> None:
    current = TAXONOMY.current
    assert current.version == "2"  # version 1's groups and items, and the categories
    codes = {g.code for g in current.groups}
    assert {"SHARED", "CSE", "CCE", "KTS-EMO", "KTS-IDENTITY", "KTS-FAMILY", "KTS-HEALTH",
            "VULN", "CSE-MODEL"} <= codes
    assert len(current.of_kind("cse_model")) == 6
    assert all(i.description for i in current.of_kind("cse_model"))
    assert current.of_kind("vulnerability")
    for group in current.groups:
        assert current.items_in(group.code), f"{group.code} is empty"


def test_items_are_checklist_sized_and_cite_a_seed() -> None:
    raw = json.loads((paths.taxonomy_dir() / "taxonomy-2.json").read_text(encoding="utf-8"))
    for item in TAXONOMY.current.items:
        assert 0 < len(item.label) <= 80, item.code
        assert item.source in raw["sources"], item.code
        # categories are kinds of concern, not CCE or CSE indicators
        assert item.applicability in ({""} if item.kind == "category"
                                      else {"CCE", "CSE", "CCE and CSE"})


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside this checkout")
def test_every_cited_source_is_a_seed_file() -> None:
    # the categories cite KCSIE Part one by title and section (taxonomy-2.json's sources),
    # which is not among the seed files
    cited = {i.source for i in TAXONOMY.current.items if i.kind != "category"}
    assert cited <= {p.name for p in SEEDS.iterdir()}


def test_shared_signs_apply_to_both_cce_and_cse() -> None:
    for item in TAXONOMY.current.items_in("SHARED"):
        assert item.applies_to == {"CCE", "CSE"}


def test_old_versions_keep_their_labels(tmp_path: Path) -> None:
    raw = json.loads((paths.taxonomy_dir() / "taxonomy-1.json").read_text(encoding="utf-8"))
    (tmp_path / "taxonomy-1.json").write_text(json.dumps(raw), encoding="utf-8")
    raw2 = dict(raw, version="2")
    raw2["items"] = [dict(raw["items"][0], label="Reworded in version 2"), *raw["items"][1:]]
    (tmp_path / "taxonomy-2.json").write_text(json.dumps(raw2), encoding="utf-8")
    library = TaxonomyLibrary.load(tmp_path)
    code = raw["items"][0]["code"]
    assert library.current.version == "2"
    assert library.label(code, "1") == raw["items"][0]["label"]
    assert library.label(code, "2") == "Reworded in version 2"
    assert "unavailable" in library.label("NOPE-01", "1")


def test_unknown_codes_are_refused() -> None:
    with pytest.raises(InvalidInput, match="NOT-A-CODE"):
        TAXONOMY.current.check_codes({"SHARED-01", "NOT-A-CODE"})


def test_a_broken_taxonomy_file_fails_loudly() -> None:
    base = {"version": "9", "groups": [{"code": "G", "label": "G", "kind": "indicator",
                                         "source": "s"}]}
    item = {"code": "G-01", "label": "x", "group": "G", "kind": "indicator",
            "applies_to": ["CCE"], "source": "s"}
    assert parse_taxonomy({**base, "items": [item]}).item("G-01").applicability == "CCE"
    with pytest.raises(ValueError, match="duplicate"):
        parse_taxonomy({**base, "items": [item, item]})
    with pytest.raises(ValueError, match="unknown group"):
        parse_taxonomy({**base, "items": [dict(item, group="H")]})
    with pytest.raises(ValueError, match="applicability"):
        parse_taxonomy({**base, "items": [dict(item, applies_to=["XYZ"])]})

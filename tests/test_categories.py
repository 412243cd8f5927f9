"""Every kind of concern (issue 17): the KCSIE Part one categories as taxonomy version 2,
one or more a concern, kept once submitted; version 1 concerns keep their labels and are
counted in the right categories."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from cerecorder import paths
from cerecorder.domain.categories import categories, counted_categories, opens_checklist
from cerecorder.domain.errors import InvalidInput, RecordImmutable
from cerecorder.domain.reports import Period
from cerecorder.services import (
    chronology,
    concern_categories,
    concerns,
    handover,
    report_governors,
    session,
)
from cerecorder.services.session import Session
from test_demo import build, open_demo
from test_handover import RENDERER, flat, pages

from helpers import DSL_PASS, TAXONOMY, MockClock, add_child, content

KCSIE = ["Physical abuse", "Emotional abuse", "Sexual abuse", "Neglect",
         "Child-on-child abuse", "Domestic abuse", "Operation Encompass",
         "Mental health and self-harm", "Online safety", "Bullying",
         "Child criminal exploitation and county lines", "Child sexual exploitation",
         "Serious violence", "Prevent", "FGM", "honour-based abuse",
         "Children missing education", "Private fostering", "Young carers", "Homelessness",
         "Other"]


def test_version_2_has_every_kcsie_kind_each_with_its_source() -> None:
    raw = json.loads((paths.taxonomy_dir() / "taxonomy-2.json").read_text(encoding="utf-8"))
    found = categories(TAXONOMY.current)
    text = " | ".join(c.label for c in found)
    assert TAXONOMY.current.version == "2"
    assert [k for k in KCSIE if k not in text] == []
    assert all(c.source in raw["sources"] and "KCSIE Part one" in c.description
               for c in found)
    # the version 1 indicators are carried over unchanged, so the checklist still works
    old = TAXONOMY.version("1")
    assert all(TAXONOMY.current.item(i.code) == i for i in old.items)


def test_version_1_concerns_map_by_their_indicators() -> None:
    def counted(*codes: str) -> set[str]:
        return set(counted_categories(TAXONOMY, "1", (), codes))

    assert counted("CCE-01") == {"CAT-CCE"}
    assert counted("CSE-01") == {"CAT-CSE"}
    assert counted("SHARED-01") == {"CAT-CCE", "CAT-CSE"}
    assert counted() == {"CAT-OTHER"}
    # what was chosen wins; a version 2 concern without a choice counts as Other
    assert counted_categories(TAXONOMY, "1", ("CAT-NEGLECT",), ("CCE-01",)) == {"CAT-NEGLECT"}
    assert counted_categories(TAXONOMY, "2", (), ("CCE-01",)) == {"CAT-OTHER"}
    assert opens_checklist({"CAT-CSE"}) and not opens_checklist({"CAT-NEGLECT"})


def test_a_concern_has_one_or_more_categories_kept_once_submitted(
        dsl: Session, clock: MockClock) -> None:
    child = add_child(dsl)
    draft = concerns.save_draft(dsl, content((child,), clock))
    concern_categories.choose(dsl, draft, ["CAT-ONLINE", "CAT-CSE"])
    concern_categories.choose(dsl, draft, ["CAT-DOMESTIC", "CAT-ONLINE"])
    with pytest.raises(InvalidInput, match="CAT-NOPE"):
        concern_categories.choose(dsl, draft, ["CAT-NOPE"])
    concerns.submit(dsl, draft)
    assert concern_categories.chosen(dsl, draft) == ["CAT-DOMESTIC", "CAT-ONLINE"]
    assert concern_categories.labels(dsl, draft) == [
        "Domestic abuse, including Operation Encompass notifications", "Online safety"]
    # the concern record names them in its record table
    record = flat(pages(RENDERER.concern(handover.concern_document(dsl, draft))))
    assert ("Categories Domestic abuse, including Operation Encompass notifications; Online "
            "safety") in record
    with pytest.raises(RecordImmutable):
        concern_categories.choose(dsl, draft, ["CAT-NEGLECT"])
    with dsl.uow() as uow, pytest.raises(Exception, match="immutable"):
        uow.conn.execute("DELETE FROM concern_categories WHERE concern_id = ?", (draft,))


def test_a_saved_version_12_vault_keeps_its_labels_and_counts_in_categories(
        tmp_path: Path, clock: MockClock) -> None:
    saved = tmp_path / "v12"
    shutil.copytree(Path(__file__).parent / "data" / "vault-v12", saved)
    s = session.unlock(saved, user_name="dsl", passphrase=DSL_PASS, clock=clock,
                       taxonomy=TAXONOMY)
    [mine] = concerns.my_concerns(s)
    assert mine.taxonomy_version == "1"
    assert TAXONOMY.label("SHARED-01", mine.taxonomy_version) == (
        "Appears with unexplained gifts, money or new possessions")
    assert concern_categories.labels(s, mine.id) == [
        "Child criminal exploitation and county lines (from its indicators)",
        "Child sexual exploitation (from its indicators)"]
    # the chronology says so too
    [child] = mine.content.child_ids
    [first, *_] = chronology.chronology(s, child)
    assert ("\nCategories: Child criminal exploitation and county lines; Child sexual "
            "exploitation\n") in first.event
    # and the governors' report counts it there (worked out per version, not per concern)
    counts = report_governors.build(s, Period(date(2026, 9, 1), date(2026, 12, 20))
                                    ).breakdown("Concerns by category").counts
    assert {k for k, v in counts.items() if v} == {
        "Child criminal exploitation and county lines", "Child sexual exploitation"}
    s.lock()


def test_demo_concerns_have_categories(tmp_path: Path) -> None:
    build(tmp_path / "demo")
    s = open_demo(tmp_path / "demo")
    with s.uow() as uow:
        kinds = {r[0] for r in uow.conn.execute("SELECT DISTINCT code FROM concern_categories")}
        without = uow.conn.execute(
            "SELECT count(*) FROM concerns c WHERE c.status = 'submitted' AND NOT EXISTS "
            "(SELECT 1 FROM concern_categories k WHERE k.concern_id = c.id)").fetchone()[0]
    # every kind of worry a school records, not only the exploitation storylines: the
    # everyday concerns (services/demo_wording), the children missing education
    # (services/demo_cme) with what lies behind their absence
    assert kinds == {"CAT-CCE", "CAT-CSE", "CAT-CME", "CAT-DOMESTIC", "CAT-FGM-HBA",
                     "CAT-YOUNG-CARER", "CAT-NEGLECT", "CAT-MENTAL-HEALTH", "CAT-PHYSICAL",
                     "CAT-BULLYING", "CAT-CHILD-ON-CHILD", "CAT-EMOTIONAL", "CAT-OTHER"}
    assert without == 0  # a submitted concern has one or more
    s.lock()

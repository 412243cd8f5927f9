"""The screening tool (issue 14): the instrument as data, checked when it is read; scoring
into domains and bands; a signed assessment that nothing can change; DSL only, audited;
its line in the chronology; what is due for review; a local authority's own instrument."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from typing import Any

import pytest

from cerecorder import paths
from cerecorder.domain.errors import InvalidInput, PermissionDenied, RecordImmutable
from cerecorder.domain.model import EntryType
from cerecorder.domain.screening import (
    DEFAULT_DOMAINS,
    AnswerGiven,
    Instrument,
    ScreeningLibrary,
    chart_points,
    chart_text,
    parse_instrument,
    read_instrument,
    score,
)
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.services import children, chronology, concerns, screening
from cerecorder.services.session import Session
from cerecorder.storage.connection import db_errors_explained

from helpers import STAFF_PASS, TAXONOMY, MockClock, add_child, add_staff, content, switch_to

SHIPPED = paths.resources_dir() / "screening" / "cce-cse-screening-1.json"
TODAY = date(2026, 11, 16)  # MockClock's day


def _data() -> dict[str, Any]:
    return dict(json.loads(SHIPPED.read_text(encoding="utf-8")))


def _default() -> Instrument:
    made = TAXONOMY.screening.default
    assert made is not None
    return made


def _all(answer: str, made: Instrument | None = None, **cites: tuple[int, ...]
         ) -> list[AnswerGiven]:
    made = made or _default()
    return [AnswerGiven(q.code, answer, cites=cites.get(q.code.replace("-", "_"), ()))
            for q in made.questions]


def _answers(yes: set[str], made: Instrument | None = None, **cites: tuple[int, ...]
             ) -> list[AnswerGiven]:
    made = made or _default()
    return [AnswerGiven(q.code, "yes" if q.code in yes else "no",
                        cites=cites.get(q.code.replace("-", "_"), ()))
            for q in made.questions]


def _raw(s: Session, sql: str, *params: object) -> None:
    s.vault.conn.execute("BEGIN")
    try:
        with db_errors_explained():
            s.vault.conn.execute(sql, params)
    finally:
        s.vault.conn.execute("ROLLBACK")


# -- the instrument ------------------------------------------------------------------------

def test_the_default_instrument_has_the_nine_domains_and_every_item_cites_the_seeds() -> None:
    made = _default()
    assert (made.id, made.version) == ("cce-cse-screening", "1")
    assert tuple(d.code for d in made.domains) == DEFAULT_DOMAINS
    assert [d.label for d in made.domains] == [
        "Missing", "Education", "Substances", "Relationships", "Gifts and money", "Online",
        "Physical health and injuries", "Emotional wellbeing", "Vulnerabilities"]
    assert "derived from the signs and vulnerability factors in the guidance" in made.note
    seeds = set(_data()["sources"])
    for q in made.questions:
        assert q.source.split(":", 1)[0] in seeds, q.code
        for code in q.taxonomy:  # the taxonomy codes it is derived from exist
            assert TAXONOMY.lookup(code, "1") is not None, (q.code, code)
    assert [b.code for b in made.bands] == ["low", "medium", "high"]


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["domains"][0]["questions"].append(d["domains"][1]["questions"][0]),
     "duplicate question codes"),
    (lambda d: d["domains"][2]["questions"][0].pop("source"), "missing or malformed"),
    (lambda d: d["bands"].reverse(), "bands must start at 0 and rise"),
    (lambda d: d["answers"][2].update(score=-1), "at least 0"),
    (lambda d: d["domains"][0]["questions"][0].update(weight=0), "at least 1"),
    (lambda d: d.update(version="one"), "version must be a number"),
    (lambda d: d["domains"][3].update(questions=[]), "a question in each domain"),
])
def test_a_broken_instrument_is_refused_when_read(change: Any, message: str) -> None:
    data = copy.deepcopy(_data())
    change(data)
    with pytest.raises(ValueError, match=message):
        parse_instrument(data)


def test_a_library_loads_the_highest_shipped_version_and_takes_a_replacement(tmp_path) -> None:
    data = _data()
    (tmp_path / "cce-cse-screening-1.json").write_text(json.dumps(data), encoding="utf-8")
    data2 = {**data, "version": "2", "title": "Second"}
    (tmp_path / "cce-cse-screening-2.json").write_text(json.dumps(data2), encoding="utf-8")
    library = ScreeningLibrary.load(tmp_path)
    assert library.default is not None and library.default.version == "2"
    assert not library.replaced
    own = read_instrument(json.dumps({**data, "id": "essex-exploitation", "title": "Essex"}))
    replaced = library.with_default(own)
    assert replaced.replaced and replaced.default is own
    assert replaced.get("cce-cse-screening", "1") is not None  # old ones still read


# -- scoring -------------------------------------------------------------------------------

def test_scores_are_weighted_per_domain_and_the_total_falls_in_a_band() -> None:
    made = _default()
    weights = {q.code: q.weight for q in made.questions}
    none = score(made, {q.code: "no" for q in made.questions})
    assert none.total == 0 and none.band.code == "low" and none.unanswered == 0
    some = score(made, {"MISSING-1": "yes", "MISSING-3": "yes", "GIFTS-1": "yes",
                        "ONLINE-1": "unknown"})
    assert some.by_domain["MISSING"] == weights["MISSING-1"] + weights["MISSING-3"] == 4
    assert some.by_domain["GIFTS"] == 2 and some.by_domain["ONLINE"] == 0
    assert some.total == 6 and some.band.code == "medium"  # medium starts at 6
    assert some.unanswered == len(made.questions) - 4
    assert score(made, {"MISSING-1": "yes", "MISSING-3": "yes"}).band.code == "low"  # 4 < 6
    everything = score(made, {q.code: "yes" for q in made.questions})
    assert everything.total == sum(weights.values()) and everything.band.code == "high"


# -- signing -------------------------------------------------------------------------------

def test_a_signed_screening_is_stored_with_its_answers_citations_and_audited(
        dsl: Session, clock: MockClock) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    concern = concerns.record_concern(dsl, content((amy,), clock))
    sid = screening.sign(dsl, amy, _default(), _answers({"MISSING-1", "GIFTS-1", "GIFTS-3"},
                                                         GIFTS_1=(concern,)),
                         assessed_on=TODAY, review_on=TODAY + timedelta(days=91))
    [stored] = screening.screenings(dsl, amy)
    assert stored.id == sid and stored.total == 7 and stored.band == "medium"
    assert stored.band_label == "Medium"
    assert stored.domain_scores["GIFTS"] == 5 and stored.domain_scores["MISSING"] == 2
    assert next(a for a in stored.answers if a.question == "GIFTS-1").cites == (concern,)
    assert stored.signed_by == dsl.user.id and stored.signed_at == clock.now()
    row = dsl.vault.conn.execute("SELECT action, object_type, object_id, detail FROM audit "
                                 "WHERE action = 'screening_signed'").fetchone()
    assert row[:3] == ("screening_signed", "screening", str(sid))
    detail = json.loads(row[3])
    assert detail == {"child": amy, "instrument": "cce-cse-screening", "version": "1",
                      "cited": [concern]}
    kept = dsl.vault.conn.execute("SELECT content FROM screening_instruments").fetchone()[0]
    assert read_instrument(kept) == _default()  # the vault keeps the instrument used


def test_a_signed_screening_cannot_be_changed_or_added_to(dsl: Session, clock: MockClock
                                                         ) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    concern = concerns.record_concern(dsl, content((amy,), clock))
    sid = screening.sign(dsl, amy, _default(), _all("no"), assessed_on=TODAY,
                         review_on=TODAY + timedelta(days=30))
    for sql, params in (
        ("UPDATE screenings SET band = 'low', total = 0 WHERE id = ?", (sid,)),
        ("UPDATE screenings SET review_on = '2027-12-01' WHERE id = ?", (sid,)),
        ("DELETE FROM screenings WHERE id = ?", (sid,)),
        ("UPDATE screening_answers SET answer = 'yes' WHERE screening_id = ?", (sid,)),
        ("DELETE FROM screening_answers WHERE screening_id = ?", (sid,)),
        ("INSERT INTO screening_citations VALUES (?, 'MISSING-1', ?)", (sid, concern)),
        ("UPDATE screening_scores SET score = 9 WHERE screening_id = ?", (sid,)),
        ("INSERT INTO screening_scores VALUES (?, 'EXTRA', 1)", (sid,)),
        ("UPDATE screening_instruments SET content = '{}'", ()),
        ("DELETE FROM screening_instruments", ()),
    ):
        with pytest.raises(RecordImmutable):
            _raw(dsl, sql, *params)
    with pytest.raises(RecordImmutable):  # nor written signed from the start
        _raw(dsl, "INSERT INTO screenings(child_id, instrument_id, instrument_version, status, "
             "assessed_on, review_on, total, band, created_at, tz, signed_at, signed_by) "
             "VALUES (?, 'cce-cse-screening', '1', 'signed', '2026-11-16', '2027-01-01', 0, "
             "'low', 'x', 'Europe/London', 'x', 1)", amy)


def test_staff_cannot_screen_or_read_screenings(dsl: Session, clock: MockClock) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    add_staff(dsl)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    try:
        for call in (lambda: screening.instrument(staff),
                     lambda: screening.sign(staff, amy, _default(), _all("no"),
                                            assessed_on=TODAY, review_on=TODAY + timedelta(1)),
                     lambda: screening.screenings(staff, amy),
                     lambda: screening.due_for_review(staff, TODAY)):
            with pytest.raises(PermissionDenied):
                call()
    finally:
        staff.lock()


def test_signing_needs_every_answer_sane_dates_and_this_childs_concerns(
        dsl: Session, clock: MockClock) -> None:
    amy, ben = add_child(dsl, "Amy", "Khan"), add_child(dsl, "Ben", "Cole")
    bens = concerns.record_concern(dsl, content((ben,), clock))
    made = _default()
    review = TODAY + timedelta(days=30)
    with pytest.raises(InvalidInput, match="1 question"):
        screening.sign(dsl, amy, made, _all("no")[1:], assessed_on=TODAY, review_on=review)
    with pytest.raises(InvalidInput, match="not one the instrument offers"):
        screening.sign(dsl, amy, made, _all("maybe"), assessed_on=TODAY, review_on=review)
    with pytest.raises(InvalidInput, match="must come after"):
        screening.sign(dsl, amy, made, _all("no"), assessed_on=TODAY, review_on=TODAY)
    with pytest.raises(InvalidInput, match="in the future"):
        screening.sign(dsl, amy, made, _all("no"), assessed_on=TODAY + timedelta(2),
                       review_on=review + timedelta(2))
    with pytest.raises(InvalidInput, match="not in this child's chronology"):
        screening.sign(dsl, amy, made, _all("no", MISSING_1=(bens,)), assessed_on=TODAY,
                       review_on=review)
    assert screening.screenings(dsl, amy) == []
    assert dsl.vault.conn.execute("SELECT count(*) FROM screenings").fetchone()[0] == 0


def test_it_reads_in_the_chronology_as_screening_band_and_review_date(
        dsl: Session, clock: MockClock) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    screening.sign(dsl, amy, _default(), _answers({"MISSING-1", "GIFTS-1", "GIFTS-3"}),
                   assessed_on=TODAY, review_on=date(2027, 2, 15))
    rows = [e for e in chronology.chronology(dsl, amy)
            if e.entry_type is EntryType.SCREENING]
    assert [(r.source, r.event, r.recorded_by, r.kind) for r in rows] == [
        ("Screening", "Screening: medium, review 15/02/2027", "Dana Lead", "medium")]


def test_due_for_review_lists_the_newest_screening_of_each_child_once_its_date_comes(
        dsl: Session, clock: MockClock) -> None:
    amy, ben, cal = (add_child(dsl, "Amy", "Khan"), add_child(dsl, "Ben", "Cole"),
                     add_child(dsl, "Cal", "Dunn"))
    made = _default()
    screening.sign(dsl, amy, made, _all("yes"), assessed_on=TODAY - timedelta(days=40),
                   review_on=TODAY - timedelta(days=12))
    screening.sign(dsl, ben, made, _all("no"), assessed_on=TODAY - timedelta(days=40),
                   review_on=TODAY - timedelta(days=5))
    screening.sign(dsl, ben, made, _all("no"), assessed_on=TODAY,  # re-screened: not due
                   review_on=TODAY + timedelta(days=90))
    screening.sign(dsl, cal, made, _all("no"), assessed_on=TODAY,
                   review_on=TODAY + timedelta(days=3))
    due = screening.due_for_review(dsl, TODAY)
    assert [(d.child_id, d.child_name, d.band_label, d.days_overdue) for d in due] == [
        (amy, "Amy Khan", "High", 12)]
    later = screening.due_for_review(dsl, TODAY + timedelta(days=3))
    assert [d.child_id for d in later] == [amy, cal]
    assert later[1].days_overdue == 0


def test_a_merged_records_screenings_count_for_the_record_kept(dsl: Session,
                                                                clock: MockClock) -> None:
    amy, twin = add_child(dsl, "Amy", "Khan"), add_child(dsl, "Amy", "Khan")
    screening.sign(dsl, twin, _default(), _all("no"), assessed_on=TODAY - timedelta(days=10),
                   review_on=TODAY - timedelta(days=1))
    children.merge_children(dsl, amy, twin, "Same pupil, entered twice.")
    assert [d.child_id for d in screening.due_for_review(dsl, TODAY)] == [amy]
    assert len(screening.screenings(dsl, amy)) == 1
    with pytest.raises(InvalidInput, match="merged into"):
        screening.sign(dsl, twin, _default(), _all("no"), assessed_on=TODAY,
                       review_on=TODAY + timedelta(days=10))


def test_the_chart_has_the_dated_totals_oldest_first_and_says_them_in_words(
        dsl: Session, clock: MockClock) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    made = _default()
    screening.sign(dsl, amy, made, _answers({"MISSING-1", "GIFTS-1", "GIFTS-3"}),
                   assessed_on=date(2026, 10, 1), review_on=date(2026, 12, 31))
    screening.sign(dsl, amy, made, _all("no"), assessed_on=date(2026, 9, 1),
                   review_on=date(2026, 12, 1))
    points = chart_points(screening.screenings(dsl, amy))
    assert [(p.on, p.total, p.band_label) for p in points] == [
        (date(2026, 9, 1), 0, "Low"), (date(2026, 10, 1), 7, "Medium")]
    assert chart_text(points) == "Screenings: 01/09/2026: low (0); 01/10/2026: medium (7)."
    assert chart_text(()) == "No screening yet."


def test_a_local_authoritys_instrument_in_the_vault_folder_or_the_policy_replaces_the_default(
        dsl: Session, clock: MockClock) -> None:
    own = {**_data(), "id": "essex-exploitation", "title": "Essex exploitation screening"}
    (dsl.vault.files.folder / screening.VAULT_FILE).write_text(json.dumps(own),
                                                                encoding="utf-8")
    made = screening.instrument(dsl)
    assert (made.id, made.title) == ("essex-exploitation", "Essex exploitation screening")
    amy = add_child(dsl, "Amy", "Khan")
    sid = screening.sign(dsl, amy, made, _all("no", made), assessed_on=TODAY,
                         review_on=TODAY + timedelta(days=10))
    assert screening.open_screening(dsl, sid).instrument_id == "essex-exploitation"
    # the policy's instrument comes first (the composition root lays it over the library)
    policy_own = read_instrument(json.dumps({**_data(), "id": "policy-tool", "title": "P"}))
    library = TaxonomyLibrary.load(paths.taxonomy_dir())
    library.screening = library.screening.with_default(policy_own)
    dsl.taxonomy = library
    assert screening.instrument(dsl).id == "policy-tool"
    # a broken file in the vault folder is said plainly
    dsl.taxonomy = TAXONOMY
    (dsl.vault.files.folder / screening.VAULT_FILE).write_text("{", encoding="utf-8")
    with pytest.raises(InvalidInput, match="cannot be used"):
        screening.instrument(dsl)


def test_a_changed_instrument_under_a_version_already_used_is_refused(
        dsl: Session, clock: MockClock) -> None:
    amy = add_child(dsl, "Amy", "Khan")
    screening.sign(dsl, amy, _default(), _all("no"), assessed_on=TODAY,
                   review_on=TODAY + timedelta(days=10))
    changed = read_instrument(json.dumps({**_data(), "title": "Changed quietly"}))
    with pytest.raises(InvalidInput, match="new version"):
        screening.sign(dsl, amy, changed, _all("no", changed), assessed_on=TODAY,
                       review_on=TODAY + timedelta(days=10))


def test_the_policy_names_the_instrument_and_one_that_cannot_be_used_stops_screening(
        dsl: Session, tmp_path: Any) -> None:
    from cerecorder import app
    from cerecorder.policy import Policy

    own = tmp_path / "la-screening.json"
    own.write_text(json.dumps({**_data(), "id": "la-tool", "title": "LA tool"}),
                   encoding="utf-8")
    dsl.taxonomy = app.load_taxonomy(Policy(screening_instrument=own))
    assert screening.instrument(dsl).id == "la-tool"
    dsl.taxonomy = app.load_taxonomy(Policy(screening_instrument=tmp_path / "absent.json"))
    with pytest.raises(InvalidInput, match=r"policy names .*absent\.json.* cannot be used"):
        screening.instrument(dsl)
    assert app.load_taxonomy(Policy()).screening.default == _default()

"""The demo vault: fictional, repeatable for a seed, encrypted, valid by the vault's own
rules, and shaped like a school's records (most children have none, a few have many)."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cerecorder.domain.model import Role
from cerecorder.domain.roster import upn_check_letter
from cerecorder.services import (
    chronology,
    demo,
    demo_cme,
    demo_story,
    flags,
    handover,
    maintenance,
    register,
    session,
)
from cerecorder.services.demo import ANCHOR
from cerecorder.storage.vault import SQLITE_MAGIC

from helpers import FAST_KDF, TAXONOMY, MockClock

PASSPHRASE = "demo passphrase for tests"


def build(
    folder: Path, *, seed: int = 7, size: str = "tiny", progress: demo.Progress | None = None
) -> demo.DemoSummary:
    return demo.create_demo_vault(
        folder, passphrase=PASSPHRASE, seed=seed, size=size, clock=MockClock(),
        taxonomy=TAXONOMY, progress=progress, kdf=FAST_KDF,
    )


def open_demo(folder: Path, user: str = "demo") -> session.Session:
    return session.unlock(
        folder, user_name=user, passphrase=PASSPHRASE, clock=MockClock(), taxonomy=TAXONOMY
    )


def rows(folder: Path, sql: str) -> list[tuple[Any, ...]]:
    s = open_demo(folder)
    try:
        with s.uow() as uow:
            return list(uow.conn.execute(sql).fetchall())
    finally:
        s.lock()


CHILDREN_SQL = (
    "SELECT legal_forenames, legal_surname, preferred_forenames, preferred_surname, "
    "date_of_birth, upn, admission_number, year_group, reg_group, gender, looked_after, send, "
    "cp_plan, child_in_need, ehcp, left_on FROM children ORDER BY id"
)
CONCERNS_SQL = (
    "SELECT c.occurred_at, c.submitted_at, c.author_id, c.location, c.facts, c.child_words, "
    "c.opinion, c.urgency, (SELECT group_concat(child_id) FROM concern_children "
    "WHERE concern_id = c.id), (SELECT group_concat(code) FROM concern_indicators "
    "WHERE concern_id = c.id) FROM concerns c ORDER BY c.id"
)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, demo.DemoSummary]:
    folder = tmp_path_factory.mktemp("tiny") / "vault"
    return folder, build(folder)


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("school") / "vault"
    build(folder, seed=1, size="school")
    return folder


def test_sizes_offered() -> None:
    assert {"school", "decade"} <= set(demo.SIZES)


def test_same_seed_gives_the_same_school(
    tiny: tuple[Path, demo.DemoSummary], tmp_path: Path
) -> None:
    again = tmp_path / "again"
    build(again)
    assert rows(again, CHILDREN_SQL) == rows(tiny[0], CHILDREN_SQL)
    assert rows(again, CONCERNS_SQL) == rows(tiny[0], CONCERNS_SQL)


def test_another_seed_gives_another_school(
    tiny: tuple[Path, demo.DemoSummary], tmp_path: Path
) -> None:
    other = tmp_path / "other"
    build(other, seed=8)
    assert rows(other, CHILDREN_SQL) != rows(tiny[0], CHILDREN_SQL)
    assert rows(other, CONCERNS_SQL) != rows(tiny[0], CONCERNS_SQL)


def test_summary_counts_what_is_in_the_vault(tiny: tuple[Path, demo.DemoSummary]) -> None:
    folder, summary = tiny
    (counts,) = rows(folder, (
        "SELECT (SELECT count(*) FROM children), (SELECT count(*) FROM concerns), "
        "(SELECT count(*) FROM addenda), (SELECT count(*) FROM triage), "
        "(SELECT count(*) FROM actions), (SELECT count(*) FROM outcomes), "
        "(SELECT count(*) FROM events)"
    ))
    assert counts == (summary.children, summary.concerns, summary.addenda, summary.decisions,
                      summary.actions, summary.outcomes, summary.events)
    assert summary.concerns == demo.SIZES["tiny"].concerns + len(demo_story.CONCERNS) + len(
        demo_cme.CONCERNS)
    assert min(summary.addenda, summary.decisions, summary.actions, summary.events) > 0


def test_progress_reaches_the_total(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    build(tmp_path / "vault", progress=lambda done, total: calls.append((done, total)))
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert calls[-1] == (demo.SIZES["tiny"].concerns,) * 2


def test_marked_as_demo_and_verifies(tiny: tuple[Path, demo.DemoSummary]) -> None:
    s = open_demo(tiny[0])
    try:
        with s.uow() as uow:
            assert uow.meta.get("demo") == "1"
            assert uow.meta.get("demo_seed") == "7"
        report = maintenance.verify(s)
    finally:
        s.lock()
    assert report.ok
    assert report.audit_rows > 3


def test_staff_log_in_and_several_people_wrote_concerns(
    tiny: tuple[Path, demo.DemoSummary],
) -> None:
    folder = tiny[0]
    s = open_demo(folder, "teacher1")
    assert s.user.role is Role.STAFF
    s.lock()
    assert set(session.vault_user_names(folder)) == {"demo", "teacher1", "teacher2"}
    (authors,) = rows(folder, "SELECT count(DISTINCT author_id) FROM concerns")
    assert authors[0] >= 3


def test_records_keep_the_vaults_rules(tiny: tuple[Path, demo.DemoSummary]) -> None:
    folder = tiny[0]
    assert rows(folder, "SELECT DISTINCT status FROM concerns") == [("submitted",)]
    assert rows(folder, (
        "SELECT count(*) FROM concerns c WHERE NOT EXISTS "
        "(SELECT 1 FROM concern_children WHERE concern_id = c.id) OR c.facts = '' "
        "OR c.occurred_at > c.submitted_at OR c.submitted_at >= '2026-09-01'"
    )) == [(0,)]
    assert rows(folder, (
        "SELECT count(*) FROM triage t JOIN concerns c ON c.id = t.concern_id "
        "WHERE trim(t.rationale) = '' OR t.decided_at < c.submitted_at"
    )) == [(0,)]
    assert rows(folder, (
        "SELECT count(*) FROM addenda a JOIN concerns c ON c.id = a.concern_id "
        "WHERE a.created_at < c.submitted_at"
    )) == [(0,)]
    codes = {r[0] for r in rows(folder, "SELECT code FROM concern_indicators")}
    TAXONOMY.current.check_codes(codes)
    kinds = {TAXONOMY.current.item(code).kind for code in codes}
    assert "indicator" in kinds


def test_pupils_look_like_a_school_roll(tiny: tuple[Path, demo.DemoSummary]) -> None:
    pupils = rows(tiny[0], CHILDREN_SQL)
    for forenames, surname, _pf, _ps, born, upn, _adm, year, reg, gender, *_f, left in pupils:
        assert unicodedata.is_normalized("NFC", forenames + surname)
        assert len(upn) == 13 and upn[1:].isdigit() and upn[0] == upn_check_letter(upn[1:])
        assert reg.startswith(year) and gender in ("F", "M")
        school_year = ANCHOR.year if left is None else date.fromisoformat(left).year - (
            date.fromisoformat(left).month < 9)
        start = date(school_year - int(year) - 5, 9, 1)
        assert start <= date.fromisoformat(born) < start.replace(year=start.year + 1)
    assert len({p[5] for p in pupils}) == len(pupils)
    assert any(not (p[0] + p[1]).isascii() for p in pupils)
    assert any(p[15] is not None for p in pupils) and any(p[15] is None for p in pupils)


@pytest.mark.parametrize(("digits", "letter"), [
    ("000000000000", "A"),  # sum 0
    ("100000000000", "C"),  # 2 x 1 = 2
    ("000000000001", "P"),  # 13 x 1 = 13: the 14th letter once I and O are skipped
    ("000000000002", "D"),  # 13 x 2 = 26, and 26 mod 23 = 3
])
def test_upn_check_letter_follows_the_dfe_method(digits: str, letter: str) -> None:
    assert upn_check_letter(digits) == letter


def test_nothing_readable_on_disk(tiny: tuple[Path, demo.DemoSummary]) -> None:
    folder = tiny[0]
    surnames = {r[1] for r in rows(folder, CHILDREN_SQL) if len(r[1]) > 5}
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not data.startswith(SQLITE_MAGIC), path
            for surname in surnames:
                assert surname.encode() not in data, (path, surname)


def test_a_failed_build_leaves_nothing(tmp_path: Path) -> None:
    def stop(done: int, total: int) -> None:
        if done:
            raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        build(tmp_path / "vault", progress=stop)
    assert not (tmp_path / "vault").exists()


def test_school_has_a_long_chronology_and_a_long_tail(school: Path) -> None:
    counts = rows(school, (
        "SELECT child_id, count(*) FROM concern_children GROUP BY child_id ORDER BY 2 DESC"
    ))
    (children,) = rows(school, "SELECT count(*) FROM children")
    assert len(counts) < children[0] / 2  # most children have no concerns
    assert sum(1 for _, n in counts if n == 1) > 10
    s = open_demo(school)
    try:
        longest = max(len(chronology.chronology(s, child)) for child, _ in counts[:3])
    finally:
        s.lock()
    assert 500 <= longest <= 650


def test_the_county_lines_storyline_flags_its_four_pupils_and_no_control(
        tiny: tuple[Path, demo.DemoSummary]) -> None:
    s = open_demo(tiny[0])
    try:
        keys = {row.entry.key: set(row.child_ids) for row in register.register(s)}
        raised = {f.child_id: set() for f in flags.open_flags(s)}
        for f in flags.open_flags(s):
            raised[f.child_id].add(f.rule_code)
        with s.uow() as uow:
            controls = {int(r[0]) for r in uow.conn.execute(
                "SELECT cc.child_id FROM concern_children cc JOIN triage t "
                "ON t.concern_id = cc.concern_id WHERE t.rationale LIKE 'Ordinary worry%'")}
        # worked out all at once (as after a rule change), the storyline's flags are the
        # ones its saves raised: the whole-vault pass and the per-save pass agree
        before = {(f.child_id, f.rule_code, f.evidence) for f in flags.open_flags(s)}
        flags.recompute_all(s)
        after = {(f.child_id, f.rule_code, f.evidence) for f in flags.open_flags(s)}
    finally:
        s.lock()
    four = keys["SV18KWD"] | keys["+447700900472"]
    assert len(four) == 4 and len(controls) == 3 and not four & controls
    assert keys["SV18KWB"] <= controls  # the other silver car stays apart
    assert set(raised) == four  # every flag is on the four; none on a control
    assert all("SHARED-ENTRY" in raised[c] and "SIGNS-RISING" in raised[c] for c in four)
    assert sum("MISSING-FIRST" in rules for rules in raised.values()) == 2
    assert any("OLDER-PARTNER-AND-GIFTS" in rules for rules in raised.values())
    assert any("LINKED-TO-EXPLOITATION" in rules for rules in raised.values())
    assert before <= after and {a for a in after if a[0] in four | controls} == before


def test_the_storyline_front_sheets_have_statuses_and_professionals(
        tiny: tuple[Path, demo.DemoSummary]) -> None:
    s = open_demo(tiny[0])
    try:
        with s.uow() as uow:
            [missing_first] = [int(r[0]) for r in uow.conn.execute(
                "SELECT child_id FROM events WHERE summary LIKE '%the next afternoon in "
                "another town.'")]
        doc = handover.chronology_document(s, missing_first, purpose="Demo", significant_only=True)
    finally:
        s.lock()
    assert [(x.kind.label, x.ended_on is None) for x in doc.statuses] == [
        ("Early help", False), ("Child in need", True)]
    assert [p.role for p in doc.professionals] == ["Police contact", "Allocated social worker"]
    [missing] = doc.rows  # the missing episode, marked significant, with its impact
    assert missing.significant and missing.impact.startswith("Missed the next two days")


def test_the_file_life_lists_are_filled(tiny: tuple[Path, demo.DemoSummary]) -> None:
    """A newcomer finds screenings, transfers in each state and subject access requests."""
    from cerecorder.domain.schooldays import NO_BANK_HOLIDAYS
    from cerecorder.domain.transfers import TransferState
    from cerecorder.services import sar, screening, transfer_records, transfers

    folder, _ = tiny
    s = open_demo(folder)
    try:
        states = [r.status.state for r in transfers.transfers(s, NO_BANK_HOLIDAYS)]
        assert states == [TransferState.OVERDUE, TransferState.SENT,
                          TransferState.ACKNOWLEDGED]
        kept = transfer_records.records(s)
        assert [r.destination for r in kept] == ["St Anne's CE School"]
        assert [len(c.steps) for c in sar.cases(s)] == [0, 1, 1]
        with s.uow() as uow:
            screened = {r[0] for r in uow.conn.execute("SELECT child_id FROM screenings")}
        assert len(screened) == 4 and all(screening.screenings(s, c) for c in screened)
        assert maintenance.verify(s).ok
    finally:
        s.lock()



def test_the_ofsted_pack_lists_children_missing_education(
        tiny: tuple[Path, demo.DemoSummary]) -> None:
    """Six pupils with concerns of the category, five of them in 2025/26; the referrals to
    the local authority among them, and the plans that came of two."""
    from cerecorder.domain.reports import Period
    from cerecorder.services import report_ofsted

    s = open_demo(tiny[0])
    try:
        pack = report_ofsted.build(s, Period(date(2025, 9, 1), date(2026, 8, 31)))
        earlier = report_ofsted.build(s, Period(date(2024, 9, 1), date(2025, 8, 31)))
        with s.uow() as uow:
            cme = {int(r[0]) for r in uow.conn.execute(
                "SELECT concern_id FROM concern_categories WHERE code = 'CAT-CME'")}
    finally:
        s.lock()
    assert len(cme) == len(demo_cme.CONCERNS)
    assert len(pack.missing_education) == 6 and len(earlier.missing_education) == 1
    assert sorted(m.concerns for m in pack.missing_education) == [1, 1, 2, 2, 2, 2]
    named = {m.child for m in pack.missing_education}
    assert {r.children for r in pack.referrals if r.concern_id in cme} == named
    assert len({r.child for r in pack.local_authority} & named) == 3
    assert {(p.child, p.plan) for p in pack.plans if p.child in named} == {
        (p.child, p.plan) for p in pack.plans if p.child in named and p.ended == "ongoing"}
    assert len([p for p in pack.plans if p.child in named]) == 2

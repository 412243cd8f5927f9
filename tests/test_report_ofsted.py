"""The Ofsted inspection pack (issue 17): its lists equal what the test recorded (worked
out here from the test's own tables, not from the report's queries); only the period's
rows; DSL only (service, command line and the Vault menu); PDF and CSV written and audited
as an export; the command line's --marking checked by the policy's rule."""

from __future__ import annotations

import io
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from cerecorder import paths
from cerecorder.cli.main import EXIT_DENIED
from cerecorder.domain.errors import PermissionDenied
from cerecorder.domain.model import ActionKind, TriageDecision
from cerecorder.domain.reports import Period
from cerecorder.domain.rules import MAX_MARKING
from cerecorder.domain.statuses import StatusKind
from cerecorder.export import report_ofsted as ofsted_pdf
from cerecorder.export.pdf import PdfRenderer
from cerecorder.services import concern_categories, concerns, dsl, report_ofsted, statuses
from cerecorder.services.session import Session
from cerecorder.ui.context import AppContext, UiSettings
from cerecorder.ui.main_window import MainWindow
from cerecorder.ui.ofsted_window import OfstedWindow
from test_report_window import UI_DIR, ChosenFile

from helpers import (
    DSL_PASS,
    STAFF_PASS,
    TAXONOMY,
    MockClock,
    add_child,
    add_staff,
    admin,
    content,
    reopen,
    switch_to,
)

PERIOD = Period(date(2026, 9, 1), date(2026, 10, 31))
#: name -> the child's concerns: (day in October 2026, categories, decision or None,
#: a referral to the local authority?, an outcome or None)
CONCERNS = {
    "Amy Khan": [(2, ["CAT-NEGLECT"], TriageDecision.REFER_MASH, True, "Section 47 begun."),
                 (9, ["CAT-CME"], TriageDecision.MONITOR, False, None)],
    "Ben Ash": [(3, ["CAT-ONLINE", "CAT-BULLYING"], TriageDecision.NO_FURTHER_ACTION, False,
                 "Spoke to parents.")],
    "Cara Dee": [(5, ["CAT-CME"], None, False, None)],
    "Dan Eve": [(6, ["CAT-DOMESTIC"], TriageDecision.EARLY_HELP, True, None)],
}
#: name -> dated statuses: (kind, started, ended or None)
STATUSES = {
    "Amy Khan": [(StatusKind.CP_PLAN, date(2026, 3, 1), None),
                 (StatusKind.LOOKED_AFTER, date(2026, 3, 1), None)],  # not a plan
    "Ben Ash": [(StatusKind.CHILD_IN_NEED, date(2025, 1, 1), date(2026, 8, 31))],  # before
    "Dan Eve": [(StatusKind.EARLY_HELP, date(2026, 10, 7), date(2026, 10, 30))],
    "Cara Dee": [(StatusKind.CP_PLAN, date(2026, 11, 5), None)],  # after the period
}


def _fill(s: Session, clock: MockClock) -> dict[str, int]:
    ids = {}
    for name in CONCERNS:
        first, last = name.split()
        ids[name] = add_child(s, first, last, year_group="Year 8")
    for name, rows in CONCERNS.items():
        for day, codes, decision, to_la, outcome in rows:
            when = datetime(2026, 10, day, 10, tzinfo=UTC)
            draft = concerns.save_draft(s, content((ids[name],), clock, occurred_at=when))
            concern_categories.choose(s, draft, codes)
            concerns.submit(s, draft)
            if decision is not None:
                dsl.triage(s, draft, decision, "Reasons given.")
            if to_la:
                [action] = dsl.record_action(s, kind=ActionKind.REFERRAL_CSC,
                                             detail="To the front door.", taken_at=when,
                                             concern_id=draft)
                if outcome:
                    dsl.record_outcome(s, text=outcome, occurred_at=when, child_id=ids[name],
                                       action_id=action, concern_id=draft)
            elif outcome:
                dsl.record_outcome(s, text=outcome, occurred_at=when, child_id=ids[name],
                                   concern_id=draft)
    # outside the period: a concern and a referral in June
    june = datetime(2026, 6, 2, 10, tzinfo=UTC)
    old = concerns.record_concern(s, content((ids["Ben Ash"],), clock, occurred_at=june))
    dsl.record_action(s, kind=ActionKind.REFERRAL_MASH, detail="", taken_at=june,
                      concern_id=old)
    for name, rows2 in STATUSES.items():
        for kind, started, ended in rows2:
            status = statuses.add_status(s, ids[name], kind, started)
            if ended is not None:
                statuses.end_status(s, status, ended)
    return ids


@pytest.fixture
def filled(dsl: Session, clock: MockClock) -> Session:
    _fill(dsl, clock)
    return dsl


def test_the_lists_are_what_was_recorded_in_the_period(filled: Session) -> None:
    pack = report_ofsted.build(filled, PERIOD)
    expected = sorted((day, name) for name, rows in CONCERNS.items() for day, *_ in rows)
    assert [(int(r.occurred[:2]), r.children) for r in pack.referrals] == expected
    by_child_day = {(r.children, int(r.occurred[:2])): r for r in pack.referrals}
    labels = {c.code: c.label for c in TAXONOMY.current.items if c.kind == "category"}
    for name, rows in CONCERNS.items():
        for day, codes, decision, to_la, outcome in rows:
            line = by_child_day[(name, day)]
            assert set(line.categories.split("; ")) == {labels[c] for c in codes}
            assert line.decision == (decision.label if decision else
                                     report_ofsted.AWAITING_TRIAGE)
            assert line.to_local_authority is (to_la or decision is TriageDecision.REFER_MASH)
            assert line.outcome == (f"{day:02d}/10/2026: {outcome}" if outcome
                                    else report_ofsted.NO_OUTCOME)
    la = [(name, day) for name, rows in CONCERNS.items() for day, *_, to_la, _o in rows
          if to_la]
    assert sorted((r.child, int(r.taken[:2])) for r in pack.local_authority) == sorted(la)
    assert {r.child: r.outcome for r in pack.local_authority} == {
        "Amy Khan": "Section 47 begun.", "Dan Eve": report_ofsted.NO_OUTCOME}
    plans = sorted((name, kind.label) for name, rows in STATUSES.items()
                   for kind, started, ended in rows
                   if kind in (StatusKind.CP_PLAN, StatusKind.CHILD_IN_NEED,
                               StatusKind.EARLY_HELP)
                   and started <= PERIOD.end and (ended is None or ended >= PERIOD.start))
    assert sorted((p.child, p.plan) for p in pack.plans) == plans
    assert [(p.started, p.ended) for p in pack.plans if p.child == "Dan Eve"] == [
        ("07/10/2026", "30/10/2026")]
    missing = sorted(name for name, rows in CONCERNS.items()
                     if any("CAT-CME" in codes for _d, codes, *_ in rows))
    assert [m.child for m in pack.missing_education] == missing
    assert {m.child: m.latest for m in pack.missing_education} == {
        "Amy Khan": "09/10/2026", "Cara Dee": "05/10/2026"}


def test_staff_are_refused_the_pack(filled: Session) -> None:
    add_staff(filled)
    staff = switch_to(filled, "teacher", STAFF_PASS)
    with pytest.raises(PermissionDenied):
        report_ofsted.build(staff, PERIOD)
    staff.lock()


def test_the_pdf_lists_every_section_and_the_csv_keeps_no_formula(filled: Session) -> None:
    pack = report_ofsted.build(filled, PERIOD, marking="OFFICIAL-SENSITIVE")
    pdf = ofsted_pdf.render(pack, paths.resources_dir() / "fonts")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for heading in ("Referrals to the DSL (5)", "Referred to the local authority (2)",
                    "Children with a plan (2)", "Children missing education (2)"):
        assert heading in text
    assert "OFFICIAL-SENSITIVE" in text and "Section 47 begun." in text
    rows = ofsted_pdf.csv_bytes(pack).decode("utf-8-sig").splitlines()
    assert len(rows) == 1 + 5 + 2 + 2 + 2
    assert all(row.startswith("OFFICIAL-SENSITIVE,") for row in rows[1:])


def _cli(clock: MockClock, *argv: object, passphrase: str = DSL_PASS) -> tuple[int, str, str]:
    return admin(clock, *argv, passphrase=passphrase,
                 documents=PdfRenderer(paths.resources_dir() / "fonts"))


def test_the_command_line_writes_and_audits_the_pack(
        filled: Session, clock: MockClock, vault_dir: Path, tmp_path: Path) -> None:
    add_staff(filled)
    filled.lock()
    pdf, csv = tmp_path / "ofsted.pdf", tmp_path / "ofsted.csv"
    args = ("report", vault_dir, "ofsted", "--from", "01/09/2026", "--to", "31/10/2026",
            "--out", pdf, "--csv", csv)
    code, out, err = _cli(clock, *args, "--user", "teacher", passphrase=STAFF_PASS)
    assert code == EXIT_DENIED and not pdf.exists() and not csv.exists()
    code, out, err = _cli(clock, *args, "--user", "dsl")
    assert code == 0, err
    assert "Ofsted inspection pack" in out and "5 referrals to the DSL" in out
    assert "names children" in err
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Amy Khan" in text and "Children missing education" in text
    assert "Referred to the local authority" in csv.read_text(encoding="utf-8-sig")
    s = reopen(vault_dir, clock)
    with s.uow() as uow:
        exported = uow.conn.execute(
            "SELECT count(*) FROM audit WHERE action = 'exported' AND object_type = 'report'"
        ).fetchone()[0]
    assert exported == 2
    s.lock()


@pytest.mark.parametrize(("marking", "told"), [
    ("X" * (MAX_MARKING + 1), f"--marking is {MAX_MARKING + 1} characters long; the limit "
                              f"is {MAX_MARKING}."),
    ("OFFICIAL\nSENSITIVE", "--marking must be a single line."),
    ("   ", "--marking is empty; leave it out to print the usual marking."),
])
def test_a_bad_marking_is_refused_before_the_passphrase(
        dsl: Session, clock: MockClock, vault_dir: Path, tmp_path: Path, marking: str,
        told: str) -> None:
    dsl.lock()
    pdf = tmp_path / "pack.pdf"
    code, _out, err = _cli(clock, "report", vault_dir, "ofsted", "--from", "01/09/2026",
                          "--to", "31/10/2026", "--out", pdf, "--marking", marking,
                          "--user", "dsl", passphrase="")
    assert code != 0 and told in err and not pdf.exists()
    assert "passphrase" not in err.casefold()


# -- the Vault menu's window ---------------------------------------------------------------


def test_the_window_shows_the_lists_saves_and_staff_get_none(
        qtbot: QtBot, filled: Session, clock: MockClock, tmp_path: Path) -> None:
    ctx = AppContext(
        clock=clock, taxonomy=TAXONOMY, settings=UiSettings(), save_settings=lambda _: None,
        default_vault_dir=tmp_path / "v", demo_vault_dir=tmp_path / "d", ui_dir=UI_DIR,
        documents=PdfRenderer(paths.resources_dir() / "fonts"))
    main = MainWindow(ctx, filled)
    qtbot.addWidget(main)
    assert main.ofsted_action.isVisible()
    main.ofsted_action.trigger()
    [window] = main.findChildren(OfstedWindow)
    window.dates_choice.setChecked(True)
    window.date_from.setDate(QDate(2026, 9, 1))
    window.date_to.setDate(QDate(2026, 10, 31))
    window.date_from.editingFinished.emit()
    assert window.report is not None and window.report.period == PERIOD
    table = window.tables["Referrals to the DSL"].model()
    assert table.rowCount() == 5 and table.index(0, 2).data() == "Amy Khan"
    assert window.tables["Children missing education"].model().rowCount() == 2
    chosen = ChosenFile(tmp_path / "pack")
    ctx.file_dialogs = chosen  # type: ignore[assignment]
    window.save("pdf")
    assert window.saved == tmp_path / "pack.pdf"
    assert "names children" in window.message.text()
    with filled.uow() as uow:
        assert uow.conn.execute("SELECT count(*) FROM audit WHERE action = 'exported' AND "
                                "object_type = 'report'").fetchone()[0] == 1

    add_staff(filled)
    staff = switch_to(filled, "teacher", STAFF_PASS)
    staff_main = MainWindow(ctx, staff)
    qtbot.addWidget(staff_main)
    assert not staff_main.ofsted_action.isVisible()
    assert staff_main.open_ofsted_pack() is None
    with pytest.raises(PermissionDenied):
        OfstedWindow(ctx, staff)
    staff.lock()


def test_a_referral_shows_its_earliest_outcome(filled: Session) -> None:
    with filled.uow() as uow:
        [(action, child, concern)] = uow.conn.execute(
            "SELECT a.id, a.child_id, a.concern_id FROM actions a JOIN outcomes o "
            "ON o.action_id = a.id WHERE o.text = 'Section 47 begun.'").fetchall()
    for day, text in ((20, "Conference held."), (1, "Strategy discussion first.")):
        dsl.record_outcome(filled, text=text, occurred_at=datetime(2026, 10, day, 9, tzinfo=UTC),
                           child_id=child, action_id=action, concern_id=concern)
    pack = report_ofsted.build(filled, PERIOD)
    assert {r.child: r.outcome for r in pack.local_authority}["Amy Khan"] == \
        "Strategy discussion first."


def test_an_outcome_is_dated_in_the_schools_time(filled: Session) -> None:
    """23:30 UTC on 9 October is 00:30 on the 10th in London (BST)."""
    [ben] = [r for r in report_ofsted.build(filled, PERIOD).referrals if r.children == "Ben Ash"]
    with filled.uow() as uow:
        [(child,)] = uow.conn.execute("SELECT child_id FROM concern_children "
                                      "WHERE concern_id = ?", (ben.concern_id,)).fetchall()
    dsl.record_outcome(filled, text="Late call from mum.", concern_id=ben.concern_id,
                       occurred_at=datetime(2026, 10, 9, 23, 30, tzinfo=UTC), child_id=child)
    [ben] = [r for r in report_ofsted.build(filled, PERIOD).referrals if r.children == "Ben Ash"]
    assert ben.outcome == "10/10/2026: Late call from mum."

"""Dates and times a record may carry: written with four-digit years, read back whatever an
older version wrote, and bounded (domain.rules.EARLIEST to now plus FUTURE_ALLOWANCE) on
every path that saves one. Rows an older version wrote out of range still open."""

from __future__ import annotations

import io
import os
import re

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from cerecorder import paths
from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import (
    ActionKind,
    ChildDetails,
    ConcernStatus,
    EntryType,
    EventKind,
    TriageDecision,
)
from cerecorder.domain.roster import parse_date_of_birth
from cerecorder.domain.rules import EARLIEST, FUTURE_ALLOWANCE
from cerecorder.domain.timefmt import file_stamp, from_utc_text, to_utc_text, uk_date, uk_datetime
from cerecorder.export.pdf import PdfRenderer
from cerecorder.services import children, chronology, concerns, dsl, handover
from cerecorder.services.session import Session
from cerecorder.ui.concern_form import ConcernDialog
from cerecorder.ui.concern_view import ConcernViewDialog
from cerecorder.ui.context import AppContext, FileDialogs, UiSettings
from cerecorder.ui.dsl_views import ChildWindow

from helpers import FAST_KDF, TAXONOMY, MockClock, add_child, content

RENDERER = PdfRenderer(paths.resources_dir() / "fonts")
UI_DIR = Path(__file__).resolve().parent.parent / "ui"
YEAR_5 = datetime(5, 6, 1, 10, 0, tzinfo=UTC)


# -- writing and reading --------------------------------------------------------------------


def test_times_and_dates_are_written_with_four_digit_years() -> None:
    assert to_utc_text(YEAR_5) == "0005-06-01T10:00:00.000000Z"
    assert from_utc_text(to_utc_text(YEAR_5)) == YEAR_5
    assert uk_date(date(5, 3, 4)) == "04/03/0005"
    assert uk_datetime(datetime(999, 12, 31, 23, 5, tzinfo=UTC), "UTC") == "31/12/0999 23:05"
    assert file_stamp(datetime(7, 1, 2, 3, 4, 5, tzinfo=UTC)) == "00070102-030405"
    now = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)  # British Summer Time: already 2 July
    assert to_utc_text(now) == "2026-07-01T23:30:00.000000Z"
    assert uk_datetime(now) == "02/07/2026 00:30"


def test_what_an_older_version_wrote_without_leading_zeros_is_read() -> None:
    assert from_utc_text("5-06-01T10:00:00.000000Z") == YEAR_5
    assert from_utc_text("999-01-01T00:00:00.000000Z").year == 999
    with pytest.raises(ValueError):
        from_utc_text("yesterday")


def test_a_time_in_year_1_is_shown_not_a_crash() -> None:
    """Europe/London's offset in year 1 (-00:01:15) would take it out of the calendar."""
    assert uk_datetime(datetime(1, 1, 1, tzinfo=UTC)) == "01/01/0001 00:00"


# -- saving: concerns ---------------------------------------------------------------------


def test_a_draft_with_a_time_before_1990_is_refused_and_nothing_is_saved(
        dsl: Session, clock: MockClock) -> None:
    kid = add_child(dsl)
    with pytest.raises(InvalidInput) as refused:
        concerns.save_draft(dsl, content((kid,), clock, occurred_at=YEAR_5))
    assert str(refused.value) == (
        "The time it happened (01/06/0005 09:58) is before 01/01/1990, the earliest date a "
        "record may have: check the year.")
    assert concerns.my_concerns(dsl) == []


def test_a_time_more_than_a_day_ahead_is_refused_as_in_the_future(
        dsl: Session, clock: MockClock) -> None:
    kid = add_child(dsl)
    ahead = clock.now() + FUTURE_ALLOWANCE + timedelta(minutes=1)
    with pytest.raises(InvalidInput, match=r"\(17/11/2026 09:31\) is in the future"):
        concerns.save_draft(dsl, content((kid,), clock, occurred_at=ahead))
    # within the allowance a draft keeps it; submitting still wants it to have happened
    draft = concerns.save_draft(dsl, content((kid,), clock, occurred_at=ahead - timedelta(
        minutes=2)))
    with pytest.raises(InvalidInput, match="the time it happened is in the future"):
        concerns.submit(dsl, draft)


def test_a_concern_cannot_have_happened_before_the_child_was_born(
        dsl: Session, clock: MockClock) -> None:
    older = add_child(dsl, "Older", "Pupil", date_of_birth=date(2010, 1, 1))
    younger = add_child(dsl, "Younger", "Pupil", date_of_birth=date(2012, 5, 6))
    draft = concerns.save_draft(dsl, content(
        (older, younger), clock, occurred_at=datetime(2011, 6, 1, 12, tzinfo=UTC)))
    with pytest.raises(InvalidInput) as refused:
        concerns.submit(dsl, draft)
    assert str(refused.value) == (
        "The time it happened (01/06/2011 13:00) is before the child's date of birth "
        "(06/05/2012): check the date.")
    assert concerns.my_concerns(dsl)[0].status is ConcernStatus.DRAFT


def test_nothing_is_stamped_by_a_clock_that_lost_its_setting(
        dsl: Session, clock: MockClock) -> None:
    kid = add_child(dsl)
    cid = concerns.record_concern(dsl, content((kid,), clock))
    clock.current = datetime(1980, 1, 1, 0, 5, tzinfo=UTC)
    message = ("This computer's clock says 01/01/1980, before 01/01/1990: set its date and "
               "time, then try again.")
    for attempt in (
        lambda: concerns.add_addendum(dsl, cid, "Later information."),
        lambda: dsl_triage(dsl, cid),
        lambda: concerns.save_draft(dsl, content((kid,), clock, occurred_at=None)),
    ):
        with pytest.raises(InvalidInput) as refused:
            attempt()
        assert str(refused.value) == message


def dsl_triage(s: Session, cid: int) -> None:
    dsl.triage(s, cid, TriageDecision.MONITOR, "Watch and wait.")


# -- saving: the DSL's records --------------------------------------------------------------


def _action(s: Session, kid: int, when: datetime) -> None:
    dsl.record_action(s, kind=ActionKind.OTHER, detail="Called home", taken_at=when,
                      child_ids=[kid])


def _outcome(s: Session, kid: int, when: datetime) -> None:
    dsl.record_outcome(s, text="Settled", occurred_at=when, child_id=kid)


def _event(s: Session, kid: int, when: datetime) -> None:
    dsl.add_event(s, child_id=kid, kind=EventKind.MISSING_EPISODE, occurred_at=when,
                  summary="Missing overnight.")


DSL_RECORDS = {
    "action": (_action, "The time the action was taken"),
    "outcome": (_outcome, "The time of the outcome"),
    "event": (_event, "The time of the event"),
}


@pytest.mark.parametrize("kind", list(DSL_RECORDS))
def test_actions_outcomes_and_events_keep_to_the_range(
        dsl: Session, clock: MockClock, kind: str) -> None:
    save, what = DSL_RECORDS[kind]
    kid = add_child(dsl, date_of_birth=date(2011, 3, 4))
    for when, why in (
        (datetime(1989, 12, 31, 12, tzinfo=UTC), "is before 01/01/1990"),
        (datetime(2011, 3, 3, 12, tzinfo=UTC), "is before the child's date of birth "
                                                "(04/03/2011)"),
        (clock.now() + timedelta(days=3), "is in the future"),
    ):
        with pytest.raises(InvalidInput) as refused:
            save(dsl, kid, when)
        assert str(refused.value).startswith(f"{what} (") and why in str(refused.value)
    assert chronology.chronology(dsl, kid) == []
    save(dsl, kid, clock.now() - timedelta(days=1))
    assert len(chronology.chronology(dsl, kid)) == 1


# -- saving: children and the roll --------------------------------------------------------


def test_dates_of_birth_keep_to_the_range(dsl: Session, clock: MockClock) -> None:
    for born, why in ((date(1989, 12, 31), "(31/12/1989) is before 01/01/1990"),
                      (date(2026, 11, 17), "(17/11/2026) is in the future")):
        with pytest.raises(InvalidInput, match="^" + re.escape(f"The date of birth {why}")):
            add_child(dsl, date_of_birth=born)
    assert children.list_children(dsl) == []
    kid = add_child(dsl, date_of_birth=EARLIEST)
    with pytest.raises(InvalidInput, match="is before 01/01/1990"):
        children.update_child(dsl, kid, ChildDetails("Zoë", "Ólafsdóttir",
                                                     date_of_birth=date(5, 1, 1)))
    assert children.list_children(dsl)[0].details.date_of_birth == EARLIEST


def test_the_roll_refuses_a_date_of_birth_before_1990_and_a_leaving_date_out_of_range(
        dsl: Session) -> None:
    from cerecorder.services import roster_import

    with pytest.raises(InvalidInput, match="date of birth 31/12/1989 is before 01/01/1990"):
        parse_date_of_birth("31/12/1989", date(2010, 1, 1))
    source = roster_import.open_roster(dsl, b"UPN,Legal Surname,Legal Forename,DOB\n"
                                            b"A123456789012,Smith,Jo,04/03/2012\n")
    for left_on, why in ((date(1985, 7, 20), "The leaving date (20/07/1985) is before"),
                         (date(2026, 11, 17), "The leaving date (17/11/2026) is in the future")):
        with pytest.raises(InvalidInput, match="^" + re.escape(why)):
            roster_import.preview_import(dsl, source, full_roll=True, left_on=left_on)


# -- an old vault ---------------------------------------------------------------------------


@pytest.fixture
def ctx(tmp_path: Path, clock: MockClock) -> AppContext:
    return AppContext(
        clock=clock, taxonomy=TAXONOMY, settings=UiSettings(), save_settings=lambda _: None,
        default_vault_dir=tmp_path / "school-vault", demo_vault_dir=tmp_path / "demo-vault",
        ui_dir=UI_DIR, file_dialogs=FileDialogs(), kdf=FAST_KDF, documents=RENDERER,
    )


def _as_an_older_version_wrote(s: Session, clock: MockClock) -> tuple[int, int, int]:
    """A child with a submitted concern in year 1, an event in year 5 and a draft in year
    5, each stored as the versions without zero-padding wrote them."""
    kid = add_child(s, date_of_birth=date(2011, 3, 4))
    conn = s.vault.conn
    submitted = concerns.save_draft(s, content((kid,), clock))
    draft = concerns.save_draft(s, content((kid,), clock, facts="Draft facts kept."))
    conn.execute("UPDATE concerns SET occurred_at = '1-01-01T00:00:00.000000Z' WHERE id = ?",
                 (submitted,))
    conn.execute("UPDATE concerns SET occurred_at = '5-06-01T10:00:00.000000Z' WHERE id = ?",
                 (draft,))
    with s.uow() as uow:
        uow.concerns.submit(submitted, clock.now())
        uow.commit()
    conn.execute(
        "INSERT INTO events(child_id, kind, occurred_at, tz, summary, outcome, recorded_by, "
        "recorded_at) VALUES (?, 'other', '5-06-01T10:00:00.000000Z', 'Europe/London', "
        "'An old event.', '', ?, ?)", (kid, s.user.id, to_utc_text(clock.now())))
    return kid, submitted, draft


def test_rows_an_older_version_wrote_out_of_range_still_show_everywhere(
        dsl: Session, clock: MockClock) -> None:
    kid, submitted, draft = _as_an_older_version_wrote(dsl, clock)
    assert {c.id for c in concerns.my_concerns(dsl)} == {submitted, draft}
    assert concerns.open_concern(dsl, draft).concern.content.occurred_at == YEAR_5
    rows = chronology.chronology(dsl, kid)
    assert [(r.entry_type, r.occurred_at.year) for r in rows] == [
        (EntryType.CONCERN, 1), (EntryType.EVENT, 5)]
    doc = handover.chronology_document(dsl, kid, purpose="Transfer")
    assert doc.period_text == "01/01/0001 to 01/06/0005"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(
        RENDERER.chronology(doc))).pages)
    assert "01/01/0001" in text and "01/06/0005" in text and "An old event." in text
    concern_doc = handover.concern_document(dsl, submitted)
    assert concern_doc.when(concern_doc.occurred_at) == "01/01/0001 00:00"
    assert RENDERER.concern(concern_doc).startswith(b"%PDF")


def test_the_windows_open_a_vault_with_such_rows(
        qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock) -> None:
    kid, submitted, draft = _as_an_older_version_wrote(dsl, clock)
    window = ChildWindow(ctx, dsl, kid)
    qtbot.addWidget(window)
    assert window.model.rowCount() == 2
    view = ConcernViewDialog(ctx, dsl, submitted)
    qtbot.addWidget(view)
    assert "01/01/0001 00:00" in view.content.toPlainText()
    form = ConcernDialog(ctx, dsl, child_ids=[], draft_id=draft)
    qtbot.addWidget(form)
    assert form.facts.toPlainText() == "Draft facts kept."
    assert form.message.text() == (
        "The time saved with this draft (01/06/0005 09:58) is before 01/01/1990, the earliest "
        "date a record may have: check the year. Choose when it happened again.")
    assert form.content().occurred_at is None  # never silently replaced by a made-up time
    assert form.when.edit.text() == ""
    form.when.edit.setText("15/11/2026 10:00")  # chosen again
    assert form.content().occurred_at is not None
    assert form.save_draft() is True

"""A concern recorded under an indicator list version this copy does not have (a packet
from a newer laptop, a vault restored into an older copy): every view shows its codes
as "CODE: label unavailable (taxonomy N)" instead of failing."""

from __future__ import annotations

import io
import json
import os
import uuid

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from cerecorder import paths
from cerecorder.export.pdf import PdfRenderer
from cerecorder.services import chronology, concerns, handover, packets
from cerecorder.services.session import Session
from cerecorder.ui.concern_view import ConcernViewDialog
from cerecorder.ui.context import AppContext
from cerecorder.ui.dsl_views import ChildWindow
from test_packet_dates import record_of, resign
from test_packets import Pair
from test_record_dates import ctx as ctx  # the same context fixture

from helpers import TAXONOMY, MockClock, add_child, content

RENDERER = PdfRenderer(paths.resources_dir() / "fonts")
#: NEW-07: a code only version 99 has; SHARED-01: one this copy's version 1 has too
CODES = frozenset({"NEW-07", "SHARED-01"})
SHOWN = ["NEW-07: label unavailable (taxonomy 99)", "SHARED-01: label unavailable (taxonomy 99)"]


def _filed_under_version_99(s: Session, clock: MockClock) -> tuple[int, int]:
    """As packet import files a concern: through the repository, with the sender's version."""
    kid = add_child(s)
    with s.uow() as uow:
        concern_id = uow.concerns.create_draft(str(uuid.uuid4()), s.user.id, clock.now(),
                                               s.tz, "99", content((kid,), clock,
                                                                    indicator_codes=CODES))
        uow.concerns.submit(concern_id, clock.now())
        uow.commit()
    return kid, concern_id


def test_the_label_library_says_which_version_it_lacks() -> None:
    assert TAXONOMY.label("CCE-03", "7") == "CCE-03: label unavailable (taxonomy 7)"
    assert TAXONOMY.label("NOPE-01", "1") == "NOPE-01: label unavailable (taxonomy 1)"
    assert TAXONOMY.get("7") is None and TAXONOMY.get("2") is TAXONOMY.current


def test_chronology_concern_record_and_pdfs_show_the_codes(
        dsl: Session, clock: MockClock) -> None:
    kid, concern_id = _filed_under_version_99(dsl, clock)
    [entry] = chronology.chronology(dsl, kid)
    assert entry.event.endswith("Signs: " + "; ".join(SHOWN))
    assert entry.taxonomy_version == "99"
    doc = handover.concern_document(dsl, concern_id)
    assert sorted((i.label, i.code, i.group) for i in doc.indicators) == [
        (SHOWN[0], "NEW-07", "Unknown"), (SHOWN[1], "SHARED-01", "Unknown")]
    text = ""
    for data in (RENDERER.concern(doc), RENDERER.chronology(
            handover.chronology_document(dsl, kid, purpose="Transfer"))):
        text += " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
                         .split())
    for shown in SHOWN:
        assert text.count(shown) == 2, shown  # once in each document


def test_the_concern_view_and_the_chronology_window_show_the_codes(
        qtbot: QtBot, ctx: AppContext, dsl: Session, clock: MockClock) -> None:
    kid, concern_id = _filed_under_version_99(dsl, clock)
    view = ConcernViewDialog(ctx, dsl, concern_id)
    qtbot.addWidget(view)
    shown = view.content.toPlainText()
    assert all(label in shown for label in SHOWN)
    window = ChildWindow(ctx, dsl, kid)
    qtbot.addWidget(window)
    signs = {window.indicator.itemData(i): window.indicator.itemText(i)
             for i in range(window.indicator.count())}
    shared = TAXONOMY.current.item("SHARED-01")
    assert signs == {None: "Any sign", "NEW-07": SHOWN[0],  # the filter: by today's labels
                     "SHARED-01": f"{shared.label} ({shared.applicability})"}


def test_a_packet_of_an_unknown_indicator_list_is_filed_with_its_codes_kept(pair: Pair) -> None:
    pair.record()
    pair.send()
    resign(pair, lambda d: record_of(d).update(taxonomy_version="99"))
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert outcome.status == "imported", outcome.message
    filed = concerns.open_concern(pair.dsl, outcome.concern_id or 0).concern
    assert (filed.taxonomy_version, filed.content.indicator_codes) == (
        "99", frozenset({"SHARED-01", "CSE-01"}))
    [kid] = filed.content.child_ids
    [entry] = chronology.chronology(pair.dsl, kid)
    assert entry.event.endswith("Signs: CSE-01: label unavailable (taxonomy 99); "
                                "SHARED-01: label unavailable (taxonomy 99)")
    doc = handover.concern_document(pair.dsl, filed.id)
    assert sorted(i.label for i in doc.indicators) == [
        "CSE-01: label unavailable (taxonomy 99)", "SHARED-01: label unavailable (taxonomy 99)"]
    assert json.dumps(sorted(i.code for i in doc.indicators)) == '["CSE-01", "SHARED-01"]'

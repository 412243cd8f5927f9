"""A validly signed packet cannot poison the DSL's vault: a time or date of birth out of
the range a record may have is refused to quarantine, the vault unchanged."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cerecorder.crypto import packets as crypto
from cerecorder.services import concerns, packets
from test_packets import (
    CANARY,
    Pair,
    _document,
    _staff_key,
    age_files,
    audit_actions,
    records_digest,
)


def resign(p: Pair, change: Callable[[dict[str, object]], None]) -> None:
    """The packet the staff laptop sent, altered and signed again by that laptop's own key:
    what an older or faulty copy of CE Recorder could send."""
    document = _document(p)
    change(document)
    [packet] = p.packet_files()
    packet.write_bytes(crypto.seal(crypto.sign_document(document, _staff_key(p)),
                                   [r.recipient for r in p.card.recipients]))
    age_files(packet)


def record_of(document: dict[str, object]) -> dict[str, object]:
    record = document["concern" if "concern" in document else "addendum"]
    assert isinstance(record, dict)
    return record


def _year_5(document: dict[str, object]) -> None:
    record_of(document)["occurred_at"] = "0005-06-01T10:00:00.000000Z"


def _unpadded(document: dict[str, object]) -> None:
    record_of(document)["occurred_at"] = "5-06-01T10:00:00.000000Z"  # as older versions wrote


def _next_week(document: dict[str, object]) -> None:
    record_of(document)["submitted_at"] = "2026-11-23T09:30:00.000000Z"


def _born_1985(document: dict[str, object]) -> None:
    [child] = record_of(document)["children"]  # type: ignore[misc]
    child["date_of_birth"] = "1985-02-03"


SPOILED = {
    "year_5": (_year_5, "The time it happened (01/06/0005 09:58) is before 01/01/1990"),
    "unpadded": (_unpadded, "The time it happened (01/06/0005 09:58) is before 01/01/1990"),
    "future": (_next_week, "The time it was submitted (23/11/2026 09:30) is in the future"),
    "born_1985": (_born_1985, "A date of birth (03/02/1985) is before 01/01/1990"),
}


@pytest.mark.parametrize("case", list(SPOILED))
def test_a_signed_packet_with_a_date_out_of_range_is_refused_and_the_vault_unchanged(
        pair: Pair, case: str) -> None:
    spoil, reason = SPOILED[case]
    pair.record()
    pair.send()
    resign(pair, spoil)
    digest = records_digest(pair.dsl)
    report = packets.import_inbox(pair.dsl, pair.share)
    [outcome] = report.outcomes
    assert (outcome.status, outcome.reason) == ("refused", "out_of_range")
    assert outcome.message.startswith(reason)
    assert outcome.message.endswith("The packet was not filed: ask the sender to check "
                                    "their laptop's clock and record it again.")
    assert records_digest(pair.dsl) == digest
    assert pair.dsl_concerns() == [] and packets.review_list(pair.dsl) == []
    note = pair.share / "quarantine" / f"{outcome.file_name}.reason.txt"
    assert reason in note.read_text() and CANARY not in note.read_text()
    assert audit_actions(pair.dsl)[-2:] == ["packet_refused", "inbox_imported"]


def test_an_addendum_packet_written_in_year_5_is_refused(pair: Pair) -> None:
    concern_id = pair.record()
    pair.send()
    [filed] = packets.import_inbox(pair.dsl, pair.share).outcomes
    concerns.add_addendum(pair.staff, concern_id, "Later information.")
    pair.send()
    resign(pair, lambda d: record_of(d).update(created_at="5-06-01T10:00:00.000000Z"))
    [outcome] = packets.import_inbox(pair.dsl, pair.share).outcomes
    assert (outcome.status, outcome.reason) == ("refused", "out_of_range")
    assert outcome.message.startswith("The time the addendum was written (01/06/0005 09:58)")
    assert concerns.open_concern(pair.dsl, filed.concern_id or 0).addenda == []

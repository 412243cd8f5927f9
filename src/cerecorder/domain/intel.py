"""An intelligence report for the police or a partnership (issue 14): the register entries
and concerns the DSL picked, as who, what, where and when, with the vehicles, phones and
accounts, the source named by role alone, and the marking. Nothing else of a child's file
goes into it: the read model below is all a renderer sees.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from cerecorder.domain.handover import DocumentHeader

TITLE = "Intelligence report"
SCOPE = "Only the entries and concerns picked by the DSL; nothing else of any child's file"
CSV_COLUMNS = ("marking", "document_id", "item", "type", "reference", "when", "where", "who",
               "what", "vehicles", "phones", "accounts", "people", "places", "source")


@dataclass(frozen=True)
class IntelItem:
    """One picked concern or register entry, already worded for the report."""

    number: int
    kind: str  # "Concern", or a register kind's label ("Vehicle", "Phone number", ...)
    reference: str  # "Concern #12", "Register entry #3"
    when: str
    where: str
    who: str
    what: str
    vehicles: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    source: str = ""  # the role(s) of whoever reported it, never a name
    details: tuple[tuple[str, str], ...] = ()  # an entry's fields, label and value


@dataclass(frozen=True)
class IntelDocument:
    header: DocumentHeader
    purpose: str
    items: tuple[IntelItem, ...]
    concern_ids: tuple[int, ...]
    entry_ids: tuple[int, ...]

    @property
    def summary(self) -> str:
        concerns = len(self.concern_ids)
        entries = len(self.entry_ids)
        return (f"{concerns} concern{'s' * (concerns != 1)} and {entries} register "
                f"entr{'ies' if entries != 1 else 'y'}")


def _safe(value: str) -> str:
    """A cell a spreadsheet would run as a formula (=, +, -, @ first) starts with ' instead."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_bytes(doc: IntelDocument) -> bytes:
    """The report as CSV (UTF-8 with a byte-order mark, for spreadsheets): a row per item,
    each carrying the marking and the document id."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in doc.items:
        writer.writerow([_safe(v) for v in (
            doc.header.marking, doc.header.document_id, str(item.number), item.kind,
            item.reference, item.when, item.where, item.who, item.what,
            "; ".join(item.vehicles), "; ".join(item.phones), "; ".join(item.accounts),
            "; ".join(item.people), "; ".join(item.places), item.source)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")

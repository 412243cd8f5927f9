"""How far pdftotext's default mode (no -layout, no -raw) reads a chronology out of order.

That mode rebuilds the reading order from the positions of the text (poppler's
TextOutputDev groups lines into blocks and orders them): it is what most people get from
"copy all" or a text conversion. A document whose every entry carries its own markers
(its date, and tokens in the source, at both ends of the event, the action, the outcome
and the recorded-by cells) is extracted, the markers found in the order they come out,
and the pieces out of place counted as those outside the longest run in the right order:
the fewest pieces that would have to move."""

from __future__ import annotations

import bisect
import re
import shutil
import subprocess
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cerecorder.domain.handover import ChildSummary, ChronologyDocument, DocumentHeader
from cerecorder.domain.model import ChronologyEntry, EntryType
from cerecorder.domain.timefmt import local, uk_date

#: the pieces starting an entry's cells, in the order its first row reads
PIECES = ("date", "src", "ev", "act", "out", "rec")
_TOKEN = re.compile(r"\b(src|ev|evend|act|out|rec)(\d+)\b|\b(\d\d/\d\d/\d{4})\b")
_START = datetime(2020, 9, 1, 8, 0, tzinfo=UTC)


def marked(n: int) -> ChronologyDocument:
    """n entries of varied length (the event from one to seven sentences, every ninth one
    long enough to run over several rows, as is every eleventh one's action; actions,
    outcomes, child's words and impact notes on some), each piece holding its entry's
    marker. Events 29 hours apart: every entry has a date of its own."""
    rows = tuple(
        ChronologyEntry(
            occurred_at=_START + timedelta(hours=29 * i), tz="Europe/London",
            entry_type=EntryType.EVENT, source=f"Missing episode src{i}",
            event=f"ev{i} " + "Seen near the station with older youths. " * (1 + i % 7)
            * (1 if i % 9 else 8) + f"evend{i}",
            decision=f"act{i} " + "Refer to MASH: pattern continuing. " * (1 if i % 11 else 20)
            if i % 4 == 0 or i % 11 == 0 else "",
            outcome=f"out{i} Return-home interview held; disclosed being given cash."
            if i % 3 == 0 else "",
            recorded_by=f"Dana Lead rec{i}", recorded_role="DSL", ref_id=i,
            child_words="They're my mates, they give me lifts." if i % 5 == 0 else "",
            impact="Missed two days of school; withdrawn." if i % 6 == 0 else "",
            significant=i % 10 == 0,
        )
        for i in range(n)
    )
    child = ChildSummary("Zoë Ólafsdóttir", "Zoë Ólafsdóttir", date(2008, 3, 4),
                         "A123456789012")
    header = DocumentHeader(school="Eastcombe Academy", marking="OFFICIAL-SENSITIVE",
                            subject=child.identity,
                            document_id="CER-READING00", generated_by="Dana Lead",
                            generated_role="DSL",
                            generated_at=datetime(2026, 11, 16, 9, 30, tzinfo=UTC),
                            generated_tz="Europe/London", demo=False)
    return ChronologyDocument(
        header=header, child_id=1, child=child,
        purpose="Transfer to a new school", period_from=rows[0].occurred_at.date(),
        period_to=rows[-1].occurred_at.date(), date_from=None, date_to=None,
        entry_types=None, rows=rows)


def default_text(data: bytes, first_page: int = 2) -> str:
    """The text of the pages from first_page on (the front sheet's dates left out)."""
    exe = shutil.which("pdftotext")
    assert exe is not None, "pdftotext (poppler-utils) is needed"
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(data)
        return subprocess.run([exe, "-f", str(first_page), str(source), "-"],
                              capture_output=True, text=True, check=True,
                              timeout=120).stdout


def pieces_read(doc: ChronologyDocument, extracted: str) -> list[tuple[int, str]]:
    """(entry, piece) for each marker in the order extracted. The recorder's marker comes
    twice in an entry (in the source, then in the recorded-by column): the first is the
    source's (which src marks already), the second the recorded-by's."""
    days = {uk_date(local(r.occurred_at, r.tz).date()): i for i, r in enumerate(doc.rows)}
    seen: dict[int, int] = {}
    found: list[tuple[int, str]] = []
    for m in _TOKEN.finditer(extracted):
        if m.group(3):
            if m.group(3) in days:
                found.append((days[m.group(3)], "date"))
            continue
        kind, entry = m.group(1), int(m.group(2))
        if kind == "rec":
            seen[entry] = seen.get(entry, 0) + 1
            if seen[entry] == 1:
                continue
        found.append((entry, kind))
    return found


def expected(doc: ChronologyDocument) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for i, r in enumerate(doc.rows):
        out += [(i, "date"), (i, "src"), (i, "ev")]
        out += [(i, "act")] if r.decision else []
        out += [(i, "out")] if r.outcome else []
        out += [(i, "rec"), (i, "evend")]
    return out


def misplaced(found: list[tuple[int, str]]) -> list[int]:
    """Positions in found of the pieces out of place."""
    starts = [(i, (entry, PIECES.index(kind))) for i, (entry, kind) in enumerate(found)
              if kind != "evend"]
    # the longest run in order (longest increasing subsequence, with its members)
    tails: list[tuple[int, int]] = []
    at_tail: list[int] = []
    parent: dict[int, int] = {}
    for index, key in starts:
        at = bisect.bisect_left(tails, key)
        parent[index] = at_tail[at - 1] if at else -1
        if at == len(tails):
            tails.append(key)
            at_tail.append(index)
        else:
            tails[at], at_tail[at] = key, index
    in_order: set[int] = set()
    index = at_tail[-1] if at_tail else -1
    while index != -1:
        in_order.add(index)
        index = parent[index]
    out = [index for index, _ in starts if index not in in_order]
    # an event's end: after its start, before the (in order) pieces of any later entry
    first_of: dict[int, int] = {}
    start_of: dict[int, int] = {}
    for index in sorted(in_order):
        entry, kind = found[index]
        first_of.setdefault(entry, index)
        if kind == "ev":
            start_of[entry] = index
    for index, (entry, kind) in enumerate(found):
        if kind != "evend":
            continue
        later = min((first_of[e] for e in first_of if e > entry), default=len(found))
        if not start_of.get(entry, len(found)) < index < later:
            out.append(index)
    return sorted(out)


def out_of_place(doc: ChronologyDocument, data: bytes) -> tuple[int, int, int]:
    """(pieces out of place, pieces missing, pieces expected)."""
    found = pieces_read(doc, default_text(data))
    want = expected(doc)
    return len(misplaced(found)), len(set(want) - set(found)), len(want)

"""The handover PDF: a 1,000-entry chronology rendered (landscape; then portrait and with
the DEMO watermark), then protected.

    python bench/pdf_bench.py

Targets: rendering in <= 1.5 s and peak memory <= 300 MB. Time is the median of a few
runs after one warm-up (font loading); memory is the peak of Python allocations during one
render (tracemalloc) and the process's peak resident size. Reports PASS or MISS and always
exits 0: benchmarks report, they do not fail a build.
"""

from __future__ import annotations

import dataclasses
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

from cerecorder import paths
from cerecorder.domain.handover import ChildSummary, ChronologyDocument, DocumentHeader
from cerecorder.domain.model import ChronologyEntry, EntryType
from cerecorder.export import pdf, raster

ENTRIES = 1000
TARGET_SECONDS = 1.5
TARGET_MB = 300.0
RUNS = 5
PAGE_MARK = b"/Type /Page\n"  # how ReportLab writes each page object


def document(n: int = ENTRIES) -> ChronologyDocument:
    """Rows of realistic length: a few lines of event text, some decisions and outcomes."""
    start = datetime(2019, 9, 2, 8, 0, tzinfo=UTC)
    types = list(EntryType)
    rows = tuple(
        ChronologyEntry(
            occurred_at=start + timedelta(hours=31 * i), tz="Europe/London",
            entry_type=types[i % len(types)], source=f"Concern #{1000 + i}",
            event=f"Entry {i}: " + "Seen near the station with older youths; new phone. "
            * (1 + i % 6),
            decision="Refer to MASH / children's social care: pattern continuing, risk of "
            "exploitation." if i % 4 == 0 else "",
            outcome="Return-home interview held; disclosed being given cash." if i % 3 == 0
            else "",
            recorded_by="Dana Lead", ref_id=i,
        )
        for i in range(n)
    )
    header = DocumentHeader(
        school="Eastcombe Academy", marking="OFFICIAL-SENSITIVE", document_id="CER-BENCH00000",
        generated_by="Dana Lead", generated_at=datetime(2026, 11, 16, 9, 30, tzinfo=UTC),
        generated_tz="Europe/London", demo=False,
    )
    return ChronologyDocument(
        header=header, child_id=1, child=ChildSummary("Zoë Ólafsdóttir", "Zoë Ólafsdóttir"),
        purpose="Transfer to a new school", period_from=rows[0].occurred_at.date(),
        period_to=rows[-1].occurred_at.date(), date_from=None, date_to=None, entry_types=None,
        rows=rows,
    )


def _max_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def _raster_ms(data: bytes, dpi: float) -> float:
    """How long the preview or the printer waits for one page to be drawn."""
    pages = raster.RasterPages(data)
    try:
        times = []
        for index in range(min(10, len(pages))):
            began = time.perf_counter()
            pages.page(index, dpi)
            times.append((time.perf_counter() - began) * 1000)
        return statistics.median(times)
    finally:
        pages.close()


def main() -> int:
    fonts = paths.resources_dir() / "fonts"
    doc = document()
    data = pdf.render_chronology(doc, fonts)  # warm-up: fonts parsed once per process
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        data = pdf.render_chronology(doc, fonts)
        times.append(time.perf_counter() - began)
    began = time.perf_counter()
    pdf.protect(data, "benchmark password")
    protect_s = time.perf_counter() - began

    tracemalloc.start()
    pdf.render_chronology(doc, fonts)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_mb, rss_mb = peak / (1024 * 1024), _max_rss_mb()

    median = statistics.median(times)
    pages = data.count(PAGE_MARK)
    print(f"PDF: {ENTRIES:,}-entry chronology, landscape, {len(data) / 1024:,.0f} KiB, "
          f"~{pages} pages")
    verdict = "PASS" if median <= TARGET_SECONDS else "MISS"
    print(f"  render         median {median:.2f} s  (min {min(times):.2f}, max "
          f"{max(times):.2f}; target <= {TARGET_SECONDS} s)  {verdict}")
    demo = dataclasses.replace(doc, header=dataclasses.replace(doc.header, demo=True))
    for label, variant, landscape in (("portrait", doc, False), ("DEMO", demo, True)):
        runs = []
        for _ in range(3):
            began = time.perf_counter()
            out = pdf.render_chronology(variant, fonts, landscape=landscape)
            runs.append(time.perf_counter() - began)
        print(f"  {label:<14} median {statistics.median(runs):.2f} s of 3, "
              f"~{out.count(PAGE_MARK)} pages")
    print(f"  protect        {protect_s:.2f} s (AES-256, pypdf)")
    for label, dpi in (("preview page", 110), ("print page", 300)):
        print(f"  {label:<14} {_raster_ms(data, dpi):.0f} ms a page at {dpi} dpi "
              "(PDFium, median of 10 pages)")
    verdict = "PASS" if max(peak_mb, rss_mb) <= TARGET_MB else "MISS"
    print(f"  peak memory    {peak_mb:.0f} MB Python allocations, {rss_mb:.0f} MB max RSS "
          f"(target <= {TARGET_MB:.0f} MB)  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

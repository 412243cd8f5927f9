"""The governors' report for a school year on the decade vault (issue 17's target: <= 2 s),
built and rendered as a PDF, and the Ofsted inspection pack (<= 2 s) for September, the
autumn term and the school year, built and rendered as its PDF and CSV, in CPU seconds
(time.process_time: the machine is shared, so wall time says more about the neighbours
than about the report).

    python bench/reports_bench.py [--size decade|school] [--repeat N]

The vault comes from bench/run.py's cache; each run works on a copy (opening it upgrades
its schema). The script reports PASS or MISS and always exits 0.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import PASSPHRASE, cached_vault  # noqa: E402

from cerecorder import paths  # noqa: E402
from cerecorder.domain.reports import Period  # noqa: E402
from cerecorder.domain.taxonomy import TaxonomyLibrary  # noqa: E402
from cerecorder.export import report_governors as governors_pdf  # noqa: E402
from cerecorder.export import report_ofsted as ofsted_pdf  # noqa: E402
from cerecorder.services import demo, report_governors, report_ofsted, session  # noqa: E402
from cerecorder.services.clock import SystemClock  # noqa: E402

TARGET = 2.0  # CPU seconds, a year's report with its trend, built and rendered
OFSTED_TARGET = 2.0  # CPU seconds, the pack built, as PDF and as CSV


def verdict(times: list[float], target: float) -> str:
    return f"CPU {min(times):.2f}-{max(times):.2f} s over {len(times)} runs " + (
        f"(target {target:.1f} s) {'PASS' if max(times) <= target else 'MISS'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="decade", choices=["decade", "school"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    taxonomy = TaxonomyLibrary.load(paths.taxonomy_dir())
    cached = cached_vault(args.size, taxonomy, rebuild=False)
    fonts = paths.resources_dir() / "fonts"
    with tempfile.TemporaryDirectory(prefix="cer-reports-") as work:
        folder = Path(work) / "vault"
        shutil.copytree(cached, folder)
        s = session.unlock(folder, user_name=demo.DEMO_USER, passphrase=PASSPHRASE,
                           clock=SystemClock(), taxonomy=taxonomy)
        latest = s.vault.conn.execute(
            "SELECT max(occurred_at) FROM concerns WHERE status = 'submitted'").fetchone()[0]
        year = report_governors.school_year(date.fromisoformat(str(latest)[:10]))
        period = Period.of(year.start, year.end)
        times = []
        for _ in range(args.repeat):
            start = time.process_time()
            made = report_governors.build(s, period)
            governors_pdf.render(made, fonts)
            times.append(time.process_time() - start)
        print(f"governors' report {period.label}: {made.concerns} concerns, {made.children} "
              f"children; {verdict(times, TARGET)}")
        autumn = Period.of(year.start, date(year.start.year, 12, 31))
        september = Period.of(year.start, date(year.start.year, 9, 30))
        for name, span in (("September", september), ("autumn term", autumn),
                           ("school year", period)):
            times, parts = [], []
            for _ in range(args.repeat):
                start = time.process_time()
                pack = report_ofsted.build(s, span)
                built = time.process_time()
                pages = ofsted_pdf.render(pack, fonts)
                drawn = time.process_time()
                ofsted_pdf.csv_bytes(pack)
                times.append(time.process_time() - start)
                parts.append((built - start, drawn - built))
            rows = len(pack.referrals) + len(pack.local_authority) + len(pack.plans) + len(
                pack.missing_education)
            print(f"Ofsted pack, {name} {span.label}: {pack.summary} ({rows:,} rows, "
                  f"{len(pages) // 1024:,} KiB PDF; built {min(p[0] for p in parts):.2f} s, "
                  f"PDF {min(p[1] for p in parts):.2f} s); {verdict(times, OFSTED_TARGET)}")
        s.lock()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

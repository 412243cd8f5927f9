"""Each kind of report's renderers, as (PDF, CSV): PdfRenderer.report picks by kind, so a
new report is one line here (and one in cli/reports.py's REPORTS)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from cerecorder.export import report_governors, report_ofsted

#: kind -> (document, fonts folder -> PDF bytes; document -> CSV bytes)
RENDERERS: dict[str, tuple[Callable[[Any, Path], bytes], Callable[[Any], bytes]]] = {
    "governors": (report_governors.render, report_governors.csv_bytes),
    "ofsted": (report_ofsted.render, report_ofsted.csv_bytes),
}

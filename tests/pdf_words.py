"""Words of a PDF with their boxes, read back by poppler's pdftotext (-bbox), a reader
independent of the ReportLab that wrote them."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                   r"(.*?)</word>", re.S)


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float  # from the top of the page
    x1: float
    y1: float

    def overlaps(self, other: Word, slack: float = 0.3) -> bool:
        return (min(self.x1, other.x1) - max(self.x0, other.x0) > slack
                and min(self.y1, other.y1) - max(self.y0, other.y0) > slack)


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: tuple[Word, ...]

    def lines(self) -> list[str]:
        """Words grouped by baseline, left to right: the page's lines as printed."""
        rows: dict[int, list[Word]] = {}
        for w in self.words:
            rows.setdefault(round(w.y1), []).append(w)
        return [" ".join(w.text for w in sorted(ws, key=lambda w: w.x0))
                for _, ws in sorted(rows.items())]


def pdf_pages(data: bytes, password: str | None = None) -> list[Page]:
    exe = shutil.which("pdftotext")
    assert exe is not None, "pdftotext (poppler-utils) is needed: apt-get install poppler-utils"
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(data)
        argv = [exe, "-bbox", str(source), "-"]
        if password is not None:
            argv[1:1] = ["-upw", password]
        out = subprocess.run(argv, capture_output=True, check=True, timeout=120).stdout
    pages = []
    for width, height, body in _PAGE.findall(out.decode("utf-8")):
        words = tuple(
            Word(unicodedata.normalize("NFC", html.unescape(t)), float(a), float(b),
                 float(c), float(d))
            for a, b, c, d, t in _WORD.findall(body)
        )
        pages.append(Page(float(width), float(height), words))
    return pages


def overlapping(page: Page) -> list[tuple[Word, Word]]:
    """Pairs of words whose boxes overlap: text drawn over text."""
    words = sorted(page.words, key=lambda w: w.y0)
    found = []
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            if b.y0 >= a.y1:
                break
            if a.overlaps(b):
                found.append((a, b))
    return found

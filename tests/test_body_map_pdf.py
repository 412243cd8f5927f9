"""The body map in the concern record's PDF (issue 16): the marks drawn where the screen
puts them on the outline, read back by poppler (pdftoppm pixels, pdftotext words)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from cerecorder import paths
from cerecorder.domain.body_map import BodyMark, load_outlines, mark_summary
from cerecorder.export.body_map_pdf import BOX_HEIGHT
from cerecorder.export.pdf import PdfRenderer
from cerecorder.services import body_maps, concerns, handover
from cerecorder.services.session import Session
from pdf_words import pdf_pages

from helpers import MockClock, add_child, content

OUTLINES = load_outlines(paths.bodymap_dir())
RENDERER = PdfRenderer(paths.resources_dir() / "fonts", OUTLINES)
DPI = 144
MARKS = (BodyMark("front", 0.3, 0.25, "bruise", 2.0, "purple", "Upper right arm", "I fell"),
         BodyMark("front", 0.7, 0.8, "cut", None, "", "Left shin", ""))


def _pixels(pdf: bytes, page: int, folder: Path) -> tuple[int, int, bytes]:
    """The page as RGB bytes (pdftoppm's PPM), with its width and height."""
    exe = shutil.which("pdftoppm")
    assert exe is not None, "pdftoppm (poppler-utils) is needed"
    (folder / "in.pdf").write_bytes(pdf)
    subprocess.run([exe, "-r", str(DPI), "-f", str(page), "-l", str(page), "-singlefile",
                    str(folder / "in.pdf"), str(folder / "out")], check=True, timeout=120)
    data = (folder / "out.ppm").read_bytes()
    magic, width, height, _, body = data.split(maxsplit=4)
    assert magic == b"P6"
    return int(width), int(height), body


def _centre(points: list[tuple[int, int]]) -> tuple[float, float]:
    return (sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points))


def test_the_marks_sit_on_the_outline_where_they_were_placed(
        dsl: Session, clock: MockClock, tmp_path: Path) -> None:
    concern_id = concerns.save_draft(dsl, content((add_child(dsl),), clock))
    body_maps.save_draft_map(dsl, concern_id, MARKS, OUTLINES)
    concerns.submit(dsl, concern_id)
    pdf = RENDERER.concern(handover.concern_document(dsl, concern_id))
    pages = pdf_pages(pdf)
    [number] = [i for i, p in enumerate(pages, start=1) if "Body map" in " ".join(p.lines())]
    lines = " ".join(pages[number - 1].lines())
    for n, mark in enumerate(MARKS, start=1):  # the key, in words a reader can copy
        assert mark_summary(n, mark, OUTLINES).replace("\u201c", "").replace(
            "\u201d", "")[:30] in lines.replace("\u201c", "").replace("\u201d", "")
    width, height, rgb = _pixels(pdf, number, tmp_path)
    red, dark = [], []
    for i in range(width * height):
        r, g, b = rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]
        if r > 120 and g < 80 and b < 100:
            red.append((i % width, i // width))
        elif r < 90 and g < 90 and b < 90:
            dark.append((i % width, i // width))
    assert red, "no mark drawn"
    middle = (min(x for x, _ in red) + max(x for x, _ in red)) / 2
    first = _centre([p for p in red if p[0] < middle])
    second = _centre([p for p in red if p[0] >= middle])
    scale = DPI / 72 * BOX_HEIGHT  # one unit of the view's height, in pixels
    aspect = OUTLINES.view("front").aspect
    assert abs((second[0] - first[0]) - 0.4 * aspect * scale) < 2
    assert abs((second[1] - first[1]) - 0.55 * scale) < 2
    # and on the outline: the silhouette's hands are its widest points (x 0.15 and 0.85)
    band = [p for p in dark if first[1] - 0.25 * scale <= p[1] <= second[1]]
    left = min(x for x, _ in band)
    assert abs((first[0] - left) - (0.3 - 0.15) * aspect * scale) < 3

"""A rendered PDF's pages as pixels, for the preview and for printing (PDFium, through
pypdfium2). Drawing the PDF's own pages means the paper, the preview and the saved file
are one document: there is no second layout to drift from the first.

Everything stays in memory: printing writes no file of its own.
"""

from __future__ import annotations

import pypdfium2

from cerecorder.domain.handover import PageImage

#: a page is never drawn larger than this (A3 at 600 dpi is about 70 million pixels)
MAX_PIXELS = 80_000_000


class RasterPages:
    """domain.handover.PageSource for one PDF held in memory."""

    def __init__(self, pdf: bytes) -> None:
        self._document = pypdfium2.PdfDocument(pdf)

    def __len__(self) -> int:
        return len(self._document)

    def _page(self, index: int) -> pypdfium2.PdfPage:
        if not 0 <= index < len(self._document):
            raise IndexError(f"page {index + 1} of {len(self._document)}")
        return self._document[index]

    def size(self, index: int) -> tuple[float, float]:
        page = self._page(index)
        try:
            width, height = page.get_size()
            return float(width), float(height)
        finally:
            page.close()

    def page(self, index: int, dpi: float) -> PageImage:
        page = self._page(index)
        try:
            width_pt, height_pt = page.get_size()
            scale = dpi / 72
            if width_pt * height_pt * scale * scale > MAX_PIXELS:
                scale = (MAX_PIXELS / (width_pt * height_pt)) ** 0.5
            bitmap = page.render(scale=scale, rev_byteorder=True, prefer_bgrx=True,
                                 optimize_mode="print")
            try:
                return PageImage(width=bitmap.width, height=bitmap.height,
                                 stride=bitmap.stride, pixels=bytes(bitmap.buffer),
                                 landscape=width_pt > height_pt)
            finally:
                bitmap.close()
        finally:
            page.close()

    def close(self) -> None:
        self._document.close()

"""Render packaging/linux/cerecorder.svg into the icons the installers need:
linux/cerecorder.png (256 px), windows/cerecorder.ico and macos/cerecorder.icns (both hold
PNGs, which Windows Vista+ and macOS 10.7+ read). Run again after changing the SVG:

    .venv/bin/python packaging/make_icons.py
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
SVG = HERE / "linux" / "cerecorder.svg"


def png(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, data in sorted(images.items()):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    return header + entries + blobs


def icns(images: dict[int, bytes]) -> bytes:
    kinds = {32: b"ic11", 64: b"ic12", 128: b"ic07", 256: b"ic08", 512: b"ic09"}
    body = b"".join(kinds[s] + struct.pack(">I", 8 + len(d)) + d
                    for s, d in sorted(images.items()) if s in kinds)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> None:
    QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SVG))
    images = {size: png(renderer, size) for size in (16, 32, 48, 64, 128, 256, 512)}
    (HERE / "linux" / "cerecorder.png").write_bytes(images[256])
    (HERE / "windows" / "cerecorder.ico").write_bytes(
        ico({s: d for s, d in images.items() if s <= 256}))
    (HERE / "macos" / "cerecorder.icns").write_bytes(icns(images))


if __name__ == "__main__":
    main()

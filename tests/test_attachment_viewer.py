"""The photo viewer (issue 16): a large photo opens fitted to the window, decoded at that
size from memory rather than whole; zooming in past it decodes at half size, and the
full resolution only when zoomed further (Ctrl+0 is the actual size); a phone's portrait
photo stands upright as its EXIF says; the stored bytes stay as they were added."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image
from PySide6.QtCore import QSize, Qt
from pytestqt.qtbot import QtBot

from cerecorder.services import attachments, concerns
from cerecorder.services.session import Session
from cerecorder.ui.attachment_viewer import AttachmentsDialog, ImageViewer

from helpers import MockClock, add_child, content

_ORIENTATION = 0x0112


def _jpeg(width: int, height: int, orientation: int = 1) -> bytes:
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    exif = Image.Exif()
    exif[_ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def _viewer(qtbot: QtBot, dsl: Session, clock: MockClock, data: bytes
            ) -> tuple[AttachmentsDialog, ImageViewer]:
    draft = concerns.save_draft(dsl, content((add_child(dsl),), clock))
    attachments.add_to_draft(dsl, draft, data, "IMG_0001.jpg")
    concerns.submit(dsl, draft)
    shown = AttachmentsDialog(None, dsl, draft, None)
    qtbot.addWidget(shown)
    viewer = shown.open_current()
    assert isinstance(viewer, ImageViewer)
    return shown, viewer  # the viewer lives as long as the window it was opened from


def test_a_large_photo_opens_fitted_and_decoded_at_that_size_until_zoomed_in(
        qtbot: QtBot, dsl: Session, clock: MockClock) -> None:
    data = _jpeg(3200, 2400)
    _shown, viewer = _viewer(qtbot, dsl, clock, data)
    shown = viewer.picture.pixmap().size()
    assert shown.width() <= 860 and shown.height() <= 570
    assert abs(shown.width() / shown.height() - 4 / 3) < 0.01
    assert viewer.image.size() == shown  # decoded at the size shown, not 3200 x 2400
    qtbot.keyClick(viewer, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert viewer.image.size() == QSize(1600, 1200)  # past the fit: decoded at half size
    assert viewer.picture.pixmap().width() == round(shown.width() * 1.25)
    qtbot.keyClick(viewer, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert viewer.image.size() == QSize(3200, 2400)  # the full resolution, only now
    assert viewer.picture.pixmap().size() == QSize(3200, 2400)
    [stored] = attachments.listing(dsl)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert attachments.read(dsl, stored.id)[1] == data


def test_a_portrait_photo_stands_as_its_exif_orientation_says(
        qtbot: QtBot, dsl: Session, clock: MockClock) -> None:
    _shown, viewer = _viewer(qtbot, dsl, clock, _jpeg(400, 300, orientation=6))  # turned 90°
    assert viewer.picture.pixmap().size() == QSize(300, 400)


def test_at_150_percent_the_fit_is_decoded_in_the_screens_pixels(
        qtbot: QtBot, dsl: Session, clock: MockClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ImageViewer, "devicePixelRatioF", lambda self: 1.5)
    _shown, viewer = _viewer(qtbot, dsl, clock, _jpeg(3200, 2400))
    logical = viewer.picture.size()  # the label, in the window's own pixels
    assert logical.width() <= 860 and logical.height() <= 570
    # decoded at one picture pixel to each of the screen's: sharp, and still not whole
    assert abs(viewer.image.width() - logical.width() * 1.5) <= 1

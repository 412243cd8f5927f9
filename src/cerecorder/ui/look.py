"""How the app looks: the style sheet, and a palette whose secondary text (hints, status
lines, placeholders) stays legible, at least 4.5:1 against its background (WCAG AA), in
light and dark themes alike."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

#: the red of error messages (style.qss), and the lighter one a dark theme needs
ERROR_ON_LIGHT, ERROR_ON_DARK = "#b00020", "#ff8a80"
AA = 4.5


def luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance."""
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio, from 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def legible(colour: QColor, text: QColor, *backgrounds: QColor) -> QColor:
    """`colour`, moved towards the full text colour just far enough to read at AA on
    every background."""
    for step in range(21):
        share = step / 20
        mixed = QColor.fromRgbF(
            colour.redF() + (text.redF() - colour.redF()) * share,
            colour.greenF() + (text.greenF() - colour.greenF()) * share,
            colour.blueF() + (text.blueF() - colour.blueF()) * share)
        if all(contrast(mixed, b) >= AA + 0.1 for b in backgrounds):
            return mixed
    return text


def apply_look(app: QApplication, ui_dir: Path) -> None:
    palette = app.palette()
    role = QPalette.ColorRole
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, role.PlaceholderText, legible(
            palette.color(group, role.PlaceholderText), palette.color(group, role.WindowText),
            palette.color(group, role.Window), palette.color(group, role.Base)))
    app.setPalette(palette)
    style = ui_dir / "style.qss"
    if not style.is_file():
        return
    sheet = style.read_text(encoding="utf-8")
    if palette.color(role.Window).lightness() < 128:
        sheet = sheet.replace(ERROR_ON_LIGHT, ERROR_ON_DARK)
    app.setStyleSheet(sheet)

"""Colours and themes: one place for the status colours every chart and table uses.

Status colours follow the Okabe–Ito palette, readable with the common colour-vision deficiencies
and on light and dark backgrounds. Themes: "system" (Qt's own), "light", "dark".
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

#: The events after which a widget painted in the theme's colours repaints (or re-styles).
PALETTE_EVENTS = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange,
                  QEvent.Type.StyleChange)

#: open / partial / closed / unknown, and the MOF's own states mapped onto them.
STATUS_COLORS: dict[str, str] = {
    "open": "#009E73",
    "partial": "#E69F00",
    "closed": "#D55E00",
    "unknown": "#999999",
}
STATUS_LABELS: dict[str, str] = {
    "open": "Open",
    "partial": "Partial",
    "closed": "Closed",
    "unknown": "Unknown",
}
#: MOF component states → the four statuses.
MOF_STATE_STATUS: dict[str, str] = {
    "included": "open",
    "open-with-warning": "partial",
    "invalid": "closed",
    "unlicensed": "closed",
    "missing": "closed",
}
#: A qualitative palette for series (families, releases) in line and bar charts. It leaves
#: out the status colours, so a release's bar is never read as "open" or "closed".
SERIES_COLORS: tuple[str, ...] = (
    "#0072B2", "#CC79A7", "#56B4E9", "#332288", "#882255", "#DDCC77", "#88CCEE", "#AA4499",
)

THEMES = ("system", "light", "dark")


@dataclass(frozen=True)
class ChartColors:
    background: str
    foreground: str
    grid: str


LIGHT_CHART = ChartColors(background="#ffffff", foreground="#202020", grid="#d0d0d0")
DARK_CHART = ChartColors(background="#1e1e1e", foreground="#e6e6e6", grid="#444444")


def status_color(status: str | None) -> QColor:
    return QColor(STATUS_COLORS.get(status or "unknown", STATUS_COLORS["unknown"]))


def series_color(index: int) -> QColor:
    return QColor(SERIES_COLORS[index % len(SERIES_COLORS)])


def is_dark(app: QApplication | None = None) -> bool:
    """Whether the application's window background is dark (whatever set it)."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    if app is None:
        return False
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def chart_colors(app: QApplication | None = None) -> ChartColors:
    return DARK_CHART if is_dark(app) else LIGHT_CHART


def _dark_palette() -> QPalette:
    palette = QPalette()
    base, window, text = QColor("#1e1e1e"), QColor("#2b2b2b"), QColor("#e6e6e6")
    disabled = QColor("#7f7f7f")
    for role, color in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.AlternateBase, QColor("#262626")),
        (QPalette.ColorRole.ToolTipBase, QColor("#333333")),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Button, window),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.BrightText, QColor("#ff6b6b")),
        (QPalette.ColorRole.Link, QColor("#6cb4ff")),
        (QPalette.ColorRole.LinkVisited, QColor("#b39ddb")),
        (QPalette.ColorRole.Highlight, QColor("#2f65ca")),
        (QPalette.ColorRole.HighlightedText, QColor("#ffffff")),
        (QPalette.ColorRole.PlaceholderText, disabled),
    ):
        palette.setColor(role, color)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def _light_palette() -> QPalette:
    style = QStyleFactory.create("Fusion")
    return style.standardPalette() if style else QPalette()


def apply_theme(app: QApplication, theme: str) -> None:
    """Apply "system", "light" or "dark" to the whole application (charts follow on redraw)."""
    if theme not in THEMES:
        theme = "system"
    if theme == "system":
        app.setPalette(QPalette())
        return
    app.setStyle("Fusion")  # the platform styles ignore custom palettes in places
    app.setPalette(_dark_palette() if theme == "dark" else _light_palette())

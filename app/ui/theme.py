"""Status colours and icons that stay readable in light and dark colour schemes.

Every place that shows a row status (table, filter buttons, legend, status bar, bit strip)
takes its colour and icon from here, so the five states look the same everywhere. Icons are
drawn with QPainter paths rather than font glyphs: they render identically on every platform
(offscreen and Xvfb included) and recolour with the scheme.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True)
class StatusStyle:
    key: str  # a diff Status value, or "tolerated" (a verdict annotation)
    label: str
    meaning: str  # one line for the legend and tooltips
    accent: str  # icon fill; saturated enough for both schemes
    light_bg: str  # row tint on a light base
    dark_bg: str  # row tint on a dark base


STYLES: dict[str, StatusStyle] = {s.key: s for s in (
    StatusStyle("unexpected", "Unexpected",
                "only in the incoming stream: the destination rejects the migration",
                "#d32f2f", "#fbdada", "#4d2326"),
    StatusStyle("missing", "Missing",
                "only on the destination: QEMU keeps the local value and goes on",
                "#1e78d0", "#dcebfb", "#232f3d"),
    StatusStyle("value-mismatch", "Value mismatch",
                "on both ends with different values (fatal for ID registers)",
                "#e07000", "#fde7cf", "#4a3219"),
    StatusStyle("present", "Present",
                "on both ends, but a side carries no value (register list or log)",
                "#7a7a7a", "#ececec", "#3a3a3a"),
    StatusStyle("tolerated", "Tolerated",
                "a difference that a tolerance rule accepts",
                "#00897b", "#d5f2ee", "#1b3a37"),
    StatusStyle("match", "Match",
                "on both ends with the same value",
                "#3f9a45", "", ""),
)}

# Severity order: sorting the status column puts what breaks a migration first.
SEVERITY = {key: i for i, key in enumerate(STYLES)}


_forced: str | None = None  # "dark"/"light" when asked for explicitly (CPREG_COLOR_SCHEME)


def is_dark() -> bool:
    """Follow the system scheme (QStyleHints.colorScheme); fall back to the palette when the
    platform does not say (Unknown under offscreen/Xvfb or on older desktops)."""
    if _forced is not None:
        return _forced == "dark"
    app = QGuiApplication.instance()
    if app is None:
        return False
    scheme = QGuiApplication.styleHints().colorScheme()
    if scheme != Qt.ColorScheme.Unknown:
        return scheme == Qt.ColorScheme.Dark
    return QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128


def force_scheme(scheme: str) -> None:
    """Use ``scheme`` ("dark"/"light") whatever the system says."""
    global _forced
    _forced = scheme
    hints = QGuiApplication.styleHints()
    hints.setColorScheme(Qt.ColorScheme.Dark if scheme == "dark" else Qt.ColorScheme.Light)
    sync_palette()


def sync_palette() -> None:
    """Make the palette agree with the scheme. Platform themes that know dark mode switch the
    palette themselves; where they do not (plain X11, Xvfb), setColorScheme() is a no-op and
    Fusion would stay light, so install a dark palette by hand (and drop it again)."""
    pal_dark = QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128
    if is_dark() and not pal_dark:
        QApplication.setPalette(_dark_palette())
    elif not is_dark() and pal_dark and _forced is not None:
        QApplication.setPalette(QApplication.style().standardPalette())


def _dark_palette() -> QPalette:
    pal = QPalette()
    R = QPalette.ColorRole
    for role, color in ((R.Window, "#2b2d30"), (R.WindowText, "#e6e6e6"), (R.Base, "#1f2023"),
                        (R.AlternateBase, "#26282b"), (R.Text, "#e6e6e6"),
                        (R.Button, "#35373b"), (R.ButtonText, "#e6e6e6"),
                        (R.ToolTipBase, "#3c3f44"), (R.ToolTipText, "#f0f0f0"),
                        (R.PlaceholderText, "#8c8f94"), (R.Highlight, "#2f65ca"),
                        (R.HighlightedText, "#ffffff"), (R.Link, "#6aa7ff"),
                        (R.Light, "#4a4d52"), (R.Midlight, "#3e4146"), (R.Mid, "#45484d"),
                        (R.Dark, "#18191b"), (R.Shadow, "#0c0c0d"), (R.BrightText, "#ff6b6b")):
        pal.setColor(role, QColor(color))
    for role in (R.Text, R.WindowText, R.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7d8085"))
    return pal


def row_background(key: str) -> QColor | None:
    style = STYLES.get(key)
    tint = (style.dark_bg if is_dark() else style.light_bg) if style else ""
    return QColor(tint) if tint else None


def css_background(key: str) -> str:
    """The row tint of ``key`` for a style sheet ("transparent" when it has none); read it
    each time a sheet is set: it follows the colour scheme."""
    tint = row_background(key)
    return tint.name() if tint is not None else "transparent"


def accent(key: str) -> QColor:
    return QColor(STYLES[key].accent)


_ICONS: dict[tuple[str, int], QIcon] = {}


def status_icon(key: str, size: int = 16) -> QIcon:
    """A round badge with a drawn glyph: ! unexpected, − missing, ≠ mismatch, ? present,
    ✓ tolerated, = match. White on the accent colour reads on light and dark bases alike,
    so one icon serves both schemes."""
    cache_key = (key, size)
    icon = _ICONS.get(cache_key)
    if icon is None:
        icon = QIcon()
        for scale in (1, 2):  # a 2x pixmap keeps the badge crisp on HiDPI screens
            icon.addPixmap(_badge(key, size, scale))
        _ICONS[cache_key] = icon
    return icon


def _badge(key: str, size: int, scale: int) -> QPixmap:
    pix = QPixmap(size * scale, size * scale)
    pix.setDevicePixelRatio(scale)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = float(size)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(accent(key))
    p.drawEllipse(QRectF(0.5, 0.5, s - 1, s - 1))
    pen = QPen(QColor("white"), max(1.6, s / 9), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
               Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(_glyph(key, s))
    p.end()
    return pix


def _glyph(key: str, s: float) -> QPainterPath:
    path = QPainterPath()
    lo, hi, mid = s * 0.3, s * 0.7, s / 2

    def line(x1, y1, x2, y2):
        path.moveTo(QPointF(x1, y1))
        path.lineTo(QPointF(x2, y2))

    if key == "unexpected":
        line(mid, s * 0.25, mid, s * 0.58)
        line(mid, s * 0.74, mid, s * 0.76)
    elif key == "missing":
        line(lo, mid, hi, mid)
    elif key in ("value-mismatch", "match"):
        line(lo, s * 0.4, hi, s * 0.4)
        line(lo, s * 0.6, hi, s * 0.6)
        if key == "value-mismatch":
            line(s * 0.6, s * 0.25, s * 0.4, s * 0.75)
    elif key == "tolerated":
        path.moveTo(QPointF(s * 0.28, s * 0.52))
        path.lineTo(QPointF(s * 0.44, s * 0.68))
        path.lineTo(QPointF(s * 0.72, s * 0.34))
    else:  # present: a hollow dot, "value unknown"
        path.addEllipse(QPointF(mid, mid), s * 0.15, s * 0.15)
    return path

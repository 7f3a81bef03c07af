"""The application icon, read from resources/icons through app.assets (checkout or wheel)."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from app import assets

APP_ICON = "icons/cpreg-explorer.svg"


@lru_cache(maxsize=1)
def app_icon() -> QIcon:
    renderer = QSvgRenderer(QByteArray(assets.read_bytes(APP_ICON)))
    if not renderer.isValid():
        raise RuntimeError(f"cannot render {APP_ICON}: not a valid SVG")
    icon = QIcon()
    # Render each size from the vector source: one scaled bitmap would blur at 256 px.
    for size in (16, 24, 32, 48, 64, 128, 256):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter)
        painter.end()
        icon.addPixmap(pixmap)
    return icon

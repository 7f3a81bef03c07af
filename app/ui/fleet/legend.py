"""The heat map's legend: per category a colour swatch with its glyph, label and cell count.

The counts are group pairs (cells), counted from the fleet's categories, never from the
picture.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from app.model.wording import plural
from app.ui.fleet import cells
from app.ui.plain_text import plain_label

SWATCH = 18


def swatch(cat: cells.Category, palette: QPalette, size: int = SWATCH) -> QPixmap:
    """A square in the category's colour with its glyph, as in the heat map's cells."""
    pix = QPixmap(size, size)
    pix.fill(cells.colour(cat))
    painter = QPainter(pix)
    painter.setPen(palette.color(QPalette.ColorRole.Mid))  # the pale diagonal needs an edge
    painter.drawRect(0, 0, size - 1, size - 1)
    painter.setPen(cells.glyph_colour(cat, palette))
    painter.drawText(pix.rect(), Qt.AlignmentFlag.AlignCenter, cells.GLYPHS[cat])
    painter.end()
    return pix


class FleetLegend(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        self.icons: dict[cells.Category, QLabel] = {}
        self.labels: dict[cells.Category, QLabel] = {}
        for n, cat in enumerate(cells.Category):
            icon = QLabel()
            label = plain_label(cells.LABELS[cat])
            label.setToolTip(cells.MEANINGS[cat])
            self.icons[cat], self.labels[cat] = icon, label
            grid.addWidget(icon, n // 2, (n % 2) * 2)
            grid.addWidget(label, n // 2, (n % 2) * 2 + 1)
        for col in (1, 3):
            grid.setColumnStretch(col, 1)
        self.refresh()

    def set_counts(self, counts: dict[cells.Category, int]) -> None:
        for cat, label in self.labels.items():
            n = counts.get(cat, 0)
            label.setText(f"{cells.LABELS[cat]}: {plural(n, 'group pair')}")

    def refresh(self) -> None:
        """Redraw the swatches (the colour scheme changed)."""
        for cat, icon in self.icons.items():
            icon.setPixmap(swatch(cat, self.palette()))

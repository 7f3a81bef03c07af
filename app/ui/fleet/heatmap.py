"""The group matrix as a pyqtgraph heat map: source groups down, destination groups across.

One ImageItem holds the categories (cells.py) through an RGBA lookup, redone when the palette
changes; a rectangle marks the current cell. Hovering sets the tooltip (members, verdict, first
failure); a click, or Enter on the current cell, emits ``cellActivated``; the arrow keys move
the current cell. Cells carry a glyph too (✓ ? + ✗ =) while there are few enough to read it, so
the categories never depend on colour alone. Imports pyqtgraph: only the fleet window does.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import QGraphicsRectItem

from app.model.fleet import Fleet
from app.ui.fleet import cells
from app.ui.overview.plot_style import apply_palette
from app.ui.plain_text import tip

GLYPH_LIMIT = 24  # groups up to which each cell shows its glyph
LABEL_LIMIT = 30  # groups up to which every one is named on the axes
_MOVES = {Qt.Key.Key_Up: (-1, 0), Qt.Key.Key_Down: (1, 0), Qt.Key.Key_Left: (0, -1),
          Qt.Key.Key_Right: (0, 1)}


class FleetHeatMap(pg.PlotWidget):
    cellActivated = Signal(int, int)  # row (source group index), column (destination)
    currentChanged = Signal(int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.fleet: Fleet | None = None
        self.codes = np.zeros((0, 0), dtype=np.uint8)
        self.current: tuple[int, int] | None = None
        self._hovered: tuple[int, int] | None = None  # the cell the tooltip is for
        self.image = pg.ImageItem()
        self.addItem(self.image)
        self.marker = QGraphicsRectItem(QRectF(0, 0, 1, 1))
        self.marker.setZValue(10)
        self.marker.setVisible(False)
        self.addItem(self.marker)
        self.glyphs: list[pg.TextItem] = []
        self.setMenuEnabled(False)
        self.hideButtons()
        vb = self.getViewBox()
        vb.invertY(True)  # the first source group on top, like a table
        vb.setMouseEnabled(x=False, y=False)
        vb.setAspectLocked(True)
        self.setLabel("left", "source (incoming)")
        self.setLabel("bottom", "destination (local)")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # arrows and Enter reach keyPressEvent
        self.setAccessibleName("Fleet matrix: source groups by destination groups")
        self.scene().sigMouseMoved.connect(self._moved)
        self.scene().sigMouseClicked.connect(self._clicked)
        self._built = True
        self.restyle()

    # -- data ---------------------------------------------------------------------------------
    def set_fleet(self, fleet: Fleet) -> None:
        self.fleet, self._hovered = fleet, None
        self.codes = cells.categories(fleet)
        k = len(fleet.groups)
        # Every group gets a tick; beyond LABEL_LIMIT groups only every step-th a label, so
        # the names never overlap (the hover text names any cell's groups).
        step = max(1, math.ceil(k / LABEL_LIMIT))
        ticks = [[(n + 0.5, cells.group_label(fleet, g.group))
                  for n, g in enumerate(fleet.groups) if n % step == 0],
                 [(n + 0.5, "") for n in range(k) if n % step]]
        for axis in ("left", "bottom"):
            self.getAxis(axis).setTicks(ticks)
        self._paint()
        # The whole matrix, always: the view neither pans nor zooms (see __init__), and the
        # locked aspect widens whichever side is longer instead of clipping cells.
        self.getViewBox().setRange(xRange=(0, max(k, 1)), yRange=(0, max(k, 1)), padding=0)
        if k:
            self.set_current(0, 0)
        else:
            self.current = None
            self.marker.setVisible(False)

    def _paint(self) -> None:
        for item in self.glyphs:
            self.removeItem(item)
        self.glyphs = []
        if not self.codes.size:
            self.image.clear()
            return
        lut = np.zeros((len(cells.Category), 4), dtype=np.ubyte)
        for cat in cells.Category:
            c = cells.colour(cat)
            lut[cat] = (c.red(), c.green(), c.blue(), 255)
        # ImageItem indexes images [x, y] (column-major): transpose the (row, column) codes.
        self.image.setImage(lut[self.codes].transpose(1, 0, 2), autoLevels=False,
                            levels=(0, 255))
        k, palette = len(self.codes), self.palette()
        if k <= GLYPH_LIMIT:
            for (i, j), code in np.ndenumerate(self.codes):
                cat = cells.Category(int(code))
                text = pg.TextItem(cells.GLYPHS[cat], color=cells.glyph_colour(cat, palette),
                                   anchor=(0.5, 0.5))
                text.setPos(j + 0.5, i + 0.5)
                self.addItem(text)
                self.glyphs.append(text)

    def restyle(self) -> None:
        pal = apply_palette(self)
        self.marker.setPen(pg.mkPen(pal.color(QPalette.ColorRole.Text), width=3,
                                    cosmetic=True))
        self._paint()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        # PlotWidget's constructor changes the palette before our items exist.
        if event.type() == QEvent.Type.PaletteChange and getattr(self, "_built", False):
            self.restyle()

    # -- current cell, keyboard -------------------------------------------------------------------
    def set_current(self, row: int, col: int) -> None:
        k = len(self.codes)
        if not k:
            return
        row, col = min(max(row, 0), k - 1), min(max(col, 0), k - 1)
        self.current = (row, col)
        self.marker.setRect(QRectF(col, row, 1, 1))
        self.marker.setVisible(True)
        self.currentChanged.emit(row, col)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in _MOVES and self.current is not None:
            dr, dc = _MOVES[Qt.Key(key)]
            self.set_current(self.current[0] + dr, self.current[1] + dc)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current is not None:
            self.cellActivated.emit(*self.current)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # -- mouse --------------------------------------------------------------------------------
    def cell_at(self, scene_pos: QPointF) -> tuple[int, int] | None:
        """(row, column) under a scene position, None off the cells."""
        vb = self.getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = vb.mapSceneToView(scene_pos)
        row, col = math.floor(p.y()), math.floor(p.x())
        k = len(self.codes)
        return (row, col) if 0 <= row < k and 0 <= col < k else None

    def scene_pos_of(self, row: int, col: int) -> QPointF:
        """The scene position of a cell's centre (tests click and hover through it)."""
        return self.getViewBox().mapViewToScene(QPointF(col + 0.5, row + 0.5))

    def hover_text(self, row: int, col: int) -> str:
        return cells.hover_text(self.fleet, row, col) if self.fleet is not None else ""

    def _moved(self, scene_pos) -> None:
        cell = self.cell_at(scene_pos)
        if cell == self._hovered:
            return  # the text is the cell's: not worded again on every pixel of it
        self._hovered = cell
        text = self.hover_text(*cell) if cell else ""
        self.setToolTip(tip(text) if text else "")  # Qt shows it after its usual delay

    def _clicked(self, event) -> None:
        cell = self.cell_at(event.scenePos())
        if cell is None:
            return
        self.set_current(*cell)
        self.cellActivated.emit(*cell)

"""The bit-difference map: one row per value-mismatch register, 64 columns (bit 63 … 0).

The matrix and what each cell means come from app.model.compare.bitmap; this plot only colours the
codes (an RGBA lookup, redone when the palette changes), labels rows and reports the cell under
the mouse. Every update goes through ``ImageItem.setImage`` and ``setData`` on the existing
items: nothing is re-created, so zoom and the rest of the scene stay put. Imports pyqtgraph,
so only the overview dock imports this module, and only when it is first shown.

Rows keep a readable height (ROW_PX, a label line) however many there are: the plot shows as
many as its height holds and ``scrollbar`` (placed by the panel) or the wheel scrolls through
the rest — 2,560 rows of a 256-vCPU pair are never squeezed into a hundred pixels.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QScrollBar

from app.model.compare import bitmap
from app.model.compare.bitmap import BitMap
from app.model.compare.diff import DiffRow
from app.model.registers.fields import Field
from app.ui import theme
from app.ui.overview.plot_style import apply_palette


def bit_ticks(every: int) -> list[list[tuple[float, str]]]:
    """Labels under every ``every``-th bit (and bit 63); column c is bit 63 - c and spans x
    in [c, c + 1). Unlabelled minor ticks on the nibbles."""
    bits = [63, *range(64 - every, -1, -every)]
    return [[(63 - b + 0.5, str(b)) for b in bits], [(63 - b + 0.5, "") for b in range(0, 64, 4)]]


def cell_colours(palette: QPalette) -> dict[int, QColor]:
    """Colours per code. "Only in the source" borrows the unexpected red and "only in the
    destination" the missing blue, the same sides those statuses stand for; both read on a
    light and a dark base."""
    base = palette.color(QPalette.ColorRole.Base)
    dark = base.lightness() < 128
    return {bitmap.BOTH_CLEAR: base,
            bitmap.BOTH_SET: QColor("#63676e" if dark else "#a9aeb6"),
            bitmap.SRC_ONLY: theme.accent("unexpected"),
            bitmap.DST_ONLY: theme.accent("missing"),
            bitmap.OUTSIDE: QColor("#3a3c41" if dark else "#e2e2e2")}


class RowAxis(pg.AxisItem):
    """Register names on the rows, thinned to every k-th row when they would overlap."""

    def __init__(self):
        super().__init__("left")
        self.labels: list[str] = []

    def tickValues(self, minVal, maxVal, size):
        if not self.labels or size <= 0:
            return []
        lo, hi = sorted((minVal, maxVal))  # an inverted view box passes them high, low
        line = QFontMetrics(self.style.get("tickFont") or QFont()).height() + 2
        step = max(1, math.ceil((hi - lo) * line / size))
        first = max(0, math.floor(lo))
        last = min(len(self.labels) - 1, math.ceil(hi))
        return [(step, [i + 0.5 for i in range(first - first % step, last + 1, step)
                        if i >= first])]

    def tickStrings(self, values, scale, spacing):
        n = len(self.labels)
        return [self.labels[int(v)] if 0 <= int(v) < n else "" for v in values]


class BitMapPlot(pg.PlotWidget):
    cellHovered = Signal(str)  # the hover text ("" off the cells)
    cellClicked = Signal(object, str)  # DiffRow, field name ("" when no field holds the bit)

    def __init__(self, parent=None):
        self.rows_axis = RowAxis()
        super().__init__(parent, axisItems={"left": self.rows_axis})
        self.bitmap = bitmap.build(())
        self.names: list[str] = []
        self.fields: list[tuple[Field, ...]] = []
        self.image = pg.ImageItem()
        self.grid = pg.PlotCurveItem(connect="pairs")  # byte boundaries and row separators
        self.empty = pg.TextItem("No value mismatch among the rows shown", anchor=(0.5, 0.5))
        self.empty.setPos(32, 0.5)
        for item in (self.image, self.grid, self.empty):
            self.addItem(item)
        self.setMenuEnabled(False)
        self.hideButtons()
        vb = self.getViewBox()
        vb.invertY(True)  # row 0 on top, like the table
        # 64 columns always fit; rows scroll (scroll bar, wheel) at a fixed height: no zoom.
        vb.setMouseEnabled(x=False, y=False)
        self.scrollbar = QScrollBar(Qt.Orientation.Vertical)
        self.scrollbar.valueChanged.connect(self._show_rows)
        self._relayout = QTimer(self)  # a resize re-fits rows and ticks once laid out
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(0)
        self._relayout.timeout.connect(self._after_resize)
        # The view box's own resize (the axis labels' width changes it too, after the widget's
        # resize event): what the rows and ticks must follow.
        self.getViewBox().sigResized.connect(lambda *_a: self._relayout.start())
        self.bit_every = 8  # a label every byte, fewer when the columns are narrow
        self.getAxis("bottom").setTicks(bit_ticks(self.bit_every))
        self.getAxis("bottom").setStyle(hideOverlappingLabels=12)  # keep "63" and "0"
        self.getAxis("bottom").setLabel("bit")
        self.scene().sigMouseMoved.connect(self._moved)
        self.scene().sigMouseClicked.connect(self._clicked)
        self.restyle()
        self._built = True

    # -- data -------------------------------------------------------------------------------
    def set_bitmap(self, bm: BitMap, labels: list[str], names: list[str],
                   fields: list[tuple[Field, ...]]) -> None:
        """The matrix with, per row, its axis label, register name and bitfields."""
        self.bitmap, self.names, self.fields = bm, names, fields
        self.rows_axis.labels = list(labels)
        width = max((QFontMetrics(self.font()).horizontalAdvance(t) for t in labels),
                    default=40)
        self.rows_axis.setWidth(min(260, width + 14))
        n = len(bm)
        self.empty.setVisible(n == 0)
        self._paint_cells()
        xs = [x for b in range(8, 64, 8) for x in (b, b)]
        ys = [y for _ in range(8, 64, 8) for y in (0, max(n, 1))]
        for r in range(1, n):
            xs += [0, 64]
            ys += [r, r]
        self.grid.setData(np.array(xs, float), np.array(ys, float))
        vb = self.getViewBox()
        vb.setLimits(xMin=0, xMax=64, yMin=0, yMax=max(n, 1))
        self._show_rows(0)
        self._relayout.start()  # the row labels' new width narrows the cells: fit again
        self.rows_axis.picture = None  # AxisItem caches its drawing: new labels, same range
        self.rows_axis.update()

    # -- rows in view -------------------------------------------------------------------------
    def row_px(self) -> int:
        """The height of one row: a label line, so every row keeps its name."""
        return QFontMetrics(self.rows_axis.style.get("tickFont") or QFont()).height() + 2

    def rows_in_view(self) -> int:
        height = self.getViewBox().height()
        if height <= 1:  # before the first layout
            height = max(self.height() - 40, self.row_px())
        return max(1, int(height // self.row_px()))

    def first_row(self) -> int:
        return self.scrollbar.value()

    def _show_rows(self, first: int) -> None:
        """Show rows ``first`` … as many as fit, and set the scroll bar to match."""
        n, fit = len(self.bitmap), self.rows_in_view()
        last_first = max(0, n - fit)
        first = min(max(first, 0), last_first)
        sb = self.scrollbar
        sb.blockSignals(True)
        sb.setRange(0, last_first)
        sb.setPageStep(fit)
        sb.setValue(first)
        sb.blockSignals(False)
        sb.setVisible(n > fit)
        self.getViewBox().setRange(xRange=(0, 64), yRange=(first, first + max(min(fit, n), 1)),
                                   padding=0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if getattr(self, "_built", False):
            # After the plot's own layout has placed the view box (not yet done here).
            self._relayout.start()

    def _after_resize(self) -> None:
        """Another size: another number of rows in view, maybe sparser bit labels."""
        self._show_rows(self.first_row())
        self._fit_ticks()

    def _fit_ticks(self) -> None:
        """A bit label every byte when the columns are wide enough, else every 16 or 32."""
        column = self.getViewBox().width() / 64
        label = QFontMetrics(self.font()).horizontalAdvance("63") + 6
        # "63" and the next label are every - 1 columns apart
        every = next((e for e in (8, 16, 32) if (e - 1) * column >= label), 64)
        if every != self.bit_every:
            self.bit_every = every
            self.getAxis("bottom").setTicks(bit_ticks(every))

    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() / 120
        self.scrollbar.setValue(self.first_row() - round(3 * steps))
        event.accept()

    def _paint_cells(self) -> None:
        if not len(self.bitmap):
            self.image.clear()
            return
        colours = cell_colours(self.palette())
        lut = np.zeros((max(colours) + 1, 4), dtype=np.ubyte)
        for code, c in colours.items():
            lut[code] = (c.red(), c.green(), c.blue(), 255)
        # ImageItem indexes images [x, y] (column-major): transpose the (row, column) codes.
        self.image.setImage(lut[self.bitmap.codes].transpose(1, 0, 2), autoLevels=False,
                            levels=(0, 255))

    def restyle(self) -> None:
        """Follow the palette: background, axis text, grid and cell colours."""
        pal = apply_palette(self)
        grid = QColor(pal.color(QPalette.ColorRole.Mid))
        self.grid.setPen(pg.mkPen(grid, width=1))
        self.empty.setColor(pal.color(QPalette.ColorRole.PlaceholderText))
        self._paint_cells()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        # PlotWidget's constructor changes the palette role before our items exist.
        if event.type() == QEvent.Type.PaletteChange and getattr(self, "_built", False):
            self.restyle()

    # -- mouse --------------------------------------------------------------------------------
    def cell_at(self, scene_pos: QPointF) -> tuple[int, int] | None:
        """(row, bit) under a scene position, None off the cells."""
        vb = self.getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = vb.mapSceneToView(scene_pos)
        row, col = math.floor(p.y()), math.floor(p.x())
        if 0 <= row < len(self.bitmap) and 0 <= col < 64:
            return row, 63 - col
        return None

    def scene_pos_of(self, row: int, bit: int) -> QPointF:
        """The scene position of a cell's centre (tests click and hover through it)."""
        return self.getViewBox().mapViewToScene(QPointF(63 - bit + 0.5, row + 0.5))

    def hover_text(self, row: int, bit: int) -> str:
        return bitmap.describe(self.bitmap, row, bit, self.names[row], self.fields[row])

    def _moved(self, scene_pos) -> None:
        cell = self.cell_at(scene_pos)
        text = self.hover_text(*cell) if cell else ""
        self.setToolTip(text)  # shown by Qt's normal tooltip delay while the mouse rests
        self.cellHovered.emit(text)

    def _clicked(self, event) -> None:
        cell = self.cell_at(event.scenePos())
        if cell is None:
            return
        row, bit = cell
        f = bitmap.field_at(self.fields[row], bit)
        self.cellClicked.emit(self.bitmap.rows[row], f.name if f else "")


def row_label(rec: DiffRow, name: str, several_vcpus: bool, tolerated: bool) -> str:
    mark = "✓ " if tolerated else ""
    return f"{mark}{name} · v{rec.vcpu}" if several_vcpus else f"{mark}{name}"

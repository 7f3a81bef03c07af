"""The overview panel: the bit-difference map beside the per-vCPU anomaly bars.

It turns the rows the window shows into plot input — the matrix from
app.model.compare.bitmap, names and bitfields from app.model.registers.regdb, counts from
bitmap.vcpu_counts — and lays out the two plots with a legend that says exactly what each
colour means. Importing this module imports pyqtgraph (about half a second), which is why
only OverviewDock imports it, on first show.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSplitter, QVBoxLayout, QWidget

from app.model.compare import bitmap
from app.model.compare.diff import DiffRow
from app.model.registers import regdb
from app.ui.overview.bitmap_plot import BitMapPlot, cell_colours, row_label
from app.ui.overview.counts_plot import CountsPlot
from app.ui.plain_text import plain_label

LEGEND_ORDER = (bitmap.SRC_ONLY, bitmap.DST_ONLY, bitmap.BOTH_SET, bitmap.BOTH_CLEAR,
                bitmap.OUTSIDE)


def _column(title: str, *widgets: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(4, 2, 4, 2)
    layout.setSpacing(2)
    heading = QLabel(f"<b>{title}</b>")
    heading.setWordWrap(True)  # a narrow dock: the title wraps instead of widening it
    layout.addWidget(heading)
    for w in widgets:
        layout.addWidget(w, 1 if not isinstance(w, QLabel) else 0)
    return box


class OverviewPanel(QWidget):
    cellClicked = Signal(object, str)  # DiffRow, field name: forwarded from the map

    def __init__(self, parent=None):
        super().__init__(parent)
        self.bits = BitMapPlot()
        self.counts = CountsPlot()
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.hover = plain_label(" ")
        self.hover.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A long hover text must not widen the column: that would move the cells under the
        # mouse while it moves.
        self.hover.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.bits.cellHovered.connect(lambda text: self.hover.setText(text or " "))
        self.bits.cellClicked.connect(self.cellClicked)
        split = QSplitter(Qt.Orientation.Horizontal)
        map_row = QWidget()  # the map with its scroll bar on the right
        row_layout = QHBoxLayout(map_row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.setSpacing(0)
        row_layout.addWidget(self.bits, 1)
        row_layout.addWidget(self.bits.scrollbar)
        split.addWidget(_column("Bit differences of the value mismatches shown", map_row,
                                self.legend, self.hover))
        split.addWidget(_column("Anomalies per vCPU (all rows)", self.counts,
                                self.counts.key))
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self._fill_legend()

    def show_rows(self, rows: list[DiffRow], tolerated: list[bool],
                  statuses: list[tuple[int, str]], accel: str, annotated: bool,
                  cpu_model: tuple[str, ...] = ()) -> None:
        """``rows`` (with their tolerated flags) are the rows shown, in table order: their
        value mismatches make the map. ``statuses`` is (vcpu, status key) of every row: the
        bars. ``annotated``: rules exist, so "tolerated" gets a bar. ``cpu_model``: the pair's
        QEMU CPU model(s), for register names."""
        bm = bitmap.build(rows, lambda rid: regdb.lookup(rid, accel).encoding.size_bits)
        accepted = {(r.vcpu, r.id) for r, t in zip(rows, tolerated, strict=True) if t}
        several = len({r.vcpu for r in bm.rows}) > 1
        infos = [regdb.lookup(r.id, accel, cpu_model) for r in bm.rows]
        labels = [row_label(r, i.name, several, (r.vcpu, r.id) in accepted)
                  for r, i in zip(bm.rows, infos, strict=True)]
        self.bits.set_bitmap(bm, labels, [i.name for i in infos], [i.fields for i in infos])
        self.hover.setText(" ")
        vcpus, counts = bitmap.vcpu_counts(statuses)
        self.counts.set_counts(vcpus, counts, annotated)

    def _fill_legend(self) -> None:
        colours = cell_colours(self.palette())
        # Inline swatches, not a table: the text wraps to the dock's width (a table would
        # set the dock's minimum width).
        frame = self.palette().color(QPalette.ColorRole.Mid).name()  # shows the base swatch
        cells = [f'<span style="background-color:{frame}; color:{colours[c].name()}">■</span>'
                 f"&nbsp;{bitmap.MEANING[c]}" for c in LEGEND_ORDER]
        self.legend.setText("&nbsp;&nbsp; ".join(cells) + "<br><i>Colours compare the two "
                            "values bit by bit; no reset value is assumed. ✓ marks a row a "
                            "rule tolerates.</i>")

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # the colour scheme switched
            self._fill_legend()

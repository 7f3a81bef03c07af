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
from PySide6.QtWidgets import QLabel, QSizePolicy, QSplitter, QVBoxLayout, QWidget

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
        split.addWidget(_column("Bit differences of the value mismatches shown", self.bits,
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
        border = self.palette().color(QPalette.ColorRole.Mid).name()
        cells = [f'<td style="background:{colours[c].name()}; border:1px solid {border}">'
                 f'&nbsp;&nbsp;&nbsp;&nbsp;</td><td>&nbsp;{bitmap.MEANING[c]}&nbsp;&nbsp;</td>'
                 for c in LEGEND_ORDER]
        rows = "".join(f"<tr>{''.join(cells[i:i + 2])}</tr>" for i in range(0, len(cells), 2))
        self.legend.setText(f"<table cellspacing=2>{rows}</table><i>Colours compare the two "
                            "values bit by bit; no reset value is assumed. ✓ marks a row a "
                            "rule tolerates.</i>")

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # the colour scheme switched
            self._fill_legend()

"""Per-vCPU anomaly counts: grouped bars by status (unexpected, missing, value mismatch, and
tolerated once rules annotate rows), in the status colours the table uses.

One BarGraphItem per status lives for the plot's lifetime; updates call ``setOpts`` on it, so
nothing is re-created. The counts come from app.model.compare.bitmap.vcpu_counts. Imports pyqtgraph:
only the overview dock imports this module, on first show.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel

from app.model.compare.bitmap import ANOMALIES
from app.ui import theme
from app.ui.overview.plot_style import apply_palette

GROUP_WIDTH = 0.8  # of one vCPU slot; the statuses shown share it


class CountsPlot(pg.PlotWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMenuEnabled(False)
        self.hideButtons()
        self.getViewBox().setMouseEnabled(x=False, y=False)
        self.getAxis("left").setLabel("rows")
        # The key is a QLabel under the plot (the panel places it): a LegendItem would sit
        # over the bars of a narrow plot.
        self.key = QLabel()
        self.key.setWordWrap(True)
        self.bars = {key: pg.BarGraphItem(x=np.zeros(0), height=np.zeros(0), width=0.1,
                                          brush=theme.accent(key), pen=None)
                     for key in ANOMALIES}
        for bar in self.bars.values():
            self.addItem(bar)
        self.shown: tuple[str, ...] = ()
        self.vcpus: list[int] = []
        self.counts: dict[str, np.ndarray] = {}
        self.scene().sigMouseMoved.connect(self._moved)
        self.restyle()
        self._built = True

    def set_counts(self, vcpus: list[int], counts: dict[str, np.ndarray],
                   tolerated: bool) -> None:
        """Bars for ``counts[key][i]`` rows of vCPU ``vcpus[i]``; "tolerated" only when
        ``tolerated`` (annotations exist): otherwise the bar would always be empty."""
        self.vcpus, self.counts = list(vcpus), counts
        shown = tuple(k for k in ANOMALIES if k != "tolerated" or tolerated)
        if shown != self.shown:
            self.shown = shown
            self._fill_key()
        slot = GROUP_WIDTH / len(shown)
        x0 = np.arange(len(vcpus), dtype=float) - GROUP_WIDTH / 2 + slot / 2
        for key, bar in self.bars.items():
            visible = key in shown
            bar.setVisible(visible)
            if visible:
                bar.setOpts(x=x0 + shown.index(key) * slot, height=counts[key], width=slot)
        self.getAxis("bottom").setTicks([[(i, f"vCPU {v}") for i, v in enumerate(vcpus)]])
        top = max((int(counts[k].max()) for k in shown if len(counts[k])), default=0)
        vb = self.getViewBox()
        vb.setRange(xRange=(-0.6, max(len(vcpus), 1) - 0.4), yRange=(0, max(top, 1) * 1.08),
                    padding=0)

    def bar_at(self, scene_pos) -> tuple[int, str] | None:
        """(vCPU, status key) of the bar slot under a scene position, None elsewhere."""
        vb = self.getViewBox()
        if not self.shown or not vb.sceneBoundingRect().contains(scene_pos):
            return None
        x = vb.mapSceneToView(scene_pos).x()
        i = round(x)
        slot = (x - i + GROUP_WIDTH / 2) / (GROUP_WIDTH / len(self.shown))
        if not 0 <= i < len(self.vcpus) or not 0 <= slot < len(self.shown):
            return None
        return self.vcpus[i], self.shown[int(slot)]

    def bar_text(self, vcpu: int, key: str) -> str:
        n = int(self.counts[key][self.vcpus.index(vcpu)])
        return f"vCPU {vcpu}: {n} {theme.STYLES[key].label.lower()} row{'s' * (n != 1)}"

    def _moved(self, scene_pos) -> None:
        bar = self.bar_at(scene_pos)
        self.setToolTip(self.bar_text(*bar) if bar else "")

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        # PlotWidget's constructor changes the palette role before our items exist.
        if event.type() == QEvent.Type.PaletteChange and getattr(self, "_built", False):
            self.restyle()

    def restyle(self) -> None:
        apply_palette(self)

    def _fill_key(self) -> None:
        self.key.setText("&nbsp;&nbsp; ".join(
            f'<span style="color:{theme.STYLES[k].accent}">■</span>&nbsp;'
            f"{theme.STYLES[k].label}" for k in self.shown))

"""Per-vCPU anomaly counts: grouped bars by status (unexpected, missing, value mismatch, and
tolerated once rules annotate rows), in the status colours the table uses.

One BarGraphItem per status lives for the plot's lifetime; updates call ``setOpts`` on it, so
nothing is re-created. The counts come from app.model.compare.bitmap.vcpu_counts. Imports pyqtgraph:
only the overview dock imports this module, on first show.

Many vCPUs (256) do not fit one bar each: when a bar would be narrower than MIN_BAR_PX, vCPUs
are grouped in runs of a power of two (the axis says how many) whose bars add up their rows,
redone on resize; the tick labels are thinned to what the axis width holds, and the tooltip
names the group's range and the rows per vCPU.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel

from app.model.compare.bitmap import ANOMALIES
from app.ui import theme
from app.ui.overview.plot_style import apply_palette

GROUP_WIDTH = 0.8  # of one vCPU slot; the statuses shown share it
MIN_BAR_PX = 3  # narrower bars are not drawn one per vCPU: vCPUs are grouped
TICK_GAP_PX = 12  # between two tick labels


def group_size(n: int, statuses: int, pixels: float) -> int:
    """vCPUs per group (a power of two, so groups start at round numbers) so that each of
    ``statuses`` bars of a group is ≥ MIN_BAR_PX wide."""
    slots = max(1, int(pixels * GROUP_WIDTH // (statuses * MIN_BAR_PX)))
    return 1 << max(0, math.ceil(n / slots) - 1).bit_length()



class CountsPlot(pg.PlotWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMenuEnabled(False)
        self.hideButtons()
        self.getViewBox().setMouseEnabled(x=False, y=False)
        self.getAxis("left").setLabel("rows")
        self.getAxis("bottom").setLabel("vCPU")  # ticks name a group's first vCPU
        self.getAxis("bottom").setStyle(hideOverlappingLabels=12)  # the last group's label
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
        self.groups: list[list[int]] = []  # the vCPUs of each bar group, left to right
        self.group = 1  # vCPUs per group
        self._relayout = QTimer(self)  # a resize re-groups once the plot is laid out
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(0)
        self._relayout.timeout.connect(self._layout_bars)
        # The view box's own resize (the axis labels' width changes it too, after the widget's
        # resize event): what the rows and ticks must follow.
        self.getViewBox().sigResized.connect(lambda *_a: self._relayout.start())
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
        self._layout_bars()

    def _pixels(self) -> float:
        """The plot area's width in px (the widget's before the first layout)."""
        width = self.getViewBox().width()
        return width if width > 1 else max(self.width() - 60, 1)

    def _layout_bars(self) -> None:
        """Group the vCPUs for the width at hand, then place the bars and thin the ticks."""
        shown, vcpus = self.shown, self.vcpus
        if not shown:  # a resize before the first counts
            return
        k = group_size(len(vcpus), len(shown), self._pixels())
        self.groups = [vcpus[i:i + k] for i in range(0, len(vcpus), k)]
        slot = GROUP_WIDTH / len(shown)
        x0 = np.arange(len(self.groups), dtype=float) - GROUP_WIDTH / 2 + slot / 2
        heights = {key: np.add.reduceat(self.counts[key], np.arange(0, len(vcpus), k))
                   if len(vcpus) else np.zeros(0) for key in shown}
        for key, bar in self.bars.items():
            visible = key in shown
            bar.setVisible(visible)
            if visible:
                bar.setOpts(x=x0 + shown.index(key) * slot, height=heights[key], width=slot)
        # Ticks name the first vCPU of a group; the axis says how many a group holds.
        labels = [str(g[0]) for g in self.groups]
        if k != self.group:  # the key (it wraps) says how many vCPUs a bar adds up
            self.group = k
            self._fill_key()
        font = self.getAxis("bottom").style.get("tickFont") or QFont()
        widest = max((QFontMetrics(font).horizontalAdvance(t) for t in labels), default=0)
        step = max(1, math.ceil(len(labels) * (widest + TICK_GAP_PX) / self._pixels()))
        self.getAxis("bottom").setTicks([[(i, labels[i]) for i in range(0, len(labels), step)]])
        top = max((int(h.max()) for h in heights.values() if len(h)), default=0)
        vb = self.getViewBox()
        vb.setRange(xRange=(-0.6, max(len(self.groups), 1) - 0.4),
                    yRange=(0, max(top, 1) * 1.08), padding=0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if getattr(self, "_built", False) and self.vcpus:
            # Another width: maybe another grouping and tick spacing. Once the plot's own
            # layout has placed the view box (after this event), so its width is current.
            self._relayout.start()

    def bar_at(self, scene_pos) -> tuple[int, str] | None:
        """(vCPU, status key) of the bar slot under a scene position, None elsewhere."""
        vb = self.getViewBox()
        if not self.shown or not vb.sceneBoundingRect().contains(scene_pos):
            return None
        x = vb.mapSceneToView(scene_pos).x()
        i = round(x)
        slot = (x - i + GROUP_WIDTH / 2) / (GROUP_WIDTH / len(self.shown))
        if not 0 <= i < len(self.groups) or not 0 <= slot < len(self.shown):
            return None
        return self.groups[i][0], self.shown[int(slot)]

    def bar_text(self, vcpu: int, key: str) -> str:
        """What the bar of ``vcpu``'s group for ``key`` counts (per vCPU when grouped)."""
        group = next((g for g in self.groups if vcpu in g), [vcpu])
        each = [int(self.counts[key][self.vcpus.index(v)]) for v in group]
        n, what = sum(each), theme.STYLES[key].label.lower()
        if len(group) == 1:
            return f"vCPU {vcpu}: {n} {what} row{'s' * (n != 1)}"
        per = f"{each[0]} each" if min(each) == max(each) else f"{min(each)}–{max(each)} per vCPU"
        return f"vCPUs {group[0]}–{group[-1]}: {n} {what} rows ({per})"

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
            f"{theme.STYLES[k].label}" for k in self.shown)
            + (f"<br>Each bar adds up {self.group} vCPUs." if self.group > 1 else ""))

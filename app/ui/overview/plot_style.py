"""Palette-following colours for the overview's pyqtgraph plots (imported with them, lazily).

pyqtgraph draws with its own pens, not the widget palette, so light/dark changes have to be
pushed into the background and both axes by hand.
"""

from __future__ import annotations

from PySide6.QtGui import QPalette


def apply_palette(plot) -> QPalette:
    """Background and axis colours of a PlotWidget from its palette; returns the palette."""
    pal = plot.palette()
    text = pal.color(QPalette.ColorRole.Text)
    plot.setBackground(pal.color(QPalette.ColorRole.Base))
    for name in ("left", "bottom"):
        plot.getAxis(name).setPen(pal.color(QPalette.ColorRole.Mid))
        plot.getAxis(name).setTextPen(text)
    return pal

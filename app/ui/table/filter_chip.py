"""One status toggle of the filter bar, drawn as a chip whose state reads at a glance.

A plain auto-raise QToolButton made a focused *unchecked* button look more "on" than a
checked one (the focus frame and hover raise outweighed the sunken checked look). A chip
here is unmistakable in both colour schemes: checked = the status tint as fill, an accent
border, bold text after a ✓; unchecked = no fill, a dashed border, muted text and a faded
icon. Keyboard focus adds only a thin outline. Colours are read at paint time from
app.ui.theme and the palette, so a scheme switch needs no restyling.

The chip mirrors a checkable QAction (the one the View → Filters menu shows): toggling
either toggles the other; the action's text (label and count) is the chip's text.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QIcon, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolButton

from app.ui import theme

CHECK = "✓ "
ICON = 16


class FilterChip(QToolButton):
    def __init__(self, key: str, action: QAction, parent=None):
        super().__init__(parent)
        self.key, self.action = key, action
        self.setCheckable(True)
        self.setChecked(action.isChecked())
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        # It paints its whole rect (the bar's background first): Qt need not repaint the
        # ancestors under it each time a count or state changes.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.toggled.connect(action.setChecked)
        action.toggled.connect(self.setChecked)
        action.changed.connect(self._sync)
        self.toggled.connect(self._sync)
        self._sync()

    def _sync(self, *_args) -> None:
        self.setText((CHECK if self.isChecked() else "") + self.action.text())
        self.setToolTip(self.action.toolTip())
        self.setAccessibleName(f"{self.action.text()}, {'shown' if self.isChecked() else 'hidden'}")
        self.updateGeometry()
        self.update()

    def _bold(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def sizeHint(self) -> QSize:
        # Sized for the bold, ticked text: the chip does not change width when toggled.
        text = CHECK + self.action.text()
        metrics = QFontMetrics(self._bold())
        return QSize(10 + ICON + 6 + metrics.horizontalAdvance(text) + 12,
                     max(metrics.height() + 12, ICON + 10))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal, on = self.palette(), self.isChecked()
        parent = self.parentWidget()
        if parent is not None:
            p.fillRect(self.rect(), parent.palette().color(parent.backgroundRole()))
        accent = theme.accent(self.key)
        box = QRectF(self.rect()).adjusted(2.5, 2.5, -2.5, -2.5)
        radius = box.height() / 2
        if on:
            fill = theme.row_background(self.key)
            if fill is None:  # match has no row tint: a light wash of its accent
                fill = QColor(accent)
                fill.setAlpha(70)
            p.setBrush(fill)
            p.setPen(QPen(accent, 1.6))
        else:
            hover = self.underMouse()
            p.setBrush(pal.color(QPalette.ColorRole.Midlight) if hover else Qt.BrushStyle.NoBrush)
            p.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 1, Qt.PenStyle.DashLine))
        p.drawRoundedRect(box, radius, radius)
        if self.hasFocus():  # focus: a thin outline only, never a fill
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(pal.color(QPalette.ColorRole.Highlight), 1))
            outer = box.adjusted(-1.5, -1.5, 1.5, 1.5)
            p.drawRoundedRect(outer, outer.height() / 2, outer.height() / 2)
        icon = theme.status_icon(self.key)
        mode = QIcon.Mode.Normal if on else QIcon.Mode.Disabled
        top = int(box.center().y() - ICON / 2)
        p.drawPixmap(int(box.left()) + 7, top, icon.pixmap(ICON, ICON, mode))
        p.setFont(self._bold() if on else self.font())
        role = QPalette.ColorRole.Text if on else QPalette.ColorRole.PlaceholderText
        p.setPen(pal.color(role))
        text_box = box.adjusted(7 + ICON + 6, 0, -6, 0)
        p.drawText(text_box, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                   self.text())
        p.end()

"""A 64-cell bit strip (bit 63 on the left, 0 on the right) comparing two register values.

Two lanes — source over destination — with every bit that differs filled in the mismatch
colour, field boundaries drawn as strong separators, field names under their bits, a tooltip
per bit naming its field, and one field that can be highlighted (from the field table, or by
clicking a bit). Bits above a 32-bit register's width are greyed out.

The cells scale with the width (down to MIN_CELL px, so the details dock can be narrowed). A
field name that does not fit its bits is abbreviated word by word (``Ctype1`` → ``Ct1``,
``TraceFilt`` → ``TrFi``), never cut to two letters and an ellipsis; when not even that fits it
is left out: the tooltip and the field table always give the full name.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Property, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from app.model.registers.fields import Field
from app.ui import theme

LABEL_W, NUM_H, LANE_H, NAME_H, MARGIN = 34, 14, 20, 16, 3
MIN_CELL = 5  # px per bit at the narrowest: the field boundaries and colours still read
MIN_ABBREVIATION = 3  # characters an abbreviated name keeps at least
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+|[^A-Za-z0-9]+")


def abbreviations(name: str) -> list[str]:
    """``name``, then ever shorter forms that cut each word to its first k letters:
    "TraceFilt", "TracFilt", "TraFil", "TrFi"; numbers and acronyms inside a longer name
    stay whole ("LoUIS" → "LUIS"); none shorter than MIN_ABBREVIATION."""
    words = _WORDS.findall(name) or [name]
    whole = [not w.isalpha() or (w.isupper() and len(words) > 1) for w in words]
    out = [name]
    for k in range(max(len(w) for w in words) - 1, 0, -1):
        short = "".join(w if keep else w[:k] for w, keep in zip(words, whole, strict=True))
        if len(short) >= MIN_ABBREVIATION and short not in out:
            out.append(short)
    return out


def fitting_label(name: str, width: float, metrics: QFontMetrics) -> str:
    """The longest of ``abbreviations(name)`` that fits ``width`` px, or "" when none does."""
    return next((a for a in abbreviations(name) if metrics.horizontalAdvance(a) <= width), "")


class BitStrip(QWidget):
    fieldClicked = Signal(str)  # the clicked bit's field name

    def __init__(self, parent=None):
        super().__init__(parent)
        self._src: int | None = None
        self._dst: int | None = None
        self._bits = 64
        self._fields: tuple[Field, ...] = ()
        self._highlight = ""
        self.setMouseTracking(False)

    def set_values(self, src: int | None, dst: int | None, fields: tuple[Field, ...] = (),
                   bits: int = 64) -> None:
        self._src, self._dst, self._fields, self._bits = src, dst, tuple(fields), bits
        self._highlight = ""
        self.update()

    def field_at_bit(self, bit: int) -> Field | None:
        return next((f for f in self._fields if f.lsb <= bit <= f.msb), None)

    def differing_bits(self) -> list[int]:
        if self._src is None or self._dst is None:
            return []
        x = self._src ^ self._dst
        return [b for b in range(64) if x >> b & 1]

    def _get_highlight(self) -> str:
        return self._highlight

    def set_highlighted_field(self, name: str) -> None:
        """Point at the field ``name`` ("" for none); also the property's setter."""
        self._highlight = name or ""
        self.update()

    # A Qt property, so tests and style sheets can read which field is highlighted. Python
    # code sets it through the method: the stubs do not type a Property as a data descriptor.
    highlightedField = Property(str, _get_highlight, set_highlighted_field)

    # -- geometry -------------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(LABEL_W + 64 * 18 + 2 * MARGIN, NUM_H + 2 * LANE_H + NAME_H + 2 * MARGIN)

    def minimumSizeHint(self) -> QSize:
        return QSize(LABEL_W + 64 * MIN_CELL + 2 * MARGIN, self.sizeHint().height())

    def _cell(self) -> float:
        return (self.width() - LABEL_W - 2 * MARGIN) / 64.0

    def _x(self, bit: int) -> float:
        return MARGIN + LABEL_W + (63 - bit) * self._cell()

    def bit_at(self, x: float) -> int | None:
        col = int((x - MARGIN - LABEL_W) // self._cell())
        return 63 - col if 0 <= col < 64 else None

    # -- painting ---------------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        pal = self.palette()
        text, cw = pal.color(QPalette.ColorRole.Text), self._cell()
        small = self._small_font()
        top = MARGIN + NUM_H
        lanes = (("src", self._src), ("dst", self._dst))
        diff = set(self.differing_bits())
        p.setFont(small)
        p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
        # Bit numbers: all when they fit, else every nibble, else every byte boundary.
        every = 1 if cw >= 16 else 4 if cw >= 7 else 8
        for bit in range(64):
            if bit % every == 0 or bit == 63:
                p.drawText(QRectF(self._x(bit), MARGIN, cw, NUM_H), Qt.AlignmentFlag.AlignCenter,
                           str(bit))
        for lane, (label, value) in enumerate(lanes):
            y = top + lane * LANE_H
            p.setPen(text)
            p.drawText(QRectF(MARGIN, y, LABEL_W - 4, LANE_H),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, label)
            for bit in range(64):
                self._paint_cell(p, QRectF(self._x(bit), y, cw, LANE_H), bit, value,
                                 bit in diff)
        self._paint_fields(p, top, small)
        p.end()

    def _small_font(self) -> QFont:
        small = QFont(self.font())
        small.setPointSizeF(max(6.0, self.font().pointSizeF() * 0.8))
        return small

    def field_labels(self) -> dict[str, str]:
        """The text drawn under each field at the current width ("" when none fits)."""
        metrics, cw = QFontMetrics(self._small_font()), self._cell()
        return {f.name: fitting_label(f.name, (f.msb - f.lsb + 1) * cw - 2, metrics)
                for f in self._fields}

    def _paint_cell(self, p: QPainter, rect: QRectF, bit: int, value, differs: bool) -> None:
        pal = self.palette()
        if bit >= self._bits or value is None:
            p.fillRect(rect, pal.color(QPalette.ColorRole.Window).darker(108))
        else:
            p.fillRect(rect, theme.accent("value-mismatch") if differs
                       else pal.color(QPalette.ColorRole.Base))
            if rect.width() >= self.fontMetrics().horizontalAdvance("0"):  # else colour only
                p.setPen(QColor("white") if differs else pal.color(QPalette.ColorRole.Text))
                p.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(value >> bit & 1))
        p.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 1))
        p.drawRect(rect)

    def _paint_fields(self, p: QPainter, top: float, small: QFont) -> None:
        pal, cw = self.palette(), self._cell()
        bottom = top + 2 * LANE_H
        labels = self.field_labels()
        for f in self._fields:
            x0, x1 = self._x(f.msb), self._x(f.lsb) + cw
            span = QRectF(x0, top, x1 - x0, bottom - top)
            if f.name == self._highlight:
                hl = QColor(pal.color(QPalette.ColorRole.Highlight))
                hl.setAlpha(45)
                p.fillRect(span, hl)
                p.setPen(QPen(pal.color(QPalette.ColorRole.Highlight), 3))
                p.drawRect(span.adjusted(1, 1, -1, -1))
            p.setPen(QPen(pal.color(QPalette.ColorRole.Text), 2))
            p.drawLine(span.topLeft(), span.bottomLeft())
            p.drawLine(span.topRight(), span.bottomRight())
            name_rect = QRectF(x0, bottom + 1, x1 - x0, NAME_H)
            p.setFont(small)
            p.setPen(pal.color(QPalette.ColorRole.PlaceholderText) if f.reserved
                     else pal.color(QPalette.ColorRole.Text))
            p.drawText(name_rect, Qt.AlignmentFlag.AlignCenter, labels[f.name])

    # -- interaction -------------------------------------------------------------------------------
    def event(self, event) -> bool:
        if event.type() == event.Type.ToolTip:  # a QHelpEvent: pos(), not position()
            bit = self.bit_at(event.pos().x())
            if bit is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self.bit_tooltip(bit), self)
            return True
        return super().event(event)

    def bit_tooltip(self, bit: int) -> str:
        f = self.field_at_bit(bit)
        where = f"{f.name} [{f.msb}:{f.lsb}]" if f else "no field"
        sides = [f"{name} {v >> bit & 1}" for name, v in (("src", self._src), ("dst", self._dst))
                 if v is not None and bit < self._bits]
        return f"bit {bit}: {where}" + (f" — {', '.join(sides)}" if sides else "")

    def mousePressEvent(self, event) -> None:
        bit = self.bit_at(event.position().x())
        f = self.field_at_bit(bit) if bit is not None else None
        if f is not None:
            self.set_highlighted_field(f.name)
            self.fieldClicked.emit(f.name)
        super().mousePressEvent(event)

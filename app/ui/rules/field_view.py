"""The rule dialog's field view: the register's bit strip and the fields a rule's mask covers.

The strip (``MaskStrip``) shows the row's two values, marks the mask's bits (a bar above the
lanes) and highlights the field the mask is exactly equal to. Clicking a bit asks to toggle its
field in the mask (Ctrl+click: only that bit); ``maskBitsClicked`` carries the bits, and the
dialog edits the mask — clicking again takes them out.

The table lists every field the mask touches (marked "(part)" when it covers only some of its
bits) with both values and what the rule asks of it — for field-lt/gt/only-src-test-value the
bound read back out of the rule's value, which QEMU compares unshifted with ``incoming & mask``.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from app.model.compare.diff import DiffRow
from app.model.registers.regdb import RegInfo
from app.model.rules.draft import covered_fields
from app.model.rules.rule import Rule, RuleType
from app.ui.details.bitstrip import LANE_H, MARGIN, NUM_H, BitStrip

T = RuleType
OPERATOR = {T.ONLY_SRC_TEST_VALUE: "=", T.FIELD_LT: "<", T.FIELD_GT: ">"}
MAX_ROWS = 4  # taller than this the table scrolls
MASK_BAR_H = 3  # px: the mark above each bit of the mask
CLICK_HINT = "Click a field's bits to add it to the mask or take it out; Ctrl+click: one bit."


class MaskStrip(BitStrip):
    """The bit strip plus the rule's mask: a bar above every masked bit, and clicks that ask
    for bits to be toggled instead of moving the highlight."""

    maskBitsClicked = Signal(object)  # int: the bits to toggle (Python int: all 64 bits)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._mask = 0
        self.mask_editable = False

    def set_mask(self, mask: int) -> None:
        self._mask = mask
        self.update()

    def masked_bits(self) -> list[int]:
        return [b for b in range(64) if self._mask >> b & 1]

    def bits_for_click(self, bit: int, one_bit: bool) -> int:
        """The bits a click on ``bit`` toggles: its field's, or the bit alone (Ctrl, or no
        field holds it)."""
        field = None if one_bit else self.field_at_bit(bit)
        return field.mask if field is not None else 1 << bit

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._mask:
            return
        p = QPainter(self)
        colour = self.palette().color(QPalette.ColorRole.Highlight)
        tint = QColor(colour)
        tint.setAlpha(40)
        cw = self._cell()
        for bit in self.masked_bits():
            x = self._x(bit)
            p.fillRect(QRectF(x, MARGIN + NUM_H - MASK_BAR_H, cw, MASK_BAR_H), colour)
            p.fillRect(QRectF(x, MARGIN + NUM_H, cw, 2 * LANE_H), tint)
        p.end()

    def mousePressEvent(self, event) -> None:
        bit = self.bit_at(event.position().x())
        if (self.mask_editable and event.button() == Qt.MouseButton.LeftButton
                and bit is not None and bit < self._bits):
            one_bit = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            self.maskBitsClicked.emit(self.bits_for_click(bit, one_bit))
            event.accept()
            return
        super().mousePressEvent(event)


class RuleFieldView(QWidget):
    maskBitsClicked = Signal(object)  # the strip's: bits the user clicked to toggle

    def __init__(self, info: RegInfo, row: DiffRow | None, accel: str, parent=None):
        super().__init__(parent)
        self.row, self.accel = row, accel
        self.strip = MaskStrip()
        self.strip.maskBitsClicked.connect(self.maskBitsClicked)
        self.strip.set_values(row.src if row else None, row.dst if row else None, info.fields,
                              info.encoding.size_bits or 64)
        self.strip.setVisible(bool(info.fields))
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Field", "Bits", "Incoming", "Here",
                                              "Rule on this field"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)  # one line per field: wrapped rows were cut off
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.strip)
        self.hint = QLabel(CLICK_HINT)
        self.hint.setWordWrap(True)
        self.hint.setEnabled(False)  # greyed: a hint, not content
        self.hint.setVisible(bool(info.fields))
        layout.addWidget(self.hint)
        layout.addWidget(self.table)

    def _value(self, f, value: int | None) -> str:
        return f"{f.raw(value):#x}" if value is not None else "—"

    def show_rule(self, rule: Rule, uses_mask: bool) -> None:
        t = rule.type
        fields = covered_fields(rule.register, rule.mask, self.accel) if uses_mask else ()
        self.table.setRowCount(len(fields))
        for r, f in enumerate(fields):
            part = "" if rule.mask & f.mask == f.mask else " (part)"
            bound = (f"incoming {OPERATOR[t]} {f.raw(rule.value):#x}" if t in OPERATOR
                     else "any difference tolerated")
            cells = (f.name + part, f"{f.msb}:{f.lsb}",
                     self._value(f, self.row.src if self.row else None),
                     self._value(f, self.row.dst if self.row else None), bound)
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.setVisible(bool(fields))
        self.table.resizeRowsToContents()
        rows = sum(self.table.rowHeight(r) for r in range(min(len(fields), MAX_ROWS)))
        self.table.setFixedHeight(self.table.horizontalHeader().height() + rows
                                  + 2 * self.table.frameWidth() + 2)
        self.strip.set_highlighted_field(
            next((f.name for f in fields if f.mask == rule.mask), ""))
        self.strip.set_mask(rule.mask if uses_mask else 0)
        self.strip.mask_editable = uses_mask
        self.hint.setVisible(uses_mask and self.strip.isVisibleTo(self))

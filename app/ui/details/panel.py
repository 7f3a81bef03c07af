"""Register details: what the selected row is, both values, the bit strip and the field table.

Everything shown is looked up in app.model (regdb for name/class/fields, the Diff for vCPU
variance); the panel only arranges it. Clicking a field row highlights its bits in the strip
and clicking a bit selects its field row, so the two views stay one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.model.compare.diff import Diff, DiffRow
from app.model.registers import regdb
from app.model.registers.regid import format_id
from app.ui import theme
from app.ui.details.bitstrip import BitStrip
from app.ui.details.field_table import FieldRole, FieldTable
from app.ui.plain_text import plain_label
from app.ui.table.diff_model import hex64


def binary(value: int | None, bits: int) -> str:
    if value is None:
        return "—"
    text = f"{value:0{bits}b}"
    return " ".join(text[i:i + 4] for i in range(0, bits, 4))


WORD = (1 << 64) - 1


def hex_wide(value: int | None, bits: int) -> str:
    """A register wider than 64 bits in hex, every digit shown, grouped by 64 bits."""
    if value is None:
        return "—"
    text = f"{value:0{bits // 4}x}"
    return "0x" + "_".join(text[i:i + 16] for i in range(0, len(text), 16))


def _label(mono: bool = False) -> QLabel:
    label = plain_label()  # names and notes come from the sources
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if mono:
        label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    return label


class DetailsPanel(QStackedWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.record: DiffRow | None = None
        empty = QLabel("Select a register to see its values and bitfields.")
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty.setEnabled(False)
        self.addWidget(empty)
        self.addWidget(self._build())

    def _build(self) -> QWidget:
        """The register page, in a scroll area: the dock may be made smaller than the page
        (a short screen); the page then scrolls instead of overlapping its parts."""
        page = self._page = QWidget()
        self.title = _label()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.status_icon, self.status_text = QLabel(), QLabel()
        self.status_text.setWordWrap(True)  # the rule's effect (show_effect) never widens the dock
        self.meta = _label()
        self.meta.setWordWrap(True)  # id · encoding · class · width: wraps in a narrow dock
        self.variance = _label()
        self.variance.setWordWrap(True)
        values = QGridLayout()
        values.setHorizontalSpacing(12)
        self.hex, self.bin = {}, {}
        for r, (side, text) in enumerate((("src", "Source (incoming)"),
                                          ("dst", "Destination (local)"))):
            values.addWidget(QLabel(text), r, 0)
            self.hex[side], self.bin[side] = _label(True), _label(True)
            # Shown only when it fits beside the hex (_fit_binary): the bit strip below
            # shows every bit anyway, and a wrapped binary costs the field table two rows.
            self.bin[side].setSizePolicy(QSizePolicy.Policy.Ignored,
                                         QSizePolicy.Policy.Preferred)
            values.addWidget(self.hex[side], r, 1)
            values.addWidget(self.bin[side], r, 2)
        values.setColumnStretch(2, 1)  # the binary column takes the spare width

        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addSpacing(12)
        head.addWidget(self.status_icon)
        head.addWidget(self.status_text)
        head.addStretch(1)
        self.strip = BitStrip()
        self.fields = FieldTable()
        layout = self._page_layout = QVBoxLayout(page)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(3)  # every pixel of height goes to the field table on a 720-px screen
        layout.addLayout(head)
        layout.addWidget(self.meta)
        layout.addLayout(values)
        layout.addWidget(self.variance)
        layout.addWidget(self.strip)
        self.strip_note = _label()
        self.strip_note.hide()
        layout.addWidget(self.strip_note)
        layout.addWidget(self.fields, 1)
        # Takes the spare height only while the field table is hidden (registers without a
        # layout): hidden widgets drop out of the layout, and their stretch with them.
        layout.addStretch(0)
        self.fields.selectionModel().currentRowChanged.connect(self._field_row_changed)
        self.strip.fieldClicked.connect(self.fields.select_field)
        self.page_scroll = QScrollArea()
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.page_scroll.setWidget(page)
        return self.page_scroll

    def page_height(self) -> int:
        """The height the register page needs to show every part without scrolling, at
        the dock's width (wrapped rule buttons and values take more lines when narrow)."""
        layout, width = self._page_layout, self.page_scroll.viewport().width()
        if layout.hasHeightForWidth():
            return layout.totalMinimumHeightForWidth(width)
        return layout.totalMinimumSize().height()

    def add_section(self, widget: QWidget) -> None:
        """Put ``widget`` between the values and the bit strip (e.g. the rule buttons)."""
        self._page_layout.insertWidget(self._page_layout.indexOf(self.strip), widget)

    def current_field(self) -> str | None:
        """The field selected in the field table (None when none is)."""
        index = self.fields.currentIndex()
        field = index.data(FieldRole) if index.isValid() else None
        return field.name if field is not None else None

    def show_record(self, row: DiffRow | None, accel: str, diff: Diff | None = None, *,
                    cpu_model: tuple[str, ...] = ()) -> None:
        """``cpu_model``: the pair's QEMU CPU model(s) (Session.cpu_model), for the name."""
        self.record = row
        if row is None:
            self.setCurrentIndex(0)
            return
        info = regdb.lookup(row.id, accel, cpu_model)
        enc, bits = info.encoding, info.encoding.size_bits
        self.title.setText(info.name)
        self.show_effect("", False)  # the status line, until the rules layer adds the effect
        long_text = enc.text("long")
        encoding = enc.text() + (f"  ({long_text})" if long_text != enc.text() else "")
        aliases = f"   also: {', '.join(info.aliases)}" if info.aliases else ""
        self.meta.setText(f"id {format_id(row.id)}   ·   {encoding}   ·   class {info.cls}"
                          f"   ·   {bits}-bit{aliases}")
        for side, value in (("src", row.src), ("dst", row.dst)):
            self.hex[side].setText(hex64(value) if bits <= 64 else hex_wide(value, bits))
            self.bin[side].setText(binary(value, bits))
            self.hex[side].setToolTip(binary(value, bits))
        self._fit_binary()
        self.variance.setText(self._variance_text(row, diff))
        self.variance.setVisible(bool(self.variance.text()))
        # The strip draws 64 cells: a wider register (V0..V31, 128-bit) shows its low half.
        low = (lambda v: None if v is None else v & WORD) if bits > 64 else (lambda v: v)
        self.strip.set_values(low(row.src), low(row.dst),
                              tuple(f for f in info.fields if f.msb < 64), min(bits, 64))
        self.strip_note.setVisible(bits > 64)
        self.strip_note.setText(f"The bit strip shows bits 63..0 of this {bits}-bit register; "
                                "the values above are complete.")
        model = self.fields.fields()
        model.set_register(info.fields, row.src, row.dst)
        self.fields.setVisible(bool(info.fields))
        self.setCurrentIndex(1)
        # Point at the first field that differs: that is the question the user came with.
        first = next((r for r in range(model.rowCount()) if model.differs(r)), None)
        if first is not None:
            self.fields.select_field(model.field(first).name)

    def show_effect(self, effect: str, tolerated: bool, tooltip: str = "") -> None:
        """What the verdict makes of the shown row (the rules layer calls this after
        ``show_record`` and after every verdict), appended to the status line: "Unexpected —
        vCPU 0, tolerated by rule: safe-missing"; the tolerated icon when a rule accepts it."""
        row = self.record
        if row is None:
            return
        key = "tolerated" if tolerated else row.status.value
        self.status_icon.setPixmap(theme.status_icon(key).pixmap(16, 16))
        base = f"{theme.STYLES[row.status.value].label} — vCPU {row.vcpu}"
        self.status_text.setText(f"{base}, {effect}" if effect else base)
        self.status_text.setToolTip(tooltip)

    def _fit_binary(self) -> None:
        """Show the binary values when their text fits beside the hex, else only the hex
        (with the binary as its tooltip)."""
        label, hex_label = self.bin["src"], self.hex["src"]
        start = hex_label.mapTo(self._page, hex_label.rect().topLeft()).x()
        room = self._page.width() - start - hex_label.sizeHint().width() - 12 - 6  # spacing
        fits = label.fontMetrics().horizontalAdvance(label.text()) <= room
        for side in ("src", "dst"):
            self.bin[side].setVisible(fits)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.record is not None:
            self._fit_binary()

    @staticmethod
    def _variance_text(row: DiffRow, diff: Diff | None) -> str:
        """Per-vCPU values when this register differs between vCPUs of one source."""
        if diff is None:
            return ""
        parts = []
        for v in diff.variance:
            if v.id == row.id:
                side = "source" if v.side == "src" else "destination"
                values = ", ".join(f"vCPU {c}: {x:#x}" for c, x in v.values)
                parts.append(f"Differs between vCPUs in the {side}: {values}")
        return "\n".join(parts)

    def _field_row_changed(self, current, _previous) -> None:
        field = current.data(FieldRole) if current.isValid() else None
        self.strip.set_highlighted_field(field.name if field is not None else "")

"""Register details: what the selected row is, both values, the bit strip and the field table.

Everything shown is looked up in app.model (regdb for name/class/fields, the Diff for vCPU
variance); the panel only arranges it. Clicking a field row highlights its bits in the strip
and clicking a bit selects its field row, so the two views stay one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

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
        page = QWidget()
        self.title = _label()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.status_icon, self.status_text = QLabel(), QLabel()
        self.meta = _label()
        self.variance = _label()
        self.variance.setWordWrap(True)
        values = QGridLayout()
        values.setHorizontalSpacing(12)
        self.hex, self.bin = {}, {}
        for r, (side, text) in enumerate((("src", "Source (incoming)"),
                                          ("dst", "Destination (local)"))):
            values.addWidget(QLabel(text), r, 0)
            self.hex[side], self.bin[side] = _label(True), _label(True)
            values.addWidget(self.hex[side], r, 1)
            values.addWidget(self.bin[side], r, 2)
        values.setColumnStretch(3, 1)

        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addSpacing(12)
        head.addWidget(self.status_icon)
        head.addWidget(self.status_text)
        head.addStretch(1)
        self.strip = BitStrip()
        self.fields = FieldTable()
        layout = self._page_layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 6, 8, 6)
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
        return page

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
        key = row.status.value
        self.status_icon.setPixmap(theme.status_icon(key).pixmap(16, 16))
        self.status_text.setText(f"{theme.STYLES[key].label} — vCPU {row.vcpu}")
        long_text = enc.text("long")
        encoding = enc.text() + (f"  ({long_text})" if long_text != enc.text() else "")
        aliases = f"   also: {', '.join(info.aliases)}" if info.aliases else ""
        self.meta.setText(f"id {format_id(row.id)}   ·   {encoding}   ·   class {info.cls}"
                          f"   ·   {bits}-bit{aliases}")
        for side, value in (("src", row.src), ("dst", row.dst)):
            self.hex[side].setText(hex64(value) if bits <= 64 else hex_wide(value, bits))
            self.bin[side].setText(binary(value, bits))
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

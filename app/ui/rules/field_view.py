"""The rule dialog's field view: the register's bit strip and the fields a rule's mask covers.

The strip shows the row's two values with the field the mask is exactly equal to highlighted;
the table lists every field the mask touches (marked "(part)" when it covers only some of its
bits) with both values and what the rule asks of it — for field-lt/gt/only-src-test-value the
bound read back out of the rule's value, which QEMU compares unshifted with ``incoming & mask``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from app.model.compare.diff import DiffRow
from app.model.registers.regdb import RegInfo
from app.model.rules.draft import covered_fields
from app.model.rules.rule import Rule, RuleType
from app.ui.details.bitstrip import BitStrip

T = RuleType
OPERATOR = {T.ONLY_SRC_TEST_VALUE: "=", T.FIELD_LT: "<", T.FIELD_GT: ">"}
MAX_ROWS = 4  # taller than this the table scrolls


class RuleFieldView(QWidget):
    def __init__(self, info: RegInfo, row: DiffRow | None, accel: str, parent=None):
        super().__init__(parent)
        self.row, self.accel = row, accel
        self.strip = BitStrip()
        self.strip.set_values(row.src if row else None, row.dst if row else None, info.fields,
                              info.encoding.size_bits or 64)
        self.strip.setVisible(bool(info.fields))
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Field", "Bits", "Incoming", "Here",
                                              "Rule on this field"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.strip)
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

"""The bitfields of the selected register: both values per field, meaning and ID safety.

Rows are the register database's fields (highest bits first). Decoding, enum names and the
kernel's safety rule come from app.model (fields.decode_fields, regdb.field_safety_direction);
this model only lays them out. A field whose values differ is drawn bold on the mismatch tint,
and "this direction" says whether the source's value may run where the destination's is.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QPalette, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from app.model.registers import regdb
from app.model.registers.fields import Field, decode_fields
from app.ui import theme
from app.ui.table.base import HeaderedTableModel

HEADERS = ("Field", "Bits", "Source", "Destination", "Meaning", "Kernel safety",
           "This direction")
FieldRole = Qt.ItemDataRole.UserRole + 1
MIN_ROWS = 6  # rows the table keeps however the dock is sized: enough to read a register
DIRECTION_TEXT = {"safe": "safe (src → dst)", "unsafe": "UNSAFE (src → dst)",
                  "n/a": "no kernel rule"}


def _fmt(value: int | None, f: Field) -> str:
    if value is None:
        return "—"
    if f.signed and value < 0:
        return f"{value}"
    return f"{value:#x}" if f.width > 3 else str(value)


class FieldTableModel(HeaderedTableModel):
    HEADERS = HEADERS

    def __init__(self, parent=None):
        super().__init__(parent)
        self._fields: tuple[Field, ...] = ()
        self._src: list | None = None  # decode_fields output per side, or None
        self._dst: list | None = None

    def set_register(self, fields: tuple[Field, ...], src: int | None, dst: int | None) -> None:
        self.beginResetModel()
        self._fields = tuple(fields)
        self._src = decode_fields(self._fields, src) if src is not None else None
        self._dst = decode_fields(self._fields, dst) if dst is not None else None
        self.endResetModel()

    def field(self, row: int) -> Field:
        return self._fields[row]

    def row_of(self, name: str) -> int:
        return next((i for i, f in enumerate(self._fields) if f.name == name), -1)

    def _side(self, decoded, row):
        return (decoded[row][1], decoded[row][2]) if decoded is not None else (None, None)

    def differs(self, row: int) -> bool:
        (sv, _), (dv, _) = self._side(self._src, row), self._side(self._dst, row)
        return sv is not None and dv is not None and sv != dv

    def __len__(self) -> int:
        return len(self._fields)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col, f = index.row(), index.column(), self._fields[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, col, f)
        if role == FieldRole:
            return f
        if role == Qt.ItemDataRole.BackgroundRole and self.differs(row):
            return theme.row_background("value-mismatch")
        if role == Qt.ItemDataRole.FontRole and self.differs(row):
            bold = QFont()
            bold.setBold(True)
            return bold
        if role == Qt.ItemDataRole.ForegroundRole and f.reserved:
            return QPalette().color(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.ToolTipRole and col == 5 and f.safety:
            return f"kernel cpufeature rule {f.safety} (safe value {f.safe_val})"
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:  # the bit strip abbreviates it
            return f"{f.name} [{f.msb}:{f.lsb}]"
        return None

    def _text(self, row: int, col: int, f: Field) -> str:
        (sv, sm), (dv, dm) = self._side(self._src, row), self._side(self._dst, row)
        if col == 0:
            return f.name
        if col == 1:
            return f"{f.msb}:{f.lsb}" if f.msb != f.lsb else str(f.msb)
        if col in (2, 3):
            return _fmt(sv if col == 2 else dv, f)
        if col == 4:
            if sm == dm or dv is None:
                return sm or ""
            return f"{sm or _fmt(sv, f)} → {dm or _fmt(dv, f)}" if sv is not None else dm or ""
        if col == 5:
            return (f.safety or "").removeprefix("FTR_")
        if not self.differs(row):
            return ""
        return DIRECTION_TEXT[regdb.field_safety_direction(f, sv, dv)]


class FieldTable(QTableView):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setModel(FieldTableModel(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 4)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        for col, width in enumerate((130, 55, 75, 85, 230, 130)):
            self.setColumnWidth(col, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

    def fields(self) -> FieldTableModel:
        return cast(FieldTableModel, self.model())  # the one __init__ set

    def minimumSizeHint(self) -> QSize:
        """Room for the header and MIN_ROWS rows (and a horizontal scroll bar)."""
        base = super().minimumSizeHint()
        height = (self.horizontalHeader().sizeHint().height()
                  + MIN_ROWS * self.verticalHeader().defaultSectionSize()
                  + self.horizontalScrollBar().sizeHint().height() + 2 * self.frameWidth())
        return QSize(base.width(), height)

    def sizeHint(self) -> QSize:
        """As tall as the minimum: the panel's layout gives the table any spare height, and
        a taller hint would make the scrolling details page taller than its dock."""
        return QSize(super().sizeHint().width(), self.minimumSizeHint().height())

    def select_field(self, name: str) -> None:
        row = self.fields().row_of(name)
        if row >= 0:
            self.selectRow(row)
            self.scrollTo(self.model().index(row, 0))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # A field selected before the table had its final height (a new register, the dock
        # being resized) would otherwise sit below the fold.
        if self.currentIndex().isValid():
            self.scrollTo(self.currentIndex())

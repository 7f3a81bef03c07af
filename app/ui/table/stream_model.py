"""The "Stream" tab's table: RAM blocks and device sections side by side, as a Qt model.

Rows are ``StreamDiff.ram`` then ``StreamDiff.sections`` (``app.model.compare.stream_diff``
pairs them; this model only shows them): incoming vs destination version and size, and the
pairing's status. The row the verdict fails on (``set_failure``: the first blocking
stream-level Reason that names a part) is marked — bold, the rejection icon, "QEMU stops here"
— and its tooltip quotes the reason. Roles are the merged view's: ``RecordRole`` is the
RamRow/SectionRow, ``SortRole`` a key that sorts each column meaningfully (ties keep the
stream order), ``StatusKeyRole`` the theme key of the row's colour.
"""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from app.model.compare.stream_diff import PartStatus, RamRow, SectionRow, StreamDiff
from app.model.reports.stream_report import details, ram_length
from app.model.verdict.reason import Reason
from app.ui import theme
from app.ui.plain_text import tip
from app.ui.table.base import HeaderedTableModel
from app.ui.table.diff_model import RecordRole, SortRole, StatusKeyRole


class StreamColumn(IntEnum):
    STATUS = 0
    KIND = 1
    NAME = 2
    INSTANCE = 3
    SRC_VERSION = 4
    SRC_SIZE = 5
    DST_VERSION = 6
    DST_SIZE = 7


# Each status borrows the colour of the cpreg status that means the same to QEMU.
_LOOKS = {PartStatus.MATCH: ("match", "Match"),
          PartStatus.UNEXPECTED: ("unexpected", "Unexpected"),
          PartStatus.MISSING: ("missing", "Missing"),
          PartStatus.VERSION: ("value-mismatch", "Version differs"),
          PartStatus.LAYOUT: ("value-mismatch", "Layout differs"),
          PartStatus.SIZE: ("value-mismatch", "Size differs"),
          PartStatus.CONTENT: ("present", "Content differs (not examined)")}
THEME_KEY = {status: key for status, (key, _label) in _LOOKS.items()}
LABEL = {status: label for status, (_key, label) in _LOOKS.items()}
FAILS_HERE = "QEMU stops here"

Part = RamRow | SectionRow


def part_name(row: Part) -> str:
    if isinstance(row, RamRow):
        return f"RAM block {row.name}"
    return f"section {row.name} (instance {row.instance_id})"


def _version(row: Part, side: str) -> str:
    part = getattr(row, side)
    if part is None:
        return "absent"
    return "—" if isinstance(row, RamRow) else str(part.version)


def _size(row: Part, side: str) -> str:
    part = getattr(row, side)
    if part is None:
        return ""
    if isinstance(row, RamRow):
        return ram_length(part.length)
    size = "?" if part.size is None else f"{part.size} B"
    return f"{size}, opaque" if part.opaque else size


class StreamTableModel(HeaderedTableModel):
    HEADERS = ("Status", "Part", "Name", "Instance", "Incoming version", "Incoming size",
               "Destination version", "Destination size")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: tuple[Part, ...] = ()
        self._failing: int | None = None
        self._reason: Reason | None = None
        self._bold = QFont()
        self._bold.setBold(True)

    def set_stream(self, result: StreamDiff | None) -> None:
        """The pairs to show; none when ``result`` is None or was not examined."""
        self.beginResetModel()
        self._rows = (*result.ram, *result.sections) if result and result.examined else ()
        self._failing = None
        self.endResetModel()

    def set_failure(self, part: Part | None, reason: Reason | None) -> None:
        """Mark ``part`` (one of the rows) as where QEMU fails, for ``reason``."""
        self._failing = next((i for i, r in enumerate(self._rows) if r is part), None)
        self._reason = reason if self._failing is not None else None
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self) - 1,
                                                               len(self.HEADERS) - 1))

    def failing_row(self) -> int | None:
        return self._failing

    def record(self, row: int) -> Part:
        return self._rows[row]

    def counts(self) -> dict[str, int]:
        """Rows per theme key, as the status bar counts cpreg rows."""
        out = dict.fromkeys(theme.STYLES, 0)
        for row in self._rows:
            out[THEME_KEY[row.status]] += 1
        return out

    def differing(self) -> int:
        return sum(r.status is not PartStatus.MATCH for r in self._rows)

    def explain(self, i: int) -> str:
        """The row's details, and the verdict's reason when QEMU fails on it."""
        lines = list(details(self._rows[i]))
        if i == self._failing and self._reason is not None:
            lines[:0] = [f"{FAILS_HERE}: {self._reason.message}",
                         *(d for d in self._reason.details if d not in lines)]
        return "\n".join(lines)

    def __len__(self) -> int:
        return len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        i, col, row = index.row(), StreamColumn(index.column()), self._rows[index.row()]
        failing = i == self._failing
        key = "unexpected" if failing else THEME_KEY[row.status]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col, failing)
        if role == RecordRole:
            return row
        if role == StatusKeyRole:
            return THEME_KEY[row.status]
        if role == SortRole:
            return self._sort_key(i, row, col)
        if role == Qt.ItemDataRole.DecorationRole and col == StreamColumn.STATUS:
            return theme.status_icon(key)
        if role == Qt.ItemDataRole.BackgroundRole:
            return theme.row_background(key)
        if role == Qt.ItemDataRole.FontRole and failing:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:  # names the stream gives its devices
            return tip(self.explain(i)) or None
        return None

    def _display(self, row: Part, col: StreamColumn, failing: bool) -> str:
        if col == StreamColumn.STATUS:
            label = LABEL[row.status]
            return f"{label} — {FAILS_HERE}" if failing else label
        if col == StreamColumn.KIND:
            return "RAM block" if isinstance(row, RamRow) else "section"
        if col == StreamColumn.NAME:
            return row.name
        if col == StreamColumn.INSTANCE:
            return "" if isinstance(row, RamRow) else str(row.instance_id)
        side = "src" if col in (StreamColumn.SRC_VERSION, StreamColumn.SRC_SIZE) else "dst"
        if col in (StreamColumn.SRC_VERSION, StreamColumn.DST_VERSION):
            return _version(row, side)
        return _size(row, side)

    def _sort_key(self, i: int, row: Part, col: StreamColumn):
        if col == StreamColumn.STATUS:  # the failing row, then by severity, then stream order
            rank = -1 if i == self._failing else theme.SEVERITY[THEME_KEY[row.status]]
            return (rank + 1) * 1_000_000 + i
        if col >= StreamColumn.SRC_VERSION:  # numbers: absent sorts first
            part = row.src if col < StreamColumn.DST_VERSION else row.dst
            attr = "version" if col in (StreamColumn.SRC_VERSION, StreamColumn.DST_VERSION) \
                else "length" if isinstance(row, RamRow) else "size"
            value = getattr(part, attr, None)
            return f"{-1 if value is None else value:020d}\x00{i:08d}"
        return f"{self._display(row, col, False).lower()}\x00{i:08d}"

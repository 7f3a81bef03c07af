"""The register spread as a table: per register the pool disagrees on, its values and hosts.

One row per ``SpreadEntry`` (app.model.fleet.spread): register name, id, how many distinct
values, the values with their host counts (most common first), the differing fields of ID
registers, and how many hosts lack the register or carry it without a value. ``SortRole``
gives each column a key that sorts meaningfully (numbers as numbers, ties in register order)
for the ``SpreadProxy``; the tooltip spells the whole entry out.
"""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from app.model.fleet import SpreadEntry
from app.model.registers.regid import format_id
from app.model.wording import plural
from app.ui.plain_text import tip
from app.ui.table.base import HeaderedTableModel
from app.ui.table.diff_model import RecordRole, SortRole, hex64


class SpreadColumn(IntEnum):
    NAME = 0
    ID = 1
    DISTINCT = 2
    VALUES = 3
    FIELDS = 4
    ABSENT = 5


def values_text(entry: SpreadEntry) -> str:
    if not entry.values:
        return "run-time state (values not compared)"
    return "; ".join(f"{hex64(v)} ({plural(n, 'host')})" for v, n in entry.values)


def fields_text(entry: SpreadEntry) -> str:
    return "; ".join(f"{name}: " + ", ".join(f"{v:#x} ({n})" for v, n in per)
                     for name, per in entry.fields)


def absent_text(entry: SpreadEntry) -> str:
    parts = [f"{plural(entry.absent, 'host')} lack it"] if entry.absent else []
    if entry.unknown:
        parts.append(f"{plural(entry.unknown, 'host')} without a value")
    return ", ".join(parts)


class SpreadTableModel(HeaderedTableModel):
    HEADERS = ("Register", "Id", "Distinct values", "Values (hosts)", "Differing fields",
               "Absent / no value")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: tuple[SpreadEntry, ...] = ()

    def set_spread(self, entries: tuple[SpreadEntry, ...]) -> None:
        self.beginResetModel()
        self._rows = tuple(entries)
        self.endResetModel()

    def __len__(self) -> int:
        return len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        i, entry = index.row(), self._rows[index.row()]
        col = SpreadColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(entry, col)
        if role == RecordRole:
            return entry
        if role == SortRole:
            return self._sort_key(i, entry, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"{entry.name} ({format_id(entry.reg_id)})", values_text(entry)]
            lines += [f"{name}: " + ", ".join(f"{v:#x} on {plural(n, 'host')}" for v, n in per)
                      for name, per in entry.fields]
            if absent_text(entry):
                lines.append(absent_text(entry))
            return tip("\n".join(lines))
        return None

    def _display(self, entry: SpreadEntry, col: SpreadColumn) -> str:
        if col == SpreadColumn.NAME:
            return entry.name
        if col == SpreadColumn.ID:
            return format_id(entry.reg_id)
        if col == SpreadColumn.DISTINCT:
            return str(len(entry.values)) if entry.values else "—"
        if col == SpreadColumn.VALUES:
            return values_text(entry)
        if col == SpreadColumn.FIELDS:
            return fields_text(entry)
        return absent_text(entry)

    def _sort_key(self, i: int, entry: SpreadEntry, col: SpreadColumn) -> str:
        if col == SpreadColumn.ID:
            number = entry.reg_id
        elif col == SpreadColumn.DISTINCT:
            number = len(entry.values)
        elif col == SpreadColumn.FIELDS:
            number = len(entry.fields)
        elif col == SpreadColumn.ABSENT:
            number = entry.absent + entry.unknown
        else:
            return f"{self._display(entry, col).lower()}\x00{i:08d}"
        return f"{number:020d}\x00{i:08d}"  # ties keep the register order


class SpreadProxy(QSortFilterProxyModel):
    """Sorts by SortRole; the search box filters on the register name or id."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SortRole)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)  # any column: name, id, values

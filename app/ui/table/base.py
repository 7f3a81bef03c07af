"""The part every flat table model here shares: row count from a sequence, fixed headers.

Subclasses set ``HEADERS`` and implement ``__len__`` (rows shown); Qt asks rowCount() and
columnCount() for the invisible root only, so a valid parent always has no children.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

ROOT = QModelIndex()  # the invisible root: the default parent (never mutated)


class HeaderedTableModel(QAbstractTableModel):
    HEADERS: tuple[str, ...] = ()

    def __len__(self) -> int:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

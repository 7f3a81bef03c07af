"""The "Register spread" tab: a filter box over the spread table (spread_model.py).

Sorted by register id at first; any column sorts by its SortRole key; the box filters rows
on any column's text (name, id, values).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QTableView, QVBoxLayout, QWidget

from app.model.fleet import SpreadEntry
from app.ui.fleet.spread_model import SpreadColumn, SpreadProxy, SpreadTableModel


class SpreadPage(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = SpreadTableModel(self)
        self.proxy = SpreadProxy(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter registers by name, id or value")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(SpreadColumn.ID, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().hide()
        box = QVBoxLayout(self)
        box.addWidget(self.search)
        box.addWidget(self.view, 1)

    def set_spread(self, entries: tuple[SpreadEntry, ...]) -> None:
        self.model.set_spread(entries)
        self.view.resizeColumnsToContents()

"""The groups list: each group of hosts with identical register sets, its summary, its members.

A tree: one top-level item per group (label, host count, the model's one-line summary), its
member files as children (full path in the tooltip). Selecting a group asks the heat map to
put that group's row on the diagonal cell, so the list and the matrix point at the same group.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from app.model.fleet import Fleet
from app.ui.fleet.cells import group_label
from app.ui.plain_text import tip

GroupRole = Qt.ItemDataRole.UserRole + 1  # the group's index in Fleet.groups


class GroupsView(QTreeWidget):
    groupSelected = Signal(int)  # index in Fleet.groups

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setColumnCount(3)
        self.setHeaderLabels(["Group", "Hosts", "Register set"])
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.currentItemChanged.connect(self._current_changed)

    def set_fleet(self, fleet: Fleet) -> None:
        self.clear()
        for n, group in enumerate(fleet.groups):
            item = QTreeWidgetItem([group_label(fleet, group.group), str(len(group.members)),
                                    group.summary])
            item.setData(0, GroupRole, n)
            item.setToolTip(2, tip(group.summary))
            for path in group.members:
                child = QTreeWidgetItem([os.path.basename(path), "", path])
                child.setData(0, GroupRole, n)
                child.setToolTip(0, tip(path))
                child.setToolTip(2, tip(path))
                item.addChild(child)
            self.addTopLevelItem(item)
        self.expandToDepth(0 if len(fleet.groups) <= 8 else -1)
        for col in range(2):
            self.resizeColumnToContents(col)

    def _current_changed(self, item: QTreeWidgetItem | None, _previous) -> None:
        if item is not None:
            self.groupSelected.emit(int(item.data(0, GroupRole)))

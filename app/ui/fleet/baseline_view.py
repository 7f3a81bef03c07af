"""The baseline page: the rule file the pool needs, the pairs it fixes, the pairs nothing fixes.

The rules are shown exactly as "Save baseline rules…" writes them (``Baseline.rules_toml``);
below, a table lists every group pair (named by its groups' first members) the baseline cannot
fix, with the model's reason (machine type, RAM, devices, a refused unsafe rule…).
"""

from __future__ import annotations

import os

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.model.fleet import Fleet
from app.ui.plain_text import plain_label, tip


def _pairs(n: int) -> str:
    return f"{n} group pair{'s' if n != 1 else ''}"


def baseline_text(fleet: Fleet) -> str:
    b = fleet.baseline
    added = len(b.added)
    return (f"{len(b.rules)} rule{'s' if len(b.rules) != 1 else ''} ({added} added by the "
            f"baseline); {_pairs(len(b.fixes))} fixed by it; "
            f"{_pairs(len(b.unfixable))} no rule can fix.")


class BaselineView(QWidget):
    saveRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.about: QLabel = plain_label()
        self.about.setWordWrap(True)
        self.save = QPushButton("Save baseline rules…")
        self.save.clicked.connect(self.saveRequested)
        top.addWidget(self.about, 1)
        top.addWidget(self.save)
        layout.addLayout(top)
        self.rules = QPlainTextEdit()
        self.rules.setReadOnly(True)
        self.rules.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.rules.setObjectName("baselineRulesText")
        layout.addWidget(self.rules, 2)
        layout.addWidget(plain_label("Group pairs no rule can fix, named by each group's first "
                                     "host (source → destination, why):"))
        self.unfixable = QTableWidget(0, 3)
        self.unfixable.setHorizontalHeaderLabels(["Source", "Destination", "Why"])
        self.unfixable.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch)
        self.unfixable.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.unfixable.setSortingEnabled(True)
        layout.addWidget(self.unfixable, 1)

    def set_fleet(self, fleet: Fleet) -> None:
        b = fleet.baseline
        self.about.setText(baseline_text(fleet))
        self.rules.setPlainText(b.rules_toml)
        table = self.unfixable
        table.setSortingEnabled(False)  # rows filled while sorting would move under us
        table.setRowCount(len(b.unfixable))
        for row, (src, dst, why) in enumerate(b.unfixable):
            for col, (text, full) in enumerate(((os.path.basename(src), src),
                                                (os.path.basename(dst), dst), (why, why))):
                item = QTableWidgetItem(text)
                item.setToolTip(tip(full))
                table.setItem(row, col, item)
        table.setSortingEnabled(True)
        table.resizeColumnsToContents()

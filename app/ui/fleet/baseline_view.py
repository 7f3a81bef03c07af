"""The baseline page: the rule file the pool needs, how its rules reach each destination, the
pairs nothing fixes and what would fix them instead.

The rules are shown exactly as "Save baseline rules…" writes them (``Baseline.rules_toml``).
Below, one row per rule and destination release says how the rule can be deployed there
(stock, a command-line option, C registration, the tolerance patch series, not expressible:
advice.deployability's words, per destination group when the pool mixes releases or machine
types); then every group pair (named by its groups' first members) the baseline cannot fix,
with the model's reason (machine type, RAM, devices, a refused unsafe rule…) and the remedy
``check`` and ``suggest`` print for it (``-M``, ``-m``, ``-smp``, a device).
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
from app.model.fleet.deployment import by_rule
from app.model.reports.fleet_report import group_label
from app.model.wording import plural
from app.ui.plain_text import plain_label, tip

DEPLOY_COLUMNS = ["Rule", "How", "Release", "Destinations", "Why"]
UNFIXABLE_COLUMNS = ["Source", "Destination", "Why", "What would fix it"]
MAX_COLUMN = 260  # pixels


def baseline_text(fleet: Fleet) -> str:
    b = fleet.baseline
    added = len(b.added)
    text = (f"{plural(len(b.rules), 'rule')} ({added} added by the baseline); "
            f"{plural(len(b.fixes), 'group pair')} accepted once they are built into the "
            f"destination; {plural(len(b.unfixable), 'group pair')} no rule can fix.")
    if b.rules.rules:
        titles = dict.fromkeys(d.policy.title for d in b.deployment)
        per = "; ".join(f"{t}: " + ", ".join(sorted(
            {d.summary_line() for d in b.deployment if d.policy.title == t})) for t in titles)
        text += f" Deploying them — {per}."
    return text


def _table(columns: list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)  # one line per row; the tooltip holds the whole text
    table.setSortingEnabled(True)
    return table


def _fill(table: QTableWidget, rows: list[list[tuple[str, str]]]) -> None:
    """(shown text, tooltip) per cell."""
    table.setSortingEnabled(False)  # rows filled while sorting would move under us
    table.setRowCount(len(rows))
    for row, cells in enumerate(rows):
        for col, (text, full) in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(tip(full))
            table.setItem(row, col, item)
    table.setSortingEnabled(True)
    table.resizeColumnsToContents()
    # Contents-sized columns can take all the width from the stretched one (the reason):
    # cap them so it keeps room.
    for col in range(table.columnCount()):
        table.setColumnWidth(col, min(table.columnWidth(col), MAX_COLUMN))


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
        layout.addWidget(plain_label("How each rule reaches the destination QEMU (verdicts "
                                     "apply the rules as if it had them built in):"))
        self.deployment = _table(DEPLOY_COLUMNS, 4)
        self.deployment.setObjectName("baselineDeployment")
        layout.addWidget(self.deployment, 1)
        layout.addWidget(plain_label("Group pairs no rule can fix, named by each group's first "
                                     "host (source → destination, why, what would fix it "
                                     "instead):"))
        self.unfixable = _table(UNFIXABLE_COLUMNS, 2)
        layout.addWidget(self.unfixable, 1)

    def set_fleet(self, fleet: Fleet) -> None:
        b = fleet.baseline
        self.about.setText(baseline_text(fleet))
        self.rules.setPlainText(b.rules_toml)
        count = len(fleet.groups)
        deploy_rows = []
        for g in by_rule(b.deployment):
            d = g.deployment
            where = ("every destination" if len(g.groups) == count
                     else ", ".join(group_label(n, count) for n in g.groups))
            why = d.reason + (f" ({d.evidence})" if d.evidence else "")
            deploy_rows.append([(d.rule.describe(), d.rule.describe()),
                                (d.how.value, d.how.value), (g.policy.title, g.policy.title),
                                (where, where), (d.reason, why)])
        _fill(self.deployment, deploy_rows)
        unfixable_rows = []
        for u in b.unfixable:
            fix = "; ".join(str(m) for m in u.remedies)
            shown = u.remedy or ("no known fix" if u.remedies else "—")
            unfixable_rows.append([(os.path.basename(u.src_path), u.src_path),
                                   (os.path.basename(u.dst_path), u.dst_path),
                                   (u.reason, u.reason),
                                   (shown, fix or "none: the cause is in the cpreg lists, "
                                    "not the VM's start options or devices (see Why)")])
        _fill(self.unfixable, unfixable_rows)

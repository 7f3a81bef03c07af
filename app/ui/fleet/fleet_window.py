"""The Fleet window: which of N hosts can migrate to which, and the baseline rules for all.

A separate window the explorer owns (``FleetLauncher`` creates it when the first fleet run
ends). Left: the group matrix as a heat map with its legend and the current cell spelled out;
right: tabs for the groups, the register spread and the baseline. Clicking a cell (or Enter
on it) opens that pair in the explorer with the baseline rules applied (open_pair.py).
Keyboard: arrows move the current cell, Enter opens it, Ctrl+W closes the window.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.model.fleet import Fleet
from app.model.wording import plural
from app.ui.fleet import cells, save
from app.ui.fleet.baseline_view import BaselineView
from app.ui.fleet.groups_view import GroupsView
from app.ui.fleet.heatmap import FleetHeatMap
from app.ui.fleet.legend import FleetLegend
from app.ui.fleet.open_pair import open_in_explorer
from app.ui.fleet.spread_view import SpreadPage
from app.ui.plain_text import plain_label
from app.ui.rules.files import rules_folder


def summary_text(fleet: Fleet) -> str:
    hosts, k = len(fleet.sources), len(fleet.groups)
    accepted = sum(c.accepted for c in fleet.cells)
    fixed = sum(bool(c.baseline_accepted) and not c.accepted for c in fleet.cells)
    how = "as they are" if not fleet.rules.rules else "with the given rules built in"
    more = (f"; {fixed} more once the baseline rules are built into the destination "
            "(Baseline rules tab: what that takes)" if fixed else "")
    return (f"{plural(hosts, 'host')} in {plural(k, 'group')}: "
            f"{accepted} of {len(fleet.cells)} group pairs accepted {how}{more}. "
            f"Policy: {fleet.policy_reason or fleet.policy_name}.")


class FleetWindow(QMainWindow):
    def __init__(self, explorer, open_dialog):
        super().__init__(explorer)  # a top-level window of its own, closed with the explorer
        self.setObjectName("fleetWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)  # reused by the launcher
        self.explorer = explorer
        self.fleet: Fleet | None = None
        self.policy: object = None  # what the run was asked to use (the explorer's choice)
        self.heatmap = FleetHeatMap()
        self.legend = FleetLegend()
        self.summary: QLabel = plain_label()
        self.summary.setWordWrap(True)
        # The current cell spelled out (what hovering shows), for the keyboard and to copy
        # a first failure from: a few lines, scrolling when a reason is long.
        self.current = QPlainTextEdit()
        self.current.setReadOnly(True)
        self.current.setObjectName("fleetCurrentCell")
        self.current.setFixedHeight(self.current.fontMetrics().lineSpacing() * 6 + 12)
        left = QWidget()
        box = QVBoxLayout(left)
        for widget, stretch in ((self.summary, 0), (self.heatmap, 1), (self.legend, 0),
                                (self.current, 0)):
            box.addWidget(widget, stretch)
        self.groups = GroupsView()
        self.spread = SpreadPage()
        # The spread's parts, by the names tests and users of the window reach for.
        self.spread_model, self.spread_proxy = self.spread.model, self.spread.proxy
        self.spread_view = self.spread.view
        self.baseline = BaselineView()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.groups, "Groups")
        self.tabs.addTab(self.spread, "Register spread")
        self.tabs.addTab(self.baseline, "Baseline rules")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setSizes([560, 640])
        self.setCentralWidget(split)
        self._build_menu(open_dialog)
        self.heatmap.cellActivated.connect(self.open_cell)
        self.heatmap.currentChanged.connect(self._current_changed)
        self.groups.groupSelected.connect(lambda n: self.heatmap.set_current(n, n))
        self.baseline.saveRequested.connect(self.save_baseline)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._scheme_changed)
        self.resize(1200, 760)

    def _build_menu(self, open_dialog) -> None:
        def action(text: str, slot, keys: str | None = None) -> QAction:
            act = QAction(text, self)
            if keys:
                act.setShortcut(QKeySequence(keys))
            act.triggered.connect(lambda _checked=False: slot())
            return act

        self.open_action = action("Open &fleet…", open_dialog, "Ctrl+Shift+F")
        self.save_action = action("&Save baseline rules…", self.save_baseline, "Ctrl+S")
        self.close_action = action("&Close", self.close, "Ctrl+W")
        menu = self.menuBar().addMenu("&File")
        menu.addActions([self.open_action, self.save_action])
        menu.addSeparator()
        menu.addAction(self.close_action)

    # -- content ------------------------------------------------------------------------------
    def set_fleet(self, fleet: Fleet, policy: object = None) -> None:
        self.fleet, self.policy = fleet, policy
        k = len(fleet.groups)
        self.setWindowTitle(f"Fleet: {len(fleet.sources)} hosts in {plural(k, 'group')} — "
                            "Cpreg Explorer")
        self.summary.setText(summary_text(fleet))
        self.heatmap.set_fleet(fleet)
        self.legend.set_counts(cells.counts(self.heatmap.codes))
        self.groups.set_fleet(fleet)
        self.spread.set_spread(fleet.spread)
        self.baseline.set_fleet(fleet)
        self.heatmap.setFocus(Qt.FocusReason.OtherFocusReason)

    def _current_changed(self, row: int, col: int) -> None:
        self.current.setPlainText(self.heatmap.hover_text(row, col))

    def _scheme_changed(self, _scheme) -> None:
        self.heatmap.restyle()
        self.legend.refresh()

    # -- actions ------------------------------------------------------------------------------
    def open_cell(self, row: int, col: int) -> tuple[str, str] | None:
        """Open the cell's pair in the explorer with the baseline rules applied."""
        if self.fleet is None:
            return None
        opened = open_in_explorer(self.explorer, self.fleet, row, col, self.policy)
        if opened is not None:
            self.statusBar().showMessage(
                f"Opened {opened[0]} → {opened[1]} in the explorer with the baseline rules "
                "(Edit → Undo there restores the previous rules).", 10000)
        return opened

    def save_baseline(self) -> str | None:
        """Ask where, then write the baseline as a TOML rule file; the path written."""
        if self.fleet is None:
            return None
        settings = getattr(self.explorer, "settings", None)
        path = save.ask_path(self, rules_folder(self.explorer.session, settings))
        if path is None or not save.write(self, self.fleet.baseline, path):
            return None
        if settings is not None:
            settings.set_last_rules_dir(path)
        n = len(self.fleet.baseline.rules)
        self.statusBar().showMessage(f"Saved {plural(n, 'baseline rule')} to {path}", 10000)
        return path

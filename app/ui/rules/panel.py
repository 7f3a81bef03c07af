"""The rules panel (a dock on the right): every rule, how many rows it tolerates, and edits.

One row per rule in the rule set's order: enabled checkbox, type, register, mask/value,
rows tolerated (from the current verdict), how it can be deployed on the chosen release
(advice/deployability.py, words from labels.py), reason. The checkbox disables/enables, Enter or a
double-click edits in the RuleDialog, Del removes; each is an undoable command issued through
RuleActions. Clicking a rule shows its register's first row in the merged view.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.model.rules.rule import Rule
from app.model.rules.ruleset import RuleSet
from app.ui.flow_layout import FlowLayout
from app.ui.plain_text import tip
from app.ui.rules.labels import deploy_text, rule_tooltip
from app.ui.table.annotations import rule_text
from app.ui.table.base import HeaderedTableModel
from app.ui.table.diff_model import RecordRole

HEADERS = ("On", "Register", "Type", "Mask / value", "Rows", "Deploy", "Reason")
RuleRole = Qt.ItemDataRole.UserRole + 1


class RulesModel(HeaderedTableModel):
    HEADERS = HEADERS

    enabledToggled = Signal(object, bool)  # the Rule, the wanted state

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._widget = parent  # whose palette greys out disabled rules
        self.rules: tuple[Rule, ...] = ()
        self.counts: dict[int, int] = {}
        self.evaluated = False  # False: no verdict yet, so row counts are unknown
        self.deployments: dict = {}  # register -> RuleDeployment on the chosen release

    def set_deployments(self, deployments: Mapping) -> None:
        """How each rule deploys on the chosen release (register -> RuleDeployment)."""
        self.deployments = dict(deployments)
        if self.rules:
            col = HEADERS.index("Deploy")
            self.dataChanged.emit(self.index(0, col), self.index(len(self.rules) - 1, col))

    def set_rules(self, ruleset: RuleSet, counts: Mapping[int, int] | None) -> None:
        rules = tuple(ruleset)
        same_rows = [r.register for r in rules] == [r.register for r in self.rules]
        self.counts, self.evaluated = dict(counts or {}), counts is not None
        if same_rows and rules:
            # Same registers in the same order (a toggle, an edit): repaint, keep selection.
            self.rules = rules
            self.dataChanged.emit(self.index(0, 0), self.index(len(rules) - 1, len(HEADERS) - 1))
            return
        self.beginResetModel()
        self.rules = rules
        self.endResetModel()

    def __len__(self) -> int:
        return len(self.rules)

    def flags(self, index):
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        rule, col = self.rules[index.row()], index.column()
        if role == RuleRole:
            return rule
        if role == Qt.ItemDataRole.CheckStateRole and col == 0:
            return Qt.CheckState.Checked if rule.enabled else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:  # the user's text, never markup
            return tip(rule_tooltip(rule, self.deployments.get(rule.register))) or None
        if role == Qt.ItemDataRole.ForegroundRole and not rule.enabled:
            palette = self._widget.palette() if self._widget else QGuiApplication.palette()
            return palette.color(QPalette.ColorRole.PlaceholderText)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if col == 1:
            return rule.name
        if col == 2:
            return rule.type.value
        if col == 3:
            text = rule_text(rule)
            return text.removeprefix(rule.type.value).strip() or "—"
        if col == 4:
            return str(self.counts.get(rule.register, 0)) if self.evaluated else "—"
        if col == 5:
            return deploy_text(self.deployments.get(rule.register))
        if col == 6:
            return rule.reason
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if index.column() == 0 and role == Qt.ItemDataRole.CheckStateRole:
            # Not applied here: the toggle becomes an undoable command, whose result comes
            # back through set_rules.
            self.enabledToggled.emit(self.rules[index.row()],
                                     Qt.CheckState(value) == Qt.CheckState.Checked)
            return True
        return False


class RulesPanel(QWidget):
    editRequested = Signal(object)  # Rule
    removeRequested = Signal(object)  # Rule
    ruleSelected = Signal(object)  # Rule

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("rulesPanel")
        self.model = RulesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for col, width in enumerate((30, 130, 125, 120, 40)):
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.activated.connect(lambda index: self._emit(self.editRequested))
        # Del only while the table has focus: Del in a text field deletes text.
        self.delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        self.delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete.activated.connect(lambda: self._emit(self.removeRequested))
        self.table.selectionModel().currentRowChanged.connect(
            lambda *_a: self._update_buttons())
        # Only a click shows the register in the merged view: selection restored after a
        # model reset must not make the table jump.
        self.table.clicked.connect(lambda _index: self._emit(self.ruleSelected))
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(lambda: self._emit(self.editRequested))
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(lambda: self._emit(self.removeRequested))
        self.empty = QLabel("No rules yet. Right-click a row of the merged view (or use the "
                            "buttons in the register details) to add one, or let "
                            "“Suggest rules…” propose a set.")
        self.empty.setWordWrap(True)
        self.empty.setEnabled(False)
        # A flow, not a row: the buttons wrap so the dock can be narrowed below their width.
        buttons = FlowLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.remove_button)
        self.extra = buttons  # the rules layer adds Suggest here
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    def current_rule(self) -> Rule | None:
        index = self.table.currentIndex()
        return index.data(RuleRole) if index.isValid() else None

    def set_rules(self, ruleset: RuleSet, counts: Mapping[int, int] | None) -> None:
        m = self.model
        if (tuple(ruleset) == m.rules and (counts is not None) == m.evaluated
                and dict(counts or {}) == m.counts):
            return  # the rules layer calls this for the verdict and for the rules: once will do
        keep = self.current_rule()
        self.model.set_rules(ruleset, counts)
        if keep is not None and keep.register in ruleset:
            self.table.selectRow(ruleset.index_of(keep.register))
        self.empty.setVisible(not ruleset.rules)
        self._update_buttons()

    def _emit(self, signal) -> None:
        rule = self.current_rule()
        if rule is not None:
            signal.emit(rule)

    def _update_buttons(self) -> None:
        has = self.current_rule() is not None
        self.edit_button.setEnabled(has)
        self.remove_button.setEnabled(has)


def select_register_row(window, register: int, vcpu: int | None = None) -> bool:
    """Show ``register``'s first visible row (``vcpu``'s, when given) in the merged view;
    False when the filters hide it."""
    proxy = window.proxy
    for row in range(proxy.rowCount()):
        record = proxy.index(row, 0).data(RecordRole)
        if record is not None and record.id == register and vcpu in (None, record.vcpu):
            window.view.select_proxy_row(row)
            return True
    return False

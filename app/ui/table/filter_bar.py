"""The row above the merged view: status toggles with counts, guest-state switch, vCPU, search.

Each control writes straight into DiffFilterProxy; the bar holds no filter state of its own.
The status toggles and the guest-state switch are QActions (``status_actions``,
``hide_state_action``) so the View menu shows the very same checkable state as the buttons.
Status buttons show the number of rows in that state; a state with no rows (e.g. "present",
or "tolerated" before any rule exists) has no button. The bar drives the cpreg table only;
on the CPU state tab ``set_scope_note`` says so next to the counts.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from app.ui import theme
from app.ui.table.filter_proxy import DiffFilterProxy

ALWAYS_SHOWN = ("unexpected", "missing", "value-mismatch", "match")


class FilterBar(QWidget):
    def __init__(self, proxy: DiffFilterProxy, parent=None):
        super().__init__(parent)
        self.proxy = proxy
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self.buttons: dict[str, QToolButton] = {}
        self.status_actions: dict[str, QAction] = {}
        for key, style in theme.STYLES.items():
            action = QAction(theme.status_icon(key), style.label, self)
            action.setCheckable(True)
            action.setChecked(key in proxy.statuses)
            action.setToolTip(f"Show {style.label.lower()} rows: {style.meaning}")
            action.toggled.connect(lambda on, k=key: proxy.set_status_visible(k, on))
            button = QToolButton()
            button.setDefaultAction(action)  # the button mirrors the action's text and state
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setAutoRaise(True)
            button.setVisible(key in ALWAYS_SHOWN)
            self.status_actions[key], self.buttons[key] = action, button
            layout.addWidget(button)
        self.hide_state_action = QAction("Hide guest-state value differences", self)
        self.hide_state_action.setCheckable(True)
        self.hide_state_action.setChecked(proxy.hide_state)
        self.hide_state_action.toggled.connect(proxy.set_hide_state)
        self.hide_state = QCheckBox(self.hide_state_action.text())
        self.hide_state.setToolTip("Value mismatches of registers of class 'state' (guest "
                                   "registers whose values legitimately differ between VMs)")
        self.hide_state.setChecked(proxy.hide_state)
        # A checkbox cannot take a QAction: keep the two in step (toggled fires on change only).
        self.hide_state.toggled.connect(self.hide_state_action.setChecked)
        self.hide_state_action.toggled.connect(self.hide_state.setChecked)
        layout.addSpacing(8)
        layout.addWidget(self.hide_state)
        self.scope_note = QLabel("filters apply to cpregs")
        self.scope_note.setObjectName("filterScopeNote")
        self.scope_note.setToolTip("These toggles, the vCPU choice and the search filter the "
                                   "cpregs tab; the CPU state and Stream tabs have their own rows")
        self.scope_note.hide()
        layout.addSpacing(8)
        layout.addWidget(self.scope_note)
        layout.addStretch(1)
        self.vcpu = QComboBox()
        self.vcpu.setToolTip("Show every vCPU, or one")
        self.vcpu.currentIndexChanged.connect(
            lambda _i: proxy.set_vcpu(self.vcpu.currentData()))
        layout.addWidget(self.vcpu)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name or id (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.search.textChanged.connect(proxy.set_text)
        layout.addWidget(self.search)
        self.set_vcpus([])

    def set_counts(self, counts: dict[str, int]) -> None:
        for key, button in self.buttons.items():
            n = counts.get(key, 0)
            self.status_actions[key].setText(f"{theme.STYLES[key].label} {n}")
            self.status_actions[key].setVisible(key in ALWAYS_SHOWN or n > 0)
            button.setVisible(key in ALWAYS_SHOWN or n > 0)

    def set_scope_note(self, shown: bool) -> None:
        """Say "filters apply to cpregs" (the CPU state tab is active: the counts and filters
        here are the cpreg table's, not the visible tab's)."""
        self.scope_note.setVisible(shown)

    def set_vcpus(self, vcpus: list[int]) -> None:
        # Keep the chosen vCPU when the new diff still has it (reload, swap).
        keep = self.vcpu.currentData()
        self.vcpu.blockSignals(True)  # avoid one filter pass per inserted item
        self.vcpu.clear()
        self.vcpu.addItem("All vCPUs", None)
        for v in vcpus:
            self.vcpu.addItem(f"vCPU {v}", v)
        index = self.vcpu.findData(keep) if keep is not None else 0
        self.vcpu.setCurrentIndex(max(index, 0))
        self.vcpu.blockSignals(False)
        self.proxy.set_vcpu(self.vcpu.currentData())

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

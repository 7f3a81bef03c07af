"""The row above the merged view: status chips with counts, guest-state switch, vCPU, search.

Each control writes straight into DiffFilterProxy; the bar holds no filter state of its own.
The status toggles and the guest-state switch are checkable QActions (``status_actions``,
``hide_state_action``) that the View → Filters menu shows with their check marks; the chips
(``buttons``, FilterChip) mirror them. Chips show the number of rows in that state on the
chosen vCPU (or on all); a state with no rows at all (e.g. "present", or "tolerated" before
any rule exists) has no chip. Typing in the search field filters once typing pauses
(``SEARCH_DELAY_MS``); Enter, and any programmatic ``setText``, filter at once. The bar
drives the cpreg table only; on the CPU state tab ``set_scope_note`` says so.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.ui import theme
from app.ui.flow_layout import FlowLayout
from app.ui.table.filter_chip import FilterChip
from app.ui.table.filter_proxy import DiffFilterProxy

ALWAYS_SHOWN = ("unexpected", "missing", "value-mismatch", "match")
SEARCH_DELAY_MS = 200  # a pause in typing this long applies the search


class FilterBar(QWidget):
    def __init__(self, proxy: DiffFilterProxy, parent=None):
        super().__init__(parent)
        self.proxy = proxy
        layout = FlowLayout(self)  # wraps to a second line in a narrow window
        layout.setContentsMargins(6, 4, 6, 4)
        self.buttons: dict[str, FilterChip] = {}
        self.status_actions: dict[str, QAction] = {}
        self._all_counts: dict[str, int] = {}
        self._counted_vcpu: int | None = None  # the vCPU the chips count
        # The vCPU can also be set on the proxy itself (session restore): follow it.
        proxy.filtersChanged.connect(
            lambda: self._show_counts() if proxy.vcpu != self._counted_vcpu else None)
        for key, style in theme.STYLES.items():
            # No icon on the action: a menu draws an icon *instead of* the check mark.
            action = QAction(style.label, self)
            action.setCheckable(True)
            action.setChecked(key in proxy.statuses)
            action.toggled.connect(lambda on, k=key: proxy.set_status_visible(k, on))
            button = FilterChip(key, action)
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
        self.vcpu.currentIndexChanged.connect(lambda _i: self._vcpu_chosen())
        layout.addWidget(self.vcpu)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name or id (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        # Typing restarts the timer (textEdited comes before textChanged); a textChanged
        # without a running timer is a programmatic change (clear button, session restore).
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_search)
        self.search.textEdited.connect(lambda _t: self.search_timer.start())
        self.search.textChanged.connect(self._text_changed)
        self.search.returnPressed.connect(self.apply_search)
        layout.addWidget(self.search)
        self.set_vcpus([])
        self.set_counts({})

    def apply_search(self) -> None:
        """Filter by the search field's text now (what the typing pause or Enter does)."""
        self.search_timer.stop()
        self.proxy.set_text(self.search.text())

    def _text_changed(self, _text: str) -> None:
        if not self.search_timer.isActive():
            self.apply_search()

    def set_counts(self, counts: dict[str, int]) -> None:
        """``counts``: rows per status key on every vCPU (the chips show the chosen vCPU's)."""
        self._all_counts = dict(counts)
        self._show_counts()

    def _show_counts(self) -> None:
        vcpu = self._counted_vcpu = self.proxy.vcpu
        shown = self._all_counts if vcpu is None else self.proxy.status_counts()
        where = "all vCPUs" if vcpu is None else f"vCPU {vcpu}"
        for key, button in self.buttons.items():
            style, action = theme.STYLES[key], self.status_actions[key]
            n, total = shown.get(key, 0), self._all_counts.get(key, 0)
            action.setText(f"{style.label} {n}")
            action.setToolTip(f"Show {style.label.lower()} rows ({n} on {where}): "
                              f"{style.meaning}")
            action.setVisible(key in ALWAYS_SHOWN or total > 0)
            button.setVisible(key in ALWAYS_SHOWN or total > 0)

    def _vcpu_chosen(self) -> None:
        self.proxy.set_vcpu(self.vcpu.currentData())  # filtersChanged: the counts follow

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
        self._vcpu_chosen()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

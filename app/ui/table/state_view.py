"""The "CPU state" tab: core registers and GIC CPU-interface state, apart from the cpregs.

Rows come from ``app.model.state_diff.diff_state(src, dst)`` (via ``Session.state_diff``):
per vCPU, the ``core`` group (X0..X30, SP, PC, PSTATE, V0..V31...) and the ``gic`` group
(ICC_* under their architectural names). They reuse the merged view's table model, proxy and
delegate, so colours, sorting and the details panel (bit strip, field table) work the same;
the Class column is headed "Group". Above the table: what QEMU does with each vCPU whose
enablement differs (``presence``) and the diff's notes (e.g. a GICv2 notice). These rows
never reach the verdict, so the tab says so and offers no rule actions.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.model.compare.state_diff import StateDiff
from app.ui.plain_text import plain_label
from app.ui.table.diff_model import Column, DiffTableModel
from app.ui.table.diff_view import DiffView
from app.ui.table.filter_proxy import DiffFilterProxy
from app.ui.theme import STYLES

NOT_IN_VERDICT = ("CPU state outside the cpreg arrays (core registers, GIC CPU interface). "
                  "Shown for comparison only: it never changes the cpreg verdict, and rules "
                  "do not apply to it.")


class StateTableModel(DiffTableModel):
    """DiffTableModel over ``StateDiff.rows``; the Class column is the group (core / gic)."""

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and section == Column.CLASS):
            return "Group"
        return super().headerData(section, orientation, role)


def presence_text(state: StateDiff | None) -> str:
    """The vCPU enablement differences and the diff's notes, one line each (plain text:
    notes quote the streams)."""
    if state is None:
        return ""
    lines = [f"vCPU {p.vcpu}: source {_side(p.src)}, destination {_side(p.dst)} — {p.outcome}"
             for p in state.presence if p.differs]
    if state.presence and not lines:
        lines.append(f"vCPU enablement: all {len(state.presence)} vCPUs agree")
    lines += state.notes
    return "\n".join(lines)


def _side(presence) -> str:
    if presence is None:
        return "absent"
    return "enabled" if presence.enabled else "disabled"


class StatePage(QWidget):
    """The tab's contents; ``set_state`` feeds it (None: no pair)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.state: StateDiff | None = None
        self.notice = QLabel(NOT_IN_VERDICT)
        self.notice.setObjectName("stateNotice")
        self.notice.setWordWrap(True)
        self.presence = plain_label()
        self.presence.setObjectName("statePresence")
        self.presence.setWordWrap(True)
        self.presence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = StateTableModel(self)
        self.proxy = DiffFilterProxy(self)
        self.proxy.set_hide_state(False)
        self.proxy.set_statuses(STYLES)  # every row, equal ones included: a full inventory
        self.proxy.setSourceModel(self.model)
        self.view = DiffView()
        self.view.setObjectName("stateView")
        self.view.setModel(self.proxy)
        self.view.setColumnHidden(Column.RULE, True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 0)
        layout.addWidget(self.notice)
        layout.addWidget(self.presence)
        layout.addWidget(self.view, 1)

    def set_state(self, state: StateDiff | None, accel: str) -> None:
        self.state = state
        self.model.set_diff(state, accel)  # only ``.rows`` is read (HasRows)
        text = presence_text(state)
        self.presence.setText(text)
        self.presence.setVisible(bool(text))
        if state is not None and not state.rows:
            self.presence.setText((text + "\n" if text else "")
                                  + "Neither side records CPU state outside the cpreg arrays.")
            self.presence.show()

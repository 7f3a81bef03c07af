"""Which rows of the merged view are shown, and in what order.

A QSortFilterProxyModel over DiffTableModel: status toggles, "hide guest-state value
differences", a text search over name/aliases/id/encoding and a vCPU selector. It only asks
the source model for facts (status, class, name) — it never judges a row itself. With no sort
column it keeps the source order, which is QEMU's merge order.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Signal

from app.model.compare.diff import Status
from app.model.registers import regdb
from app.model.registers.regid import format_id
from app.ui.table.diff_model import DiffTableModel, SortRole
from app.ui.theme import STYLES

DEFAULT_STATUSES = frozenset(k for k in STYLES if k != Status.MATCH.value)


class DiffFilterProxy(QSortFilterProxyModel):
    filtersChanged = Signal()  # after any filter setting changes (summary "N of M shown")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SortRole)
        self._statuses = set(DEFAULT_STATUSES)
        self._hide_state = True
        self._text = ""
        self._vcpu: int | None = None

    def source(self) -> DiffTableModel:
        # Always one: the window and the state page set a DiffTableModel (hot path: no check).
        return cast(DiffTableModel, self.sourceModel())

    # -- settings ---------------------------------------------------------------------------
    @property
    def statuses(self) -> frozenset[str]:
        return frozenset(self._statuses)

    def set_status_visible(self, key: str, visible: bool) -> None:
        self._update(lambda: (self._statuses.add if visible else self._statuses.discard)(key))

    def set_statuses(self, keys) -> None:
        self._update(lambda: setattr(self, "_statuses", set(keys)))

    @property
    def hide_state(self) -> bool:
        return self._hide_state

    def set_hide_state(self, hide: bool) -> None:
        self._update(lambda: setattr(self, "_hide_state", bool(hide)))

    @property
    def text(self) -> str:
        return self._text

    def set_text(self, text: str) -> None:
        self._update(lambda: setattr(self, "_text", text.strip().lower()))

    @property
    def vcpu(self) -> int | None:
        return self._vcpu

    def set_vcpu(self, vcpu: int | None) -> None:
        self._update(lambda: setattr(self, "_vcpu", vcpu))

    def refilter(self) -> None:
        """Re-run the filter after the source model's annotations changed."""
        self._update(lambda: None)

    def _update(self, change) -> None:
        # Qt >= 6.9: begin/endFilterChange replaces invalidateRowsFilter and keeps the
        # selection/current index mapping consistent across the change.
        self.beginFilterChange()
        change()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        self.filtersChanged.emit()

    # -- QSortFilterProxyModel --------------------------------------------------------------
    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.source()
        row = model.record(source_row)
        if self._vcpu is not None and row.vcpu != self._vcpu:
            return False
        if model.status_key(source_row) not in self._statuses:
            return False
        if (self._hide_state and row.status is Status.VALUE_MISMATCH
                and model.info(source_row).cls in regdb.GUEST_STATE_CLASSES):
            return False
        if self._text:
            info = model.info(source_row)
            haystack = " ".join((info.name, *info.aliases, format_id(row.id),
                                 info.encoding.text(), info.encoding.text("long"))).lower()
            return self._text in haystack
        return True

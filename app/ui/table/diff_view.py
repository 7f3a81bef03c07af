"""The merged-view table: keyboard navigation between differences, copying rows, row menus.

Alt+Down/Alt+Up jump between differences (actions owned by the window call
``goto_difference``; ``select_next(kind, forward)`` jumps to the next/previous difference or
blocking row), Enter emits ``detailsRequested``, the Menu key or Shift+F10 opens the
row menu at the current row, Ctrl+C copies the selected rows as
tab-separated text with a header. The context menu offers copy/details and then asks every
registered hook (``add_context_menu_hook``) to add its own actions for the clicked rows — that
is where rule editing plugs in.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView

from app.model.compare.diff import DiffRow
from app.ui.table.change_map import ChangeMap
from app.ui.table.diff_model import HEADERS, Column, RecordRole
from app.ui.table.filter_proxy import DiffFilterProxy
from app.ui.table.value_delegate import ValueDelegate

ContextMenuHook = Callable[[QMenu, list[DiffRow]], None]


class DiffView(QTableView):
    detailsRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._hooks: list[ContextMenuHook] = []
        self.change_map = ChangeMap(self)  # beside the vertical scrollbar (updateGeometries)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setAlternatingRowColors(False)  # status tints already separate rows
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.activated.connect(lambda _index: self.detailsRequested.emit())
        self._delegate = ValueDelegate(self)
        for col in (Column.SRC, Column.DST):
            self.setItemDelegateForColumn(col, self._delegate)

    def setModel(self, model) -> None:
        super().setModel(model)
        self.change_map.follow(model)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        widths = {Column.VCPU: 48, Column.STATUS: 140, Column.NAME: 200, Column.ID: 175,
                  Column.SRC: 175, Column.DST: 175, Column.CLASS: 80}
        for col, width in widths.items():
            self.setColumnWidth(col, width)
        # -1 = no sort column: the proxy then keeps QEMU's merge order.
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

    def updateGeometries(self) -> None:
        # QTableView sets the viewport margins to the headers' sizes (right margin 0) here:
        # take a right margin for the change map and put the map in it, between the rows
        # and the scrollbar. The nested call this causes returns at once in QTableView
        # (its recursion guard) and finds the margin already set, so it settles.
        super().updateGeometries()
        if self.isRightToLeft():  # QTableView uses the right margin for the row header there
            self.change_map.hide()
            return
        margins = self.viewportMargins()
        if margins.right() != self.change_map.width():
            self.setViewportMargins(margins.left(), margins.top(), self.change_map.width(),
                                    margins.bottom())
        self.change_map.place(self.viewport().geometry())

    def add_context_menu_hook(self, hook: ContextMenuHook) -> None:
        """``hook(menu, rows)`` adds actions to the row context menu before it opens."""
        self._hooks.append(hook)

    # -- what is selected ---------------------------------------------------------------------
    def current_record(self) -> DiffRow | None:
        index = self.currentIndex()
        return index.data(RecordRole) if index.isValid() else None

    def selected_records(self) -> list[DiffRow]:
        if self.selectionModel() is None:
            return []
        rows = sorted(i.row() for i in self.selectionModel().selectedRows())
        return [self.model().index(r, 0).data(RecordRole) for r in rows]

    def select_proxy_row(self, row: int) -> None:
        index = self.model().index(row, Column.NAME)
        self.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    # -- navigation and copy --------------------------------------------------------------------
    def goto_difference(self, step: int) -> bool:
        """Select the next (step=1) or previous (step=-1) visible row that is not a match."""
        return self.select_next("difference", step > 0)

    def select_next(self, kind: str, forward: bool = True) -> bool:
        """Select the next (``forward``) or previous shown row of ``kind`` after/before the
        current row: "difference" (any status but match) or "blocking" (the verdict rejects
        the stream there). False, and the selection kept, when there is none that way.
        Searches the proxy's per-row bytes in C: instant at 77,824 rows."""
        proxy = self.model()
        if not isinstance(proxy, DiffFilterProxy) or proxy.rowCount() == 0:
            return False
        flags = proxy.marks(kind)
        here = self.currentIndex().row() if self.currentIndex().isValid() else -1
        if forward:
            row = flags.find(1, here + 1)
        else:
            row = flags.rfind(1, 0, here if here >= 0 else len(flags))
        if row < 0:
            return False
        self.select_proxy_row(row)
        return True

    def copy_text(self) -> str:
        """Selected rows as tab-separated text with a header line (what Ctrl+C copies)."""
        model = self.model()
        rows = sorted(i.row() for i in self.selectionModel().selectedRows())
        lines = ["\t".join(HEADERS)]
        for r in rows:
            lines.append("\t".join(str(model.index(r, c).data() or "")
                                   for c in range(len(HEADERS))))
        return "\n".join(lines) + "\n"

    def copy_selection(self) -> None:
        if self.selectionModel() and self.selectionModel().hasSelection():
            QGuiApplication.clipboard().setText(self.copy_text())

    def keyPressEvent(self, event) -> None:
        # QAbstractItemView's own Ctrl+C copies only the current cell's text: replace it.
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            event.accept()
            return
        # The Menu key / Shift+F10 do not reliably arrive as a context-menu event on every
        # platform plugin (offscreen, some X11 setups): open the row menu ourselves.
        shift_f10 = (event.key() == Qt.Key.Key_F10
                     and event.modifiers() == Qt.KeyboardModifier.ShiftModifier)
        if event.key() == Qt.Key.Key_Menu or shift_f10:
            self.show_row_menu()
            event.accept()
            return
        super().keyPressEvent(event)

    def show_row_menu(self) -> QMenu | None:
        """The row context menu at the current row (keyboard users); None without a row."""
        index = self.currentIndex()
        if not index.isValid():
            return None
        return self._context_menu(self.visualRect(index).center())

    def _context_menu(self, pos) -> QMenu | None:
        if not self.indexAt(pos).isValid():
            return None
        menu = QMenu(self)
        menu.addAction("Copy rows", QKeySequence.StandardKey.Copy, self.copy_selection)
        menu.addAction("Show details", self.detailsRequested.emit)
        rows = self.selected_records()
        for hook in self._hooks:
            hook(menu, rows)
        menu.popup(self.viewport().mapToGlobal(pos))
        return menu

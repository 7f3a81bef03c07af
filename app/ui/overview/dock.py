"""The Overview dock: builds its plots the first time it is shown, then keeps them current.

Start-up stays fast because nothing here imports pyqtgraph: the panel (app.ui.overview) is
imported when the dock first becomes visible. Changes to the diff, the filters, the sort order
or the rule annotations schedule one refresh (coalesced by a zero-delay timer, so a burst of
signals costs one pass); while the dock is hidden nothing is computed. Clicking a cell of the
bit map selects that register's row in the table and the bit's field in the details.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QLabel

from app.model.compare.diff import DiffRow
from app.ui.table.diff_model import RecordRole

MIN_WIDTH = 760  # px the dock takes from the details dock when it is first shown narrower
DETAILS_KEEP = 800  # px the details dock keeps then: its bit strip and field table stay legible


class OverviewDock(QDockWidget):
    def __init__(self, window):
        super().__init__("Overview", window)
        self.setObjectName("overviewDock")  # saveState()/restoreState() find docks by name
        self.win = window
        self.panel = None  # an OverviewPanel once first shown
        self.refreshes = 0  # how many times the plots were fed (tests check coalescing)
        placeholder = QLabel("Loading the plots…")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWidget(placeholder)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh)
        self.visibilityChanged.connect(self._visibility_changed)
        proxy = window.proxy
        for signal in (proxy.filtersChanged, proxy.modelReset, proxy.layoutChanged,
                       window.session.annotationsChanged, window.session.annotationsPatched):
            signal.connect(self.schedule)

    def setVisible(self, visible: bool) -> None:
        super().setVisible(visible)
        if visible:  # a tab behind the rules (the default layout): showing it means its tab
            self.raise_()

    def schedule(self, *_args) -> None:
        if self.panel is not None and self.isVisible():
            self._timer.start()

    def _visibility_changed(self, visible: bool) -> None:
        if not visible:
            return
        if self.panel is None:
            from app.ui.overview.plots import OverviewPanel  # imports pyqtgraph: only now

            self.panel = OverviewPanel()
            self.panel.cellClicked.connect(self.select_cell)
            self.setWidget(self.panel)
            # After the layout has placed the newly shown dock (not yet done here).
            QTimer.singleShot(0, self._widen)
        self.schedule()  # it may have missed changes while hidden

    def _widen(self) -> None:
        """Take room from the details dock beside it: 64 columns need width to be read."""
        details = self.win.details_dock
        if self.width() < MIN_WIDTH and details.isVisible() and not details.isFloating():
            total = self.width() + details.width()
            wanted = min(MIN_WIDTH, total - DETAILS_KEEP)
            if wanted > self.width():
                self.win.resizeDocks([details, self], [total - wanted, wanted],
                                     Qt.Orientation.Horizontal)

    def refresh(self) -> None:
        if self.panel is None:
            return
        proxy, model = self.win.proxy, self.win.model
        shown = proxy.source_rows()  # the proxy's own list: no index mapping per row
        rows = [model.record(i) for i in shown]
        tolerated = [model.status_key(i) == "tolerated" for i in shown]
        statuses = [(model.record(i).vcpu, model.status_key(i))
                    for i in range(model.rowCount())]
        self.panel.show_rows(rows, tolerated, statuses, model.accel,
                             any(n.tolerated for n in self.win.session.annotations.values()),
                             model.cpu_model)
        self.refreshes += 1

    def select_cell(self, record: DiffRow, field_name: str) -> None:
        """Select ``record``'s row in the table, show its details and the field ``field_name``."""
        proxy = self.win.proxy
        row = next((r for r in range(proxy.rowCount())
                    if proxy.index(r, 0).data(RecordRole) == record), -1)
        if row < 0:
            return  # filtered out since the map was drawn; the next refresh drops it
        self.win.view.select_proxy_row(row)
        self.win.show_details()
        if field_name:
            self.win.details.fields.select_field(field_name)


def install_overview(window) -> OverviewDock:
    """Add the (hidden) Overview dock beside the details dock and to the View menu (the
    window's default layout then makes it a tab behind the rules: MainWindow.pair_docks)."""
    dock = OverviewDock(window)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    window.splitDockWidget(window.details_dock, dock, Qt.Orientation.Horizontal)
    dock.hide()
    action = dock.toggleViewAction()
    action.setText("&Overview plots")
    window.actions.view_menu.addAction(action)
    return dock

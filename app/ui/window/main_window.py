"""The explorer window: start page or merged view, details dock, status-bar summary.

It wires widgets to the Session and turns user gestures (menus, drops, the start page) into
Session calls; it holds no register state itself. The wiring to the Session is in
window_wiring.py and the open / drop gestures in window_gestures.py (mixins of MainWindow). Extension points for later layers:
``add_banner`` (top of the central area, e.g. a verdict banner), ``add_side_panel`` (a dock on
the right, e.g. rules), ``view.add_context_menu_hook`` (row menus), ``actions`` (menus).
"""

from __future__ import annotations

from contextlib import ExitStack

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.details.panel import DetailsPanel
from app.ui.icons import app_icon
from app.ui.overview.dock import install_overview
from app.ui.rules.layer import install_rules
from app.ui.session.session import Session
from app.ui.settings import Settings
from app.ui.table.diff_model import Column, DiffTableModel
from app.ui.table.diff_view import DiffView
from app.ui.table.filter_bar import FilterBar
from app.ui.table.filter_proxy import DiffFilterProxy
from app.ui.table.state_view import StatePage
from app.ui.window.actions import Actions
from app.ui.window.gestures import WindowGestures
from app.ui.window.legend import Legend
from app.ui.window.progress import LoadProgress
from app.ui.window.start_page import StartPage
from app.ui.window.status_summary import Summary
from app.ui.window.wiring import WindowWiring


class MainWindow(WindowWiring, WindowGestures, QMainWindow):
    """The window: builds the widgets; wiring and gestures come from the mixins."""

    def __init__(self, settings: Settings | None = None, session: Session | None = None):
        super().__init__()
        self.setWindowTitle("Cpreg Explorer")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.settings = settings or Settings()
        self.session = session or Session(self)
        self._resources = ExitStack()  # extracted demo files live until the window closes
        self._patching = False  # a rule edit's few rows are being re-noted (_annotations_patched)
        self._state_shown = None  # the diff the CPU state tab was last filled for

        self.model = DiffTableModel(self)
        self.proxy = DiffFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = DiffView()
        self.view.setModel(self.proxy)
        self.view.setColumnHidden(Column.RULE, True)  # shown once rules annotate rows
        self.filter_bar = FilterBar(self.proxy)
        self.start_page = StartPage()
        diff_page = QWidget()
        page_layout = QVBoxLayout(diff_page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(0)
        page_layout.addWidget(self.filter_bar)
        self.summary = Summary(self.statusBar())
        page_layout.addWidget(self.summary.warning)
        self.state_page = StatePage()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("viewTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.view, "cpregs")
        self.tabs.addTab(self.state_page, "CPU state")
        self.tabs.setTabToolTip(1, "Core registers and GIC state: not part of the verdict")
        page_layout.addWidget(self.tabs, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.start_page)
        self.stack.addWidget(diff_page)
        central = QWidget()
        self.banner_layout = QVBoxLayout()  # empty until a layer adds a banner
        self.banner_layout.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(self.banner_layout)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.details = DetailsPanel()
        self.details_dock = self._dock(self.details, "Register details", "detailsDock",
                                       Qt.DockWidgetArea.BottomDockWidgetArea)
        self.legend = Legend()
        self.legend_dock = self._dock(self.legend, "Legend", "legendDock",
                                      Qt.DockWidgetArea.RightDockWidgetArea)
        self.legend_dock.hide()
        self.actions = Actions(self)
        for dock in (self.details_dock, self.legend_dock):
            self.actions.view_menu.addAction(dock.toggleViewAction())
        self.overview_dock = install_overview(self)  # hidden; pyqtgraph loads on first show
        self.progress = LoadProgress(self, self.session)
        self._connect()
        # After _connect: the rules layer's slots run after the window's own (title, notes).
        self.rules_layer = install_rules(self)
        self.resize(1440, 900)
        self.resizeDocks([self.details_dock], [360], Qt.Orientation.Vertical)
        self._restore_layout()
        self.details_dock.hide()  # the start page comes first
        self._refresh_all()

    # -- extension points --------------------------------------------------------------------
    def add_banner(self, widget: QWidget) -> None:
        """Put ``widget`` above the merged view (e.g. the verdict banner)."""
        self.banner_layout.addWidget(widget)

    def add_side_panel(self, widget: QWidget, title: str, object_name: str) -> QDockWidget:
        """Dock ``widget`` on the right (e.g. the rules panel); listed in the View menu."""
        dock = self._dock(widget, title, object_name, Qt.DockWidgetArea.RightDockWidgetArea)
        self.actions.view_menu.addAction(dock.toggleViewAction())
        return dock

    def _dock(self, widget, title, name, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # saveState()/restoreState() find docks by object name
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # -- window lifetime -----------------------------------------------------------------------
    def _restore_layout(self) -> None:
        geometry, state = self.settings.window_layout()
        if geometry:
            self.restoreGeometry(geometry)
        if state:
            self.restoreState(state)

    def closeEvent(self, event) -> None:
        if not self.rules_layer.files.close_allowed():
            event.ignore()  # unsaved rules: the question is open and closes again if told
            return
        self.settings.set_window_layout(bytes(self.saveGeometry()), bytes(self.saveState()))
        self.session.cancel_load()
        self.session.wait_idle()
        self._resources.close()
        super().closeEvent(event)

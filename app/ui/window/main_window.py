"""The explorer window: start page or merged view, details dock, status-bar summary.

It builds the widgets and the parts it owns and calls: ``page`` (DiffPage: the table tabs and
their counts), ``gestures`` (WindowGestures: open dialogs, drops, the demo), ``actions``
(Actions: the menus) and ``pair_docks`` (PairDocks: which docks show with a pair, the default
tabs, the details' height). When the Session changes, the window's slots say which parts refresh,
in the order that matters; it holds no register state itself. Extension points for later
layers: ``add_banner`` (top of the central area, e.g. a verdict banner), ``add_side_panel``
(a dock on the right, e.g. rules), ``view.add_context_menu_hook`` (row menus), ``actions``.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack

from PySide6.QtCore import QItemSelectionModel, QSize, Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from app.ui import theme
from app.ui.crash import CrashGuard
from app.ui.details.panel import DetailsPanel
from app.ui.icons import app_icon
from app.ui.overview.dock import install_overview
from app.ui.rules.layer import install_rules
from app.ui.session.autosave import Autosaver
from app.ui.session.session import Session
from app.ui.settings import Settings
from app.ui.window.actions import Actions
from app.ui.window.dialogs import show_load_error
from app.ui.window.diff_page import DiffPage
from app.ui.window.docks import PairDocks
from app.ui.window.gestures import WindowGestures, accepts_drop, dropped_paths
from app.ui.window.legend import Legend
from app.ui.window.progress import LoadProgress
from app.ui.window.start_page import StartPage
from app.ui.window.status_summary import SummaryBar

START_PAGE, DIFF_PAGE = 0, 1  # the central stack's pages
# How long closing waits for a cancelled worker. A reader checks for cancellation between
# chunks, so a live one stops at once; one stuck in a read that never returns (a hung network
# file system) is left behind, and app.run ends the process without waiting for it.
CLOSE_WAIT_MS = 2000

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """The window: builds the widgets and parts, and says which refresh when."""

    # The menus part, where the layers and tests find them. It hides QWidget.actions(), so it
    # is callable the same way (Actions.__call__).
    actions: Actions

    def __init__(self, settings: Settings | None = None, session: Session | None = None):
        super().__init__()
        self.setWindowTitle("Cpreg Explorer")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.settings = settings or Settings()
        self.session = session or Session(self)
        # Set by app.start for the application's window (tests build windows without them).
        self.autosaver: Autosaver | None = None
        self.crash_guard: CrashGuard | None = None
        self._resources = ExitStack()  # extracted demo files live until the window closes
        self.gestures = WindowGestures(self, self.session, self.settings, self._resources)

        self.summary = SummaryBar(self.statusBar())
        self.page = DiffPage(self.session, self.summary)
        # The page's widgets, by the names the layers and tests use.
        self.model, self.proxy, self.view = self.page.model, self.page.proxy, self.page.view
        self.filter_bar, self.tabs = self.page.filter_bar, self.page.tabs
        self.state_page = self.page.state_page
        self.start_page = StartPage()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.start_page)
        self.stack.addWidget(self.page)
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
        self.actions = Actions(self, self.session, self.gestures, self.page, self.settings,
                               clear_recent=self.clear_recent)
        for dock in (self.details_dock, self.legend_dock):
            self.actions.view_menu.addAction(dock.toggleViewAction())
        self.summary.follow(self.session, self.actions.view_menu)
        self.overview_dock = install_overview(self)  # hidden; pyqtgraph loads on first show
        self.progress = LoadProgress(self, self.session)
        self._connect()
        # After _connect: the rules layer's slots run after the window's own (title, notes).
        self.rules_layer = install_rules(self)
        # Details and rules come with a pair; the overview and legend when asked for, as tabs
        # behind the rules: side by side they need more than a 1280-px screen.
        self.pair_docks = PairDocks(self, {self.details_dock: True,
                                           self.rules_layer.dock: True,
                                           self.overview_dock: False})
        self.resize(default_size(self.screen().availableGeometry().size()))
        self.resizeDocks([self.details_dock], [360], Qt.Orientation.Vertical)
        restored = self._restore_layout()
        self.pair_docks.show_pair(False)  # the start page comes first
        if not restored:  # the default layout; a saved one keeps the user's arrangement
            self.pair_docks.stack_as_tabs(self.rules_layer.dock, self.overview_dock,
                                          self.legend_dock)
        self._refresh_all()
        if self.settings.problems:  # a settings file was set aside: say so, then carry on
            self.statusBar().showMessage(" ".join(self.settings.problems), 30000)

    # -- extension points --------------------------------------------------------------------
    def add_banner(self, widget: QWidget) -> None:
        """Put ``widget`` above the merged view (e.g. the verdict banner)."""
        self.banner_layout.addWidget(widget)

    def add_side_panel(self, widget: QWidget, title: str, object_name: str) -> QDockWidget:
        """Dock ``widget`` on the right (e.g. the rules panel); listed in the View menu."""
        dock = self._dock(widget, title, object_name, Qt.DockWidgetArea.RightDockWidgetArea)
        self.actions.view_menu.addAction(dock.toggleViewAction())
        return dock

    def _dock(self, widget: QWidget, title: str, name: str,
              area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # saveState()/restoreState() find docks by object name
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # -- gestures (the part does the work) ----------------------------------------------------
    def open_pair(self, src: str, dst: str) -> None:
        self.gestures.open_pair(src, dst)

    def open_dropped(self, paths: list[str]) -> None:
        self.gestures.open_dropped(paths)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if accepts_drop(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event.mimeData())
        event.acceptProposedAction()
        self.gestures.open_dropped(paths)

    def clear_recent(self) -> None:
        self.settings.clear_recent()
        self.start_page.set_recent([])

    def show_details(self) -> None:
        self.pair_docks.want(self.details_dock)
        self.details_dock.show()
        self.details_dock.raise_()
        fields = self.details.fields
        if fields.isVisible():
            fields.setFocus(Qt.FocusReason.OtherFocusReason)
            if not fields.currentIndex().isValid():
                fields.selectionModel().setCurrentIndex(
                    fields.model().index(0, 0), QItemSelectionModel.SelectionFlag.NoUpdate)

    # -- following the Session ----------------------------------------------------------------
    def _connect(self) -> None:
        s = self.session
        s.sourcesChanged.connect(self._sources_changed)
        s.diffChanged.connect(self._diff_changed)
        s.selectionChanged.connect(
            lambda row: self.details.show_record(
                row, s.accel, None if s.selected_is_state else s.diff, cpu_model=s.cpu_model))
        s.annotationsChanged.connect(self._annotations_changed)
        s.annotationsPatched.connect(self.page.patch_notes)
        s.loadFailed.connect(lambda exc: show_load_error(self, exc))
        s.busyChanged.connect(lambda _busy: self.actions.update_enabled(s))
        self.page.detailsRequested.connect(self.show_details)
        sp, g = self.start_page, self.gestures
        sp.openSourceRequested.connect(g.open_source_dialog)
        sp.openDestinationRequested.connect(g.open_destination_dialog)
        sp.openDemoRequested.connect(g.open_demo)
        sp.openPairRequested.connect(g.open_pair)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._scheme_changed)

    def _sources_changed(self) -> None:
        s = self.session
        self.start_page.set_sides(s.src_path, s.dst_path)
        if s.src_path and s.dst_path:
            self.settings.add_recent_pair(s.src_path, s.dst_path)
            self.start_page.set_recent(self.settings.recent_pairs())
        # The title (pair, rule file, modified marker) is kept by the rules layer (rule_files).
        self.actions.update_enabled(s)

    def _diff_changed(self) -> None:
        self.page.show_diff()
        self._refresh_all()
        if self.session.diff is not None:
            self.view.goto_difference(1)  # start where the first problem is, as Meld does

    def _annotations_changed(self) -> None:
        self.page.show_notes()
        self._refresh_all()

    def _refresh_all(self) -> None:
        has_diff = self.session.diff is not None
        if has_diff != self.pair_docks.shown:
            # Details and rules mean nothing on the start page; back with the first diff.
            self.pair_docks.show_pair(has_diff)
            if has_diff:
                self.pair_docks.fit(self.details_dock, self.details.page_height, self.tabs)
        self.stack.setCurrentIndex(DIFF_PAGE if has_diff else START_PAGE)
        self.start_page.set_recent(self.settings.recent_pairs())
        self.actions.update_enabled(self.session)
        self.page.refresh_counts()

    def _scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        theme.sync_palette()
        self.model.refresh()
        self.legend.refresh()
        self.details.update()

    # -- window lifetime -----------------------------------------------------------------------
    def _restore_layout(self) -> bool:
        """The saved geometry and dock layout; whether a dock layout was restored."""
        geometry, state = self.settings.window_layout()
        if geometry:
            self.restoreGeometry(geometry)
        if state and self.restoreState(state):
            self.pair_docks.take_restored()
            return True
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.pair_docks.shown:  # a shorter window: the details keep their rows if they can
            self.pair_docks.fit(self.details_dock, self.details.page_height, self.tabs)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.rules_layer.files.close_allowed():
            event.ignore()  # unsaved rules: the question is open and closes again if told
            return
        self.pair_docks.restore_wanted()  # a layout saved on the start page keeps them
        self.settings.set_window_layout(bytes(self.saveGeometry().data()),
                                        bytes(self.saveState().data()))
        self.session.cancel_load()
        if not self.session.wait_idle(CLOSE_WAIT_MS):
            log.warning("a background load did not stop within %.0f s of being cancelled; "
                        "it is left to end with the process", CLOSE_WAIT_MS / 1000)
        self._resources.close()
        super().closeEvent(event)


DEFAULT_SIZE = QSize(1440, 900)


def default_size(available: QSize) -> QSize:
    """The first window's size: 1440×900, or the screen's free area on a smaller screen (a
    1366×768 laptop gets the whole of it, minus panels) so nothing opens off screen."""
    return DEFAULT_SIZE.boundedTo(available) if available.isValid() else DEFAULT_SIZE

"""The explorer window: start page or merged view, details dock, status-bar summary.

It wires widgets to the Session and turns user gestures (menus, drops, the start page) into
Session calls; it holds no register state itself. Extension points for later layers:
``add_banner`` (top of the central area, e.g. a verdict banner), ``add_side_panel`` (a dock on
the right, e.g. rules), ``view.add_context_menu_hook`` (row menus), ``actions`` (menus).
"""

from __future__ import annotations

from contextlib import ExitStack

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QDockWidget, QFileDialog, QMainWindow, QStackedWidget,
                               QTabWidget, QVBoxLayout, QWidget)

from . import theme
from .actions import Actions
from .details import DetailsPanel
from .diff_model import Column, DiffTableModel, RecordRole
from .diff_view import DiffView
from .dialogs import ask_side, show_load_error
from .filter_bar import FilterBar
from .filter_proxy import DiffFilterProxy
from .icons import app_icon
from .legend import Legend
from .overview_dock import install_overview
from .rules_layer import install_rules
from .progress import LoadProgress
from .session import Session
from .settings import Settings
from .start_page import StartPage
from .state_view import StatePage
from .summary import Summary

FILE_FILTER = "Register sources (*.mig *.bin *.json *.txt *.log);;All files (*)"


def dropped_paths(mime) -> list[str]:
    """Local files in a drop (URLs of other schemes are not register sources)."""
    if not mime.hasUrls():
        return []
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]


class MainWindow(QMainWindow):
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

    # -- wiring ------------------------------------------------------------------------------
    def _connect(self) -> None:
        s = self.session
        s.sourcesChanged.connect(self._sources_changed)
        s.diffChanged.connect(self._diff_changed)
        s.selectionChanged.connect(
            lambda row: self.details.show_record(row, s.accel,
                                                 None if s.selected_is_state else s.diff))
        s.annotationsChanged.connect(self._annotations_changed)
        s.annotationsPatched.connect(self._annotations_patched)
        s.loadFailed.connect(lambda exc: show_load_error(self, exc))
        s.busyChanged.connect(lambda _busy: self.actions.update_enabled(s))
        self.proxy.filtersChanged.connect(self._update_summary)
        self.proxy.rowsInserted.connect(self._update_summary)
        self.proxy.rowsRemoved.connect(self._update_summary)
        self.view.selectionModel().currentRowChanged.connect(
            lambda current, _prev: s.select(current.data(RecordRole)
                                            if current.isValid() else None))
        self.view.detailsRequested.connect(self.show_details)
        self.state_page.view.selectionModel().currentRowChanged.connect(
            lambda current, _prev: s.select(current.data(RecordRole) if current.isValid()
                                            else None, state=True))
        self.state_page.view.detailsRequested.connect(self.show_details)
        self.tabs.currentChanged.connect(self._tab_changed)
        sp = self.start_page
        sp.openSourceRequested.connect(self.open_source_dialog)
        sp.openDestinationRequested.connect(self.open_destination_dialog)
        sp.openDemoRequested.connect(self.open_demo)
        sp.openPairRequested.connect(self.open_pair)
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
        s = self.session
        self.model.set_diff(s.diff, s.accel)
        self.model.set_annotations(s.annotations)
        self.filter_bar.set_vcpus(self.model.vcpus())
        self._state_shown = None
        self._tab_changed(self.tabs.currentIndex())
        self._refresh_all()
        if s.diff is not None:
            self.view.goto_difference(1)  # start where the first problem is, as Meld does

    def _annotations_changed(self) -> None:
        self.model.set_annotations(self.session.annotations)
        # An always-empty column is noise: the Rule column appears with the first note.
        self.view.setColumnHidden(Column.RULE, not self.session.annotations)
        self.proxy.refilter()  # "tolerated" rows may now be filtered differently
        self._refresh_all()

    def _tab_changed(self, index: int) -> None:
        """Fill the CPU state tab when first shown for this pair (diff_state runs then), and
        point the details at the tab's current row."""
        s, page = self.session, self.state_page
        if index == 1 and self._state_shown is not s.diff:
            self._state_shown = s.diff
            page.set_state(s.state_diff, s.accel)
        view = page.view if index == 1 else self.view
        current = view.currentIndex()
        s.select(current.data(RecordRole) if current.isValid() else None, state=index == 1)

    def _annotations_patched(self, changed) -> None:
        """A rule edit: only ``changed`` rows get new notes. No refilter(): the proxy
        (dynamicSortFilter) re-filters the rows whose dataChanged it receives."""
        self._patching = True  # one summary update below, not one per row moved in/out
        try:
            self.model.patch_notes(changed)
        finally:
            self._patching = False
        self.view.setColumnHidden(Column.RULE, not self.session.annotations)
        self.filter_bar.set_counts(self.model.counts())
        self._update_summary()

    def _refresh_all(self) -> None:
        has_diff = self.session.diff is not None
        if has_diff != (self.stack.currentIndex() == 1):
            # Details mean nothing on the start page; bring them back with the first diff.
            self.details_dock.setVisible(has_diff)
        self.stack.setCurrentIndex(1 if has_diff else 0)
        self.filter_bar.set_counts(self.model.counts())
        self.start_page.set_recent(self.settings.recent_pairs())
        self.actions.update_enabled(self.session)
        self._update_summary()

    def _update_summary(self, *_args) -> None:
        if self._patching:
            return
        s = self.session
        self.summary.update(s.src, s.dst, s.diff, self.model.counts(), self.proxy.rowCount(),
                            s.accel)

    def _scheme_changed(self, _scheme) -> None:
        theme.sync_palette()
        self.model.refresh()
        self.legend.refresh()
        self.details.update()

    # -- user gestures -------------------------------------------------------------------------
    def open_source_dialog(self) -> None:
        self._open_dialog("src", "Open source (incoming) register source")

    def open_destination_dialog(self) -> None:
        self._open_dialog("dst", "Open destination (local) register source")

    def _open_dialog(self, side: str, title: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, title, self.settings.last_dir(), FILE_FILTER)
        if path:
            self.settings.set_last_dir(path)
            self.open_file(path, side)

    def open_file(self, path: str, side: str | None) -> None:
        """A file naming both sides (a QEMU log) opens as the diff; any other file goes to
        ``side`` (None: the empty side, else ask)."""
        s = self.session
        if s.describes_both_sides(path):
            s.open_log(path)
            return
        side = side or ("src" if not s.src else "dst" if not s.dst else ask_side(self, path))
        if side is not None:
            s.open(**{side: path})

    def open_pair(self, src: str, dst: str) -> None:
        self.session.open(src, dst)

    def open_demo(self) -> None:
        from ..launcher import demo_paths

        self.open_pair(*demo_paths(self._resources))

    def clear_recent(self) -> None:
        self.settings.clear_recent()
        self.start_page.set_recent([])

    def show_details(self) -> None:
        self.details_dock.show()
        self.details_dock.raise_()
        if self.details.fields.isVisible():
            self.details.fields.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.details.fields.currentIndex().isValid():
                self.details.fields.selectionModel().setCurrentIndex(
                    self.details.fields.model().index(0, 0),
                    QItemSelectionModel.SelectionFlag.NoUpdate)

    # -- drag and drop -------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if 1 <= len(dropped_paths(event.mimeData())) <= 2:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = dropped_paths(event.mimeData())
        event.acceptProposedAction()
        self.open_dropped(paths)

    def open_dropped(self, paths: list[str]) -> None:
        """Two files: source then destination. One file: both sides when it is a QEMU log,
        else the empty side, else ask."""
        if len(paths) == 2:
            self.open_pair(*paths)
        elif len(paths) == 1:
            self.open_file(paths[0], None)

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

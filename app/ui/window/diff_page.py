"""The merged view's page: filter bar, vCPU warning strip, and the cpregs / CPU state / Stream
tabs.

A part the window owns (main_window.py) and calls when the Session changes: ``show_diff``
for a new pair, ``show_notes`` / ``patch_notes`` for the rules' row notes. On its own it
keeps the row selection in the Session (the current row of the active tab), fills the CPU
state tab the first time it is shown for a pair, fills the Stream tab (titled with the count of
differing RAM blocks and sections) for each pair, marks its failing part when the window says
which (``mark_stream_failure``), and keeps the status-bar counts (``SummaryBar``) about
whichever tab is active.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.model.compare.diff import Diff
from app.model.verdict.reason import Reason
from app.ui.plain_text import tip
from app.ui.session.session import Session
from app.ui.table.diff_model import Column, DiffTableModel, RecordRole, RowNote
from app.ui.table.diff_view import DiffView
from app.ui.table.filter_bar import FilterBar
from app.ui.table.filter_proxy import DiffFilterProxy
from app.ui.table.state_view import StatePage
from app.ui.table.stream_view import StreamPage
from app.ui.window.status_summary import SummaryBar

STATE_TAB, STREAM_TAB = 1, 2  # the indexes of the CPU state and Stream tabs


def _scrolling(page: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(page)
    return area


class DiffPage(QWidget):
    """The table side of the window, built and kept in step with the Session."""

    detailsRequested = Signal()  # Enter / double-click on a row of either tab

    def __init__(self, session: Session, summary: SummaryBar, parent: QWidget | None = None):
        super().__init__(parent)
        self._session = session
        self._summary = summary
        self._patching = False  # a rule edit's few rows are being re-noted (patch_notes)
        self._state_shown: Diff | None = None  # the diff the CPU state tab was filled for
        # (the reasons last given to mark_stream_failure, the one it marked), for this pair
        self._marked: tuple[tuple[Reason, ...], Reason | None] | None = None
        self.model = DiffTableModel(self)
        self.proxy = DiffFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = DiffView()
        self.view.setModel(self.proxy)
        self.view.setColumnHidden(Column.RULE, True)  # shown once rules annotate rows
        self.filter_bar = FilterBar(self.proxy)
        self.state_page = StatePage()
        self.stream_page = StreamPage()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("viewTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.view, "cpregs")
        # The CPU state and Stream pages (notes above a table) scroll when the window is
        # very short: the tab widget is as tall as its tallest page's minimum, and that
        # height would come out of the cpreg table's rows.
        self.tabs.addTab(_scrolling(self.state_page), "CPU state")
        self.tabs.setTabToolTip(STATE_TAB, "Core registers and GIC state: not part of the verdict")
        self.tabs.addTab(_scrolling(self.stream_page), "Stream")
        # The vCPU choice and the search go on the tab row's free right end: the filter bar
        # then keeps to one line at 1280 px, a line of table rows on a 720-px screen.
        corner = QWidget()
        corner_layout = QHBoxLayout(corner)
        corner_layout.setContentsMargins(0, 1, 6, 1)
        corner_layout.addWidget(self.filter_bar.vcpu)
        corner_layout.addWidget(self.filter_bar.search)
        self.tabs.setCornerWidget(corner, Qt.Corner.TopRightCorner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.filter_bar)
        layout.addWidget(summary.warning)
        layout.addWidget(self.tabs, 1)
        # Follow the user: the current row of either tab is the Session's selection.
        self.view.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self._select(current, state=False))
        self.state_page.view.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self._select(current, state=True))
        self.view.detailsRequested.connect(self.detailsRequested)
        self.state_page.view.detailsRequested.connect(self.detailsRequested)
        self.tabs.currentChanged.connect(self._tab_changed)
        for signal in (self.proxy.filtersChanged, self.proxy.rowsInserted,
                       self.proxy.rowsRemoved, self.stream_page.proxy.rowsInserted,
                       self.stream_page.proxy.rowsRemoved):
            signal.connect(self.update_summary)

    # -- what the window calls when the Session changes ------------------------------------------
    def show_diff(self) -> None:
        """The Session has a new diff (or none): rows, vCPUs, and the CPU state tab anew."""
        s = self._session
        self.model.set_diff(s.diff, s.accel, s.cpu_model)
        self.model.set_annotations(s.annotations)
        self.filter_bar.set_vcpus(self.model.vcpus())
        self._state_shown = None
        self._fill_stream()
        self._tab_changed(self.tabs.currentIndex())

    def _fill_stream(self) -> None:
        s, page = self._session, self.stream_page
        self._marked = None  # show_pair clears the mark
        title, about = page.show_pair(s.src, s.dst, s.stream_diff)
        self.tabs.setTabText(STREAM_TAB, title)
        self.tabs.setTabToolTip(STREAM_TAB, tip(about))  # notes name the stream's devices

    def mark_stream_failure(self, reasons: Iterable[Reason]) -> Reason | None:
        """Mark the part the first of ``reasons`` (blocking, stream-level, QEMU's order)
        names; that reason, or None when no RAM block or section fails. The same reasons
        as last time (most rule edits) change nothing: the page is not re-marked (that
        refilters its table)."""
        reasons = tuple(reasons)
        if self._marked is not None and self._marked[0] == reasons:
            return self._marked[1]
        marked = self.stream_page.mark_failure(reasons)
        self._marked = reasons, marked
        return marked

    def show_stream_failure(self) -> None:
        """The Stream tab, its failing row current (the banner's first-failure link)."""
        self.tabs.setCurrentIndex(STREAM_TAB)
        self.stream_page.select_failure()

    def show_notes(self) -> None:
        """Every row note was replaced (a new verdict)."""
        self.model.set_annotations(self._session.annotations)
        # An always-empty column is noise: the Rule column appears with the first note.
        self.view.setColumnHidden(Column.RULE, not self._session.annotations)
        self.proxy.refilter()  # "tolerated" rows may now be filtered differently

    def patch_notes(self, changed: Mapping[int, RowNote | None]) -> None:
        """A rule edit: only ``changed`` rows get new notes. No refilter(): the proxy
        re-checks just those rows (the model's statusChanged) and relayouts only when one of
        them enters or leaves the view."""
        self._patching = True  # one summary update below, not one per row moved in/out
        try:
            self.model.patch_notes(changed)
        finally:
            self._patching = False
        self.view.setColumnHidden(Column.RULE, not self._session.annotations)
        self.refresh_counts()

    def refresh_counts(self) -> None:
        """The filter bar's counts and the status bar, from the model as it is."""
        self.filter_bar.set_counts(self.model.counts())
        self.update_summary()

    def update_summary(self, *_args: object) -> None:
        if self._patching:
            return
        s = self._session
        if self.tabs.currentIndex() == STATE_TAB:  # its own rows, unfiltered
            page = self.state_page
            self._summary.update(s.src, s.dst, s.diff, page.model.counts(),
                                 page.proxy.rowCount(), s.accel, what="CPU state rows",
                                 cpu_model=s.cpu_model)
        elif self.tabs.currentIndex() == STREAM_TAB:
            sp = self.stream_page
            self._summary.update(s.src, s.dst, s.diff, sp.model.counts(), sp.proxy.rowCount(),
                                 s.accel, what="RAM blocks and sections",
                                 cpu_model=s.cpu_model)
        else:
            self._summary.update(s.src, s.dst, s.diff, self.model.counts(),
                                 self.proxy.rowCount(), s.accel, cpu_model=s.cpu_model)

    # -- following the user -----------------------------------------------------------------------
    def _select(self, current: QModelIndex | QPersistentModelIndex, *, state: bool) -> None:
        self._session.select(current.data(RecordRole) if current.isValid() else None,
                             state=state)

    def _tab_changed(self, index: int) -> None:
        """Fill the CPU state tab when first shown for this pair (diff_state runs then), and
        point the details at the tab's current row."""
        s, page = self._session, self.state_page
        if index == STATE_TAB and self._state_shown is not s.diff:
            self._state_shown = s.diff
            page.set_state(s.state_diff, s.accel)
        if index == STREAM_TAB:  # no register row: the details panel has nothing to show
            self._session.select(None)
        else:
            view = page.view if index == STATE_TAB else self.view
            self._select(view.currentIndex(), state=index == STATE_TAB)
        # The filter bar drives the cpreg proxy only: on the other tabs it says so, and the
        # status bar counts that tab's rows instead.
        self.filter_bar.set_scope_note(index != 0)
        self.update_summary()

"""MainWindow wiring: Session and widget signals to the window's views, and their refresh.

A mixin of ``MainWindow`` (main_window.py), split out so that how the views follow the
Session — new sources, a new diff, row notes replaced or patched, the active tab, the colour
scheme — reads in one place. The slots only copy Session state into widgets.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from app.ui import theme
from app.ui.table.diff_model import Column, RecordRole
from app.ui.window.dialogs import show_load_error


class WindowWiring:
    """``_connect`` and the slots it connects (mixed into MainWindow)."""

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
        # The filter bar drives the cpreg proxy only: on the state tab it says so, and the
        # status bar counts the state rows instead.
        self.filter_bar.set_scope_note(index == 1)
        self._update_summary()

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
        if self.tabs.currentIndex() == 1:  # the CPU state tab: its own rows, unfiltered
            page = self.state_page
            self.summary.update(s.src, s.dst, s.diff, page.model.counts(),
                                page.proxy.rowCount(), s.accel, what="CPU state rows")
        else:
            self.summary.update(s.src, s.dst, s.diff, self.model.counts(),
                                self.proxy.rowCount(), s.accel)

    def _scheme_changed(self, _scheme) -> None:
        theme.sync_palette()
        self.model.refresh()
        self.legend.refresh()
        self.details.update()

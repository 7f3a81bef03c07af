"""The OLD table path of a rule edit, for bench_interactive.py: the GUI's own model, proxy, view.

``TableBench`` builds app.ui's DiffTableModel + DiffFilterProxy + DiffView offscreen and times
``today``: what the window did after every verdict before rule edits became incremental (and
still does once per new pair or policy): ``summarize`` + ``row_notes`` over every row,
``set_annotations`` (a note per annotated row, dataChanged over every row, so the proxy
re-filters all of them, and a recount of every row), ``refilter()`` (all rows again),
``counts()`` twice (filter bar, status bar; cached now), one repaint. The new path is measured
on the real window by interactive_window.py.
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.model.verdict.summary import summarize  # noqa: E402
from app.ui.table.annotations import row_notes  # noqa: E402
from app.ui.table.diff_model import Column, DiffTableModel  # noqa: E402
from app.ui.table.diff_view import DiffView  # noqa: E402
from app.ui.table.filter_proxy import DiffFilterProxy  # noqa: E402


class TableBench:
    def __init__(self, live, verdict, rules):
        self.app = QApplication.instance() or QApplication([])
        self.live = live
        self.model = DiffTableModel()
        self.proxy = DiffFilterProxy()
        self.proxy.setSourceModel(self.model)
        self.view = DiffView()
        self.view.setModel(self.proxy)
        self.view.resize(1440, 700)
        self.view.show()
        self.model.set_diff(live.diff, live.accel)  # main_window._diff_changed
        self.model.set_annotations(row_notes(summarize(verdict, rules, live.diff), rules))
        self.counts = self.model.counts()
        self._paint()

    def _paint(self) -> None:
        self.app.processEvents()
        self.view.viewport().repaint()

    def today(self, verdict, rules) -> dict:
        """Seconds per phase of the window's current path, and how many notes it built."""
        t0 = time.perf_counter()
        notes = row_notes(summarize(verdict, rules, self.live.diff), rules)
        t1 = time.perf_counter()
        self.model.set_annotations(notes)
        self.view.setColumnHidden(Column.RULE, not notes)
        self.proxy.refilter()
        self.counts = self.model.counts()
        self.model.counts()
        t2 = time.perf_counter()
        self._paint()
        t3 = time.perf_counter()
        return {"notes": t1 - t0, "model": t2 - t1, "paint": t3 - t2, "total": t3 - t0,
                "objects": len(notes)}

"""The table side of a rule edit, for bench_interactive.py: the GUI's own model, proxy and view.

``TableBench`` builds app.ui's DiffTableModel + DiffFilterProxy + DiffView offscreen and feeds
them the way the window does (main_window._diff_changed / _annotations_changed, rules_layer
._verdict_changed). Two ways to apply a rule edit are timed:

- ``today``: what the window does now after every verdict: ``summarize`` + ``row_notes`` over
  every row, ``set_annotations`` (a note per annotated row, dataChanged over every row, so the
  proxy re-filters all of them), ``refilter()`` (all rows again), ``counts()`` twice (filter
  bar, status bar), one repaint;
- ``changed_only``: the change the GUI needs, EMULATED here without editing app/ui: notes for
  the LiveVerdict's ``last_changed`` rows and the rows of its ``last_edited`` registers only
  (their Rule column words change even when their verdict does not), written into the model's note dict, one
  dataChanged per changed row (the proxy's dynamic filter re-filters just those), counts moved
  by the changed rows' old/new status, one repaint.
"""

from __future__ import annotations

import os
import time
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.model.cpreg_load import RowVerdict  # noqa: E402
from app.model.diff import Status  # noqa: E402
from app.model.verdict_summary import summarize  # noqa: E402
from app.ui.annotations import row_notes  # noqa: E402
from app.ui.diff_model import Column, DiffTableModel  # noqa: E402
from app.ui.diff_view import DiffView  # noqa: E402
from app.ui.filter_proxy import DiffFilterProxy  # noqa: E402


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

    def changed_only(self, rules) -> dict:
        """The same edit with the model change the GUI needs (see the module docstring)."""
        model, rows = self.model, self.live.diff.rows
        t0 = time.perf_counter()
        live = self.live
        changed = sorted(set(live.last_changed).union(*map(live.rows_of, live.last_edited)))
        notes = self._notes_for(changed, rules)
        t1 = time.perf_counter()
        for i in changed:
            self.counts[model.status_key(i)] -= 1
            key = (rows[i].vcpu, rows[i].id)
            if key in notes:
                model._notes[key] = notes[key]  # EMULATION: a set_notes(changed) API
            else:
                model._notes.pop(key, None)
            self.counts[model.status_key(i)] += 1
            model.dataChanged.emit(model.index(i, 0), model.index(i, len(Column) - 1))
        t2 = time.perf_counter()
        self._paint()
        t3 = time.perf_counter()
        return {"notes": t1 - t0, "model": t2 - t1, "paint": t3 - t2, "total": t3 - t0,
                "objects": len(notes)}

    def _notes_for(self, changed, rules) -> dict:
        """row_notes for the changed rows only (hidden rows as summarize shows them)."""
        outcomes, reasons = {}, []
        for i in changed:
            row = self.live.diff.rows[i]
            rv = self.live.row_verdict(i)
            if rv is None and row.id in rules.hidden_ids():
                rv = RowVerdict(row, "ok" if row.status is Status.MATCH else "tolerated",
                                rules.get(row.id))
            if rv is not None:
                outcomes[(row.vcpu, row.id)] = rv
            reason = self.live.row_reason(i)
            if reason is not None:
                reasons.append(reason)
        view = SimpleNamespace(outcomes=outcomes, verdict=SimpleNamespace(
            trail=reasons, policy=self.live.policy))
        return row_notes(view, rules)

    def check(self, verdict, rules) -> bool:
        """The emulated update left the notes and counts a full refresh would give."""
        full = row_notes(summarize(verdict, rules, self.live.diff), rules)
        return dict(self.model._notes) == full and self.counts == self.model.counts()

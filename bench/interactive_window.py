"""The REAL window path of a rule edit, for bench_interactive.py: MainWindow offscreen.

``WindowBench`` opens the pair in app.ui's MainWindow (the Session builds its LiveVerdict in
the worker, as for any large pair), then times each rule edit the way a click applies it:
``session.set_rules(rules)`` (LiveVerdict.update + LiveSummary.update + notes of the changed
rows + dataChanged for those rows only + counts, banner, rules panel: every signal is
delivered inside the call), then the posted events (``processEvents``: relayout/repaint of
the banner, panel, details), then a forced repaint of the table's visible viewport
(``viewport().repaint()``), each timed apart. ``check`` compares the window's notes with a full evaluate().
"""

from __future__ import annotations

import os
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.model.verdict.evaluate import evaluate  # noqa: E402
from app.model.verdict.summary import summarize  # noqa: E402
from app.ui.table.annotations import row_notes  # noqa: E402


class WindowBench:
    def __init__(self, src_path, dst_path):
        self.app = QApplication.instance() or QApplication([])
        from app.ui.window.main_window import MainWindow
        from app.ui.settings import Settings

        self.win = MainWindow(settings=Settings(tempfile.mkdtemp()))
        self.win.show()
        s = self.win.session
        t = time.perf_counter()
        s.open(str(src_path), str(dst_path))
        while s.busy or s.evaluating or s.verdict is None:
            self.app.processEvents()
            time.sleep(0.005)
        self.app.processEvents()
        self.open_seconds = time.perf_counter() - t
        self.win.view.viewport().repaint()

    def edit(self, rules) -> dict:
        """Seconds for one rule edit: model + table update, then the visible repaint."""
        s, viewport = self.win.session, self.win.view.viewport()
        t0 = time.perf_counter()
        s.set_rules(rules)  # every model signal is delivered synchronously inside
        t1 = time.perf_counter()
        self.app.processEvents()  # posted events: relayout and repaint of banner, panel, ...
        t2 = time.perf_counter()
        viewport.repaint()
        t3 = time.perf_counter()
        assert not s.evaluating and s.changed_rows is not None, "not incremental"
        return {"model": t1 - t0, "events": t2 - t1, "paint": t3 - t2,
                "rows": len(s.changed_rows)}

    def check(self, rules) -> bool:
        s = self.win.session
        full = row_notes(summarize(evaluate(s.src, s.dst, rules, s.policy), rules, s.diff),
                         rules)
        return s.annotations == full and self.win.model.counts() == _recount(self.win.model)

    def close(self) -> None:
        self.win.session.set_rules_file(None, dirty=False)  # no "save rules?" question
        self.win.session.wait_idle()
        self.win.close()


def _recount(model) -> dict:
    out = dict.fromkeys(model.counts(), 0)
    for i in range(model.rowCount()):
        out[model.status_key(i)] += 1
    return out

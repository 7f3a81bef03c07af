"""Save the window as a PNG once the diff is on screen, then quit (CPREG_SCREENSHOT).

Used for the docs screenshots and the test that starts the real application under Xvfb: it
proves the whole path — launcher, worker load, model, painting — works in a real window.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ..model import regdb
from .diff_model import RecordRole

log = logging.getLogger(__name__)
SETTLE_MS = 400  # let layout, docks and the first paint finish before grabbing


def capture_when_ready(window, path: str, select_status: str | None = None) -> None:
    session = window.session

    def diff_ready() -> None:
        if session.diff is None:
            return
        if select_status:
            _select(window, select_status)
        QTimer.singleShot(SETTLE_MS, grab)

    def grab() -> None:
        window.repaint()
        ok = window.grab().save(path, "PNG")
        if not ok:
            log.error("could not write the screenshot to %s", path)
        QApplication.instance().exit(0 if ok else 1)

    def failed(exc) -> None:
        log.error("screenshot: loading failed: %s", exc)
        QApplication.instance().exit(2)

    session.diffChanged.connect(diff_ready)
    session.loadFailed.connect(failed)
    if session.diff is None and not session.src and not session.dst:
        # The start page: nothing to load, so grab once the window is shown.
        QTimer.singleShot(SETTLE_MS, lambda: session.busy or session.diff or grab())


def _select(window, wanted: str) -> None:
    """Select the first visible row whose status or register name is ``wanted`` and whose
    register has bitfields."""
    proxy, accel = window.proxy, window.session.accel
    for row in range(proxy.rowCount()):
        record = proxy.index(row, 0).data(RecordRole)
        info = regdb.lookup(record.id, accel)
        if wanted in (record.status.value, info.name) and info.fields:
            window.view.select_proxy_row(row)
            return
    log.warning("screenshot: no visible row %s with fields to select", wanted)

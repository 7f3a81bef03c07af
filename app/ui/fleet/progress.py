"""The fleet run's progress dialog: which host file is being read, then which group pair is
being checked, with Cancel.

Like the explorer's load progress it appears only when the run is still going after a short
delay (a pool of a few small files is done before a dialog would be read). Cancel cancels the
run; the loading part's signals close the dialog, whatever ended the run.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.ui.fleet.loading import READING, FleetLoading
from app.ui.plain_text import plain_label

SHOW_AFTER_MS = 300
DIALOG_NAME = "fleetProgressDialog"


def progress_text(stage: str, done: int, total: int, what: str) -> str:
    if stage == READING:
        if done >= total:
            return f"Read {total} host files; grouping them…"
        return f"Reading host file {done + 1} of {total}: {os.path.basename(what)}"
    step = f" ({min(done + 1, total)} of {total})" if total else ""
    return f"{what[:1].upper()}{what[1:]}{step}…" if what else f"Analysing the pool{step}…"


class FleetProgress(QObject):
    def __init__(self, loading: FleetLoading, parent_widget: Callable[[], QWidget]):
        super().__init__(loading)
        self._loading = loading
        self._parent_widget = parent_widget  # the fleet window once shown, else the explorer
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SHOW_AFTER_MS)
        self._timer.timeout.connect(self._show)
        self._last = "Starting…"
        self._value = (0, 0)
        self.dialog: QProgressDialog | None = None
        loading.started.connect(self._started)
        loading.progress.connect(self._progress)
        loading.busyChanged.connect(lambda busy: None if busy else self._close())

    def _started(self, paths: list[str]) -> None:
        self._close()
        self._last = f"Reading {len(paths)} host files…"
        self._value = (0, len(paths))
        self._timer.start()

    def _show(self) -> None:
        if not self._loading.busy:
            return
        dialog = QProgressDialog(self._parent_widget())
        dialog.setObjectName(DIALOG_NAME)
        dialog.setLabel(plain_label())  # file names: never markup
        dialog.setWindowTitle("Opening fleet")
        dialog.setCancelButtonText("Cancel")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)  # our own delay has passed; Qt must not add its own
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self._loading.cancel)
        self.dialog = dialog
        self._update()
        dialog.show()

    def _progress(self, stage: str, done: int, total: int, what: str) -> None:
        self._last = progress_text(stage, done, total, what)
        self._value = (done, total)
        self._update()

    def _update(self) -> None:
        if self.dialog is None:
            return
        self.dialog.setLabelText(self._last)
        done, total = self._value
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(done, max(total, 1)))

    def _close(self) -> None:
        self._timer.stop()
        if self.dialog is not None:
            # Disconnect first: closing a QProgressDialog emits canceled() on some Qt versions.
            self.dialog.canceled.disconnect(self._loading.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

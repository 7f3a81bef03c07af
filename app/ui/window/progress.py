"""The load progress dialog, shown only when a load takes longer than half a second.

Most streams load in milliseconds; flashing a dialog for them would be noise. A single-shot
timer starts with each load and the dialog appears only if the load is still running when it
fires. Cancel asks the session to cancel; the session's signals close the dialog.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.ui.plain_text import plain_label
from app.ui.session.session import Session

SHOW_AFTER_MS = 500


class LoadProgress(QObject):
    def __init__(self, parent: QWidget, session: Session):
        super().__init__(parent)
        self._parent = parent
        self._session = session
        self._paths: list[str] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SHOW_AFTER_MS)
        self._timer.timeout.connect(self._show)
        self.dialog: QProgressDialog | None = None
        session.loadStarted.connect(self._started)
        session.loadProgress.connect(self._progress)
        session.busyChanged.connect(lambda busy: None if busy else self._close())

    def _started(self, paths: list[str]) -> None:
        self._paths = paths
        self._close()
        self._timer.start()

    def _show(self) -> None:
        if not self._session.busy:
            return
        names = ", ".join(os.path.basename(p) for p in self._paths)
        dialog = QProgressDialog(self._parent)
        dialog.setLabel(plain_label())  # file names: never markup
        dialog.setLabelText(f"Loading {names}…")
        dialog.setCancelButtonText("Cancel")
        dialog.setRange(0, 0)
        dialog.setObjectName("loadProgressDialog")
        dialog.setWindowTitle("Loading register sources")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        # The dialog is shown by us after our own delay; Qt's built-in delay must not add more.
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self._session.cancel_load)
        dialog.show()
        self.dialog = dialog

    def _progress(self, path: str, done: int, total: int) -> None:
        if self.dialog is None:
            return
        self.dialog.setLabelText(f"Loading {os.path.basename(path)}…")
        if total > 0:
            self.dialog.setMaximum(1000)
            self.dialog.setValue(int(1000 * done / total))

    def _close(self) -> None:
        self._timer.stop()
        if self.dialog is not None:
            # Disconnect first: closing a QProgressDialog emits canceled() on some Qt versions.
            self.dialog.canceled.disconnect(self._session.cancel_load)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

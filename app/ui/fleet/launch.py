"""File → Open fleet… and drops of several files: the explorer's way into the Fleet window.

``launcher(window)`` returns the explorer's one ``FleetLauncher`` (a child QObject, made on
first use). It asks for the host files, runs the pool through ``FleetLoading`` with a progress
dialog, and only when a whole fleet has arrived creates (once) and fills the ``FleetWindow``:
a cancelled or failed run shows no window, and an open fleet stays as it was. A bad file is
reported in a message box naming it (and where reading stopped, and why). The Fleet window,
which imports pyqtgraph, is imported on the first finished run, not at start-up.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.model.errors import FormatError
from app.ui.fleet.loading import FleetLoading
from app.ui.fleet.progress import FleetProgress
from app.ui.plain_text import plain_box

FILE_FILTER = "Register sources (*.mig *.bin *.json *.txt *.log);;All files (*)"
ERROR_BOX = "fleetErrorBox"
LAUNCHER_NAME = "fleetLauncher"

log = logging.getLogger(__name__)


def error_box(parent: QWidget, exc: BaseException) -> QMessageBox:
    """Name the file that stopped the run, where and why (non-blocking: ``open()``)."""
    path = getattr(exc, "path", None)
    lines = (exc.details() if isinstance(exc, FormatError)
             else [f"Reason: {type(exc).__name__}: {exc}"])
    lines.append("No fleet was opened; an open Fleet window is unchanged.")
    box = QMessageBox(QMessageBox.Icon.Critical, "Cannot open fleet",
                      f"Could not read {os.path.basename(path)}" if path
                      else "Could not analyse the fleet", parent=parent)
    box.setObjectName(ERROR_BOX)
    box.setInformativeText("\n".join(lines))
    box.setDetailedText(f"{path or ''}\n{exc}")
    plain_box(box)
    box.open()
    return box


class FleetLauncher(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.setObjectName(LAUNCHER_NAME)
        self.window = window  # the explorer: its session, settings and rules layer
        self.fleet_window = None  # a FleetWindow after the first finished run
        self.error: QMessageBox | None = None  # the last error shown
        self.loading = FleetLoading(self)
        self.progress = FleetProgress(self.loading, self._front)
        self.loading.finished.connect(self._finished)
        self.loading.failed.connect(self._failed)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The explorer closing ends the fleet too: a run would keep the worker busy, and a
        # Fleet window left open would keep the application running with no explorer. The
        # explorer may still refuse this close (unsaved rules): look once it has decided.
        if watched is self.window and event.type() == QEvent.Type.Close:
            QTimer.singleShot(0, self._explorer_closed)
        return False

    def _explorer_closed(self) -> None:
        if self.window.isVisible():
            return  # the close was refused
        self.loading.cancel()
        if self.fleet_window is not None:
            self.fleet_window.close()

    def _front(self) -> QWidget:
        fw = self.fleet_window
        return fw if fw is not None and fw.isVisible() else self.window

    def open_dialog(self) -> None:
        settings = self.window.settings
        paths, _ = QFileDialog.getOpenFileNames(
            self._front(), "Open fleet: one register source per host", settings.last_dir(),
            FILE_FILTER)
        if paths:
            settings.set_last_dir(paths[0])
            self.open(paths)

    def open(self, paths: Sequence[str]) -> None:
        """Read and analyse ``paths`` (one file per host) under the explorer's policy."""
        self.loading.policy = self.window.session.policy
        self.loading.start(list(paths))

    def _finished(self, fleet) -> None:
        if self.fleet_window is None:
            from app.ui.fleet.fleet_window import FleetWindow  # imports pyqtgraph: only now

            self.fleet_window = FleetWindow(self.window, self.open_dialog)
        self.fleet_window.set_fleet(fleet, self.loading.policy)
        self.fleet_window.show()
        self.fleet_window.raise_()
        self.fleet_window.activateWindow()

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, FormatError):  # bad input is the user's; anything else a bug
            log.error("the fleet run failed: %s", exc, exc_info=exc)
        self.error = error_box(self._front(), exc)


def launcher(window) -> FleetLauncher:
    """The explorer ``window``'s fleet launcher (created on first use)."""
    found = window.findChild(FleetLauncher, LAUNCHER_NAME)
    return found if found is not None else FleetLauncher(window)

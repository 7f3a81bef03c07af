"""Reading a pool of host files and analysing it, off the GUI thread, one fleet at a time.

``FleetLoading.start(paths)`` runs ``read_pool`` then ``analyse`` (app.model.fleet) through the
project's worker lane (app.ui.tasks.Runner). The model calls back with progress from the
worker thread; ``_Relay`` turns each call into a queued signal, so the GUI thread shows which
file is being read. Cancelling sets a flag the model polls between files and group pairs
(it then raises ``FleetCancelled``) and drops the pending result at once: nothing of a
cancelled or failed run ever reaches a view, and the previous fleet stays as it was.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal

from app.model.fleet import Fleet, FleetCancelled, analyse, read_pool
from app.ui.tasks import Runner

READING, ANALYSING = "reading", "analysing"  # the two stages progress reports


class _Relay(QObject):
    # Emitted in the worker, delivered in the thread this object lives in (the GUI thread).
    progress = Signal(int, str, int, int, str)  # run serial, stage, done, total, what


class FleetLoading(QObject):
    """Start, follow and cancel a fleet run; owned by the fleet launcher."""

    started = Signal(list)  # the paths being read
    progress = Signal(str, int, int, str)  # stage, done, total, the file (or group pair)
    finished = Signal(object)  # the Fleet
    failed = Signal(object)  # the exception (a FormatError names the bad file)
    cancelled = Signal()
    busyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._runner = Runner(self)
        self._relay = _Relay(self)
        self._relay.progress.connect(self._progress)
        self._serial = 0
        self._stop = threading.Event()
        self.policy: str | None = None  # passed to analyse (None: each destination's default)

    @property
    def busy(self) -> bool:
        return self._runner.pending

    def start(self, paths: Sequence[str]) -> None:
        """Read and analyse ``paths``; a run still going is cancelled first."""
        if self.busy:
            self.cancel()
        self._serial += 1
        serial, stop, relay = self._serial, threading.Event(), self._relay
        self._stop = stop
        paths, policy = [str(p) for p in paths], self.policy

        def reading(done: int, total: int, path: str) -> None:
            relay.progress.emit(serial, READING, int(done), int(total), str(path))

        def analysing(done: int, total: int, what: object = "") -> None:
            relay.progress.emit(serial, ANALYSING, int(done), int(total), str(what))

        def run() -> Fleet | None:
            try:
                sources = read_pool(paths, progress=reading, cancelled=stop.is_set)
                return analyse(sources, policy=policy, progress=analysing,
                               cancelled=stop.is_set)
            except FleetCancelled:
                return None  # not an error: the user asked; _done says "cancelled"

        self.started.emit(paths)
        self._runner.run(run, self._done, self._failed)
        self.busyChanged.emit(True)

    def cancel(self) -> None:
        """Stop the run: the worker ends at its next check, its result is never shown."""
        if not self.busy:
            return
        self._stop.set()
        self._runner.cancel()
        self._serial += 1  # progress already queued from the dropped run is ignored
        self.cancelled.emit()
        self.busyChanged.emit(False)

    def wait(self, msecs: int = 30000) -> bool:
        return self._runner.wait(msecs)

    def _progress(self, serial: int, stage: str, done: int, total: int, what: str) -> None:
        if serial == self._serial:
            self.progress.emit(stage, done, total, what)

    def _done(self, fleet: Fleet | None) -> None:
        self.busyChanged.emit(False)
        if fleet is None:  # the model stopped on its own cancellation check
            self.cancelled.emit()
        else:
            self.finished.emit(fleet)

    def _failed(self, exc: Exception) -> None:
        self.busyChanged.emit(False)
        self.failed.emit(exc)

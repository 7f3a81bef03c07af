"""Source loading: opening register sources in the background, one load at a time.

``SourceLoading`` is a part the Session owns (session.py). Each open starts a LoadJob
(loader.py) in a private one-thread pool; the part relays the progress of the current job
only — news from a job that a newer open superseded is dropped — and hands a complete
``LoadResult`` to the session through ``resultReady``. A load that fails or is cancelled
hands over nothing, so the sides stay as they were.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QObject, QThreadPool, Signal

from app.model.compare.diff import diff
from app.model.sources import readers as formats
from app.model.sources.register_set import RegisterSet
from app.ui.session.loader import Loader, LoadJob, LoadResult, PairLoader

Sides = Callable[[], tuple[RegisterSet | None, RegisterSet | None]]  # the loaded (src, dst)


class SourceLoading(QObject):
    """Open / reopen / cancel / swap, and the worker's news (owned by Session)."""

    started = Signal(list)  # the paths being read
    progress = Signal(str, int, int)  # path, done, total
    failed = Signal(object)  # the exception; the loaded sides stay
    cancelled = Signal()
    busyChanged = Signal(bool)
    resultReady = Signal(object)  # a complete LoadResult for the session to install

    def __init__(self, sides: Sides, loader: Loader, parent: QObject | None = None):
        super().__init__(parent)
        self.loader = loader  # (path, *, progress) -> RegisterSet; tests may slow it down
        self.pair_loader: PairLoader = formats.load_pair  # one file naming both sides
        self._sides = sides
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._job: LoadJob | None = None
        self._serial = 0

    @property
    def busy(self) -> bool:
        return self._job is not None

    def open(self, src: str | None = None, dst: str | None = None) -> None:
        """Read one or both sides in the background; the other side is kept."""
        if not src and not dst:
            return
        self.cancel()
        self._serial += 1
        keep_src, keep_dst = self._sides()
        self._start(LoadJob(self._serial, self.loader, src and os.fspath(src),
                            dst and os.fspath(dst), None if src else keep_src,
                            None if dst else keep_dst), [p for p in (src, dst) if p])

    def open_log(self, path: str) -> None:
        """Read ONE file that names both sides (a QEMU destination log) as the diff; a file
        that names one side only fails like a bad file (the loaded sides stay)."""
        self.cancel()
        self._serial += 1
        path = os.fspath(path)
        self._start(LoadJob(self._serial, self.loader, path, None, None, None,
                            pair_loader=self.pair_loader), [path])

    @staticmethod
    def describes_both_sides(path: str) -> bool:
        """Whether ``path`` opens as a diff on its own (sniffs the first bytes only). An
        unreadable file is False here: the ordinary open then reports why."""
        try:
            return formats.describes_both_sides(path)
        except formats.FormatError:
            return False

    def reopen(self, src: str | None, dst: str | None) -> None:
        """Open a pair as it was opened: the same file on both sides is one QEMU log (when it
        names both sides), else the two sides."""
        if src and src == dst and self.describes_both_sides(src):
            self.open_log(src)
        elif src or dst:
            self.open(src, dst)

    def swap(self) -> None:
        """Exchange the sides; the diff is recomputed at once (a merge is cheap)."""
        if self.busy:
            return
        src, dst = self._sides()
        self.resultReady.emit(LoadResult(dst, src, diff(dst, src) if src and dst else None))

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the worker is done (window close, tests)."""
        return self._pool.waitForDone(msecs)

    def _start(self, job: LoadJob, paths: list[str]) -> None:
        # Bound methods of this QObject (not lambdas): Qt then queues the worker's emissions
        # into the GUI thread, where this part lives.
        job.signals.progress.connect(self._progress)
        job.signals.finished.connect(self._finished)
        job.signals.failed.connect(self._failed)
        job.signals.cancelled.connect(self._cancelled)
        self._job = job
        self.busyChanged.emit(True)
        self.started.emit(paths)
        self._pool.start(job)

    # -- worker news -----------------------------------------------------------------------------
    def _current(self, serial: int) -> bool:
        return self._job is not None and self._job.serial == serial

    def _done(self, serial: int) -> bool:
        """True when ``serial`` is the running job (which is then over); news from a job
        superseded by a newer open() is dropped."""
        if not self._current(serial):
            return False
        self._job = None
        self.busyChanged.emit(False)
        return True

    def _progress(self, serial: int, path: str, done: int, total: int) -> None:
        if self._current(serial):
            self.progress.emit(path, done, total)

    def _finished(self, serial: int, result: LoadResult) -> None:
        if self._done(serial):
            self.resultReady.emit(result)

    def _failed(self, serial: int, exc: Exception) -> None:
        if self._done(serial):
            self.failed.emit(exc)

    def _cancelled(self, serial: int) -> None:
        if self._done(serial):
            self.cancelled.emit()

"""Session loading: opening sources in the background and applying a finished load.

A mixin of ``Session`` (session.py), split out so that the loading life cycle — start a
LoadJob, relay its progress, drop news from superseded jobs, install a complete result —
reads on its own. A load that fails or is cancelled changes nothing: ``src``/``dst``/``diff``
are replaced only when a complete result arrives (see loader.py).
"""

from __future__ import annotations

import os

from app.model.compare.diff import diff
from app.model.sources import readers as formats
from app.ui.session.loader import LoadJob, LoadResult


class SessionLoading:
    """Open / reload / cancel / swap, and the worker's results (mixed into Session)."""

    @property
    def busy(self) -> bool:
        return self._job is not None

    def open(self, src: str | None = None, dst: str | None = None) -> None:
        """Read one or both sides in the background; the other side is kept."""
        if not src and not dst:
            return
        self.cancel_load()
        self._serial += 1
        self._start(LoadJob(self._serial, self.loader, src and os.fspath(src),
                            dst and os.fspath(dst), None if src else self.src,
                            None if dst else self.dst), [p for p in (src, dst) if p])

    def open_log(self, path: str) -> None:
        """Read ONE file that names both sides (a QEMU destination log) as the diff; a file
        that names one side only fails like a bad file (the loaded sides stay)."""
        self.cancel_load()
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

    def _start(self, job: LoadJob, paths: list[str]) -> None:
        # Bound methods of this QObject (not lambdas): Qt then queues the worker's emissions
        # into the GUI thread, where this session lives.
        job.signals.progress.connect(self._progress)
        job.signals.finished.connect(self._finished)
        job.signals.failed.connect(self._failed)
        job.signals.cancelled.connect(self._cancelled)
        self._job = job
        self.busyChanged.emit(True)
        self.loadStarted.emit(paths)
        self._pool.start(job)

    def reload(self) -> None:
        self.reopen(self.src_path, self.dst_path)

    def reopen(self, src: str | None, dst: str | None) -> None:
        """Open a pair as it was opened: the same file on both sides is one QEMU log (when it
        names both sides), else the two sides."""
        if src and src == dst and self.describes_both_sides(src):
            self.open_log(src)
        elif src or dst:
            self.open(src, dst)

    def cancel_load(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def wait_idle(self, msecs: int = 30000) -> bool:
        """Block until the workers are done (window close, tests)."""
        return self._pool.waitForDone(msecs) and self._evaluator.wait(msecs)

    def swap(self) -> None:
        """Exchange the sides; the diff is recomputed at once (a merge is cheap)."""
        if self.busy:
            return
        self._apply(LoadResult(self.dst, self.src,
                               diff(self.dst, self.src) if self.src and self.dst else None))

    # -- worker results -----------------------------------------------------------------------
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
            self.loadProgress.emit(path, done, total)

    def _finished(self, serial: int, result: LoadResult) -> None:
        if self._done(serial):
            self._apply(result)

    def _failed(self, serial: int, exc: Exception) -> None:
        if self._done(serial):
            self.loadFailed.emit(exc)

    def _cancelled(self, serial: int) -> None:
        if self._done(serial):
            self.loadCancelled.emit()

    def _apply(self, result: LoadResult) -> None:
        # Drop the old selection first: listeners of diffChanged may select a new row.
        self.select(None)
        self.src, self.dst, self.diff = result.src, result.dst, result.diff
        self.sourcesChanged.emit()
        self.diffChanged.emit()
        self.evaluate(new_diff=True)

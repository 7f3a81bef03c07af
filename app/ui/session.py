"""Session: the window's one controller object — the two sources, their diff, the selection.

Widgets never hold model state of their own; they read it here and listen to the signals.
Later layers extend the session rather than the widgets: the rules/verdict layer keeps its
RuleSet beside ``diff``, recomputes on ``diffChanged`` and pushes per-row results into the
table with ``set_annotations`` (shown in the Rule column and as "tolerated").

Loading is asynchronous (see loader.py). A load that fails or is cancelled changes nothing:
``src``/``dst``/``diff`` are replaced only when a complete result arrives.
"""

from __future__ import annotations

import os
from typing import Mapping

from PySide6.QtCore import QObject, QThreadPool, Signal

from ..model import formats
from ..model.diff import Diff, DiffRow, diff
from ..model.register_set import ACCEL_UNKNOWN, RegisterSet
from .diff_model import RowNote
from .loader import LoadJob, LoadResult

SIDES = ("src", "dst")


class Session(QObject):
    sourcesChanged = Signal()  # src/dst (and their paths) were replaced
    diffChanged = Signal()  # a new Diff (or None): rows, counts and selection are stale
    selectionChanged = Signal(object)  # the selected DiffRow, or None
    annotationsChanged = Signal()  # per-row notes from outside (rules/verdict)
    loadStarted = Signal(list)  # the paths being read
    loadProgress = Signal(str, int, int)  # path, done, total
    loadFailed = Signal(object)  # the exception; previous sources stay loaded
    loadCancelled = Signal()
    busyChanged = Signal(bool)

    def __init__(self, parent=None, loader=formats.load):
        super().__init__(parent)
        self.loader = loader  # (path, *, progress) -> RegisterSet; tests may slow it down
        self.src: RegisterSet | None = None
        self.dst: RegisterSet | None = None
        self.diff: Diff | None = None
        self.selected: DiffRow | None = None
        self.annotations: dict[tuple[int, int], RowNote] = {}
        self.rules_path: str | None = None  # --rules FILE, for the rules layer to open
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._job: LoadJob | None = None
        self._serial = 0

    # -- state ------------------------------------------------------------------------------
    @property
    def src_path(self) -> str | None:
        return self.src.provenance.path if self.src else None

    @property
    def dst_path(self) -> str | None:
        return self.dst.provenance.path if self.dst else None

    @property
    def accel(self) -> str:
        """Who wrote the ids (names of two KVM timer ids depend on it); as the CLI decides."""
        for regs in (self.src, self.dst):
            if regs is not None and regs.accel != ACCEL_UNKNOWN:
                return regs.accel
        return ACCEL_UNKNOWN

    @property
    def busy(self) -> bool:
        return self._job is not None

    # -- loading ----------------------------------------------------------------------------
    def open(self, src: str | None = None, dst: str | None = None) -> None:
        """Read one or both sides in the background; the other side is kept."""
        if not src and not dst:
            return
        self.cancel_load()
        self._serial += 1
        job = LoadJob(self._serial, self.loader, src and os.fspath(src),
                      dst and os.fspath(dst), None if src else self.src,
                      None if dst else self.dst)
        # Bound methods of this QObject (not lambdas): Qt then queues the worker's emissions
        # into the GUI thread, where this session lives.
        job.signals.progress.connect(self._progress)
        job.signals.finished.connect(self._finished)
        job.signals.failed.connect(self._failed)
        job.signals.cancelled.connect(self._cancelled)
        self._job = job
        self.busyChanged.emit(True)
        self.loadStarted.emit([p for p in (src, dst) if p])
        self._pool.start(job)

    def reload(self) -> None:
        if self.src_path or self.dst_path:
            self.open(self.src_path, self.dst_path)

    def cancel_load(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def wait_idle(self, msecs: int = 30000) -> bool:
        """Block until the worker is done (window close, tests)."""
        return self._pool.waitForDone(msecs)

    def swap(self) -> None:
        """Exchange the sides; the diff is recomputed at once (a merge is cheap)."""
        if self.busy:
            return
        self._apply(LoadResult(self.dst, self.src,
                               diff(self.dst, self.src) if self.src and self.dst else None))

    # -- selection and annotations -----------------------------------------------------------
    def select(self, row: DiffRow | None) -> None:
        if row != self.selected:
            self.selected = row
            self.selectionChanged.emit(row)

    def set_annotations(self, notes: Mapping[tuple[int, int], RowNote]) -> None:
        """Per-row notes keyed by (vcpu, register id): the Rule column and "tolerated"."""
        self.annotations = dict(notes)
        self.annotationsChanged.emit()

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

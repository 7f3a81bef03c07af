"""Loading register sources off the GUI thread (QRunnable on a QThreadPool).

One ``LoadJob`` reads the side(s) asked for, keeps the other side as it was, and computes the
diff — all in the worker, so the window never freezes on a large stream. Results travel back
through ``LoadSignals`` (queued across threads by Qt). Cancelling sets a flag the reader's
progress callback checks; the reader then raises ``Cancelled``. Nothing is half-applied: the
job hands over a complete ``LoadResult`` or an error, never partial state.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRunnable, Signal

from app.model.compare.diff import Diff, diff
from app.model.errors import Cancelled, FormatError
from app.model.sources.register_set import RegisterSet

log = logging.getLogger(__name__)

Loader = Callable[..., RegisterSet]  # formats.load's signature: (path, *, progress=None)
# formats.load_pair's: (path, *, progress=None) -> (src, dst), or None for a one-side file.
PairLoader = Callable[..., tuple[RegisterSet, RegisterSet] | None]


@dataclass(frozen=True)
class LoadResult:
    src: RegisterSet | None
    dst: RegisterSet | None
    diff: Diff | None  # None until both sides are present


class LoadSignals(QObject):
    # Signals must live on a QObject; a QRunnable is not one (the hexrdgui pattern). Each
    # carries the job's serial so the receiver can drop news from a superseded job.
    progress = Signal(int, str, int, int)  # serial, path, done, total
    finished = Signal(int, object)  # serial, LoadResult
    failed = Signal(int, object)  # serial, the exception (FormatError for bad input)
    cancelled = Signal(int)  # serial


class LoadJob(QRunnable):
    """Reads the side(s) asked for; with ``pair_loader`` (formats.load_pair), ``src_path`` is
    one file naming both sides (a QEMU destination log) and both sides come from it."""

    def __init__(self, serial: int, loader: Loader, src_path: str | None,
                 dst_path: str | None, keep_src: RegisterSet | None,
                 keep_dst: RegisterSet | None, pair_loader: PairLoader | None = None):
        super().__init__()
        # The session keeps the job (to cancel it); Qt must not delete it after run().
        self.setAutoDelete(False)
        self.serial = serial
        self.signals = LoadSignals()
        self._loader = loader
        self._pair_loader = pair_loader
        self._paths = (src_path, dst_path)
        self._keep = (keep_src, keep_dst)
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            src: RegisterSet | None
            dst: RegisterSet | None
            if self._pair_loader is not None and self._paths[0] is not None:
                src, dst = self._load_pair(self._pair_loader, self._paths[0])
            else:
                src, dst = (self._load(path) if path else keep
                            for path, keep in zip(self._paths, self._keep, strict=True))
            self._check()
            result = LoadResult(src, dst, diff(src, dst) if src and dst else None)
        except Cancelled:
            self.signals.cancelled.emit(self.serial)
        except Exception as exc:  # every failure reaches the user as a dialog, none is lost
            if not hasattr(exc, "path"):
                log.exception("loading %s failed", self._paths)
            self.signals.failed.emit(self.serial, exc)
        else:
            self.signals.finished.emit(self.serial, result)

    def _progress_for(self, path: str):
        def progress(done: int, total: int) -> bool:
            self.signals.progress.emit(self.serial, path, int(done), int(total))
            return not self._cancel.is_set()

        return progress

    def _load(self, path: str) -> RegisterSet:
        self._check()
        return self._loader(path, progress=self._progress_for(path))

    def _load_pair(self, pair_loader: PairLoader, path: str) -> tuple[RegisterSet, RegisterSet]:
        self._check()
        pair = pair_loader(path, progress=self._progress_for(path))
        if pair is None:
            raise FormatError("this source describes one side only: open a second file for "
                              "the other side", path=path, expected="a QEMU destination log")
        return pair

    def _check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled("loading cancelled")

"""Run one model call off the GUI thread, or right away when it is known to be quick.

``Runner.run(fn, on_done, on_failed, background=...)`` calls ``fn()`` and hands the result
(or the exception) to a callback in the GUI thread. Each call gets a serial; a result from a
call superseded by a newer one is dropped, so a slow evaluation never overwrites a newer one.
The verdict (few ms on real pairs, more on big synthetic ones) and "Suggest rules" use it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Signals(QObject):
    # Signals must live on a QObject; a QRunnable is not one. Emitted from the worker, they
    # are queued into the thread the receiving Runner lives in (the GUI thread).
    finished = Signal(int, object)
    failed = Signal(int, object)


class _Task(QRunnable):
    def __init__(self, serial: int, fn: Callable[[], Any]):
        super().__init__()
        self.serial = serial
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # handed to the caller's on_failed, which reports it
            self.signals.failed.emit(self.serial, exc)
        else:
            self.signals.finished.emit(self.serial, result)


class Runner(QObject):
    """One lane of work: a newer ``run`` makes every older pending result stale."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._serial = 0
        self._callbacks: dict[int, tuple[Callable, Callable]] = {}
        self._tasks: dict[int, _Task] = {}  # keeps the signal objects alive until delivery

    @property
    def pending(self) -> bool:
        return bool(self._callbacks)

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_failed: Callable[[Exception], None], *, background: bool = True) -> None:
        self._serial += 1
        serial = self._serial
        self._callbacks.clear()  # older results are stale from now on
        self._tasks.clear()
        if not background:
            try:
                result = fn()
            except Exception as exc:  # same path as a failing worker: the caller reports it
                on_failed(exc)
            else:
                on_done(result)
            return
        task = _Task(serial, fn)
        task.signals.finished.connect(self._finished)
        task.signals.failed.connect(self._failed)
        self._callbacks[serial] = (on_done, on_failed)
        self._tasks[serial] = task
        task.setAutoDelete(False)
        self._pool.start(task)

    def cancel(self) -> None:
        """Forget pending results (the work itself runs to its end and is dropped)."""
        self._callbacks.clear()

    def wait(self, msecs: int = 30000) -> bool:
        return self._pool.waitForDone(msecs)

    def _take(self, serial: int):
        self._tasks.pop(serial, None)
        return self._callbacks.pop(serial, None)

    def _finished(self, serial: int, result) -> None:
        callbacks = self._take(serial)
        if callbacks is not None:
            callbacks[0](result)

    def _failed(self, serial: int, exc: Exception) -> None:
        callbacks = self._take(serial)
        if callbacks is not None:
            callbacks[1](exc)
        else:
            log.warning("a superseded background computation failed: %s", exc)

"""Autosave: the current session is written a few seconds after the user stops changing it.

Every change (sources, filters, rules, policy) restarts one single-shot QTimer; when it fires
after ``IDLE_MS`` of quiet, the session's snapshot (app.model.session_file) is written
atomically, with a backup of the previous one, to this process's autosave file in the state
directory (``Settings.autosave_path``). Nothing is written while a load is running (the sides
are in flux; the last autosave stays) or when the snapshot did not change. A clean exit — the
window closed for good, or the application quitting — removes the file; a file left behind
is what recovery.py offers back at the next start. The crash guard calls ``save_now`` first.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

from app.model import session_file
from app.model.rules import rulefile
from app.model.session_file import Snapshot, ViewFilters

log = logging.getLogger(__name__)
IDLE_MS = 3000


class Autosaver(QObject):
    def __init__(self, window, idle_ms: int = IDLE_MS):
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.path = window.settings.autosave_path()
        self.writes = 0  # files written (tests check that idle bursts write once)
        self._written: bytes | None = None  # the last snapshot written, without its time
        self._closed = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(idle_ms)
        self.timer.timeout.connect(self._idle)
        s = self.session
        # A policy change shows as a new verdict; rulesChanged covers path and dirty flag.
        for signal in (s.sourcesChanged, s.busyChanged, s.rulesChanged, s.verdictChanged,
                       window.proxy.filtersChanged):
            signal.connect(self.changed)
        window.installEventFilter(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.close_clean)

    def changed(self, *_args) -> None:
        if not self._closed:
            self.timer.start()  # restart: write only after IDLE_MS without changes

    # -- what is saved --------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        s, proxy = self.session, self.window.proxy
        return Snapshot(
            src_path=_abs(s.src_path), dst_path=_abs(s.dst_path),
            rules=rulefile.dumps(s.rules), rules_path=_abs(s.rules_path),
            rules_dirty=s.rules_dirty, policy=s.policy,
            filters=ViewFilters(tuple(sorted(proxy.statuses)), proxy.hide_state,
                                self.window.filter_bar.search.text(), proxy.vcpu),
            pid=os.getpid(), saved_at=time.time())

    def save_now(self) -> str:
        """Write the snapshot now (if it changed); one sentence saying what happened."""
        if self._closed:
            return "The session had already been closed cleanly; nothing to autosave."
        if self.session.busy:
            self.changed()  # try again once the load is over
            return (f"A file was still loading, so the last autosave ({self.path}) was kept; "
                    "it is offered back at the next start.")
        snap = self.snapshot()
        if not snap.worth_keeping():
            session_file.discard(self.path)
            self._written = None
            return "There was nothing to autosave (no sources and no rules)."
        self.write(snap)
        return f"The session was autosaved to {self.path}; it is offered back at the next start."

    def write(self, snap: Snapshot) -> None:
        """Write ``snap`` as this process's autosave (recovery adopts a restored one so)."""
        snap = replace(snap, pid=os.getpid())
        key = session_file.dumps(replace(snap, saved_at=0.0))
        if key == self._written and self.path.exists():
            return
        session_file.save(snap, self.path)
        self._written = key
        self.writes += 1

    def _idle(self) -> None:
        try:
            self.save_now()
        except OSError as exc:
            # Not fatal, but never silent: the user should know recovery is not protected.
            log.warning("autosave to %s failed: %s", self.path, exc)
            self.window.statusBar().showMessage(f"Autosave failed: {exc}", 10000)

    # -- clean exit -------------------------------------------------------------------------------
    def close_clean(self) -> None:
        """The session ended on purpose: nothing to recover next time."""
        self._closed = True
        self.timer.stop()
        session_file.discard(self.path)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.window and event.type() == QEvent.Type.Close:
            # The close may still be refused (e.g. "unsaved rules?"): look once it is handled.
            QTimer.singleShot(0, self._after_close)
        return False

    def _after_close(self) -> None:
        if not self.window.isVisible():
            self.close_clean()


def _abs(path: str | None) -> str | None:
    return os.path.abspath(path) if path else None

"""``app.ui.app.run``: what ``cpreg-explorer [SRC DST | LOG] [--demo]`` calls to open the window.

Environment (for demos, docs and the window test; not user options):
``CPREG_COLOR_SCHEME=dark|light`` asks Qt for that scheme instead of the system's;
``CPREG_SCREENSHOT=PATH`` saves the window to PATH once the diff is painted, then quits
(``CPREG_SCREENSHOT_SELECT=STATUS|NAME`` first selects the first such row with fields;
``CPREG_SCREENSHOT_RULE=TYPE`` then saves the rule dialog for that row instead;
``CPREG_SCREENSHOT_TAB=state`` shows the CPU state tab, where SELECT names a state row).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from typing import NoReturn

from PySide6.QtWidgets import QApplication

from app.ui import theme
from app.ui.crash import CrashGuard
from app.ui.session.autosave import Autosaver
from app.ui.session.recovery import offer_recovery
from app.ui.window.main_window import MainWindow

log = logging.getLogger(__name__)


def ensure_app() -> QApplication:
    existing = QApplication.instance()
    if existing is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("cpreg-explorer")
        app.setApplicationDisplayName("Cpreg Explorer")
        # Matches StartupWMClass in the .desktop file, so docks/taskbars group the window.
        app.setDesktopFileName("cpreg-explorer")
    elif isinstance(existing, QApplication):
        app = existing
    else:
        raise RuntimeError("a QCoreApplication exists: the window needs a QApplication")
    scheme = os.environ.get("CPREG_COLOR_SCHEME", "").lower()
    if scheme in ("dark", "light"):
        theme.force_scheme(scheme)
    else:
        theme.sync_palette()
    return app


def run(sources: list[str], rules_path: str | None = None) -> int:
    """Open the window on ``sources`` ([] for the start page, [SRC, DST], or [LOG] naming
    both sides); the exit code."""
    logging.basicConfig(level=logging.INFO, format="cpreg-explorer: %(message)s")
    window = start(sources, rules_path)  # keep a reference: the window lives while it runs
    code = QApplication.exec()
    if window.crash_guard is not None:
        window.crash_guard.uninstall()
    if not window.session.wait_idle(0):
        _exit_leaving_workers(code)
    return code


def _exit_leaving_workers(code: int) -> NoReturn:
    """A worker is still stuck in a read that never returns (the window gave it
    CLOSE_WAIT_MS after cancelling). Qt's thread pools wait for their threads when destroyed,
    which at interpreter exit would be forever: end the process now, the worker with it."""
    log.warning("quitting while a background load is stuck; it ends with the process")
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def _recovered(window: MainWindow, autosaver: Autosaver, sources: list[str]) -> bool:
    """offer_recovery, which sets aside every autosave it cannot read; should anything else
    in an old run's files still break it, the window starts anyway and says why."""
    try:
        return offer_recovery(window, autosaver, cli_sources=sources)
    except Exception as exc:  # start-up must reach the window whatever the state dir holds
        log.exception("recovering the previous session failed")
        window.statusBar().showMessage(
            f"The previous session could not be recovered: {type(exc).__name__}: {exc}", 30000)
        return False


def start(sources: list[str], rules_path: str | None = None) -> MainWindow:
    """The window with its autosave and crash guard, shown, after offering to recover a
    session a crash left behind; ``run`` then enters the event loop (scripts may instead)."""
    ensure_app()
    window = MainWindow()
    window.autosaver = autosaver = Autosaver(window)
    window.crash_guard = CrashGuard(lambda: window, autosaver.save_now)
    window.crash_guard.install()
    shot = os.environ.get("CPREG_SCREENSHOT")
    if shot:
        from app.ui.screenshot import capture_when_ready

        capture_when_ready(window, shot, os.environ.get("CPREG_SCREENSHOT_SELECT"),
                           os.environ.get("CPREG_SCREENSHOT_RULE"),
                           state_tab=os.environ.get("CPREG_SCREENSHOT_TAB") == "state")
    window.show()
    if rules_path:  # --rules FILE: applied now; a bad file is reported in a box, not fatal
        window.rules_layer.files.open_path(rules_path)
    # A screenshot run is unattended: it must not stop at a question.
    if not shot and _recovered(window, autosaver, sources):
        return window
    if len(sources) == 2:
        window.open_pair(sources[0], sources[1])
    elif len(sources) == 1:
        window.session.open_log(sources[0])
    return window

"""``app.ui.app.run``: what ``cpreg-explorer [SRC DST] [--demo]`` calls to open the window.

Environment (for demos, docs and the window test; not user options):
``CPREG_COLOR_SCHEME=dark|light`` asks Qt for that scheme instead of the system's;
``CPREG_SCREENSHOT=PATH`` saves the window to PATH once the diff is painted, then quits
(``CPREG_SCREENSHOT_SELECT=STATUS|NAME`` first selects the first such row with fields).
"""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtWidgets import QApplication

from . import theme
from .main_window import MainWindow

log = logging.getLogger(__name__)


def ensure_app() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("cpreg-explorer")
        app.setApplicationDisplayName("Cpreg Explorer")
        # Matches StartupWMClass in the .desktop file, so docks/taskbars group the window.
        app.setDesktopFileName("cpreg-explorer")
    scheme = os.environ.get("CPREG_COLOR_SCHEME", "").lower()
    if scheme in ("dark", "light"):
        theme.force_scheme(scheme)
    else:
        theme.sync_palette()
    return app


def run(sources: list[str], rules_path: str | None = None) -> int:
    """Open the window on ``sources`` ([] for the start page, or [SRC, DST]); the exit code."""
    logging.basicConfig(level=logging.INFO, format="cpreg-explorer: %(message)s")
    app = ensure_app()
    window = MainWindow()
    window.session.rules_path = rules_path
    if rules_path:
        log.warning("--rules %s: rule files are not supported by this window yet; the file "
                    "is kept in session.rules_path and not applied", rules_path)
    shot = os.environ.get("CPREG_SCREENSHOT")
    if shot:
        from .screenshot import capture_when_ready

        capture_when_ready(window, shot, os.environ.get("CPREG_SCREENSHOT_SELECT"))
    window.show()
    if len(sources) == 2:
        window.open_pair(sources[0], sources[1])
    return app.exec()

"""Whether this machine can show the explorer window, and the function that opens it.

Knows nothing about command lines: app.cli.explore decides what to open and what to print
when there is no window; the window package never imports this module.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

WindowEntry = Callable[[list[str], "str | None"], int]


def gui_entry() -> WindowEntry | None:
    """``app.ui.app.run`` when a window can be shown here, else None (no display, or the
    GUI libraries are not installed)."""
    if not display_available():
        return None
    try:
        from app.ui.app import run
    except ImportError:
        return None
    return run


def display_available() -> bool:
    """False on a Linux box with no X11/Wayland display and no Qt platform chosen: Qt would
    abort there ("could not connect to display"), so the caller prints the diff instead."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))

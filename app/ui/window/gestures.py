"""The user's ways of opening files — menus, the start page, drops — as Session calls.

``WindowGestures`` is a part the window owns (main_window.py): it decides which side a single
file goes to (a QEMU log names both; otherwise the empty side, else it asks) and remembers
the folder of the open dialogs. The window's menus and start page call it; the window's drag
and drop events hand it their paths.
"""

from __future__ import annotations

from contextlib import ExitStack

from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import QFileDialog, QWidget

from app.ui.fleet.launch import launcher as fleet_launcher
from app.ui.session.session import Session
from app.ui.settings import Settings
from app.ui.window.dialogs import ask_side

FILE_FILTER = "Register sources (*.mig *.bin *.json *.txt *.log);;All files (*)"


def dropped_paths(mime: QMimeData) -> list[str]:
    """Local files in a drop (URLs of other schemes are not register sources)."""
    if not mime.hasUrls():
        return []
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]


def accepts_drop(mime: QMimeData) -> bool:
    """One file (a side, or a log naming both), two (source, destination) or more (a fleet:
    one file per host)."""
    return len(dropped_paths(mime)) >= 1


class WindowGestures:
    """Opening files on the user's request (owned by MainWindow)."""

    def __init__(self, parent: QWidget, session: Session, settings: Settings,
                 resources: ExitStack):
        self._parent = parent  # of the file dialogs and the "which side?" question
        self._session = session
        self._settings = settings
        self._resources = resources  # extracted demo files live as long as it

    def open_source_dialog(self) -> None:
        self._open_dialog("src", "Open source (incoming) register source")

    def open_destination_dialog(self) -> None:
        self._open_dialog("dst", "Open destination (local) register source")

    def _open_dialog(self, side: str, title: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self._parent, title, self._settings.last_dir(),
                                              FILE_FILTER)
        if path:
            self._settings.set_last_dir(path)
            self.open_file(path, side)

    def open_file(self, path: str, side: str | None) -> None:
        """A file naming both sides (a QEMU log) opens as the diff; any other file goes to
        ``side`` (None: the empty side, else ask)."""
        s = self._session
        if s.describes_both_sides(path):
            s.open_log(path)
            return
        side = side or ("src" if not s.src else "dst" if not s.dst else
                        ask_side(self._parent, path))
        if side == "src":
            s.open(src=path)
        elif side == "dst":
            s.open(dst=path)

    def open_pair(self, src: str, dst: str) -> None:
        self._session.open(src, dst)

    def open_demo(self) -> None:
        from app.assets import demo_paths

        self.open_pair(*demo_paths(self._resources))

    def open_dropped(self, paths: list[str]) -> None:
        """Two files: source then destination. One file: both sides when it is a QEMU log,
        else the empty side, else ask. More: a fleet (the Fleet window, app.ui.fleet)."""
        if len(paths) > 2:
            fleet_launcher(self._parent).open(paths)
        elif len(paths) == 2:
            self.open_pair(*paths)
        elif len(paths) == 1:
            self.open_file(paths[0], None)

"""MainWindow gestures: open dialogs, the start page's requests, drag and drop, details.

A mixin of ``MainWindow`` (main_window.py): it turns the user's ways of opening files (menus,
the start page, drops) into Session calls, deciding which side a single file goes to.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QFileDialog

from app.ui.window.dialogs import ask_side

FILE_FILTER = "Register sources (*.mig *.bin *.json *.txt *.log);;All files (*)"


def dropped_paths(mime) -> list[str]:
    """Local files in a drop (URLs of other schemes are not register sources)."""
    if not mime.hasUrls():
        return []
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]


class WindowGestures:
    """Opening files and showing details on request (mixed into MainWindow)."""

    def open_source_dialog(self) -> None:
        self._open_dialog("src", "Open source (incoming) register source")

    def open_destination_dialog(self) -> None:
        self._open_dialog("dst", "Open destination (local) register source")

    def _open_dialog(self, side: str, title: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, title, self.settings.last_dir(), FILE_FILTER)
        if path:
            self.settings.set_last_dir(path)
            self.open_file(path, side)

    def open_file(self, path: str, side: str | None) -> None:
        """A file naming both sides (a QEMU log) opens as the diff; any other file goes to
        ``side`` (None: the empty side, else ask)."""
        s = self.session
        if s.describes_both_sides(path):
            s.open_log(path)
            return
        side = side or ("src" if not s.src else "dst" if not s.dst else ask_side(self, path))
        if side is not None:
            s.open(**{side: path})

    def open_pair(self, src: str, dst: str) -> None:
        self.session.open(src, dst)

    def open_demo(self) -> None:
        from app.launcher import demo_paths

        self.open_pair(*demo_paths(self._resources))

    def clear_recent(self) -> None:
        self.settings.clear_recent()
        self.start_page.set_recent([])

    def show_details(self) -> None:
        self.details_dock.show()
        self.details_dock.raise_()
        if self.details.fields.isVisible():
            self.details.fields.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.details.fields.currentIndex().isValid():
                self.details.fields.selectionModel().setCurrentIndex(
                    self.details.fields.model().index(0, 0),
                    QItemSelectionModel.SelectionFlag.NoUpdate)

    # -- drag and drop -------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if 1 <= len(dropped_paths(event.mimeData())) <= 2:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = dropped_paths(event.mimeData())
        event.acceptProposedAction()
        self.open_dropped(paths)

    def open_dropped(self, paths: list[str]) -> None:
        """Two files: source then destination. One file: both sides when it is a QEMU log,
        else the empty side, else ask."""
        if len(paths) == 2:
            self.open_pair(*paths)
        elif len(paths) == 1:
            self.open_file(paths[0], None)

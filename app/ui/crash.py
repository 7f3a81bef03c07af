"""Crash guard: an unhandled exception never kills the window silently.

PySide6 hands an exception raised in a slot or a Python override of a Qt virtual to
``sys.excepthook`` and carries on with the event loop, so the hook is where every such error
arrives. The guard logs the traceback, autosaves the session (before anything else can go
wrong), then shows a non-modal dialog with the traceback in a copyable box. Exceptions in
worker threads reach ``threading.excepthook`` in their own thread; a queued signal brings them
to the GUI thread first, because widgets may only be touched there. A second error while the
dialog is open is appended to it rather than stacking dialogs.
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback
from collections.abc import Callable

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject, Qt, Signal, qVersion
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import __version__

log = logging.getLogger(__name__)
CRASH_DIALOG_NAME = "crashDialog"


class CrashDialog(QDialog):
    def __init__(self, parent: QWidget | None, note: str):
        super().__init__(parent)
        self.setObjectName(CRASH_DIALOG_NAME)
        self.setWindowTitle("Cpreg Explorer: internal error")
        self.resize(760, 460)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.note = QLabel(note)
        self.note.setTextFormat(Qt.TextFormat.PlainText)  # names the autosave file
        self.note.setWordWrap(True)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy details")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        for w in (self.summary, self.note):
            layout.addWidget(w)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.errors = 0

    def add_error(self, text: str, note: str) -> None:
        self.errors += 1
        sep = "" if self.errors == 1 else f"\n{'-' * 30} error {self.errors} {'-' * 30}\n"
        self.details.appendPlainText(sep + text)
        self.note.setText(note)
        what = "An unexpected error" if self.errors == 1 else f"{self.errors} unexpected errors"
        self.summary.setText(f"<b>{what} happened inside Cpreg Explorer.</b> The window keeps "
                             "running, but what you were doing may not have finished. Please "
                             "copy the details below into a bug report.")

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())


def versions() -> str:
    return (f"Cpreg Explorer {__version__}, Python {platform.python_version()}, Qt {qVersion()},"
            f" PySide6 {pyside_version}, {platform.platform()}")


class CrashGuard(QObject):
    """Install with ``install()``; ``autosave`` returns a sentence for the dialog."""

    _from_thread = Signal(object, object, object)

    def __init__(self, parent_widget: Callable[[], QWidget | None],
                 autosave: Callable[[], str] | None = None):
        super().__init__()
        self._parent_widget = parent_widget
        self._autosave = autosave
        self._previous = (sys.excepthook, threading.excepthook)
        self.dialog: CrashDialog | None = None
        # Queued: the slot runs in the thread this object lives in (the GUI thread).
        self._from_thread.connect(self.handle, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        sys.excepthook, threading.excepthook = self._previous

    def _thread_hook(self, args) -> None:
        if args.exc_type is SystemExit:
            return
        self._from_thread.emit(args.exc_type, args.exc_value, args.exc_traceback)

    def handle(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):  # Ctrl+C in the terminal: not a crash
            self._previous[0](exc_type, exc, tb)
            return
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unhandled exception:\n%s", text)
        note = self._save()
        try:
            self._show(f"{versions()}\n\n{text}", note)
        except Exception:
            # The dialog itself failed: the log and stderr still get the original error.
            log.exception("could not show the error dialog")
            sys.__excepthook__(exc_type, exc, tb)

    def _save(self) -> str:
        if self._autosave is None:
            return "The session was not autosaved (no autosave is set up)."
        try:
            return self._autosave()
        except Exception as exc:
            log.exception("autosave after an unhandled exception failed")
            return f"Autosaving the session failed too: {type(exc).__name__}: {exc}"

    def _show(self, text: str, note: str) -> None:
        if self.dialog is None or not self.dialog.isVisible():
            if self.dialog is not None:
                self.dialog.deleteLater()  # closed earlier: start a fresh report
            self.dialog = CrashDialog(self._parent_widget(), note)
        self.dialog.add_error(text, note)
        self.dialog.show()  # not exec(): no nested event loop inside an exception hook
        self.dialog.raise_()
        self.dialog.activateWindow()

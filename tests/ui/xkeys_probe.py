"""Child process of test_ui_shortcuts_real_keys: a real window on the xcb platform, the
fixture pair loaded, the table focused, then xdotool presses Ctrl+Shift+/ through XTEST (as a
keyboard does). Prints one JSON line: whether the shortcut list opened, which widget had the
focus, and any "Ambiguous shortcut" message Qt emitted.

Usage: python tests/ui/xkeys_probe.py SETTINGS_DIR  (QT_QPA_PLATFORM=xcb, DISPLAY set)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import qInstallMessageHandler
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

sys.path.insert(0, str(Path(__file__).parent))
from ui_helpers import DST, SRC


def _wait(condition, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        QTest.qWait(20)
    return condition()


def main(settings_dir: str) -> int:
    messages: list[str] = []
    qInstallMessageHandler(lambda _mode, _ctx, message: messages.append(message))
    app = QApplication([sys.argv[0]])
    from app.ui.settings import ENV_DIR, Settings
    from app.ui.window.main_window import MainWindow

    os.environ[ENV_DIR] = settings_dir
    win = MainWindow(settings=Settings(settings_dir))
    win.show()
    QTest.qWaitForWindowExposed(win)
    win.open_pair(str(SRC), str(DST))
    if not _wait(lambda: win.session.diff is not None and not win.session.busy, 60):
        print(json.dumps({"error": "the pair did not load"}))
        return 1
    win.activateWindow()
    QTest.qWaitForWindowActive(win)
    win.view.setFocus()
    _wait(win.view.hasFocus, 5)
    focus = type(app.focusWidget()).__name__
    messages.clear()
    subprocess.run(["xdotool", "key", "--clearmodifiers", "ctrl+shift+slash"], check=True)
    opened = _wait(lambda: any(b.isVisible() and b.windowTitle() == "Keyboard shortcuts"
                               for b in win.findChildren(QMessageBox)), 5)
    QTest.qWait(200)  # a second (duplicate) list would show up by now
    lists = sum(b.isVisible() and b.windowTitle() == "Keyboard shortcuts"
                for b in win.findChildren(QMessageBox))
    print(json.dumps({"opened": opened, "lists": lists, "focus": focus,
                      "ambiguous": [m for m in messages if "Ambiguous" in m]}))
    win.session.cancel_load()
    win.session.wait_idle()
    app.closeAllWindows()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

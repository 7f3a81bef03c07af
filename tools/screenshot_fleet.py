"""Save the Fleet window as a PNG for the README (docs/screenshot-fleet.png).

Opens the explorer window, runs File → Open fleet on the given host files through the same
launcher the menu uses (worker, progress, analysis), waits for the Fleet window, selects a
cell so the hover-like status text shows, and grabs it. Usage (real QEMU 7.2 matrix streams
unpacked from tests/data/matrix)::

    CPREG_EXPLORER_SETTINGS_DIR=$(mktemp -d) xvfb-run -a -s "-screen 0 1600x1000x24" \
        .venv/bin/python tools/screenshot_fleet.py docs/screenshot-fleet.png HOST.mig...
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.ui.app import ensure_app
from app.ui.fleet.launch import launcher
from app.ui.window.main_window import MainWindow

SETTLE_MS = 600  # layout, the heat map's first paint and the tables' column sizing


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out, paths = argv[1], argv[2:]
    ensure_app()
    window = MainWindow()
    window.show()
    fleet = launcher(window)
    result = {"code": 1}

    def grab_when_ready() -> None:
        fw = fleet.fleet_window
        if fleet.error is not None:
            print(f"fleet failed: {fleet.error.text()}", file=sys.stderr)
            QApplication.quit()
            return
        if fw is None or not fw.isVisible():
            QTimer.singleShot(100, grab_when_ready)
            return
        fw.resize(1280, 720)

        def save() -> None:
            result["code"] = 0 if fw.grab().save(out) else 1
            QApplication.quit()

        QTimer.singleShot(SETTLE_MS, save)

    fleet.open(paths)
    QTimer.singleShot(100, grab_when_ready)
    QApplication.exec()
    return result["code"]


if __name__ == "__main__":
    sys.exit(main(sys.argv))

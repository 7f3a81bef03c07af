"""The real application in a real X window (Xvfb): launcher → worker → model → paint."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")
def test_demo_window_screenshot_under_xvfb(tmp_path):
    shot = tmp_path / "demo.png"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}  # use X11, not offscreen
    env.update(CPREG_SCREENSHOT=str(shot), CPREG_SCREENSHOT_SELECT="value-mismatch",
               CPREG_EXPLORER_SETTINGS_DIR=str(tmp_path / "settings"))
    proc = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", sys.executable, "-m", "app", "--demo"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(shot))
    assert not image.isNull() and image.width() >= 800 and image.height() >= 600
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 50  # a painted table, not a blank or single-colour window


def test_gui_entry_is_the_window():
    from app.cli import explore as launcher
    from app.ui.app import run

    assert launcher._gui_entry() is run  # QT_QPA_PLATFORM is set by the test conftest


def test_desktop_entry_is_valid():
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # desktop keys are case-sensitive
    parser.read(REPO / "resources" / "cpreg-explorer.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Exec"] == "cpreg-explorer %F"
    assert entry["Name"] and entry["Categories"].endswith(";")
    assert (REPO / "resources" / "icons" / f"{entry['Icon']}.svg").is_file()
    if shutil.which("desktop-file-validate"):
        out = subprocess.run(["desktop-file-validate",
                              str(REPO / "resources" / "cpreg-explorer.desktop")],
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stdout + out.stderr


def test_app_icon_renders(qapp):
    from app.ui.icons import app_icon

    assert not app_icon().pixmap(64, 64).toImage().isNull()

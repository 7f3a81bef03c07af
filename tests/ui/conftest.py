"""Fixtures for the window tests: a real MainWindow on the committed QEMU stream pair, with
settings redirected to a temporary directory so no test touches the user's files."""

from __future__ import annotations

import pytest

from app.model.compare.diff import diff
from app.model.sources.readers import load
from app.ui.settings import ENV_DIR, Settings
from ui_helpers import DST, SRC


@pytest.fixture(autouse=True)
def settings_dir(tmp_path, monkeypatch):
    path = tmp_path / "settings"
    monkeypatch.setenv(ENV_DIR, str(path))
    return path


@pytest.fixture
def expected():
    """The diff computed without the UI: what the window must agree with."""
    return diff(load(str(SRC)), load(str(DST)))


@pytest.fixture
def window(qtbot, settings_dir):
    from app.ui.window.main_window import MainWindow

    win = MainWindow(settings=Settings(settings_dir))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.session.cancel_load()
    win.session.wait_idle()


@pytest.fixture
def loaded(qtbot, window):
    """The window after loading the fixture pair through the real worker."""
    window.open_pair(str(SRC), str(DST))
    qtbot.waitUntil(lambda: window.session.diff is not None and not window.session.busy,
                    timeout=20000)
    return window

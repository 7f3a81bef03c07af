"""Bad files, cancelling a slow load, drag and drop, and remembered recent pairs."""

from __future__ import annotations

import json
import time

from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton

from app.model.errors import Cancelled
from app.model.sources.readers import load
from app.ui.window import dialogs
from app.ui.window.dialogs import LOAD_ERROR_NAME
from app.ui.window.gestures import dropped_paths
from app.ui.session.session import Session
from app.ui.settings import Settings
from ui_helpers import DST, SRC


def _error_box(win) -> QMessageBox | None:
    box = win.findChild(QMessageBox, LOAD_ERROR_NAME)
    return box if box is not None and box.isVisible() else None


def test_truncated_stream_shows_an_error_and_keeps_the_loaded_pair(qtbot, loaded, tmp_path):
    bad = tmp_path / "truncated.mig"
    bad.write_bytes(SRC.read_bytes()[:470000])
    before = (loaded.session.src, loaded.session.dst, loaded.session.diff)
    rows = loaded.proxy.rowCount()
    loaded.session.open(src=str(bad))
    qtbot.waitUntil(lambda: _error_box(loaded) is not None, timeout=20000)
    box = _error_box(loaded)
    assert "truncated.mig" in box.text()
    info = box.informativeText()
    assert "Offset: 467813 (0x72365)" in info and "no footer for section" in info
    assert (loaded.session.src, loaded.session.dst, loaded.session.diff) == before
    assert loaded.proxy.rowCount() == rows and not loaded.session.busy
    box.close()


def test_a_file_no_reader_knows_names_every_attempt(qtbot, window, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_bytes(b"\x00\x01\x02 not a register source")
    window.session.open(str(junk), str(DST))
    qtbot.waitUntil(lambda: _error_box(window) is not None, timeout=20000)
    assert "notes.txt" in _error_box(window).text()
    assert window.session.src is None and window.stack.currentIndex() == 0


def _slow_loader(delay_steps: int = 200):
    """formats.load behind a progress loop, so the load outlives the 0.5 s dialog delay."""
    def loader(path, *, progress=None):
        for step in range(delay_steps):
            time.sleep(0.01)
            if progress is not None and progress(step, delay_steps) is False:
                raise Cancelled("loading cancelled")
        return load(path)
    return loader


def test_slow_load_shows_progress_and_cancel_keeps_the_old_pair(qtbot, loaded):
    before = loaded.session.diff
    loaded.session.loader = _slow_loader()
    with qtbot.waitSignal(loaded.session.loadCancelled, timeout=20000):
        loaded.session.reload()
        qtbot.waitUntil(lambda: loaded.progress.dialog is not None, timeout=5000)
        dialog = loaded.findChild(QProgressDialog, "loadProgressDialog")
        assert dialog is not None and dialog.isVisible()
        button = dialog.findChild(QPushButton)
        assert button.text() == "Cancel"
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert loaded.session.diff is before and not loaded.session.busy
    assert loaded.progress.dialog is None


def test_fast_load_shows_no_progress_dialog(qtbot, window):
    shown = []
    window.session.loadStarted.connect(
        lambda _p: shown.append(window.progress.dialog))
    window.open_pair(str(SRC), str(DST))
    qtbot.waitUntil(lambda: window.session.diff is not None, timeout=20000)
    assert window.progress.dialog is None and shown == [None]


def test_worker_keeps_the_gui_thread_responsive(qtbot, window):
    window.session.loader = _slow_loader(60)
    ticks = []
    window.session.open(str(SRC), str(DST))
    while window.session.busy:
        qtbot.wait(20)  # events keep being processed while the worker sleeps
        ticks.append(1)
    assert len(ticks) > 5 and window.session.diff is not None


def test_drop_two_files_opens_both_sides(qtbot, window):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SRC)), QUrl.fromLocalFile(str(DST))])
    assert dropped_paths(mime) == [str(SRC), str(DST)]
    window.open_dropped(dropped_paths(mime))
    qtbot.waitUntil(lambda: window.session.diff is not None, timeout=20000)
    assert (window.session.src_path, window.session.dst_path) == (str(SRC), str(DST))


def test_drop_one_file_fills_the_empty_side_then_asks(qtbot, window, monkeypatch):
    window.open_dropped([str(SRC)])
    qtbot.waitUntil(lambda: window.session.src is not None, timeout=20000)
    assert window.session.dst is None and window.stack.currentIndex() == 0
    assert window.start_page.side_labels["src"].text() == SRC.name
    window.open_dropped([str(DST)])
    qtbot.waitUntil(lambda: window.session.diff is not None, timeout=20000)
    asked = []
    monkeypatch.setattr("app.ui.window.gestures.ask_side",
                        lambda parent, path: asked.append(path) or "src")
    window.open_dropped([str(DST)])
    qtbot.waitUntil(lambda: window.session.src_path == str(DST), timeout=20000)
    assert asked == [str(DST)]


def test_recent_pairs_persist_across_windows(qtbot, loaded, settings_dir):
    data = json.loads((settings_dir / "settings.json").read_text())
    assert data["recent_pairs"][0] == [str(SRC), str(DST)]
    assert not list(settings_dir.glob("*.tmp"))  # atomic write leaves no temp file behind
    from app.ui.window.main_window import MainWindow

    again = MainWindow(settings=Settings(settings_dir))
    qtbot.addWidget(again)
    assert again.start_page.recent.count() == 1
    again.actions.recent.aboutToShow.emit()
    labels = [a.text() for a in again.actions.recent.actions()]
    assert f"{SRC.name}  →  {DST.name}" in labels[0]
    again.actions.recent.actions()[0].trigger()
    qtbot.waitUntil(lambda: again.session.diff is not None, timeout=20000)


def test_window_layout_is_saved_on_close(qtbot, loaded, settings_dir):
    loaded.close()
    geometry, state = Settings(settings_dir).window_layout()
    assert geometry and state


def test_settings_survive_a_corrupt_file(tmp_path, caplog):
    (tmp_path / "settings.json").write_text("{not json")
    settings = Settings(tmp_path, tmp_path)
    assert settings.recent_pairs() == []
    assert "could not be read" in caplog.text and settings.problems
    assert (tmp_path / "settings.json.unreadable").read_text() == "{not json"  # set aside
    settings.add_recent_pair("a.mig", "b.mig")
    assert Settings(tmp_path, tmp_path).recent_pairs()[0][0].endswith("a.mig")


def test_session_ignores_a_superseded_load(qtbot):
    session = Session(loader=_slow_loader(30))
    session.open(str(SRC), str(DST))
    session.loader = load
    with qtbot.waitSignal(session.diffChanged, timeout=20000):
        session.open(str(DST), str(SRC))  # the newer request wins
    session.wait_idle()
    qtbot.wait(50)
    assert session.src_path == str(DST) and not session.busy


def test_about_names_tool_qt_and_register_database_versions():
    text = dialogs.about_text()
    assert "Qt 6." in text and "Cpreg Explorer" in text and "Linux 7.2.13" in text

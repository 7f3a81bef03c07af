"""Issue 13 in the window: odd state files never stop the start (item 2), a load that never
returns never hangs closing or quitting (item 5), and names are text, never markup (item 8)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from app.model import session_file
from app.model.session_file import Snapshot, ViewFilters
from app.ui.settings import Settings
from app.ui.window.dialogs import LOAD_ERROR_NAME
from ui_helpers import DST, SRC

REPO = Path(__file__).resolve().parents[2]
HTML_NAME = "<b>x</b><img src=y>.mig"
PLAIN = Qt.TextFormat.PlainText


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


class Boxes:
    """Answers every modal message box as it opens (``Restore`` when offered, else the first
    button) and keeps what each said and how its texts were formatted."""

    def __init__(self, prefer: str = "Restore"):
        self.seen: list[dict] = []
        self.prefer = prefer
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._poll)
        self.timer.start()

    def _poll(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            return
        labels = [lb for lb in box.findChildren(QLabel) if lb.text()]
        self.seen.append({"name": box.objectName(), "title": box.windowTitle(),
                          "text": box.text() + "\n" + box.informativeText(),
                          "plain": box.textFormat() == PLAIN
                          and all(lb.textFormat() == PLAIN for lb in labels)})
        buttons = box.buttons()
        button = next((b for b in buttons if b.text() == self.prefer), buttons[0])
        button.click()

    def stop(self) -> None:
        self.timer.stop()


@pytest.fixture
def boxes():
    answering = Boxes()
    yield answering
    answering.stop()


@pytest.fixture
def started(qtbot, settings_dir):
    """app.start as the command line runs it (crash guard, autosave, recovery), torn down."""
    windows = []

    def start():
        from app.ui.app import start as app_start

        win = app_start([])
        qtbot.addWidget(win)
        windows.append(win)
        return win

    yield start
    for win in windows:
        win.crash_guard.uninstall()
        win.session.cancel_load()
        win.session.wait_idle()


def autosave_doc(**kw) -> dict:
    snap = Snapshot(src_path=str(SRC), dst_path=str(DST), filters=ViewFilters(vcpu=1),
                    saved_at=time.time())
    doc = json.loads(session_file.dumps(snap))
    doc.update(kw)
    return doc


ODD_AUTOSAVES = {
    "saved_at 1e300": json.dumps(autosave_doc(saved_at=1e300)),
    "saved_at NaN": json.dumps(autosave_doc(saved_at=float("nan"))),
    "nested 100,000 deep": "[" * 100_000 + "]" * 100_000,
    "filters.vcpu 2^70": json.dumps(autosave_doc(filters={"vcpu": 2 ** 70})),
}


@pytest.mark.parametrize("what", ODD_AUTOSAVES)
def test_an_odd_autosave_is_set_aside_and_the_window_starts(qtbot, settings_dir, started,
                                                            boxes, what):
    path = Settings(settings_dir).autosave_path(dead_pid())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ODD_AUTOSAVES[what])
    win = started()
    assert win.isVisible()
    aside = path.with_name(path.name + ".unreadable")
    assert not path.exists() and aside.read_text() == ODD_AUTOSAVES[what]  # kept, not deleted
    assert [b["title"] for b in boxes.seen] == ["Autosaved session unreadable"]
    assert str(aside) in boxes.seen[0]["text"] and boxes.seen[0]["plain"]
    assert "cannot be read" in win.statusBar().currentMessage()
    assert win.session.src is None  # nothing half-restored


def test_a_second_odd_autosave_keeps_the_first_copy(qtbot, settings_dir, started, boxes):
    path = Settings(settings_dir).autosave_path(dead_pid())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.with_name(path.name + ".unreadable").write_text("an older one")
    path.write_text("[" * 100_000)
    started()
    assert path.with_name(path.name + ".unreadable").read_text() == "an older one"
    assert path.with_name(path.name + ".unreadable-2").read_text() == "[" * 100_000


def test_a_20_digit_pid_autosave_is_offered_back(qtbot, settings_dir, started, boxes):
    path = Settings(settings_dir).autosave_dir() / "autosave-12345678901234567890.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(autosave_doc(pid=1)))
    win = started()
    assert [b["name"] for b in boxes.seen] == ["recoveryBox"] and boxes.seen[0]["plain"]
    qtbot.waitUntil(lambda: win.session.diff is not None and not win.session.busy,
                    timeout=20000)
    assert (win.session.src_path, win.session.dst_path) == (str(SRC), str(DST))
    qtbot.waitUntil(lambda: win.filter_bar.vcpu.currentData() == 1, timeout=5000)
    assert not path.exists() and win.autosaver.path.exists()  # adopted as this run's own


@pytest.mark.parametrize("name", ["settings.json", "window.json"])
@pytest.mark.parametrize("content", ["[" * 100_000 + "]" * 100_000,
                                     '{"a":' * 100_000 + "1" + "}" * 100_000,
                                     "\xff not utf-8", "[1, 2]"])
def test_an_odd_settings_file_is_set_aside_and_the_window_starts(qtbot, settings_dir, started,
                                                                 boxes, name, content):
    settings_dir.mkdir(parents=True, exist_ok=True)
    (settings_dir / name).write_text(content, encoding="latin-1")
    win = started()
    assert win.isVisible() and not boxes.seen
    aside = settings_dir / (name + ".unreadable")
    assert aside.read_text(encoding="latin-1") == content
    message = win.statusBar().currentMessage()
    assert name in message and "could not be read" in message and aside.name in message
    win.close()  # writes a fresh file where the odd one was
    json.loads((settings_dir / "window.json").read_text())


def test_settings_entries_of_the_wrong_shape_are_ignored(settings_dir):
    settings_dir.mkdir(parents=True, exist_ok=True)
    (settings_dir / "settings.json").write_text(json.dumps(
        {"recent_pairs": {"a": 1}, "last_dir": ["x"]}))
    s = Settings(settings_dir)
    assert s.recent_pairs() == [] and s.last_dir() == str(Path.home()) and not s.problems
    (settings_dir / "settings.json").write_text(json.dumps(
        {"recent_pairs": [["a", "b"], [1, 2], ["c"], "d"]}))
    assert Settings(settings_dir).recent_pairs() == [("a", "b")]


def test_a_fifo_as_settings_file_does_not_block_the_start(settings_dir):
    settings_dir.mkdir(parents=True, exist_ok=True)
    os.mkfifo(settings_dir / "settings.json")
    made: list[Settings] = []
    worker = threading.Thread(target=lambda: made.append(Settings(settings_dir)), daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "opening a FIFO blocked"
    assert "not a regular file" in made[0].problems[0]
    assert (settings_dir / "settings.json.unreadable").exists()


# -- item 5: a load that blocks ----------------------------------------------------------------
def test_a_fifo_source_is_a_clean_load_error(qtbot, window, tmp_path):
    fifo = tmp_path / "pipe.mig"
    os.mkfifo(fifo)
    window.open_pair(str(fifo), str(DST))
    qtbot.waitUntil(lambda: (b := window.findChild(QMessageBox, LOAD_ERROR_NAME)) is not None
                    and b.isVisible(), timeout=20000)
    box = window.findChild(QMessageBox, LOAD_ERROR_NAME)
    assert "pipe.mig" in box.text() and "FIFO" in box.informativeText()
    assert not window.session.busy and window.session.src is None
    box.close()


def test_closing_while_a_load_is_stuck_takes_seconds_not_forever(qtbot, settings_dir):
    from app.ui.window.main_window import CLOSE_WAIT_MS, MainWindow

    release = threading.Event()
    entered = threading.Event()

    def stuck(path, *, progress=None):  # a read that ignores cancelling (a hung NFS mount)
        entered.set()
        release.wait()
        raise OSError("released")

    win = MainWindow(settings=Settings(settings_dir))
    qtbot.addWidget(win)
    win.show()
    win.session.loader = stuck
    win.open_pair(str(SRC), str(DST))
    assert entered.wait(10)
    began = time.monotonic()
    try:
        win.close()
        took = time.monotonic() - began
        assert not win.isVisible()
        assert CLOSE_WAIT_MS / 1000 - 0.2 < took < CLOSE_WAIT_MS / 1000 + 3
    finally:
        release.set()
        assert win.session.wait_idle(10000)


QUIT_WHILE_STUCK = f"""
import sys, threading
from PySide6.QtCore import QTimer
from app.ui import app as ui_app

def stuck(path, *, progress=None):
    print("stuck", flush=True)
    threading.Event().wait()  # never returns

original = ui_app.start
def start(sources, rules_path=None):
    window = original(sources, rules_path)
    window.session.loader = stuck
    window.open_pair({str(SRC)!r}, {str(DST)!r})
    QTimer.singleShot(300, window.actions.quit.trigger)
    return window
ui_app.start = start
sys.exit(ui_app.run([]))
"""


def test_quit_while_a_load_is_stuck_ends_the_process(settings_dir):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "CPREG_EXPLORER_SETTINGS_DIR": str(settings_dir)}
    began = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-c", QUIT_WHILE_STUCK], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("Quit hung on the stuck worker")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "stuck" in done.stdout and "ends with the process" in done.stderr
    assert time.monotonic() - began < 30


# -- item 8: names are plain text ----------------------------------------------------------------
def test_a_load_error_shows_an_html_file_name_as_text(qtbot, window, tmp_path):
    bad = tmp_path / "<b>bad<img src=y>.mig"  # a file name cannot hold "/"; a path can
    bad.write_bytes(b"\x00 <b>not</b> a register source <img src=y>")
    for path, name in ((f"{tmp_path}/{HTML_NAME}", "b><img src=y>.mig"), (str(bad), bad.name)):
        window.session.open(path, str(DST))
        qtbot.waitUntil(lambda: (b := window.findChild(QMessageBox, LOAD_ERROR_NAME))
                        is not None and b.isVisible(), timeout=20000)
        box = window.findChild(QMessageBox, LOAD_ERROR_NAME)
        assert box.text() == f"Could not load {name}"
        assert box.textFormat() == PLAIN
        shown = [lb for lb in box.findChildren(QLabel) if name in lb.text()]
        informative = box.findChild(QLabel, "qt_msgbox_informativelabel")
        assert shown and all(lb.textFormat() == PLAIN for lb in [*shown, informative])
        box.close()
        box.setObjectName("")  # the next open makes a new box


def test_html_and_ampersands_in_names_are_text_everywhere(qtbot, window, tmp_path, boxes):
    src, dst = tmp_path / "<i>src & co.mig", tmp_path / "<b>dst [*].mig"
    shutil.copyfile(SRC, src)
    shutil.copyfile(DST, dst)
    window.open_pair(str(src), str(dst))
    qtbot.waitUntil(lambda: window.session.diff is not None and not window.session.busy,
                    timeout=20000)
    # Title: the names as they are ("[*]" of a name is not the modified marker).
    window.session.set_rules_file(None, dirty=False)
    shown_title = window.windowHandle().title()  # what the window system gets
    assert shown_title.startswith(f"{src.name} → {dst.name}"), shown_title
    # Status bar: plain labels, escaped tooltips.
    summary = window.summary
    assert summary.src.textFormat() == PLAIN and src.name in summary.src.text()
    assert "&lt;i&gt;src &amp; co.mig" in summary.src.toolTip()
    # Start page (shown again when the pair is closed) and its recent list.
    page = window.start_page
    page.set_sides(str(src), str(dst))
    assert page.side_labels["src"].textFormat() == PLAIN
    assert page.side_labels["src"].text() == src.name
    assert "&lt;b&gt;dst [*].mig" in page.side_labels["dst"].toolTip()
    assert "&lt;i&gt;" in page.recent.item(0).toolTip()
    # Recent menu: "&" stays an ampersand, the tooltip is escaped.
    window.actions.recent.aboutToShow.emit()
    entry = next(a for a in window.actions.recent.actions() if "co.mig" in a.text())
    assert "<i>src && co.mig" in entry.text()
    assert "&lt;i&gt;src &amp; co.mig" in entry.toolTip()
    # Rule files named like markup: the error box is plain text.
    bad_rules = tmp_path / "<h1>rules.toml"
    bad_rules.write_text("not = [toml")
    assert not window.rules_layer.files.open_path(str(bad_rules))
    assert boxes.seen[-1]["title"] == "Cannot open rules" and boxes.seen[-1]["plain"]
    assert bad_rules.name in boxes.seen[-1]["text"]

"""Autosave after idle, clean exit, and recovery — including after a real kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.model.rules import rulefile
from app.model import session_file
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet
from app.model.session_file import Snapshot, ViewFilters
from app.ui.session.autosave import Autosaver
from app.ui.window.main_window import MainWindow
from app.ui.session.recovery import PROBLEMS_BOX_NAME, RECOVERY_BOX_NAME, offer_recovery
from app.ui.settings import Settings
from ui_helpers import DST, SRC

REPO = Path(__file__).resolve().parents[2]
ISAR0 = 0x603000000013C030  # ID_ISAR0_EL1


def a_rule() -> RuleSet:
    return RuleSet((Rule(ISAR0, RuleType.DIFF_IN_MASK, mask=0xF0, reason="kill -9 test"),))


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def answer(qtbot, name: str, button: str) -> list[str]:
    """Click ``button`` of the modal box called ``name`` once it shows; its text is kept."""
    seen: list[str] = []

    def click(tries=[0]):  # noqa: B006 (a counter shared by the retries)
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.objectName() != name:
            tries[0] += 1
            if tries[0] < 500:
                QTimer.singleShot(10, click)
            return
        seen.append(box.text() + "\n" + box.informativeText())
        next(b for b in box.buttons() if b.text() == button).click()

    QTimer.singleShot(0, click)
    return seen


def mark_rules_saved(win) -> None:
    """So closing the window at teardown asks no "unsaved rules?" question."""
    win.session.set_rules_file(win.session.rules_path, dirty=False)


def orphan(settings_dir: Path, snap: Snapshot) -> Path:
    path = Settings(settings_dir).autosave_path(dead_pid())
    session_file.save(replace(snap, saved_at=time.time()), path)
    return path


@pytest.fixture
def fresh(qtbot, settings_dir):
    win = MainWindow(settings=Settings(settings_dir))
    qtbot.addWidget(win)
    win.show()
    yield win, Autosaver(win, idle_ms=150)
    win.session.cancel_load()
    win.session.wait_idle()


def test_idle_autosave_writes_once_after_the_changes_stop(qtbot, loaded):
    saver = Autosaver(loaded, idle_ms=300)
    bar = loaded.filter_bar
    for text in ("i", "id", "id_", ""):
        bar.search.setText(text)
        qtbot.wait(50)
        assert not saver.path.exists()  # still typing: the timer restarts
    bar.hide_state_action.setChecked(False)
    loaded.proxy.set_vcpu(1)
    qtbot.waitUntil(lambda: saver.path.exists(), timeout=3000)
    assert saver.writes == 1 and saver.path.parent == Settings().autosave_dir()
    snap, _ = session_file.load(saver.path)
    assert (snap.src_path, snap.dst_path, snap.pid) == (str(SRC), str(DST), os.getpid())
    assert snap.filters.hide_state is False and snap.filters.vcpu == 1
    assert set(snap.filters.statuses) == set(loaded.proxy.statuses)
    bar.hide_state_action.toggle()
    bar.hide_state_action.toggle()  # back where it was: nothing new to write
    qtbot.wait(500)
    assert saver.writes == 1


def test_rules_and_policy_changes_are_autosaved(qtbot, loaded):
    saver = Autosaver(loaded, idle_ms=100)
    loaded.session.set_rules(a_rule(), dirty=True)
    loaded.session.set_rules_file("/tmp/rules.toml", dirty=True)
    qtbot.waitUntil(lambda: saver.path.exists(), timeout=3000)
    snap, _ = session_file.load(saver.path)
    assert rulefile.loads(snap.rules) == a_rule()
    assert snap.rules_dirty and snap.rules_path == "/tmp/rules.toml" and snap.policy is None
    loaded.session.set_policy("qemu-10.0")  # only a new verdict says so
    qtbot.waitUntil(lambda: session_file.load(saver.path)[0].policy == "qemu-10.0",
                    timeout=3000)
    mark_rules_saved(loaded)


def test_a_clean_close_removes_the_autosave(qtbot, loaded):
    saver = Autosaver(loaded, idle_ms=100)
    saver.save_now()
    saver.save_now()  # unchanged: no second write, no backup needed
    loaded.filter_bar.search.setText("x")
    saver.save_now()
    assert saver.path.exists() and session_file.backup_path(saver.path).exists()
    loaded.close()
    qtbot.waitUntil(lambda: not saver.path.exists(), timeout=3000)
    assert not session_file.backup_path(saver.path).exists()
    assert "closed cleanly" in saver.save_now() and not saver.path.exists()


def test_a_refused_close_keeps_the_autosave(qtbot, settings_dir):
    class Stubborn(MainWindow):
        def closeEvent(self, event):  # e.g. "unsaved rules: really quit?" → No
            event.ignore()

    win = Stubborn(settings=Settings(settings_dir))
    qtbot.addWidget(win)
    win.show()
    saver = Autosaver(win)
    win.open_pair(str(SRC), str(DST))
    qtbot.waitUntil(lambda: win.session.diff is not None and not win.session.busy)
    saver.save_now()
    win.close()
    qtbot.wait(100)
    assert win.isVisible() and saver.path.exists()


def test_recovery_restores_sources_filters_and_rules(qtbot, fresh, settings_dir):
    win, saver = fresh
    rules = rulefile.dumps(a_rule())
    old = orphan(settings_dir, Snapshot(
        str(SRC), str(DST), rules=rules, rules_path="/r/rules.toml", rules_dirty=True,
        policy="qemu-7.2", filters=ViewFilters(("missing", "unexpected"), False, "dbg", 1)))
    asked = answer(qtbot, RECOVERY_BOX_NAME, "Restore")
    assert offer_recovery(win, saver) is True
    assert "did not exit cleanly" in asked[0] and "q72-cortex-a57-smp2.mig →" in asked[0]
    assert "1 rule from rules.toml, with unsaved changes" in asked[0]
    qtbot.waitUntil(lambda: win.session.diff is not None and not win.session.busy)
    assert (win.session.src_path, win.session.dst_path) == (str(SRC), str(DST))
    assert win.proxy.statuses == {"missing", "unexpected"} and not win.proxy.hide_state
    assert win.filter_bar.search.text() == "dbg" and win.proxy.vcpu == 1
    assert win.filter_bar.status_actions["value-mismatch"].isChecked() is False
    assert not old.exists() and not session_file.backup_path(old).exists()
    ours, _ = session_file.load(saver.path)  # adopted before the old file went away
    assert (ours.src_path, ours.pid) == (str(SRC), os.getpid())
    assert win.session.rules == a_rule() and win.session.rules_dirty
    assert win.session.rules_path == "/r/rules.toml" and win.session.policy == "qemu-7.2"
    assert "Policy: qemu-7.2" in asked[0]
    assert win.findChild(QMessageBox, PROBLEMS_BOX_NAME) is None  # all of it came back
    mark_rules_saved(win)


def test_recovery_names_sources_that_are_gone(qtbot, fresh, settings_dir, tmp_path):
    win, saver = fresh
    gone = tmp_path / "deleted-meanwhile.mig"
    orphan(settings_dir, Snapshot(str(gone), str(DST)))
    answer(qtbot, RECOVERY_BOX_NAME, "Restore")
    assert offer_recovery(win, saver)
    qtbot.waitUntil(lambda: win.session.dst is not None and not win.session.busy)
    box = win.findChild(QMessageBox, PROBLEMS_BOX_NAME)
    assert box is not None and f"The source {gone} no longer exists." in box.text()
    assert win.session.src is None and win.session.dst_path == str(DST)
    box.close()


def test_discard_removes_the_orphan_and_a_live_instance_is_left_alone(qtbot, fresh,
                                                                      settings_dir):
    win, saver = fresh
    live = Settings(settings_dir).autosave_path(os.getppid())
    session_file.save(Snapshot(str(SRC), str(DST), pid=os.getppid()), live)
    old = orphan(settings_dir, Snapshot(str(SRC), str(DST)))
    answer(qtbot, RECOVERY_BOX_NAME, "Discard")
    assert offer_recovery(win, saver) is False
    assert not old.exists() and live.exists()  # another running window's file stays
    assert win.session.src is None and not win.session.busy
    assert offer_recovery(win, saver) is False  # nothing left to offer: no question


def test_an_unreadable_autosave_is_set_aside_not_deleted(qtbot, fresh, settings_dir):
    win, saver = fresh
    path = Settings(settings_dir).autosave_path(dead_pid())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'{"format": "cpreg-explorer-session", "version": 1, "pid": "x"}')
    shown = answer(qtbot, "", "OK")  # QMessageBox.warning: an unnamed box
    assert offer_recovery(win, saver) is False
    assert "cannot be read" in shown[0] and "pid has the wrong type" in shown[0]
    assert not path.exists() and path.with_name(path.name + ".unreadable").exists()


def test_killed_mid_session_then_recovered_in_a_new_app(qtbot, settings_dir):
    """A real process loads the pair (and adds a rule), autosaves, is SIGKILLed; a new app
    with the same settings directory offers the session back and restores all of it."""
    script = f"""
import sys
from PySide6.QtWidgets import QApplication
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet
from app.ui.app import start
w = start([{str(SRC)!r}, {str(DST)!r}])
def loaded():
    w.session.set_rules(RuleSet((Rule({ISAR0}, RuleType.DIFF_IN_MASK, mask=0xF0,
                                      reason="kill -9 test"),)), dirty=True)
    w.filter_bar.search.setText("id_")
    print("ready", flush=True)
w.session.diffChanged.connect(loaded)
sys.exit(QApplication.instance().exec())
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "CPREG_EXPLORER_SETTINGS_DIR": str(settings_dir)}
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    path = Settings(settings_dir).autosave_path(proc.pid)
    try:
        deadline = time.monotonic() + 40
        snap = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                snap, _ = session_file.load(path)
            except (OSError, ValueError):
                snap = None
            if snap and snap.src_path and snap.filters.text == "id_" and snap.rules_dirty:
                break
            time.sleep(0.2)
        assert proc.poll() is None, proc.communicate()[1][-3000:]
        assert snap is not None and snap.rules_dirty, "no autosave with the rule appeared"
        assert rulefile.loads(snap.rules) == a_rule()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL and path.exists()

    from app.ui.app import start

    asked = answer(qtbot, RECOVERY_BOX_NAME, "Restore")
    win = start([])
    qtbot.addWidget(win)
    try:
        assert asked and "did not exit cleanly" in asked[0]
        qtbot.waitUntil(lambda: win.session.diff is not None and not win.session.busy,
                        timeout=20000)
        assert (win.session.src_path, win.session.dst_path) == (str(SRC), str(DST))
        assert win.filter_bar.search.text() == "id_"
        assert win.session.rules == a_rule() and win.session.rules_dirty
        assert not path.exists() and win.autosaver.path.exists()
    finally:
        mark_rules_saved(win)
        win.crash_guard.uninstall()
        win.session.cancel_load()
        win.session.wait_idle()

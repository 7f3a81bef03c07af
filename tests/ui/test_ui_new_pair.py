"""Opening another pair never carries the previous pair's rules or chosen QEMU release over
without a word: a box asks Keep rules / Start clean / Cancel, and Start clean loses nothing
(unsaved rules go to a set-aside file, and Edit → Undo brings them back)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.model.rules import rulefile
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet
from app.ui.rules.new_pair import NEW_PAIR_BOX, SET_ASIDE_FOLDER
from rules_helpers import add_rule
from ui_helpers import DST, GUEST, SRC

PAR = 0x40200000200F3A00


def _box(win) -> QMessageBox | None:
    box = win.findChild(QMessageBox, NEW_PAIR_BOX)
    return box if box is not None and box.isVisible() else None


def _button(box: QMessageBox, text: str):
    return next(b for b in box.buttons() if b.text().replace("&", "") == text)


def _ask_new_pair(qtbot, win, src=GUEST, dst=DST) -> QMessageBox:
    win.open_pair(str(src), str(dst))
    qtbot.waitUntil(lambda: _box(win) is not None)
    assert not win.session.busy  # nothing is read before the answer
    return _box(win)


def _loaded(qtbot, win, src) -> None:
    qtbot.waitUntil(lambda: not win.session.busy and win.session.src_path == str(src)
                    and win.session.verdict is not None, timeout=20000)


def test_start_clean_sets_unsaved_rules_aside_and_undo_brings_them_back(qtbot, loaded,
                                                                         settings_dir):
    add_rule(qtbot, loaded, "PAR", "Not on both ends")
    rules = loaded.session.rules
    loaded.session.set_policy("qemu-7.2")
    box = _ask_new_pair(qtbot, loaded)
    assert box.text() == "Keep 1 rule (unsaved) and QEMU 7.2 (your choice) for the new pair?"
    assert "q72-cortex-a57-smp2.mig → q11-cortex-a57-smp2-virt-7.2.mig" in box.informativeText()
    assert box.defaultButton() is _button(box, "Start clean")
    assert box.escapeButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert not box.checkBox().isChecked()
    qtbot.mouseClick(_button(box, "Start clean"), Qt.MouseButton.LeftButton)
    _loaded(qtbot, loaded, GUEST)
    s = loaded.session
    assert s.rules == RuleSet() and not s.rules_dirty and s.rules_path is None
    assert s.policy is None and s.verdict.policy.name == "qemu-11.1"  # the default again
    assert s.verdict.rules == ()  # the new pair's verdict never saw the old rules
    aside = list((settings_dir / SET_ASIDE_FOLDER).glob("*.toml"))
    assert len(aside) == 1 and rulefile.load(aside[0]) == rules
    assert "q72-cortex-a57-smp2.mig" in aside[0].read_text()  # which pair they were made for
    assert str(aside[0]) in loaded.statusBar().currentMessage()
    assert "Start clean" in loaded.rules_layer.undo.text()
    loaded.rules_layer.undo.trigger()
    assert s.rules == rules and s.rules_dirty and loaded.isWindowModified()
    qtbot.waitUntil(lambda: s.verdict is not None and s.verdict.rules == rules.rules)


def test_keep_rules_keeps_them_and_resets_the_chosen_release(qtbot, loaded):
    add_rule(qtbot, loaded, "PAR", "Not on both ends")
    rules = loaded.session.rules
    loaded.session.set_policy("qemu-7.2")
    box = _ask_new_pair(qtbot, loaded)
    qtbot.mouseClick(_button(box, "Keep rules"), Qt.MouseButton.LeftButton)
    _loaded(qtbot, loaded, GUEST)
    assert loaded.session.rules == rules and loaded.session.rules_dirty
    assert loaded.session.policy is None and loaded.session.verdict.policy.name == "qemu-11.1"


def test_the_check_box_keeps_the_chosen_release(qtbot, loaded):
    add_rule(qtbot, loaded, "PAR", "Not on both ends")
    loaded.session.set_policy("qemu-7.2")
    box = _ask_new_pair(qtbot, loaded)
    box.checkBox().setChecked(True)
    qtbot.mouseClick(_button(box, "Keep rules"), Qt.MouseButton.LeftButton)
    _loaded(qtbot, loaded, GUEST)
    assert loaded.session.policy == "qemu-7.2" == loaded.session.verdict.policy.name


def test_escape_cancels_and_enter_starts_clean(qtbot, loaded):
    add_rule(qtbot, loaded, "PAR", "Not on both ends")
    rules = loaded.session.rules
    box = _ask_new_pair(qtbot, loaded)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: _box(loaded) is None)
    qtbot.wait(50)
    assert not loaded.session.busy and loaded.session.src_path == str(SRC)
    assert loaded.session.rules == rules
    box = _ask_new_pair(qtbot, loaded)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    _loaded(qtbot, loaded, GUEST)
    assert loaded.session.rules == RuleSet()


def test_saved_rules_stay_in_their_file(qtbot, loaded, tmp_path, settings_dir):
    path = tmp_path / "a57.toml"
    rules = RuleSet((Rule(PAR, RuleType.NOT_ON_BOTH_ENDS),))
    rulefile.save(rules, path)
    assert loaded.rules_layer.files.open_path(str(path))
    box = _ask_new_pair(qtbot, loaded)
    assert "1 rule (saved in a57.toml)" in box.text()
    qtbot.mouseClick(_button(box, "Start clean"), Qt.MouseButton.LeftButton)
    _loaded(qtbot, loaded, GUEST)
    assert loaded.session.rules == RuleSet() and loaded.session.rules_path is None
    assert not (settings_dir / SET_ASIDE_FOLDER).exists()  # the file holds them already
    assert "a57.toml" in loaded.statusBar().currentMessage()
    loaded.rules_layer.undo.trigger()  # the file's rules, not modified
    assert loaded.session.rules == rules and loaded.session.rules_path == str(path)
    assert not loaded.session.rules_dirty


def test_a_failed_load_leaves_the_rules_alone(qtbot, loaded, tmp_path, settings_dir,
                                              monkeypatch):
    add_rule(qtbot, loaded, "PAR", "Not on both ends")
    rules = loaded.session.rules
    bad = tmp_path / "bad.mig"
    bad.write_bytes(b"not a stream")
    failures = []
    monkeypatch.setattr("app.ui.window.main_window.show_load_error",
                        lambda _win, exc: failures.append(exc))
    box = _ask_new_pair(qtbot, loaded, src=bad)
    qtbot.mouseClick(_button(box, "Start clean"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(failures) and not loaded.session.busy, timeout=20000)
    assert loaded.session.rules == rules and loaded.session.src_path == str(SRC)
    assert not (settings_dir / SET_ASIDE_FOLDER).exists()
    loaded.session.swap()  # the next pair installed is not the one the answer was for
    qtbot.waitUntil(lambda: loaded.session.src_path == str(DST))
    assert loaded.session.rules == rules
    loaded.open_pair(str(DST), str(SRC))  # the same files again: no question
    qtbot.waitUntil(lambda: not loaded.session.busy, timeout=20000)
    assert _box(loaded) is None


def test_nothing_to_keep_asks_nothing(qtbot, loaded):
    loaded.open_pair(str(GUEST), str(DST))
    _loaded(qtbot, loaded, GUEST)
    assert _box(loaded) is None


def test_a_chosen_release_alone_is_asked_about(qtbot, loaded):
    loaded.session.set_policy("qemu-10.0")
    box = _ask_new_pair(qtbot, loaded)
    assert box.text() == "Keep QEMU 10.0 (your choice) for the new pair?"
    assert box.checkBox() is None
    qtbot.mouseClick(_button(box, "Keep QEMU 10.0"), Qt.MouseButton.LeftButton)
    _loaded(qtbot, loaded, GUEST)
    assert loaded.session.policy == "qemu-10.0"
    box = _ask_new_pair(qtbot, loaded, src=SRC)
    qtbot.mouseClick(_button(box, "Start clean"), Qt.MouseButton.LeftButton)
    _loaded(qtbot, loaded, SRC)
    assert loaded.session.policy is None


def test_a_caller_that_set_the_new_pairs_rules_itself_is_not_asked(qtbot, loaded):
    add_rule(qtbot, loaded, "PAR", "Not on both ends")
    rules = loaded.session.rules
    loaded.session.open(str(GUEST), str(DST), ask=False)  # e.g. a fleet baseline
    _loaded(qtbot, loaded, GUEST)
    assert _box(loaded) is None and loaded.session.rules == rules


def test_rules_that_cannot_be_set_aside_are_kept(qtbot, loaded, monkeypatch):
    add_rule(qtbot, loaded, "PAR", "Not on both ends")
    rules = loaded.session.rules

    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("app.ui.rules.new_pair.set_aside", full_disk)
    box = _ask_new_pair(qtbot, loaded)
    qtbot.mouseClick(_button(box, "Start clean"), Qt.MouseButton.LeftButton)
    _loaded(qtbot, loaded, GUEST)
    assert loaded.session.rules == rules and loaded.session.rules_dirty
    said = next(b for b in loaded.findChildren(QMessageBox) if b.isVisible())
    assert "No space left on device" in said.text() and "kept" in said.text()
    said.close()

"""Rule files, exports, the unsaved-rules question, --rules at start, and the shortcut list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox

from app.model import exporters
from app.model.rules import rulefile
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet
from app.ui.rules.files import UNSAVED_BOX
from rules_helpers import FakeFileDialog, add_rule, focus
from ui_helpers import DST, SRC

ISAR0 = 0x603000000013C030
PAR = 0x40200000200F3A00


def _patch_dialogs(monkeypatch, path) -> FakeFileDialog:
    fake = FakeFileDialog(str(path))
    monkeypatch.setattr("app.ui.rules.files.QFileDialog", fake)
    monkeypatch.setattr("app.ui.rules.export_dialog.QFileDialog", fake)
    return fake


def _unsaved_box(win) -> QMessageBox | None:
    box = win.findChild(QMessageBox, UNSAVED_BOX)
    return box if box is not None and box.isVisible() else None


def test_save_as_then_ctrl_s_and_reopen(qtbot, loaded, monkeypatch, tmp_path):
    path = tmp_path / "a57.toml"
    fake = _patch_dialogs(monkeypatch, path)
    add_rule(qtbot, loaded, "PAR", "Not on both ends")
    assert loaded.windowTitle().endswith("unsaved rules[*] — Cpreg Explorer")
    assert loaded.isWindowModified()
    focus(qtbot, loaded.view)
    qtbot.keyClick(loaded.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert len(fake.asked) == 1  # no file yet: Save asks where
    assert path.read_text() == rulefile.dumps(loaded.session.rules)
    assert rulefile.load(path) == loaded.session.rules
    assert loaded.session.rules_path == str(path) and not loaded.session.rules_dirty
    assert "a57.toml[*]" in loaded.windowTitle() and not loaded.isWindowModified()
    add_rule(qtbot, loaded, "ID_AA64ISAR0_EL1", "Not on both ends")
    assert loaded.isWindowModified()
    qtbot.keyClick(loaded.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert len(fake.asked) == 1  # saved in place
    assert rulefile.load(path) == loaded.session.rules and len(loaded.session.rules) == 2
    assert len(rulefile.load(str(path) + ".bak")) == 1  # the previous file is kept
    loaded.rules_layer.undo.trigger()  # back to one rule: differs from the file again
    assert loaded.session.rules_dirty
    loaded.rules_layer.redo.trigger()  # the saved state again: clean
    assert not loaded.session.rules_dirty and not loaded.isWindowModified()
    loaded.session.set_rules(RuleSet(), dirty=False)
    assert loaded.rules_layer.files.open_path(str(path))
    assert loaded.session.rules == rulefile.load(path) and not loaded.session.rules_dirty
    assert loaded.rules_layer.editor.stack.count() == 0


def test_open_rules_reads_a_qemu_c_export_as_unsaved_rules(qtbot, loaded, monkeypatch, tmp_path):
    rules = RuleSet((Rule(ISAR0, RuleType.NOT_ON_BOTH_ENDS, reason="r"),))
    c_file = tmp_path / "tolerances.c"
    c_file.write_text(exporters.export(rules, "qemu-c").text)
    _patch_dialogs(monkeypatch, c_file)
    loaded.rules_layer.open_rules.trigger()
    assert [r.register for r in loaded.session.rules] == [ISAR0]
    assert loaded.session.rules_dirty and loaded.session.rules_path is None  # never overwrite C
    assert loaded.rules_layer.banner.headline.text().endswith("3 blocking registers")


def test_a_bad_rule_file_is_reported_and_changes_nothing(qtbot, loaded, tmp_path, monkeypatch):
    bad = tmp_path / "bad.toml"
    bad.write_text('version = 1\n\n[[rule]]\nregister = "PAR"\ntype = "not-on-both-ends"\n'
                   'maks = 1\n')
    shown = []
    monkeypatch.setattr("app.ui.rules.files.message",
                        lambda parent, icon, title, text: shown.append(text))
    assert not loaded.rules_layer.files.open_path(str(bad))
    assert "bad.toml" in shown[0] and "unknown key 'maks'" in shown[0] and "line 3" in shown[0]
    assert loaded.session.rules == RuleSet() and loaded.session.rules_path is None


def test_export_dialog_previews_every_format_and_saves_qemu_c(qtbot, loaded, monkeypatch,
                                                              tmp_path):
    add_rule(qtbot, loaded, "PAR", "Hidden on both ends")
    add_rule(qtbot, loaded, "ID_AA64ISAR0_EL1", "Not on both ends")
    out = tmp_path / "tolerances.c"
    _patch_dialogs(monkeypatch, out)
    focus(qtbot, loaded.view)
    qtbot.keyClick(loaded.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = loaded.rules_layer.export_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert [dialog.format.itemData(i) for i in range(dialog.format.count())] == list(
        exporters.formats())
    dialog.format.setCurrentIndex(dialog.format.findData("markdown"))
    assert "## Verdict: **rejected** by QEMU 11.1" in dialog.preview.toPlainText()
    dialog.format.setCurrentIndex(dialog.format.findData("qemu-c"))
    want = exporters.export(loaded.session.rules, "qemu-c")
    assert dialog.preview.toPlainText() == want.text
    assert want.skipped and dialog.skipped.isVisible()  # hidden has no QEMU tolerance
    assert f"Not exported: {want.skipped[0]}" in dialog.skipped.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert out.read_text() == want.text
    assert not dialog.isVisible()


def test_closing_with_unsaved_rules_asks(qtbot, loaded, monkeypatch, tmp_path):
    add_rule(qtbot, loaded, "PAR", "Not on both ends")
    loaded.close()
    qtbot.waitUntil(lambda: _unsaved_box(loaded) is not None)
    box = _unsaved_box(loaded)
    assert "unsaved changes" in box.text() and "closing" in box.informativeText()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _unsaved_box(loaded) is None)
    assert loaded.isVisible()  # Cancel: nothing happens
    path = tmp_path / "kept.toml"
    _patch_dialogs(monkeypatch, path)
    loaded.close()
    qtbot.waitUntil(lambda: _unsaved_box(loaded) is not None)
    box = _unsaved_box(loaded)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not loaded.isVisible())
    assert rulefile.load(path) == loaded.session.rules  # saved, then closed


def test_discard_closes_without_saving(qtbot, loaded, tmp_path):
    add_rule(qtbot, loaded, "PAR", "Not on both ends")
    loaded.close()
    qtbot.waitUntil(lambda: _unsaved_box(loaded) is not None)
    box = _unsaved_box(loaded)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Discard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not loaded.isVisible())
    assert not list(tmp_path.glob("*.toml"))


def test_rules_option_is_applied_at_start(qtbot, tmp_path):
    from app.ui.app import start

    path = tmp_path / "start.toml"
    rulefile.save(RuleSet((Rule(PAR, RuleType.NOT_ON_BOTH_ENDS),)), path)
    win = start([str(SRC), str(DST)], str(path))
    qtbot.addWidget(win)
    try:
        qtbot.waitUntil(lambda: win.session.verdict is not None, timeout=20000)
        assert [r.register for r in win.session.rules] == [PAR]
        assert win.session.rules_path == str(path) and not win.session.rules_dirty
        assert win.rules_layer.banner.headline.text().endswith("3 blocking registers")
        assert "start.toml[*]" in win.windowTitle()
    finally:
        win.crash_guard.uninstall()
        win.session.wait_idle()


def test_shortcut_list_names_every_shortcut(qtbot, window):
    window.actions.shortcuts.trigger()
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    text = box.text()
    keys = {seq.toString() for action in window.findChildren(QAction)
            for seq in action.shortcuts() if not seq.isEmpty()}
    assert {"Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+S", "Ctrl+E", "Ctrl+R", "Ctrl+Shift+G"} <= keys
    for key in keys:
        assert key in text, f"{key} is missing from Help → Keyboard shortcuts"
    box.close()
    QApplication.processEvents()

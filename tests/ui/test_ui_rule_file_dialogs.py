"""Rule file dialogs: Save adds .toml to a bare name (asking before it replaces a file), the
save, open and export dialogs start beside the rule file (else the last rules folder, else the
pair's folder), and the unsaved-rules question speaks good English."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QMessageBox

from app.model.rules import rulefile
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet
from app.ui.rules.files import UNSAVED_BOX, unsaved_text, with_rules_suffix
from rules_helpers import FakeFileDialog, add_rule
from ui_helpers import DST

PAR = 0x40200000200F3A00


def _patch_dialogs(monkeypatch, path) -> FakeFileDialog:
    fake = FakeFileDialog(str(path))
    monkeypatch.setattr("app.ui.rules.files.QFileDialog", fake)
    monkeypatch.setattr("app.ui.rules.export_dialog.QFileDialog", fake)
    return fake


def test_save_as_adds_toml_to_a_bare_name(qtbot, loaded, monkeypatch, tmp_path):
    add_rule(qtbot, loaded, "PAR", "Not on both ends")
    _patch_dialogs(monkeypatch, tmp_path / "a57")
    assert loaded.rules_layer.files.save_as()
    assert not (tmp_path / "a57").exists()
    assert rulefile.load(tmp_path / "a57.toml") == loaded.session.rules
    assert loaded.session.rules_path == str(tmp_path / "a57.toml")
    assert with_rules_suffix("/x/rules.c") == "/x/rules.c"
    assert with_rules_suffix("/x.d/rules") == "/x.d/rules.toml"


def test_save_as_asks_before_the_added_suffix_replaces_a_file(qtbot, loaded, monkeypatch,
                                                              tmp_path):
    add_rule(qtbot, loaded, "PAR", "Not on both ends")
    existing = tmp_path / "a57.toml"
    existing.write_text("# someone else's rules\n")
    _patch_dialogs(monkeypatch, tmp_path / "a57")
    asked = []
    monkeypatch.setattr("app.ui.rules.files.ask_replace",
                        lambda _parent, path: asked.append(path) or False)
    assert not loaded.rules_layer.files.save_as()
    assert asked == [str(existing)] and existing.read_text() == "# someone else's rules\n"
    assert loaded.session.rules_dirty
    monkeypatch.setattr("app.ui.rules.files.ask_replace", lambda _parent, _path: True)
    assert loaded.rules_layer.files.save_as()
    assert rulefile.load(existing) == loaded.session.rules


def test_dialogs_start_beside_the_rule_file_then_the_last_rules_folder_then_the_pair(
        qtbot, loaded, monkeypatch, tmp_path):
    files = loaded.rules_layer.files
    add_rule(qtbot, loaded, "PAR", "Not on both ends")
    # No rule file, no rules folder yet: the pair's (destination's) folder.
    fake = _patch_dialogs(monkeypatch, tmp_path / "kept" / "a57.toml")
    (tmp_path / "kept").mkdir()
    assert files.save_as()
    assert fake.asked[-1][2] == os.path.join(os.path.dirname(str(DST)), "rules.toml")
    # Beside the rule file: save as, open and export.
    assert files.save_as()
    assert fake.asked[-1][2] == str(tmp_path / "kept" / "a57.toml")
    files._choose_and_open()
    assert fake.asked[-1][2] == str(tmp_path / "kept")
    dialog = loaded.rules_layer.export_rules()
    fake.path = str(tmp_path / "exports" / "a57.c")
    (tmp_path / "exports").mkdir()
    dialog.format.setCurrentIndex(dialog.format.findData("qemu-c"))
    assert dialog.save() == fake.path
    assert fake.asked[-1][2] == str(tmp_path / "kept" / "a57.c")
    # Without a rule file: the folder rules were last saved or exported to.
    loaded.session.set_rules_file(None, dirty=True)
    files._choose_and_open()
    assert fake.asked[-1][2] == str(tmp_path / "exports")
    dialog = loaded.rules_layer.export_rules()
    dialog.save()  # the first format: TOML
    assert fake.asked[-1][2] == str(tmp_path / "exports" / "rules.toml")
    # That folder is remembered between runs.
    assert loaded.settings.last_rules_dir() == str(tmp_path / "exports")


def test_unsaved_question_grammar(qtbot, loaded):
    assert unsaved_text(None, 3) == "Your 3 rules have unsaved changes."
    assert unsaved_text(None, 1) == "Your rule has unsaved changes."
    assert unsaved_text(None, 0) == "The rules have unsaved changes."
    assert unsaved_text("/x/a57.toml", 3) == "a57.toml has unsaved changes."
    loaded.session.set_rules(RuleSet((Rule(PAR, RuleType.NOT_ON_BOTH_ENDS),
                                      Rule(PAR + 1, RuleType.NOT_ON_BOTH_ENDS))))
    loaded.close()
    qtbot.waitUntil(lambda: loaded.findChild(QMessageBox, UNSAVED_BOX) is not None)
    box = loaded.findChild(QMessageBox, UNSAVED_BOX)
    assert box.text() == "Your 2 rules have unsaved changes."
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: loaded.findChild(QMessageBox, UNSAVED_BOX) is None)
    assert loaded.isVisible()

"""Rule files: File → Open rules…, Save rules, Save rules as…, the unsaved-rules question,
and the window title (pair, rule file, modified marker).

Files are the native TOML of app.model.rulefile (saved atomically, the previous file kept as
``.bak``); Open also reads a QEMU C export, which is then treated as unsaved rules without a
file, so Save asks where to write the TOML instead of overwriting the C. Read errors name the
file and line in a message box; the rules in the window stay as they were. File names and
errors are shown as plain text (app.ui.plain_text).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.model.errors import RuleError
from app.model.rules import rulefile
from app.ui.plain_text import message, plain_box, title_text

RULES_FILTER = "Rule files (*.toml);;QEMU C exports (*.c);;All files (*)"
UNSAVED_BOX = "unsavedRulesBox"
Button = QMessageBox.StandardButton


class RuleFiles(QObject):
    def __init__(self, window, editor):
        super().__init__(window)
        self.window, self.session, self.editor = window, window.session, editor
        self._close_confirmed = False
        self._question: QMessageBox | None = None  # the open unsaved-rules question
        # The window title is kept here: pair, rule file and the modified marker.
        self.session.sourcesChanged.connect(self.update_title)
        self.session.rulesChanged.connect(self.update_title)

    def _directory(self) -> str:
        path = self.session.rules_path
        return os.path.dirname(path) if path else self.window.settings.last_dir()

    # -- open ------------------------------------------------------------------------------------
    def open_dialog(self) -> None:
        self.ask_then("opening another rule file", self._choose_and_open)

    def _choose_and_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open rules", self._directory(),
                                              RULES_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> bool:
        """Replace the rules with the file's (errors shown; the current rules then stay)."""
        try:
            text = Path(path).read_text(encoding="utf-8")
            rules = rulefile.load_any(path)
        except (RuleError, OSError, UnicodeDecodeError) as exc:
            message(self.window, QMessageBox.Icon.Critical, "Cannot open rules",
                    f"Could not read {os.path.basename(path)}:\n{exc}")
            return False
        imported = rulefile.is_qemu_c(text)
        self.session.set_rules(rules, dirty=imported)
        self.session.set_rules_file(None if imported else os.path.abspath(path), dirty=imported)
        self.editor.mark_saved()  # the history was reset when the new rules arrived
        if imported:
            self.window.statusBar().showMessage(
                f"Imported {len(rules)} rules from the QEMU C file {os.path.basename(path)}; "
                "Save writes them as a TOML rule file.", 10000)
        return True

    # -- save ------------------------------------------------------------------------------------
    def save(self) -> bool:
        if not self.session.rules_path:
            return self.save_as()
        return self._write(self.session.rules_path)

    def save_as(self) -> bool:
        start = self.session.rules_path or os.path.join(self._directory(), "rules.toml")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save rules as", start, RULES_FILTER)
        return bool(path) and self._write(path)

    def _write(self, path: str) -> bool:
        try:
            rulefile.save(self.session.rules, path)
        except OSError as exc:
            message(self.window, QMessageBox.Icon.Critical, "Cannot save rules",
                    f"Could not write {path}: {exc.strerror or exc}")
            return False
        self.session.set_rules_file(os.path.abspath(path), dirty=False)
        self.editor.mark_saved()
        self.window.statusBar().showMessage(
            f"Saved {len(self.session.rules)} rules to {path}", 5000)
        return True

    # -- unsaved changes ---------------------------------------------------------------------
    def ask_then(self, doing: str, proceed) -> QMessageBox | None:
        """Call ``proceed()`` once dropping the current rules is fine: at once when they are
        saved, else after the user answers Save (and the save worked) or Discard; Cancel
        calls nothing. The question opens window-modal but non-blocking (``open()``), so a
        close during teardown or a session logout never hangs in a nested event loop."""
        if not self.session.rules_dirty:
            proceed()
            return None
        name = os.path.basename(self.session.rules_path or "") or "The rules"
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved rules",
                          f"{name} has unsaved changes.", Button.Save | Button.Discard
                          | Button.Cancel, self.window)
        box.setObjectName(UNSAVED_BOX)
        box.setInformativeText(f"Save them before {doing}?")
        box.setDefaultButton(Button.Save)
        plain_box(box)

        def answered(_result: int) -> None:
            clicked = box.clickedButton()
            answer = box.standardButton(clicked) if clicked is not None else Button.Cancel
            self._question = None
            box.deleteLater()
            if answer == Button.Discard or (answer == Button.Save and self.save()):
                proceed()

        box.finished.connect(answered)
        self._question = box
        box.open()
        return box

    def close_allowed(self) -> bool:
        """For the window's closeEvent: True to close now; False to refuse this close while
        the unsaved-rules question is open (its Save/Discard closes the window again)."""
        if self._close_confirmed or not self.session.rules_dirty:
            return True
        if self._question is None:  # one question at a time (closing twice asks once)
            self.ask_then("closing", self._close_again)
        return False

    def _close_again(self) -> None:
        self._close_confirmed = True
        try:
            self.window.close()
        finally:
            self._close_confirmed = False

    def update_title(self) -> None:
        s = self.session
        parts = []
        if s.src_path and s.dst_path:
            parts.append(title_text(f"{os.path.basename(s.src_path)} → "
                                    f"{os.path.basename(s.dst_path)}"))
        if s.rules_path:
            parts.append(f"{title_text(os.path.basename(s.rules_path))}[*]")
        elif s.rules.rules or s.rules_dirty:
            parts.append("unsaved rules[*]")
        self.window.setWindowTitle(" — ".join([*parts, "Cpreg Explorer"]))
        self.window.setWindowModified(s.rules_dirty)

"""Rule files: File → Open rules…, Save rules, Save rules as…, the unsaved-rules question,
the new-pair question (new_pair.py, asked through ``Session.pair_guard``) and the window title
(pair, rule file, modified marker).

Files are the native TOML of app.model.rulefile (saved atomically, the previous file kept as
``.bak``); a name typed without an extension gets ``.toml``. Open also reads a QEMU C export,
which is then treated as unsaved rules without a file, so Save asks where to write the TOML
instead of overwriting the C. Read errors name the file and line in a message box; the rules
in the window stay as they were. Rule file dialogs (and the export dialog) start in
``rules_folder``: beside the current rule file, else where rules were last opened or saved,
else the pair's folder. File names and errors are shown as plain text (app.ui.plain_text).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.model.errors import RuleError
from app.model.rules import rulefile
from app.ui.plain_text import message, plain_box, title_text
from app.ui.rules.new_pair import NewPairQuestion
from app.ui.window.pair_names import pair_title

RULES_FILTER = "Rule files (*.toml);;QEMU C exports (*.c);;All files (*)"
RULES_SUFFIX = ".toml"
UNSAVED_BOX = "unsavedRulesBox"
Button = QMessageBox.StandardButton


def rules_folder(session, settings=None) -> str:
    """Where a rule file dialog starts: beside the current rule file, else the folder rules
    were last opened from or saved to (while it exists), else the destination's (or the
    source's) folder, else the folder sources were last opened from."""
    if session.rules_path:
        return os.path.dirname(os.path.abspath(session.rules_path))
    last = settings.last_rules_dir() if settings is not None else None
    if last and os.path.isdir(last):
        return last
    for path in (session.dst_path, session.src_path):
        if path:
            return os.path.dirname(os.path.abspath(path))
    return settings.last_dir() if settings is not None else ""


def with_rules_suffix(path: str) -> str:
    """``path`` with ``.toml`` added when its name has no extension (the file dialog keeps
    what the user typed; the rule file is TOML whatever filter was selected)."""
    return path if os.path.splitext(os.path.basename(path))[1] else path + RULES_SUFFIX


def unsaved_text(rules_path: str | None, count: int) -> str:
    """The unsaved-rules question's first line, in good grammar for any count."""
    if rules_path:
        return f"{os.path.basename(rules_path)} has unsaved changes."
    if count == 1:
        return "Your rule has unsaved changes."
    if count:
        return f"Your {count} rules have unsaved changes."
    return "The rules have unsaved changes."


def ask_replace(parent, path: str) -> bool:
    """The overwrite question for a name the file dialog did not check (``.toml`` added)."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Replace file?",
                      f"{os.path.basename(path)} already exists in "
                      f"{os.path.dirname(path) or '.'}.", Button.Yes | Button.Cancel, parent)
    box.setInformativeText("Replace it?")
    box.setDefaultButton(Button.Cancel)
    plain_box(box)
    return box.exec() == Button.Yes


class RuleFiles(QObject):
    def __init__(self, window, editor):
        super().__init__(window)
        self.window, self.session, self.editor = window, window.session, editor
        self._close_confirmed = False
        self._question: QMessageBox | None = None  # the open unsaved-rules question
        # The window title is kept here: pair, rule file and the modified marker.
        self.session.sourcesChanged.connect(self.update_title)
        self.session.rulesChanged.connect(self.update_title)
        self.new_pair = NewPairQuestion(window, editor)
        self.session.pair_guard = self.new_pair.ask

    def _directory(self) -> str:
        return rules_folder(self.session, self.window.settings)

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
        self.window.settings.set_last_rules_dir(path)
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
        chosen, _ = QFileDialog.getSaveFileName(self.window, "Save rules as", start,
                                                RULES_FILTER)
        if not chosen:
            return False
        path = with_rules_suffix(chosen)
        # The dialog asked about replacing the name typed, not about the one with .toml.
        if path != chosen and os.path.exists(path) and not ask_replace(self.window, path):
            return False
        return self._write(path)

    def _write(self, path: str) -> bool:
        try:
            rulefile.save(self.session.rules, path)
        except OSError as exc:
            message(self.window, QMessageBox.Icon.Critical, "Cannot save rules",
                    f"Could not write {path}: {exc.strerror or exc}")
            return False
        self.session.set_rules_file(os.path.abspath(path), dirty=False)
        self.window.settings.set_last_rules_dir(path)
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
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved rules",
                          unsaved_text(self.session.rules_path, len(self.session.rules)),
                          Button.Save | Button.Discard | Button.Cancel, self.window)
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
            parts.append(title_text(pair_title(s.src_path, s.dst_path)))
        if s.rules_path:
            parts.append(f"{title_text(os.path.basename(s.rules_path))}[*]")
        elif s.rules.rules or s.rules_dirty:
            parts.append("unsaved rules[*]")
        self.window.setWindowTitle(" — ".join([*parts, "Cpreg Explorer"]))
        self.window.setWindowModified(s.rules_dirty)

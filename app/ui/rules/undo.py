"""Undo/redo for rule edits: a QUndoStack of QUndoCommands that each hold one model command.

The model's commands (app.model.commands: AddRule, RemoveRule, ReplaceRule, SetEnabled,
AddRules) know how to apply and revert themselves on a RuleSet; ``RuleCommand`` only applies
them to ``session.rules`` through ``session.set_rules``. ``RuleEditor.do`` tries the command
first, so a command that cannot apply (a duplicate rule) raises before it reaches the stack.

The stack's clean state is the saved file: undoing back to it clears ``rules_dirty``. When the
rules are replaced from outside (a rule file opened, an autosave restored), the history no
longer describes them and is cleared.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.model.rules.edits import Command
from app.model.rules.ruleset import RuleSet
from app.ui.session.session import Session


class RuleCommand(QUndoCommand):
    """One model command as a Qt undo step."""

    def __init__(self, editor: RuleEditor, command: Command):
        super().__init__(command.text)
        self.editor = editor
        self.command = command

    def redo(self) -> None:
        self.editor.install(self.command.apply(self.editor.session.rules))

    def undo(self) -> None:
        self.editor.install(self.command.revert(self.editor.session.rules))


class RuleEditor(QObject):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.stack = QUndoStack(self)
        self._installed: RuleSet | None = None  # what our own commands last installed
        self._resetting = False
        self.stack.cleanChanged.connect(self._clean_changed)
        session.rulesChanged.connect(self._rules_changed)

    def do(self, command: Command) -> None:
        """Apply ``command`` as an undoable step; errors (RuleError, ValueError) propagate
        before anything changes."""
        command.apply(self.session.rules)  # raises here, not inside QUndoStack.push
        self.stack.push(RuleCommand(self, command))

    def install(self, ruleset: RuleSet) -> None:
        self._installed = ruleset
        self.session.set_rules(ruleset, dirty=True)

    def mark_saved(self) -> None:
        """The rules were just written to (or read from) ``session.rules_path``."""
        self.stack.setClean()

    def reset(self) -> None:
        """Forget the history (the rules were replaced wholesale)."""
        # clear() makes the stack clean; that says nothing about the file, so ignore it.
        self._resetting = True
        try:
            self.stack.clear()
        finally:
            self._resetting = False
        self._installed = self.session.rules

    def _clean_changed(self, clean: bool) -> None:
        # Undo/redo back onto the saved state: the file on disk matches the rules again.
        if clean and not self._resetting and self.session.rules_dirty:
            self.session.set_rules_file(self.session.rules_path, dirty=False)

    def _rules_changed(self) -> None:
        if self.session.rules is not self._installed:
            self.reset()

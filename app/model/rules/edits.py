"""Undoable rule edits, free of Qt so the CLI, tests and GUI share the same commands.

A command is a frozen value that knows everything it needs to undo itself: ``apply(ruleset)``
and ``revert(ruleset)`` return new RuleSets and ``text`` is the Edit-menu label. The GUI wraps
the same objects in a QUndoCommand; ``History`` is the minimal stack for everything else.
Applying a command to a RuleSet it was not made for raises ValueError rather than guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol

from app.model.rules.rule import Rule
from app.model.rules.ruleset import RuleSet


class Command(Protocol):
    text: str

    def apply(self, ruleset: RuleSet) -> RuleSet: ...

    def revert(self, ruleset: RuleSet) -> RuleSet: ...


def _expect(ruleset: RuleSet, rule: Rule) -> None:
    if ruleset.get(rule.register) != rule:
        raise ValueError(f"rule set no longer holds the {rule.describe()} this command edits")


@dataclass(frozen=True)
class AddRule:
    rule: Rule
    index: int | None = None  # None appends

    @property
    def text(self) -> str:
        return f"Add {self.rule.describe()}"

    def apply(self, ruleset: RuleSet) -> RuleSet:
        return ruleset.with_rule(self.rule, self.index)

    def revert(self, ruleset: RuleSet) -> RuleSet:
        _expect(ruleset, self.rule)
        return ruleset.without(self.rule.register)


@dataclass(frozen=True)
class RemoveRule:
    rule: Rule
    index: int  # where the rule was, so undo puts it back in place

    @classmethod
    def of(cls, ruleset: RuleSet, register: int) -> RemoveRule:
        """The command removing the rule ``ruleset`` holds for ``register``."""
        i = ruleset.index_of(register)
        return cls(ruleset.rules[i], i)

    @property
    def text(self) -> str:
        return f"Remove {self.rule.describe()}"

    def apply(self, ruleset: RuleSet) -> RuleSet:
        _expect(ruleset, self.rule)
        return ruleset.without(self.rule.register)

    def revert(self, ruleset: RuleSet) -> RuleSet:
        return ruleset.with_rule(self.rule, self.index)


@dataclass(frozen=True)
class ReplaceRule:
    """Edit a rule in place (type, mask, value, reason, even its register)."""

    old: Rule
    new: Rule

    @property
    def text(self) -> str:
        return f"Edit {self.new.describe()}"

    def apply(self, ruleset: RuleSet) -> RuleSet:
        _expect(ruleset, self.old)
        return ruleset.replaced(self.old.register, self.new)

    def revert(self, ruleset: RuleSet) -> RuleSet:
        _expect(ruleset, self.new)
        return ruleset.replaced(self.new.register, self.old)


@dataclass(frozen=True)
class SetEnabled:
    rule: Rule  # the rule as it is before the command
    enabled: bool

    @property
    def text(self) -> str:
        return f"{'Enable' if self.enabled else 'Disable'} {self.rule.describe()}"

    def apply(self, ruleset: RuleSet) -> RuleSet:
        _expect(ruleset, self.rule)
        return ruleset.replaced(self.rule.register, replace(self.rule, enabled=self.enabled))

    def revert(self, ruleset: RuleSet) -> RuleSet:
        _expect(ruleset, replace(self.rule, enabled=self.enabled))
        return ruleset.replaced(self.rule.register, self.rule)


@dataclass(frozen=True)
class AddRules:
    """Add several rules as one step (accepting suggestions); all or nothing."""

    rules: tuple[Rule, ...]

    def __post_init__(self):
        object.__setattr__(self, "rules", tuple(self.rules))

    @property
    def text(self) -> str:
        if len(self.rules) == 1:
            return f"Add {self.rules[0].describe()}"
        return f"Add {len(self.rules)} rules"

    def apply(self, ruleset: RuleSet) -> RuleSet:
        return ruleset.with_rules(self.rules)

    def revert(self, ruleset: RuleSet) -> RuleSet:
        for rule in self.rules:
            _expect(ruleset, rule)
        gone = {r.register for r in self.rules}
        return RuleSet(tuple(r for r in ruleset if r.register not in gone))


@dataclass
class History:
    """Undo/redo stacks around a current RuleSet (mutable on purpose: it is the session)."""

    ruleset: RuleSet = field(default_factory=RuleSet)
    undo_stack: list = field(default_factory=list)
    redo_stack: list = field(default_factory=list)

    def do(self, command: Command) -> RuleSet:
        """Apply ``command``; on error nothing changes. A new command clears redo."""
        self.ruleset = command.apply(self.ruleset)
        self.undo_stack.append(command)
        self.redo_stack.clear()
        return self.ruleset

    def undo(self) -> RuleSet:
        command = self.undo_stack[-1]  # IndexError when there is nothing to undo
        self.ruleset = command.revert(self.ruleset)
        self.redo_stack.append(self.undo_stack.pop())
        return self.ruleset

    def redo(self) -> RuleSet:
        command = self.redo_stack[-1]
        self.ruleset = command.apply(self.ruleset)
        self.undo_stack.append(self.redo_stack.pop())
        return self.ruleset

    @property
    def undo_text(self) -> str | None:
        return self.undo_stack[-1].text if self.undo_stack else None

    @property
    def redo_text(self) -> str | None:
        return self.redo_stack[-1].text if self.redo_stack else None

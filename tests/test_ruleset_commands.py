"""RuleSet invariants and the Qt-free undoable commands."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.model.rules.edits import AddRule, AddRules, History, RemoveRule, ReplaceRule, SetEnabled
from app.model.errors import RuleError
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet

ISAR0 = 0x603000000013c030  # ID_AA64ISAR0_EL1
ISAR1 = 0x603000000013c031  # ID_AA64ISAR1_EL1
PFR0 = 0x603000000013c020  # ID_AA64PFR0_EL1
A = Rule(ISAR0, RuleType.DIFF_IN_MASK, 0xF0, reason="a")
B = Rule(ISAR1, RuleType.FIELD_LT, 0xF, 3)
C = Rule(PFR0, RuleType.SAFE_MISSING)
BASE = RuleSet((A, B))


def test_one_rule_per_register():
    with pytest.raises(RuleError) as err:
        RuleSet((A, Rule(ISAR0, RuleType.HIDDEN)))
    assert "ID_AA64ISAR0_EL1" in str(err.value)
    with pytest.raises(RuleError):
        BASE.with_rule(Rule(ISAR1, RuleType.HIDDEN))
    with pytest.raises(RuleError):
        BASE.replaced(ISAR0, replace(B, reason="moved onto an existing register"))


def test_ruleset_keeps_order_and_is_immutable():
    rs = BASE.with_rule(C, 0)
    assert [r.register for r in rs] == [PFR0, ISAR0, ISAR1]
    assert [r.register for r in BASE] == [ISAR0, ISAR1]
    assert rs.get(PFR0) == C and rs.get(0x1) is None and PFR0 in rs
    assert rs.without(ISAR0).rules == (C, B)
    assert rs.replaced(ISAR0, replace(A, mask=0xFF)).rules[1].mask == 0xFF
    with pytest.raises(KeyError):
        BASE.without(PFR0)
    with pytest.raises(Exception):
        BASE.rules = ()


def test_hidden_ids_only_enabled_hidden_rules():
    rs = RuleSet((Rule(ISAR0, RuleType.HIDDEN), Rule(ISAR1, RuleType.HIDDEN, enabled=False), C))
    assert rs.hidden_ids() == {ISAR0}
    assert rs.ids_of(RuleType.SAFE_MISSING) == {PFR0}


COMMANDS = [
    AddRule(C),
    AddRule(C, index=0),
    RemoveRule.of(BASE, ISAR0),
    RemoveRule.of(BASE, ISAR1),
    ReplaceRule(A, replace(A, type=RuleType.FIELD_GT, value=0x40, reason="edited")),
    ReplaceRule(B, replace(B, register=PFR0)),
    SetEnabled(A, False),
    AddRules((C, Rule(0x603000000013c021, RuleType.HIDDEN))),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: type(c).__name__)
def test_apply_then_revert_restores_the_ruleset(command):
    after = command.apply(BASE)
    assert after != BASE
    assert command.revert(after) == BASE
    assert command.apply(command.revert(after)) == after


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: type(c).__name__)
def test_history_undo_redo(command):
    history = History(BASE)
    after = history.do(command)
    assert history.undo_text == command.text and history.redo_text is None
    assert history.undo() == BASE and history.ruleset == BASE
    assert history.redo_text == command.text and history.undo_text is None
    assert history.redo() == after and history.ruleset == after


def test_remove_restores_position():
    rs = BASE.with_rule(C)
    cmd = RemoveRule.of(rs, ISAR1)
    assert cmd.index == 1
    assert cmd.revert(cmd.apply(rs)).rules == (A, B, C)


def test_command_texts_name_the_register():
    assert AddRule(A).text == "Add diff-in-mask rule for ID_AA64ISAR0_EL1"
    assert RemoveRule.of(BASE, ISAR1).text == "Remove field-lt rule for ID_AA64ISAR1_EL1"
    assert SetEnabled(A, False).text == "Disable diff-in-mask rule for ID_AA64ISAR0_EL1"
    assert SetEnabled(replace(A, enabled=False), True).text.startswith("Enable ")
    assert ReplaceRule(A, replace(A, type=RuleType.HIDDEN)).text == \
        "Edit hidden rule for ID_AA64ISAR0_EL1"
    assert AddRules((A, B)).text == "Add 2 rules"
    assert AddRules((C,)).text == "Add safe-missing rule for ID_AA64PFR0_EL1"


def test_add_rules_is_all_or_nothing():
    with pytest.raises(RuleError):
        AddRules((C, A)).apply(BASE)  # A is already there
    history = History(BASE)
    with pytest.raises(RuleError):
        history.do(AddRules((C, A)))
    assert history.ruleset == BASE and history.undo_text is None


def test_stale_commands_refuse_to_apply():
    cmd = RemoveRule.of(BASE, ISAR0)
    with pytest.raises(ValueError):
        cmd.apply(BASE.replaced(ISAR0, replace(A, reason="changed meanwhile")))
    with pytest.raises(ValueError):
        SetEnabled(A, False).revert(BASE)  # A is still enabled there


def test_new_command_clears_redo_and_empty_stacks_raise():
    history = History(BASE)
    with pytest.raises(IndexError):
        history.undo()
    history.do(AddRule(C))
    history.undo()
    history.do(SetEnabled(A, False))
    assert history.redo_text is None
    with pytest.raises(IndexError):
        history.redo()
    history.undo()
    assert history.ruleset == BASE

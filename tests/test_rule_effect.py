"""Rule drafts for a row, the effect of one rule, and the verdict summary the GUI shows."""

from __future__ import annotations

import pytest

from app.model.registers import regdb
from app.model.compare.diff import DiffRow, Status, diff
from app.model.sources.readers import load
from app.model.rules.rule import Rule, RuleType, tolerates
from app.model.rules.draft import candidates, covered_fields, draft, field_for, register_mask
from app.model.advice.rule_effect import rule_effect, with_rule
from app.model.rules.ruleset import RuleSet
from app.model.verdict.evaluate import evaluate
from app.model.verdict.summary import summarize
from testdata import fixture

T = RuleType


@pytest.fixture(scope="module")
def pair():
    src = load(str(fixture("q72-cortex-a57-smp2.mig")))
    dst = load(str(fixture("q11-cortex-a57-smp2-virt-7.2.mig")))
    return src, dst, diff(src, dst)


def _row(d, name, vcpu=0):
    return next(r for r in d.rows if r.vcpu == vcpu and regdb.lookup(r.id, "tcg").name == name)


def test_unexpected_row_offers_the_four_types_pinned_to_the_source_value(pair):
    row = _row(pair[2], "ID_AA64ISAR0_EL1")
    offered = candidates(row, "tcg")
    assert [r.type for r in offered] == [T.NOT_ON_BOTH_ENDS, T.ONLY_SRC_TEST_VALUE,
                                         T.SAFE_MISSING, T.HIDDEN]
    pinned = offered[1]
    assert (pinned.mask, pinned.value) == ((1 << 64) - 1, 0x11120)
    assert all(r.reason and "ID_AA64ISAR0_EL1" in r.reason for r in offered)


def test_missing_row_offers_only_types_qemu_applies_to_it(pair):
    row = _row(pair[2], "RMR")
    assert row.status is Status.MISSING
    assert [r.type for r in candidates(row, "tcg")] == [T.NOT_ON_BOTH_ENDS, T.HIDDEN]


def test_value_mismatch_field_rules_use_unshifted_bounds(pair):
    row = _row(pair[2], "ID_DFR0_EL1")
    offered = {(r.type, r.mask): r for r in candidates(row, "tcg")}
    assert set(offered) == {(T.DIFF_IN_MASK, register_mask(row.id, "tcg")),
                            (T.DIFF_IN_MASK, 0xF0000), (T.FIELD_LT, 0xF0000),
                            (T.FIELD_GT, 0xF0000)}
    assert offered[(T.FIELD_LT, 0xF0000)].value == 0x20000  # MMapTrc 1 < 2, in place
    assert offered[(T.FIELD_GT, 0xF0000)].value == 0x0
    assert "MMapTrc [19:16]" in offered[(T.DIFF_IN_MASK, 0xF0000)].reason
    assert "Caution" in offered[(T.FIELD_LT, 0xF0000)].reason  # LOWER_SAFE 1 -> 0


def test_field_choice_and_bounds_that_cannot_tolerate_are_not_offered():
    reg = regdb.find("ID_AA64PFR0_EL1")
    el0 = next(f for f in regdb.fields_of(reg) if f.name == "EL0")
    row = DiffRow(0, reg, Status.VALUE_MISMATCH, 0x0, 0x1)  # EL0 0 incoming, 1 here
    assert field_for(row, "unknown", "EL1").name == "EL0"  # EL1 does not hold the difference
    assert field_for(row, "unknown", "EL0") == el0
    types = [r.type for r in candidates(row)]
    assert T.FIELD_GT not in types  # incoming 0: nothing is "above" a bound below 0
    assert T.FIELD_LT in types
    for rule in candidates(row):
        assert tolerates(rule, row.status, row.src, row.dst)
    assert draft(DiffRow(0, reg, Status.UNEXPECTED, None, None), T.ONLY_SRC_TEST_VALUE) is None
    assert [f.name for f in covered_fields(reg, 0xF0)] == ["EL1"]


def test_rule_effect_counts_rows_vcpus_and_the_flip(pair):
    src, dst, d = pair
    row = _row(d, "ID_AA64ISAR0_EL1")
    rule = candidates(row, "tcg")[0]
    effect = rule_effect(src, dst, d, RuleSet(), rule)
    assert effect.vcpus == (0, 1) and len(effect.rows) == 2
    assert effect.tolerates_text() == "tolerates ID_AA64ISAR0_EL1 on 2 vCPUs (2 rows)"
    assert (effect.before.blocking_count, effect.after.blocking_count) == (4, 3)
    assert not effect.flips and "stays rejected" in effect.verdict_text()
    others = RuleSet(tuple(candidates(_row(d, n), "tcg")[0]
                           for n in ("PAR", "ID_DFR0", "ID_DFR0_EL1")))
    last = rule_effect(src, dst, d, others, rule)
    assert last.flips and "flips to ACCEPTED" in last.verdict_text()
    off = rule_effect(src, dst, d, others, Rule(row.id, T.NOT_ON_BOTH_ENDS, enabled=False))
    assert off.rows == () and "disabled" in off.tolerates_text()


def test_with_rule_replaces_the_registers_rule(pair):
    reg = _row(pair[2], "PAR").id
    old = Rule(reg, T.NOT_ON_BOTH_ENDS)
    new = Rule(reg, T.HIDDEN)
    assert with_rule(RuleSet((old,)), new).rules == (new,)
    assert with_rule(RuleSet(), new).rules == (new,)


def test_summary_counts_hidden_rows_as_tolerated(pair):
    src, dst, d = pair
    reg = _row(d, "PAR").id
    rules = RuleSet((Rule(reg, T.HIDDEN),))
    summary = summarize(evaluate(src, dst, rules), rules, d)
    assert summary.per_rule == {reg: 2}
    assert summary.outcomes[(1, reg)].outcome == "tolerated"
    assert reg not in summary.blocking_registers and summary.blocking_count == 3
    base = summarize(evaluate(src, dst), RuleSet(), d)
    assert base.qemu_failure_line.startswith("handle_cpreg_only_in_incoming_stream: ")
    assert base.blocking_registers[0] == reg  # QEMU meets PAR first

"""suggest(): the smallest, narrowest rule set that makes a rejected pair load, and refusals
where a rule would hide a feature the destination lacks."""

from __future__ import annotations

import pytest

from app.model.registers import regdb
from app.model.compare.diff import Status
from app.model.sources.readers import load
from app.model.verdict.policy import QEMU_72, QEMU_100, QEMU_111
from app.model.verdict.reason import MACHINE_TYPE
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet
from app.model.advice.suggest import FULL_MASK, suggest
from app.model.verdict.evaluate import evaluate
from testdata import fixture
from synthetic_sets import (ID_AA64PFR0_EL1, ID_DFR0_EL1, L2CTLR_EL1, SCTLR_EL1, regset,
                            same)

BASE = {SCTLR_EL1: 0x30D00800, ID_DFR0_EL1: 0x3010006}
SVE = next(f for f in regdb.fields_of(ID_AA64PFR0_EL1) if f.name == "SVE")


def _by_register(suggestion) -> dict[int, Rule]:
    return {r.register: r for r in suggestion.rules}


def test_qemu_72_cortex_a57_into_qemu_11_1_gets_rules_that_make_it_load():
    src = load(fixture("q72-cortex-a57-smp2.mig"))
    dst = load(fixture("q11-cortex-a57-smp2-virt-7.2.mig"))
    s = suggest(src, dst, "qemu-11.1")
    assert not s.before.accepted and s.accepted and s.refused == () and s.unfixable == ()
    assert evaluate(src, dst, s.rules, QEMU_111).accepted
    # one rule per blocking register, and nothing else
    blocking = {rv.row.id for rv in s.before.rows if rv.outcome == "blocking"}
    assert set(_by_register(s)) == blocking
    for rule in s.rules:
        assert rule.reason and regdb.lookup(rule.register).name in rule.reason


def test_value_rules_cover_only_the_differing_fields():
    src = load(fixture("q72-cortex-a57-smp2.mig"))
    dst = load(fixture("q11-cortex-a57-smp2-virt-7.2.mig"))
    s = suggest(src, dst, QEMU_111)
    for rule in s.rules:
        if rule.type is not RuleType.DIFF_IN_MASK:
            continue
        rows = [rv.row for rv in s.before.rows if rv.row.id == rule.register]
        bits = 0
        for row in rows:
            bits |= row.src ^ row.dst
        differing = [f for f in regdb.fields_of(rule.register) if f.mask & bits]
        assert bits & ~rule.mask == 0  # covers every difference
        assert rule.mask == sum(f.mask for f in differing)  # and only the differing fields
        assert rule.mask != FULL_MASK


def test_the_vcpu_count_register_gets_a_diff_in_mask_on_its_differing_bits():
    src, dst = load(fixture("q72-cortex-a57-smp1.mig")), load(fixture("q72-cortex-a57-smp2.mig"))
    s = suggest(src, dst)
    assert s.before.policy is QEMU_72 and s.accepted
    assert {r.type for r in s.rules} == {RuleType.DIFF_IN_MASK}
    assert L2CTLR_EL1 in _by_register(s)
    row = next(rv.row for rv in s.before.rows if rv.row.id == L2CTLR_EL1)
    assert _by_register(s)[L2CTLR_EL1].mask == row.src ^ row.dst


@pytest.mark.parametrize("value, expected", [(0, RuleType.ONLY_SRC_TEST_VALUE),
                                             (5, RuleType.NOT_ON_BOTH_ENDS)])
def test_unexpected_register_prefers_only_src_test_value_for_the_reset_value(value, expected):
    extra = 0x603000000013C081
    s = suggest(regset(same({**BASE, extra: value}, 2)), regset(same(BASE, 2)), QEMU_111)
    [rule] = s.rules
    assert rule.type is expected and rule.register == extra and s.accepted
    if expected is RuleType.ONLY_SRC_TEST_VALUE:
        assert (rule.mask, rule.value) == (FULL_MASK, 0)


def test_pre_11_array_bound_is_fixed_with_safe_missing_rules():
    extra = 0x603000000013C081
    s = suggest(regset(same({**BASE, extra: 0})), regset(same(BASE)), QEMU_100)
    assert [(r.register, r.type) for r in s.rules] == [(extra, RuleType.SAFE_MISSING)]
    assert s.accepted and s.unfixable == ()


def test_refuses_to_hide_a_feature_the_destination_lacks():
    src = regset(same({**BASE, ID_AA64PFR0_EL1: 1 << SVE.lsb | 0x11}))
    dst = regset(same({**BASE, ID_AA64PFR0_EL1: 0x11}))
    s = suggest(src, dst, QEMU_111)
    assert s.rules == RuleSet() and not s.accepted
    [refusal] = s.refused
    assert refusal.register == ID_AA64PFR0_EL1
    assert "SVE" in refusal.why and "FTR_LOWER_SAFE" in refusal.why and "lacks" in refusal.why
    # the other way round the destination offers more: safe, so a narrow rule is proposed
    back = suggest(dst, src, QEMU_111)
    assert back.accepted and _by_register(back)[ID_AA64PFR0_EL1].mask == SVE.mask


def test_hidden_id_fields_are_tolerated_with_a_caution():
    dst = regset(same({**BASE, ID_DFR0_EL1: 0x3000006}))  # MMapTrc 1 -> 0, a hidden field
    s = suggest(regset(same(BASE)), dst, QEMU_72)
    [rule] = s.rules
    assert rule.type is RuleType.DIFF_IN_MASK and "Caution" in rule.reason
    assert "MMapTrc" in rule.reason and s.accepted


def test_whole_stream_problems_are_reported_as_unfixable():
    src = regset(same(BASE), machine="virt-7.2")
    s = suggest(src, regset(same(BASE), machine="virt-10.0"), QEMU_111)
    assert [r.status for r in s.unfixable] == [MACHINE_TYPE]
    assert s.rules == RuleSet() and not s.accepted


def test_existing_rules_are_kept_and_not_duplicated():
    extra = 0x603000000013C081
    src = regset(same({**BASE, extra: 3, L2CTLR_EL1: 0}))
    dst = regset(same({**BASE, L2CTLR_EL1: 1 << 24}))
    mine = RuleSet((Rule(extra, RuleType.NOT_ON_BOTH_ENDS, reason="mine"),))
    s = suggest(src, dst, QEMU_111, rules=mine)
    assert [r.register for r in s.rules] == [L2CTLR_EL1]
    assert s.accepted and s.after.rules[0].reason == "mine"
    assert all(rv.row.status is not Status.UNEXPECTED or rv.rule.reason == "mine"
               for rv in s.after.tolerated)


def test_array_bound_needs_only_as_many_safe_missing_rules_as_the_excess():
    # two incoming registers past the destination's last one (never examined), one extra
    # destination register: the array is one too long, so one rule is enough
    late = {0x603000000013C101: 0, 0x603000000013C102: 0}
    src = regset(same({**BASE, 0x603000000013C100: 0, **late}))
    dst = regset(same({**BASE, 0x603000000013C100: 0, 0x603000000013C081: 0}))
    s = suggest(src, dst, QEMU_72)
    assert [r.status for r in s.before.reasons] == ["array-length"]
    assert [r.type for r in s.rules] == [RuleType.SAFE_MISSING] and s.accepted

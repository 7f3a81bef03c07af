"""Rule semantics: QEMU v10 arm_cpu_match_cpreg_mig_tolerance truth tables and row coverage."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.model.compare.diff import Status
from app.model.errors import RuleError
from app.model.sources.register_set import Provenance, RegisterSet, VCpu
from app.model.rules.rule import APPLIES_TO, Rule, RuleType, match_mig_tolerance, tolerates
from app.model.rules.ruleset import RuleSet, apply_hidden

REG = 0x603000000013c030  # ID_AA64ISAR0_EL1
T = RuleType
u64 = st.integers(0, (1 << 64) - 1)


def rule(t: RuleType, mask: int = 0, value: int = 0, enabled: bool = True) -> Rule:
    return Rule(REG, t, mask, value, enabled=enabled)


# (type, mask, value, incoming, local, expected) — mirrors the C statement by statement.
TRUTH = [
    # NotOnBothEnds: matches whatever the values
    (T.NOT_ON_BOTH_ENDS, 0, 0, 1, 2, True),
    (T.NOT_ON_BOTH_ENDS, 0, 0, 0, 0, True),
    # DiffInMask: equal values, difference inside, outside, straddling the mask
    (T.DIFF_IN_MASK, 0xF0, 0, 0x1234, 0x1234, True),
    (T.DIFF_IN_MASK, 0xF0, 0, 0x10, 0x20, True),
    (T.DIFF_IN_MASK, 0xF0, 0, 0x01, 0x02, False),
    (T.DIFF_IN_MASK, 0xF0, 0, 0x110, 0x020, False),
    (T.DIFF_IN_MASK, 0, 0, 1, 0, False),
    (T.DIFF_IN_MASK, (1 << 64) - 1, 0, 0, (1 << 64) - 1, True),
    # FieldLT: field = incoming & mask compared with value *unshifted*, strictly
    (T.FIELD_LT, 0xF0, 0x30, 0x20, 0x40, True),
    (T.FIELD_LT, 0xF0, 0x30, 0x30, 0x40, False),  # equal to the bound
    (T.FIELD_LT, 0xF0, 0x30, 0x40, 0x20, False),
    (T.FIELD_LT, 0xF0, 0x3, 0x20, 0x10, False),  # shifted bound would say 2 < 3: QEMU does not
    (T.FIELD_LT, 0xF0, 0x30, 0x21, 0x40, False),  # difference outside the mask
    (T.FIELD_LT, 0xF0, 0x30, 0x20, 0x20, True),  # equal values still go through the test
    # FieldGT
    (T.FIELD_GT, 0xF0, 0x30, 0x40, 0x10, True),
    (T.FIELD_GT, 0xF0, 0x30, 0x30, 0x10, False),  # equal to the bound
    (T.FIELD_GT, 0xF0, 0x30, 0x20, 0x40, False),
    (T.FIELD_GT, 0xF0, 0x3, 0x40, 0x10, True),  # unshifted: 0x40 > 0x3
    (T.FIELD_GT, 0xF0, 0x30, 0x41, 0x10, False),
    # OnlySrcTestValue: test on the incoming value only
    (T.ONLY_SRC_TEST_VALUE, 0xF0, 0x10, 0x1F, 0, True),
    (T.ONLY_SRC_TEST_VALUE, 0xF0, 0x10, 0x1F, 0xFFFF, True),  # local irrelevant
    (T.ONLY_SRC_TEST_VALUE, 0xF0, 0x10, 0x2F, 0, False),
    # fall-through: test fails, no difference outside the mask -> still False
    (T.ONLY_SRC_TEST_VALUE, 0xF0, 0x10, 0x20, 0x20, False),
    (T.ONLY_SRC_TEST_VALUE, 0xF0, 0x10, 0x20, 0x30, False),
    (T.ONLY_SRC_TEST_VALUE, 0, 0, 5, 7, True),  # mask 0: 0 == 0 always matches
]


@pytest.mark.parametrize("t,mask,value,incoming,local,expected", TRUTH)
def test_match_truth_table(t, mask, value, incoming, local, expected):
    assert match_mig_tolerance(rule(t, mask, value), incoming, local, t) is expected


@pytest.mark.parametrize("t", [t for t in T if t.qemu_tolerance])
def test_match_needs_a_registered_rule_of_the_requested_type(t):
    assert match_mig_tolerance(None, 0, 0, t) is False
    assert match_mig_tolerance(rule(t, enabled=False), 0, 0, t) is False
    other = T.NOT_ON_BOTH_ENDS if t is not T.NOT_ON_BOTH_ENDS else T.DIFF_IN_MASK
    assert match_mig_tolerance(rule(t), 0, 0, other) is False


@given(mask=u64, src=u64, dst=u64)
def test_diff_in_mask_is_differences_only_inside_mask(mask, src, dst):
    expected = (src ^ dst) & ~mask == 0
    assert match_mig_tolerance(rule(T.DIFF_IN_MASK, mask), src, dst, T.DIFF_IN_MASK) is expected


@given(mask=u64, value=u64, src=u64, dst=u64)
def test_field_bounds_and_only_src_invariants(mask, value, src, dst):
    inside = (src ^ dst) & ~mask == 0
    lt = match_mig_tolerance(rule(T.FIELD_LT, mask, value), src, dst, T.FIELD_LT)
    gt = match_mig_tolerance(rule(T.FIELD_GT, mask, value), src, dst, T.FIELD_GT)
    assert lt is (inside and src & mask < value)
    assert gt is (inside and src & mask > value)
    only = match_mig_tolerance(rule(T.ONLY_SRC_TEST_VALUE, mask, value), src, dst,
                               T.ONLY_SRC_TEST_VALUE)
    assert only is (src & mask == value)


# (type, status, src, dst, expected) for tolerates()
ROWS = [
    (T.NOT_ON_BOTH_ENDS, Status.UNEXPECTED, 1, None, True),
    (T.NOT_ON_BOTH_ENDS, Status.MISSING, None, 1, True),
    (T.NOT_ON_BOTH_ENDS, Status.VALUE_MISMATCH, 1, 2, False),
    (T.SAFE_MISSING, Status.UNEXPECTED, 1, None, True),
    (T.SAFE_MISSING, Status.UNEXPECTED, None, None, True),  # lists without values
    (T.SAFE_MISSING, Status.MISSING, None, 1, False),  # v6 04/11 covers only the stream side
    (T.SAFE_MISSING, Status.VALUE_MISMATCH, 1, 2, False),
    (T.ONLY_SRC_TEST_VALUE, Status.UNEXPECTED, 0x10, None, True),
    (T.ONLY_SRC_TEST_VALUE, Status.UNEXPECTED, 0x20, None, False),
    (T.ONLY_SRC_TEST_VALUE, Status.UNEXPECTED, None, None, False),  # value unknown
    (T.ONLY_SRC_TEST_VALUE, Status.MISSING, None, 0x10, False),
    (T.DIFF_IN_MASK, Status.VALUE_MISMATCH, 0x10, 0x20, True),
    (T.DIFF_IN_MASK, Status.VALUE_MISMATCH, 0x01, 0x20, False),
    (T.DIFF_IN_MASK, Status.UNEXPECTED, 0x10, None, False),
    (T.DIFF_IN_MASK, Status.PRESENT, None, None, False),
    (T.FIELD_LT, Status.VALUE_MISMATCH, 0x20, 0x40, True),
    (T.FIELD_LT, Status.VALUE_MISMATCH, 0x20, None, False),
    (T.FIELD_GT, Status.VALUE_MISMATCH, 0x40, 0x20, False),  # 0x40 & 0xF0 == 0x40 > 0x40? no
    (T.FIELD_GT, Status.VALUE_MISMATCH, 0x50, 0x20, True),
    (T.FIELD_GT, Status.MISSING, None, 0x50, False),
    (T.HIDDEN, Status.UNEXPECTED, 1, None, True),
    (T.HIDDEN, Status.MISSING, None, 1, True),
    (T.HIDDEN, Status.VALUE_MISMATCH, 1, 2, True),
]
PARAMS = {T.ONLY_SRC_TEST_VALUE: (0xF0, 0x10), T.DIFF_IN_MASK: (0xF0, 0),
          T.FIELD_LT: (0xF0, 0x30), T.FIELD_GT: (0xF0, 0x40)}


@pytest.mark.parametrize("t,status,src,dst,expected", ROWS)
def test_tolerates_rows(t, status, src, dst, expected):
    mask, value = PARAMS.get(t, (0, 0))
    assert tolerates(rule(t, mask, value), status, src, dst) is expected


@pytest.mark.parametrize("t,status,src,dst,expected", [r for r in ROWS if r[4]])
def test_disabled_rule_tolerates_nothing(t, status, src, dst, expected):
    mask, value = PARAMS.get(t, (0, 0))
    assert tolerates(rule(t, mask, value, enabled=False), status, src, dst) is False


def test_unknown_values_are_never_taken_as_zero():
    # a zero test value / zero bound would match an invented 0; a missing value must not
    assert tolerates(rule(T.ONLY_SRC_TEST_VALUE, 0xF0, 0), Status.UNEXPECTED, None, None) is False
    assert tolerates(rule(T.ONLY_SRC_TEST_VALUE, 0xF0, 0), Status.UNEXPECTED, 0x0F, None) is True
    assert tolerates(rule(T.DIFF_IN_MASK, 0xF0), Status.VALUE_MISMATCH, None, 0x10) is False
    assert tolerates(rule(T.FIELD_GT, 0xF0, 0), Status.VALUE_MISMATCH, 0x10, None) is False


def test_match_rows_need_no_rule():
    for t in T:
        if t is not T.HIDDEN:
            assert Status.MATCH not in APPLIES_TO[t]
            assert tolerates(rule(t), Status.MATCH, 1, 1) is False


@pytest.mark.parametrize("kwargs", [dict(mask=1 << 64), dict(value=-1), dict(mask=True),
                                    dict(register=-1), dict(reason=3), dict(enabled=1),
                                    dict(type="diff_in_mask")])
def test_rule_validation(kwargs):
    args = dict(register=REG, type=T.DIFF_IN_MASK) | kwargs
    with pytest.raises(RuleError):
        Rule(**args)


def test_rule_type_spellings_and_qemu_names():
    assert Rule(REG, "field-gt").type is T.FIELD_GT
    assert [t.value for t in T] == ["not-on-both-ends", "only-src-test-value", "diff-in-mask",
                                    "field-lt", "field-gt", "hidden", "safe-missing"]
    assert T.ONLY_SRC_TEST_VALUE.qemu_tolerance == "ToleranceOnlySrcTestValue"
    assert T.HIDDEN.qemu_tolerance is None
    with pytest.raises(RuleError) as err:
        T.parse("fieldlt")
    assert "field-lt" in str(err.value)


def test_apply_hidden_drops_register_from_every_vcpu():
    keep = 0x603000000013c038
    regs = RegisterSet(Provenance("x", "test"), (VCpu(0, (REG, keep), (1, 2)),
                                                 VCpu(1, (REG, keep), (3, None))))
    hidden = RuleSet((Rule(REG, T.HIDDEN),))
    out = apply_hidden(hidden, regs)
    assert [c.as_dict() for c in out.vcpus] == [{keep: 2}, {keep: None}]
    assert out.provenance == regs.provenance
    disabled = RuleSet((Rule(REG, T.HIDDEN, enabled=False),))
    assert apply_hidden(disabled, regs) == regs
    assert apply_hidden(RuleSet((Rule(REG, T.SAFE_MISSING),)), regs) == regs

"""The reason a drafted rule carries, re-worded when its mask or value is edited."""

from __future__ import annotations

from dataclasses import replace

import pytest
from testdata import fixture

from app.model.compare.diff import diff
from app.model.registers import regdb
from app.model.rules.auto_reason import auto_reason
from app.model.rules.draft import draft, register_mask
from app.model.rules.rule import RuleType
from app.model.sources.readers import load

T = RuleType


@pytest.fixture(scope="module")
def rows():
    src = load(str(fixture("q72-cortex-a57-smp2.mig")))
    dst = load(str(fixture("q11-cortex-a57-smp2-virt-7.2.mig")))
    d = diff(src, dst)
    return {regdb.lookup(r.id, "tcg").name: r for r in d.rows if r.vcpu == 0}


def _field(row, name):
    return next(f for f in regdb.fields_of(row.id, "tcg") if f.name == name)


def test_an_unedited_draft_keeps_the_drafted_reason(rows):
    row = rows["ID_DFR0_EL1"]
    for t, field in ((T.DIFF_IN_MASK, None), (T.DIFF_IN_MASK, _field(row, "MMapTrc")),
                     (T.FIELD_LT, _field(row, "MMapTrc"))):
        rule = draft(row, t, "tcg", field)
        assert auto_reason(row, replace(rule, reason=""), "tcg") == rule.reason


def test_an_edited_bound_is_worded_from_the_rule(rows):
    row = rows["ID_DFR0_EL1"]  # MMapTrc [19:16]: 1 incoming, 0 here
    rule = draft(row, T.FIELD_LT, "tcg", _field(row, "MMapTrc"))
    text = auto_reason(row, replace(rule, value=0x50000), "tcg")
    assert "incoming MMapTrc [19:16] below 0x5" in text and "0x2" not in text
    assert "does not tolerate" not in text
    text = auto_reason(row, replace(rule, value=0x10000), "tcg")  # 1 < 1 is false
    assert "below 0x1" in text and "does not tolerate vCPU 0's difference" in text


def test_an_edited_mask_names_the_fields_it_covers(rows):
    row = rows["ID_DFR0_EL1"]
    mmap, perf = _field(row, "MMapTrc"), _field(row, "PerfMon")
    rule = draft(row, T.DIFF_IN_MASK, "tcg", mmap)
    text = auto_reason(row, replace(rule, mask=mmap.mask | perf.mask), "tcg")
    assert f"bits {mmap.mask | perf.mask:#x}" in text
    assert "MMapTrc" in text and "PerfMon" in text and "does not tolerate" not in text
    text = auto_reason(row, replace(rule, mask=perf.mask), "tcg")  # misses the differing bit
    assert "PerfMon [" in text and "does not tolerate" in text
    whole = auto_reason(row, replace(rule, mask=register_mask(row.id, "tcg")), "tcg")
    assert whole == draft(row, T.DIFF_IN_MASK, "tcg").reason


def test_an_edited_test_value_is_quoted(rows):
    row = rows["ID_AA64ISAR0_EL1"]  # only in the incoming stream, 0x11120
    rule = draft(row, T.ONLY_SRC_TEST_VALUE, "tcg")
    text = auto_reason(row, replace(rule, value=0x11121), "tcg")
    assert "ignore it only while it holds 0x11121" in text and "does not tolerate" in text
    text = auto_reason(row, replace(rule, mask=0xFF0, value=0x120), "tcg")
    assert "while incoming & 0xff0 is 0x120" in text and "does not tolerate" not in text


def test_types_without_numbers_keep_the_draft(rows):
    row = rows["ID_AA64ISAR0_EL1"]
    rule = draft(row, T.NOT_ON_BOTH_ENDS, "tcg")
    assert auto_reason(row, rule, "tcg") == rule.reason

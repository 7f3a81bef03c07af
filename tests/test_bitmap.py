"""The overview's bit-difference matrix and per-vCPU counts (Qt-free)."""

from __future__ import annotations

import numpy as np

from app.model.compare import bitmap
from app.model.registers import regdb
from app.model.compare.bitmap import BOTH_CLEAR, BOTH_SET, DST_ONLY, OUTSIDE, SRC_ONLY
from app.model.compare.diff import DiffRow, Status, diff
from app.model.sources.readers import load
from testdata import fixture

TOP = 1 << 63


def row(src, dst, rid=0x10, vcpu=0, status=Status.VALUE_MISMATCH):
    return DiffRow(vcpu, rid, status, src, dst)


def test_codes_per_bit_and_column_order():
    bm = bitmap.build([row(TOP | 0b0110, 0b1010)])
    assert bm.codes.shape == (1, 64) and bm.codes.dtype == np.uint8
    assert bm.code(0, 63) == SRC_ONLY and bm.codes[0, 0] == SRC_ONLY  # bit 63 is column 0
    assert bm.code(0, 3) == DST_ONLY and bm.codes[0, 60] == DST_ONLY
    assert bm.code(0, 2) == SRC_ONLY
    assert bm.code(0, 1) == BOTH_SET
    assert bm.code(0, 0) == BOTH_CLEAR
    assert int((bm.codes == BOTH_CLEAR).sum()) == 60


def test_only_value_mismatches_with_both_values_in_input_order():
    rows = [row(1, 2, rid=3), row(5, 5, rid=4, status=Status.MATCH),
            row(None, 7, rid=5, status=Status.MISSING), row(8, None, rid=6),
            row(0, 1 << 40, rid=1, vcpu=1)]
    bm = bitmap.build(rows)
    assert [(r.vcpu, r.id) for r in bm.rows] == [(0, 3), (1, 1)]
    assert bm.code(1, 40) == DST_ONLY and len(bm) == 2


def test_bits_beyond_the_width_are_outside():
    bm = bitmap.build([row(0x1, 0x3, rid=32), row(0x1, 0x3, rid=64)],
                      width_of=lambda rid: rid)
    assert bm.code(0, 31) == BOTH_CLEAR and bm.code(0, 32) == OUTSIDE
    assert bm.code(0, 63) == OUTSIDE and bm.code(1, 63) == BOTH_CLEAR
    assert bm.code(0, 1) == DST_ONLY


def test_empty_input_has_zero_rows_and_64_columns():
    bm = bitmap.build([row(1, 1, status=Status.MATCH)])
    assert bm.codes.shape == (0, 64) and bm.rows == ()


def test_real_pair_marks_exactly_the_xor_bits():
    d = diff(load(str(fixture("q72-cortex-a57-smp2.mig"))),
             load(str(fixture("q11-cortex-a57-smp2-virt-7.2.mig"))))
    bm = bitmap.build(d.rows, lambda rid: regdb.lookup(rid).encoding.size_bits)
    assert len(bm) == 4  # ID_DFR0 and ID_DFR0_EL1 on both vCPUs
    for i, rec in enumerate(bm.rows):
        flips = {b for b in range(64) if bm.code(i, b) in (SRC_ONLY, DST_ONLY)}
        assert flips == {b for b in range(64) if (rec.src ^ rec.dst) >> b & 1} == {16}
        assert bm.code(i, 16) == SRC_ONLY  # 0x3010006 in the source, 0x3000006 here


def test_field_at_and_describe_name_the_field():
    info = regdb.lookup(regdb.find("ID_DFR0_EL1"))
    f = bitmap.field_at(info.fields, 16)
    assert f is not None and f.lsb <= 16 <= f.msb
    assert bitmap.field_at((), 5) is None
    bm = bitmap.build([row(0x3010006, 0x3000006, rid=info.id, vcpu=1)])
    text = bitmap.describe(bm, 0, 16, info.name, info.fields)
    assert text.startswith("ID_DFR0_EL1 (vCPU 1) bit 16, field ")
    assert f.name in text and "source 1, destination 0" in text
    assert bitmap.MEANING[SRC_ONLY] in text
    assert "no field" in bitmap.describe(bm, 0, 16, "X", ())


def test_vcpu_counts_per_status():
    items = [(0, "unexpected"), (0, "missing"), (0, "missing"), (1, "value-mismatch"),
             (1, "match"), (2, "match"), (1, "tolerated"), (0, "present")]
    vcpus, counts = bitmap.vcpu_counts(items)
    assert vcpus == [0, 1, 2]
    assert counts["missing"].tolist() == [2, 0, 0]
    assert counts["unexpected"].tolist() == [1, 0, 0]
    assert counts["value-mismatch"].tolist() == [0, 1, 0]
    assert counts["tolerated"].tolist() == [0, 1, 0]
    assert set(counts) == set(bitmap.ANOMALIES)

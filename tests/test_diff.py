"""The sorted merge: statuses, order and completeness, on real streams and small hand cases."""

from __future__ import annotations

from hypothesis import given, strategies as st

from app.model.compare.diff import Status, diff, merge_vcpu
from app.model.sources.readers.stream.migstream import read_stream
from app.model.sources.register_set import Provenance, RegisterSet, VCpu
from testdata import fixture


def _set(*cpus: dict[int, int | None]) -> RegisterSet:
    return RegisterSet(Provenance(path="mem", format="test"),
                       tuple(VCpu(i, tuple(sorted(c)), tuple(c[k] for k in sorted(c)))
                             for i, c in enumerate(cpus)))


def test_each_status_from_a_hand_made_pair():
    src = _set({1: 10, 2: 20, 4: 40, 5: None})
    dst = _set({2: 21, 3: 30, 4: 40, 5: 50})
    rows = diff(src, dst).rows
    assert [(r.id, r.status) for r in rows] == [
        (1, Status.UNEXPECTED), (2, Status.VALUE_MISMATCH), (3, Status.MISSING),
        (4, Status.MATCH), (5, Status.PRESENT)]
    assert rows[1].src == 20 and rows[1].dst == 21
    assert rows[0].dst is None and rows[2].src is None


@given(st.dictionaries(st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1), max_size=40),
       st.dictionaries(st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1), max_size=40))
def test_merge_covers_the_union_once_in_order(a, b):
    rows = merge_vcpu(0, VCpu(0, tuple(a), tuple(a.values())),
                      VCpu(0, tuple(b), tuple(b.values())))
    assert [r.id for r in rows] == sorted(set(a) | set(b))
    for r in rows:
        expected = (Status.UNEXPECTED if r.id not in b else Status.MISSING if r.id not in a
                    else Status.MATCH if a[r.id] == b[r.id] else Status.VALUE_MISMATCH)
        assert r.status is expected


def test_real_cortex_a57_into_max_on_qemu_72():
    a57 = read_stream(fixture("q72-cortex-a57-smp2.mig"))
    mx = read_stream(fixture("q72-max-smp2.mig"))
    forward = diff(a57, mx)
    counts = forward.counts()
    # a57's 258 registers are a subset of max's 304: nothing unexpected, 46 missing per vCPU
    assert counts[Status.UNEXPECTED] == 0
    assert counts[Status.MISSING] == 2 * (304 - 258)
    backward = diff(mx, a57).counts()
    assert backward[Status.UNEXPECTED] == 2 * 46 and backward[Status.MISSING] == 0
    assert sum(counts.values()) == 2 * 304


def test_vcpu_counts_and_per_vcpu_variance_are_reported():
    one = read_stream(fixture("q72-cortex-a57-smp1.mig"))
    two = read_stream(fixture("q72-cortex-a57-smp2.mig"))
    result = diff(two, one)
    assert (result.src_vcpus, result.dst_vcpus) == (2, 1)
    assert {r.vcpu for r in result.rows} == {0}
    src = _set({1: 5, 2: 7}, {1: 5, 2: 8})
    variance = diff(src, src).variance
    assert [(v.side, v.id, v.values) for v in variance] == [
        ("src", 2, ((0, 7), (1, 8))), ("dst", 2, ((0, 7), (1, 8)))]

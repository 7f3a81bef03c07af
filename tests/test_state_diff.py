"""StateDiff: core/GIC rows, vCPU enablement and what QEMU does; never the verdict.

Real pairs: the GICv3 smp2 stream against the smp1 one (QEMU 7.2, GICv2) in both directions,
and a guest that ran against a fresh VM. The hotplug cases (seed 004) use the real stream with
its presence edited, since no released QEMU writes gicc_accessible.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.model.registers import regdb
from app.model.sources.cpu_state import CpuState, VcpuPresence, VcpuState
from app.model.compare.diff import DiffRow, Status
from app.model.sources.readers import load
from app.model.compare.state_diff import diff_state
from app.model.verdict.evaluate import evaluate
from testdata import fixture

GICV3_SMP2 = "q72-cortex-a57-smp2-gicv3.mig"
SMP1 = "q72-cortex-a57-smp1.mig"
SMP2 = "q72-cortex-a57-smp2.mig"
GUEST = "q72-cortex-a57-smp2-guest.mig"


def _load(name):
    return load(str(fixture(name)))


def _with_presence(regs, index: int, **changes):
    """``regs`` with vCPU ``index``'s presence changed (and its possible count kept)."""
    vcpus = tuple(replace(v, presence=replace(v.presence, **changes)) if v.index == index
                  else v for v in regs.cpu_state.vcpus)
    return replace(regs, cpu_state=replace(regs.cpu_state, vcpus=vcpus))


def test_more_enabled_vcpus_on_the_source_fail_with_unknown_section():
    result = diff_state(_load(GICV3_SMP2), _load(SMP1))
    first, second = result.presence
    assert not first.differs and first.outcome.startswith("enabled on both")
    assert second.differs and second.dst is None
    assert "Unknown savevm section or instance 'cpu' 1" in second.outcome


def test_a_destination_only_vcpu_keeps_its_own_state():
    result = diff_state(_load(SMP1), _load(GICV3_SMP2))
    assert result.presence[1].differs and result.presence[1].src is None
    assert "keeps its own" in result.presence[1].outcome


def test_seed_004_destination_vcpu_disabled_to_match_incoming_gicc_state():
    src = _with_presence(_load(GICV3_SMP2), 1, has_cpu_section=False, gicc_accessible=False)
    dst = _with_presence(_load(GICV3_SMP2), 1, gicc_accessible=True)
    dst = _with_presence(dst, 0, gicc_accessible=True)
    src = _with_presence(src, 0, gicc_accessible=True)
    result = diff_state(src, dst)
    vcpu1 = result.presence[1]
    assert vcpu1.differs and not vcpu1.src.enabled and vcpu1.dst.enabled
    assert "Found CPU 1 enabled, for incoming *disabled* GICC State" in vcpu1.outcome
    assert "disables destination vCPU 1" in vcpu1.outcome
    assert not any("gicc_accessible" in n for n in result.notes)  # both sides carry it


def test_gicc_accessible_on_one_side_only_is_a_layout_mismatch():
    src = _with_presence(_load(GICV3_SMP2), 0, gicc_accessible=True)
    notes = diff_state(src, _load(GICV3_SMP2)).notes
    assert any("carries gicc_accessible" in n and "does not load" in n for n in notes)


def test_possible_vcpu_counts_and_gic_versions():
    src = _load(GICV3_SMP2)
    fewer = replace(src, cpu_state=replace(src.cpu_state, possible_vcpus=1))
    assert any("possible vCPUs differ" in n for n in diff_state(src, fewer).notes)
    notes = diff_state(src, _load(SMP2)).notes
    assert any("GICv3 (arm_gicv3) and the destination a GICv2" in n for n in notes)


def test_rows_are_diff_rows_in_group_order():
    result = diff_state(_load(GUEST), _load(SMP2))
    assert result.rows and all(isinstance(r, DiffRow) for r in result.rows)
    assert [(g.vcpu, g.group) for g in result.groups] == [(0, "core"), (0, "gic"),
                                                          (1, "core"), (1, "gic")]
    changed = {(r.vcpu, regdb.lookup(r.id).name) for r in result.rows
               if r.status is Status.VALUE_MISMATCH}
    assert (0, "PC") in changed and all(result.group_of(r) == "core" for r in result.rows
                                        if r.status is Status.VALUE_MISMATCH)
    core0 = result.groups[0].rows
    assert [regdb.lookup(r.id).name for r in core0[:3]] == ["X0", "X1", "X2"]
    assert sum(result.counts().values()) == len(result.rows)


def test_a_side_without_state_is_not_compared():
    reglist = load(str(fixture("lists/get-reg-list-7.2.13-el2-sve-pmu.txt")))
    result = diff_state(_load(SMP2), reglist)
    assert result.groups == () and result.presence == ()
    assert any("destination carries no CPU state" in n for n in result.notes)


@pytest.mark.parametrize("pair", [(GICV3_SMP2, SMP1), (SMP1, GICV3_SMP2), (GUEST, SMP2),
                                  (GICV3_SMP2, SMP2)])
def test_state_never_changes_the_verdict(pair):
    src, dst = _load(pair[0]), _load(pair[1])
    bare = [replace(r, cpu_state=CpuState()) for r in (src, dst)]
    odd = _with_presence(src, 1, has_cpu_section=False, gicc_accessible=False)
    scrambled = replace(odd, cpu_state=replace(odd.cpu_state, vcpus=tuple(
        VcpuState(v.index, v.presence) for v in odd.cpu_state.vcpus), gic=None))
    expected = evaluate(src, dst)
    assert evaluate(*bare) == expected
    assert evaluate(scrambled, dst) == expected
    assert evaluate(src, replace(dst, cpu_state=scrambled.cpu_state)) == expected


def test_presence_of_a_powered_off_vcpu_that_is_on_at_the_destination():
    src = _load(GICV3_SMP2)
    dst = _with_presence(_load(GICV3_SMP2), 1, powered_off=False)
    outcome = diff_state(src, dst).presence[1]
    assert not outcome.differs and "power state differs" in outcome.outcome


def test_enablement_needs_a_cpu_section_and_no_inaccessible_flag():
    assert VcpuPresence(0, True).enabled and VcpuPresence(0, True, True, True).enabled
    assert not VcpuPresence(0, False).enabled
    assert not VcpuPresence(0, True, gicc_accessible=False).enabled

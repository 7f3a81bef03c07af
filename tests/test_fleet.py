"""The fleet model: grouping (identical hosts collapse, run-time state ignored), the spread,
the baseline's merge and its guard against refused rules, reading and cancelling.

Real-QEMU checks of the matrix and the baseline are in test_fleet_real_qemu.py; the command
line in test_fleet_cli.py.
"""

from __future__ import annotations

import dataclasses

import pytest
from synthetic_sets import ID_AA64PFR0_EL1, ID_DFR0_EL1, SCTLR_EL1, TTBR0_EL1, regset, same
from testdata import fixture

from app.model.advice.deployability import assess
from app.model.errors import FormatError
from app.model.fleet import (
    FleetCancelled,
    PoolSource,
    analyse,
    group_sources,
    read_pool,
)
from app.model.fleet.grouping import is_state
from app.model.fleet.spread import spread
from app.model.registers import regdb
from app.model.reports.fleet_report import fleet_text
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet
from app.model.sources.readers import load
from app.model.sources.register_set import RegisterSet, VCpu
from app.model.verdict.evaluate import evaluate
from app.model.verdict.policy import QEMU_111

A57 = str(fixture("q72-cortex-a57-smp2.mig"))
MAX = str(fixture("q72-max-smp2.mig"))
TTBR1_EL1 = 0x603000000013C101  # guest state, like TTBR0_EL1
SVE = next(f for f in regdb.fields_of(ID_AA64PFR0_EL1) if f.name == "SVE")
PERFMON = next(f for f in regdb.fields_of(ID_DFR0_EL1) if f.name == "PerfMon")


def with_value(regs: RegisterSet, reg_id: int, value: int | None) -> RegisterSet:
    """``regs`` with ``reg_id`` set to ``value`` on every vCPU (removed when None)."""
    vcpus = []
    for cpu in regs.vcpus:
        pairs = dict(zip(cpu.ids, cpu.values, strict=True))
        if value is None:
            pairs.pop(reg_id)
        else:
            assert reg_id in pairs
            pairs[reg_id] = value
        ids = tuple(sorted(pairs))
        vcpus.append(VCpu(cpu.index, ids, tuple(pairs[i] for i in ids)))
    return dataclasses.replace(regs, vcpus=tuple(vcpus))


def value_of(regs: RegisterSet, reg_id: int) -> int:
    cpu = regs.vcpus[0]
    value = cpu.values[cpu.ids.index(reg_id)]
    assert value is not None
    return value


@pytest.fixture(scope="module")
def a57() -> RegisterSet:
    return load(A57)


def test_state_registers_are_the_ones_no_destination_refuses():
    assert is_state(TTBR0_EL1) and is_state(SCTLR_EL1)
    assert not is_state(ID_DFR0_EL1) and not is_state(ID_AA64PFR0_EL1)


def test_identical_hosts_collapse_and_run_time_state_is_ignored(a57):
    state = with_value(a57, TTBR0_EL1, value_of(a57, TTBR0_EL1) ^ 0xFFFF000)
    perfmon = with_value(a57, ID_DFR0_EL1, value_of(a57, ID_DFR0_EL1) ^ PERFMON.mask)
    machine = dataclasses.replace(
        a57, provenance=dataclasses.replace(a57.provenance, machine="virt-8.0"))
    pool = [PoolSource("a", a57), PoolSource("a-copy", a57), PoolSource("state", state),
            PoolSource("perfmon", perfmon), PoolSource("machine", machine)]
    groups = group_sources(pool)
    assert [g.members for g in groups] == [("a", "a-copy", "state"), ("perfmon",), ("machine",)]
    assert groups[0].registers is a57 and "virt-7.2" in groups[0].summary
    # the representative stands for the member: same verdict and reasons, both directions
    for other in (perfmon, machine):
        for ours, rep in (((state, other), (a57, other)), ((other, state), (other, a57))):
            got, want = evaluate(*ours), evaluate(*rep)
            assert got.accepted == want.accepted
            assert [r.message for r in got.reasons] == [r.message for r in want.reasons]


def test_registers_a_rule_tests_keep_their_values(a57):
    state = with_value(a57, TTBR0_EL1, value_of(a57, TTBR0_EL1) ^ 0xFFFF000)
    pool = [PoolSource("a", a57), PoolSource("state", state)]
    assert len(group_sources(pool)) == 1
    assert len(group_sources(pool, keep_values={TTBR0_EL1})) == 2


def test_the_same_real_file_twice_is_one_group_and_accepted(a57):
    pool = read_pool([A57, A57])
    fleet = analyse(pool)
    assert len(fleet.groups) == 1 and fleet.groups[0].members == (A57, A57)
    assert fleet.sources == ((A57, 0), (A57, 0))
    cell = fleet.cell(0, 0)
    assert fleet.accepted and cell.accepted and cell.blocking == 0 and cell.first_failure is None
    assert fleet.baseline.fixes == () and fleet.baseline.unfixable == ()
    assert fleet.spread == ()
    assert fleet.policy is not None and fleet.policy.name == "qemu-7.2"
    with pytest.raises(IndexError):
        fleet.cell(0, 1)


def test_spread_counts_hosts_per_value_and_field_and_skips_run_time_state(a57):
    dfr0 = value_of(a57, ID_DFR0_EL1)
    changed = with_value(a57, ID_DFR0_EL1, dfr0 ^ PERFMON.mask)
    state = with_value(a57, TTBR0_EL1, value_of(a57, TTBR0_EL1) ^ 0xFFFF000)
    without = with_value(a57, TTBR0_EL1, None)
    pool = [PoolSource("a", a57), PoolSource("b", state), PoolSource("c", changed),
            PoolSource("d", without)]
    entries = {e.reg_id: e for e in spread(group_sources(pool))}
    assert set(entries) == {ID_DFR0_EL1, TTBR0_EL1}
    dfr = entries[ID_DFR0_EL1]
    assert dfr.name == "ID_DFR0_EL1" and dfr.absent == 0
    assert dfr.values == ((dfr0, 3), (dfr0 ^ PERFMON.mask, 1))
    assert dfr.fields == (("PerfMon", ((PERFMON.extract(dfr0), 3),
                                       (PERFMON.extract(dfr0 ^ PERFMON.mask), 1))),)
    # listed because one host lacks it; its guest-state values are not compared
    ttbr = entries[TTBR0_EL1]
    assert ttbr.absent == 1 and ttbr.values == () and ttbr.fields == ()


def test_a_merged_rule_never_lets_a_refused_pair_load():
    """A lacks SVE, B has it: A -> B is safe with a diff-in-mask on SVE, B -> A is refused,
    and the same (symmetric) rule would let B -> A load: the baseline must leave it out."""
    base = {SCTLR_EL1: 0x30D00800, ID_DFR0_EL1: 0x3010006}
    a = regset(same({**base, ID_AA64PFR0_EL1: 0x11}, 2), writer="qemu-11.1", path="a")
    b = regset(same({**base, ID_AA64PFR0_EL1: 1 << SVE.lsb | 0x11}, 2), writer="qemu-11.1",
               path="b")
    fleet = analyse([PoolSource("a", a), PoolSource("b", b)])
    assert fleet.baseline.added == () and fleet.baseline.fixes == ()
    why = {(u.src_path, u.dst_path): u.reason for u in fleet.baseline.unfixable}
    assert why["b", "a"].startswith("refused unsafe rule for ID_AA64PFR0_EL1")
    assert "would also accept group 1 -> group 0" in why["a", "b"] and "SVE" in why["a", "b"]
    assert fleet.cell(0, 1).unfixable_reason == why["a", "b"]
    assert fleet.cell(0, 1).baseline_accepted is False


def test_a_refused_pair_rejected_for_other_reasons_does_not_block_the_rule():
    """Same hosts, but B also has a device A does not know: B -> A fails on that section
    whatever the rules, so A -> B may have its SVE rule."""
    base = {SCTLR_EL1: 0x30D00800, ID_DFR0_EL1: 0x3010006}
    a = regset(same({**base, ID_AA64PFR0_EL1: 0x11}, 2), writer="qemu-11.1", path="a")
    b = regset(same({**base, ID_AA64PFR0_EL1: 1 << SVE.lsb | 0x11}, 2), writer="qemu-11.1",
               extra_devices=("virtio-rng",), path="b")
    fleet = analyse([PoolSource("a", a), PoolSource("b", b)])
    [rule] = fleet.baseline.added
    assert (rule.register, rule.type, rule.mask) == (ID_AA64PFR0_EL1, RuleType.DIFF_IN_MASK,
                                                    SVE.mask)
    assert fleet.baseline.fixes == (("a", "b"),)
    [unfixable] = fleet.baseline.unfixable
    assert (unfixable.src_path, unfixable.dst_path) == ("b", "a")
    assert unfixable.reason.startswith("devices (virtio-rng): ")
    assert not evaluate(b, a, fleet.baseline.rules).accepted


def test_only_src_test_value_is_widened_when_a_group_member_sends_another_value():
    """x1 and x2 differ only in a guest-state register y lacks, so they are one group whose
    representative sends 0: suggest's only-src-test-value would fail x2 -> y."""
    base = {SCTLR_EL1: 0x30D00800, ID_DFR0_EL1: 0x3010006}
    x1 = regset(same({**base, TTBR1_EL1: 0}, 2), writer="qemu-11.1", path="x1")
    x2 = regset(same({**base, TTBR1_EL1: 0x4000}, 2), writer="qemu-11.1", path="x2")
    y = regset(same(base, 2), writer="qemu-11.1", path="y")
    fleet = analyse([PoolSource("x1", x1), PoolSource("x2", x2), PoolSource("y", y)])
    assert [g.members for g in fleet.groups] == [("x1", "x2"), ("y",)]
    [rule] = fleet.baseline.added
    assert rule.register == TTBR1_EL1 and rule.type is RuleType.NOT_ON_BOTH_ENDS
    assert evaluate(x2, y, fleet.baseline.rules).accepted
    # alone, x1 gets the narrow rule
    alone = analyse([PoolSource("x1", x1), PoolSource("y", y)])
    assert [r.type for r in alone.baseline.added] == [RuleType.ONLY_SRC_TEST_VALUE]


def test_user_rules_apply_first_and_stay_in_the_baseline():
    base = {SCTLR_EL1: 0x30D00800, ID_DFR0_EL1: 0x3010006}
    a = regset(same({**base, ID_AA64PFR0_EL1: 0x11}, 2), writer="qemu-11.1", path="a")
    b = regset(same({**base, ID_AA64PFR0_EL1: 1 << SVE.lsb | 0x11}, 2), writer="qemu-11.1",
               path="b")
    mine = RuleSet((Rule(ID_AA64PFR0_EL1, RuleType.DIFF_IN_MASK, SVE.mask, reason="mine"),))
    fleet = analyse([PoolSource("a", a), PoolSource("b", b)], rules=mine, policy=QEMU_111)
    assert fleet.accepted and fleet.rules == mine
    assert fleet.baseline.rules == mine and fleet.baseline.added == ()
    assert fleet.policy is QEMU_111 and fleet.policy_reason.startswith("chosen by the user")
    # accepted only thanks to the user's diff-in-mask rule, which 11.1 cannot register: the
    # fleet says so for that pair, in check's words, and not for the pairs needing no rule
    assert fleet.deployability(0, 0) is None and fleet.deployability(1, 1) is None
    deploy = fleet.deployability(0, 1)
    assert deploy is not None and [d.rule for d in deploy.needed] == list(mine)
    assert deploy.with_rules_words() == ("the rules would make it pass, but 1 of this rule "
                                         "is not expressible on QEMU 11.1")
    assert deploy.with_rules_words() == assess(a, b, evaluate(a, b, mine, QEMU_111),
                                               mine).with_rules_words()
    text = "\n".join(fleet_text(fleet))
    assert "accepted with the given rules built in" in text
    assert "  A->B, B->A: the rules would make it pass, but 1 of this rule" in text


def test_mixed_releases_get_each_destinations_default_policy():
    a = regset(same({SCTLR_EL1: 1}, 1), writer="qemu-7.2", path="a")
    b = regset(same({SCTLR_EL1: 1}, 1), writer="qemu-11.1", path="b")
    fleet = analyse([PoolSource("a", a), PoolSource("b", b)])
    assert fleet.policy is None and fleet.policy_name == "per-destination"
    assert fleet.cell(1, 0).verdict.policy.name == "qemu-7.2"
    assert fleet.cell(0, 1).verdict.policy.name == "qemu-11.1"


def test_reading_reports_progress_and_can_be_cancelled(tmp_path):
    seen = []
    pool = read_pool([A57, MAX], progress=lambda done, total, path: seen.append(
        (done, total, path)))
    assert [s.path for s in pool] == [A57, MAX]
    assert seen == [(0, 2, A57), (1, 2, MAX), (2, 2, "")]
    with pytest.raises(FleetCancelled):
        read_pool([A57, MAX], progress=lambda *a: None, cancelled=lambda: len(seen) > 0)
    with pytest.raises(FleetCancelled):
        analyse(pool, cancelled=lambda: True)


def test_bad_input_names_the_file(tmp_path):
    bad = tmp_path / "garbage.bin"
    bad.write_bytes(b"\x00\x01not a register source\xff" * 10)
    with pytest.raises(FormatError) as info:
        read_pool([A57, str(bad)])
    assert "garbage.bin" in str(info.value)
    with pytest.raises(FormatError, match="no-such-file"):
        read_pool([str(tmp_path / "no-such-file.mig")])
    with pytest.raises(FormatError, match="at least one"):
        read_pool([])
    with pytest.raises(ValueError):
        analyse([])


def test_sources_map_to_groups_by_position_not_by_label(a57):
    perfmon = with_value(a57, ID_DFR0_EL1, value_of(a57, ID_DFR0_EL1) ^ PERFMON.mask)
    fleet = analyse([PoolSource("same-name", a57), PoolSource("same-name", perfmon),
                     PoolSource("other", a57)])
    assert fleet.sources == (("same-name", 0), ("same-name", 1), ("other", 0))
    assert [g.members for g in fleet.groups] == [("same-name", "other"), ("same-name",)]
    assert fleet.groups[1].registers is perfmon

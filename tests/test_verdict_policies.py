"""What each policy does with one changed fact at a time (hand-built streams, see
synthetic_sets.py): array length, the merge, the write-back, sections, subsections, vCPU
counts, machine types, built-in tolerances, rules on top, and the lines QEMU would print."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest

from app.model.registers.constness import constness
from app.model.compare.diff import Status
from app.model.verdict.policy import (
    QEMU_72,
    QEMU_100,
    QEMU_111,
    default_policy,
    get_policy,
    machine_version,
)
from app.model.verdict.qemu_log import qemu_log
from app.model.verdict.reason import (
    ARRAY_LENGTH,
    DEPRECATED_MACHINE,
    MACHINE_TYPE,
    NOT_EXAMINED,
    SUBSECTION_ABORT,
    UNKNOWN_SECTION,
    UNKNOWN_SUBSECTION,
    VCPU_NOT_IN_STREAM,
)
from app.model.registers.regid import qemu_key_from_kvm_id
from app.model.sources.register_set import ACCEL_KVM
from app.model.rules.rule import Rule, RuleType
from app.model.verdict.evaluate import evaluate
from testdata import REPO, SHARED, needs_shared
from synthetic_sets import (DBGDTRTX_BOGUS, ID_AA64PFR0_EL1, ID_DFR0_EL1, L2CTLR_EL1,
                            LATE_IMPDEF, SCTLR_EL1, TTBR0_EL1, regset, same)

PRE_11 = (QEMU_72, QEMU_100)
ALL = (QEMU_72, QEMU_100, QEMU_111)
BASE = {SCTLR_EL1: 0x30D00800, TTBR0_EL1: 0, ID_DFR0_EL1: 0x3010006}


def _blocking(verdict):
    return [(r.status, r.register) for r in verdict.reasons]


@pytest.mark.parametrize("policy", ALL, ids=lambda p: p.name)
def test_identical_streams_are_accepted(policy):
    v = evaluate(regset(same(BASE, 2)), regset(same(BASE, 2)), policy=policy)
    assert v.accepted and v.reasons == () and qemu_log(v) == ()


@pytest.mark.parametrize("policy", PRE_11, ids=lambda p: p.name)
def test_pre_11_bounds_the_incoming_array_by_the_destination_count(policy):
    src = regset(same({**BASE, 0x603000000013C081: 1}))
    v = evaluate(src, regset(same(BASE)), policy=policy)
    first = v.first_failure
    assert first.status == ARRAY_LENGTH and first.reached
    assert first.message == "Invalid value 4 expecting positive value <= 3"
    assert qemu_log(v)[:2] == ("Invalid value 4 expecting positive value <= 3",
                               "Failed to load cpu:cpreg_vmstate_array_len")
    # the merge is never reached, but the tool still names the register behind it
    unexpected = [r for r in v.reasons if r.status == Status.UNEXPECTED.value]
    assert [r.register for r in unexpected] == [0x603000000013C081]
    assert not unexpected[0].reached


def test_11_1_has_no_array_bound_and_names_the_register_with_its_qemu_key():
    src = regset(same({**BASE, 0x603000000013C081: 1}))
    v = evaluate(src, regset(same(BASE), writer="qemu-11.1"))
    assert v.policy is QEMU_111
    assert ARRAY_LENGTH not in [r.status for r in v.trail]
    assert v.first_failure.message == ("system register 0x1013c081 in the incoming stream "
                                       "but unknown on the destination: fail migration")


@pytest.mark.parametrize("policy", ALL, ids=lambda p: p.name)
def test_missing_registers_are_accepted_with_a_warning(policy):
    v = evaluate(regset(same(BASE)), regset(same({**BASE, 0x603000000013C081: 7})),
                 policy=policy)
    assert v.accepted
    [warning] = v.warnings
    assert (warning.status, warning.register, warning.blocking) == \
        (Status.MISSING.value, 0x603000000013C081, False)
    expect_line = policy.names_registers
    assert any("expected by the destination" in line for line in qemu_log(v)) == expect_line


def test_pre_11_merge_stops_at_the_first_unexpected_register_11_1_reports_all():
    extra = {0x603000000013C081: 1, 0x603000000013C102: 2}
    src = regset(same({**BASE, **extra}))
    dst = regset(same({**BASE, 0x603000000013C200: 0, 0x603000000013C201: 0}))
    old = evaluate(src, dst, policy=QEMU_100)
    new = evaluate(src, dst, policy=QEMU_111)
    assert [r.reached for r in old.reasons] == [True, False]
    assert [r.reached for r in new.reasons] == [True, True]
    assert qemu_log(old)[-1] == "load of migration failed: Operation not permitted"
    keys = {"0x%x" % qemu_key_from_kvm_id(i) for i in extra}
    named = [line for line in qemu_log(new) if "handle_cpreg_only_in_incoming_stream" in line]
    assert len(named) == 2 and all(any(k in line for k in keys) for line in named)


def test_pre_11_never_examines_incoming_registers_past_the_destinations_last():
    src = regset(same({**BASE, LATE_IMPDEF: 0}))
    dst = regset(same({**BASE, 0x603000000013C081: 0}))  # same count: passes the bound
    old = evaluate(src, dst, policy=QEMU_72)
    assert old.accepted
    assert [r.status for r in old.warnings if r.register == LATE_IMPDEF] == [NOT_EXAMINED]
    assert [rv.outcome for rv in old.rows if rv.row.id == LATE_IMPDEF] == ["ignored"]
    assert not evaluate(src, dst, policy=QEMU_111).accepted


@pytest.mark.parametrize("policy", ALL, ids=lambda p: p.name)
def test_guest_state_differences_never_reject(policy):
    dst = regset(same({**BASE, TTBR0_EL1: 0x40001000, SCTLR_EL1: 0x30D00801}, 2))
    v = evaluate(regset(same(BASE, 2)), dst, policy=policy)
    assert v.accepted and v.warnings == ()
    assert {rv.outcome for rv in v.rows if rv.row.status is Status.VALUE_MISMATCH} == {"ok"}


@pytest.mark.parametrize("policy", ALL, ids=lambda p: p.name)
@pytest.mark.parametrize("reg", [ID_DFR0_EL1, L2CTLR_EL1])
def test_a_constant_the_destination_reads_back_differently_rejects(policy, reg):
    src, dst = regset(same({**BASE, reg: 0x3010006})), regset(same({**BASE, reg: 0x3000006}))
    v = evaluate(src, dst, policy=policy)
    assert _blocking(v) == [(Status.VALUE_MISMATCH.value, reg)]
    assert constness(reg, "tcg").why in v.first_failure.message


def test_under_kvm_only_identification_registers_are_invariant():
    def pair(reg):
        return (regset(same({**BASE, reg: 1}), accel=ACCEL_KVM),
                regset(same({**BASE, reg: 2}), accel=ACCEL_KVM))
    assert not evaluate(*pair(ID_AA64PFR0_EL1), policy=QEMU_72).accepted
    assert evaluate(*pair(L2CTLR_EL1), policy=QEMU_72).accepted


@pytest.mark.parametrize("policy", ALL, ids=lambda p: p.name)
def test_rules_apply_on_top_of_any_policy_and_mark_the_row(policy):
    src, dst = regset(same({**BASE, L2CTLR_EL1: 0})), regset(same({**BASE, L2CTLR_EL1: 1 << 24}))
    narrow = Rule(L2CTLR_EL1, RuleType.DIFF_IN_MASK, mask=3 << 24, reason="vCPU count")
    v = evaluate(src, dst, [narrow], policy)
    assert v.accepted
    [tolerated] = v.tolerated
    assert tolerated.rule == narrow and not tolerated.by_policy
    too_narrow = Rule(L2CTLR_EL1, RuleType.DIFF_IN_MASK, mask=1 << 23)
    assert not evaluate(src, dst, [too_narrow], policy).accepted


def test_hidden_and_safe_missing_rules_relieve_the_pre_11_array_bound():
    src = regset(same({**BASE, 0x603000000013C081: 1}))
    dst = regset(same(BASE))
    for rule_type in (RuleType.HIDDEN, RuleType.SAFE_MISSING):
        v = evaluate(src, dst, [Rule(0x603000000013C081, rule_type)], QEMU_72)
        assert v.accepted, rule_type
    tolerated_only = evaluate(src, dst, [Rule(0x603000000013C081, RuleType.NOT_ON_BOTH_ENDS)],
                              QEMU_72)
    assert [r.status for r in tolerated_only.reasons] == [ARRAY_LENGTH]


@pytest.mark.parametrize("machine, tolerated", [("virt-10.2", True), ("virt-7.2", True),
                                                ("virt-11.0", False)])
def test_11_1_tolerates_the_bogus_dbgdtrtx_it_registers_for_old_machine_types(machine,
                                                                               tolerated):
    src = regset(same({**BASE, DBGDTRTX_BOGUS: 0}), machine=machine, writer="qemu-10.0")
    dst = regset(same(BASE), machine=machine, writer="qemu-11.1")
    v = evaluate(src, dst)
    assert v.accepted is tolerated
    if tolerated:
        [row] = v.tolerated
        assert row.by_policy and row.rule.type is RuleType.SAFE_MISSING
        assert row.rule in v.builtin
    assert not evaluate(src, dst, policy=QEMU_100).accepted


@pytest.mark.parametrize("policy", ALL, ids=lambda p: p.name)
def test_machine_type_is_checked_before_anything_else(policy):
    src = regset(same({**BASE, 0x603000000013C081: 1}), machine="virt-7.2")
    dst = regset(same(BASE), machine="virt-10.0")
    v = evaluate(src, dst, policy=policy)
    assert v.first_failure.status == MACHINE_TYPE and v.first_failure.register is None
    assert v.first_failure.message == \
        "Machine type received is 'virt-7.2' and local is 'virt-10.0'"
    assert all(not r.reached for r in v.reasons[1:])
    assert qemu_log(v)[-1].endswith("Machine type received is 'virt-7.2' and local is "
                                    "'virt-10.0'") == policy.error_chain


def test_more_source_vcpus_than_the_destination_has_is_an_unknown_section():
    v = evaluate(regset(same(BASE, 2)), regset(same(BASE, 1)), policy=QEMU_72)
    assert (v.first_failure.status, v.first_failure.section, v.first_failure.instance) == \
        (UNKNOWN_SECTION, "cpu_common", 1)
    assert qemu_log(v)[0].startswith("Unknown savevm section or instance 'cpu_common' 1. ")


def test_fewer_source_vcpus_leave_the_extra_destination_vcpus_alone():
    v = evaluate(regset(same(BASE, 1)), regset(same(BASE, 2)), policy=QEMU_72)
    assert v.accepted
    assert [(r.status, r.vcpu) for r in v.warnings] == [(VCPU_NOT_IN_STREAM, 1)]


def test_the_vcpu_count_register_rejects_on_vcpu_0_before_the_section_check():
    src = regset([{**BASE, L2CTLR_EL1: 1 << 24}] * 2)
    dst = regset([{**BASE, L2CTLR_EL1: 0}])
    v = evaluate(src, dst, policy=QEMU_72)
    assert [(r.status, r.reached) for r in v.reasons] == \
        [(Status.VALUE_MISMATCH.value, True), (UNKNOWN_SECTION, False),
         (UNKNOWN_SECTION, False)]


def test_a_device_the_destination_lacks_fails_in_stream_order():
    src = regset(same(BASE), extra_devices=("arm_gicv3",))
    v = evaluate(src, regset(same(BASE)), policy=QEMU_72)
    assert (v.first_failure.status, v.first_failure.section) == (UNKNOWN_SECTION, "arm_gicv3")


def test_cpu_subsections_unknown_or_unallocated_on_the_destination():
    wfxt = ("cpu/vfp", "cpu/irq-line-state", "cpu/wfxt-timer")
    src = regset(same(BASE), subsections=wfxt, writer="qemu-11.1")
    dst = regset(same(BASE))
    assert evaluate(src, dst, policy=QEMU_72).first_failure.status == UNKNOWN_SUBSECTION
    assert qemu_log(evaluate(src, dst, policy=QEMU_72))[-1] == \
        "load of migration failed: No such file or directory"
    aborted = evaluate(src, dst, policy=QEMU_100)
    assert aborted.first_failure.status == SUBSECTION_ABORT
    assert qemu_log(aborted) == ("migration/vmstate.c:172: vmstate_load_state: Assertion "
                                 "`first_elem || !n_elems || !size' failed.",)
    has_timer = regset(same(BASE), subsections=wfxt, writer="qemu-10.0")
    assert evaluate(src, has_timer, policy=QEMU_100).accepted
    assert evaluate(src, dst, policy=QEMU_111).accepted


def test_policy_defaults_to_the_destination_writer_and_says_why():
    for policy in ALL:
        v = evaluate(regset(same(BASE)), regset(same(BASE), writer=policy.name))
        assert v.policy is policy and policy.title in v.policy_reason
    unknown, why = default_policy(regset(same(BASE), writer=None))
    assert unknown is QEMU_111 and "not recognised" in why
    assert get_policy("10.0.13") is QEMU_100 and get_policy("qemu-11.1") is QEMU_111
    with pytest.raises(KeyError, match="qemu-7.2"):
        get_policy("9.0")


@pytest.mark.parametrize("policy, machine, deprecated", [
    (QEMU_111, "virt-7.2", True), (QEMU_111, "virt-8.1", True), (QEMU_111, "virt-8.2", False),
    (QEMU_100, "virt-7.2", False), (QEMU_100, "virt-6.2", True), (QEMU_72, "virt-2.12", False)])
def test_start_up_deprecation_warning_follows_qemus_three_year_rule(policy, machine,
                                                                   deprecated):
    v = evaluate(regset(same(BASE), machine=machine), regset(same(BASE), machine=machine),
                 policy=policy)
    assert v.accepted
    assert any(r.status == DEPRECATED_MACHINE for r in v.warnings) is deprecated


def test_machine_version_parsing():
    assert machine_version("virt-10.2") == (10, 2)
    assert machine_version("virt") is None and machine_version(None) is None


def test_a_newer_section_version_fails_and_every_row_still_gets_a_verdict():
    src = regset(same({**BASE, ID_DFR0_EL1: 0}, 2))
    newer = tuple(replace(d, version=2) if d.name == "cpu_common" else d
                  for d in src.provenance.devices)
    src = replace(src, provenance=replace(src.provenance, devices=newer))
    v = evaluate(src, regset(same(BASE, 2)), policy=QEMU_72)
    assert v.first_failure.message == "savevm: unsupported version 2 for 'cpu_common' v1"
    assert len(v.rows) == 2 * len(BASE)
    assert [r.reached for r in v.reasons if r.register == ID_DFR0_EL1] == [False, False]


@needs_shared
def test_qemu_facts_resource_is_what_the_generator_makes_from_the_reference_tables():
    result = subprocess.run([sys.executable, str(REPO / "tools" / "gen_qemu_facts.py"),
                             "--reference", str(SHARED / "reference"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

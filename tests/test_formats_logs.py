"""QEMU destination logs of every generation (tests/data/logs, real QEMU output) as a pair."""

from __future__ import annotations

import pytest

from app.model.registers import regdb, regid
from app.model.compare.diff import Status, diff
from app.model.errors import DumpError
from app.model.sources.readers import detect, load, load_pair
from app.model.sources.readers.qemulog import read_log_pair
from testdata import fixture

LOGS = "logs/"
V6 = fixture(LOGS + "qemu-series-v6-commit-example.log")
Q11_A57 = fixture(LOGS + "q72-cortex-a57-smp2__into__q11-cortex-a57-smp2-virt-7.2.log")
Q11_MAX = fixture(LOGS + "q72-max-sve-off-smp2__into__q11-cortex-a57-smp2-virt-7.2.log")
Q72_COUNTS = fixture(LOGS + "q10-cortex-a57-smp2-virt-7.2__into__q72-cortex-a57-smp2.log")


def names(cpu, accel="unknown") -> set[str]:
    return {regdb.lookup(i, accel).name for i in cpu.ids}


@pytest.mark.parametrize("log, src_stream, dst_stream", [
    (Q11_A57, "q72-cortex-a57-smp2.mig", "q11-cortex-a57-smp2-virt-7.2.mig"),
    (Q11_MAX, "q72-max-sve-off-smp2.mig", "q11-cortex-a57-smp2-virt-7.2.mig"),
])
def test_qemu_11_log_names_exactly_what_the_two_streams_differ_in(log, src_stream, dst_stream):
    """QEMU 11.1.3 printed these keys; the streams of both sides say the same (vCPU 0)."""
    src, dst = load_pair(log)
    rows = diff(load(fixture(src_stream)), load(fixture(dst_stream))).for_vcpu(0)
    assert set(src.vcpu(0).ids) == {r.id for r in rows if r.status is Status.UNEXPECTED}
    assert set(dst.vcpu(0).ids) == {r.id for r in rows if r.status is Status.MISSING}
    assert [c.index for c in src.vcpus] == [0]  # QEMU stopped at vCPU 0 ("instance 0x0")
    assert all(v is None for c in src.vcpus + dst.vcpus for v in c.values)  # never invented
    assert dst.provenance.writer == "qemu-11.x" and src.provenance.format == "qemu-log"


def test_qemu_11_keys_become_kvm_ids():
    src, dst = load_pair(Q11_A57)
    # 0x200f3a00 (AArch32 PAR) and 0x1013c030 (ID_AA64ISAR0_EL1) failed the migration
    assert set(src.vcpu(0).ids) == {regid.kvm_id_from_qemu_key(0x200F3A00),
                                    regid.kvm_id_from_qemu_key(0x1013C030)}
    assert names(src.vcpu(0)) == {"PAR", "ID_AA64ISAR0_EL1"}
    assert {"RMR_EL1", "MDCCINT_EL1"} <= names(dst.vcpu(0))
    diffed = diff(src, dst)
    assert diffed.counts()[Status.UNEXPECTED] == 2 and diffed.counts()[Status.MISSING] == 18


def test_v6_series_kvm_example():
    src, dst = load_pair(V6)
    assert src.vcpu(0).ids == (0x603000000013C103, 0x603000000013C512, 0x603000000013C513)
    assert dst.vcpu(0).ids == (regid.fw_feat_bmap_reg(3),)
    assert src.accel == dst.accel == "kvm"
    assert names(src.vcpu(0), "kvm") == {"TCR2_EL1", "PIRE0_EL1", "PIR_EL1"}
    assert dst.provenance.writer == "qemu-v6-series"
    assert any("Operation not permitted" in n for n in src.provenance.notes)


def test_72_style_log_keeps_counts_and_invents_no_register():
    src, dst = load_pair(Q72_COUNTS)
    assert [(c.index, len(c)) for c in src.vcpus] == [(0, 0)]
    assert [(c.index, len(c)) for c in dst.vcpus] == [(0, 0)]
    assert "vCPU 0: 275 cpregs in the incoming stream (the log names none of them)" in \
        src.provenance.notes
    assert "vCPU 0: 258 cpregs on the destination" in dst.provenance.notes
    assert dst.provenance.writer == "qemu-7.2-style"


def test_generic_failures_machine_type_and_assertion():
    src, dst = load_pair(fixture(LOGS + "q72-cortex-a57-smp1__into__q72-cortex-a57-smp2.log"))
    assert [len(c) for c in src.vcpus] == [0] and dst.provenance.writer is None
    src, dst = load_pair(fixture(LOGS + "q11-max-smp2__into__q72-cortex-a57-smp2.log"))
    assert (src.provenance.machine, dst.provenance.machine) == ("virt-11.1", "virt-7.2")
    assert src.vcpus == () and dst.vcpus == ()
    src, _ = load_pair(fixture(LOGS + "q11-cortex-a57-smp2-virt-7.2__into__"
                                      "q10-cortex-a57-smp2-virt-7.2.log"))
    assert any(n.startswith("QEMU aborted: migration/vmstate.c:172") for n in
               src.provenance.notes)


def test_load_gives_the_incoming_side_and_streams_have_no_pair():
    assert load(V6).vcpus == load_pair(V6)[0].vcpus
    assert detect(V6).name == "qemu-log"
    assert load_pair(fixture("q72-cortex-a57-smp1.mig")) is None


def test_could_not_set_register_gives_both_values(tmp_path):
    # The sample output of "arm/kvm: report registers we failed to set" (2025), with QEMU's
    # usual prefix; values are %x without 0x: incoming value, then what KVM has.
    log = tmp_path / "set.log"
    log.write_text(
        "qemu-system-aarch64: Could not set register op0:3 op1:0 crn:0 crm:0 op2:0 to "
        "c00fac31 (is 413fd0c1)\n"
        "qemu-system-aarch64: Could not set register fw feat reg 3: unknown to KVM\n"
        "qemu-system-aarch64: error while loading state for instance 0x1 of device 'cpu'\n")
    src, dst = load_pair(log)
    midr = regdb.find("MIDR_EL1")
    rows = diff(src, dst).rows
    assert [(r.vcpu, r.id, r.status, r.src, r.dst) for r in rows] == [
        (1, midr, Status.VALUE_MISMATCH, 0xC00FAC31, 0x413FD0C1),
        (1, regid.fw_feat_bmap_reg(3), Status.UNEXPECTED, None, None)]
    assert src.accel == "kvm"


def test_warnings_of_each_vcpu_and_trace_lines_split_by_id_order(tmp_path):
    lines = [
        "qemu-system-aarch64: warning: handle_cpreg_missing_in_incoming_stream: system "
        "register 0x10138002 expected by the destination but not in the incoming stream",
        "qemu-system-aarch64: warning: handle_cpreg_missing_in_incoming_stream: system "
        "register 0x1013c602 expected by the destination but not in the incoming stream",
    ]
    trace = ("1234@1700000000.000001:cpu_post_load_unexpected unexpected register in input "
             "stream: v=5 index=0x603000000013c103 (i=7)")
    log = tmp_path / "two.log"
    log.write_text("\n".join(lines + [lines[0], trace, lines[1]]) + "\n")
    src, dst = load_pair(log)
    assert [c.index for c in dst.vcpus] == [0, 1]  # the second run of ids is vCPU 1
    assert dst.vcpu(1).ids == dst.vcpu(0).ids
    assert src.vcpu(1).ids == (0x603000000013C103,)


def test_tolerate_trace_lines(tmp_path):
    # No real tolerate_cpreg_* output exists in the samples: this pins the documented reading
    # (register = first 0x number, values from incoming=/local=).
    log = tmp_path / "tol.log"
    log.write_text("tolerate_cpreg_diff_in_mask index=0x603000000013c020 incoming=0x11 "
                   "local=0x1\n"
                   "tolerate_cpreg_only_in_incoming_stream system register 0x1013c030\n")
    src, dst = load_pair(log)
    pfr0 = regdb.find("ID_AA64PFR0_EL1")
    assert src.vcpu(0).as_dict() == {pfr0: 0x11, regdb.find("ID_AA64ISAR0_EL1"): None}
    assert dst.vcpu(0).as_dict() == {pfr0: 0x1}
    assert any("tolerate_cpreg_diff_in_mask" in n for n in src.provenance.notes)


@pytest.mark.parametrize("line, expected", [
    ("qemu-system-aarch64: handle_cpreg_only_in_incoming_stream: system register 0xZZ in "
     "the incoming stream but unknown on the destination: fail migration", "register"),
    ("qemu-system-aarch64: kvm_arm_cpu_post_load Unexpected register in input stream: "
     "zero 0x603000000013c103", "Unexpected register in input stream: I 0xID NAME"),
    ("qemu-system-aarch64: Could not set register op0:9 op1:0 crn:0 crm:0 op2:0 to 1",
     "register"),
])
def test_malformed_messages_name_the_line(tmp_path, line, expected):
    log = tmp_path / "bad.log"
    log.write_text("qemu-system-aarch64: load of migration failed: Invalid argument\n"
                   + line + "\n")
    with pytest.raises(DumpError) as err:
        read_log_pair(log)
    assert err.value.line == 2 and str(log) in str(err.value)
    assert expected in str(err.value)


def test_text_without_migration_messages_is_refused(tmp_path):
    log = tmp_path / "other.log"
    log.write_text("qemu-system-aarch64: -drive file=x: Could not open 'x'\n")
    with pytest.raises(DumpError, match="no QEMU migration messages"):
        read_log_pair(log)

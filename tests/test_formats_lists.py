"""KVM get-reg-list register lists: the selftest's blessed list (tests/data/lists)."""

from __future__ import annotations

import re

import pytest

from app.model.registers import regdb, regid
from app.model.errors import DumpError
from app.model.sources.readers import detect, load
from app.model.sources.readers.reglist import read_reg_list
from testdata import fixture

VREGS_PMU = fixture("lists/get-reg-list-7.2.13-vregs-pmu.txt")
EL2_SVE_PMU = fixture("lists/get-reg-list-7.2.13-el2-sve-pmu.txt")


@pytest.mark.parametrize("path, count", [(VREGS_PMU, 323), (EL2_SVE_PMU, 396)])
def test_blessed_lists_read_completely(path, count):
    regs = read_reg_list(path)
    cpu = regs.vcpu(0)
    entries = [line for line in path.read_text().splitlines() if line.endswith(",")
               or "/*" in line]
    assert len(cpu) == count == len(entries)
    assert all(v is None for v in cpu.values) and regs.accel == "kvm"
    assert all(regdb.lookup(i, "kvm").known for i in cpu.ids)
    assert regid.fw_reg(0) in cpu.ids and regid.fw_feat_bmap_reg(3) in cpu.ids


@pytest.mark.parametrize("path", [VREGS_PMU, EL2_SVE_PMU])
def test_every_commented_entry_is_the_register_its_comment_names(path):
    regs = set(read_reg_list(path).vcpu(0).ids)
    checked = 0
    for line in path.read_text().splitlines():
        m = re.match(r"^\s*ARM64_SYS_REG\(([\d, ]+)\),\s*/\* (\w+) \*/$", line)
        if m:
            reg_id = regid.encode_sysreg(*(int(x) for x in m.group(1).split(",")))
            info = regdb.lookup(reg_id, "kvm")
            assert m.group(2) in (info.name, *info.aliases) and reg_id in regs
            checked += 1
    assert checked > 80


def test_core_sizes_swapped_timers_and_named_sysregs():
    vregs = set(read_reg_list(VREGS_PMU).vcpu(0).ids)
    assert 0x60200000001000D4 in vregs  # fp_regs.fpsr is KVM_REG_SIZE_U32
    assert 0x6040000000100054 in vregs  # fp_regs.vregs[0] is KVM_REG_SIZE_U128
    assert 0x6030000000100050 in vregs  # spsr[4]
    # KVM_REG_ARM_TIMER_CVAL/CNT are uapi constants with swapped encodings
    assert {regid.encode_sysreg(3, 3, 14, 0, 2), regid.encode_sysreg(3, 3, 14, 3, 2),
            regid.encode_sysreg(3, 3, 14, 3, 1)} <= vregs
    el2 = set(read_reg_list(EL2_SVE_PMU).vcpu(0).ids)
    assert regdb.find("VPIDR_EL2") in el2 and regdb.find("SCTLR2_EL1") in el2  # SYS_REG(...)
    assert regid.parse_register("KVM_REG_ARM64_SVE_ZREG(31, 0)") in el2


def test_list_output_variant_with_demux_and_declarations(tmp_path):
    # get-reg-list --list prints one "\t<expression>," line per register (print_reg)
    path = tmp_path / "list.out"
    path.write_text("\tKVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX | "
                    "KVM_REG_ARM_DEMUX_ID_CCSIDR | 2,\n\tARM64_SYS_REG(3, 0, 0, 0, 5),\n"
                    "\tKVM_REG_ARM_FW_REG(1),\n\tKVM_REG_ARM64_SVE_VLS,\n")
    assert detect(path).name == "kvm-reg-list"
    assert load(path).vcpu(0).ids == tuple(sorted((
        0x6020000000110002, regid.encode_sysreg(3, 0, 0, 0, 5), regid.fw_reg(1),
        regid.parse_register("KVM_REG_ARM64_SVE_VLS"))))


@pytest.mark.parametrize("body, line, message", [
    ("ARM64_SYS_REG(3, 0, 0, 0, 0),\nARM64_SYS_REG(3, 0, 99, 0, 0),\n", 2, "out of range"),
    ("ARM64_SYS_REG(3, 0, 0, 0, 0),\nARM64_SYS_REG(3, 0, 0, 0, 6)\n", 2,
     "not a register list entry"),
    ("KVM_REG_ARM_FW_REG(0),\n\nKVM_REG_ARM_FW_REG(0),\n", 3, "listed twice"),
    ("KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(regs.x),\n",
     1, "unknown struct kvm_regs member"),
    ("SYS_REG(NOT_A_REG),\n", 1, "unknown system register"),
])
def test_malformed_lists(tmp_path, body, line, message):
    path = tmp_path / "bad.txt"
    path.write_text(body)
    with pytest.raises(DumpError) as err:
        read_reg_list(path)
    assert err.value.line == line and message in str(err.value)

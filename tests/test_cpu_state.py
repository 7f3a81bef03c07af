"""CPU state outside the cpreg arrays, read from real QEMU 7.2 streams.

Expectations come from documented facts, not from the reader's output:
- QEMU's GICv3 CPU interface reset (hw/intc/arm_gicv3_cpuif.c icc_reset): ICC_CTLR_EL1 =
  A3V | IDbits 1 (24-bit INTIDs) | PRIbits (pribits - 1), both banks alike; ICC_CTLR_EL3 the
  same plus nDS; ICC_BPR0/BPR1(S) = the minimum 7 - prebits, the Non-secure BPR1 one more;
  PMR, APRs and group enables 0. cortex-a57 has gic_pribits = 5 (target/arm/cpu64.c), and a
  virt-7.2 machine does not force 8 bits (force-8-bit-prio is a <= 7.0 compat property).
- arm_gicv3_common_reset: GICR_WAKER = ProcessorSleep | ChildrenAsleep, edge_trigger 0xffff
  (SGIs are edge-triggered).
- TCG's ICC_SRE_EL1 is the constant 0x7; the migrated icc_sre_el1 field stays 0 and QEMU sends
  the sre_el1 subsection because it is not 7.
- A fresh AArch64 vCPU without EL2/EL3 resets into EL1h with D, A, I, F masked.
The GICv2 stream's core and GIC values are checked against QEMU's own analyze-migration.py
output of the same stream (tests/data/dumps), an independent decoder.
"""

from __future__ import annotations

import json

import pytest

from app.model.registers import regdb
from app.model.sources.cpu_state import GIC_V2, GIC_V3, StateGroup
from app.model.sources.readers import load
from app.model.sources.readers.stream.core_regs import core_group
from app.model.sources.readers.stream.gicv3_regs import gicv3_group
from app.model.registers.regid import (
    decode,
    encode_sysreg,
    format_id,
    parse_register,
    private_reg,
    qemu_key_from_kvm_id,
)
from testdata import DATA, fixture

GICV3 = fixture("q72-cortex-a57-smp2-gicv3.mig")
GICV2 = fixture("q72-cortex-a57-smp2.mig")
A57_PRIBITS = 5


def reg(group: StateGroup, name: str) -> int:
    """The id of the register ``name`` in ``group`` (SP_EL1 names both a KVM core id and a
    system register; a group holds exactly one of them)."""
    (reg_id,) = [i for i in group.ids if regdb.lookup(i).name == name]
    return reg_id


def value(group: StateGroup, name: str) -> int | None:
    return group.value_of(reg(group, name))


def field(group: StateGroup, name: str, fld: str) -> int:
    reg_id = reg(group, name)
    fields = {f.name: v for f, v, _ in regdb.decode_value(reg_id, group.value_of(reg_id))}
    return fields[fld]


@pytest.fixture(scope="module")
def gicv3():
    return load(str(GICV3))


def test_gicv3_cpu_interface_after_reset(gicv3):
    state = gicv3.cpu_state
    assert state.gic == GIC_V3 and state.possible_vcpus == 2 and not state.notes
    for index in (0, 1):
        gic = state.vcpu(index).group("gic")
        assert gic.title.endswith(f"cpu[{index}])")
        assert field(gic, "ICC_CTLR_EL1", "PRIbits") == A57_PRIBITS - 1
        assert field(gic, "ICC_CTLR_EL1", "IDbits") == 1
        assert field(gic, "ICC_CTLR_EL1", "A3V") == 1
        assert value(gic, "ICC_CTLR_EL1_S") == value(gic, "ICC_CTLR_EL1")
        assert field(gic, "ICC_CTLR_EL3", "nDS") == 1
        assert field(gic, "ICC_CTLR_EL3", "PRIbits") == A57_PRIBITS - 1
        min_bpr = 7 - A57_PRIBITS
        assert value(gic, "ICC_BPR0_EL1") == min_bpr == value(gic, "ICC_BPR1_EL1_S")
        assert value(gic, "ICC_BPR1_EL1") == min_bpr + 1
        zero = ["ICC_PMR_EL1", "ICC_IGRPEN0_EL1", "ICC_IGRPEN1_EL1", "ICC_IGRPEN1_EL1_S"]
        zero += [f"ICC_AP{g}R{n}_EL1" for g in (0, 1) for n in range(4)]
        assert all(value(gic, name) == 0 for name in zero)
        assert value(gic, "ICC_SRE_EL1") == 0
        assert any("constant 0x7" in note for note in gic.notes)
        assert field(gic, "GICR_WAKER", "ProcessorSleep") == 1
        assert field(gic, "GICR_WAKER", "ChildrenAsleep") == 1
        assert value(gic, "QEMU_GICR_EDGE_TRIGGER") == 0xFFFF


def test_vcpu_presence_from_the_stream(gicv3):
    presence = [v.presence for v in gicv3.cpu_state.vcpus]
    assert [p.index for p in presence] == [0, 1]
    assert all(p.has_cpu_section and p.enabled and p.gicc_accessible is None for p in presence)
    # -M virt starts secondary CPUs powered off (PSCI); vCPU 0 runs
    assert [p.powered_off for p in presence] == [False, True]
    assert gicv3.cpu_state.enabled() == (0, 1)


def test_ids_are_architectural_encodings_or_private():
    expect = {
        "ICC_PMR_EL1": encode_sysreg(3, 0, 4, 6, 0),
        "ICC_BPR0_EL1": encode_sysreg(3, 0, 12, 8, 3),
        "ICC_AP0R2_EL1": encode_sysreg(3, 0, 12, 8, 6),
        "ICC_AP1R0_EL1": encode_sysreg(3, 0, 12, 9, 0),
        "ICC_BPR1_EL1": encode_sysreg(3, 0, 12, 12, 3),
        "ICC_CTLR_EL1": encode_sysreg(3, 0, 12, 12, 4),
        "ICC_SRE_EL1": encode_sysreg(3, 0, 12, 12, 5),
        "ICC_IGRPEN1_EL1": encode_sysreg(3, 0, 12, 12, 7),
        "ICC_CTLR_EL3": encode_sysreg(3, 6, 12, 12, 4),
        "ICH_LR8_EL2": encode_sysreg(3, 4, 12, 13, 0),
        "X0": 0x6030000000100000, "PC": 0x6030000000100040, "PSTATE": 0x6030000000100042,
        "V31": 0x60400000001000D0,
    }
    for name, reg_id in expect.items():
        assert regdb.find(name) == reg_id, name
    for name in ("GICR_CTLR", "ICC_BPR1_EL1_S", "GICC_PMR", "SP_EL3", "QEMU_GICC_ACCESSIBLE"):
        assert decode(regdb.find(name)).kind == "private", name


def test_private_ids_parse_back_and_have_no_qemu_key():
    reg_id = private_reg(0x141)
    assert format_id(reg_id) == "0x603000000fff0141"
    assert decode(reg_id).text() == "QEMU_STATE(0x141)"
    assert parse_register("QEMU_STATE(0x141)", db=object()) == reg_id
    assert regdb.lookup(reg_id).name == "ICC_BPR1_EL1_S"
    with pytest.raises(ValueError):
        qemu_key_from_kvm_id(reg_id)


def test_state_ids_never_collide_with_cpreg_ids():
    for path in sorted(DATA.glob("*.mig")):
        regs = load(str(path))
        cpregs = {i for cpu in regs.vcpus for i in cpu.ids}
        state = {i for v in regs.cpu_state.vcpus for g in v.groups for i in g.ids}
        assert state and not cpregs & state, path.name
        assert all(regdb.lookup(i).cls in ("core", "gic") for i in state), path.name


def test_fresh_vcpu_resets_into_el1h_with_daif_masked(gicv3):
    for v in gicv3.cpu_state.vcpus:
        core = v.group("core")
        meanings = regdb.decode_value(reg(core, "PSTATE"), value(core, "PSTATE"))
        assert {f.name: m for f, _, m in meanings}["M"] == "EL1h"
        assert all(field(core, "PSTATE", bit) == 1 for bit in "DAIF")


def _oracle():
    with open(fixture("dumps/q72-cortex-a57-smp2.analyze-migration.json")) as f:
        doc = json.load(f)
    cpus = [v for k, v in doc.items() if k.startswith("cpu (")]
    gic = next(v for k, v in doc.items() if k.startswith("arm_gic ("))
    return cpus, gic


def _h(text) -> int:
    return int(text.replace(" ", ""), 16) if " " in text else int(text, 16)


def test_core_and_gicv2_registers_match_analyze_migration():
    regs = load(str(GICV2))
    cpus, gic = _oracle()
    assert len(cpus) == len(regs.cpu_state.vcpus) == 2
    for index, cpu in enumerate(cpus):
        core = regs.cpu_state.vcpu(index).group("core")
        xregs = [_h(x) for x in cpu["env.xregs"]]
        assert [value(core, f"X{n}") for n in range(31)] == xregs[:31]
        assert value(core, "PC") == _h(cpu["env.pc"])
        assert value(core, "PSTATE") == _h(cpu["cpsr"])
        spsr = [_h(x) for x in cpu["env.banked_spsr"]]
        assert [value(core, n) for n in ("SPSR_EL1", "SPSR_ABT", "SPSR_UND", "SPSR_IRQ",
                                         "SPSR_FIQ")] == spsr[1:6]
        assert value(core, "ELR_EL1") == _h(cpu["env.elr_el"][1])
        vfp = cpu["cpu/vfp"]
        for n in range(32):
            lo, hi = (_h(x) for x in vfp[f"env.vfp.zregs[{n}].d"])
            assert value(core, f"V{n}") == hi << 64 | lo
        assert regs.cpu_state.vcpu(index).presence.powered_off == bool(_h(cpu["power_state"]))
        gicc = regs.cpu_state.vcpu(index).group("gic")
        for key, name in (("cpu_ctlr", "GICC_CTLR"), ("priority_mask", "GICC_PMR"),
                          ("bpr", "GICC_BPR"), ("abpr", "GICC_ABPR"),
                          ("running_priority", "QEMU_GICC_RUNNING_PRIORITY"),
                          ("current_pending", "QEMU_GICC_CURRENT_PENDING")):
            assert value(gicc, name) == _h(gic[key][index]), name
        for n in range(4):
            assert value(gicc, f"GICC_APR{n}") == _h(gic["apr"][n * 8 + index])
            assert value(gicc, f"GICC_NSAPR{n}") == _h(gic["nsapr"][n * 8 + index])


def test_gicv2_stream_says_it_is_gicv2():
    state = load(str(GICV2)).cpu_state
    assert state.gic == GIC_V2 and state.possible_vcpus is None
    assert any(note.startswith("GICv2 (arm_gic)") for note in state.notes)
    names = {regdb.lookup(i).name for i in state.vcpu(0).group("gic").ids}
    assert "GICC_CTLR" in names and not any(n.startswith("ICC_") for n in names)


def test_stream_without_vmdesc_decodes_core_registers_from_the_fixed_fields():
    plain = load(str(GICV2)).cpu_state
    bare = load(str(fixture("q72-cortex-a57-smp2-suppress-vmdesc.mig"))).cpu_state
    for index in (0, 1):
        a, b = plain.vcpu(index).group("core"), bare.vcpu(index).group("core")
        assert a.ids == b.ids
        assert [v for n, v in zip(a.ids, a.values) if decode(n).size_bits == 64] == \
            [v for n, v in zip(b.ids, b.values) if decode(n).size_bits == 64]
        assert value(b, "V0") is None and bare.vcpu(index).presence.powered_off is None
        assert bare.vcpu(index).group("gic") is None
    assert any("no vmdesc" in note for note in bare.notes)


def test_a_guest_that_ran_has_its_pc_in_guest_ram():
    fresh = load(str(GICV2)).cpu_state.vcpu(0).group("core")
    ran = load(str(fixture("q72-cortex-a57-smp2-guest.mig"))).cpu_state.vcpu(0).group("core")
    assert value(ran, "PC") >= 0x40000000 > value(fresh, "PC")  # virt RAM starts at 1 GiB
    assert ran.ids == fresh.ids and ran.values != fresh.values


def test_live_stack_pointer_goes_to_the_selected_bank():
    xregs = tuple(range(31)) + (0x1234,)
    el1h = core_group({"env.xregs": xregs, "cpsr": 0x3C5, "env.sp_el": (0, 0x99, 0, 0)})
    assert value(el1h, "SP_EL1") == 0x1234 and value(el1h, "SP") == 0
    assert any("env.sp_el[1]" in note for note in el1h.notes)
    el1t = core_group({"env.xregs": xregs, "cpsr": 0x3C4, "env.sp_el": (7, 0x99, 0, 0)})
    assert value(el1t, "SP") == 0x1234 and value(el1t, "SP_EL1") == 0x99


def test_fields_of_the_wrong_type_become_unknown_values_with_a_note():
    core = core_group({"env.xregs": b"junk", "cpsr": -1, "env.pc": 1 << 64})
    assert value(core, "X0") is None and value(core, "PSTATE") is None
    assert value(core, "PC") is None
    assert any("env.xregs" in n and "cpsr" in n and "env.pc" in n for n in core.notes)
    gic = gicv3_group({"icc_bpr": {"x": 1}, "icc_pmr_el1": 0xF0, "surprise": 1}, 0, "tcg")
    assert value(gic, "ICC_BPR0_EL1") is None and value(gic, "ICC_PMR_EL1") == 0xF0
    assert value(gic, "ICC_SRE_EL1") == 0x7  # no sre_el1 subsection: QEMU's pre_load value
    assert any("surprise" in n for n in gic.notes)
    assert any("ICC_BPR0_EL1" in n for n in gic.notes)


def test_optional_gicv3_subsections_and_the_hotplug_flag():
    cpu = {"icc_apr": tuple(range(12)), "gicc_accessible": 0,
           "arm_gicv3_cpu/virt": {"ich_apr": tuple(range(100, 112)), "ich_hcr_el2": 1,
                                  "ich_lr_el2": tuple(range(200, 216)), "ich_vmcr_el2": 2},
           "arm_gicv3_cpu/gicv4": {"gicr_vpropbaser": 3, "gicr_vpendbaser": 4},
           "arm_gicv3_cpu/nmi": {"gicr_inmir0": 5}}
    gic = gicv3_group(cpu, 3, "kvm")
    # icc_apr[3][4] row-major: [G0][n] = n, [G1][n] = 4 + n, [G1NS][n] = 8 + n
    assert value(gic, "ICC_AP0R1_EL1") == 1 and value(gic, "ICC_AP1R1_EL1") == 9
    assert value(gic, "ICC_AP1R1_EL1_S") == 5
    assert value(gic, "ICH_AP1R0_EL2") == 108 and value(gic, "ICH_LR15_EL2") == 215
    assert value(gic, "ICH_VMCR_EL2") == 2 and value(gic, "GICR_INMIR0") == 5
    assert value(gic, "GICR_VPENDBASER") == 4 and value(gic, "QEMU_GICC_ACCESSIBLE") == 0

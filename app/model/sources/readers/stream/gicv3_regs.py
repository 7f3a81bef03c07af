"""The GIC group of one vCPU from an ``arm_gicv3`` section's per-CPU ``cpu`` struct.

QEMU (hw/intc/arm_gicv3_common.c, vmstate_gicv3_cpu; include/hw/intc/arm_gicv3_common.h) keeps
the banked CPU interface registers as arrays indexed by GICV3_G0 = 0, GICV3_G1 = 1 (Secure
Group 1) and GICV3_G1NS = 2, or by GICV3_S = 0 / GICV3_NS = 1 for ICC_CTLR_EL1 and
GICR_STATUSR. A CPU without EL3 only ever uses the Non-secure bank (gicv3_use_ns_bank(): not
Secure below EL3), which is also the one KVM's ICC_* system registers hold, so:

- icc_ctlr_el1[NS] -> ICC_CTLR_EL1, icc_ctlr_el1[S] -> ICC_CTLR_EL1_S; icc_pmr_el1 ->
  ICC_PMR_EL1; icc_bpr[G0] -> ICC_BPR0_EL1, [G1NS] -> ICC_BPR1_EL1, [G1] -> ICC_BPR1_EL1_S;
  icc_apr[G0][n] -> ICC_AP0Rn_EL1, [G1NS][n] -> ICC_AP1Rn_EL1, [G1][n] -> ICC_AP1Rn_EL1_S;
  icc_igrpen[G0] -> ICC_IGRPEN0_EL1, [G1NS] -> ICC_IGRPEN1_EL1, [G1] -> ICC_IGRPEN1_EL1_S;
  icc_ctlr_el3 -> ICC_CTLR_EL3; subsection sre_el1 -> ICC_SRE_EL1.
- subsection virt: ich_apr[G0][n] -> ICH_AP0Rn_EL2, [G1NS][n] -> ICH_AP1Rn_EL2 ([G1] is never
  used), ich_hcr_el2, ich_lr_el2[n], ich_vmcr_el2 -> ICH_HCR_EL2, ICH_LRn_EL2, ICH_VMCR_EL2.
- redistributor: gicr_* -> GICR_* (gicr_ienabler0/ipendr0/iactiver0 are the set-enable,
  set-pending and set-active views), gicr_ipriorityr[32] bytes -> GICR_IPRIORITYR0..7;
  subsections gicv4 (GICR_VPROPBASER/VPENDBASER) and nmi (GICR_INMIR0).
- QEMU-internal: level, edge_trigger (ICFGR0/1 "edge" bits, one per INTID), and
  gicc_accessible (vCPU hotplug series, seed 004) -> QEMU_GICR_LEVEL, QEMU_GICR_EDGE_TRIGGER,
  QEMU_GICC_ACCESSIBLE.
Names resolve to ids through app.model.state_ids (no register database needed to read).
"""

from __future__ import annotations

from app.model.registers.state_ids import state_id
from app.model.sources.cpu_state import GROUP_GIC, StateGroup
from app.model.sources.readers.stream.vmfields import array, pick, scalar, sub, unknown_keys
from app.model.sources.register_set import ACCEL_TCG

G0, G1, G1NS = 0, 1, 2
S, NS = 0, 1
SRE_SUB, VIRT_SUB = "arm_gicv3_cpu/sre_el1", "arm_gicv3_cpu/virt"
GICV4_SUB, NMI_SUB = "arm_gicv3_cpu/gicv4", "arm_gicv3_cpu/nmi"
SRE_IMPLIED = 0x7  # vmstate_gicv3_cpu_pre_load: no sre_el1 subsection means ICC_SRE_EL1 = 0x7
_SCALARS = {"gicr_ctlr": "GICR_CTLR", "gicr_waker": "GICR_WAKER",
            "gicr_propbaser": "GICR_PROPBASER", "gicr_pendbaser": "GICR_PENDBASER",
            "gicr_igroupr0": "GICR_IGROUPR0", "gicr_ienabler0": "GICR_ISENABLER0",
            "gicr_ipendr0": "GICR_ISPENDR0", "gicr_iactiver0": "GICR_ISACTIVER0",
            "gicr_igrpmodr0": "GICR_IGRPMODR0", "gicr_nsacr": "GICR_NSACR",
            "level": "QEMU_GICR_LEVEL", "edge_trigger": "QEMU_GICR_EDGE_TRIGGER"}
_KNOWN = {*_SCALARS, "gicr_statusr", "gicr_ipriorityr", "icc_ctlr_el1", "icc_pmr_el1",
          "icc_bpr", "icc_apr", "icc_igrpen", "icc_ctlr_el3", "gicc_accessible", SRE_SUB,
          VIRT_SUB, GICV4_SUB, NMI_SUB}


reg = state_id  # name -> id; a name nobody defined is a bug and raises KeyError


def gicv3_group(cpu: dict, index: int, accel: str) -> StateGroup:
    """GIC registers of the per-CPU struct ``cpu`` (decode_body's dict) of vCPU ``index``."""
    notes: list[str] = []
    rows = _cpu_interface(cpu, accel, notes) + _virt(sub(cpu, VIRT_SUB))
    rows += _redistributor(cpu)
    if "gicc_accessible" in cpu:
        rows.append(("QEMU_GICC_ACCESSIBLE", scalar(cpu, "gicc_accessible")))
    missing = [name for name, value in rows if value is None]
    if missing:
        notes.append(f"not in the stream or not the type QEMU sends: {', '.join(missing)}")
    extra = unknown_keys(cpu, _KNOWN)
    if extra:
        notes.append(f"fields not shown (unknown to cpreg-explorer): {', '.join(extra)}")
    return StateGroup(GROUP_GIC, f"GICv3 CPU interface + redistributor (arm_gicv3 cpu[{index}])",
                      tuple(reg(n) for n, _ in rows), tuple(v for _, v in rows), tuple(notes))


def accessible(cpu: dict) -> bool | None:
    """The per-CPU gicc_accessible flag, None when the stream has no such field."""
    value = scalar(cpu, "gicc_accessible")
    return None if value is None else bool(value)


def _cpu_interface(cpu: dict, accel: str, notes: list[str]) -> list:
    ctlr, bpr = array(cpu, "icc_ctlr_el1", 2), array(cpu, "icc_bpr", 3)
    apr, igrpen = array(cpu, "icc_apr", 12), array(cpu, "icc_igrpen", 3)
    rows = [("ICC_CTLR_EL1", pick(ctlr, NS)), ("ICC_PMR_EL1", scalar(cpu, "icc_pmr_el1")),
            ("ICC_BPR0_EL1", pick(bpr, G0)), ("ICC_BPR1_EL1", pick(bpr, G1NS))]
    rows += [(f"ICC_AP0R{n}_EL1", pick(apr, 4 * G0 + n)) for n in range(4)]
    rows += [(f"ICC_AP1R{n}_EL1", pick(apr, 4 * G1NS + n)) for n in range(4)]
    rows += [("ICC_IGRPEN0_EL1", pick(igrpen, G0)), ("ICC_IGRPEN1_EL1", pick(igrpen, G1NS)),
             ("ICC_SRE_EL1", _sre(cpu, accel, notes)),
             ("ICC_CTLR_EL3", scalar(cpu, "icc_ctlr_el3")),
             ("ICC_CTLR_EL1_S", pick(ctlr, S)), ("ICC_BPR1_EL1_S", pick(bpr, G1)),
             ("ICC_IGRPEN1_EL1_S", pick(igrpen, G1))]
    rows += [(f"ICC_AP1R{n}_EL1_S", pick(apr, 4 * G1 + n)) for n in range(4)]
    return rows


def _sre(cpu: dict, accel: str, notes: list[str]) -> int | None:
    section = sub(cpu, SRE_SUB)
    if section is None:
        notes.append("ICC_SRE_EL1: no sre_el1 subsection, which QEMU sends only when the value "
                     "is not 0x7: the destination's pre_load sets 0x7")
        return SRE_IMPLIED
    value = scalar(section, "icc_sre_el1")
    if accel == ACCEL_TCG and value is not None and value != SRE_IMPLIED:
        notes.append("ICC_SRE_EL1: under TCG the register is the constant 0x7 (ARM_CP_CONST in "
                      "arm_gicv3_cpuif.c) and the migrated field is unused; QEMU sends it "
                      "because it is not 0x7")
    return value


def _virt(virt: dict | None) -> list:
    if virt is None:
        return []
    apr, lrs = array(virt, "ich_apr", 12), array(virt, "ich_lr_el2", 16)
    rows = [(f"ICH_AP0R{n}_EL2", pick(apr, 4 * G0 + n)) for n in range(4)]
    rows += [(f"ICH_AP1R{n}_EL2", pick(apr, 4 * G1NS + n)) for n in range(4)]
    rows += [("ICH_HCR_EL2", scalar(virt, "ich_hcr_el2"))]
    rows += [(f"ICH_LR{n}_EL2", pick(lrs, n)) for n in range(16)]
    return [*rows, ("ICH_VMCR_EL2", scalar(virt, "ich_vmcr_el2"))]


def _redistributor(cpu: dict) -> list:
    statusr, prio = array(cpu, "gicr_statusr", 2), array(cpu, "gicr_ipriorityr", 32)
    rows = [("GICR_CTLR", scalar(cpu, "gicr_ctlr")), ("GICR_STATUSR", pick(statusr, NS)),
            ("GICR_STATUSR_S", pick(statusr, S)), ("GICR_WAKER", scalar(cpu, "gicr_waker"))]
    rows += [(name, scalar(cpu, k)) for k, name in _SCALARS.items()
             if k not in ("gicr_ctlr", "gicr_waker", "level", "edge_trigger")]
    # GICR_IPRIORITYR<n> byte k is the priority of INTID 4n+k (IHI 0069H 12.11.17)
    rows += [(f"GICR_IPRIORITYR{n}", None if prio is None else
              sum((prio[4 * n + k] & 0xFF) << 8 * k for k in range(4))) for n in range(8)]
    v4, nmi = sub(cpu, GICV4_SUB), sub(cpu, NMI_SUB)
    if v4 is not None:
        rows += [("GICR_VPROPBASER", scalar(v4, "gicr_vpropbaser")),
                 ("GICR_VPENDBASER", scalar(v4, "gicr_vpendbaser"))]
    if nmi is not None:
        rows.append(("GICR_INMIR0", scalar(nmi, "gicr_inmir0")))
    return rows + [(_SCALARS[k], scalar(cpu, k)) for k in ("level", "edge_trigger")]

"""Registers QEMU migrates per vCPU outside the cpreg arrays, for tools/gen_regdb.py.

The GIC CPU interface and redistributor state (arm_gicv3 / arm_gic device sections) and the
special-purpose registers of the cpu section have no entry in Linux's sysreg file or QEMU's
cpreg table, so their names, encodings and layouts are listed here, each from:

- GICv3/v4 CPU interface system registers (ICC_*, ICH_*): Arm IHI 0069H, "GIC architecture
  specification", chapter 12 (encodings in each register's "Accessing" section, fields in its
  "Field descriptions"). The banked Secure copies QEMU keeps (icc_ctlr_el1[GICV3_S],
  icc_bpr/icc_apr/icc_igrpen[GICV3_G1]) share one encoding with the Non-secure copy, so they
  get private ids with a ``_S`` suffix (QEMU's spelling for Secure banks).
- GICv3 redistributor (GICR_*, memory-mapped: private ids): IHI 0069H chapter 12.11.
- GICv2 CPU interface (GICC_*, memory-mapped: private ids): Arm IHI 0048B section 4.4.
- QEMU_* entries: QEMU-internal per-CPU GIC fields with no architectural register
  (include/hw/intc/arm_gicv3_common.h, arm_gic_common.h).
- PSTATE/SPSR layouts: Arm DDI 0487 (Arm ARM) C5.2 "SPSR_EL1" in both its AArch64 and
  AArch32 formats.
Private ids are cpreg-explorer's own (app.model.registers.regid.private_reg); numbers never change.
"""

from __future__ import annotations


def _f(name, msb, lsb=None, **extra):
    return {"n": name, "h": msb, "l": msb if lsb is None else lsb, **extra}


def _res0(msb, lsb):
    return {"n": "RES0", "h": msb, "l": lsb, "r": "RES0"}


def _bitmap(prefix: str, count: int = 32) -> list:
    """One bit per INTID 0..count-1 (GICR_ISENABLER0 and friends)."""
    return [_f(f"{prefix}{n}", n) for n in reversed(range(count))]


MODES = [[0b00000, "EL0t"], [0b00100, "EL1t"], [0b00101, "EL1h"], [0b01000, "EL2t"],
         [0b01001, "EL2h"], [0b01100, "EL3t"], [0b01101, "EL3h"], [0b10000, "USR"],
         [0b10001, "FIQ"], [0b10010, "IRQ"], [0b10011, "SVC"], [0b10110, "MON"],
         [0b10111, "ABT"], [0b11010, "HYP"], [0b11011, "UND"], [0b11111, "SYS"]]
_NZCV = [_f("N", 31), _f("Z", 30), _f("C", 29), _f("V", 28)]
_DAIF = [_f("A", 8), _f("I", 7), _f("F", 6)]
_IDBITS = [[0, "16 bits"], [1, "24 bits"]]
_PRIBITS = [[n, f"{n + 1} priority bits"] for n in range(8)]  # the field holds bits - 1
_CACHE = [[0, "Device-nGnRnE"], [1, "Normal Non-cacheable"], [2, "Normal RA WT"],
          [3, "Normal RA WB"], [4, "Normal WA WT"], [5, "Normal WA WB"],
          [6, "Normal RA WA WT"], [7, "Normal RA WA WB"]]
_SHARE = [[0, "Non-shareable"], [1, "Inner Shareable"], [2, "Outer Shareable"]]

LAYOUTS = {
    # AArch64 format (PSTATE as QEMU's cpsr field and KVM's regs.pstate hold it)
    "PSTATE": _NZCV + [_f("TCO", 25), _f("DIT", 24), _f("UAO", 23), _f("PAN", 22), _f("SS", 21),
                       _f("IL", 20), _f("ALLINT", 13), _f("SSBS", 12), _f("BTYPE", 11, 10),
                       _f("D", 9)] + _DAIF + [_f("M", 4, 0, e=MODES)],
    # AArch32 format (the SPSR banks of the AArch32 exception modes)
    "SPSR_AA32": _NZCV + [_f("Q", 27), _f("IT_1_0", 26, 25), _f("DIT", 24), _f("SSBS", 23),
                          _f("PAN", 22), _f("SS", 21), _f("IL", 20), _f("GE", 19, 16),
                          _f("IT_7_2", 15, 10), _f("E", 9)] + _DAIF
                         + [_f("T", 5), _f("M", 4, 0, e=MODES)],
    "ICC_CTLR_EL1": [_res0(63, 20), _f("ExtRange", 19), _f("RSS", 18), _res0(17, 16),
                     _f("A3V", 15), _f("SEIS", 14), _f("IDbits", 13, 11, e=_IDBITS),
                     _f("PRIbits", 10, 8, e=_PRIBITS), _res0(7, 7), _f("PMHE", 6), _res0(5, 2),
                     _f("EOImode", 1), _f("CBPR", 0)],
    "ICC_CTLR_EL3": [_res0(63, 20), _f("ExtRange", 19), _f("RSS", 18), _f("nDS", 17),
                     _res0(16, 16), _f("A3V", 15), _f("SEIS", 14),
                     _f("IDbits", 13, 11, e=_IDBITS), _f("PRIbits", 10, 8, e=_PRIBITS), _res0(7, 7),
                     _f("PMHE", 6), _f("RM", 5), _f("EOImode_EL1NS", 4),
                     _f("EOImode_EL1S", 3), _f("EOImode_EL3", 2), _f("CBPR_EL1NS", 1),
                     _f("CBPR_EL1S", 0)],
    "ICC_SRE_EL1": [_res0(63, 3), _f("DIB", 2), _f("DFB", 1), _f("SRE", 0)],
    "ICC_SRE_ELx": [_res0(63, 4), _f("Enable", 3), _f("DIB", 2), _f("DFB", 1), _f("SRE", 0)],
    "ICC_PMR_EL1": [_res0(63, 8), _f("Priority", 7, 0)],
    "ICC_BPRn_EL1": [_res0(63, 3), _f("BinaryPoint", 2, 0)],
    "ICC_IGRPENn_EL1": [_res0(63, 1), _f("Enable", 0)],
    "ICC_IGRPEN1_EL3": [_res0(63, 2), _f("EnableGrp1S", 1), _f("EnableGrp1NS", 0)],
    "ICH_LRn_EL2": [_f("State", 63, 62, e=[[0, "Invalid"], [1, "Pending"], [2, "Active"],
                                           [3, "Pending and active"]]),
                    _f("HW", 61), _f("Group", 60), _f("NMI", 59), _res0(58, 56),
                    _f("Priority", 55, 48), _res0(47, 45), _f("pINTID", 44, 32),
                    _f("vINTID", 31, 0)],
    "GICR_CTLR": [_f("UWP", 31), _res0(30, 27), _f("DPG1S", 26), _f("DPG1NS", 25),
                  _f("DPG0", 24), _res0(23, 4), _f("RWP", 3), _f("IR", 2), _f("CES", 1),
                  _f("EnableLPIs", 0)],
    "GICR_STATUSR": [_res0(31, 4), _f("WROD", 3), _f("RWOD", 2), _f("WRD", 1), _f("RRD", 0)],
    "GICR_WAKER": [_res0(30, 3), _f("ChildrenAsleep", 2), _f("ProcessorSleep", 1)],
    "GICR_PROPBASER": [_res0(63, 59), _f("OuterCache", 58, 56, e=_CACHE), _res0(55, 52),
                       _f("Physical_Address", 51, 12), _f("Shareability", 11, 10, e=_SHARE),
                       _f("InnerCache", 9, 7, e=_CACHE), _res0(6, 5), _f("IDbits", 4, 0)],
    "GICR_PENDBASER": [_res0(63, 63), _f("PTZ", 62), _res0(61, 59),
                       _f("OuterCache", 58, 56, e=_CACHE), _res0(55, 52),
                       _f("Physical_Address", 51, 16), _res0(15, 12),
                       _f("Shareability", 11, 10, e=_SHARE), _f("InnerCache", 9, 7, e=_CACHE),
                       _res0(6, 0)],
    "GICR_INTID_BITMAP": _bitmap("INTID"),
    "GICR_NSACR": [_f(f"NS_access{n}", 2 * n + 1, 2 * n) for n in reversed(range(16))],
    "GICR_IPRIORITYR": [_f(f"Priority_offset_{n}B", 8 * n + 7, 8 * n) for n in (3, 2, 1, 0)],
    "GICC_CTLR": [_f("EOImodeNS", 10), _f("EOImodeS", 9), _f("IRQBypDisGrp1", 8),
                  _f("FIQBypDisGrp1", 7), _f("IRQBypDisGrp0", 6), _f("FIQBypDisGrp0", 5),
                  _f("CBPR", 4), _f("FIQEn", 3), _f("AckCtl", 2), _f("EnableGrp1", 1),
                  _f("EnableGrp0", 0)],
    "GICC_PMR": [_f("Priority", 7, 0)],
    "GICC_BPR": [_f("Binary_Point", 2, 0)],
}

# Registers that already have an entry (KVM core ids, Linux/QEMU sysregs) but no layout.
LAYOUT_OF = {"PSTATE": "PSTATE", "SPSR_EL1": "PSTATE", "SPSR_EL2": "PSTATE",
             "SPSR_EL3": "PSTATE", "SPSR_EL12": "PSTATE", "SPSR_ABT": "SPSR_AA32",
             "SPSR_UND": "SPSR_AA32", "SPSR_IRQ": "SPSR_AA32", "SPSR_FIQ": "SPSR_AA32"}

# Layouts of the GIC / private-id registers; their ids live in app.model.state_ids, which the
# stream reader uses directly (GIC_SYSREGS: name -> encoding, PRIVATE: name -> number).
STATE_LAYOUT = {
    "ICC_PMR_EL1": "ICC_PMR_EL1", "ICC_BPR0_EL1": "ICC_BPRn_EL1", "ICC_BPR1_EL1": "ICC_BPRn_EL1",
    "ICC_CTLR_EL1": "ICC_CTLR_EL1", "ICC_SRE_EL1": "ICC_SRE_EL1",
    "ICC_IGRPEN0_EL1": "ICC_IGRPENn_EL1", "ICC_IGRPEN1_EL1": "ICC_IGRPENn_EL1",
    "ICC_SRE_EL2": "ICC_SRE_ELx", "ICC_CTLR_EL3": "ICC_CTLR_EL3", "ICC_SRE_EL3": "ICC_SRE_ELx",
    "ICC_IGRPEN1_EL3": "ICC_IGRPEN1_EL3",
    **{f"ICH_LR{n}_EL2": "ICH_LRn_EL2" for n in range(16)},
    "GICR_CTLR": "GICR_CTLR", "GICR_STATUSR": "GICR_STATUSR", "GICR_STATUSR_S": "GICR_STATUSR",
    "GICR_WAKER": "GICR_WAKER", "GICR_PROPBASER": "GICR_PROPBASER",
    "GICR_PENDBASER": "GICR_PENDBASER",
    **{name: "GICR_INTID_BITMAP" for name in (
        "GICR_IGROUPR0", "GICR_ISENABLER0", "GICR_ISPENDR0", "GICR_ISACTIVER0",
        "GICR_IGRPMODR0", "GICR_INMIR0", "QEMU_GICR_LEVEL", "QEMU_GICR_EDGE_TRIGGER")},
    "GICR_NSACR": "GICR_NSACR",
    **{f"GICR_IPRIORITYR{n}": "GICR_IPRIORITYR" for n in range(8)},
    "ICC_CTLR_EL1_S": "ICC_CTLR_EL1", "ICC_BPR1_EL1_S": "ICC_BPRn_EL1",
    "ICC_IGRPEN1_EL1_S": "ICC_IGRPENn_EL1",
    "GICC_CTLR": "GICC_CTLR", "GICC_PMR": "GICC_PMR", "GICC_BPR": "GICC_BPR",
    "GICC_ABPR": "GICC_BPR",
}


def add_state_registers(b, encode_sysreg, private_reg) -> None:
    """Add LAYOUTS, the GIC system registers and the private ids to a gen_regdb Builder, and
    give LAYOUT_OF's already-named registers their layout. Run after every other source, so
    an encoding another source names differently is caught instead of silently renamed."""
    for key, fields in LAYOUTS.items():
        if key in b.layouts:
            raise ValueError(f"layout {key} clashes with another source")
        b.layouts[key] = [dict(f) for f in fields]
    from app.model.registers.state_ids import GIC_SYSREGS, PRIVATE

    added = [(encode_sysreg(*enc), name) for name, enc in GIC_SYSREGS.items()]
    added += [(private_reg(n), name) for name, n in PRIVATE.items()]
    for reg_id, name in added:
        layout = STATE_LAYOUT.get(name)
        known = b.entries.get(reg_id)
        if known is not None and known["n"] != name:
            raise ValueError(f"{name}: its id is already named {known['n']}")
        b.add(reg_id, name, layout=layout)
    for entry in b.entries.values():
        if not entry.get("l") and entry["n"] in LAYOUT_OF:
            entry["l"] = LAYOUT_OF[entry["n"]]

"""Ids of the per-vCPU registers QEMU migrates outside the cpreg arrays (GIC, SP_EL3).

GICv3 CPU-interface registers keep their AArch64 system-register encodings (Arm IHI 0069H,
chapter 12); registers with no encoding of their own — memory-mapped GICR_*/GICC_* state, the
Secure banks QEMU keeps beside the Non-secure ones, QEMU-internal fields, SP_EL3 — get
cpreg-explorer's private ids (regid.private_reg), whose numbers never change. The stream
reader resolves names here, without loading the register database; tools/gen_regdb.py adds
names and layouts for the same ids to resources/regdb.json from these tables.
"""

from __future__ import annotations

from app.model.registers.regid import encode_sysreg, private_reg

# name -> (op0, op1, CRn, CRm, op2)
GIC_SYSREGS: dict[str, tuple[int, int, int, int, int]] = {
    "ICC_PMR_EL1": (3, 0, 4, 6, 0),
    "ICC_IAR0_EL1": (3, 0, 12, 8, 0), "ICC_EOIR0_EL1": (3, 0, 12, 8, 1),
    "ICC_HPPIR0_EL1": (3, 0, 12, 8, 2), "ICC_BPR0_EL1": (3, 0, 12, 8, 3),
    **{f"ICC_AP0R{n}_EL1": (3, 0, 12, 8, 4 + n) for n in range(4)},
    **{f"ICC_AP1R{n}_EL1": (3, 0, 12, 9, n) for n in range(4)},
    "ICC_DIR_EL1": (3, 0, 12, 11, 1), "ICC_RPR_EL1": (3, 0, 12, 11, 3),
    "ICC_SGI1R_EL1": (3, 0, 12, 11, 5), "ICC_ASGI1R_EL1": (3, 0, 12, 11, 6),
    "ICC_SGI0R_EL1": (3, 0, 12, 11, 7),
    "ICC_IAR1_EL1": (3, 0, 12, 12, 0), "ICC_EOIR1_EL1": (3, 0, 12, 12, 1),
    "ICC_HPPIR1_EL1": (3, 0, 12, 12, 2), "ICC_BPR1_EL1": (3, 0, 12, 12, 3),
    "ICC_CTLR_EL1": (3, 0, 12, 12, 4), "ICC_SRE_EL1": (3, 0, 12, 12, 5),
    "ICC_IGRPEN0_EL1": (3, 0, 12, 12, 6), "ICC_IGRPEN1_EL1": (3, 0, 12, 12, 7),
    "ICC_SRE_EL2": (3, 4, 12, 9, 5),
    "ICC_CTLR_EL3": (3, 6, 12, 12, 4), "ICC_SRE_EL3": (3, 6, 12, 12, 5),
    "ICC_IGRPEN1_EL3": (3, 6, 12, 12, 7),
    **{f"ICH_AP0R{n}_EL2": (3, 4, 12, 8, n) for n in range(4)},
    **{f"ICH_AP1R{n}_EL2": (3, 4, 12, 9, n) for n in range(4)},
    "ICH_EISR_EL2": (3, 4, 12, 11, 3), "ICH_ELRSR_EL2": (3, 4, 12, 11, 5),
    **{f"ICH_LR{n}_EL2": (3, 4, 12, 12 + n // 8, n % 8) for n in range(16)},
}

# name -> private number (regid.private_reg)
PRIVATE: dict[str, int] = {
    "SP_EL3": 0x0001,  # env.sp_el[3]: SP_EL3 has no system register encoding
    "GICR_CTLR": 0x0100, "GICR_STATUSR": 0x0101, "GICR_STATUSR_S": 0x0102,
    "GICR_WAKER": 0x0103, "GICR_PROPBASER": 0x0104, "GICR_PENDBASER": 0x0105,
    "GICR_IGROUPR0": 0x0106, "GICR_ISENABLER0": 0x0107, "GICR_ISPENDR0": 0x0108,
    "GICR_ISACTIVER0": 0x0109, "GICR_IGRPMODR0": 0x010A, "GICR_NSACR": 0x010B,
    "GICR_INMIR0": 0x010C, "GICR_VPROPBASER": 0x010D, "GICR_VPENDBASER": 0x010E,
    **{f"GICR_IPRIORITYR{n}": 0x0110 + n for n in range(8)},
    "QEMU_GICR_LEVEL": 0x0120, "QEMU_GICR_EDGE_TRIGGER": 0x0121,
    "QEMU_GICC_ACCESSIBLE": 0x0122,
    "ICC_CTLR_EL1_S": 0x0140, "ICC_BPR1_EL1_S": 0x0141, "ICC_IGRPEN1_EL1_S": 0x0142,
    **{f"ICC_AP1R{n}_EL1_S": 0x0144 + n for n in range(4)},
    "GICC_CTLR": 0x0200, "GICC_PMR": 0x0201, "GICC_BPR": 0x0202, "GICC_ABPR": 0x0203,
    "QEMU_GICC_RUNNING_PRIORITY": 0x0204, "QEMU_GICC_CURRENT_PENDING": 0x0205,
    **{f"GICC_APR{n}": 0x0210 + n for n in range(4)},
    **{f"GICC_NSAPR{n}": 0x0214 + n for n in range(4)},
}

# GIC registers the Linux sysreg file already names (the register database takes them from
# there); listed so the reader needs no database to resolve them.
LINUX_SYSREGS: dict[str, tuple[int, int, int, int, int]] = {
    "ICH_HCR_EL2": (3, 4, 12, 11, 0), "ICH_VMCR_EL2": (3, 4, 12, 11, 7),
}

_IDS = {**{name: encode_sysreg(*enc) for name, enc in (GIC_SYSREGS | LINUX_SYSREGS).items()},
        **{name: private_reg(n) for name, n in PRIVATE.items()}}


def state_id(name: str) -> int:
    """The id of a GIC/SP_EL3 state register by name (KeyError: a name nobody defined)."""
    return _IDS[name]


def state_names() -> dict[str, int]:
    return dict(_IDS)

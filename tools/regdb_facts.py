"""Facts tools/gen_regdb.py needs that no reference file states in machine-readable form.

Every table here is a short list of architectural or QEMU facts, each with where it comes from
(Arm ARM register names and layouts, QEMU's public target/arm sources), kept apart from the
parsers so a reviewer can check them line by line. Class rules live here too: they decide which
registers a diff may treat as guest-state noise, so they are spelled out, not inferred.
"""

from __future__ import annotations

import re

# --- Names -----------------------------------------------------------------------------------

# AArch32 ids the QEMU 7.2 table gives several migratable names (CPU-family definitions sharing
# an encoding). The name a v8 CPU registers wins; the others stay as aliases.
PREFERRED_AA32 = {
    0x40200000200F0180: "RES_0_C0_C3_0", 0x40200000200F0200: "RES_0_C0_C4_X",
    0x40200000200F0280: "RES_0_C0_C5_X", 0x40200000200F0300: "RES_0_C0_C6_X",
    0x40200000200F0380: "RES_0_C0_C7_X", 0x40200000200F0801: "ACTLR",
    0x40200000200F3000: "DFAR", 0x40200000200F3001: "WFAR", 0x40200000200F3100: "RGNR",
    0x40200000200F4800: "DLOCKDOWN", 0x40200000200F480A: "L2CTLR",
    0x40200000200F7880: "XSCALE_CPAR",
}

# QEMU definition arrays a v8 CPU never registers (pre-v7/v7-only, OMAP, XScale, StrongARM, PMSA
# and 32-bit cores): their names lose when an encoding has several candidates.
NOT_ON_V8_ARRAYS = re.compile(r"not_v8|not_v7|pre_v8|omap|xscale|strongarm|pmsav|cortexa[89]|"
                              r"cortexa15|cortexr5|dummy_c15|cache_block_ops|ti925|946|1026|"
                              r"11mpcore|pxa|mpcore")

# QEMU names both views of an ARM_CP_STATE_BOTH register after the AArch64 one; the AArch32
# view gets its Arm ARM AArch32 name (QEMU's stays an alias). Unlisted *_EL1 names drop _EL1.
AA32_ARCH_NAMES = {
    "ACTLR_EL2": "HACTLR", "AFSR0_EL1": "ADFSR", "AFSR1_EL1": "AIFSR", "AFSR0_EL2": "HADFSR",
    "AFSR1_EL2": "HAIFSR", "AMAIR_EL2": "HAMAIR0", "CNTHCTL_EL2": "CNTHCTL",
    "CNTHP_CTL_EL2": "CNTHP_CTL", "CNTHP_TVAL_EL2": "CNTHP_TVAL", "CNTHV_CTL_EL2": "CNTHV_CTL",
    "CNTHV_TVAL_EL2": "CNTHV_TVAL", "CPTR_EL2": "HCPTR", "ESR_EL2": "HSR", "FAR_EL2": "HDFAR",
    "HACR_EL2": "HACR", "HSTR_EL2": "HSTR", "MAIR_EL2": "HMAIR0", "MDCCINT_EL1": "DBGDCCINT",
    "MDCR_EL2": "HDCR", "MDSCR_EL1": "DBGDSCRext", "OSDLR_EL1": "DBGOSDLR",
    "OSLAR_EL1": "DBGOSLAR", "OSLSR_EL1": "DBGOSLSR", "OSDTRRX_EL1": "DBGDTRRXext",
    "OSDTRTX_EL1": "DBGDTRTXext", "OSECCR_EL1": "DBGOSECCR", "SCTLR_EL2": "HSCTLR",
    "TCR_EL2": "HTCR", "TPIDR_EL2": "HTPIDR", "VBAR_EL2": "HVBAR", "VDISR_EL2": "VDISR",
    "VSESR_EL2": "VDFSR",
}

# QEMU names some BOTH registers after their AArch32 view; the AArch64 id gets its AArch64 name.
# Unlisted suffix-less BOTH names get _EL1 appended; RES_* (reserved ID space) stay as they are.
AA64_ARCH_NAMES = {"AMAIR0": "AMAIR_EL1"}

# Ids in real QEMU 10.0/11.1 streams that the QEMU 7.2 table lacks and Linux's sysreg file does
# not name: names as QEMU's public target/arm sources define them (debug_helper.c, helper.c,
# the Arm ARM names of RMR_EL2/RMR_EL3 and of the Armv8-R PMSA registers HMPUIR, VSCTLR,
# PRSELR, HPRSELR that QEMU registers for cortex-r52). The CPU-model-specific registers
# (neoverse, cortex-a710, cortex-r52 IMP_* ...) come from qemu-cpu-model-cpregs.csv instead
# (tools/regdb_models.py). AArch64 keys are (op0, op1, crn, crm, op2); AArch32 keys (cp, opc1,
# crn, crm, opc2). Values: (name, aliases).
NEWER_QEMU_AA64 = {
    (2, 0, 7, 9, 6): ("DBGCLAIMCLR_EL1", ()), (2, 0, 7, 8, 6): ("DBGCLAIMSET_EL1", ()),
    (2, 3, 0, 4, 0): ("DBGDTR_EL0", ()), (2, 3, 0, 5, 0): ("DBGDTRTX_EL0", ("DBGDTRRX_EL0",)),
    (3, 0, 12, 0, 2): ("RMR_EL1", ()), (3, 4, 12, 0, 2): ("RMR_EL2", ()),
    (3, 6, 12, 0, 2): ("RMR_EL3", ()),
    (3, 4, 1, 0, 3): ("SCTLR2_EL2", ()), (3, 6, 1, 0, 3): ("SCTLR2_EL3", ()),
    (3, 6, 2, 5, 0): ("GCSCR_EL3", ()), (3, 6, 2, 5, 1): ("GCSPR_EL3", ()),
    (3, 6, 10, 1, 1): ("MAIR2_EL3", ()), (3, 6, 10, 2, 3): ("PIR_EL3", ()),
    (3, 6, 10, 3, 1): ("AMAIR2_EL3", ()),
    (3, 4, 10, 8, 0): ("MECID_P0_EL2", ()), (3, 4, 10, 8, 1): ("MECID_A0_EL2", ()),
    (3, 4, 10, 8, 2): ("MECID_P1_EL2", ()), (3, 4, 10, 8, 3): ("MECID_A1_EL2", ()),
    (3, 4, 10, 8, 7): ("MECIDR_EL2", ()), (3, 4, 10, 9, 0): ("VMECID_P_EL2", ()),
    (3, 4, 10, 9, 1): ("VMECID_A_EL2", ()), (3, 6, 10, 10, 1): ("MECID_RL_A_EL3", ()),
}
NEWER_QEMU_AA32 = {
    (14, 0, 0, 0, 2): ("DBGDTRRXext", ("OSDTRRX_EL1",)),
    (14, 0, 0, 3, 2): ("DBGDTRTXext", ("OSDTRTX_EL1",)),
    (14, 0, 0, 5, 0): ("DBGDTRTX", ("DBGDTRTXint", "DBGDTRRXint")),
    (14, 0, 0, 6, 2): ("DBGOSECCR", ("OSECCR_EL1",)),
    (14, 0, 7, 9, 6): ("DBGCLAIMCLR", ("DBGCLAIMCLR_EL1",)),
    (14, 0, 7, 8, 6): ("DBGCLAIMSET", ("DBGCLAIMSET_EL1",)),
    # QEMU 8.0-10.0 exposed DBGDTR_EL0 (BOTH) at this non-architectural AArch32 encoding;
    # later releases keep it, renamed, so old streams still load.
    (14, 3, 0, 5, 0): ("BOGUS_DBGDTR_EL0", ("DBGDTR_EL0",)),
    (15, 0, 12, 0, 2): ("RMR", ("RMR_EL1",)),
    (15, 4, 0, 0, 4): ("HMPUIR", ()), (15, 4, 2, 0, 0): ("VSCTLR", ()),
    (15, 0, 6, 2, 1): ("PRSELR", ()), (15, 4, 6, 2, 1): ("HPRSELR", ()),
}

# --- Layouts not in Linux's sysreg file (Arm ARM register descriptions) ------------------------


def _f(name, msb, lsb, **extra):
    return {"n": name, "h": msb, "l": lsb, **extra}


def _res(kind, msb, lsb):
    return {"n": kind, "h": msb, "l": lsb, "r": kind}


HAND_LAYOUTS = {
    "MIDR_EL1": [_res("RES0", 63, 32), _f("Implementer", 31, 24), _f("Variant", 23, 20),
                 _f("Architecture", 19, 16, e=[[15, "DEFINED_BY_ID_REGS"]]),
                 _f("PartNum", 15, 4, k="Implementer"), _f("Revision", 3, 0)],
    "MPIDR_EL1": [_res("RES0", 63, 40), _f("Aff3", 39, 32), _res("RES1", 31, 31),
                  _f("U", 30, 30, e=[[0, "MULTIPROCESSOR"], [1, "UNIPROCESSOR"]]),
                  _res("RES0", 29, 25), _f("MT", 24, 24), _f("Aff2", 23, 16), _f("Aff1", 15, 8),
                  _f("Aff0", 7, 0)],
    "REVIDR_EL1": [_f("IMPDEF", 63, 0)],
    "AIDR_EL1": [_f("IMPDEF", 63, 0)],
    "CNTFRQ_EL0": [_res("RES0", 63, 32), _f("ClockFreq", 31, 0)],
    "CNT_CTL": [_res("RES0", 63, 3), _f("ISTATUS", 2, 2), _f("IMASK", 1, 1),
                _f("ENABLE", 0, 0)],
    "PSCI_VERSION": [_res("RES0", 63, 32), _f("Major", 31, 16), _f("Minor", 15, 0)],
}
# Registers with the same format as one of the layouts above.
HAND_LAYOUT_OF = {"MIDR_EL1": "MIDR_EL1", "VPIDR_EL2": "MIDR_EL1", "MPIDR_EL1": "MPIDR_EL1",
                  "VMPIDR_EL2": "MPIDR_EL1", "REVIDR_EL1": "REVIDR_EL1",
                  "AIDR_EL1": "AIDR_EL1", "CNTFRQ_EL0": "CNTFRQ_EL0"}
TIMER_CTL = re.compile(r"^CNT(H?[PV]S?)_CTL(_EL[0-3]+)?$")

# --- Layouts of 32-bit AArch32 registers ---------------------------------------------------------
#
# The rule (tools/gen_regdb.py narrow_views): a 32-bit id may show an AArch64 layout only as that
# layout restricted to bits [31:0], and only where the Arm ARM says the AArch32 register "bits
# [31:0] are architecturally mapped to AArch64 System register X_EL1[31:0]" (the ID and timer
# registers add_aa32_layouts pairs; KVM's 32-bit FPSR/FPCR and CCSIDR ids hold the low word of
# their 64-bit register the same way). Fields above bit 31 are AArch64-only (MPIDR_EL1.Aff3,
# CTR_EL0.TminLine, CLIDR_EL1.Ttypen) and are dropped; a reserved range crossing bit 31/32 (RES0
# [63:28]) is clipped; any other field crossing it (CLIDR_EL1.ICB [32:30], REVIDR_EL1 [63:0])
# means the AArch32 register has a format of its own: it needs a layout below, or it gets none.
# The layouts below are the AArch32 register descriptions of the Arm ARM (DDI 0487, section
# numbers of issue L; titles are stable across issues, numbers shift), for the AArch32 ids QEMU
# migrates or names whose format is not the low word of their AArch64 partner's, and for the
# AArch32-only debug ID registers QEMU migrates. Keys are AArch32 names (never a sysreg name).
_CTYPE = [[0, "NO_CACHE"], [1, "ICACHE"], [2, "DCACHE"], [3, "SEPARATE"], [4, "UNIFIED"]]
AA32_LAYOUTS = {
    # G8.2.27 CLIDR: ICB is 2 bits (L1..L3) where CLIDR_EL1's is 3 bits [32:30]; no Ttypen.
    "CLIDR": [_f("ICB", 31, 30, e=[[0, "NOT_DISCLOSED"], [1, "L1"], [2, "L2"], [3, "L3"]]),
              _f("LoUU", 29, 27), _f("LoC", 26, 24), _f("LoUIS", 23, 21)]
    + [_f(f"Ctype{n}", 3 * (n - 1) + 2, 3 * (n - 1), e=_CTYPE) for n in range(7, 0, -1)],
    # G8.2.114 MPIDR: bit 31 is M (Multiprocessing Extensions, RAO), RES1 in MPIDR_EL1; no Aff3.
    "MPIDR": [_f("M", 31, 31), _f("U", 30, 30, e=[[0, "MULTIPROCESSOR"], [1, "UNIPROCESSOR"]]),
              _res("RES0", 29, 25), _f("MT", 24, 24), _f("Aff2", 23, 16), _f("Aff1", 15, 8),
              _f("Aff0", 7, 0)],
    # G8.2.123 REVIDR and G8.2.4 AIDR: IMPLEMENTATION DEFINED, bits [31:0].
    "REVIDR": [_f("IMPDEF", 31, 0)],
    "AIDR": [_f("IMPDEF", 31, 0)],
    # G8.3.11 DBGDIDR (AArch32 only; Version values as in the register description).
    "DBGDIDR": [_f("WRPs", 31, 28), _f("BRPs", 27, 24), _f("CTX_CMPs", 23, 20),
                _f("Version", 19, 16, e=[[1, "Armv6"], [2, "Armv6p1"], [3, "Armv7_BASELINE"],
                                         [4, "Armv7"], [5, "Armv7p1"], [6, "Armv8"], [7, "VHE"],
                                         [8, "Debugv8p2"], [9, "Debugv8p4"],
                                         [10, "Debugv8p8"], [11, "Debugv8p9"]]),
                _res("RES1", 15, 15), _f("nSUHD_imp", 14, 14), _res("RES0", 13, 13),
                _f("SE_imp", 12, 12), _res("RES0", 11, 0)],
    # G8.3.8 DBGDEVID, G8.3.9 DBGDEVID1, G8.3.10 DBGDEVID2 (AArch32 only).
    "DBGDEVID": [_f("CIDMask", 31, 28), _f("AuxRegs", 27, 24), _f("DoubleLock", 23, 20),
                 _f("VirtExtns", 19, 16), _f("VectorCatch", 15, 12), _f("BPAddrMask", 11, 8),
                 _f("WPAddrMask", 7, 4), _f("PCSample", 3, 0)],
    "DBGDEVID1": [_res("RES0", 31, 4), _f("PCSROffset", 3, 0)],
    "DBGDEVID2": [_res("RES0", 31, 0)],
}
# AArch32 register name (as the database names the 32-bit id; the secure bank "_S" too) -> its
# layout above. By name, not encoding: QEMU defines DBGDEVID/DBGDEVID1/DBGDEVID2 at p14, 0, c7,
# c0, 2/1/0 (debug_helper.c), not at the Arm ARM's p14, 0, c7, c2/c1/c0, 7, and it is QEMU's
# register holding the DBGDEVID value that a stream carries.
AA32_LAYOUT_OF = {name: name for name in AA32_LAYOUTS}

# --- Classes -----------------------------------------------------------------------------------

CLASSES = ("id", "firmware", "timer", "debug", "pmu", "impdef", "state", "core", "gic")
_ID_NAMES = re.compile(
    r"^(ID_\w+|RES_0_C0_\w+|MIDR|MPIDR|REVIDR|AIDR|CTR|CLIDR|CCSIDR2?|DCZID|FPSID|MVFR\d|TCMTR|"
    r"TLBTR|GMID|SMIDR|MPAMIDR|ERRIDR|LORID|PMMIR|PMCEID\d|JIDR|DBGDIDR|DBGDEVID\d?|MECIDR|H?MPUIR)"
    r"(_EL[0-3]+)?(_S)?$")
_DEBUG_NAMES = re.compile(
    r"^(DBG\w+|BOGUS_DBG\w+|MDSCR|MDCCINT|MDCCSR|MDRAR|MDCR|MDSELR|MDSTEPOP|OSLAR|OSLSR|OSDLR|"
    r"OSECCR|OSDTR(RX|TX)|TRC\w+|TRF\w+|BRB\w+|DSPSR|DLR)(_EL[0-3]+)?(_S)?$")


# GIC CPU interface, virtualization control and redistributor registers (GICv2/v3/v5) and
# QEMU's internal per-CPU GIC fields: state of the interrupt controller, which QEMU migrates in
# its GIC device section, never in the cpreg arrays (QEMU marks ICC_* ARM_CP_NO_RAW).
_GIC_NAMES = re.compile(r"^(ICC|ICH|GICR|GICC|QEMU_GIC[CR])_")
# Special-purpose registers (Arm ARM C5.2) QEMU migrates as cpu-section fields (sp_el, elr_el,
# banked_spsr): their system register views are ARM_CP_ALIAS, never in a cpreg array.
_CORE_SYSREGS = re.compile(r"^(SP_EL[0-3]|ELR_EL(1|2|3|12)|SPSR_(EL1|EL2|EL3|EL12|IRQ|ABT|UND|"
                           r"FIQ))$")


def classify(name: str, enc) -> str:
    """The class of a named register (see CLASSES); ``enc`` is its app.model.registers.regid.Encoding.

    Order matters: encoding ranges first (IMPLEMENTATION DEFINED space, the ID space), then
    name families. ``state`` is everything a running guest changes; ``id`` is what identifies
    the CPU and must not change under it; ``core`` (KVM core registers and the special-purpose
    registers) and ``gic`` are state QEMU migrates outside the cpreg arrays.
    """
    if enc.kind in ("firmware", "fw-feat-bmap"):
        return "firmware"
    if enc.kind == "demux" or (enc.kind == "sve" and enc.sve_reg == "VLS"):
        return "id"
    if enc.kind == "sve":
        return "state"
    upper = name.upper()
    if enc.kind == "core" or _CORE_SYSREGS.match(upper):
        return "core"
    if _GIC_NAMES.match(upper):
        return "gic"
    if enc.kind == "sysreg64":
        # op0=1 CRn 11/15 is the IMPLEMENTATION DEFINED system instruction space; QEMU defines
        # RAMINDEX_EL3 of the cortex-a710/neoverse-n2 there as a (migrated) register.
        if enc.op0 in (1, 3) and enc.crn in (11, 15):
            return "impdef"
        if enc.op0 == 3 and enc.crn == 0 and enc.op1 in (0, 1, 3):
            return "id"
    if enc.kind == "aa32" and enc.cp == 15:
        if enc.is64 and enc.crm == 15 or not enc.is64 and (
                enc.crn in (11, 15) or enc.crn == 9 and enc.crm in (0, 1, 2, 5, 6, 7, 8)):
            return "impdef"
        if not enc.is64 and enc.crn == 0 and enc.opc1 in (0, 1):
            return "id"
    if _ID_NAMES.match(upper):
        return "id"
    if upper.startswith(("CNT", "KVM_REG_ARM_TIMER", "KVM_REG_ARM_PTIMER")):
        return "timer"
    if upper.startswith(("PM", "SPM")) or upper.startswith("AM") and not upper.startswith("AMAIR"):
        return "pmu"
    if _DEBUG_NAMES.match(upper) or enc.kind == "sysreg64" and enc.op0 == 2:
        return "debug"
    if enc.kind == "aa32" and enc.cp == 14 and enc.opc1 in (0, 1):
        return "debug"
    return "state"

"""The core register group of one vCPU, from its decoded ``cpu`` section.

target/arm/machine.c (vmstate_arm_cpu) migrates the general-purpose and special-purpose
registers as plain fields; each is mapped to the id KVM uses for the same register
(KVM_REG_ARM_CORE: the member's offset in struct kvm_regs, in 32-bit words, per
arch/arm64/include/uapi/asm/kvm.h), so a stream's core state reads like a KVM vCPU's:

- env.xregs[0..30] -> X0..X30 (regs.regs[n]); env.pc -> PC; cpsr (pstate_read() for an
  AArch64 vCPU) -> PSTATE; env.sp_el[0] -> SP (regs.sp is SP_EL0); env.sp_el[1] -> SP_EL1;
  env.elr_el[1] -> ELR_EL1.
- env.banked_spsr[1..5] (QEMU banks SVC=EL1, ABT, UND, IRQ, FIQ) -> SPSR_EL1, SPSR_ABT,
  SPSR_UND, SPSR_IRQ, SPSR_FIQ (KVM spsr[0..4]: "KVM 0-4 map to QEMU banks 1-5", kvm64.c).
- cpu/vfp env.vfp.zregs[n].d[0..1] -> V0..V31 (fp_regs.vregs[n], d[0] the low half).
- EL2/EL3 banks KVM has no core id for: env.sp_el[2], env.elr_el[2], env.banked_spsr[6]
  (HYP) -> the system registers SP_EL2, ELR_EL2, SPSR_EL2; env.elr_el[3], banked_spsr[7]
  (MON) -> ELR_EL3, SPSR_EL3; env.sp_el[3] -> SP_EL3 (private id: no system encoding).
QEMU keeps the live stack pointer in env.xregs[31] and copies it into the sp_el[] bank that
PSTATE selects only on an exception level or SPSel change (aarch64_save_sp); the bank shown
is the one QEMU (and KVM, after kvm_arch_put_registers' aarch64_save_sp) would hold.
Not shown: env.elr_el[0] and banked_spsr[0] (no EL0 ELR, no SPSR in USR mode), the AArch32
views (env.regs, banked r13/r14, usr/fiq regs, env.spsr), and fpscr, whose FPSR/FPCR QEMU
also migrates as cpregs (they are in the cpreg arrays).
"""

from __future__ import annotations

from app.model.registers.regid import CORE_VREGS_FIRST, core_reg, encode_sysreg
from app.model.registers.state_ids import state_id
from app.model.sources.cpu_state import GROUP_CORE, StateGroup
from app.model.sources.readers.stream.vmfields import array, pick, scalar, sub

SP_EL0, PC, PSTATE, SP_EL1, ELR_EL1, SPSR_EL1 = (core_reg(i) for i in (0x3E, 0x40, 0x42, 0x44,
                                                                       0x46, 0x48))
SPSR_BANKS = tuple(core_reg(0x48 + 2 * k) for k in range(5))  # EL1(SVC), ABT, UND, IRQ, FIQ
SP_EL2, ELR_EL2, SPSR_EL2 = (encode_sysreg(3, 6, 4, 1, 0), encode_sysreg(3, 4, 4, 0, 1),
                             encode_sysreg(3, 4, 4, 0, 0))
SP_EL3, ELR_EL3, SPSR_EL3 = state_id("SP_EL3"), encode_sysreg(3, 6, 4, 0, 1), \
    encode_sysreg(3, 6, 4, 0, 0)
PSTATE_NRW, PSTATE_SP = 1 << 4, 1 << 0  # AArch32 state; SPSel (SP_ELx rather than SP_EL0)
TITLE = "core registers (cpu section)"


def core_group(values: dict) -> StateGroup:
    """The core group of one ``cpu`` section (``values``: decode_body's dict, vmdesc names)."""
    notes: list[str] = []
    xregs = array(values, "env.xregs", 32)
    pstate = scalar(values, "cpsr")
    sp_el = _live_sp(array(values, "env.sp_el", 4), xregs, pstate, notes)
    elr_el = array(values, "env.elr_el", 4)
    spsr = array(values, "env.banked_spsr", 8)
    rows = [(core_reg(2 * n), pick(xregs, n)) for n in range(31)]
    rows += [(SP_EL0, pick(sp_el, 0)), (PC, scalar(values, "env.pc")), (PSTATE, pstate),
             (SP_EL1, pick(sp_el, 1)), (ELR_EL1, pick(elr_el, 1))]
    rows += [(reg_id, pick(spsr, bank + 1)) for bank, reg_id in enumerate(SPSR_BANKS)]
    rows += _vregs(values, notes)
    rows += [(SP_EL2, pick(sp_el, 2)), (ELR_EL2, pick(elr_el, 2)), (SPSR_EL2, pick(spsr, 6)),
             (SP_EL3, pick(sp_el, 3)), (ELR_EL3, pick(elr_el, 3)), (SPSR_EL3, pick(spsr, 7))]
    bad = [key for key, value in (("env.xregs", xregs), ("cpsr", pstate), ("env.pc",
           scalar(values, "env.pc")), ("env.sp_el", sp_el), ("env.elr_el", elr_el),
           ("env.banked_spsr", spsr)) if value is None]
    if bad:
        notes.append(f"not in the stream or not the type QEMU sends: {', '.join(bad)}")
    if pstate is not None and pstate & PSTATE_NRW:
        notes.append("the vCPU is in AArch32 state: its r0-r15 are in env.regs (not shown) and "
                     "PSTATE holds its CPSR")
    return StateGroup(GROUP_CORE, TITLE, tuple(r for r, _ in rows), tuple(v for _, v in rows),
                      tuple(notes))


def powered_off(values: dict) -> bool | None:
    """The cpu section's power_state (QEMU writes 1 for a vCPU in PSCI CPU_OFF)."""
    value = scalar(values, "power_state")
    return None if value is None else bool(value)


def _live_sp(sp_el, xregs, pstate, notes: list[str]):
    """sp_el[] with the live env.xregs[31] stored in the bank PSTATE selects (aarch64_save_sp)."""
    if sp_el is None or xregs is None or pstate is None or pstate & PSTATE_NRW:
        return sp_el
    bank = (pstate >> 2) & 3 if pstate & PSTATE_SP else 0
    if sp_el[bank] != xregs[31]:
        notes.append(f"SP_EL{bank} is the live stack pointer env.xregs[31]; the stream's "
                     f"env.sp_el[{bank}] copy holds 0x{sp_el[bank]:x}")
    return (*sp_el[:bank], xregs[31], *sp_el[bank + 1:])


def _vregs(values: dict, notes: list[str]) -> list[tuple[int, int | None]]:
    vfp = sub(values, "cpu/vfp")
    if vfp is None:
        notes.append("V0-V31: the cpu/vfp subsection is not in the stream (or not decoded)")
    rows = []
    for n in range(32):
        halves = array(vfp, f"env.vfp.zregs[{n}].d", 2) if vfp is not None else None
        value = None if halves is None else halves[1] << 64 | halves[0]
        rows.append((core_reg(CORE_VREGS_FIRST + 4 * n), value))
    return rows

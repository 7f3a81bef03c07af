"""Register ids: encode, decode, print and parse the 64-bit KVM-style ids QEMU migrates.

QEMU's ``cpreg_vmstate_indexes`` holds one KVM register id per cpreg (under TCG too), and QEMU 11
logs print its 32-bit hash key instead ("system register 0x1013c030"). Everything that has to
say *which* register is meant goes through this module, so ids, keys, encodings and the text a
user types all mean the same register everywhere. Pure arithmetic: this module knows no
register names. ``parse_register`` here resolves a name only through the ``db`` it is given;
``regdb.parse_register`` is the same parser with the register database as that ``db``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from app.model.errors import RegisterNameError, quote
from app.model.registers.accel import ACCEL_UNKNOWN

# KVM id layout (linux uapi asm/kvm.h, Documentation/virt/kvm/api.rst).
ARCH_ARM64 = 0x6000000000000000
ARCH_ARM = 0x4000000000000000
SIZE_U32, SIZE_U64 = 2, 3  # log2 of the size in bytes, at bit 52
GROUP_CORE, GROUP_DEMUX, GROUP_SYSREG = 0x0010, 0x0011, 0x0013
GROUP_FW, GROUP_SVE, GROUP_FW_FEAT_BMAP = 0x0014, 0x0015, 0x0016
SYSREG_BASE = ARCH_ARM64 | SIZE_U64 << 52 | GROUP_SYSREG << 16  # 0x6030000000130000
FW_BASE = ARCH_ARM64 | SIZE_U64 << 52 | GROUP_FW << 16
FW_FEAT_BMAP_BASE = ARCH_ARM64 | SIZE_U64 << 52 | GROUP_FW_FEAT_BMAP << 16
AA32_BASE = ARCH_ARM | SIZE_U32 << 52  # 0x4020000000000000
AA32_BASE64 = ARCH_ARM | SIZE_U64 << 52  # 0x4030000000000000
AA32_NS = 1 << 29  # QEMU's non-secure bank bit, kept in the migrated id
QEMU_KEY_AA64 = 1 << 28  # CP_REG_AA64_MASK in QEMU's hash key
QEMU_KEY_IS64 = 1 << 15  # 64-bit AArch32 register in QEMU's hash key
SVE_PREG_BASE, SVE_FFR_BASE, SVE_VLS = 0x400, 0x600, 0xFFFF

KINDS = ("sysreg64", "core", "demux", "firmware", "fw-feat-bmap", "sve", "aa32", "unknown",
         "private")

# cpreg-explorer's own id range for per-vCPU state QEMU migrates that has no KVM register id
# (GICv3 redistributor fields, secure banks of the GIC CPU interface, QEMU-internal flags,
# SP_EL3). KVM allocates ARM64 coprocessor groups upwards from 0x0010 and has never come near
# 0x0FFF, and none of these ids ever appears in a cpreg array, a KVM register list or a log:
# they exist only so such state fits the same (id -> name, class, fields) machinery. Only
# 64-bit ids are used; the numbers are kept in tools/regdb_state.py.
GROUP_PRIVATE = 0x0FFF
PRIVATE_BASE = ARCH_ARM64 | SIZE_U64 << 52 | GROUP_PRIVATE << 16  # 0x603000000FFF0000


def format_id(reg_id: int) -> str:
    """The one spelling of a register id in output: ``0x`` and 16 hex digits."""
    return f"0x{reg_id:016x}"


@dataclass(frozen=True)
class Encoding:
    """What a register id says about itself, without any database.

    ``kind`` is one of KINDS. Sysreg ids fill op0..op2; AArch32 ids fill cp, opc1, crn, crm, opc2,
    is64 and ns; core/demux/firmware/sve/private ids put their register number in ``index``
    (core: offset into struct kvm_regs in 32-bit words; demux: CSSELR value; sve: n; private:
    the number in cpreg-explorer's private range) and SVE ids also fill
    ``sve_reg`` ("Z", "P", "FFR", "VLS") and ``sve_slice``.
    """

    id: int
    kind: str
    size_bits: int
    op0: int | None = None
    op1: int | None = None
    crn: int | None = None
    crm: int | None = None
    op2: int | None = None
    cp: int | None = None
    opc1: int | None = None
    opc2: int | None = None
    is64: bool = False
    ns: bool = False
    index: int | None = None
    sve_reg: str | None = None
    sve_slice: int | None = None

    def text(self, style: str = "short") -> str:
        """Canonical human form; ``parse_register`` reads every form back to the same id.

        ``style="long"`` spells sysregs as QEMU's KVM messages do (``op0:3 op1:0 ...``).
        """
        if self.kind == "sysreg64":
            if style == "long":
                return (f"op0:{self.op0} op1:{self.op1} crn:{self.crn} "
                        f"crm:{self.crm} op2:{self.op2}")
            return f"S{self.op0}_{self.op1}_C{self.crn}_C{self.crm}_{self.op2}"
        if self.kind == "aa32":
            if self.is64:
                body = f"p{self.cp}, {self.opc1}, c{self.crm}"
            else:
                body = f"p{self.cp}, {self.opc1}, c{self.crn}, c{self.crm}, {self.opc2}"
            return body if self.ns else body + " (secure)"
        if self.kind == "firmware":
            return f"KVM_REG_ARM_FW_REG({self.index})"
        if self.kind == "fw-feat-bmap":
            return f"KVM_REG_ARM_FW_FEAT_BMAP_REG({self.index})"
        if self.kind == "private":
            return f"QEMU_STATE(0x{self.index:x})"
        if (self.kind == "core" and self.index is not None
                and core_size_bits(self.index) == self.size_bits):
            return f"KVM_REG_ARM_CORE_REG(0x{self.index:x})"
        if self.kind == "demux" and self.size_bits == 32:
            return f"KVM_REG_ARM_DEMUX_CCSIDR({self.index})"
        if self.kind == "sve":
            if self.sve_reg == "VLS":
                return "KVM_REG_ARM64_SVE_VLS"
            if self.sve_reg == "FFR":
                return f"KVM_REG_ARM64_SVE_FFR({self.sve_slice})"
            return f"KVM_REG_ARM64_SVE_{self.sve_reg}REG({self.index}, {self.sve_slice})"
        return format_id(self.id)


def encode_sysreg(op0: int, op1: int, crn: int, crm: int, op2: int) -> int:
    """ARM64_SYS_REG(op0, op1, crn, crm, op2): the id of an AArch64 system register."""
    _check_ranges("sysreg", (op0, 3), (op1, 7), (crn, 15), (crm, 15), (op2, 7))
    return SYSREG_BASE | op0 << 14 | op1 << 11 | crn << 7 | crm << 3 | op2


def encode_aa32(cp: int, opc1: int, crn: int, crm: int, opc2: int, *, is64: bool = False,
                ns: bool = True) -> int:
    """The id QEMU migrates for an AArch32 cp14/cp15 register (cpreg_to_kvm_id of its key).

    64-bit (MCRR/MRRC) registers carry only crm and opc1; ``ns`` selects QEMU's non-secure
    instance (bit 29), which is what a v8 CPU without EL3 migrates.
    """
    if cp not in (14, 15):
        raise ValueError(f"coprocessor must be 14 or 15, not {cp}")
    if is64:
        _check_ranges("aa32", (opc1, 15), (crm, 15))
        if crn or opc2:
            raise ValueError("64-bit AArch32 registers have no crn/opc2")
        return AA32_BASE64 | (AA32_NS if ns else 0) | cp << 16 | crm << 7 | opc1 << 3
    _check_ranges("aa32", (opc1, 7), (crn, 15), (crm, 15), (opc2, 7))
    return (AA32_BASE | (AA32_NS if ns else 0) | cp << 16 | crn << 11 | crm << 7 | opc1 << 3
            | opc2)


def fw_reg(n: int) -> int:
    """KVM_REG_ARM_FW_REG(n): 0 PSCI_VERSION, 1..3 SMCCC_ARCH_WORKAROUND_1..3."""
    _check_ranges("firmware", (n, 0xFFFF))
    return FW_BASE | n


def fw_feat_bmap_reg(n: int) -> int:
    """KVM_REG_ARM_FW_FEAT_BMAP_REG(n): 0 STD, 1 STD_HYP, 2 VENDOR_HYP, 3 VENDOR_HYP_2."""
    _check_ranges("fw-feat-bmap", (n, 0xFFFF))
    return FW_FEAT_BMAP_BASE | n


def private_reg(n: int) -> int:
    """QEMU_STATE(n): an id of cpreg-explorer's private range (see GROUP_PRIVATE)."""
    _check_ranges("private", (n, 0xFFFF))
    return PRIVATE_BASE | n


def core_reg(index: int) -> int:
    """KVM_REG_ARM_CORE_REG: the id of the struct kvm_regs member at ``index`` (32-bit words),
    sized as the member is (see core_size_bits)."""
    return _arm64(core_size_bits(index), GROUP_CORE, index)


def _check_ranges(what: str, *pairs: tuple[int, int]) -> None:
    for value, top in pairs:
        if not 0 <= value <= top:
            raise ValueError(f"{what} encoding field {value} out of range 0..{top}")


def decode(reg_id: int) -> Encoding:
    """Split an id into its encoding; ids that fit no known pattern get kind ``unknown``."""
    if not 0 <= reg_id < 1 << 64:
        raise ValueError(f"register id {reg_id} is not a 64-bit value")
    size_bits = 8 << ((reg_id >> 52) & 0xF)
    arch = reg_id & 0xFF00000000000000
    if reg_id & 0x000FFFFF00000000 or arch not in (ARCH_ARM64, ARCH_ARM):
        return Encoding(reg_id, "unknown", size_bits)
    low = reg_id & 0xFFFF
    group = (reg_id >> 16) & 0xFFF
    if arch == ARCH_ARM64:
        if reg_id & 0xF0000000:
            return Encoding(reg_id, "unknown", size_bits)
        return _decode_arm64(reg_id, group, low, size_bits)
    return _decode_aa32(reg_id, group, low, size_bits)


def _decode_arm64(reg_id: int, group: int, low: int, size_bits: int) -> Encoding:
    if group == GROUP_SYSREG and size_bits == 64:
        return Encoding(reg_id, "sysreg64", 64, op0=low >> 14, op1=(low >> 11) & 7,
                        crn=(low >> 7) & 15, crm=(low >> 3) & 15, op2=low & 7)
    if group == GROUP_CORE:
        return Encoding(reg_id, "core", size_bits, index=low)
    if group == GROUP_PRIVATE and size_bits == 64:
        return Encoding(reg_id, "private", 64, index=low)
    if group == GROUP_DEMUX and low >> 8 == 0:
        return Encoding(reg_id, "demux", size_bits, index=low & 0xFF)
    if group == GROUP_FW and size_bits == 64:
        return Encoding(reg_id, "firmware", 64, index=low)
    if group == GROUP_FW_FEAT_BMAP and size_bits == 64:
        return Encoding(reg_id, "fw-feat-bmap", 64, index=low)
    if group == GROUP_SVE:
        if low == SVE_VLS and size_bits == 512:
            return Encoding(reg_id, "sve", 512, sve_reg="VLS")
        if low < SVE_PREG_BASE and size_bits == 2048:
            return Encoding(reg_id, "sve", 2048, index=low >> 5, sve_reg="Z", sve_slice=low & 31)
        if SVE_PREG_BASE <= low < SVE_PREG_BASE + 0x200 and size_bits == 256:
            return Encoding(reg_id, "sve", 256, index=(low >> 5) & 15, sve_reg="P",
                            sve_slice=low & 31)
        if SVE_FFR_BASE <= low < SVE_FFR_BASE + 32 and size_bits == 256:
            return Encoding(reg_id, "sve", 256, sve_reg="FFR", sve_slice=low & 31)
    return Encoding(reg_id, "unknown", size_bits)


def _decode_aa32(reg_id: int, group: int, low: int, size_bits: int) -> Encoding:
    if group not in (14, 15) or reg_id & 0xD0000000 or low & 0x8000:
        return Encoding(reg_id, "unknown", size_bits)
    ns = bool(reg_id & AA32_NS)
    crn, crm, opc1, opc2 = (low >> 11) & 15, (low >> 7) & 15, (low >> 3) & 15, low & 7
    if size_bits == 64:
        if crn or opc2:
            return Encoding(reg_id, "unknown", size_bits)
        return Encoding(reg_id, "aa32", 64, cp=group, opc1=opc1, crm=crm, is64=True, ns=ns)
    if size_bits != 32 or opc1 > 7:
        return Encoding(reg_id, "unknown", size_bits)
    return Encoding(reg_id, "aa32", 32, cp=group, opc1=opc1, crn=crn, crm=crm, opc2=opc2, ns=ns)


def kvm_id_from_qemu_key(key: int) -> int:
    """The id for a QEMU cpreg hash key as QEMU 11 logs print it ("system register 0x1013c030")."""
    if not 0 <= key < 1 << 32:
        raise ValueError(f"QEMU cpreg key {key:#x} is not a 32-bit value")
    if key & QEMU_KEY_AA64:
        return ARCH_ARM64 | SIZE_U64 << 52 | (key & ~QEMU_KEY_AA64)
    base = AA32_BASE64 if key & QEMU_KEY_IS64 else AA32_BASE
    return base | (key & ~QEMU_KEY_IS64)


def qemu_key_from_kvm_id(reg_id: int) -> int:
    """QEMU's 32-bit hash key for an id (what QEMU 11 prints); inverse of kvm_id_from_qemu_key."""
    arch = reg_id & 0xFF00000000000000
    if reg_id & 0x000FFFFF00000000 or arch not in (ARCH_ARM64, ARCH_ARM):
        raise ValueError(f"{format_id(reg_id)} is not an ARM register id")
    low32 = reg_id & 0xFFFFFFFF
    if arch == ARCH_ARM64 and (reg_id >> 16) & 0xFFF == GROUP_PRIVATE:
        raise ValueError(f"{format_id(reg_id)} is a private id: QEMU has no cpreg key for it")
    if arch == ARCH_ARM64:
        return low32 | QEMU_KEY_AA64
    return low32 | (QEMU_KEY_IS64 if (reg_id >> 52) & 0xF == SIZE_U64 else 0)


def printed_qemu_key(reg_id: int) -> int:
    """The key QEMU prints for any 64-bit index in a stream (``kvm_to_cpreg_id`` in
    target/arm/cpu.h): ``qemu_key_from_kvm_id`` for ARM register ids; for an index that is not
    one (a bit flip, a hostile dump) QEMU does not refuse but truncates it to the low 32 bits
    and adds its flags — the AArch64 bit for ARM64 ids, else the 64-bit and non-secure bits."""
    try:
        return qemu_key_from_kvm_id(reg_id)
    except ValueError:
        key = reg_id & 0xFFFFFFFF
        if reg_id & 0xFF00000000000000 == ARCH_ARM64:
            return key | QEMU_KEY_AA64
        if (reg_id >> 52) & 0xF == SIZE_U64:
            key |= QEMU_KEY_IS64
        return key | 1 << 29


# struct kvm_regs in 32-bit words: 64-bit regs first, then the 128-bit V registers, then the
# 32-bit FPSR/FPCR (api.rst table). Used to give core ids a size-independent text form.
CORE_VREGS_FIRST, CORE_FPSR = 0x54, 0xD4


def core_size_bits(index: int) -> int:
    """Size of the struct kvm_regs member at ``index`` (32-bit words), as KVM ids encode it."""
    return 64 if index < CORE_VREGS_FIRST else 128 if index < CORE_FPSR else 32


_INT = r"(0x[0-9a-f]+|\d+)"
_SEP = r"\s*,\s*"
_FORMS_HELP = ("a register name (TCR2_EL1), an id (0x603000000013c103), S3_0_C2_C0_3, "
               "op0:3 op1:0 crn:2 crm:0 op2:3, ARM64_SYS_REG(3, 0, 2, 0, 3), "
               "KVM_REG_ARM_FW_REG(0), KVM_REG_ARM_FW_FEAT_BMAP_REG(3), p15, 0, c1, c0, 0, "
               "p15, 0, c2 (64-bit) or a QEMU key such as 'system register 0x1013c030'")


def _rx(pattern: str) -> re.Pattern:
    return re.compile("^" + pattern + "$", re.IGNORECASE)


_SYSREG_FORMS = (
    _rx(r"s(\d+)_(\d+)_c(\d+)_c(\d+)_(\d+)"),
    _rx(r"op0\s*[:=]\s*(\d+)[\s,]+op1\s*[:=]\s*(\d+)[\s,]+crn\s*[:=]\s*(\d+)"
        r"[\s,]+crm\s*[:=]\s*(\d+)[\s,]+op2\s*[:=]\s*(\d+)"),
    _rx(r"arm64_sys_reg\(\s*(\d+)" + _SEP + r"(\d+)" + _SEP + r"(\d+)" + _SEP + r"(\d+)"
        + _SEP + r"(\d+)\s*\)"),
)
_AA32 = _rx(r"c?p(\d+)" + _SEP + r"(\d+)" + _SEP + r"c(\d+)(?:" + _SEP + r"c(\d+)" + _SEP
            + r"(\d+))?\s*(\((?:secure|s|ns|non-secure)\))?")
_KEY = _rx(r"(?:system\s+register\s+)?" + _INT)
_CALLS = (
    (_rx(r"kvm_reg_arm_fw_reg\(\s*" + _INT + r"\s*\)"), lambda n: fw_reg(n)),
    (_rx(r"kvm_reg_arm_fw_feat_bmap_reg\(\s*" + _INT + r"\s*\)"), lambda n: fw_feat_bmap_reg(n)),
    (_rx(r"qemu_state\(\s*" + _INT + r"\s*\)"), lambda n: private_reg(n)),
    (_rx(r"kvm_reg_arm_core_reg\(\s*" + _INT + r"\s*\)"),
     lambda n: _arm64(core_size_bits(n), GROUP_CORE, n)),
    (_rx(r"kvm_reg_arm_demux_ccsidr\(\s*" + _INT + r"\s*\)"),
     lambda n: _arm64(32, GROUP_DEMUX, n, top=0xFF)),
    (_rx(r"kvm_reg_arm64_sve_ffr\(\s*" + _INT + r"\s*\)"),
     lambda n: _arm64(256, GROUP_SVE, SVE_FFR_BASE | n, top=SVE_FFR_BASE | 31)),
)
_SVE_ZP = _rx(r"kvm_reg_arm64_sve_([zp])reg\(\s*(\d+)" + _SEP + r"(\d+)\s*\)")
_SVE_VLS = _rx(r"kvm_reg_arm64_sve_vls")


def _arm64(size_bits: int, group: int, low: int, top: int = 0xFFFF) -> int:
    if not 0 <= low <= top:
        raise ValueError(f"register number {low} out of range")
    return ARCH_ARM64 | (size_bits // 8).bit_length() - 1 << 52 | group << 16 | low


class NameFinder(Protocol):
    """What ``parse_register`` asks about a name: ``regdb`` (the module) is one."""

    def find(self, name: str, accel: str = ..., /) -> int | None: ...


def parse_register(text: str, db: NameFinder | None = None, accel: str = ACCEL_UNKNOWN) -> int:
    """Resolve what a user typed (or a log printed) to a register id.

    Accepts every form ``Encoding.text`` prints plus ids (hex or decimal), QEMU cpreg keys
    ("system register 0x...", or a bare number below 2**32 written with at most 8 hex digits:
    no KVM id is that small), ``ARM64_SYS_REG(...)``, ``op0:3 ...``
    and names. Names are looked up with ``db.find(name, accel)``, where ``accel`` matters for
    the two KVM timer ids whose encodings KVM swapped; without a ``db`` a name is unknown
    (``regdb.parse_register`` passes the register database).
    Raises RegisterNameError saying what was given and which forms are accepted.
    """
    given = text
    text = " ".join(str(text).split())
    if not text:
        raise RegisterNameError("empty register name", expected=_FORMS_HELP)
    try:
        reg_id = _parse_structured(text)
    except ValueError as exc:
        raise RegisterNameError(f"cannot parse register {quote(given)}: {exc}",
                                expected=_FORMS_HELP) from None
    if reg_id is not None:
        return reg_id
    found = None if db is None else db.find(text, accel)
    if found is None:
        raise RegisterNameError(f"unknown register {quote(given)}", expected=_FORMS_HELP)
    return found


def _parse_structured(text: str) -> int | None:
    """Every non-name form; None when ``text`` looks like none of them (so: maybe a name)."""
    m = _KEY.match(text)
    if m:
        value = int(m.group(1), 0)
        wide = m.group(1).lower().startswith("0x") and len(m.group(1)) > 10  # format_id form
        if value < 1 << 32 and not wide:
            reg_id = kvm_id_from_qemu_key(value)
            if decode(reg_id).kind == "unknown":
                raise ValueError(f"{value:#x} is neither a register id nor a QEMU cpreg key")
            return reg_id
        if value >= 1 << 64:
            raise ValueError("register ids are 64-bit")
        return value
    for form in _SYSREG_FORMS:
        m = form.match(text)
        if m:
            return encode_sysreg(*(int(g) for g in m.groups()))
    m = _AA32.match(text)
    if m:
        cp, opc1, first, crm, opc2, bank = m.groups()
        ns = not bank or bank.lower() in ("(ns)", "(non-secure)")
        if crm is None:  # MCRR form: the only CRm is the one given
            return encode_aa32(int(cp), int(opc1), 0, int(first), 0, is64=True, ns=ns)
        return encode_aa32(int(cp), int(opc1), int(first), int(crm), int(opc2), ns=ns)
    for form, build in _CALLS:
        m = form.match(text)
        if m:
            return build(int(m.group(1), 0))
    m = _SVE_ZP.match(text)
    if m:
        reg, n, piece = m.group(1).upper(), int(m.group(2)), int(m.group(3))
        if not (0 <= n < (32 if reg == "Z" else 16) and 0 <= piece < 32):
            raise ValueError(f"SVE {reg}{n} slice {piece} out of range")
        if reg == "Z":
            return _arm64(2048, GROUP_SVE, n << 5 | piece)
        return _arm64(256, GROUP_SVE, SVE_PREG_BASE | n << 5 | piece)
    if _SVE_VLS.match(text):
        return _arm64(512, GROUP_SVE, SVE_VLS)
    return None

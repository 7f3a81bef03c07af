"""KVM selftest ``get-reg-list`` register lists → RegisterSet (ids only, no values).

The format is C: one register expression per line, ending in a comma, optionally followed by
a ``/* NAME */`` comment — the blessed list in tools/testing/selftests/kvm/arm64/
get-reg-list.c and the test's ``--list`` output (print_reg). Expressions are
``ARM64_SYS_REG(op0, op1, crn, crm, op2)``, ``KVM_ARM64_SYS_REG(SYS_NAME)`` and
``SYS_REG(NAME)`` (architectural encodings of a named register), ``KVM_REG_ARM_FW_REG(n)``,
``KVM_REG_ARM_FW_FEAT_BMAP_REG(n)``, SVE macros, the uapi timer constants (whose CVAL/CNT
encodings KVM swapped) and OR-ed terms such as ``KVM_REG_ARM64 | KVM_REG_SIZE_U64 |
KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(regs.regs[0])``. Array declarations
(``static __u64 base_regs[] = {``) and ``};`` are accepted and noted as sublists.
A list is what KVM exposes, so the set is KVM's and every value is None.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from app.model.errors import DumpError, FormatError, quote
from app.model.registers import regdb, regid
from app.model.sources.readers.stream.migstream import MAX_CPREGS
from app.model.sources.readers.textfile import head_text, read_text
from app.model.sources.register_set import ACCEL_KVM, ACCEL_TCG, Provenance, RegisterSet, VCpu

FORMAT = "kvm-reg-list"
_ENTRY = re.compile(r"^(?P<expr>[^/].*?)\s*,\s*(?:/\*(?P<comment>.*?)\*/)?\s*$")
_DECL = re.compile(r"^(?:static\s+)?(?:const\s+)?__u64\s+(?P<name>\w+)\s*\[\s*\]\s*=\s*\{$")
_MACRO = re.compile(r"^(?:ARM64_SYS_REG|KVM_ARM64_SYS_REG|SYS_REG|KVM_REG_ARM\w*)\b")
_CORE_REG = re.compile(r"^KVM_REG_ARM_CORE_REG\(\s*([\w.\[\]]+)\s*\)$", re.IGNORECASE)
_NAMED = re.compile(r"^(?:KVM_ARM64_SYS_REG\(\s*SYS_(\w+)\s*\)|SYS_REG\(\s*(\w+)\s*\))$")
# uapi constants OR-ed into core and demux ids (arch/arm64/include/uapi/asm/kvm.h, linux/kvm.h)
_CONSTANTS = {
    "KVM_REG_ARM64": regid.ARCH_ARM64,
    "KVM_REG_ARM_CORE": regid.GROUP_CORE << 16,
    "KVM_REG_ARM_DEMUX": regid.GROUP_DEMUX << 16,
    "KVM_REG_ARM_DEMUX_ID_CCSIDR": 0,
    "KVM_REG_ARM64_SYSREG": regid.GROUP_SYSREG << 16,
    "KVM_REG_ARM_FW": regid.GROUP_FW << 16,
    "KVM_REG_ARM64_SVE": regid.GROUP_SVE << 16,
    "KVM_REG_ARM_FW_FEAT_BMAP": regid.GROUP_FW_FEAT_BMAP << 16,
    **{f"KVM_REG_SIZE_U{8 << n}": n << 52 for n in range(9)},
}


_SPSR = re.compile(r"^spsr\[(\d)\]$")
_SPSR_NAMES = ("EL1", "ABT", "UND", "IRQ", "FIQ")  # KVM_SPSR_* indexes of kvm_regs.spsr[]


def _spsr_name(m: re.Match) -> str:
    n = int(m.group(1))
    return f"spsr[KVM_SPSR_{_SPSR_NAMES[n]}]" if n < len(_SPSR_NAMES) else m.group(0)


@lru_cache(maxsize=1)
def _core_offsets() -> dict[str, int]:
    """struct kvm_regs member spellings (``regs.regs[0]``, ``sp_el1``...) -> word offset."""
    out: dict[str, int] = {}
    for reg_id in regdb.all_ids():
        info = regdb.lookup(reg_id)
        if info.encoding.kind == "core":
            for name in (info.name, *info.aliases):
                out.setdefault(name.lower(), reg_id & 0xFFFF)
    return out


def _is_entry(line: str) -> bool:
    return bool(_MACRO.match(line)) and line.split("/*")[0].rstrip().endswith(",")


def sniff(head: bytes) -> str | None:
    text = head_text(head)
    if text is None:
        return "not UTF-8 text"
    for line in (raw.strip() for raw in text.splitlines()):
        if not line or line.startswith(("/*", "*", "//", "#")) or _DECL.match(line):
            continue
        if _is_entry(line):
            return None
        return "first line is not a register macro ending in ',' (ARM64_SYS_REG(...),)"
    return "no register lines"


def read_reg_list(path: str, *, progress=None) -> RegisterSet:
    path = os.fspath(path)
    ids: dict[int, int] = {}
    sublists: list[str] = []
    in_comment = False
    number = 1
    for number, raw in enumerate(read_text(path).splitlines(), start=1):
        line = raw.strip()
        if in_comment:  # inside a multi-line /* ... */ block
            in_comment = "*/" not in line
            continue
        if line.startswith("/*") and "*/" not in line:
            in_comment = True
            continue
        if not line or line.startswith(("//", "#", "/*")) or line in ("};", "}"):
            continue
        decl = _DECL.match(line)
        if decl:
            sublists.append(decl.group("name"))
            continue
        expr = _entry_expr(line)
        if expr is None:
            raise DumpError(f"not a register list entry: {quote(line)}", path=path, line=number,
                            expected="a register expression ending in ',' such as "
                                     "ARM64_SYS_REG(3, 0, 0, 0, 0),")
        reg_id = _expression(expr, path, number)
        if reg_id in ids:
            raise DumpError(f"{regid.format_id(reg_id)} is listed twice (first on line "
                            f"{ids[reg_id]})", path=path, line=number, expected="each id once")
        if len(ids) >= MAX_CPREGS:
            raise DumpError(f"more than {MAX_CPREGS} registers", path=path, line=number,
                            expected=f"at most {MAX_CPREGS} registers")
        ids[reg_id] = number
    if not ids:
        raise DumpError("no register entries", path=path, line=number,
                        expected="ARM64_SYS_REG(...), lines")
    notes = ["a KVM register list: registers without values"]
    if sublists:
        notes.append("sublists: " + ", ".join(sublists))
    order = tuple(sorted(ids))
    return RegisterSet(Provenance(path=path, format=FORMAT, accel=ACCEL_KVM, notes=tuple(notes)),
                       (VCpu(0, order, (None,) * len(order)),))


def _entry_expr(line: str) -> str | None:
    """EXPR of a stripped ``EXPR,`` or ``EXPR, /* comment */`` line, else None.

    The first comma followed by nothing but an optional comment ends EXPR (which has commas
    of its own). String scans, not ``^(.*?)\\s*,``: that regex backtracks quadratically on a
    long run of spaces, and a list is user input.
    """
    if not line or line[0] == "/":
        return None
    at = line.find(",", 1)
    while at >= 0:
        rest = at + 1
        while rest < len(line) and line[rest].isspace():
            rest += 1
        if rest == len(line) or (line.startswith("/*", rest) and line.endswith("*/")
                                 and len(line) - rest >= 4):
            return line[:at].rstrip()
        at = line.find(",", at + 1)
    return None


def _expression(expr: str, path: str, number: int) -> int:
    """The id of one list entry: a single macro or an OR of uapi terms."""
    value = 0
    for term in (t.strip() for t in expr.split("|")):
        try:
            value |= _term(term)
        except (FormatError, ValueError) as exc:
            why = exc.message if isinstance(exc, FormatError) else str(exc)
            raise DumpError(f"cannot read {quote(term)}: {why}", path=path, line=number,
                            expected="ARM64_SYS_REG(...), SYS_REG(NAME), KVM_REG_ARM_FW_REG(n), "
                                     "KVM_REG_ARM64 | KVM_REG_SIZE_U64 | ... terms") from None
    if regid.decode(value).kind == "unknown":
        raise DumpError(f"{quote(expr)} is {regid.format_id(value)}, not an arm64 register id",
                        path=path, line=number, expected="a KVM arm64 register id")
    return value


def _term(term: str) -> int:
    if term in _CONSTANTS:
        return _CONSTANTS[term]
    if re.fullmatch(r"0x[0-9a-fA-F]+|\d+", term):
        return int(term, 0)
    m = _CORE_REG.match(term)
    if m:  # the offset of a struct kvm_regs member; the size comes from its own term
        offset = _core_offsets().get(_SPSR.sub(_spsr_name, m.group(1)).lower())
        if offset is None:
            raise ValueError(f"unknown struct kvm_regs member {quote(m.group(1))}")
        return offset
    m = _NAMED.match(term)
    if m:  # the architectural encoding of a named register (never KVM's swapped timer ids)
        name = m.group(1) or m.group(2)
        reg_id = regdb.find(name, ACCEL_TCG)
        if reg_id is None or regid.decode(reg_id).kind != "sysreg64":
            raise ValueError(f"unknown system register {quote(name)}")
        return reg_id
    return regdb.parse_register(term, accel=ACCEL_KVM)

"""GDB ``info all-registers`` output from QEMU's gdbstub → RegisterSet (one vCPU).

Each line is ``NAME  RAW  NATURAL``. Upper-case names are QEMU's cpreg names (``SCTLR``,
``ID_AA64PFR0_EL1``, QEMU 7.2's ``CPACR`` for CPACR_EL1, ``..._RESERVED`` placeholders);
QEMU's gdbstub lists only the AArch64 view of each register on an AArch64 CPU, so names
resolve to AArch64 system register ids through the register database's names and aliases.
Lower-case names are gdb's own core-state features: x0..x30, pc, fpsr, fpcr and v0..v31
have KVM core ids (``struct kvm_regs``); w/q/d/s/h/b registers and ``tpidr`` are views of other
registers and are skipped; ``sp`` (the current EL's stack pointer) and ``cpsr`` (gdb's 32-bit
PSTATE view) have no certain KVM id. Every name that cannot be mapped is listed in the notes.
gdb prints the current thread only, read as vCPU 0.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from app.model.errors import DumpError
from app.model.registers import regdb, regid
from app.model.sources.readers.textfile import head_text, read_text
from app.model.sources.register_set import Provenance, RegisterSet, VCpu

FORMAT = "gdb-registers"
_LINE = re.compile(r"^(?P<name>[A-Za-z_][\w.]*)\s+(?P<rest>\S.*)$")
_SKIP = re.compile(r"^(?:\(gdb\)|The target architecture is|info (?:all-)?registers)")
_VIEW = re.compile(r"^(?:[wqdshb]\d+|tpidr)$")
_CORE = re.compile(r"^(?:x\d+|pc|v\d+)$")
_VECTOR = re.compile(r"\bq = \{u = \{(0x[0-9a-fA-F]+)\}")
_NUMBER = re.compile(r"^(0x[0-9a-fA-F]+|-?\d+)(?:\s|$)")
UNCERTAIN = {
    "sp": "the current EL's stack pointer; KVM splits it into regs.sp (SP_EL0) and SP_EL1",
    "cpsr": "gdb's 32-bit PSTATE view; KVM's regs.pstate is a 64-bit register",
}


def sniff(head: bytes) -> str | None:
    text = head_text(head)
    if text is None:
        return "not UTF-8 text"
    if not re.search(r"(?m)^x0\s+0x[0-9a-fA-F]+\s", text):
        return "no gdb 'x0  0x...' register line"
    if not re.search(r"(?m)^cpsr\s+0x[0-9a-fA-F]+", text):
        return "no gdb 'cpsr  0x...' register line"
    return None


@lru_cache(maxsize=1)
def _aa64_names() -> dict[str, tuple[int, ...]]:
    """Lower-case name or alias -> every AArch64 system register id known by it."""
    out: dict[str, set[int]] = {}
    for reg_id in regdb.all_ids():
        info = regdb.lookup(reg_id)
        if info.encoding.kind == "sysreg64":
            for name in (info.name, *info.aliases):
                out.setdefault(name.lower(), set()).add(reg_id)
    return {name: tuple(sorted(ids)) for name, ids in out.items()}


def _resolve(name: str) -> tuple[int | None, str | None]:
    """(id, None) or (None, why it cannot be mapped)."""
    if name in UNCERTAIN:
        return None, UNCERTAIN[name]
    if name in ("fpsr", "fpcr"):
        return regdb.find(f"fp_regs.{name}"), None
    if _CORE.match(name):
        reg_id = regdb.find(name)
        if reg_id is not None and regid.decode(reg_id).kind == "core":
            return reg_id, None
        return None, "no KVM core register of that name"
    if name.islower():
        return None, "gdb core-state register without a KVM id"
    ids = _aa64_names().get(name.lower(), ())
    if len(ids) > 1:
        return None, "ambiguous: " + " or ".join(regid.format_id(i) for i in ids)
    if not ids:
        return None, "not in the register database"
    return ids[0], None


def read_gdb_registers(path: str, *, progress=None) -> RegisterSet:
    path = os.fspath(path)
    regs: dict[int, int | None] = {}
    unmapped: list[str] = []
    views = 0
    number = 1
    for number, raw in enumerate(read_text(path).splitlines(), start=1):
        line = raw.strip()
        if not line or _SKIP.match(line):
            continue
        m = _LINE.match(line)
        if m is None:
            raise DumpError(f"not a register line: {line[:60]!r}", path=path, line=number,
                            expected="NAME  0xRAW  NATURAL (gdb 'info all-registers')")
        name, rest = m.group("name"), m.group("rest")
        if _VIEW.match(name):
            views += 1
            continue
        reg_id, why = _resolve(name)
        if reg_id is None:
            unmapped.append(f"{name} ({why})")
            continue
        value = _value(name, rest, path, number, regid.decode(reg_id).size_bits)
        if reg_id in regs:
            raise DumpError(f"{name} names register {regid.format_id(reg_id)} a second time",
                            path=path, line=number, expected="each register once")
        regs[reg_id] = value
    if not regs:
        raise DumpError("no register gdb printed maps to a register id", path=path,
                        line=number, expected="gdb 'info all-registers' output of an AArch64 CPU")
    ids = tuple(sorted(regs))
    notes = ["gdb prints the current thread only: read as vCPU 0",
             "accelerator unknown: timer names map to their architectural encodings",
             f"skipped {views} views of other registers (w, q, d, s, h, b, tpidr)"]
    if unmapped:
        notes.append(f"not mapped ({len(unmapped)}): " + "; ".join(unmapped))
    return RegisterSet(Provenance(path=path, format=FORMAT, notes=tuple(notes)),
                       (VCpu(0, ids, tuple(regs[i] for i in ids)),))


def _value(name: str, rest: str, path: str, number: int, size_bits: int) -> int | None:
    if rest.startswith("<unavailable>"):
        return None
    m = _VECTOR.search(rest) if name.startswith("v") else _NUMBER.match(rest)
    if m is None:
        raise DumpError(f"{name}: no value in {rest[:40]!r}", path=path, line=number,
                        expected="0x... (vector registers: {..., q = {u = {0x...}}})")
    try:
        value = int(m.group(1), 0)
    except ValueError:  # "0123" (leading zero) or more than 4300 digits
        raise DumpError(f"{name}: value {m.group(1)[:24]!r} is not a number", path=path,
                        line=number, expected="0x... or decimal") from None
    if value < 0:
        value += 1 << size_bits  # gdb's natural column may be signed; the raw one never is
    if not 0 <= value < 1 << size_bits:
        raise DumpError(f"{name}: value {m.group(1)} does not fit {size_bits} bits", path=path,
                        line=number)
    return value

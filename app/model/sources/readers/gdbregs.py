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

from app.model.errors import DumpError, quote
from app.model.registers import regdb, regid
from app.model.sources.readers.textfile import head_text, read_text
from app.model.sources.register_set import Provenance, RegisterSet, VCpu

FORMAT = "gdb-registers"
# A register line: NAME, then a value gdb prints — a number, an aggregate or <unavailable>.
# Anything else in a pasted session (prompts, "The target architecture is set to ...", the
# "No executable" warning gdb wraps over two lines, the frame line "0x0 in ?? ()", "[Inferior
# 1 (process 1) detached]") is skipped and counted in the notes.
_LINE = re.compile(r"^(?P<name>[A-Za-z_][\w.]*)\s+(?P<rest>\S.*)$")
_VALUE = re.compile(r"^(?:0x|-?\d|\{|<unavailable>)")
_SVE = re.compile(r"^(?:z\d+|p\d+|ffr)$")
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


def _names_register(name: str) -> bool:
    """Whether a line starting with ``name`` is a register line even when its value is not
    readable ("SCTLR  zero": an error to report, not a gdb message to skip)."""
    return name in UNCERTAIN or bool(_CORE.match(name)) or name.lower() in _aa64_names()


def read_gdb_registers(path: str, *, progress=None) -> RegisterSet:
    path = os.fspath(path)
    regs: dict[int, int | None] = {}
    unmapped: list[str] = []
    views = sve = 0
    other: list[tuple[int, str]] = []  # (line, text) of lines that are not registers
    number = 1
    for number, raw in enumerate(read_text(path).splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        m = _LINE.match(line)
        if m is None or not (_VALUE.match(m.group("rest")) or _names_register(m.group("name"))):
            other.append((number, line))
            continue
        name, rest = m.group("name"), m.group("rest")
        if _VIEW.match(name):
            views += 1
            continue
        if _SVE.match(name):
            sve += 1
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
    if sve:
        notes.append(f"skipped {sve} SVE registers (z, p, ffr): gdb prints them as "
                     "aggregates; they are not cpregs")
    if other:
        first_line, first_text = other[0]
        notes.append(f"skipped {len(other)} lines that are not registers (gdb prompts and "
                     f"messages; first: line {first_line} {quote(first_text, 60)})")
    if unmapped:
        notes.append(f"not mapped ({len(unmapped)}): " + "; ".join(unmapped))
    return RegisterSet(Provenance(path=path, format=FORMAT, notes=tuple(notes)),
                       (VCpu(0, ids, tuple(regs[i] for i in ids)),))


def _value(name: str, rest: str, path: str, number: int, size_bits: int) -> int | None:
    if rest.startswith("<unavailable>"):
        return None
    m = _VECTOR.search(rest) if name.startswith("v") else _NUMBER.match(rest)
    if m is None:
        raise DumpError(f"{name}: no value in {quote(rest)}", path=path, line=number,
                        expected="0x... (vector registers: {..., q = {u = {0x...}}})")
    try:
        value = int(m.group(1), 0)
    except ValueError:  # "0123" (leading zero) or more than 4300 digits
        raise DumpError(f"{name}: value {quote(m.group(1))} is not a number", path=path,
                        line=number, expected="0x... or decimal") from None
    if value < 0:
        value += 1 << size_bits  # gdb's natural column may be signed; the raw one never is
    if not 0 <= value < 1 << size_bits:
        raise DumpError(f"{name}: value {m.group(1)} does not fit {size_bits} bits", path=path,
                        line=number)
    return value

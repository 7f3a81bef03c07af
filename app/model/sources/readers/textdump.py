"""Plain text register dumps: one register per line, ``<id or name> [value]``, ``#`` comments.

The simplest thing a user can write by hand or produce with a script. A line ``[vcpu N]``
(or ``vcpu N:``) starts the registers of vCPU N; without one everything belongs to vCPU 0.
Registers may be written in any form the register parser accepts (0x603000000013c103,
TCR2_EL1, S3_0_C2_C0_3, ARM64_SYS_REG(3, 0, 2, 0, 3) ...); a register without a value is known
to exist with an unknown value.
"""

from __future__ import annotations

import os
import re

from app.model.errors import DumpError, FormatError, quote
from app.model.registers import regdb
from app.model.sources.readers.stream.migstream import MAX_CPREGS, MAX_VCPUS
from app.model.sources.readers.textfile import MAX_TEXT_LINES, read_text
from app.model.sources.register_set import Provenance, RegisterSet, VCpu, guess_accel

FORMAT = "text-dump"
_VCPU = re.compile(r"^\s*(?:\[\s*vcpu\s+(\d+)\s*\]|vcpu\s+(\d+)\s*:)\s*$", re.IGNORECASE)
# The value is the last whitespace-separated token when it is a number; everything before it
# is the register (register forms such as "p15, 0, c1, c0, 0" contain spaces themselves).
_NUMBER = re.compile(r"0[xX][0-9a-fA-F_]+|\d+")
MAX_LINES = MAX_TEXT_LINES  # checked by read_text while reading


def sniff(head: bytes) -> str | None:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 text (byte {exc.start})"
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            if line.startswith(("{", "[{")):
                return "looks like JSON"
            return None
    return "no register lines"


def read_text_dump(path: str, *, progress=None) -> RegisterSet:
    path = os.fspath(path)
    lines = read_text(path).splitlines()  # size- and line-capped, DumpError with offset
    cpus: dict[int, dict[int, int | None]] = {}
    current = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = _VCPU.match(line)
        if m:
            digits = m.group(1) or m.group(2)
            if len(digits) > 5 or int(digits) >= MAX_VCPUS:
                raise DumpError(f"vCPU index {digits[:12]} is out of range", path=path,
                                line=number, expected=f"0..{MAX_VCPUS - 1}")
            current = int(digits)
            cpus.setdefault(current, {})
            continue
        reg_id, reg_text, value = _register_and_value(line, path, number)
        regs = cpus.setdefault(current, {})
        if reg_id in regs:
            raise DumpError(f"register {quote(reg_text)} appears twice for vCPU {current}",
                            path=path, line=number)
        if value is not None and not 0 <= value < 1 << 64:
            raise DumpError(f"value {value:#x} does not fit 64 bits", path=path, line=number)
        if len(regs) >= MAX_CPREGS:
            raise DumpError(f"more than {MAX_CPREGS} registers for vCPU {current}", path=path,
                            line=number, expected=f"at most {MAX_CPREGS} per vCPU")
        regs[reg_id] = value
    if not any(cpus.values()):
        raise DumpError("no registers found", path=path, line=len(lines) or 1,
                        expected="lines of '<register> [value]'")
    vcpus = tuple(VCpu(i, tuple(sorted(r)), tuple(r[k] for k in sorted(r)))
                  for i, r in sorted(cpus.items()))
    ids = [i for c in vcpus for i in c.ids]
    return RegisterSet(Provenance(path=path, format=FORMAT, accel=guess_accel(ids)), vcpus)


def _register_and_value(line: str, path: str, number: int) -> tuple[int, str, int | None]:
    """Split a line into register and optional value.

    The whole line is tried as a register first, because several register spellings end in a
    number themselves ("p15, 0, c1, c0, 0", "op0:3 ... op2:3").
    """
    try:
        return regdb.parse_register(line), line, None
    except FormatError:
        pass
    split = _split_value(line)
    if split is None:
        reg_text, value = line, None
    else:
        reg_text, digits = split[0], split[1].replace("_", "")
        try:  # "0123" (base-0 forbids leading zeros), "0x_", 4300+ digits
            value = int(digits, 16 if digits[:2] in ("0x", "0X") else 10)
        except ValueError:
            raise DumpError(f"value {quote(digits)} is not a number", path=path,
                            line=number, expected="0x<hex> or decimal") from None
    try:
        return regdb.parse_register(reg_text), reg_text, value
    except FormatError as exc:
        raise DumpError(f"cannot read register {quote(reg_text)}: {exc.message}",
                        path=path, line=number) from None


def _split_value(line: str) -> tuple[str, str] | None:
    """(register, number) when the line ends in a number after whitespace, ``=`` or ``:``.

    Done with string scans, not one regex: ``.*?`` followed by ``\\s+`` backtracks
    quadratically on a long run of spaces, and a dump line is user input.
    """
    cut = len(line) - 1
    while cut >= 0 and not (line[cut].isspace() or line[cut] in "=:"):
        cut -= 1
    if cut < 0 or not _NUMBER.fullmatch(line, cut + 1):
        return None
    reg = line[:cut + 1].rstrip()
    if reg.endswith(("=", ":")):
        reg = reg[:-1].rstrip()
    return (reg, line[cut + 1:]) if reg else None

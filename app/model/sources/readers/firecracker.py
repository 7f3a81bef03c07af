"""Firecracker aarch64 CPU templates and ``cpu-template-helper template dump`` output.

Both are JSON ``{"reg_modifiers": [{"addr": "0x6030...", "bitmap": "0b..."}]}`` (docs/
cpu_templates/cpu-templates.md). ``addr`` is a KVM register id with a number-system prefix;
``bitmap`` has one character per bit, most significant first: ``0``/``1`` set the bit, ``x``
leaves it alone, ``_`` only separates. A contracted bitmap is padded with ``x`` on the left,
and Firecracker writes 128 characters (its filter is a u128) whatever the register's size.
A dump fixes every bit, so each value is known; a template that leaves bits as ``x`` does not
say what the register holds, so that register's value is None. The template applies to every
vCPU; it is read as vCPU 0. Firecracker only runs on KVM.
"""

from __future__ import annotations

import os

from app.model.errors import DumpError, quote
from app.model.registers import regid
from app.model.sources.readers.stream.migstream import MAX_CPREGS
from app.model.sources.readers.textfile import json_object_head, line_of, read_json_object
from app.model.sources.register_set import ACCEL_KVM, Provenance, RegisterSet, VCpu

FORMAT = "firecracker-template"
BITMAP_BITS = 128
_KEYS = ("reg_modifiers", "kvm_capabilities", "vcpu_features")
_X86_KEYS = ("cpuid_modifiers", "msr_modifiers")


def sniff(head: bytes) -> str | None:
    text, why = json_object_head(head)
    if text is None:  # then ``why`` says why not
        return why
    if not any(f'"{key}"' in text for key in _KEYS + _X86_KEYS):
        return "no \"reg_modifiers\" key"
    return None


def parse_bitmap(text: str) -> tuple[int, int]:
    """(value, fixed-bits mask) of a ``0b01x_`` bitmap; ValueError saying what is wrong."""
    if not isinstance(text, str) or not text.startswith("0b"):
        raise ValueError("a bitmap starts with 0b")
    body = text[2:].replace("_", "")
    if not body or len(body) > BITMAP_BITS or set(body) - set("01x"):
        raise ValueError(f"a bitmap has 1..{BITMAP_BITS} characters of 0, 1, x and _")
    value = mask = 0
    for ch in body:
        value, mask = value << 1 | (ch == "1"), mask << 1 | (ch != "x")
    return value, mask


def format_bitmap(value: int, mask: int, bits: int = BITMAP_BITS) -> str:
    """The bitmap fixing the ``mask`` bits of ``value`` (others ``x``), ``bits`` characters."""
    return "0b" + "".join(
        ("1" if value >> i & 1 else "0") if mask >> i & 1 else "x"
        for i in range(bits - 1, -1, -1))


def read_firecracker(path: str, *, progress=None) -> RegisterSet:
    path = os.fspath(path)
    text, data = read_json_object(path, '{"reg_modifiers": [...]}')
    if any(key in data for key in _X86_KEYS):
        raise DumpError("an x86_64 CPU template (cpuid/msr modifiers) has no ARM registers",
                        path=path, line=1, expected="an aarch64 template with reg_modifiers")
    unknown = [key for key in data if key not in _KEYS]
    if unknown:
        raise DumpError(f"unknown key {quote(unknown[0])}", path=path,
                        line=line_of(text, f'"{unknown[0]}"'), expected=", ".join(_KEYS))
    mods = data.get("reg_modifiers", [])
    if not isinstance(mods, list):
        raise DumpError("reg_modifiers is not a list", path=path,
                        line=line_of(text, '"reg_modifiers"'), expected="a list of modifiers")
    if len(mods) > MAX_CPREGS:
        raise DumpError(f"{len(mods)} reg_modifiers", path=path,
                        line=line_of(text, '"reg_modifiers"'),
                        expected=f"at most {MAX_CPREGS} registers")
    regs: dict[int, int | None] = {}
    cursor = 0
    for n, mod in enumerate(mods):
        at = text.find('"addr"', cursor)
        cursor = at + 1 if at >= 0 else cursor
        reg_id, value = _modifier(mod, n, path, line_of(text, '"addr"', max(at, 0)))
        if reg_id in regs:
            raise DumpError(f"reg_modifiers[{n}]: {regid.format_id(reg_id)} appears twice",
                            path=path, line=line_of(text, '"addr"', max(at, 0)),
                            expected="one modifier per register")
        regs[reg_id] = value
    partial = sum(v is None for v in regs.values())
    kind = "cpu-template-helper dump" if regs and not partial else "CPU template"
    notes = [f"Firecracker {kind}: applies to every vCPU, read as vCPU 0"]
    if partial:
        notes.append(f"{partial} register(s) keep some bits ('x'): value unknown")
    for key in ("kvm_capabilities", "vcpu_features"):
        if data.get(key):
            notes.append(f"{key} not shown: {data[key]}")
    ids = tuple(sorted(regs))
    return RegisterSet(Provenance(path=path, format=FORMAT, writer="firecracker",
                                  accel=ACCEL_KVM, notes=tuple(notes)),
                       (VCpu(0, ids, tuple(regs[i] for i in ids)),) if ids else ())


def _modifier(mod, n: int, path: str, line: int | None) -> tuple[int, int | None]:
    def fail(why: str, expected: str) -> DumpError:
        return DumpError(f"reg_modifiers[{n}]: {why}", path=path, line=line, expected=expected)

    if not isinstance(mod, dict) or set(mod) != {"addr", "bitmap"}:
        raise fail("not an {addr, bitmap} object", '{"addr": "0x...", "bitmap": "0b..."}')
    addr = mod["addr"]
    if not isinstance(addr, str) or not addr.lower().startswith(("0x", "0b", "0o")):
        raise fail(f"addr {quote(addr)} has no number-system prefix", "\"0x6030000000130000\"")
    try:
        reg_id = int(addr.replace("_", ""), 0)
        value, mask = parse_bitmap(mod["bitmap"])
    except ValueError as exc:
        raise fail(str(exc), "addr 0x..., bitmap 0b[01x_]") from None
    enc = regid.decode(reg_id) if 0 <= reg_id < 1 << 64 else None
    if enc is None or enc.kind in ("unknown", "aa32"):
        raise fail(f"addr {addr} is not a KVM arm64 register id", "0x6030000000130000-style ids")
    width = enc.size_bits
    if width > BITMAP_BITS:
        raise fail(f"{addr} is a {width}-bit register", f"at most {BITMAP_BITS} bits")
    if value >> width:
        raise fail(f"bitmap sets bits above the register's {width} bits", f"{width} bits")
    full = (1 << width) - 1
    return reg_id, value if mask & full == full else None

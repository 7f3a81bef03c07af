"""QEMU destination logs → both sides of the failed migration, as far as the log tells.

A destination log names anomalies of *both* sides: registers only in the incoming stream
(source), registers only on the destination, and (KVM) values the destination kernel refused.
``read_log_pair`` therefore returns a LogPair: ``src`` holds what the log says the incoming
stream had, ``dst`` what the destination had. Registers the log does not mention are unknown,
not absent, and values are None unless the log prints them (``Could not set register X to A
(is B)`` gives both) — nothing is invented. 7.2-style logs name no register at all, only the
two cpreg counts; those go into the notes.

QEMU stops at the first vCPU whose load fails and prints no vCPU number with the anomalies:
they belong to the vCPU of the following ``error while loading state for instance 0xN of
device 'cpu'`` line. Each vCPU's anomalies come out of QEMU's sorted merge in increasing id
order, so an id that does not increase starts the next vCPU (warnings of a load that went on).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import app.model.sources.readers.qemulog_messages as M
from app.model.errors import DumpError, FormatError, quote
from app.model.sources.readers.stream.migstream import MAX_VCPUS
from app.model.sources.readers.textfile import build_vcpus, head_text, read_text
from app.model.sources.register_set import (
    ACCEL_KVM,
    ACCEL_UNKNOWN,
    Provenance,
    RegisterSet,
    guess_accel,
)

FORMAT = "qemu-log"
V6_MAX_ANOMALIES = 10  # MAX_CPREG_VMSTATE_ANOMALIES: the v6 series prints at most this many
_SIDE = {"unexpected": "src", "unexpected-trace": "src", "tolerated-trace": "src",
         "missing": "dst", "missing-trace": "dst"}
# No real tolerate_cpreg_* line was available: accept the register as the first 0x number
# (a QEMU key or an id) and values spelled like QEMU's other traces (name=0x...).
_VALUE_KEYS = ("incoming", "src", "vmstate_value", "local", "dst", "local_value")
_TOLERATED_NUMBER = re.compile(r"(?:\b(\w+)=)?(0x[0-9a-fA-F]+|\b\d+\b)")


@dataclass(frozen=True)
class LogPair:
    """What a destination log says about the incoming (src) and local (dst) register lists."""

    src: RegisterSet
    dst: RegisterSet


class _Block:
    """The anomalies QEMU printed while loading one vCPU (parser state, not a result)."""

    __slots__ = ("counts", "dst", "last", "src", "vcpu")

    def __init__(self):
        self.src: dict[int, int | None] = {}
        self.dst: dict[int, int | None] = {}
        self.last: dict[str, int] = {}  # order family -> last key seen
        self.vcpu: int | None = None
        self.counts: tuple[int, int] | None = None

    def empty(self) -> bool:
        return not (self.src or self.dst or self.counts) and self.vcpu is None


def _match(line: str):
    for fam in M.FAMILIES:
        if fam.marker in line:
            return fam, fam.pattern.search(line)
    return None, None


def sniff(head: bytes) -> str | None:
    text = head_text(head)
    if text is None:
        return "not UTF-8 text"
    for line in text.splitlines():
        _, m = _match(line)
        if m is not None:
            return None
    return ("no QEMU migration message (handle_cpreg_*, 'Missing/Unexpected register in input "
            "stream', 'cpreg_vmstate_array_len', 'load of migration failed' ...)")


def read_log(path: str, *, progress=None) -> RegisterSet:
    """The source side only, for callers that want one RegisterSet (``readers.load``)."""
    return read_log_pair(path).src


def read_log_pair(path: str, *, progress=None) -> LogPair:
    path = os.fspath(path)
    parser = _Parser(path)
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        try:
            parser.feed(number, line)
        except FormatError as exc:
            if exc.line is not None:
                raise
            raise DumpError(f"{exc.message} in {quote(line.strip())}", path=path, line=number,
                            expected=exc.expected) from None
        except ValueError as exc:  # a register number out of range (regid's encoders)
            raise DumpError(f"{exc} in {quote(line.strip())}", path=path, line=number) from None
    return parser.finish()


class _Parser:
    def __init__(self, path: str):
        self.path = path
        self.blocks = [_Block()]
        self.generations: list[str] = []
        self.notes: dict[str, list[str]] = {"src": [], "dst": [], "both": []}
        self.machines: tuple[str | None, str | None] = (None, None)
        self.pending_count: tuple[int, int] | None = None
        self.kvm = False
        self.matched = 0
        self.lines = 1

    def feed(self, number: int, line: str) -> None:
        self.lines = number  # the last line read, where "nothing found" errors point
        fam, m = _match(line)
        if fam is None:
            return
        if m is None:
            raise DumpError(f"unreadable {quote(fam.marker.strip())} message", path=self.path,
                            line=number, expected=fam.expected)
        self.matched += 1
        if fam.generation and fam.generation not in self.generations:
            self.generations.append(fam.generation)
        self.kvm |= "kvm" in line.lower() or fam.generation == M.G_KVM
        count, self.pending_count = self.pending_count, None
        handler = "_side" if fam.name in _SIDE else "_" + fam.name.replace("-", "_")
        getattr(self, handler)(fam, m, count)

    def _block_for(self, fam: M.Family, key: int) -> _Block:
        block = self.blocks[-1]
        if fam.order is not None:
            if fam.order in block.last and key <= block.last[fam.order]:
                block = _Block()
                self.blocks.append(block)
            block.last[fam.order] = key
        return block

    def _reg(self, m) -> int:
        if m.groupdict().get("id"):
            reg = int(m.group("id"), 16)
            if reg >> 64:  # read_log_pair turns this into a DumpError with the line
                raise ValueError(f"register id {m.group('id')[:20]} does not fit 64 bits")
            return reg
        return M.register_from_text(m.group("reg"))

    def _side(self, fam, m, _count) -> None:
        """A register QEMU found on one side only (which side: ``_SIDE``)."""
        reg = self._reg(m)
        counter = m.groupdict().get("i")
        block = self._block_for(fam, int(counter) if counter is not None else reg)
        getattr(block, _SIDE[fam.name]).setdefault(reg, None)
        if fam.name == "tolerated-trace":
            self.notes["src"].append(f"tolerated by QEMU (safe missing): {reg:#018x}")

    def _tolerated(self, fam, m, _count) -> None:
        kind, rest = m.group("kind"), m.group("rest")
        numbers = _TOLERATED_NUMBER.findall(rest)
        vals = {k: int(v, 0) for k, v in numbers if k in _VALUE_KEYS}
        regs = [v for k, v in numbers if k not in _VALUE_KEYS and v.startswith("0x")]
        if not regs:
            raise DumpError(f"tolerate_cpreg_{kind} names no register", expected=fam.expected)
        reg = M.register_from_text(regs[0])
        src = next((vals[k] for k in ("incoming", "src", "vmstate_value") if k in vals), None)
        dst = next((vals[k] for k in ("local", "dst", "local_value") if k in vals), None)
        block = self.blocks[-1]
        if "missing" in kind:
            block.dst.setdefault(reg, dst)
        elif "only" in kind or "unexpected" in kind or "incoming" in kind:
            block.src.setdefault(reg, src)
        else:
            block.src.setdefault(reg, src)
            block.dst.setdefault(reg, dst)
        self.notes["both"].append(f"tolerated by QEMU (tolerate_cpreg_{kind}): {reg:#018x}")

    def _mismatch(self, fam, m, _count) -> None:
        reg = M.register_from_text(m.group("reg"))
        block = self._block_for(fam, reg)
        why = m.group("why")
        src = int(m.group("src"), 16) if m.group("src") else None
        dst = int(m.group("dst"), 16) if m.group("dst") else None
        block.src[reg] = src
        if why and "unknown to KVM" in why:
            return  # ENOENT: the destination kernel has no such register
        block.dst[reg] = dst
        if why:
            self.notes["both"].append(f"KVM refused {reg:#018x}: {why}")

    def _count(self, fam, m, _count) -> None:
        self.pending_count = (int(m.group("src")), int(m.group("dst")))

    def _array_len(self, fam, m, count) -> None:
        if count is not None:
            self.blocks[-1].counts = count
        else:
            self.notes["both"].append("cpreg_vmstate_array_len failed to load (no counts)")

    def _instance(self, fam, m, _count) -> None:
        if m.group("dev") != "cpu":
            self.notes["both"].append(f"failed loading device {quote(m.group('dev'))} "
                                      f"instance {m.group('n')}")
            return
        vcpu = int(m.group("n"), 0)
        if not 0 <= vcpu < MAX_VCPUS:  # read_log_pair reports it with the line
            raise ValueError(f"vCPU index {m.group('n')[:20]} is out of range")
        self.blocks[-1].vcpu = vcpu
        self.blocks.append(_Block())

    def _machine(self, fam, m, _count) -> None:
        self.machines = (m.group("src"), m.group("dst"))

    def _failed(self, fam, m, _count) -> None:
        self.notes["both"].append(f"load of migration failed: {m.group('why')}")

    def _assertion(self, fam, m, _count) -> None:
        self.notes["both"].append(f"QEMU aborted: {m.group('what')}")

    def finish(self) -> LogPair:
        if not self.matched:
            raise DumpError("no QEMU migration messages found", path=self.path, line=self.lines,
                            expected="a QEMU destination log (stderr of -incoming)")
        cpus: dict[str, dict[int, dict[int, int | None]]] = {"src": {}, "dst": {}}
        notes: dict[str, list[str]] = {"src": [], "dst": []}
        index = -1
        for block in (b for b in self.blocks if not b.empty()):
            index = block.vcpu if block.vcpu is not None else index + 1
            for side in ("src", "dst"):
                cpus[side].setdefault(index, {}).update(getattr(block, side))
            if block.counts:
                notes["src"].append(f"vCPU {index}: {block.counts[0]} cpregs in the incoming "
                                    "stream (the log names none of them)")
                notes["dst"].append(f"vCPU {index}: {block.counts[1]} cpregs on the destination")
            if M.G_V6 in self.generations and max(len(block.src), len(block.dst)) >= \
                    V6_MAX_ANOMALIES:
                notes["src"].append(f"vCPU {index}: QEMU prints at most {V6_MAX_ANOMALIES} "
                                    "anomalies of each kind; there may be more")
        ids = [i for side in cpus.values() for regs in side.values() for i in regs]
        accel = ACCEL_KVM if self.kvm or guess_accel(ids) == ACCEL_KVM else ACCEL_UNKNOWN
        gens = ", ".join(self.generations) or "generic messages"
        head = (f"QEMU destination log ({gens}): only the registers the log names; "
                "registers that matched are not listed")
        writer = next((g for g in (M.G_11, M.G_V6, M.G_72) if g in self.generations), None)
        sides = {}
        for n, side in enumerate(("src", "dst")):
            label = "incoming (source) side" if side == "src" else "destination side"
            prov = Provenance(
                path=self.path, format=FORMAT, machine=self.machines[n],
                writer=writer if side == "dst" else None, accel=accel,
                notes=tuple([f"{head}; this is the {label}"] + notes[side]
                            + self.notes[side] + self.notes["both"]))
            sides[side] = RegisterSet(prov, build_vcpus(cpus[side], self.path, self.lines))
        return LogPair(sides["src"], sides["dst"])

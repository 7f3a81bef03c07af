"""Feed one input to one target and judge the reaction against the robustness contract.

A target is a reader, a sniffer or a rule loader fed raw bytes (written to a file first, as
users hand files to the tool). On hostile input every target must either return a well-formed
result or raise the FormatError family; each FormatError must locate itself (an offset or a
line, a StreamError always a byte offset, so the message names it); and no input may take
longer than a time budget. Anything else is a finding. The CI tests and tools/fuzz.py share
this one judgement so a finding means the same thing in both.
"""

from __future__ import annotations

import signal
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from app.model.sources import readers as formats
from app.model.rules import qemu_c_import, rulefile
from app.model.errors import FormatError, StreamError
from app.model.sources.readers.stream import migstream
from app.model.sources.register_set import RegisterSet
from app.model.rules.ruleset import RuleSet

BUDGET_SECONDS = 2.0  # tools/fuzz.py: an input slower than this counts as a hang
# CI runs beside other jobs on 2 cores: a looser bound, still far below the minutes the
# quadratic and endless cases found so far took, so a busy machine does not fail the pass.
CI_BUDGET_SECONDS = 5.0
U64 = 1 << 64
WIDEST = 1 << 2048  # KVM_REG_SIZE_U2048: the widest register value (SVE Z registers)
OK_KINDS = ("accepted", "rejected")


class Hang(BaseException):
    """Raised by the alarm inside a target that overran its budget (not an Exception, so a
    reader's ``except Exception`` cannot swallow it)."""


@dataclass(frozen=True)
class Target:
    name: str
    kind: str  # "reader", "pair" (two-sided log reader), "sniff" or "rules"
    run: Callable[[bytes, str], object]  # (the bytes, the file they were written to)


@dataclass(frozen=True)
class Verdict:
    target: str
    kind: str  # accepted, rejected, escape, unlocated, bad-result, hang
    detail: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.kind in OK_KINDS


def _reader_target(reader) -> Target:
    return Target(f"read:{reader.name}", "reader", lambda data, path: reader.read(path))


def _pair_target(reader) -> Target:
    return Target(f"pair:{reader.name}", "pair", lambda data, path: reader.read_pair(path))


def _sniff_target(reader) -> Target:
    head = formats.SNIFF_BYTES
    return Target(f"sniff:{reader.name}", "sniff", lambda data, path: reader.sniff(data[:head]))


LOAD = Target("load", "reader", lambda data, path: formats.load(path))
STREAM_WALK = Target("stream-walk", "reader",
                     lambda data, path: migstream.read_stream(path, force_walk=True))
RULE_TARGETS = (
    Target("rules:toml", "rules", lambda data, path: rulefile.load(path)),
    Target("rules:any", "rules", lambda data, path: rulefile.load_any(path)),
    Target("rules:qemu-c", "rules",
           lambda data, path: qemu_c_import.parse_qemu_c(data.decode("utf-8", "replace"), path)),
)


def reader_targets(data: bytes) -> list[Target]:
    """Targets for a register-source input: auto-detection (which runs the first reader that
    claims the bytes), every later reader that claims them too, the forward walk for streams,
    the two-sided read of logs, and every sniffer."""
    out = [LOAD]
    head = data[:formats.SNIFF_BYTES]
    first = True
    for reader in formats.READERS:
        try:
            claimed = reader.sniff(head) is None
        except Exception:  # noqa: BLE001 - the sniff target below reports it
            claimed = False
        if claimed:
            if not first:
                out.append(_reader_target(reader))
            first = False
            if getattr(reader, "read_pair", None) is not None:
                out.append(_pair_target(reader))
    if data[:4] == b"QEVM":
        out.append(STREAM_WALK)
    return out + [_sniff_target(r) for r in formats.READERS]


def all_reader_targets() -> list[Target]:
    """Every reader read directly, whatever its sniffer says (for generated inputs)."""
    pairs = [_pair_target(r) for r in formats.READERS if getattr(r, "read_pair", None)]
    return [LOAD] + [_reader_target(r) for r in formats.READERS] + pairs


def target_named(name: str) -> Target:
    """The target called ``name`` (how tools/fuzz.py's worker process finds it again)."""
    every = all_reader_targets() + [STREAM_WALK, *RULE_TARGETS]
    every += [_sniff_target(r) for r in formats.READERS]
    return next(t for t in every if t.name == name)


def _on_alarm(signum, frame):
    raise Hang()


@contextmanager
def time_limit(seconds: float = CI_BUDGET_SECONDS):
    """Raise Hang inside the block once ``seconds`` have passed (regression tests use it so
    a reintroduced endless loop fails the test instead of stalling CI)."""
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def judge(target: Target, data: bytes, path: Path, budget: float = BUDGET_SECONDS,
          write: bool = True) -> Verdict:
    """Write ``data`` to ``path`` (unless already there), run ``target`` on it under an
    alarm, classify the result."""
    if write:
        path.write_bytes(data)
    start = time.perf_counter()
    try:
        with time_limit(budget):
            result = target.run(data, str(path))
    except Hang:
        return Verdict(target.name, "hang", f"no answer within {budget:g} s", budget)
    except FormatError as exc:
        return _rejected(target, exc, time.perf_counter() - start)
    except BaseException as exc:  # noqa: BLE001 - anything else escaping is the finding
        return Verdict(target.name, "escape", describe_exception(exc),
                       time.perf_counter() - start)
    seconds = time.perf_counter() - start
    problem = check_result(target, result)
    return Verdict(target.name, "bad-result" if problem else "accepted", problem or "", seconds)


def _rejected(target: Target, exc: FormatError, seconds: float) -> Verdict:
    if exc.offset is None and exc.line is None:
        return Verdict(target.name, "unlocated",
                       f"{type(exc).__name__} without offset or line: {exc}", seconds)
    if isinstance(exc, StreamError) and exc.offset is None:
        return Verdict(target.name, "unlocated", f"StreamError without offset: {exc}", seconds)
    return Verdict(target.name, "rejected", f"{type(exc).__name__}: {exc.message}", seconds)


def describe_exception(exc: BaseException) -> str:
    """``Type @ file:line: message`` (innermost app frame), to tell distinct bugs apart."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/app/" in f.filename]
    where = f" @ {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"{type(exc).__name__}{where}: {text}"


def check_result(target: Target, result: object) -> str | None:
    """Why a returned value breaks the contract, or None when it is well formed."""
    if target.kind == "sniff":
        return None if result is None or isinstance(result, str) else f"sniff gave {result!r}"
    if target.kind == "rules":
        return None if isinstance(result, RuleSet) else f"rule loader gave {type(result)}"
    if target.kind == "pair":
        sides = (getattr(result, "src", None), getattr(result, "dst", None))
        return next(filter(None, (check_register_set(s) for s in sides)), None)
    return check_register_set(result)


def check_register_set(result: object) -> str | None:
    """Why a reader's result is not a RegisterSet within the documented bounds, or None."""
    if not isinstance(result, RegisterSet):
        return f"reader gave {type(result).__name__}, not a RegisterSet"
    if len(result.vcpus) > migstream.MAX_VCPUS:
        return f"{len(result.vcpus)} vCPUs accepted (limit {migstream.MAX_VCPUS})"
    for cpu in result.vcpus:
        if len(cpu.ids) > migstream.MAX_CPREGS:
            return f"vCPU {cpu.index}: {len(cpu.ids)} cpregs accepted"
        if not all(type(i) is int and 0 <= i < U64 for i in cpu.ids):
            return f"vCPU {cpu.index}: a register id is not a u64"
        if not all(v is None or (type(v) is int and 0 <= v < WIDEST) for v in cpu.values):
            return f"vCPU {cpu.index}: a value is neither None nor an unsigned register value"
    return None


def first_failure(cases, path: Path, budget: float = CI_BUDGET_SECONDS) -> str | None:
    """Judge (label, bytes, targets) cases in order; describe the first contract breach.

    The offending input is kept next to ``path`` as a reproducer for tools/fuzz.py --replay.
    """
    for label, data, targets in cases:
        path.write_bytes(data)
        for target in targets:
            verdict = judge(target, data, path, budget, write=False)
            if not verdict.ok:
                repro = path.with_name(f"repro-{verdict.kind}-{len(data)}.bin")
                repro.write_bytes(data)
                return (f"{label}: {verdict.kind} in {verdict.target}: {verdict.detail} "
                        f"(input saved to {repro})")
    return None

"""Suggestion: the smallest rule set that turns a rejected pair into an accepted one.

One rule per blocking register (QEMU registers one tolerance per register), the narrowest
that works on every vCPU:

* a register only in the incoming stream: OnlySrcTestValue (value 0 under a full mask) when
  every vCPU sends the reset value 0, so a guest that did use the register still fails
  loudly; NotOnBothEnds otherwise. Where the release still bounds the incoming array length,
  safe-missing instead (x-mig-safe-missing-regs also widens that bound, v6 04/11).
* a constant register whose value differs: DiffInMask over the differing fields only (the
  raw differing bits where the register has no known layout).

It refuses to paper over a feature the destination lacks: when a differing ID field is one
the kernel shows to software as a feature (visible or conditional in its cpufeature tables)
and the kernel's safety rule says the destination's value is unsafe for a guest that saw the
source's. Hidden fields (debug, trace, implementation properties) are tolerated with a caution
in the reason. Whole-stream problems (machine type, sections) are reported as unfixable,
each with what would fix it instead (remedy.py: -M, -m, -smp, a device).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.model.advice.remedy import Remedy, remedies
from app.model.compare.diff import DiffRow, Status
from app.model.registers import regdb
from app.model.registers.constness import field_visibility
from app.model.registers.fields import FTR_EXACT, Field, field_safety_direction
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet, apply_hidden
from app.model.sources.register_set import RegisterSet
from app.model.verdict.evaluate import Verdict, evaluate
from app.model.verdict.policy import Policy
from app.model.verdict.reason import ARRAY_LENGTH, Reason

FULL_MASK = (1 << 64) - 1
FEATURE_VISIBILITY = ("visible", "conditional")


@dataclass(frozen=True)
class Refusal:
    """A blocking register the tool will not write a rule for, and why."""

    register: int
    name: str
    why: str


@dataclass(frozen=True)
class Suggestion:
    """Proposed rules, refusals, what no rule can fix, and the verdicts without and with."""

    rules: RuleSet  # only the proposed rules (the caller's own rules are not repeated)
    refused: tuple[Refusal, ...]
    unfixable: tuple[Reason, ...]  # blocking reasons no cpreg rule can remove
    before: Verdict
    after: Verdict  # the caller's rules plus the proposed ones
    remedies: tuple[Remedy, ...] = ()  # per unfixable reason: what would fix it instead

    @property
    def accepted(self) -> bool:
        return self.after.accepted


def _rows_by_register(verdict: Verdict, outcome: str) -> dict[int, list[DiffRow]]:
    """Rows with ``outcome`` grouped by register, in the order QEMU meets them."""
    out: dict[int, list[DiffRow]] = {}
    for rv in verdict.rows:
        if rv.outcome == outcome:
            out.setdefault(rv.row.id, []).append(rv.row)
    return out


def _array_excess(src: RegisterSet, dst: RegisterSet, given: RuleSet) -> int:
    """How many more safe-missing registers the array-length bound needs (worst vCPU)."""
    src_h, dst_h = apply_hidden(given, src), apply_hidden(given, dst)
    local = {cpu.index: len(cpu) for cpu in dst_h.vcpus}
    excess = max((len(cpu) - local[cpu.index] for cpu in src_h.vcpus if cpu.index in local),
                 default=0)
    return excess - len(given.ids_of(RuleType.SAFE_MISSING))


def _unexpected_rule(reg_id: int, name: str, rows: list[DiffRow], bounded: bool) -> Rule:
    values = sorted({r.src for r in rows if r.src is not None})
    shown = ", ".join(f"{v:#x}" for v in values) or "no recorded value"
    if bounded:
        return Rule(reg_id, RuleType.SAFE_MISSING, reason=(
            f"{name} is only in the incoming stream ({shown}); declaring it safe to ignore "
            "also lets the longer incoming cpreg array load (x-mig-safe-missing-regs)"))
    if values == [0] and all(r.src == 0 for r in rows):
        return Rule(reg_id, RuleType.ONLY_SRC_TEST_VALUE, FULL_MASK, 0, reason=(
            f"{name} is only in the incoming stream and holds its reset value 0 on every "
            "vCPU: ignore it only while it is 0, so a guest that used it still fails"))
    return Rule(reg_id, RuleType.NOT_ON_BOTH_ENDS, reason=(
        f"{name} is only in the incoming stream ({shown}); the destination does not migrate "
        "it and keeps its own state for it"))


def _differing_fields(fields: tuple[Field, ...], bits: int) -> list[Field]:
    return [f for f in fields if f.reserved is None and f.mask & bits]


def _judge(name: str, f: Field, s: int, d: int) -> tuple[str, str]:
    """("ok" | "caution" | "refuse", why) for one differing field value pair."""
    if field_safety_direction(f, s, d) != "unsafe":
        return "ok", ""
    lacks = f.safety != FTR_EXACT or d < s  # EXACT: a higher destination value adds, not lacks
    if lacks and field_visibility(name, f.name) in FEATURE_VISIBILITY:
        return "refuse", (f"{name}.{f.name}: the guest saw {s} but the destination has {d}; the "
                          f"kernel's {f.safety} rule makes that direction unsafe for a feature "
                          "it shows to software: a tolerance would paper over a feature the "
                          "destination lacks")
    why = ("the kernel hides this field from software" if lacks
           else "the destination offers more, not less")
    return "caution", f"{f.name} {s}->{d} is unsafe by the kernel's {f.safety} rule, but {why}"


def _value_rule(reg_id: int, name: str, rows: list[DiffRow],
                accel: str) -> tuple[Rule, None] | tuple[None, Refusal]:
    """A diff-in-mask rule for blocking value mismatches (both values known), or why not."""
    values = {(r.src, r.dst) for r in rows if r.src is not None and r.dst is not None}
    bits = 0
    for src, dst in values:
        bits |= src ^ dst
    fields = _differing_fields(regdb.fields_of(reg_id, accel), bits)
    mask = bits
    cautions: list[str] = []
    for f in fields:
        mask |= f.mask
        for s, d in sorted({(f.extract(src), f.extract(dst)) for src, dst in values}):
            verdict, why = _judge(name, f, s, d)
            if verdict == "refuse":
                return None, Refusal(reg_id, name, why)
            if verdict == "caution" and why not in cautions:
                cautions.append(why)
    where = (", ".join(f"{f.name} [{f.msb}:{f.lsb}]" for f in fields) if fields
             else f"bits {bits:#x}")
    seen = "; ".join(f"{s:#x} incoming vs {d:#x} here" for s, d in sorted(values))
    reason = f"{name} is constant on the destination and differs only in {where} ({seen})"
    if cautions:
        reason += ". Caution: " + "; ".join(cautions)
    return Rule(reg_id, RuleType.DIFF_IN_MASK, mask & FULL_MASK, 0, reason=reason), None


def suggest(src: RegisterSet, dst: RegisterSet, policy: Policy | str | None = None,
            rules: RuleSet | None = None) -> Suggestion:
    """Rules that would make ``policy``'s QEMU accept ``src`` into ``dst`` (see module doc)."""
    given = rules or RuleSet()
    before = evaluate(src, dst, given, policy)
    accel = dst.accel
    bounded = before.policy.checks_array_len and any(
        r.status == ARRAY_LENGTH for r in before.reasons)
    proposed: list[Rule] = []
    refused: list[Refusal] = []
    for reg_id, rows in _rows_by_register(before, "blocking").items():
        if reg_id in given:
            continue  # the caller already has a rule here; QEMU allows only one
        name = regdb.lookup(reg_id, accel).name
        if rows[0].status is Status.UNEXPECTED:
            proposed.append(_unexpected_rule(reg_id, name, rows, bounded))
            continue
        rule, refusal = _value_rule(reg_id, name, rows, accel)
        if rule is not None:
            proposed.append(rule)
        elif refusal is not None:
            refused.append(refusal)
    if bounded:  # registers QEMU never examines still lengthen the array: widen by them
        short = _array_excess(src, dst, given) - sum(
            r.type is RuleType.SAFE_MISSING for r in proposed)
        ignored = [(i, rows) for i, rows in _rows_by_register(before, "ignored").items()
                   if i not in given]
        for reg_id, rows in ignored[:max(short, 0)]:
            name = regdb.lookup(reg_id, accel).name
            proposed.append(_unexpected_rule(reg_id, name, rows, True))
    fixable = (ARRAY_LENGTH,) if bounded else ()
    unfixable = tuple(r for r in before.reasons if not r.is_cpreg and r.status not in fixable)
    after = evaluate(src, dst, given.with_rules(proposed), before.policy)
    return Suggestion(RuleSet(tuple(proposed)), tuple(refused), unfixable, before, after,
                      remedies(unfixable, src, before.policy, dst))

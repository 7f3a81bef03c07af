"""The verdict as plain data and text: what ``cpreg-explorer check`` prints.

JSON shape (stable, scripts depend on it): ``{"verdict", "policy", "policy_reason",
"reasons": [{"vcpu", "id", "name", "status", "message", "reached", "section", "instance",
"field", "details"}], "warnings": [...], "unexamined": [...], "tolerated": [{"vcpu", "id",
"name", "status", "rule", "by_policy", "reason"}], "builtin": [...], "qemu_log": [...]}``.
``unexamined`` repeats the warnings about parts the tool could not judge (an undescribed
section whose bytes differ, a side that is not a stream...): an ACCEPTED verdict holds only if
QEMU accepts those too, so the text says so in its first line and lists them apart.
"""

from __future__ import annotations

from app.model.registers.regid import format_id
from app.model.rules.rule import Rule
from app.model.verdict.evaluate import RowVerdict, Verdict
from app.model.verdict.qemu_log import qemu_log
from app.model.verdict.reason import Reason


def _reason(reason: Reason) -> dict:
    return {
        "vcpu": reason.vcpu,
        "id": None if reason.register is None else format_id(reason.register),
        "name": reason.name,
        "status": reason.status,
        "message": reason.message,
        "reached": reason.reached,
        "section": reason.section,
        "instance": reason.instance,
        "field": reason.field,
        "details": list(reason.details),
    }


def _tolerated(verdict: Verdict) -> list[tuple[RowVerdict, Rule]]:
    """The tolerated rows with the rule that tolerates each (every tolerated row has one)."""
    return [(rv, rv.rule) for rv in verdict.tolerated if rv.rule is not None]


def verdict_json(verdict: Verdict) -> dict:
    return {
        "verdict": verdict.verdict,
        "policy": verdict.policy.name,
        "policy_reason": verdict.policy_reason,
        "reasons": [_reason(r) for r in verdict.reasons],
        "warnings": [_reason(r) for r in verdict.warnings],
        "unexamined": [_reason(r) for r in verdict.unexamined],
        "tolerated": [
            {"vcpu": rv.row.vcpu, "id": format_id(rv.row.id), "name": rule.name,
             "status": rv.row.status.value, "rule": rule.type.value,
             "by_policy": rv.by_policy, "reason": rule.reason}
            for rv, rule in _tolerated(verdict)
        ],
        "builtin": [{"id": format_id(r.register), "name": r.name, "rule": r.type.value,
                     "reason": r.reason} for r in verdict.builtin],
        "notes": list(verdict.notes),
        "qemu_log": list(qemu_log(verdict)),
    }


def verdict_text(verdict: Verdict) -> list[str]:
    """Human lines: the verdict, why this policy, blocking reasons, warnings, what was not
    examined, tolerances."""
    head = "ACCEPTED" if verdict.accepted else "REJECTED"
    blocking, unexamined = verdict.reasons, verdict.unexamined
    lines = [f"{head} by {verdict.policy.title} ({verdict.policy.name}: "
             f"{verdict.policy_reason})"]
    if verdict.accepted and unexamined:
        lines[0] += (f" — only if QEMU also accepts {len(unexamined)} part(s) the tool did "
                     "not examine (below)")
    if blocking:
        regs = {r.register for r in blocking if r.register is not None}
        lines.append(f"{len(blocking)} blocking reason(s), {len(regs)} register(s):")
        lines += [f"  {_where(r)}{r.message}" + ("" if r.reached else
                  "   [not reached: QEMU stops earlier]") for r in blocking]
    warnings = [r for r in verdict.warnings if not r.unexamined]
    if warnings:
        lines.append(f"{len(warnings)} warning(s):")
        lines += [f"  {_where(r)}{r.message}" for r in warnings]
    if unexamined:
        lines.append(f"{len(unexamined)} part(s) not examined (what QEMU does there is "
                     "unknown):")
        for r in unexamined:
            lines.append(f"  {_where(r)}{r.message}")
            lines += [f"    {d}" for d in r.details]
    if verdict.tolerated:
        lines.append(f"{len(verdict.tolerated)} row(s) tolerated:")
        lines += [f"  vCPU {rv.row.vcpu} {rule.name}: {rv.row.status.value} tolerated by "
                  f"{rule.type.value}{' (built into this QEMU)' if rv.by_policy else ''}"
                  for rv, rule in _tolerated(verdict)]
    lines += [f"note: {n}" for n in verdict.notes]
    return lines


def _where(reason: Reason) -> str:
    if reason.name and reason.message.startswith(f"{reason.name}:"):
        return f"vCPU {reason.vcpu}: " if reason.vcpu is not None else ""
    parts = []
    if reason.vcpu is not None:
        parts.append(f"vCPU {reason.vcpu}")
    if reason.name:
        parts.append(reason.name)
    return (" ".join(parts) + ": ") if parts else ""

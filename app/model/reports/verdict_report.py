"""The verdict as plain data and text: what ``cpreg-explorer check`` prints.

JSON shape (stable, scripts depend on it): ``{"verdict", "policy", "policy_reason",
"reasons": [{"vcpu", "id", "name", "status", "message", "reached", "section", "instance",
"field", "details"}], "warnings": [...], "unexamined": [...], "tolerated": [{"vcpu", "id",
"name", "status", "rule", "by_policy", "reason"}], "builtin": [...], "qemu_log": [...]}``.
``unexamined`` repeats the warnings about parts the tool could not judge (an undescribed
section whose bytes differ, a side that is not a stream...): an ACCEPTED verdict holds only if
QEMU accepts those too, so the text says so in its first line and lists them apart.

``verdict`` is the verdict *with* the rules, as if the destination had them registered. Given
a Deployability (advice/deployability.py) the JSON adds ``"as_is"`` ("accepted", "rejected"
or null: the verdict of this QEMU as shipped, no user rule), ``"headline"`` (the words the
window's banner uses) and ``"deployment": {"how", "summary", "rules": [{"id", "name", "rule",
"enabled", "needed", "how", "reason", "evidence", "option"}]}``; given remedies,
``"remedies": [{"status", "message", "action", "why"}]`` (what would fix the blocking
problems no cpreg rule can). The text then starts with that headline.
"""

from __future__ import annotations

from app.model.advice.deployability import Deployability
from app.model.advice.remedy import Remedy
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


def _deployment(deploy: Deployability) -> dict:
    needed = {d.rule.register for d in deploy.needed}
    return {
        "how": None if deploy.how is None else deploy.how.value,
        "summary": deploy.summary_line(),
        "rules": [{"id": format_id(d.rule.register), "name": d.rule.name,
                   "rule": d.rule.type.value, "enabled": d.rule.enabled,
                   "needed": d.rule.register in needed, "how": d.how.value,
                   "reason": d.reason, "evidence": d.evidence, "option": d.option}
                  for d in deploy.rules],
    }


def honest_json(deploy: Deployability | None, remedies: tuple[Remedy, ...] = ()) -> dict:
    """The keys ``verdict_json`` adds for a Deployability and remedies (module docstring)."""
    out: dict = {}
    if deploy is not None:
        out["as_is"] = (None if deploy.as_is is None
                        else "accepted" if deploy.as_is else "rejected")
        out["headline"] = deploy.headline()
        out["deployment"] = _deployment(deploy)
    if remedies:
        out["remedies"] = [{"status": m.reason.status, "message": m.reason.message,
                            "action": m.action, "why": m.why} for m in remedies]
    return out


def verdict_json(verdict: Verdict, deploy: Deployability | None = None,
                 remedies: tuple[Remedy, ...] = ()) -> dict:
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
    } | honest_json(deploy, remedies)


def deployment_lines(deploy: Deployability) -> list[str]:
    """How each rule can be deployed on the chosen release (the Rules panel's words)."""
    if not deploy.rules:
        return []
    needed = {d.rule.register for d in deploy.needed}
    lines = [f"Deploying the rules on {deploy.title}: {deploy.summary_line()}"]
    for d in deploy.rules:
        state = ("" if d.rule.register in needed else
                 " [disabled]" if not d.rule.enabled else " [not needed here]")
        lines.append(f"  {d.rule.describe()}: {d.how}{state} — {d.reason} ({d.evidence})")
    return lines


def remedy_lines(remedies: tuple[Remedy, ...]) -> list[str]:
    """What would fix the problems no cpreg rule can fix."""
    if not remedies:
        return []
    lines = ["No cpreg rule can fix:"]
    for m in remedies:
        lines += [f"  {m.reason.message}", f"    → {m}"]
    return lines


def verdict_text(verdict: Verdict, deploy: Deployability | None = None,
                 remedies: tuple[Remedy, ...] = ()) -> list[str]:
    """Human lines: the verdict (honestly: as it is, and with the rules built in, when a
    Deployability is given), why this policy, blocking reasons, warnings, what was not
    examined, tolerances, how each rule deploys and what would fix the rest."""
    head = "ACCEPTED" if verdict.accepted else "REJECTED"
    if deploy is not None:
        head = deploy.headline()
    else:
        head += f" by {verdict.policy.title}"
    blocking, unexamined = verdict.reasons, verdict.unexamined
    lines = [f"{head} ({verdict.policy.name}: {verdict.policy_reason})"]
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
    if deploy is not None:
        lines += deployment_lines(deploy)
    return lines + remedy_lines(remedies)


def _where(reason: Reason) -> str:
    if reason.name and reason.message.startswith(f"{reason.name}:"):
        return f"vCPU {reason.vcpu}: " if reason.vcpu is not None else ""
    parts = []
    if reason.vcpu is not None:
        parts.append(f"vCPU {reason.vcpu}")
    if reason.name:
        parts.append(reason.name)
    return (" ".join(parts) + ": ") if parts else ""

"""A Markdown report of one pair: sources, verdict, blocking registers, rules, tolerated rows.

Meant for a bug report or a review: everything a maintainer needs to judge a proposed
tolerance without running the tool — which QEMU behaviour was modelled, what failed, which
rule covers which row and why, whether that QEMU accepts the stream as it is or only once the
rules are built into it (and what each rule takes on that release: advice/deployability.py),
and what would fix the problems no cpreg rule can (advice/remedy.py).
"""

from __future__ import annotations

from app.model.advice.deployability import Deployability, assess
from app.model.advice.remedy import Remedy, remedies
from app.model.compare.diff import Status
from app.model.exporters.result import Exporter, ExportResult
from app.model.registers.regid import format_id
from app.model.rules.ruleset import RuleSet
from app.model.sources.register_set import RegisterSet
from app.model.verdict.qemu_log import qemu_log


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _source(label: str, regs: RegisterSet) -> str:
    p = regs.provenance
    counts = "/".join(str(n) for n in sorted({len(c) for c in regs.vcpus}))
    return (f"| {label} | `{_cell(p.path)}` | {p.format} | {p.machine or '?'} | "
            f"{p.writer or '?'} | {p.accel} | {len(regs.vcpus)} | {counts} |")


def _deployment(deploy: Deployability) -> list[str]:
    if not deploy.rules:
        return []
    needed = {d.rule.register for d in deploy.needed}
    out = [f"### Deploying the rules on {deploy.title}", "", f"{deploy.summary_line()}.", "",
           "| register | type | needed | deployment | why | evidence |",
           "|---|---|---|---|---|---|"]
    out += [f"| {_cell(d.rule.name)} | {d.rule.type.value} | "
            f"{'yes' if d.rule.register in needed else 'no'} | {d.how} | "
            f"{_cell(d.reason)} | {_cell(d.evidence)} |" for d in deploy.rules]
    return [*out, ""]


def _remedies(fixes: tuple[Remedy, ...]) -> list[str]:
    if not fixes:
        return []
    out = ["### No cpreg rule can fix", "", "| problem | what would | why |", "|---|---|---|"]
    out += [f"| {_cell(m.reason.message)} | {_cell(m.action or 'no known fix')} | "
            f"{_cell(m.why)} |" for m in fixes]
    return [*out, ""]


def render(ruleset: RuleSet, *, src: RegisterSet, dst: RegisterSet, verdict) -> ExportResult:
    out = ["# Cpreg migration report", ""]
    out += ["| side | file | format | machine | writer | accel | vCPUs | cpregs/vCPU |",
            "|---|---|---|---|---|---|---|---|",
            _source("source (incoming)", src), _source("destination (local)", dst), ""]
    verb = "**accepted**" if verdict.accepted else "**rejected**"
    deploy = assess(src, dst, verdict, ruleset)
    once = " — only once the rules are built into it" if deploy.as_is is False and \
        verdict.accepted else ""
    out += [f"## Verdict: {verb} by {verdict.policy.title}{once}", "",
            f"**{_cell(deploy.headline())}**", "",
            f"Policy `{verdict.policy.name}` ({_cell(verdict.policy_reason)}).", ""]
    out += _deployment(deploy)
    out += _remedies(remedies(verdict.reasons, src, verdict.policy, dst))
    if verdict.reasons:
        out += ["### Blocking", "", "| vCPU | register | id | status | message | reached |",
                "|---|---|---|---|---|---|"]
        out += [f"| {r.vcpu if r.vcpu is not None else '-'} | {_cell(r.name or '-')} | "
                f"{format_id(r.register) if r.register is not None else '-'} | {r.status} | "
                f"{_cell(r.message)} | {'yes' if r.reached else 'no (QEMU stops earlier)'} |"
                for r in verdict.reasons]
        out.append("")
    log = qemu_log(verdict)
    if log:
        out += ["### What the destination QEMU prints", "", "```", *log, "```", ""]
    counts: dict[str, int] = {}
    for rv in verdict.rows:
        counts[rv.row.status.value] = counts.get(rv.row.status.value, 0) + 1
    out += ["## Diff", "", "| status | rows |", "|---|---|"]
    out += [f"| {s.value} | {counts.get(s.value, 0)} |" for s in Status]
    out += ["", f"Warnings (registers skipped, deprecations): {len(verdict.warnings)}.", ""]
    out += ["## Rules", ""]
    if ruleset.rules:
        out += ["| register | id | type | mask | value | enabled | reason |",
                "|---|---|---|---|---|---|---|"]
        out += [f"| {_cell(r.name)} | {format_id(r.register)} | {r.type.value} | "
                f"{r.mask:#x} | {r.value:#x} | {'yes' if r.enabled else 'no'} | "
                f"{_cell(r.reason)} |" for r in ruleset.rules]
    else:
        out.append("No rules.")
    out.append("")
    if verdict.tolerated:
        out += ["## Tolerated rows", "", "| vCPU | register | status | rule | built in |",
                "|---|---|---|---|---|"]
        out += [f"| {rv.row.vcpu} | {_cell(rv.rule.name)} | {rv.row.status.value} | "
                f"{rv.rule.type.value} | {'yes' if rv.by_policy else 'no'} |"
                for rv in verdict.tolerated]
        out.append("")
    return ExportResult("\n".join(out))


EXPORTER = Exporter("markdown", ".md", "Markdown report of the diff, rules and verdict", render,
                    needs=("src", "dst", "verdict"))

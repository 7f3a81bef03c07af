"""A Markdown report of one pair: sources, verdict, blocking registers, rules, tolerated rows.

Meant for a bug report or a review: everything a maintainer needs to judge a proposed
tolerance without running the tool — which QEMU behaviour was modelled, what failed, which
rule covers which row and why.
"""

from __future__ import annotations

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


def render(ruleset: RuleSet, *, src: RegisterSet, dst: RegisterSet, verdict) -> ExportResult:
    out = ["# Cpreg migration report", ""]
    out += ["| side | file | format | machine | writer | accel | vCPUs | cpregs/vCPU |",
            "|---|---|---|---|---|---|---|---|",
            _source("source (incoming)", src), _source("destination (local)", dst), ""]
    verb = "**accepted**" if verdict.accepted else "**rejected**"
    out += [f"## Verdict: {verb} by {verdict.policy.title}", "",
            f"Policy `{verdict.policy.name}` ({_cell(verdict.policy_reason)}).", ""]
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

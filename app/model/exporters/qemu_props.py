"""qemu-props: the v6 ARM CPU array properties as QEMU command-line options.

Property names and driver come from the v6 series: ``DEFINE_PROP_ARRAY("x-mig-hidden-regs"``
and ``"x-mig-safe-missing-regs"`` on TYPE_ARM_CPU (07/11), whose global spelling QEMU prints as
``arm-cpu.x-mig-safe-missing-regs=...`` (10/11). Elements are uint64 ids (names are not
accepted) in a comma-separated list, as in 07/11's ``"0x603000000013c103, 0x603000000013c512"``;
we write ``0x...,0x...`` without the space so the option needs no shell quoting.

Two spellings are written:
- ``-global arm-cpu.PROP=LIST`` — always valid: -global takes everything after ``=`` as the
  value. One option per property: an array property "may not be set more than once" (10/11).
- ``-cpu host,PROP=ID`` — QEMU's cpu_common_parse_features splits -cpu options at every comma,
  so this form only exists while each list holds a single register; otherwise a comment says so.
Rules of other types, and disabled rules, are skipped with a comment and an Unexpressible.
"""

from __future__ import annotations

from app.model.exporters.result import Exporter, ExportResult, Unexpressible
from app.model.registers.regid import format_id
from app.model.rules.c_syntax import escape
from app.model.rules.rule import RuleType
from app.model.rules.ruleset import RuleSet

DRIVER = "arm-cpu"
PROPERTIES = {
    RuleType.HIDDEN: "x-mig-hidden-regs",
    RuleType.SAFE_MISSING: "x-mig-safe-missing-regs",
}
HEADER = "# QEMU ARM CPU properties (x-mig-hidden-regs, x-mig-safe-missing-regs; v6 series)"


def render(ruleset: RuleSet) -> ExportResult:
    lines = [HEADER, "# written by Cpreg Explorer"]
    skipped: list[Unexpressible] = []
    lists: dict[str, list[int]] = {prop: [] for prop in PROPERTIES.values()}
    for rule in ruleset:
        if not rule.enabled:
            why = "disabled"
        elif rule.type not in PROPERTIES:
            why = "not expressible as a QEMU property (use the qemu-c export)"
        else:
            lists[PROPERTIES[rule.type]].append(rule.register)
            reason = f": {escape(rule.reason)}" if rule.reason else ""
            lines.append(f"# {rule.type.value}: {format_id(rule.register)} "
                         f"{escape(rule.name)}{reason}")
            continue
        skipped.append(Unexpressible(rule, why))
        lines.append(f"# {why}: {escape(rule.describe())}")
    used = {prop: ids for prop, ids in lists.items() if ids}
    if not used:
        lines.append("# no enabled hidden or safe-missing rules: nothing to set")
        return ExportResult("\n".join(lines) + "\n", tuple(skipped))
    for prop, ids in used.items():
        lines.append(f"-global {DRIVER}.{prop}=" + ",".join(format_id(i) for i in ids))
    crowded = [prop for prop, ids in used.items() if len(ids) > 1]
    if crowded:
        lines.append(f"# no -cpu form: {', '.join(crowded)} lists several registers and "
                     "-cpu splits its options at every comma; use the -global form")
    else:
        opts = ",".join(f"{prop}={format_id(ids[0])}" for prop, ids in used.items())
        lines.append("# or, on the -cpu option (replace host with your CPU model):")
        lines.append(f"-cpu host,{opts}")
    return ExportResult("\n".join(lines) + "\n", tuple(skipped))


EXPORTER = Exporter("qemu-props", ".txt",
                    "QEMU options: -global arm-cpu.x-mig-hidden-regs / x-mig-safe-missing-regs",
                    render)

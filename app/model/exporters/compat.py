"""compat: virt machine-type compat registrations (v6 10/11, include/hw/arm/virt.h).

``arm_virt_compat_register_hidden_reg(vmc, id)`` and
``arm_virt_compat_register_safe_missing_reg(vmc, id)`` go in a ``virt_machine_<n>_options()``
with ``vmc = VIRT_MACHINE_CLASS(OBJECT_CLASS(mc))``; QEMU aggregates them into the
x-mig-hidden-regs / x-mig-safe-missing-regs globals. Only those two rule types exist there.
The helpers take ``int64_t regidx``, so an id >= 2**63 is reported as unexpressible.
Disabled rules are written commented out (``// disabled: ``).
"""

from __future__ import annotations

from app.model.exporters.result import Exporter, ExportResult, Unexpressible
from app.model.rules.c_syntax import escape
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet

HELPERS = {
    RuleType.HIDDEN: "arm_virt_compat_register_hidden_reg",
    RuleType.SAFE_MISSING: "arm_virt_compat_register_safe_missing_reg",
}
HEADER = ("/* virt machine compat registrations (v6 series), written by Cpreg Explorer: call "
          "from virt_machine_<n>_options(mc), vmc = VIRT_MACHINE_CLASS(OBJECT_CLASS(mc)) */")
INT64_LIMIT = 1 << 63


def call_line(rule: Rule) -> str:
    """``helper(vmc, 0x... /* NAME */);`` plus ``/* reason */`` when there is one."""
    line = f"{HELPERS[rule.type]}(vmc, 0x{rule.register:016x} /* {escape(rule.name)} */);"
    if rule.reason:
        line += f" /* {escape(rule.reason)} */"
    return line if rule.enabled else "// disabled: " + line


def _why_not(rule: Rule) -> str | None:
    if rule.type not in HELPERS:
        return "not expressible as a virt compat registration (use the qemu-c export)"
    if rule.register >= INT64_LIMIT:
        return "register id does not fit the helpers' int64_t regidx"
    return None


def render(ruleset: RuleSet) -> ExportResult:
    lines = [HEADER]
    skipped: list[Unexpressible] = []
    for rule in ruleset:
        why = _why_not(rule)
        if why:
            skipped.append(Unexpressible(rule, why))
            lines.append(f"/* {why}: {escape(rule.describe())} */")
        else:
            lines.append(call_line(rule))
    return ExportResult("\n".join(lines) + "\n", tuple(skipped))


EXPORTER = Exporter("compat", ".c", "QEMU virt compat: arm_virt_compat_register_*_reg() calls",
                    render)

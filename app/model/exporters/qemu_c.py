"""qemu-c: ``arm_register_cpreg_mig_tolerance()`` calls, one per QEMU tolerance rule.

Line shape (v10 1/7 signature: cpu, kvmidx, mask, value, type)::

    arm_register_cpreg_mig_tolerance(cpu, 0x603000000013c030ULL, 0x...ULL, 0x...ULL,
                                     ToleranceDiffInMask); /* ID_AA64ISAR0_EL1: reason */

(on one line). Disabled rules are written commented out with ``// disabled: `` so they survive
a round trip through ``qemu_c_import``. hidden/safe-missing rules are CPU properties, not
tolerances: they get a comment line and an ``Unexpressible`` entry. v10 still asserts
``type == ToleranceNotOnBothEnds || type == ToleranceOnlySrcTestValue`` at registration, so
value tolerances are exported but flagged in a note.
"""

from __future__ import annotations

from app.model.exporters.result import Exporter, ExportResult, Unexpressible
from app.model.rules.c_syntax import CALL, DISABLED, escape
from app.model.rules.rule import Rule, RuleType
from app.model.rules.ruleset import RuleSet

HEADER = (f"/* QEMU cpreg migration tolerances ({CALL}, v10 series), "
          "written by Cpreg Explorer */")
VALUE_TOLERANCES = (RuleType.DIFF_IN_MASK, RuleType.FIELD_LT, RuleType.FIELD_GT)
V10_NOTE = (f"QEMU v10 {CALL}() asserts type is ToleranceNotOnBothEnds or "
            "ToleranceOnlySrcTestValue; the value tolerances here (DiffInMask, FieldLT, "
            "FieldGT) need a QEMU that accepts them")


def comment(rule: Rule) -> str:
    """``/* NAME: reason */`` (``/* NAME */`` without a reason), escaped to one line."""
    body = escape(rule.name) + (f": {escape(rule.reason)}" if rule.reason else "")
    return f"/* {body} */"


def call_line(rule: Rule) -> str:
    """The registration call for a tolerance rule, commented out when the rule is disabled."""
    line = (f"{CALL}(cpu, 0x{rule.register:016x}ULL, 0x{rule.mask:016x}ULL, "
            f"0x{rule.value:016x}ULL, {rule.type.qemu_tolerance}); {comment(rule)}")
    return line if rule.enabled else DISABLED + line


def render(ruleset: RuleSet) -> ExportResult:
    lines = [HEADER]
    skipped: list[Unexpressible] = []
    notes: list[str] = []
    if any(r.enabled and r.type in VALUE_TOLERANCES for r in ruleset):
        notes.append(V10_NOTE)
        lines.append(f"/* note: {V10_NOTE} */")
    for rule in ruleset:
        if rule.type.qemu_tolerance is None:
            why = "not expressible as a QEMU tolerance (use the qemu-props or compat export)"
            skipped.append(Unexpressible(rule, why))
            lines.append(f"/* {why}: {escape(rule.describe())} */")
        else:
            lines.append(call_line(rule))
    return ExportResult("\n".join(lines) + "\n", tuple(skipped), tuple(notes))


EXPORTER = Exporter("qemu-c", ".c", "QEMU C: arm_register_cpreg_mig_tolerance() calls", render)

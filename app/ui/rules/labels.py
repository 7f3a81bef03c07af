"""Words for the rule types: what each one tells the destination QEMU, the labels of the
rules a row offers (the row context menu, the details panel's buttons), how a rule can be
deployed on the chosen release (the Rules panel's Deploy column and tooltip), and what the
verdict makes of the row the details panel shows.

Only phrasing: which rules a row offers comes from app.model.rules.draft, how a rule deploys
from app.model.advice.deployability, a row's outcome from the verdict's Summary.
"""

from __future__ import annotations

from app.model.advice.deployability import RuleDeployment
from app.model.registers.fields import Field
from app.model.rules.draft import covered_fields
from app.model.rules.rule import Rule, RuleType
from app.model.verdict.cpreg_load import RowVerdict
from app.ui.table.annotations import rule_text

T = RuleType
USES_MASK = {T.ONLY_SRC_TEST_VALUE, T.DIFF_IN_MASK, T.FIELD_LT, T.FIELD_GT}
USES_VALUE = {T.ONLY_SRC_TEST_VALUE, T.FIELD_LT, T.FIELD_GT}
MEANING = {  # what the destination QEMU does with each type (see app.model.rules.rule)
    T.NOT_ON_BOTH_ENDS: "Tolerated whenever the register is on one side only.",
    T.ONLY_SRC_TEST_VALUE: "Tolerated while (incoming & mask) == value; the destination "
                           "does not have the register.",
    T.DIFF_IN_MASK: "Tolerated when incoming and local differ only in the mask's bits.",
    T.FIELD_LT: "Tolerated when (incoming & mask) < value — value unshifted, as QEMU "
                "compares it — and every bit outside the mask is equal.",
    T.FIELD_GT: "Tolerated when (incoming & mask) > value — value unshifted, as QEMU "
                "compares it — and every bit outside the mask is equal.",
    T.HIDDEN: "Left out of the migrated cpreg list on both ends (x-mig-hidden-regs).",
    T.SAFE_MISSING: "Ignored when only the incoming stream has it; also widens QEMU ≤ 10's "
                    "array-length bound (x-mig-safe-missing-regs).",
}


def _exact_field(rule: Rule, accel: str) -> Field | None:
    return next((f for f in covered_fields(rule.register, rule.mask, accel)
                 if f.mask == rule.mask), None)


def short_label(rule: Rule, accel: str) -> str:
    """Compact button text for the details panel, e.g. ``field-lt: MMapTrc < 0x2…``."""
    field = _exact_field(rule, accel)
    t, name = rule.type, field.name if field else f"{rule.mask:#x}"
    bound = rule.value >> (field.lsb if field else 0)
    text = {T.ONLY_SRC_TEST_VALUE: f"{t.value} = {rule.value:#x}",
            T.DIFF_IN_MASK: f"{t.value}: {name if field else 'whole register'}",
            T.FIELD_LT: f"{t.value}: {name} < {bound:#x}",
            T.FIELD_GT: f"{t.value}: {name} > {bound:#x}"}.get(t, t.value)
    return text + "…"


def label(rule: Rule, accel: str) -> str:
    """Menu text for a drafted rule, with an & mnemonic."""
    field = _exact_field(rule, accel)
    where = f"{field.name} [{field.msb}:{field.lsb}]" if field else f"{rule.mask:#x}"
    text = {
        T.NOT_ON_BOTH_ENDS: "&Not on both ends (not-on-both-ends)",
        T.ONLY_SRC_TEST_VALUE: f"&Only while incoming = {rule.value:#x} (only-src-test-value)",
        T.SAFE_MISSING: "&Safe to miss (safe-missing)",
        T.HIDDEN: "&Hidden on both ends (hidden)",
        T.FIELD_LT: f"Field {where} &below {rule.value >> (field.lsb if field else 0):#x} "
                    "(field-lt)",
        T.FIELD_GT: f"Field {where} &above {rule.value >> (field.lsb if field else 0):#x} "
                    "(field-gt)",
    }.get(rule.type, rule.type.value)
    if rule.type is T.DIFF_IN_MASK:
        text = (f"Diff in mask, &field {where} (diff-in-mask)" if field
                else "Diff in &mask, whole register (diff-in-mask)")
    return text + "…"


def deploy_text(deployment: RuleDeployment | None) -> str:
    """The Deploy column: the model's words ("needs C registration", "not expressible"…)."""
    return deployment.how.value if deployment is not None else "—"


def rule_tooltip(rule: Rule, deployment: RuleDeployment | None) -> str:
    """A rule row's tooltip (plain text): its reason, then how it reaches the destination."""
    parts = [rule.reason] if rule.reason else []
    if deployment is not None:
        parts.append(f"Deploy: {deployment.how} — {deployment.reason}.")
        if deployment.option:
            parts.append(f"Option: {deployment.option}")
        parts.append(f"Evidence: {deployment.evidence}")
    return "\n".join(parts)


def effect_text(rv: RowVerdict | None, title: str) -> str:
    """What the verdict makes of one row, for the details panel's status line
    ("tolerated by rule: safe-missing", "blocks the migration"…); "" when nothing happens."""
    if rv is None:
        return ""
    if rv.outcome == "tolerated" and rv.rule is not None:
        if rv.by_policy:
            return f"tolerated by {title} itself ({rv.rule.type.value})"
        return f"tolerated by rule: {rule_text(rv.rule)}"
    return {"blocking": f"blocks the migration into {title}",
            "ignored": "never examined by QEMU",
            "warning": f"{title} goes on with its own value",
            "unknown": "value unknown: cannot tell what QEMU does"}.get(rv.outcome, "")

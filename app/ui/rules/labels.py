"""Words for the rule types: what each one tells the destination QEMU, and the labels of
the rules a row offers (the row context menu, the details panel's buttons).

Only phrasing: which rules a row offers comes from app.model.rules.draft.
"""

from __future__ import annotations

from app.model.registers.fields import Field
from app.model.rules.draft import covered_fields
from app.model.rules.rule import Rule, RuleType

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

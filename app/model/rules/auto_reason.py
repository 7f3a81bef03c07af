"""The reason a rule drafted from a diff row carries, for the rule as it now stands.

A draft (``draft.draft``) pre-fills mask, value and a reason that quotes them; once the user
edits the mask or the bound, that reason would describe a rule that no longer exists. This
words the reason from the rule's own mask and value (and says when they no longer tolerate the
row the rule was drafted for), so the rule dialog can keep an untouched reason in step. Qt-free.
"""

from __future__ import annotations

from dataclasses import replace

from app.model.compare.diff import DiffRow
from app.model.registers import regdb
from app.model.rules.draft import covered_fields, draft, register_mask
from app.model.rules.rule import Rule, RuleType, tolerates

T = RuleType
_FULL = (1 << 64) - 1


def _where(rule: Rule, accel: str) -> str:
    """The bits a mask covers, by field name where it covers whole fields."""
    if rule.mask == register_mask(rule.register, accel):
        return "the whole register"
    fields = covered_fields(rule.register, rule.mask, accel)
    exact = [f for f in fields if f.mask == rule.mask]
    if exact:
        return f"{exact[0].name} [{exact[0].msb}:{exact[0].lsb}]"
    names = [f.name + ("" if rule.mask & f.mask == f.mask else " (part)") for f in fields]
    return f"bits {rule.mask:#x}" + (f" ({', '.join(names)})" if names else "")


def _bound(rule: Rule, accel: str) -> str:
    """A field rule's bound as the field holds it, or unshifted when the mask is no field."""
    word = "below" if rule.type is T.FIELD_LT else "above"
    field = next((f for f in covered_fields(rule.register, rule.mask, accel)
                  if f.mask == rule.mask), None)
    if field is None:
        return f"incoming & {rule.mask:#x} {word} {rule.value:#x}"
    return (f"an incoming {field.name} [{field.msb}:{field.lsb}] {word} "
            f"{rule.value >> field.lsb:#x}")


def auto_reason(row: DiffRow, rule: Rule, accel: str = "unknown") -> str:
    """The drafted reason when ``rule`` is still the draft for ``row``, else one worded from
    the rule's mask and value; it says so when the rule no longer tolerates ``row``."""
    for field in [None, *covered_fields(rule.register, rule.mask, accel)]:
        drafted = draft(row, rule.type, accel, field)
        if (drafted is not None and (drafted.mask, drafted.value) == (rule.mask, rule.value)
                and tolerates(drafted, row.status, row.src, row.dst)):
            return drafted.reason
    name = regdb.lookup(row.id, accel).name
    t = rule.type
    if t is T.DIFF_IN_MASK and row.src is not None and row.dst is not None:
        text = (f"{name} differs ({row.src:#x} incoming vs {row.dst:#x} here); tolerate "
                f"differences in {_where(rule, accel)}")
    elif t in (T.FIELD_LT, T.FIELD_GT):
        text = f"{name}: tolerate {_bound(rule, accel)}; every other bit must match"
    elif t is T.ONLY_SRC_TEST_VALUE:
        held = (f"it holds {rule.value:#x}" if rule.mask == _FULL
                else f"incoming & {rule.mask:#x} is {rule.value:#x}")
        text = (f"{name} is only in the incoming stream: ignore it only while {held}, so a "
                "guest that changed it still fails loudly")
    else:  # no mask or value to word: the draft's reason (or none without a draft)
        drafted = draft(row, t, accel)
        return drafted.reason if drafted is not None else ""
    if not tolerates(replace(rule, enabled=True), row.status, row.src, row.dst):
        text += f" (as entered it does not tolerate vCPU {row.vcpu}'s difference)"
    return text

"""Rule drafts: the rules that make sense for one diff row, pre-filled and with a reason.

Clicking "add a rule" on a row should offer only rules that would tolerate that very row:

* unexpected (only in the incoming stream): not-on-both-ends, only-src-test-value pinned to
  the source's value, safe-missing, hidden;
* missing (only on the destination): not-on-both-ends, hidden;
* value mismatch: diff-in-mask over the whole register or over one field, field-lt / field-gt
  on that field with the nearest bound that still tolerates the current difference. QEMU's
  FieldLT/GT compare ``incoming & mask`` with ``value`` *unshifted*, so the bound is the field
  value shifted into place, and every bit outside the mask must match.

The field is the one asked for when it holds every differing bit, else the narrowest field
that does. Every candidate is checked with ``rule.tolerates`` before it is offered. Qt-free.
"""

from __future__ import annotations

from app.model.compare.diff import DiffRow, Status
from app.model.registers import regdb
from app.model.registers.fields import Field, field_safety_direction
from app.model.rules.rule import U64_LIMIT, Rule, RuleType, tolerates

T = RuleType
SENSIBLE: dict[Status, tuple[RuleType, ...]] = {
    Status.UNEXPECTED: (T.NOT_ON_BOTH_ENDS, T.ONLY_SRC_TEST_VALUE, T.SAFE_MISSING, T.HIDDEN),
    Status.MISSING: (T.NOT_ON_BOTH_ENDS, T.HIDDEN),
    Status.VALUE_MISMATCH: (T.DIFF_IN_MASK, T.FIELD_LT, T.FIELD_GT),
}
FIELD_TYPES = (T.FIELD_LT, T.FIELD_GT)


def register_mask(reg_id: int, accel: str = "unknown") -> int:
    """Every bit of the register (its width from the register database)."""
    bits = regdb.lookup(reg_id, accel).encoding.size_bits or 64
    return (1 << min(bits, 64)) - 1


def field_for(row: DiffRow, accel: str, preferred: str | None = None) -> Field | None:
    """The field a field rule for ``row`` is about: ``preferred`` when every differing bit is
    inside it, else the narrowest named field that holds them all (None when none does)."""
    if row.src is None or row.dst is None or row.src == row.dst:
        return None
    differing = row.src ^ row.dst
    fields = [f for f in regdb.fields_of(row.id, accel)
              if f.reserved is None and not differing & ~f.mask]
    chosen = next((f for f in fields if f.name == preferred), None)
    return chosen or min(fields, key=lambda f: f.width, default=None)


def covered_fields(reg_id: int, mask: int, accel: str = "unknown") -> tuple[Field, ...]:
    """Fields of the register that ``mask`` touches, highest bits first."""
    return tuple(f for f in regdb.fields_of(reg_id, accel) if f.mask & mask)


def _caution(name: str, f: Field, src: int, dst: int) -> str:
    s, d = f.extract(src), f.extract(dst)
    if field_safety_direction(f, s, d) != "unsafe":
        return ""
    return (f". Caution: the kernel's {f.safety} rule makes {f.name} {s}->{d} unsafe for a "
            "guest that saw the source's value")


def _value_rule(row: DiffRow, src: int, dst: int, rule_type: RuleType, name: str,
                f: Field | None, accel: str) -> Rule | None:
    """A value tolerance for ``row``, whose values ``src`` and ``dst`` are both known."""
    seen = f"{src:#x} incoming vs {dst:#x} here"
    if rule_type is T.DIFF_IN_MASK and f is None:
        return Rule(row.id, rule_type, register_mask(row.id, accel), 0, reason=(
            f"{name} differs ({seen}); tolerate any difference in the whole register"))
    if f is None:
        return None
    where = f"{f.name} [{f.msb}:{f.lsb}]"
    seen = f"{f.raw(src):#x} incoming vs {f.raw(dst):#x} here"
    caution = _caution(name, f, src, dst)
    if rule_type is T.DIFF_IN_MASK:
        return Rule(row.id, rule_type, f.mask, 0, reason=(
            f"{name} differs only in {where} ({seen}); tolerate differences there{caution}"))
    raw = f.raw(src)
    bound = raw + 1 if rule_type is T.FIELD_LT else raw - 1
    if bound < 0 or bound << f.lsb >= U64_LIMIT or bound > f.mask >> f.lsb:
        return None  # no bound the field can hold tolerates the current value
    word = "below" if rule_type is T.FIELD_LT else "above"
    return Rule(row.id, rule_type, f.mask, bound << f.lsb, reason=(
        f"{name}: tolerate an incoming {where} {word} {bound:#x} ({seen}); every other bit "
        f"must match{caution}"))


def draft(row: DiffRow, rule_type: RuleType, accel: str = "unknown",
          field: Field | None = None) -> Rule | None:
    """A rule of ``rule_type`` for ``row``'s register, pre-filled from ``row`` (None when the
    type cannot be filled from it, e.g. only-src-test-value without a source value)."""
    name = regdb.lookup(row.id, accel).name
    if rule_type in (T.DIFF_IN_MASK, T.FIELD_LT, T.FIELD_GT):
        if row.src is None or row.dst is None:
            return None
        return _value_rule(row, row.src, row.dst, rule_type, name, field, accel)
    value = row.src if row.src is not None else row.dst
    shown = f"{value:#x}" if value is not None else "no recorded value"
    if rule_type is T.NOT_ON_BOTH_ENDS:
        where = ("only in the incoming stream" if row.status is Status.UNEXPECTED
                 else "only on the destination")
        return Rule(row.id, rule_type, reason=(
            f"{name} is {where} ({shown}); the destination keeps its own state for it"))
    if rule_type is T.ONLY_SRC_TEST_VALUE:
        if row.src is None:
            return None
        return Rule(row.id, rule_type, (1 << 64) - 1, row.src, reason=(
            f"{name} is only in the incoming stream: ignore it only while it holds {shown}, so "
            "a guest that changed it still fails loudly"))
    if rule_type is T.SAFE_MISSING:
        return Rule(row.id, rule_type, reason=(
            f"{name} is only in the incoming stream ({shown}); declare it safe to ignore "
            "(x-mig-safe-missing-regs), which also lets the longer incoming array load"))
    return Rule(row.id, rule_type, reason=(
        f"{name}: keep it out of the migrated cpreg list on both ends (x-mig-hidden-regs)"))


def candidates(row: DiffRow, accel: str = "unknown",
               preferred_field: str | None = None) -> tuple[Rule, ...]:
    """Every sensible rule for ``row`` that tolerates it, in the order a menu lists them."""
    field = field_for(row, accel, preferred_field)
    out: list[Rule] = []
    for rule_type in SENSIBLE.get(row.status, ()):
        fields = [None, field] if rule_type is T.DIFF_IN_MASK else [field]
        for f in fields:
            rule = draft(row, rule_type, accel, f)
            if (rule is not None and rule not in out
                    and tolerates(rule, row.status, row.src, row.dst)):
                out.append(rule)
    return tuple(out)

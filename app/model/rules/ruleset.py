"""RuleSet: the ordered, immutable collection of rules a user builds, saves and exports.

Like QEMU's ``arm_register_cpreg_mig_tolerance`` (which asserts on a second tolerance for the
same kvmidx), a RuleSet holds at most one rule per register; adding another is a RuleError.
Every change returns a new RuleSet, so undo/redo is plain value swapping (see edits.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from app.model.errors import RuleError
from app.model.registers.regid import format_id
from app.model.rules.rule import Rule, RuleType, register_name
from app.model.sources.register_set import RegisterSet, VCpu


def _duplicate(rule: Rule) -> RuleError:
    return RuleError(f"duplicate rule for {register_name(rule.register)} "
                     f"({format_id(rule.register)})", expected="one rule per register")


@dataclass(frozen=True)
class RuleSet:
    """Rules in user order; order is kept in files and exports, never re-sorted."""

    rules: tuple[Rule, ...] = ()

    def __post_init__(self):
        rules = tuple(self.rules)
        object.__setattr__(self, "rules", rules)
        seen: set[int] = set()
        for rule in rules:
            if not isinstance(rule, Rule):
                raise TypeError(f"RuleSet holds Rule objects, not {type(rule).__name__}")
            if rule.register in seen:
                raise _duplicate(rule)
            seen.add(rule.register)

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __contains__(self, register: object) -> bool:
        return any(r.register == register for r in self.rules)

    def get(self, register: int) -> Rule | None:
        """The rule for ``register``, None when there is none."""
        for rule in self.rules:
            if rule.register == register:
                return rule
        return None

    def index_of(self, register: int) -> int:
        """Position of the rule for ``register`` (KeyError when absent)."""
        for i, rule in enumerate(self.rules):
            if rule.register == register:
                return i
        raise KeyError(f"no rule for {format_id(register)}")

    def with_rule(self, rule: Rule, index: int | None = None) -> RuleSet:
        """A copy with ``rule`` appended (or inserted at ``index``); RuleError if a duplicate."""
        if rule.register in self:
            raise _duplicate(rule)
        rules = list(self.rules)
        rules.insert(len(rules) if index is None else index, rule)
        return RuleSet(tuple(rules))

    def with_rules(self, rules: Iterable[Rule]) -> RuleSet:
        """A copy with all ``rules`` appended, all or nothing."""
        return RuleSet(self.rules + tuple(rules))

    def without(self, register: int) -> RuleSet:
        """A copy without the rule for ``register`` (KeyError when absent)."""
        i = self.index_of(register)
        return RuleSet(self.rules[:i] + self.rules[i + 1:])

    def replaced(self, register: int, rule: Rule) -> RuleSet:
        """A copy where ``rule`` takes the place of the rule for ``register``."""
        i = self.index_of(register)
        return RuleSet((*self.rules[:i], rule, *self.rules[i + 1:]))

    def enabled(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.enabled)

    def ids_of(self, rule_type: RuleType) -> frozenset[int]:
        """Registers with an enabled rule of ``rule_type``."""
        return frozenset(r.register for r in self.rules if r.enabled and r.type is rule_type)

    def hidden_ids(self) -> frozenset[int]:
        return self.ids_of(RuleType.HIDDEN)


def apply_hidden(ruleset: RuleSet, regs: RegisterSet) -> RegisterSet:
    """``regs`` without the registers enabled ``hidden`` rules name, on every vCPU.

    x-mig-hidden-regs keeps a register out of the cpreg list QEMU builds (v6 03/11:
    kvm_arm_init_cpreg_list / add_cpreg_to_list skip it), so with the property set on both
    ends the register never reaches cpu_post_load. Apply this to both sides before diffing.
    """
    hidden = ruleset.hidden_ids()
    if not hidden:
        return regs
    vcpus = []
    for cpu in regs.vcpus:
        kept = [(i, v) for i, v in cpu.items() if i not in hidden]
        vcpus.append(VCpu(cpu.index, tuple(i for i, _ in kept), tuple(v for _, v in kept)))
    return replace(regs, vcpus=tuple(vcpus))

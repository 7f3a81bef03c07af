"""Merging the rules ``suggest`` proposes per pair into one rule per register.

QEMU registers one tolerance per register id, so proposals for the same register from
different pairs become one rule:

* presence rules (a register only in some incoming streams) take the broadest type any pair
  needs: safe-missing (it also widens the array bound 7.2/10.0 check) over not-on-both-ends
  over only-src-test-value. only-src-test-value (0 under a full mask) stays only while every
  host of every source group that needs it sends 0 on every vCPU — members of one group may
  differ in run-time state values — else it becomes not-on-both-ends;
* diff-in-mask rules take the union of the masks;
* a register one pair needs a presence rule for and another a value rule for keeps the kind
  more pairs need; the others are left unfixed, with that reason.

A merged rule must not tolerate a row ``suggest`` refused in a guarded pair (diff-in-mask is
symmetric: the mask that lets A's field into B also lets B's into A). The mask loses every
field whose change is unsafe in a refused pair; a rule with nothing left, or a presence rule
on a refused register, is dropped. The pairs that needed it keep the refusal as their reason
should the re-check still reject them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.model.advice.suggest import FULL_MASK
from app.model.fleet.proposal import Proposal
from app.model.registers import regdb
from app.model.registers.fields import field_safety_direction
from app.model.rules.rule import Rule, RuleType, register_name, tolerates
from app.model.sources.register_set import RegisterSet

Pair = tuple[int, int]
PRESENCE = (RuleType.SAFE_MISSING, RuleType.NOT_ON_BOTH_ENDS, RuleType.ONLY_SRC_TEST_VALUE)


def _sends_only_zero(reg_id: int, hosts: Sequence[RegisterSet]) -> bool:
    for regs in hosts:
        for cpu in regs.vcpus:
            for i, value in zip(cpu.ids, cpu.values, strict=True):
                if i == reg_id and value != 0:
                    return False
    return True


def _presence_rule(reg_id: int, proposed: list[tuple[Pair, Rule]],
                   members: Mapping[int, Sequence[RegisterSet]]) -> Rule:
    types = {rule.type for _, rule in proposed}
    chosen = next(t for t in PRESENCE if t in types)
    first = next(rule for _, rule in proposed if rule.type is chosen)
    note = f" (merged over {len(proposed)} pairs of the pool)" if len(proposed) > 1 else ""
    if chosen is RuleType.ONLY_SRC_TEST_VALUE:
        hosts = [regs for src in sorted({p[0] for p, _ in proposed}) for regs in members[src]]
        if not _sends_only_zero(reg_id, hosts):
            return Rule(reg_id, RuleType.NOT_ON_BOTH_ENDS, reason=(
                f"{register_name(reg_id)} is only in some incoming streams and not 0 on every "
                "host that sends it; the destination keeps its own state for it" + note))
    return Rule(reg_id, chosen, first.mask, first.value, reason=first.reason + note)


def _value_rule(reg_id: int, proposed: list[tuple[Pair, Rule]]) -> Rule:
    mask = 0
    for _, rule in proposed:
        mask |= rule.mask
    first = proposed[0][1]
    if len(proposed) == 1:
        return Rule(reg_id, RuleType.DIFF_IN_MASK, mask, 0, reason=first.reason)
    named = [f.name for f in regdb.fields_of(reg_id) if f.reserved is None and f.mask & mask]
    where = ", ".join(named) if named else f"bits {mask:#x}"
    return Rule(reg_id, RuleType.DIFF_IN_MASK, mask & FULL_MASK, 0, reason=(
        f"{register_name(reg_id)} differs between the pool's hosts only in {where} "
        f"({len(proposed)} pairs need it); for example: {first.reason}"))


def _unsafe_bits(reg_id: int, proposal: Proposal, accel: str) -> int:
    """The bits of every field of ``reg_id`` whose values in this pair's blocking rows go in
    a direction the kernel's safety rule calls unsafe (a superset of what ``suggest``
    refused: the hidden fields it only cautions about are left out too)."""
    bits = 0
    for rv in proposal.refused_rows:
        row = rv.row
        if row.id != reg_id or row.src is None or row.dst is None:
            continue
        differing = row.src ^ row.dst
        for f in regdb.fields_of(reg_id, accel):
            if f.reserved is None and f.mask & differing and field_safety_direction(
                    f, f.extract(row.src), f.extract(row.dst)) == "unsafe":
                bits |= f.mask
    return bits


def _refusals(reg_id: int, proposals: Mapping[Pair, Proposal]) -> list[tuple[Pair, str]]:
    return [(pair, refusal.why) for pair, proposal in proposals.items()
            for refusal in proposal.refused if refusal.register == reg_id]


def _tolerates_any(rule: Rule, proposal: Proposal) -> bool:
    return any(rv.row.id == rule.register
               and tolerates(rule, rv.row.status, rv.row.src, rv.row.dst)
               for rv in proposal.refused_rows)


def _without_refused(rule: Rule, proposals: Mapping[Pair, Proposal],
                     members: Mapping[int, Sequence[RegisterSet]],
                     ) -> tuple[Rule | None, str | None]:
    """``rule`` narrowed so that it tolerates no row ``suggest`` refused in any pair (None
    when nothing is left of it), and why it was narrowed."""
    refused = _refusals(rule.register, proposals)
    if not refused:
        return rule, None
    (s, d), why = refused[0]
    note = (f"the {rule.describe()} this pair needs would also accept group {s} -> group "
            f"{d}, where it is refused: {why}")
    if rule.type is not RuleType.DIFF_IN_MASK:
        return None, note
    mask = rule.mask
    for pair, _ in refused:
        mask &= ~_unsafe_bits(rule.register, proposals[pair], members[pair[1]][0].accel)
    narrowed = Rule(rule.register, rule.type, mask, 0, reason=rule.reason + (
        "; fields whose change is refused for another pair of the pool are left out"))
    if mask == 0 or any(_tolerates_any(narrowed, proposals[p]) for p, _ in refused):
        return None, note
    return narrowed, note


def merge_proposals(wanted: Mapping[Pair, Proposal], proposals: Mapping[Pair, Proposal],
                    members: Mapping[int, Sequence[RegisterSet]],
                    ) -> tuple[tuple[Rule, ...], dict[Pair, str]]:
    """(one rule per register, sorted by id; pair -> why a rule it needed was left out).

    The rules are those the pairs of ``wanted`` need; ``proposals`` (the guarded pairs,
    baseline.fit_rules) supplies the refusals no rule may override. ``members``: group ->
    its hosts' register sets (for only-src-test-value, see module doc).
    """
    by_register: dict[int, list[tuple[Pair, Rule]]] = {}
    for pair, proposal in wanted.items():
        for rule in proposal.rules:
            by_register.setdefault(rule.register, []).append((pair, rule))
    added: list[Rule] = []
    dropped: dict[Pair, str] = {}
    for reg_id, proposed in sorted(by_register.items()):
        presence = [(p, r) for p, r in proposed if r.type in PRESENCE]
        values = [(p, r) for p, r in proposed if r.type is RuleType.DIFF_IN_MASK]
        kept, lost = (presence, values) if len(presence) >= len(values) else (values, presence)
        rule = (_presence_rule(reg_id, kept, members) if kept is presence
                else _value_rule(reg_id, kept))
        for pair, other in lost:
            dropped.setdefault(pair, (
                f"{register_name(reg_id)} needs a {other.type.value} rule here but a "
                f"{rule.type.value} rule in {len(kept)} other pair(s): QEMU registers one "
                "tolerance per register"))
        safe, note = _without_refused(rule, proposals, members)
        if note is not None:
            for pair, _ in kept:  # the re-check tells which of them the narrowed rule fixes
                dropped.setdefault(pair, note)
        if safe is not None:
            added.append(safe)
    return tuple(added), dropped

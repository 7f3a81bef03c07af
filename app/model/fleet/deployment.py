"""Deployment: how the baseline's rules reach each destination QEMU, and what an "accepted
with the baseline" pair really takes.

The fleet's verdicts, like ``check``'s, apply the rules as if the destination QEMU had them
registered; how a rule gets there depends on the destination's release and machine type
(``advice.deployability.deploy_rule``: stock, a command-line option, C registration, the
tolerance patch series, or not expressible at all). So the baseline is judged per destination
group, with the policy that group's cells use (one policy for the pool, or each destination's
own release when the pool mixes releases) and the machine type its stream records.

A pair the rules make accepted relies on some of them (``Deployability.needed``: the rules
that tolerate one of its rows, and every hidden or safe-missing rule); its words are
``Deployability.with_rules_words``, exactly what ``check SRC DST --rules`` prints after "—".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.model.advice.deployability import (
    Deploy,
    Deployability,
    RuleDeployment,
    deploy_rule,
    needed_rules,
    user_tolerated,
)
from app.model.fleet.grouping import FleetGroup
from app.model.rules.rule import RuleType
from app.model.rules.ruleset import RuleSet
from app.model.verdict.evaluate import Verdict
from app.model.verdict.policy import Policy
from app.model.wording import plural


@dataclass(frozen=True)
class DestinationDeployment:
    """Every baseline rule on destination group ``group``: its policy and machine type."""

    group: int
    policy: Policy
    machine: str | None
    rules: tuple[RuleDeployment, ...]

    def _every(self) -> Deployability:
        """Every rule as if all were needed: ``Deployability.how`` and ``counts`` over them."""
        return Deployability(self.policy.title, True, None, self.rules, self.rules)

    @property
    def how(self) -> Deploy | None:
        """The most demanding deployment among the rules (None: no rule)."""
        return self._every().how

    def summary_line(self) -> str:
        """e.g. "12 rules: not expressible (4), needs C registration (8)" (most demanding
        first, the words of ``Deployability.summary_line``)."""
        if not self.rules:
            return "no rule"
        parts = ", ".join(f"{how} ({k})" for how, k in self._every().counts().items())
        return f"{plural(len(self.rules), 'rule')}: {parts}"

    def for_pair(self, relies_on: frozenset[int], as_is: bool | None) -> Deployability:
        """The Deployability of a pair into this destination accepted with the rules, which
        relies on the rules of ``relies_on`` (registers); ``as_is``: accepted without."""
        needed = tuple(d for d in self.rules if d.rule.register in relies_on)
        return Deployability(self.policy.title, True, as_is, self.rules, needed)


@dataclass(frozen=True)
class RuleDeploymentGroup:
    """One rule's deployment, shared by the destination groups ``groups`` (same release and
    the same answer)."""

    deployment: RuleDeployment
    policy: Policy
    groups: tuple[int, ...]


@dataclass(frozen=True)
class TypeDeployment:
    """The rules of one type that deploy the same way on one release: how many, where, why
    (``reason``: the shared reason, or the first one when they differ by register)."""

    title: str
    type: RuleType
    how: Deploy
    rules: int
    groups: tuple[int, ...]
    reason: str
    same_reason: bool


def relied_on(verdict: Verdict, rules: RuleSet) -> frozenset[int]:
    """The registers of the rules an accepted ``verdict`` relies on (as ``check`` counts)."""
    return frozenset(r.register for r in needed_rules(rules, user_tolerated(verdict)))


def destinations(groups: Sequence[FleetGroup], policies: Mapping[int, Policy],
                 rules: RuleSet) -> tuple[DestinationDeployment, ...]:
    """Every baseline rule on every destination group (``policies``: group -> its policy)."""
    out = []
    for g in groups:
        machine = g.registers.provenance.machine
        policy = policies[g.group]
        out.append(DestinationDeployment(g.group, policy, machine, tuple(
            deploy_rule(r, policy, machine) for r in rules)))
    return tuple(out)


def by_rule(dests: Sequence[DestinationDeployment]) -> tuple[RuleDeploymentGroup, ...]:
    """One entry per rule and distinct (release, how, reason), in rule order, naming the
    destination groups it holds for."""
    found: dict[tuple, tuple[RuleDeployment, Policy, list[int]]] = {}
    for dest in dests:
        for n, d in enumerate(dest.rules):
            key = (n, dest.policy.name, d.how, d.reason)
            found.setdefault(key, (d, dest.policy, []))[2].append(dest.group)
    return tuple(RuleDeploymentGroup(d, policy, tuple(gs))
                 for _key, (d, policy, gs) in sorted(found.items(),
                                                     key=lambda kv: (kv[0][0], kv[1][2])))


def by_type(dests: Sequence[DestinationDeployment]) -> tuple[TypeDeployment, ...]:
    """The rules per (release, rule type, how): the one-line-per-type summary."""
    found: dict[tuple, tuple[list, set, list]] = {}
    for dest in dests:
        for d in dest.rules:
            key = (dest.policy.title, d.rule.type, d.how)
            rules, groups, reasons = found.setdefault(key, ([], set(), []))
            if d.rule.register not in rules:
                rules.append(d.rule.register)
            groups.add(dest.group)
            if d.reason not in reasons:
                reasons.append(d.reason)
    return tuple(TypeDeployment(title, t, how, len(rules), tuple(sorted(groups)), reasons[0],
                                len(reasons) == 1)
                 for (title, t, how), (rules, groups, reasons) in
                 sorted(found.items(), key=lambda kv: (kv[0][0], -kv[0][2].rank,
                                                       kv[0][1].value)))

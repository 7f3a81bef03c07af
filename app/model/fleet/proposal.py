"""Proposal: what the baseline keeps of ``suggest``'s answer for one rejected pair.

``suggest`` returns two whole verdicts per pair; K^2 of them would hold every register row
several times over, so only the proposed rules, the refusals with the rows they refuse, and
the reasons no cpreg rule can remove are kept. A pair whose verdict already names such a
reason (machine type, RAM, a section...) is not handed to ``suggest`` at all: ``suggest``
would call it unfixable for exactly these reasons, and its rules would never be used.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.model.advice.suggest import Refusal, suggest
from app.model.rules.rule import Rule, tolerates
from app.model.rules.ruleset import RuleSet
from app.model.sources.register_set import RegisterSet
from app.model.verdict.evaluate import RowVerdict, Verdict
from app.model.verdict.policy import Policy
from app.model.verdict.reason import (
    ARRAY_LENGTH,
    DEPRECATED_MACHINE,
    MACHINE_TYPE,
    RAM_SIZE,
    UNKNOWN_RAM_BLOCK,
    UNKNOWN_SECTION,
    Reason,
)


@dataclass(frozen=True)
class Proposal:
    """``suggest``'s rules, refusals and unfixable reasons for one pair, and the pair's
    blocking cpreg rows without them (``blocking_rows``; empty when ``unfixable``)."""

    rules: tuple[Rule, ...] = ()
    refused: tuple[Refusal, ...] = ()
    unfixable: tuple[Reason, ...] = ()
    blocking_rows: tuple[RowVerdict, ...] = ()

    @property
    def fixable(self) -> bool:
        """``suggest`` alone makes the pair load: nothing refused, nothing past the cpregs."""
        return not self.unfixable and not self.refused

    @property
    def refused_rows(self) -> tuple[RowVerdict, ...]:
        """The blocking rows of the refused registers: what no baseline rule may tolerate."""
        refused = {r.register for r in self.refused}
        return tuple(rv for rv in self.blocking_rows if rv.row.id in refused)

    def cannot_load(self, rules: RuleSet) -> bool:
        """Whether ``rules`` certainly leave the pair rejected: it has a reason no cpreg rule
        removes, or a blocking row no rule of ``rules`` tolerates (a row's outcome depends
        only on its own register's rule). False means "evaluate to know"."""
        if self.unfixable:
            return True
        for rv in self.blocking_rows:
            rule = rules.get(rv.row.id)
            if rule is None or not tolerates(rule, rv.row.status, rv.row.src, rv.row.dst):
                return True
        return False


def stream_blockers(verdict: Verdict) -> tuple[Reason, ...]:
    """The blocking reasons no cpreg rule removes, as ``suggest`` tells them apart (the cpreg
    array length is the one stream-level reason rules can fix: safe-missing widens it)."""
    return tuple(r for r in verdict.reasons if not r.is_cpreg and r.status != ARRAY_LENGTH)


def blocker_kind(reason: Reason) -> str:
    """What a host pair disagrees on for a reason no cpreg rule removes, in an operator's
    words: machine type, RAM, vCPU count, CPU configuration, devices (which section)."""
    if reason.status in (MACHINE_TYPE, DEPRECATED_MACHINE):
        return "machine type"
    if reason.status in (RAM_SIZE, UNKNOWN_RAM_BLOCK):
        return "RAM"
    if reason.status == UNKNOWN_SECTION and reason.section in ("cpu", "cpu_common"):
        return "vCPU count"  # the incoming stream has a vCPU the destination lacks
    if reason.section == "cpu":
        return "CPU configuration"
    if reason.section:
        return f"devices ({reason.section})"
    return reason.status


def propose(src: RegisterSet, dst: RegisterSet, rules: RuleSet, policy: Policy | str | None,
            blockers: tuple[Reason, ...]) -> Proposal:
    """The Proposal for a rejected pair whose verdict has ``blockers`` (stream_blockers)."""
    if blockers:
        return Proposal(unfixable=blockers)
    found = suggest(src, dst, policy, rules)
    rows = tuple(rv for rv in found.before.rows if rv.outcome == "blocking")
    return Proposal(found.rules.rules, found.refused, found.unfixable, rows)

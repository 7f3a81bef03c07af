"""Baseline: one rule set under which every pair cpreg rules can fix loads, and why the rest
cannot.

Per rejected pair, ``advice.suggest`` proposes its narrowest rules and refuses the unsafe
ones (proposal.py). QEMU registers one tolerance per register, so the proposals of the pairs
rules can fix are merged per register (merge.py) and fitted until each of those pairs loads
without letting a refused pair load (fit_rules); then every pair of the pool is evaluated
again with the result (fleet.py), and ``fixes`` lists exactly the pairs that re-check proves;
``unfixable`` the others, each with what would fix it instead (unfixable.py).
Pairs are named by their groups' representatives (the first member); every member pair
behaves the same (grouping.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.model.fleet.deployment import DestinationDeployment
from app.model.fleet.grouping import FleetGroup
from app.model.fleet.matrix import FleetCell, PairProgress, each_pair
from app.model.fleet.merge import merge_proposals
from app.model.fleet.pool import CancelCheck
from app.model.fleet.proposal import Proposal, propose
from app.model.fleet.unfixable import Unfixable
from app.model.rules import rulefile
from app.model.rules.rule import Rule
from app.model.rules.ruleset import RuleSet
from app.model.sources.register_set import RegisterSet
from app.model.verdict.evaluate import evaluate
from app.model.verdict.policy import Policy
from app.model.verdict.reason import Reason

Pair = tuple[int, int]


@dataclass(frozen=True)
class Baseline:
    """``rules``: the user's rules plus the added ones (what ``-o`` writes and ``check
    --rules`` needs); ``fixes`` the (src, dst) paths rejected without and accepted with it;
    ``unfixable`` (src, dst, why) for the pairs still rejected, with what would fix them
    instead (unfixable.py); ``added`` only the rules the baseline adds; ``deployment`` how
    every rule reaches each destination group's QEMU (deployment.py)."""

    rules: RuleSet
    fixes: tuple[tuple[str, str], ...]
    unfixable: tuple[Unfixable, ...]
    added: tuple[Rule, ...]
    deployment: tuple[DestinationDeployment, ...]

    @property
    def rules_toml(self) -> str:
        """``rules`` as a rule file, exactly what ``-o`` and "Save baseline rules…" write."""
        return rulefile.dumps(self.rules)


def proposals(groups: Sequence[FleetGroup], blockers: Mapping[Pair, tuple[Reason, ...]],
              rules: RuleSet, policy: Policy | str | None, *,
              progress: PairProgress | None = None,
              cancelled: CancelCheck | None = None) -> dict[Pair, Proposal]:
    """A Proposal for every rejected pair (keys of ``blockers``: its stream_blockers)."""
    return {(s, d): propose(groups[s].registers, groups[d].registers, rules, policy,
                            blockers[s, d])
            for s, d in each_pair(list(blockers), "proposing rules for", progress, cancelled)}


def _loading(groups: Sequence[FleetGroup], pairs: Iterable[Pair],
             proposals: Mapping[Pair, Proposal], rules: RuleSet, policy: Policy | str | None,
             what: str, progress: PairProgress | None,
             cancelled: CancelCheck | None) -> set[Pair]:
    """The ``pairs`` that ``rules`` make load (evaluated unless they certainly cannot)."""
    todo = [p for p in pairs if not proposals[p].cannot_load(rules)]
    return {(s, d) for s, d in each_pair(todo, what, progress, cancelled)
            if evaluate(groups[s].registers, groups[d].registers, rules, policy).accepted}


def fit_rules(groups: Sequence[FleetGroup], proposals: dict[Pair, Proposal],
              rules: RuleSet, policy: Policy | str | None,
              members: Mapping[int, Sequence[RegisterSet]], *,
              progress: PairProgress | None = None, cancelled: CancelCheck | None = None,
              ) -> tuple[tuple[Rule, ...], dict[Pair, str]]:
    """The rules to add, and why some pairs' rules were left out.

    Only the pairs cpreg rules can fix (``suggest`` found no stream-level cause and refused
    nothing) contribute rules, so no rule is added for a pair that stays rejected anyway.
    Merged rules are checked on those pairs; a pair the merge cannot fix leaves the set and
    the rest is merged again, until every contributing pair loads: each added rule is needed
    by a pair it fixes. Then the pairs ``suggest`` refused a rule for are checked: one that
    the merged rules would let load (a diff-in-mask merged for B -> A also covers A -> B) is
    guarded, its unsafe fields are kept out of every mask, and the fit starts again. A
    refused pair that stays rejected for other reasons needs no guard: QEMU never loads it.
    """
    fixable = {p: s for p, s in proposals.items() if s.fixable}
    refused = [p for p, s in proposals.items() if s.refused]
    guarded: dict[Pair, Proposal] = {}
    while True:
        wanted = dict(fixable)
        reasons: dict[Pair, str] = {}
        while True:
            added, dropped = merge_proposals(wanted, guarded, members)
            full = rules.with_rules(added)
            loading = _loading(groups, wanted, proposals, full, policy,
                               "fitting the baseline to", progress, cancelled)
            if len(loading) == len(wanted):
                break
            reasons.update((p, dropped[p]) for p in wanted if p not in loading and p in dropped)
            wanted = {p: s for p, s in wanted.items() if p in loading}
        unsafe = _loading(groups, (p for p in refused if p not in guarded), proposals, full,
                          policy, "guarding refused", progress, cancelled)
        if not unsafe:
            return added, reasons
        guarded.update((p, proposals[p]) for p in unsafe)


def make_baseline(groups: Sequence[FleetGroup], before: Mapping[Pair, FleetCell],
                  after: Mapping[Pair, FleetCell], unfixable: Mapping[Pair, Unfixable],
                  full: RuleSet, added: Sequence[Rule],
                  deployment: tuple[DestinationDeployment, ...]) -> Baseline:
    """The Baseline from the verdicts without (``before``) and with (``after``) its rules
    (``full``: the user's rules with ``added``), the pairs still rejected (``unfixable``:
    unfixable.unfixable_pairs) and how its rules deploy on each destination group."""

    def paths(pair: Pair) -> tuple[str, str]:
        return groups[pair[0]].members[0], groups[pair[1]].members[0]

    fixes = tuple(paths(p) for p, c in before.items() if after[p].accepted and not c.accepted)
    return Baseline(full, fixes, tuple(unfixable.values()), tuple(added), deployment)

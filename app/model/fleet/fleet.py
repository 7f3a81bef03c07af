"""Fleet: the whole answer for a pool of hosts, built by ``analyse``.

``analyse`` groups the sources (grouping.py), evaluates every ordered pair of groups as
``check`` would (matrix.py), proposes and merges rules for the rejected pairs into one
baseline (proposal.py, merge.py, baseline.py), re-evaluates every pair with it, and lists
the registers the hosts disagree on (spread.py). Time: O(N) to group plus O(K^2)
evaluations for K groups. The re-check evaluates every pair the baseline could change: all
but the rejected ones it certainly leaves rejected (a reason no cpreg rule removes — machine
type, RAM, sections — or a blocking register row no baseline rule tolerates; a row's
outcome depends only on its own register's rule), whose cells keep their verdict. Pairs
still rejected get what would fix them instead (unfixable.py); the baseline's rules get how
they reach each destination's QEMU, and every pair accepted with rules the ones it relies
on (deployment.py), so nothing is called accepted without what it takes.

Policy: the one given applies to every destination; without one each destination gets the
default ``check`` gives it (the release that wrote that destination's stream, else the
newest modelled release: ``verdict.policy.default_policy``). ``Fleet.policy`` is that one
Policy when all destinations share it, None when the pool mixes releases (each cell's
``verdict.policy`` then says which applied); ``policy_reason`` says which case it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.model.advice.deployability import Deployability
from app.model.fleet.baseline import Baseline, fit_rules, make_baseline, proposals
from app.model.fleet.deployment import destinations, relied_on
from app.model.fleet.grouping import FleetGroup, grouped
from app.model.fleet.matrix import FleetCell, PairProgress, evaluate_matrix
from app.model.fleet.pool import CancelCheck, PoolSource
from app.model.fleet.proposal import stream_blockers
from app.model.fleet.spread import SpreadEntry, spread
from app.model.fleet.unfixable import unfixable_pairs
from app.model.rules.rule import RuleType
from app.model.rules.ruleset import RuleSet
from app.model.verdict.evaluate import Verdict, resolve_policy
from app.model.verdict.policy import Policy, get_policy
from app.model.verdict.reason import Reason


@dataclass(frozen=True)
class Fleet:
    """A pool's groups, the K x K matrix of cells (row-major), its baseline and spread.

    ``sources`` maps every path, in the order given, to its group."""

    policy: Policy | None
    sources: tuple[tuple[str, int], ...]
    groups: tuple[FleetGroup, ...]
    cells: tuple[FleetCell, ...]
    baseline: Baseline
    spread: tuple[SpreadEntry, ...]
    policy_reason: str
    rules: RuleSet  # the user's rules, applied first

    def cell(self, src_group: int, dst_group: int) -> FleetCell:
        """The cell of group ``src_group``'s stream into group ``dst_group``."""
        count = len(self.groups)
        if not (0 <= src_group < count and 0 <= dst_group < count):
            raise IndexError(f"no group pair {src_group} -> {dst_group} among {count} groups")
        return self.cells[src_group * count + dst_group]

    @property
    def accepted(self) -> bool:
        """Every ordered pair of hosts (each host into itself too) loads as it is."""
        return all(c.accepted for c in self.cells)

    @property
    def policy_name(self) -> str:
        return self.policy.name if self.policy is not None else "per-destination"

    def deployability(self, src_group: int, dst_group: int) -> Deployability | None:
        """What the cell's acceptance takes on its destination: None when it is rejected
        even with the baseline or accepted as it is with no rule; else the Deployability of
        the rules it relies on (the user's for a pair accepted with them, the baseline's for
        a pair it fixes), whose ``with_rules_words`` are what ``check --rules`` prints."""
        cell = self.cell(src_group, dst_group)
        if not cell.relies_on or not (cell.accepted or cell.baseline_accepted):
            return None
        dest = self.baseline.deployment[dst_group]
        as_is = None if cell.accepted or self.rules.rules else False
        return dest.for_pair(cell.relies_on, as_is)


def fleet_policy(groups: Sequence[FleetGroup],
                 policy: Policy | str | None) -> tuple[Policy | None, str]:
    """The pool's policy and why (see module doc)."""
    if policy is not None:
        return resolve_policy(policy, groups[0].registers)
    chosen_by: dict[str, list[int]] = {}
    found: dict[str, Policy] = {}
    reasons = set()
    for g in groups:
        chosen, why = resolve_policy(None, g.registers)
        found[chosen.name] = chosen
        chosen_by.setdefault(chosen.name, []).append(g.group)
        reasons.add(why)
    if len(found) == 1:
        only = next(iter(found.values()))
        if len(reasons) == 1:
            return only, f"every destination: {reasons.pop()}"
        return only, (f"default: every destination gets {only.title}, the release that wrote "
                      "it or, where the writer is not recognised, the newest modelled one")
    parts = "; ".join(f"{name} for group(s) {', '.join(map(str, gs))}"
                      for name, gs in chosen_by.items())
    return None, f"default per destination, as check does: {parts}"


def analyse(sources: Sequence[PoolSource], *, policy: Policy | str | None = None,
            rules: RuleSet | None = None, progress: PairProgress | None = None,
            cancelled: CancelCheck | None = None) -> Fleet:
    """The Fleet of ``sources`` (at least one) under ``policy`` and the user's ``rules``."""
    if not sources:
        raise ValueError("a fleet needs at least one source")
    given = rules or RuleSet()
    chosen = get_policy(policy) if isinstance(policy, str) else policy
    tested = given.ids_of(RuleType.ONLY_SRC_TEST_VALUE)
    groups, group_of, members = grouped(sources, keep_values=tested)
    blockers: dict[tuple[int, int], tuple[Reason, ...]] = {}
    relies: dict[tuple[int, int], frozenset[int]] = {}

    def keep(pair: tuple[int, int], verdict: Verdict) -> None:
        if not verdict.accepted:
            blockers[pair] = stream_blockers(verdict)
        elif given.rules:
            relies[pair] = relied_on(verdict, given)

    before = evaluate_matrix(groups, given, chosen, progress=progress, cancelled=cancelled,
                             keep=keep)
    found = proposals(groups, blockers, given, chosen, progress=progress, cancelled=cancelled)
    added, dropped = fit_rules(groups, found, given, chosen, members,
                               progress=progress, cancelled=cancelled)
    after = before
    full = given.with_rules(added) if added else given
    if added:
        settled = {p for p, f in found.items() if f.cannot_load(full)}

        def keep_fixed(pair: tuple[int, int], verdict: Verdict) -> None:
            if verdict.accepted and not before[pair].accepted:
                relies[pair] = relied_on(verdict, full)

        after = {**before, **evaluate_matrix(
            groups, full, chosen, what="re-checking with the baseline", progress=progress,
            cancelled=cancelled, only=[p for p in before if p not in settled],
            keep=keep_fixed)}
    unfixable = unfixable_pairs(groups, before, after, found, dropped)
    policies = {g.group: before[g.group, g.group].verdict.policy for g in groups}
    baseline = make_baseline(groups, before, after, unfixable, full, added,
                             destinations(groups, policies, full))
    cells = []
    for pair, c in sorted(before.items()):
        left = unfixable.get(pair)
        cells.append(FleetCell(
            c.src, c.dst, c.verdict, c.accepted, c.blocking, c.first_failure,
            after[pair].accepted, None if left is None else left.reason,
            () if left is None else left.remedies, relies.get(pair, frozenset())))
    pool_policy, why = fleet_policy(groups, chosen)
    return Fleet(pool_policy, tuple((s.path, g) for s, g in zip(sources, group_of, strict=True)),
                 groups, tuple(cells), baseline, spread(groups), why, given)

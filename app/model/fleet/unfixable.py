"""Unfixable pairs: why a pair stays rejected with the baseline, and what would fix it instead.

The reason names the most fundamental cause first (a stream-level disagreement: machine type,
RAM, vCPU count, devices; then a refused unsafe rule; then a rule the merge had to leave out).
For a stream-level cause the pair also gets ``advice.remedy``'s remedies — the start option or
action that makes the destination match the source (``-M virt-7.2``, ``-m 128M``, ``-smp 2``,
a device) — for every blocking reason no cpreg rule can remove, in QEMU's order: the words
``check`` and ``suggest`` print for the same pair. A refused or left-out rule has no remedy
(nothing but the CPU itself would change it), and none is invented.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.model.advice.remedy import Remedy, remedies
from app.model.fleet.grouping import FleetGroup
from app.model.fleet.matrix import FleetCell
from app.model.fleet.proposal import Proposal, blocker_kind

Pair = tuple[int, int]


@dataclass(frozen=True)
class Unfixable:
    """A group pair (``src``, ``dst``; named by its groups' first members) the baseline
    leaves rejected, ``reason`` why, and ``remedies`` what would fix it instead (empty when
    the cause is a cpreg the tool refuses to tolerate)."""

    src: int
    dst: int
    src_path: str
    dst_path: str
    reason: str
    remedies: tuple[Remedy, ...] = ()

    @property
    def remedy(self) -> str | None:
        """The first remedy's action (where QEMU stops first); None when none is known."""
        return self.remedies[0].action if self.remedies else None


def unfixable_reason(proposal: Proposal | None, after: FleetCell,
                     dropped: Mapping[Pair, str]) -> str:
    """Why a pair stays rejected with the baseline, most fundamental cause first."""
    pair = (after.src, after.dst)
    if proposal is not None and proposal.unfixable:
        first = proposal.unfixable[0]
        return f"{blocker_kind(first)}: {first.message}"
    if proposal is not None and proposal.refused:
        refusal = proposal.refused[0]
        return f"refused unsafe rule for {refusal.name}: {refusal.why}"
    if pair in dropped:
        return dropped[pair]
    return f"still rejected with the baseline: {after.first_failure}"


def unfixable_pairs(groups: Sequence[FleetGroup], before: Mapping[Pair, FleetCell],
                    after: Mapping[Pair, FleetCell], proposals: Mapping[Pair, Proposal],
                    dropped: Mapping[Pair, str]) -> dict[Pair, Unfixable]:
    """Pair -> why it is rejected even with the baseline and what would fix it, for every
    such pair. The remedies are for the destination's own policy (the cell's)."""
    out = {}
    for pair, cell in before.items():
        done = after[pair]
        if done.accepted:
            continue
        src, dst = groups[pair[0]], groups[pair[1]]
        found = proposals.get(pair)
        if cell.accepted:
            why = f"the baseline rules break this pair: {done.first_failure}"
        else:
            why = unfixable_reason(found, done, dropped)
        fixes = (remedies(found.unfixable, src.registers, cell.verdict.policy, dst.registers)
                 if found is not None and found.unfixable and not cell.accepted else ())
        out[pair] = Unfixable(*pair, src.members[0], dst.members[0], why, fixes)
    return out

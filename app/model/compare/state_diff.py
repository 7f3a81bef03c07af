"""StateDiff: source vs destination for the CPU state outside the cpreg arrays.

Separate from diff.Diff on purpose: the verdict (verdict/evaluate.py) reads only Diff, so
nothing here can change whether a cpreg list loads. Register groups are merged with
diff.merge_vcpu, so their rows are ordinary DiffRows (same statuses, same shape as the cpreg
rows). vCPU enablement is compared index by index and each difference is spelled out as what
QEMU does on the destination (seed 004: a destination vCPU enabled where the incoming GICv3
state says "inaccessible" is disabled to match; a vCPU the destination lacks stops the load).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from app.model.compare.diff import DiffRow, Status, merge_vcpu
from app.model.compare.state_outcome import global_notes, presence_outcome
from app.model.sources.cpu_state import GROUPS, CpuState, VcpuPresence
from app.model.sources.register_set import RegisterSet, VCpu


@dataclass(frozen=True)
class GroupDiff:
    vcpu: int
    group: str  # cpu_state.GROUP_CORE or GROUP_GIC
    rows: tuple[DiffRow, ...]


@dataclass(frozen=True)
class PresenceDiff:
    """One vCPU index on both sides: presence (None = the side has no such vCPU) and what
    QEMU does with it; ``differs`` when the two sides do not agree on enablement."""

    vcpu: int
    src: VcpuPresence | None
    dst: VcpuPresence | None
    outcome: str
    differs: bool


@dataclass(frozen=True)
class StateDiff:
    groups: tuple[GroupDiff, ...] = ()
    presence: tuple[PresenceDiff, ...] = ()
    notes: tuple[str, ...] = ()

    @cached_property
    def rows(self) -> tuple[DiffRow, ...]:
        """Every group's rows: by vCPU, core before gic, each group in register order."""
        return tuple(row for group in self.groups for row in group.rows)

    @cached_property
    def _group_by_row(self) -> dict[tuple[int, int], str]:
        # a vCPU's groups never share an id (core ids, GIC system register and private ids)
        return {(row.vcpu, row.id): g.group for g in self.groups for row in g.rows}

    def group_of(self, row: DiffRow) -> str:
        """The group (core or gic) ``row`` belongs to; KeyError for a row not from here."""
        return self._group_by_row[(row.vcpu, row.id)]

    def counts(self) -> dict[Status, int]:
        out = {s: 0 for s in Status}
        for row in self.rows:
            out[row.status] += 1
        return out


def diff_state(src: RegisterSet, dst: RegisterSet) -> StateDiff:
    """Compare the state outside the cpreg arrays of ``src`` (incoming) and ``dst`` (local)."""
    a, b = src.cpu_state, dst.cpu_state
    notes = list(global_notes(a, b))
    return StateDiff(_groups(a, b, notes) if a.vcpus and b.vcpus else (),
                     _presence(a, b) if a.vcpus and b.vcpus else (), tuple(notes))


def _groups(a: CpuState, b: CpuState, notes: list[str]) -> tuple[GroupDiff, ...]:
    out = []
    for mine in a.vcpus:
        theirs = b.vcpu(mine.index)
        if theirs is None:
            continue
        for name in GROUPS:
            s, d = mine.group(name), theirs.group(name)
            if s is None and d is None:
                continue
            if s is None or d is None:
                side = "source" if s is None else "destination"
                notes.append(f"vCPU {mine.index}: the {side} has no {name} group to compare")
                continue
            rows = merge_vcpu(mine.index, VCpu(mine.index, s.ids, s.values),
                              VCpu(mine.index, d.ids, d.values))
            order = {reg_id: i for i, reg_id in enumerate(dict.fromkeys(s.ids + d.ids))}
            rows.sort(key=lambda row: order[row.id])  # the group's own order, not by id
            out.append(GroupDiff(mine.index, name, tuple(rows)))
    return tuple(out)


def _presence(a: CpuState, b: CpuState) -> tuple[PresenceDiff, ...]:
    out = []
    for index in sorted({v.index for v in a.vcpus} | {v.index for v in b.vcpus}):
        s, d = a.vcpu(index), b.vcpu(index)
        sp, dp = (s.presence if s else None), (d.presence if d else None)
        differs = (sp is not None and sp.enabled) != (dp is not None and dp.enabled)
        out.append(PresenceDiff(index, sp, dp, presence_outcome(index, sp, dp), differs))
    return tuple(out)

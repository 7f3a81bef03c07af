"""Spread: for every register the pool's hosts disagree on, which values occur how often.

A host's value of a register is vCPU 0's (every source has a vCPU 0; per-vCPU registers such
as MPIDR differ inside one host by design). A register is listed when some hosts have it and
others do not, or when it is not run-time state (grouping.is_state) and hosts hold different
values; run-time state values differ between any two VMs and say nothing about the hosts.
ID registers also get their values per field (only the fields that differ). Counted per group
with its member count, so the cost is O(K x registers), not O(N x registers).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from app.model.fleet.grouping import FleetGroup, is_state
from app.model.registers import regdb
from app.model.registers.accel import ACCEL_UNKNOWN


@dataclass(frozen=True)
class SpreadEntry:
    """One register's distinct vCPU-0 values, each with how many hosts hold it (most common
    first); ``fields`` the same per differing field (ID registers). ``absent`` hosts lack the
    register, ``unknown`` hosts name it without a value (register lists, logs). ``values`` is
    empty for run-time state registers listed only because their presence differs."""

    reg_id: int
    name: str
    values: tuple[tuple[int, int], ...]
    fields: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = ()
    absent: int = 0
    unknown: int = 0


def _ranked(counter: Counter) -> tuple[tuple[int, int], ...]:
    return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def _first_vcpu(group: FleetGroup) -> dict[int, int | None]:
    vcpus = group.registers.vcpus
    return dict(zip(vcpus[0].ids, vcpus[0].values, strict=True)) if vcpus else {}


def _fields(reg_id: int, accel: str, values: Counter) -> tuple:
    out = []
    for f in regdb.fields_of(reg_id, accel):
        if f.reserved is not None:
            continue
        per: Counter = Counter()
        for value, hosts in values.items():
            per[f.extract(value)] += hosts
        if len(per) > 1:
            out.append((f.name, _ranked(per)))
    return tuple(out)


def spread(groups: Sequence[FleetGroup]) -> tuple[SpreadEntry, ...]:
    """The registers that differ across the pool, in register id order."""
    hosts = sum(len(g.members) for g in groups)
    firsts = [(_first_vcpu(g), len(g.members)) for g in groups]
    accel = next((g.registers.accel for g in groups), ACCEL_UNKNOWN)
    out = []
    for reg_id in sorted({i for regs, _ in firsts for i in regs}):
        values: Counter = Counter()
        present = unknown = 0
        for regs, count in firsts:
            if reg_id not in regs:
                continue
            present += count
            value = regs[reg_id]
            if value is None:
                unknown += count
            else:
                values[value] += count
        state = is_state(reg_id)
        if present == hosts and (state or len(values) + (unknown > 0) <= 1):
            continue
        info = regdb.lookup(reg_id, accel)
        kept = Counter() if state else values
        fields = _fields(reg_id, accel, kept) if info.cls == "id" and len(kept) > 1 else ()
        out.append(SpreadEntry(reg_id, info.name, _ranked(kept), fields, hosts - present,
                               0 if state else unknown))
    return tuple(out)

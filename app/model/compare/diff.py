"""Sorted merge of two RegisterSets, exactly as QEMU's cpu_post_load walks its cpreg lists.

Source = the incoming stream, destination = the local side. Both lists are sorted by id and
walked in step; every id lands in one row with a status. Unlike QEMU, the merge never stops at
the first anomaly: every row of every vCPU is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from app.model.sources.register_set import RegisterSet, VCpu


# (str, Enum), not StrEnum: str() and f-strings of a member print "Status.X" and callers may
# rely on it; StrEnum would print the value.
class Status(str, Enum):  # noqa: UP042
    MATCH = "match"
    VALUE_MISMATCH = "value-mismatch"
    MISSING = "missing"  # expected by the destination, not in the incoming stream
    UNEXPECTED = "unexpected"  # in the incoming stream, unknown on the destination
    PRESENT = "present"  # on both ends, but at least one side carries no value (lists, logs)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class DiffRow:
    vcpu: int
    id: int
    status: Status
    src: int | None
    dst: int | None


@dataclass(frozen=True)
class VcpuVariance:
    """A register whose value differs between vCPUs of one source (e.g. MPIDR, L2CTLR)."""

    side: str  # "src" or "dst"
    id: int
    values: tuple[tuple[int, int], ...]  # (vcpu, value)


@dataclass(frozen=True)
class Diff:
    rows: tuple[DiffRow, ...]
    src_vcpus: int
    dst_vcpus: int
    variance: tuple[VcpuVariance, ...] = ()

    def by_status(self, *statuses: Status) -> tuple[DiffRow, ...]:
        return tuple(r for r in self.rows if r.status in statuses)

    def counts(self) -> dict[Status, int]:
        out = {s: 0 for s in Status}
        for row in self.rows:
            out[row.status] += 1
        return out

    def for_vcpu(self, vcpu: int) -> tuple[DiffRow, ...]:
        return tuple(r for r in self.rows if r.vcpu == vcpu)


def _status(src: int | None, dst: int | None) -> Status:
    if src is None or dst is None:
        return Status.PRESENT
    return Status.MATCH if src == dst else Status.VALUE_MISMATCH


def merge_vcpu(vcpu: int, src: VCpu, dst: VCpu) -> list[DiffRow]:
    """Walk two sorted cpreg lists in step, one row per id (QEMU's cpu_post_load order)."""
    s_items = sorted(src.items())
    d_items = sorted(dst.items())
    rows: list[DiffRow] = []
    i = j = 0
    while i < len(s_items) or j < len(d_items):
        if j >= len(d_items) or (i < len(s_items) and s_items[i][0] < d_items[j][0]):
            rid, val = s_items[i]
            rows.append(DiffRow(vcpu, rid, Status.UNEXPECTED, val, None))
            i += 1
        elif i >= len(s_items) or d_items[j][0] < s_items[i][0]:
            rid, val = d_items[j]
            rows.append(DiffRow(vcpu, rid, Status.MISSING, None, val))
            j += 1
        else:
            rid = s_items[i][0]
            sv, dv = s_items[i][1], d_items[j][1]
            rows.append(DiffRow(vcpu, rid, _status(sv, dv), sv, dv))
            i += 1
            j += 1
    return rows


def vcpu_variance(regs: RegisterSet, side: str) -> tuple[VcpuVariance, ...]:
    """Registers whose value is not the same on every vCPU of one source."""
    seen: dict[int, list[tuple[int, int]]] = {}
    for cpu in regs.vcpus:
        for rid, val in cpu.items():
            if val is not None:
                seen.setdefault(rid, []).append((cpu.index, val))
    return tuple(
        VcpuVariance(side, rid, tuple(vals))
        for rid, vals in sorted(seen.items())
        if len({v for _, v in vals}) > 1
    )


def diff(src: RegisterSet, dst: RegisterSet) -> Diff:
    """Merge every vCPU the two sources share (vCPU i of the source loads into vCPU i)."""
    dst_by_index = {cpu.index: cpu for cpu in dst.vcpus}
    rows: list[DiffRow] = []
    for cpu in src.vcpus:
        other = dst_by_index.get(cpu.index)
        if other is not None:
            rows.extend(merge_vcpu(cpu.index, cpu, other))
    return Diff(
        rows=tuple(rows),
        src_vcpus=len(src.vcpus),
        dst_vcpus=len(dst.vcpus),
        variance=vcpu_variance(src, "src") + vcpu_variance(dst, "dst"),
    )

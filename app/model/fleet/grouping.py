"""Groups: hosts whose sources a destination QEMU cannot tell apart collapse into one.

Two sources fall in one group when everything ``evaluate`` reads from them is equal, on
either side of a pair: the writer, machine type, accelerator, page size, RAM blocks, every
device section's shape (name, instance, version, subsections, size, field layout, the bytes
of an undescribed section), and per vCPU the cpreg ids in order with the value of every
register that is not run-time state. Run-time state is a register no destination refuses a
value of: not constant under TCG nor under KVM (``registers.constness``), so ``cpu_post_load``
stores whatever arrives. The GIC/SP_EL3 state QEMU migrates outside the cpreg arrays
(``registers.state_ids``, ``RegisterSet.cpu_state``) is never part of a verdict and never of
the key. A rule that tests a source value (only-src-test-value) makes that register's value
matter again: pass its id in ``keep_values``.

So the verdict of one representative pair stands for every member pair: O(N) to group,
O(K^2) pairs for K groups.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from app.model.fleet.pool import PoolSource
from app.model.registers.accel import ACCEL_KVM, ACCEL_TCG
from app.model.registers.constness import is_constant
from app.model.sources.register_set import DeviceInfo, RegisterSet

STATE = "state"  # stands for a run-time state register's value in a key


@dataclass(frozen=True)
class FleetGroup:
    """Hosts with identical register sets: ``registers`` is the first member's (the
    representative every pair is evaluated with); ``summary`` describes it in one line."""

    group: int
    members: tuple[str, ...]
    registers: RegisterSet
    summary: str


@lru_cache(maxsize=16384)
def is_state(reg_id: int) -> bool:
    """Whether no destination refuses another value of this register (see module doc)."""
    return not (is_constant(reg_id, ACCEL_TCG) or is_constant(reg_id, ACCEL_KVM))


def _device_key(dev: DeviceInfo) -> tuple:
    layout = None if dev.layout is None else tuple(
        (f.name, f.type, f.size, f.count) for f in dev.layout.fields)
    return (dev.name, dev.instance_id, dev.version, dev.subsections, dev.size, dev.opaque,
            layout, dev.digest if dev.opaque else None, dev.section_id)


def group_key(regs: RegisterSet, keep_values: frozenset[int] = frozenset()) -> tuple:
    """What decides every verdict this source takes part in (see module doc); hashable."""
    prov = regs.provenance
    vcpus = tuple(
        (cpu.index, cpu.ids, tuple(STATE if is_state(i) and i not in keep_values else v
                                   for i, v in zip(cpu.ids, cpu.values, strict=True)))
        for cpu in regs.vcpus)
    return (prov.format, prov.writer, prov.machine, prov.accel, prov.page_size,
            prov.ram_blocks, tuple(_device_key(d) for d in prov.devices), vcpus)


def describe(regs: RegisterSet) -> str:
    """One line: writer, machine, accelerator, CPU model, vCPUs and registers."""
    prov = regs.provenance
    model = "/".join(regs.cpu_model) or "cpu model unknown"
    count = len(regs.vcpus[0]) if regs.vcpus else 0
    return (f"{prov.writer or prov.format}, {prov.machine or 'machine unknown'}, "
            f"{prov.accel}, {model}, {len(regs.vcpus)} vCPU(s) x {count} cpregs")


def grouped(sources: Sequence[PoolSource], keep_values: Iterable[int] = (),
            ) -> tuple[tuple[FleetGroup, ...], tuple[int, ...], dict[int, list[RegisterSet]]]:
    """(the groups, each source's group in the order given, group -> its members' sets)."""
    keep = frozenset(keep_values)
    index: dict[tuple, int] = {}
    found: list[list[PoolSource]] = []
    of_source = []
    for source in sources:
        n = index.setdefault(group_key(source.registers, keep), len(found))
        if n == len(found):
            found.append([])
        found[n].append(source)
        of_source.append(n)
    groups = tuple(FleetGroup(n, tuple(s.path for s in members), members[0].registers,
                              describe(members[0].registers))
                   for n, members in enumerate(found))
    return groups, tuple(of_source), {n: [s.registers for s in m] for n, m in enumerate(found)}


def group_sources(sources: Sequence[PoolSource],
                  keep_values: Iterable[int] = ()) -> tuple[FleetGroup, ...]:
    """The groups of ``sources``, numbered from 0 in order of first appearance."""
    return grouped(sources, keep_values)[0]

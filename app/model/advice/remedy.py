"""Remedy: what would fix a blocking problem no cpreg rule can touch.

The machine type, the RAM size, the vCPU count and the set of devices are decided by how the
destination QEMU is started, not by tolerances: QEMU compares them before any cpreg. For each
such blocking Reason this says which start option (or other action) makes the destination
match the source, from the facts the source stream records (its machine type, RAM block
lengths, vCPU sections, device sections). Where no action is known it says so instead of
guessing.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.model.sources.register_set import RegisterSet
from app.model.verdict.policy import Policy, machine_version
from app.model.verdict.reason import (
    ARRAY_LENGTH,
    MACHINE_TYPE,
    RAM_SIZE,
    SECTION_LAYOUT,
    SECTION_TOO_OLD,
    SECTION_VERSION,
    SUBSECTION_ABORT,
    UNKNOWN_RAM_BLOCK,
    UNKNOWN_SECTION,
    UNKNOWN_SUBSECTION,
    Reason,
)

GUEST_RAM = "mach-virt.ram"  # hw/arm/virt.c: memory_region_init_ram(..., "mach-virt.ram", ...)
GIC_VERSIONS = {"arm_gic": 2, "kvm-arm-gic": 2, "arm_gicv3": 3, "kvm-arm-gicv3": 3}
ITS = ("arm_gicv3_its", "arm_gicv3_its_kvm")  # hw/arm/virt.c: -M virt,its=on (the default)
PER_VCPU = ("cpu", "cpu_common")  # one section per vCPU


@dataclass(frozen=True)
class Remedy:
    """For one blocking ``reason``: the ``action`` that would fix it (None: none known) and
    ``why`` in one line."""

    reason: Reason
    action: str | None
    why: str

    def __str__(self) -> str:
        return (self.action or "no known fix") + f" ({self.why})"


def _size(length: int) -> str:
    """-m's spelling of a byte count: whole GiB as "2G", else whole MiB as "128M"."""
    if length % (1 << 30) == 0:
        return f"{length >> 30}G"
    if length % (1 << 20) == 0:
        return f"{length >> 20}M"
    return f"{length}B"


def _machine(reason: Reason, src: RegisterSet, policy: Policy) -> Remedy:
    received = src.provenance.machine
    if received is None:
        return Remedy(reason, None, "the incoming stream does not record its machine type")
    version = machine_version(received)
    if version is not None and version > policy.version:
        return Remedy(reason, f"migrate to a QEMU release that has machine type {received}",
                      f"{policy.title} is older than the source's machine type")
    return Remedy(reason, f"start the destination with -M {received}",
                  "the machine type must be the source's; no cpreg rule is consulted before it")


def _ram(reason: Reason, src: RegisterSet) -> Remedy:
    block = reason.field or ""
    length = next((b.length for b in src.provenance.ram_blocks if b.name == block), None)
    if length is None:
        return Remedy(reason, None, f"the incoming stream does not record {block}'s length")
    if block == GUEST_RAM:
        return Remedy(reason, f"start the destination with -m {_size(length)}",
                      "the same guest RAM size as the source")
    return Remedy(reason, f"give the destination a {block} of {length:#x} bytes, as the source",
                  "RAM blocks other than guest RAM come from devices and firmware images")


def _vcpus(regs: RegisterSet) -> int:
    return sum(1 for d in regs.provenance.devices if d.name == "cpu") or len(regs.vcpus)


def _smp(reason: Reason, src: RegisterSet) -> Remedy:
    return Remedy(reason, f"start the destination with -smp {_vcpus(src)}",
                  "the same vCPU count as the source")


def _section(reason: Reason, src: RegisterSet) -> Remedy:
    name = reason.section or ""
    if name in PER_VCPU:
        return _smp(reason, src)
    if name in ITS:
        return Remedy(reason, "start the destination with -M ...,its=on",
                      "the source has a GICv3 ITS")
    if name in GIC_VERSIONS:
        return Remedy(reason, f"start the destination with -M ...,gic-version={GIC_VERSIONS[name]}",
                      f"the source's interrupt controller is {name}")
    return Remedy(reason, f"add the device behind '{name}' (instance {reason.instance}) to the "
                  "destination, as on the source", "every device section needs its device")


def remedy(reason: Reason, src: RegisterSet, policy: Policy,
           dst: RegisterSet | None = None) -> Remedy:
    """What would fix ``reason`` (a blocking stream-level Reason) for ``policy``'s QEMU;
    ``dst`` (the destination's own stream) tells a vCPU-count difference behind a section
    whose per-vCPU arrays differ (GICv3's "Missing section footer")."""
    kind = reason.status
    if kind == SECTION_LAYOUT and dst is not None and _vcpus(src) != _vcpus(dst):
        return _smp(reason, src)
    if kind == MACHINE_TYPE:
        return _machine(reason, src, policy)
    if kind == RAM_SIZE:
        return _ram(reason, src)
    if kind == UNKNOWN_SECTION:
        return _section(reason, src)
    if kind == UNKNOWN_RAM_BLOCK:
        return Remedy(reason, f"add the device that owns RAM block {reason.field} to the "
                      "destination, as on the source", "the destination has no such block")
    if kind in (SECTION_VERSION, UNKNOWN_SUBSECTION):
        return Remedy(reason, "migrate to a QEMU release at least as new as the source's",
                      f"{policy.title} cannot read this newer state")
    if kind == SUBSECTION_ABORT:
        return Remedy(reason, "start the destination with the source's CPU model (-cpu)",
                      "the destination CPU lacks the feature behind this state")
    if kind == SECTION_LAYOUT:
        return Remedy(reason, f"configure '{reason.section}' as on the source (same -M and "
                      "-device properties)", "its fields differ in size or count")
    if kind == ARRAY_LENGTH:
        return Remedy(reason, "declare the extra incoming registers safe-missing (Suggest "
                      "rules)", "x-mig-safe-missing-regs widens this bound (v6 04/11)")
    if kind == SECTION_TOO_OLD:
        return Remedy(reason, None, f"{policy.title} no longer reads this version")
    return Remedy(reason, None, "no start option is known to fix this")


def remedies(reasons: tuple[Reason, ...], src: RegisterSet, policy: Policy,
             dst: RegisterSet | None = None) -> tuple[Remedy, ...]:
    """A Remedy for each blocking reason that names no register, in QEMU's order."""
    return tuple(remedy(r, src, policy, dst) for r in reasons
                 if r.blocking and not r.is_cpreg)

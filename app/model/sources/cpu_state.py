"""CpuState: the per-vCPU state a migration stream carries outside the cpreg arrays.

QEMU migrates each vCPU's general-purpose and special-purpose registers as fields of its
``cpu`` section (env.xregs, env.pc, cpsr, env.sp_el, env.elr_el, env.banked_spsr, cpu/vfp) and
its GIC CPU interface and redistributor state in the interrupt controller's own section
(``arm_gicv3``: one ``cpu`` struct per possible vCPU; ``arm_gic``: per-CPU arrays). None of it
is in the cpreg arrays, so none of it takes part in the cpreg merge or its verdict: it is shown
beside them, in groups. Every register has a stable 64-bit id (a KVM core id, an AArch64
system register id, or one of cpreg-explorer's private ids, see regid.GROUP_PRIVATE), so its
name, class and bitfields come from the register database exactly as a cpreg's do.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from app.model.sources.register_values import RegisterValues

GROUP_CORE = "core"  # X0..X30, SP, PC, PSTATE, SP_ELx, ELR_ELx, SPSR banks, V0..V31
GROUP_GIC = "gic"  # GIC CPU interface + redistributor (GICv3) or CPU interface (GICv2)
GROUPS = (GROUP_CORE, GROUP_GIC)
GIC_V3 = "gicv3"
GIC_V2 = "gicv2"


@dataclass(frozen=True)
class StateGroup(RegisterValues):
    """One group of one vCPU's registers in a fixed order (the same order on every source).

    ``values`` entries are None for registers the stream does not carry (an absent
    subsection, a malformed field); ``notes`` say why, and anything else worth knowing about
    the values (e.g. that TCG ignores the migrated ICC_SRE_EL1)."""

    name: str  # GROUP_CORE or GROUP_GIC
    title: str  # what and where, e.g. "GICv3 CPU interface + redistributor (arm_gicv3 cpu[1])"
    ids: tuple[int, ...]
    values: tuple[int | None, ...]
    notes: tuple[str, ...] = ()

    def __post_init__(self):
        self._check_lengths()
        if len(set(self.ids)) != len(self.ids):
            raise ValueError(f"group {self.name} names a register twice")


@dataclass(frozen=True)
class VcpuPresence:
    """What one source says about whether vCPU ``index`` exists, is enabled and runs.

    ``has_cpu_section``: the stream has a ``cpu`` section for it (QEMU writes one per realized
    vCPU; a vCPU disabled by CPU hotplug is unrealized and has none). ``powered_off``: the
    section's power_state (PSCI CPU_OFF), None when unknown. ``gicc_accessible``: the GICv3
    per-CPU ``gicc_accessible`` flag of the vCPU hotplug series (seed 004), None when the
    stream has no such field."""

    index: int
    has_cpu_section: bool
    powered_off: bool | None = None
    gicc_accessible: bool | None = None

    @property
    def enabled(self) -> bool:
        """Realized and not marked inaccessible: the vCPU QEMU loads a cpu section into."""
        return self.has_cpu_section and self.gicc_accessible is not False


@dataclass(frozen=True)
class VcpuState:
    index: int
    presence: VcpuPresence
    groups: tuple[StateGroup, ...] = ()

    def group(self, name: str) -> StateGroup | None:
        return next((g for g in self.groups if g.name == name), None)


@dataclass(frozen=True)
class CpuState:
    """All state outside the cpreg arrays of one source; empty for sources that carry none
    (register lists, dumps, logs, streams without a vmdesc decode only the core group).

    ``gic`` is GIC_V3, GIC_V2 or None (no GIC section); ``possible_vcpus`` the number of
    entries of the GICv3 per-CPU array (QEMU's num_cpu: every possible vCPU, enabled or not);
    ``notes`` say what was not decoded and why, never leaving a silent gap."""

    vcpus: tuple[VcpuState, ...] = ()
    gic: str | None = None
    possible_vcpus: int | None = None
    notes: tuple[str, ...] = ()

    def vcpu(self, index: int) -> VcpuState | None:
        return self._by_index.get(index)

    @cached_property
    def _by_index(self) -> dict[int, VcpuState]:
        return {v.index: v for v in self.vcpus}

    @property
    def carries_gicc_accessible(self) -> bool:
        """Whether the stream's GICv3 per-CPU state has the gicc_accessible field."""
        return any(v.presence.gicc_accessible is not None for v in self.vcpus)

    def enabled(self) -> tuple[int, ...]:
        return tuple(v.index for v in self.vcpus if v.presence.enabled)

"""Text output of the CPU state outside the cpreg arrays for ``show`` and ``diff``.

Kept apart from the cpreg listing and table, under a heading that says it never enters the
cpreg verdict; ``--no-state-groups`` leaves it out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.model.registers import regdb, regid
from app.model.registers.regdb import ModelSpec
from app.model.reports.diff_report import hex_or_none

if TYPE_CHECKING:
    from app.model.compare.state_diff import StateDiff
    from app.model.sources.cpu_state import CpuState, VcpuState
    from app.model.sources.register_set import RegisterSet


HEADING = "CPU state outside the cpreg arrays (does not affect the cpreg verdict)"


def write_vcpu_groups(out, state: VcpuState | None, accel: str,
                      model: ModelSpec = None) -> None:
    """The groups of one vCPU, after its cpregs in ``show``."""
    if state is None or not state.groups:
        return
    out.write("  -- state outside the cpreg arrays (not part of the cpreg verdict) --\n")
    for group in state.groups:
        out.write(f"  [{group.name}] {group.title}: {len(group)} registers\n")
        for rid, value in group.items():
            info = regdb.lookup(rid, accel, model)
            out.write(f"  {regid.format_id(rid)}  {info.name:<26} {info.cls:<9} "
                      f"{hex_or_none(value) or '(not in the stream)'}\n")
        for note in group.notes:
            out.write(f"  note: {note}\n")


def write_show_summary(out, regs: RegisterSet, only: int | None) -> None:
    """vCPU enablement, notes, and vCPUs that have state but no cpreg list (disabled)."""
    state: CpuState = regs.cpu_state
    out.write(f"\n{HEADING}\n")
    if not state.vcpus and not state.notes:
        out.write("none: this source is not a migration stream\n")
        return
    gic = {"gicv3": "GICv3 (arm_gicv3)", "gicv2": "GICv2 (arm_gic)"}.get(state.gic or "",
                                                                         "no GIC")
    possible = f", {state.possible_vcpus} possible vCPUs" if state.possible_vcpus else ""
    enabled = ", ".join(map(str, state.enabled())) or "none"
    out.write(f"{gic}{possible}; enabled vCPUs: {enabled}\n")
    for v in state.vcpus:
        if only is None or v.index == only:
            out.write(f"  vCPU {v.index}: {_presence(v)}\n")
    for note in state.notes:
        out.write(f"note: {note}\n")
    with_cpregs = {c.index for c in regs.vcpus}
    for v in state.vcpus:
        if v.index not in with_cpregs and only in (None, v.index):
            out.write(f"\nvCPU {v.index}: no cpreg list (no cpu section)\n")
            write_vcpu_groups(out, v, regs.accel, regs.cpu_model.models)


def _presence(v: VcpuState) -> str:
    p = v.presence
    words = ["enabled" if p.enabled else "not enabled"]
    words.append("cpu section" if p.has_cpu_section else "no cpu section")
    if p.powered_off is not None:
        words.append("powered off" if p.powered_off else "powered on")
    if p.gicc_accessible is not None:
        words.append(f"gicc_accessible={str(p.gicc_accessible).lower()}")
    return ", ".join(words)


def write_diff_state(out, result: StateDiff, rows, accel: str, model: ModelSpec = None) -> None:
    out.write(f"\n{HEADING}\n")
    for p in result.presence:
        mark = "!" if p.differs else " "
        out.write(f"{mark} vCPU {p.vcpu}: {p.outcome}\n")
    for note in result.notes:
        out.write(f"note: {note}\n")
    if not result.groups:
        return
    counts = ", ".join(f"{n} {s.value}" for s, n in result.counts().items() if n) or "none"
    out.write(f"rows: {counts}\n\n")
    out.write(f"{'vcpu':>4}  {'status':<15} {'group':<5} {'name':<26} {'id':<18} {'class':<9} "
              f"{'source':<18} {'destination':<18}\n")
    for row in rows:
        info = regdb.lookup(row.id, accel, model)
        out.write(f"{row.vcpu:>4}  {row.status.value:<15} {result.group_of(row):<5} "
                  f"{info.name:<26} {regid.format_id(row.id):<18} {info.cls:<9} "
                  f"{hex_or_none(row.src) or '-':<18} {hex_or_none(row.dst) or '-':<18}\n")

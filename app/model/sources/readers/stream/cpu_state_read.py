"""A migration stream's CpuState: core groups from the cpu sections, GIC groups and vCPU
enablement from the interrupt controller's section.

The stream reader calls this after it has the cpreg arrays, handing over the cpu sections it
already decoded. The GIC section (``arm_gicv3`` or ``arm_gic``) is decoded with its vmdesc
description; whatever cannot be decoded (no vmdesc, a description that disagrees with the
bytes, no GIC at all) becomes a note, never an error: the cpreg arrays, which the verdict
needs, are already read, and this state is shown beside them only.
"""

from __future__ import annotations

from app.model.errors import FormatError
from app.model.sources.cpu_state import (
    GIC_V2,
    GIC_V3,
    CpuState,
    StateGroup,
    VcpuPresence,
    VcpuState,
)
from app.model.sources.readers.stream import structs as S
from app.model.sources.readers.stream.core_regs import core_group, powered_off
from app.model.sources.readers.stream.cursor import Cursor
from app.model.sources.readers.stream.gicv2_regs import PER_CPU_FIELDS, cpu_interfaces, gicv2_group
from app.model.sources.readers.stream.gicv3_regs import accessible, gicv3_group
from app.model.sources.readers.stream.sections.section import Section
from app.model.sources.readers.stream.vmstate import decode_body

GIC_SECTIONS = {"arm_gicv3": GIC_V3, "arm_gic": GIC_V2}
# The parts of each GIC section the per-CPU groups read (everything else is stepped over).
GIC_FIELDS = {"arm_gicv3": frozenset({"cpu"}),
              "arm_gic": frozenset({key for key, _ in PER_CPU_FIELDS} | {"apr", "nsapr"})}


def read_cpu_state(cur: Cursor, sections: list[Section], decoded: dict[int, dict],
                   accel: str) -> CpuState:
    """``decoded`` maps vCPU index -> its cpu section's decode_body values (vmdesc streams)."""
    notes: list[str] = []
    cpu_sections = {s.instance_id: s for s in sections if s.name == "cpu"}
    core: dict[int, StateGroup] = {}
    power: dict[int, bool | None] = {}
    for index, sec in cpu_sections.items():
        values = decoded.get(index)
        if values is None:
            values = _prefix_values(cur, sec)
        if values is not None:
            core[index], power[index] = core_group(values), powered_off(values)
    if cpu_sections and not decoded:
        notes.append("the stream has no vmdesc: core registers come from the fixed start of "
                     "each cpu section (QEMU's cpu vmstate version 22); V0-V31 and the power "
                     "state are not decoded")
    kind, gic_values = _gic_values(cur, sections, notes)
    gic_groups: dict[int, StateGroup] = {}
    flags: dict[int, bool | None] = {}
    possible = None
    if kind == GIC_V3:
        per_cpu = gic_values.get("cpu")
        per_cpu = [per_cpu] if isinstance(per_cpu, dict) else per_cpu
        if not isinstance(per_cpu, list):
            notes.append("arm_gicv3 has no per-CPU 'cpu' array of structs: GIC state not shown")
            per_cpu = []
        possible = len(per_cpu) or None
        for index, cpu in enumerate(per_cpu):
            if isinstance(cpu, dict):
                gic_groups[index] = gicv3_group(cpu, index, accel)
                flags[index] = accessible(cpu)
    elif kind == GIC_V2:
        _gicv2(gic_values, sorted(cpu_sections), gic_groups, notes)
    vcpus = []
    for index in sorted(set(cpu_sections) | set(gic_groups)):
        presence = VcpuPresence(index, index in cpu_sections, power.get(index), flags.get(index))
        groups = tuple(g for g in (core.get(index), gic_groups.get(index)) if g is not None)
        vcpus.append(VcpuState(index, presence, groups))
    return CpuState(tuple(vcpus), kind, possible, tuple(notes))


def _prefix_values(cur: Cursor, sec: Section) -> dict | None:
    """Core fields of a cpu section without a vmdesc, named as a vmdesc names them."""
    prefix = S.ArmCpuPrefixV22.sizeof()
    if sec.version != S.ARM_CPU_VMSD_VERSION or sec.body_size < prefix:
        return None
    cur.seek(sec.body_offset, "cpu section")
    raw = S.to_plain(S.ArmCpuPrefixV22.parse(cur.read(prefix, "cpu section fields")))
    return {(k if k == "cpsr" else f"env.{k}"): tuple(v) if isinstance(v, list) else v
            for k, v in raw.items()}


def _gic_values(cur: Cursor, sections: list[Section], notes: list[str]):
    """(GIC kind or None, the GIC section's decoded values or {})."""
    sec = next((s for s in sections if s.name in GIC_SECTIONS), None)
    if sec is None:
        notes.append("no GIC section (arm_gicv3 or arm_gic) in the stream: no GIC state")
        return None, {}
    kind = GIC_SECTIONS[sec.name]
    if sec.desc is None or sec.desc.body is None:
        notes.append(f"{sec.name}: the stream has no vmdesc describing it, so its per-CPU GIC "
                     "state is not decoded")
        return kind, {}
    cur.seek(sec.body_offset, f"{sec.name} section")
    try:
        values, _ = decode_body(sec.desc.body, cur.read(sec.body_size, f"{sec.name} section"),
                                0, sec.body_offset, only=GIC_FIELDS[sec.name])
    except FormatError as exc:
        notes.append(f"{sec.name} section not decoded: {exc}")
        return kind, {}
    return kind, values


def _gicv2(values: dict, indices: list[int], groups: dict, notes: list[str]) -> None:
    notes.append("GICv2 (arm_gic): each CPU interface is the memory-mapped GICC_* registers "
                 "QEMU keeps in per-CPU arrays; a GICv2 has no ICC_* system registers and its "
                 "stream no per-vCPU enablement flag")
    if cpu_interfaces(values) is None:
        if values:
            notes.append("arm_gic has no per-CPU cpu_ctlr array: GIC state not shown")
        return
    for index in indices:
        group = gicv2_group(values, index)
        if group is None:
            notes.append(f"vCPU {index}: the GICv2 has no CPU interface for it")
        else:
            groups[index] = group

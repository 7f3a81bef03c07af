"""What QEMU does when source and destination disagree on the state outside the cpreg arrays.

Facts used (QEMU hw/intc/arm_gicv3_common.c, migration/savevm.c, seed 004):
- Every realized vCPU has a ``cpu`` section; one the destination has no vCPU for fails the
  load: "Unknown savevm section or instance 'cpu' N".
- A destination vCPU the stream has no section for keeps its own state.
- The vCPU hotplug series migrates GICv3CPUState.gicc_accessible; its post_load disables
  (qdev_unrealize) a destination vCPU that is enabled while the incoming GICC state is not
  ("Found CPU %d enabled, for incoming *disabled* GICC State" / "*Disabling* CPU %d, to match
  the incoming migrated state"). The administrator must keep the *possible* vCPUs equal.
- arm_gicv3's per-CPU array is VMSTATE_STRUCT_VARRAY_POINTER_UINT32 over num_cpu, which is
  not sent: the destination reads as many entries as it has possible vCPUs.
"""

from __future__ import annotations

from app.model.sources.cpu_state import GIC_V2, GIC_V3, CpuState, VcpuPresence

_GIC_TEXT = {GIC_V3: "a GICv3 (arm_gicv3)", GIC_V2: "a GICv2 (arm_gic)"}
_GIC_SECTION = {GIC_V3: "arm_gicv3", GIC_V2: "arm_gic"}


def presence_outcome(index: int, s: VcpuPresence | None, d: VcpuPresence | None) -> str:
    """One sentence: how vCPU ``index`` fares when the source ``s`` loads into ``d``."""
    s_on, d_on = s is not None and s.enabled, d is not None and d.enabled
    if s is not None and d is not None and s_on and d_on:
        text = "enabled on both: the incoming cpu section loads into this vCPU"
        if None not in (s.powered_off, d.powered_off) and s.powered_off != d.powered_off:
            text += (f"; power state differs (source {_power(s)}, destination {_power(d)}): "
                     "the incoming power_state is loaded, the vCPU follows the source")
        return text
    if s_on:
        if d is None or not d.has_cpu_section:
            return (f"enabled on the source only: the destination has no vCPU {index} to load "
                    f"it into, so QEMU fails with \"Unknown savevm section or instance 'cpu' "
                    f"{index}\" (the seed 004 mitigation covers only the opposite case)")
        return ("the destination marks it inaccessible, the source does not: its cpu section "
                "loads and the incoming gicc_accessible flag replaces the destination's")
    if d_on:
        if s is None:
            return ("exists only on the destination: the stream has no state for it, it keeps "
                    "its own (reset) state")
        if s.gicc_accessible is False:
            return (f"disabled on the source (incoming gicc_accessible=false) but enabled on the "
                    f"destination: QEMU with the vCPU hotplug series warns \"Found CPU {index} "
                    f"enabled, for incoming *disabled* GICC State\" and disables destination "
                    f"vCPU {index} (qdev_unrealize) to match the source (seed 004 mitigation)")
        return ("not enabled in the source stream (no cpu section) but enabled on the "
                "destination: it keeps running with its own state; nothing disables it unless "
                "the stream carries gicc_accessible")
    return "not enabled on either side: nothing to load"


def global_notes(a: CpuState, b: CpuState) -> list[str]:
    """Notes about the two sources as wholes (a = source/incoming, b = destination)."""
    if not a.vcpus or not b.vcpus:
        sides = [n for n, s in (("source", a), ("destination", b)) if not s.vcpus]
        who = " and ".join(sides)
        return [f"the {who} carries no CPU state outside the cpreg arrays (only migration "
                "streams do): core and GIC registers not compared"]
    notes = [n if (n in a.notes and n in b.notes) else
             f"{'source' if n in a.notes else 'destination'}: {n}"
             for n in dict.fromkeys(a.notes + b.notes)]
    if a.gic != b.gic:
        notes.append(_gic_mismatch(a.gic, b.gic))
    elif a.gic == GIC_V3 and a.possible_vcpus != b.possible_vcpus:
        notes.append(f"possible vCPUs differ: the arm_gicv3 per-CPU array has "
                     f"{a.possible_vcpus} entries in the source, {b.possible_vcpus} on the "
                     "destination; QEMU reads it with the destination's count (num_cpu is not "
                     "sent), so arm_gicv3 does not load. Keep the possible vCPUs equal at both "
                     "ends (seed 004)")
    if a.gic == b.gic == GIC_V3 and a.carries_gicc_accessible != b.carries_gicc_accessible:
        has, lacks = ("source", "destination") if a.carries_gicc_accessible else \
            ("destination", "source")
        notes.append(f"the {has}'s GICv3 per-CPU state carries gicc_accessible (vCPU hotplug "
                     f"series) and the {lacks}'s does not: the field layouts differ, so the "
                     "arm_gicv3 section does not load")
    return notes


def _power(p: VcpuPresence) -> str:
    return "powered off" if p.powered_off else "on"


def _gic_mismatch(src: str | None, dst: str | None) -> str:
    if src is None or dst is None:
        side = "source" if src is None else "destination"
        return f"the {side} has no GIC section: GIC state compared on one side only"
    return (f"the source has {_GIC_TEXT[src]} and the destination {_GIC_TEXT[dst]}: the "
            f"destination has no handler for the incoming '{_GIC_SECTION[src]}' section "
            "(Unknown savevm section), and the GIC registers cannot match")

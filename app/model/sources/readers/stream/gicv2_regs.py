"""The GIC group of one vCPU from an ``arm_gic`` (GICv2) section.

QEMU's GICv2 (hw/intc/arm_gic_common.c, vmstate_gic; include/hw/intc/arm_gic_common.h) keeps
each CPU interface's registers in arrays of GIC_NCPU = 8 entries indexed by CPU number, and the
active-priority registers as apr[GIC_NR_APRS = 4][GIC_NCPU] (sent row by row: element [n][cpu]
at n * 8 + cpu). They are memory-mapped GICC_* registers, so they have private ids:

- cpu_ctlr -> GICC_CTLR (QEMU stores the Secure view; the Non-secure one aliases its bits),
  priority_mask -> GICC_PMR, bpr -> GICC_BPR, abpr -> GICC_ABPR (with the Security
  Extensions: the Secure and Non-secure binary points), apr[n] -> GICC_APRn,
  nsapr[n] -> GICC_NSAPRn.
- running_priority and current_pending are QEMU's bookkeeping behind GICC_RPR and GICC_HPPIR
  (0x100 = idle, 1023 = nothing pending), shown as QEMU_GICC_RUNNING_PRIORITY and
  QEMU_GICC_CURRENT_PENDING.
"""

from __future__ import annotations

from app.model.sources.cpu_state import GROUP_GIC, StateGroup
from app.model.sources.readers.stream.gicv3_regs import reg
from app.model.sources.readers.stream.vmfields import array, pick

NR_APRS = 4
PER_CPU_FIELDS = (("cpu_ctlr", "GICC_CTLR"), ("priority_mask", "GICC_PMR"),
                  ("bpr", "GICC_BPR"), ("abpr", "GICC_ABPR"),
                  ("running_priority", "QEMU_GICC_RUNNING_PRIORITY"),
                  ("current_pending", "QEMU_GICC_CURRENT_PENDING"))


def cpu_interfaces(gic: dict) -> int | None:
    """How many CPU interfaces the section describes (len(cpu_ctlr): 8 in every QEMU)."""
    ctlr = gic.get("cpu_ctlr") if isinstance(gic, dict) else None
    return len(ctlr) if isinstance(ctlr, (tuple, list)) else None


def gicv2_group(gic: dict, index: int) -> StateGroup | None:
    """GICv2 CPU interface registers of CPU ``index``; None when the GIC has no such CPU
    interface (GICv2 serves at most 8 CPUs)."""
    ncpu = cpu_interfaces(gic)
    if ncpu is None or not 0 <= index < ncpu:
        return None
    rows = [(name, pick(array(gic, key, ncpu), index)) for key, name in PER_CPU_FIELDS]
    for key, name in (("apr", "GICC_APR"), ("nsapr", "GICC_NSAPR")):
        table = array(gic, key, NR_APRS * ncpu)
        rows += [(f"{name}{n}", pick(table, n * ncpu + index)) for n in range(NR_APRS)]
    missing = [name for name, value in rows if value is None]
    notes = (f"not in the stream or not the type QEMU sends: {', '.join(missing)}",) \
        if missing else ()
    return StateGroup(GROUP_GIC, f"GICv2 CPU interface (arm_gic, CPU interface {index})",
                      tuple(reg(n) for n, _ in rows), tuple(v for _, v in rows), notes)

"""Plain-data (JSON) views of the CPU state outside the cpreg arrays.

Additive to diff_report.py's shapes: ``show`` gains a "state" list per vCPU and a "cpu_state"
object, ``diff`` gains "state_rows" (report.row_json's shape plus "group") and "cpu_state".
Register entries have exactly the keys of the cpreg entries, so scripts read them alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.model.reports.diff_report import reg_json, row_json

if TYPE_CHECKING:
    from app.model.compare.state_diff import StateDiff
    from app.model.sources.cpu_state import CpuState, StateGroup, VcpuPresence
    from app.model.sources.register_set import RegisterSet



def group_json(group: StateGroup, accel: str) -> dict:
    return {"group": group.name, "title": group.title, "notes": list(group.notes),
            "registers": [reg_json(rid, val, accel) for rid, val in group.items()]}


def presence_json(p: VcpuPresence | None) -> dict | None:
    if p is None:
        return None
    return {"vcpu": p.index, "has_cpu_section": p.has_cpu_section, "enabled": p.enabled,
            "powered_off": p.powered_off, "gicc_accessible": p.gicc_accessible}


def cpu_state_json(state: CpuState) -> dict:
    return {"gic": state.gic, "possible_vcpus": state.possible_vcpus,
            "enabled_vcpus": list(state.enabled()), "notes": list(state.notes),
            "presence": [presence_json(v.presence) for v in state.vcpus]}


def add_show_state(data: dict, regs: RegisterSet, only: int | None = None) -> dict:
    """Add "state" to each entry of data["vcpus"] and a top-level "cpu_state" (whose
    "other_vcpus" holds vCPUs with state but no cpreg list, e.g. disabled by hotplug)."""
    state, accel = regs.cpu_state, regs.accel
    for entry in data["vcpus"]:
        mine = state.vcpu(entry["vcpu"])
        entry["state"] = [group_json(g, accel) for g in mine.groups] if mine else []
    summary = cpu_state_json(state)
    summary["other_vcpus"] = [
        {"vcpu": v.index, "presence": presence_json(v.presence),
         "state": [group_json(g, accel) for g in v.groups]}
        for v in state.vcpus
        if v.index not in {c.index for c in regs.vcpus} and only in (None, v.index)]
    data["cpu_state"] = summary
    return data


def add_diff_state(data: dict, result: StateDiff, rows, accel: str) -> dict:
    """Add "state_rows" (the selected ``rows`` of ``result``) and "cpu_state" to diff JSON."""
    data["state_rows"] = [{**row_json(row, accel), "group": result.group_of(row)}
                          for row in rows]
    data["cpu_state"] = {
        "counts": {k.value: v for k, v in result.counts().items()},
        "notes": list(result.notes),
        "presence": [{"vcpu": p.vcpu, "source": presence_json(p.src),
                      "destination": presence_json(p.dst), "differs": p.differs,
                      "outcome": p.outcome} for p in result.presence],
    }
    return data

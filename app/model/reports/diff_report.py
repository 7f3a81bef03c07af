"""Plain-data views of register sets and diffs: the stable JSON the CLI prints.

Other tools script against these shapes (see README "CLI"), so keys only ever get added.
Registers are named for the source's CPU model (``RegisterSet.cpu_model``; for a pair, the
model both sides agree on), so an IMPDEF encoding two models name differently gets the name
its own model gives it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.model.registers import regdb
from app.model.registers.regdb import ModelSpec
from app.model.registers.regid import format_id
from app.model.sources.register_set import shared_cpu_model

if TYPE_CHECKING:
    from app.model.compare.diff import Diff, DiffRow
    from app.model.sources.register_set import RegisterSet



def hex_or_none(value: int | None) -> str | None:
    return None if value is None else f"0x{value:016x}"


def source_json(regs: RegisterSet) -> dict:
    p = regs.provenance
    return {
        "path": p.path,
        "format": p.format,
        "machine": p.machine,
        "vcpus": len(regs.vcpus),
        "writer": p.writer,
        "accel": p.accel,
        "page_size": p.page_size,
        "cpu_model": list(regs.cpu_model.models),  # [] when the list does not say
    }


def show_json(regs: RegisterSet) -> dict:
    accel, model = regs.accel, regs.cpu_model.models
    return {
        "source": source_json(regs),
        "vcpus": [
            {
                "vcpu": cpu.index,
                "registers": [_reg(rid, val, accel, model) for rid, val in cpu.items()],
            }
            for cpu in regs.vcpus
        ],
    }


def reg_json(rid: int, value: int | None, accel: str, model: ModelSpec = None) -> dict:
    """One register as ``show`` lists it (also the registers of state groups)."""
    return _reg(rid, value, accel, model)


def _reg(rid: int, value: int | None, accel: str, model: ModelSpec = None) -> dict:
    info = regdb.lookup(rid, accel, model)
    return {"id": format_id(rid), "name": info.name, "class": info.cls,
            "value": hex_or_none(value)}


def row_json(row: DiffRow, accel: str, model: ModelSpec = None) -> dict:
    info = regdb.lookup(row.id, accel, model)
    return {
        "vcpu": row.vcpu,
        "id": format_id(row.id),
        "name": info.name,
        "class": info.cls,
        "status": row.status.value,
        "src": hex_or_none(row.src),
        "dst": hex_or_none(row.dst),
    }


def diff_json(src: RegisterSet, dst: RegisterSet, result: Diff, rows) -> dict:
    accel = src.accel if src.accel != "unknown" else dst.accel
    model = shared_cpu_model(src, dst)
    return {
        "source": source_json(src),
        "destination": source_json(dst),
        "cpu_model": list(model),  # what the rows are named by: the model both sides agree on
        "counts": {k.value: v for k, v in result.counts().items()},
        "vcpus": {"source": result.src_vcpus, "destination": result.dst_vcpus},
        "rows": [row_json(r, accel, model) for r in rows],
        "vcpu_variance": [
            {"side": v.side, "id": format_id(v.id),
             "name": regdb.lookup(v.id, accel, model).name,
             "values": [{"vcpu": c, "value": hex_or_none(x)} for c, x in v.values]}
            for v in result.variance
        ],
    }

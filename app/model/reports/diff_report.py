"""Plain-data views of register sets and diffs: the stable JSON the CLI prints.

Other tools script against these shapes (see README "CLI"), so keys only ever get added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.model.registers import regdb
from app.model.registers.regid import format_id

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
    }


def show_json(regs: RegisterSet) -> dict:
    accel = regs.accel
    return {
        "source": source_json(regs),
        "vcpus": [
            {
                "vcpu": cpu.index,
                "registers": [_reg(rid, val, accel) for rid, val in cpu.items()],
            }
            for cpu in regs.vcpus
        ],
    }


def reg_json(rid: int, value: int | None, accel: str) -> dict:
    """One register as ``show`` lists it (also the registers of state groups)."""
    return _reg(rid, value, accel)


def _reg(rid: int, value: int | None, accel: str) -> dict:
    info = regdb.lookup(rid, accel)
    return {"id": format_id(rid), "name": info.name, "class": info.cls,
            "value": hex_or_none(value)}


def row_json(row: DiffRow, accel: str) -> dict:
    info = regdb.lookup(row.id, accel)
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
    return {
        "source": source_json(src),
        "destination": source_json(dst),
        "counts": {k.value: v for k, v in result.counts().items()},
        "vcpus": {"source": result.src_vcpus, "destination": result.dst_vcpus},
        "rows": [row_json(r, accel) for r in rows],
        "vcpu_variance": [
            {"side": v.side, "id": format_id(v.id), "name": regdb.lookup(v.id, accel).name,
             "values": [{"vcpu": c, "value": hex_or_none(x)} for c, x in v.values]}
            for v in result.variance
        ],
    }

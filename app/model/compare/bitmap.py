"""What the overview plots draw: a bit-difference matrix and per-vCPU anomaly counts.

The matrix has one row per value-mismatch register and 64 columns, bit 63 first (column 0)
down to bit 0 (column 63), as registers are written. Each cell is a code saying how the two
values compare at that bit. The codes compare the two values only: no reset or "expected"
value is assumed, because none is known for most registers — so there is no "both changed"
state, only "set in one side and clear in the other" (in either direction) and "the same".

Qt-free, so the window only colours the codes, and the rules are testable without a display.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from app.model.compare.diff import DiffRow, Status
from app.model.registers.fields import Field

BOTH_CLEAR, BOTH_SET, SRC_ONLY, DST_ONLY, OUTSIDE = range(5)
MEANING = {
    SRC_ONLY: "1 only in the source (incoming 1, destination 0)",
    DST_ONLY: "1 only in the destination (incoming 0, destination 1)",
    BOTH_SET: "1 on both sides",
    BOTH_CLEAR: "0 on both sides",
    OUTSIDE: "beyond the register's width",
}
_SHIFTS = np.arange(63, -1, -1, dtype=np.uint64)  # column c holds bit 63 - c

# The statuses the per-vCPU bars count, in drawing order ("tolerated" only once rules exist).
ANOMALIES = ("unexpected", "missing", "value-mismatch", "tolerated")


@dataclass(frozen=True)
class BitMap:
    rows: tuple[DiffRow, ...]
    codes: np.ndarray  # (len(rows), 64) uint8; column c is bit 63 - c

    def code(self, row: int, bit: int) -> int:
        return int(self.codes[row, 63 - bit])

    def __len__(self) -> int:
        return len(self.rows)


def _bits(values: list[int]) -> np.ndarray:
    arr = np.array(values, dtype=np.uint64).reshape(-1, 1)
    return ((arr >> _SHIFTS) & np.uint64(1)).astype(np.uint8)


def build(rows: Iterable[DiffRow], width_of: Callable[[int], int] = lambda _id: 64) -> BitMap:
    """The matrix for the value mismatches among ``rows``, in their order; other rows (and
    rows lacking a value) are skipped. ``width_of(id)`` gives a register's width in bits
    (32 for AArch32 registers): higher bits are OUTSIDE."""
    kept = tuple(r for r in rows if r.status is Status.VALUE_MISMATCH
                 and r.src is not None and r.dst is not None)
    if not kept:
        return BitMap((), np.zeros((0, 64), dtype=np.uint8))
    # ``or 0`` only tells the type checker what ``kept`` guarantees: both values are known.
    src, dst = _bits([r.src or 0 for r in kept]), _bits([r.dst or 0 for r in kept])
    codes = np.where(src == dst, np.where(src == 1, BOTH_SET, BOTH_CLEAR),
                     np.where(src == 1, SRC_ONLY, DST_ONLY)).astype(np.uint8)
    widths = np.array([width_of(r.id) for r in kept]).reshape(-1, 1)
    codes[_SHIFTS.astype(np.int64) >= widths] = OUTSIDE
    return BitMap(kept, codes)


def field_at(fields: Iterable[Field], bit: int) -> Field | None:
    """The field holding ``bit``, None when the layout has no field there."""
    return next((f for f in fields if f.lsb <= bit <= f.msb), None)


def describe(bitmap: BitMap, row: int, bit: int, name: str, fields: Iterable[Field]) -> str:
    """One line for hovering a cell: register, vCPU, bit, field and what the code means."""
    rec = bitmap.rows[row]
    f = field_at(fields, bit)
    where = f"{f.name} [{f.msb}:{f.lsb}]" if f is not None else "no field"
    code = bitmap.code(row, bit)
    if code == OUTSIDE:
        return f"{name} (vCPU {rec.vcpu}) bit {bit}: {MEANING[OUTSIDE]}"
    src, dst = rec.src or 0, rec.dst or 0  # a BitMap keeps only rows with both values
    return (f"{name} (vCPU {rec.vcpu}) bit {bit}, field {where}: source {src >> bit & 1}, "
            f"destination {dst >> bit & 1} — {MEANING[code]}")


def vcpu_counts(items: Iterable[tuple[int, str]], keys=ANOMALIES
                ) -> tuple[list[int], dict[str, np.ndarray]]:
    """Count (vcpu, status key) pairs: the sorted vCPUs and, per key, one count per vCPU.
    Keys outside ``keys`` (matches, "present") are not counted; every vCPU seen is listed."""
    per: dict[int, dict[str, int]] = {}
    for vcpu, key in items:
        bucket = per.setdefault(vcpu, {})
        if key in keys:
            bucket[key] = bucket.get(key, 0) + 1
    vcpus = sorted(per)
    return vcpus, {k: np.array([per[v].get(k, 0) for v in vcpus], dtype=np.int64) for k in keys}

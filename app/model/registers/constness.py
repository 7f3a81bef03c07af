"""Constness: can a destination QEMU take a cpreg value other than its own?

After merging the cpreg lists, QEMU writes every value back into the vCPU. Under TCG,
``write_list_to_cpustate`` writes each value and reads it back; a constant register
(``ARM_CP_CONST``, or a readfn/write-ignore pair such as L2CTLR, whose value is the number of
vCPUs) ignores the write, so a different incoming value reads back wrong and the load fails
(``cpu_post_load`` returns -1: "Operation not permitted"). Under KVM, ``KVM_SET_ONE_REG`` refuses
a different value for the invariant / identification registers. Guest state always loads.

Facts: resources/qemu-facts.json (tools/gen_qemu_facts.py, from QEMU 7.2's cpreg table) says
which migrated ids QEMU 7.2 defines as constants. Registers that table does not know (added by
later QEMU releases) or knows only ambiguously fall back to the register database's class:
identification registers and IMPLEMENTATION DEFINED ones, which QEMU models as constants.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from app import assets
from app.model.registers import regdb
from app.model.registers.accel import ACCEL_KVM

RESOURCE = "qemu-facts.json"
CONSTANT_KINDS = ("const", "write-ignored")
CONSTANT_CLASSES = ("id", "impdef")


@dataclass(frozen=True)
class Constness:
    """Whether the destination refuses a value other than its own, and the evidence."""

    constant: bool
    why: str


@lru_cache(maxsize=1)
def facts() -> dict:
    """The generated fact tables (parsed once)."""
    raw = assets.read_json(RESOURCE)
    if raw.get("format") != 1:
        raise ValueError(f"{RESOURCE}: unsupported format {raw.get('format')!r}")
    return raw


@lru_cache(maxsize=8192)
def constness(reg_id: int, accel: str) -> Constness:
    """Constness of ``reg_id`` on a destination running ``accel`` (TCG unless "kvm")."""
    info = regdb.lookup(reg_id, accel)
    if accel == ACCEL_KVM:
        if info.cls == "id":
            return Constness(True, "identification register: KVM refuses to set a value "
                                   "other than the host's (KVM_SET_ONE_REG fails)")
        return Constness(False, f"{info.cls} register: KVM takes the migrated value")
    kind = facts()["qemu72_tcg"].get(f"0x{reg_id:016x}")
    if kind in CONSTANT_KINDS:
        how = ("ARM_CP_CONST" if kind == "const"
               else "its value is computed and writes are ignored")
        return Constness(True, f"constant under TCG ({how} in QEMU's definition): a "
                               "different value reads back wrong in write_list_to_cpustate")
    if kind == "writable":
        return Constness(False, "QEMU stores the migrated value (a writable cpreg)")
    if info.cls in CONSTANT_CLASSES:
        what = "identification" if info.cls == "id" else "IMPLEMENTATION DEFINED"
        return Constness(True, f"{what} register, constant under TCG: a different value "
                               "reads back wrong in write_list_to_cpustate")
    return Constness(False, f"{info.cls} register: QEMU stores the migrated value")


def is_constant(reg_id: int, accel: str) -> bool:
    return constness(reg_id, accel).constant


def field_visibility(register_name: str, field_name: str) -> str | None:
    """'visible', 'hidden' or 'conditional' (kernel ftr tables), None when not listed.

    AArch32 views (ID_DFR0) share the AArch64 register's table (ID_DFR0_EL1).
    """
    table = facts()["ftr_visibility"]
    for name in (register_name, register_name + "_EL1"):
        fields = table.get(name)
        if fields is not None:
            return fields.get(field_name)
    return None

"""Accelerators: who wrote a register list, because two KVM timer ids mean different registers
under KVM and TCG.

The lowest module of ``registers``: the database, constness and the readers name an
accelerator with these constants (re-exported by ``sources.register_set``).
"""

from __future__ import annotations

from collections.abc import Iterable

ACCEL_TCG = "tcg"
ACCEL_KVM = "kvm"
ACCEL_UNKNOWN = "unknown"

# KVM firmware pseudo-registers (coprocessor group 0x0014, regid.GROUP_FW) appear only in
# lists written under KVM; TCG never migrates them. Their presence is how a list's
# accelerator is recognised.
_FW_GROUP = 0x0014


def guess_accel(ids: Iterable[int]) -> str:
    """Tell KVM-written lists (they carry firmware pseudo-registers) from TCG ones."""
    for reg_id in ids:
        if (reg_id >> 52) == 0x603 and ((reg_id >> 16) & 0xFFFF) == _FW_GROUP:
            return ACCEL_KVM
    return ACCEL_TCG


__all__ = ["ACCEL_KVM", "ACCEL_TCG", "ACCEL_UNKNOWN", "guess_accel"]

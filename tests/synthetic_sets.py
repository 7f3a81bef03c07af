"""Small hand-built RegisterSets for verdict and suggest tests.

Each set looks like a migration stream: a machine type, a writer, and the device sections a
QEMU would send (cpu_common + cpu per vCPU, with the cpu subsections given), so one fact can be
changed at a time. Real streams are tested in test_verdict_real_qemu.py.
"""

from __future__ import annotations

from app.model.sources.register_set import ACCEL_TCG, DeviceInfo, Provenance, RegisterSet, VCpu

# Registers with known behaviour (facts from QEMU 7.2's cpreg table and the register classes).
TTBR0_EL1 = 0x603000000013C100  # guest state: writable
SCTLR_EL1 = 0x603000000013C080  # guest state: writable
ID_DFR0_EL1 = 0x603000000013C00A  # ARM_CP_CONST
ID_AA64PFR0_EL1 = 0x603000000013C020  # identification register (constant)
L2CTLR_EL1 = 0x603000000013CD82  # value = number of vCPUs; writes ignored
DBGDTRTX_BOGUS = 0x40200000200E0298  # the AArch32 register QEMU <= 10.2 wrongly exposed
LATE_IMPDEF = 0x603000000013F000  # S3_6_C0_C0_0: sorts after every architectural sysreg

BASE_SUBSECTIONS = ("cpu/vfp", "cpu/irq-line-state")


def regset(cpus: list[dict[int, int]], *, machine: str = "virt-10.0",
           writer: str | None = "qemu-7.2", subsections=BASE_SUBSECTIONS,
           accel: str = ACCEL_TCG, extra_devices: tuple[str, ...] = (),
           path: str = "synthetic.mig") -> RegisterSet:
    """A stream-like RegisterSet: vCPU i holds ``cpus[i]`` (id -> value)."""
    devices = [DeviceInfo("timer", 0, 2)]
    devices += [DeviceInfo(name, 0, 1) for name in extra_devices]
    vcpus = []
    for index, regs in enumerate(cpus):
        ids = tuple(sorted(regs))
        vcpus.append(VCpu(index, ids, tuple(regs[i] for i in ids)))
        devices += [DeviceInfo("cpu_common", index, 1),
                    DeviceInfo("cpu", index, 22, tuple(subsections))]
    devices.append(DeviceInfo("globalstate", 0, 1))
    prov = Provenance(path=path, format="qemu-stream", machine=machine, writer=writer,
                      accel=accel, devices=tuple(devices))
    return RegisterSet(prov, tuple(vcpus))


def same(regs: dict[int, int], n: int = 1) -> list[dict[int, int]]:
    """``n`` vCPUs with the same registers."""
    return [dict(regs) for _ in range(n)]

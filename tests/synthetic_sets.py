"""Small hand-built RegisterSets for verdict and suggest tests.

Each set looks like a migration stream: a machine type, a writer, the RAM block list and the
device sections a QEMU would send (cpu_common + cpu per vCPU, with the cpu subsections given,
each with its body size and the fields its vmdesc describes), so one fact can be changed at a
time. Real streams are tested in test_verdict_real_qemu.py and test_verdict_stream.py.
"""

from __future__ import annotations

from app.model.sources.register_set import (
    ACCEL_TCG,
    DeviceInfo,
    Provenance,
    RamBlock,
    RegisterSet,
    VCpu,
)
from app.model.sources.stream_layout import SectionField, SectionLayout

# Registers with known behaviour (facts from QEMU 7.2's cpreg table and the register classes).
TTBR0_EL1 = 0x603000000013C100  # guest state: writable
SCTLR_EL1 = 0x603000000013C080  # guest state: writable
ID_DFR0_EL1 = 0x603000000013C00A  # ARM_CP_CONST
ID_AA64PFR0_EL1 = 0x603000000013C020  # identification register (constant)
L2CTLR_EL1 = 0x603000000013CD82  # value = number of vCPUs; writes ignored
DBGDTRTX_BOGUS = 0x40200000200E0298  # the AArch32 register QEMU <= 10.2 wrongly exposed
LATE_IMPDEF = 0x603000000013F000  # S3_6_C0_C0_0: sorts after every architectural sysreg

BASE_SUBSECTIONS = ("cpu/vfp", "cpu/irq-line-state")
RAM = (RamBlock("mach-virt.ram", 64 << 20), RamBlock("virt.flash0", 64 << 20))


def regset(cpus: list[dict[int, int]], *, machine: str = "virt-10.0",
           writer: str | None = "qemu-7.2", subsections=BASE_SUBSECTIONS,
           accel: str = ACCEL_TCG, extra_devices: tuple[str, ...] = (),
           path: str = "synthetic.mig", ram: tuple[RamBlock, ...] = RAM) -> RegisterSet:
    """A stream-like RegisterSet: vCPU i holds ``cpus[i]`` (id -> value)."""
    devices = [_device("timer", 0, 2, 24)]
    devices += [_device(name, 0, 1, 16) for name in extra_devices]
    vcpus = []
    for index, regs in enumerate(cpus):
        ids = tuple(sorted(regs))
        vcpus.append(VCpu(index, ids, tuple(regs[i] for i in ids)))
        devices += [_device("cpu_common", index, 1, 8), _cpu(index, len(ids), subsections)]
    devices.append(_device("globalstate", 0, 1, 104))
    prov = Provenance(path=path, format="qemu-stream", machine=machine, writer=writer,
                      accel=accel, devices=tuple(devices), ram_blocks=ram)
    return RegisterSet(prov, tuple(vcpus))


def _device(name: str, instance: int, version: int, size: int) -> DeviceInfo:
    layout = SectionLayout((SectionField("state", "buffer", size),))
    return DeviceInfo(name, instance, version, size=size, layout=layout)


def _cpu(index: int, count: int, subsections) -> DeviceInfo:
    """A cpu section as QEMU describes it: fixed fields, the cpreg arrays (``count`` each),
    one field per subsection."""
    fields = (SectionField("env", "buffer", 60),
              SectionField("cpreg_vmstate_array_len", "int32", 4),
              SectionField("cpreg_vmstate_indexes", "uint64", 8, count),
              SectionField("cpreg_vmstate_values", "uint64", 8, count),
              *(SectionField(f"{sub}/state", "buffer", 8) for sub in subsections))
    size = 64 + 16 * count + sum(4 + len(sub) + 8 + 2 for sub in subsections)
    return DeviceInfo("cpu", index, 22, tuple(subsections), size=size,
                      layout=SectionLayout(fields))


def same(regs: dict[int, int], n: int = 1) -> list[dict[int, int]]:
    """``n`` vCPUs with the same registers."""
    return [dict(regs) for _ in range(n)]

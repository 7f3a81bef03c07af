"""What the matrix runs: the QEMUs, the VM configurations and the (stream, destination) pairs.

Everything capture_matrix.py does is driven by these declarative tables:
  QEMUS    which qemu-system-aarch64 to run (the host binary or one inside a Debian chroot)
  CONFIGS  named VM configurations (cpu, smp, machine, memory, extra devices, running guest)
  PAIRS    (class, src_qemu, src_config, dest_qemu, dest_config) loads to try
Stream files are named ``<tag>-<config>.mig`` (tag from QEMUS, e.g. q72-a57-smp2.mig).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

QEMU_BIN = "qemu-system-aarch64"
TIMEOUT = 30  # seconds per capture/load step
GUEST_BOOT_TIMEOUT = 240

# series -> (stream tag, chroot directory name under the work dir, or None for the host binary)
QEMUS = {"7.2": ("q72", None),
         "10.0": ("q10", "trixie"),
         "11.1": ("q11", "sid")}


@dataclass(frozen=True)
class Work:
    """The work directory: chroots (trixie/, sid/), disk.raw (1 MiB, for virtio-blk) and
    guest/ (Image + initrd.gz from shared/tools/mkguest.sh)."""

    root: str

    @property
    def disk(self) -> str:
        return os.path.join(self.root, "disk.raw")

    @property
    def guest(self) -> str:
        return os.path.join(self.root, "guest")

    def chroot(self, series: str) -> str | None:
        name = QEMUS[series][1]
        return os.path.join(self.root, name) if name else None

    def available(self, series: str) -> bool:
        root = self.chroot(series)
        return root is None or os.path.isdir(root)


def devices(work: Work) -> dict[str, list[str]]:
    """Extra device arguments by short name."""
    return {
        "net": ["-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0"],
        "rng": ["-object", "rng-random,id=r0,filename=/dev/urandom",
                "-device", "virtio-rng-device,rng=r0"],
        "blk": ["-drive", f"file={work.disk},format=raw,if=none,id=d0",
                "-device", "virtio-blk-device,drive=d0"],
    }


def cfg(cpu="cortex-a57", smp=2, machine="virt", mem=64, devs=(), guest=False) -> dict:
    return {"cpu": cpu, "smp": smp, "machine": machine, "mem": mem, "devs": list(devs),
            "guest": guest}


CONFIGS = {
    "a57-smp2": cfg(),
    "a57-smp2-m128": cfg(mem=128),
    "a57-smp2-net": cfg(devs=["net"]),
    "a57-smp2-rng": cfg(devs=["rng"]),
    "a57-smp2-blk": cfg(devs=["blk"]),
    "a57-smp2-rng-blk": cfg(devs=["rng", "blk"]),
    "a57-smp2-gicv2": cfg(machine="virt,gic-version=2"),
    "a57-smp2-gicv3": cfg(machine="virt,gic-version=3"),
    "a57-smp2-gicv3-its-off": cfg(machine="virt,gic-version=3,its=off"),
    "a76-smp1-gicv3": cfg(cpu="cortex-a76", smp=1, machine="virt,gic-version=3"),
    "a76-smp2-gicv3": cfg(cpu="cortex-a76", smp=2, machine="virt,gic-version=3"),
    "a76-smp1-gicv2": cfg(cpu="cortex-a76", smp=1, machine="virt,gic-version=2"),
    "a76-smp2-gicv2": cfg(cpu="cortex-a76", smp=2, machine="virt,gic-version=2"),
    "max-smp2": cfg(cpu="max"),
    "max-sve-off-smp2": cfg(cpu="max,sve=off"),
    "max-pmu-off-smp2": cfg(cpu="max,pmu=off"),
    "a57-pmu-off-smp2": cfg(cpu="cortex-a57,pmu=off"),
    "a57-smp2-virt-7.2": cfg(machine="virt-7.2"),
    "a57-smp2-virt-9.2": cfg(machine="virt-9.2"),
    "a57-smp2-virt-10.0": cfg(machine="virt-10.0"),
    "a57-smp2-virt-11.1": cfg(machine="virt-11.1"),
    "a57-smp2-gicv3-virt-7.2": cfg(machine="virt-7.2,gic-version=3"),
    "a57-smp2-gicv3-virt-10.0": cfg(machine="virt-10.0,gic-version=3"),
    "max-smp2-virt-7.2": cfg(cpu="max", machine="virt-7.2"),
    "max-smp2-virt-10.0": cfg(cpu="max", machine="virt-10.0"),
    "a76-smp2-gicv3-virt-7.2": cfg(cpu="cortex-a76", machine="virt-7.2,gic-version=3"),
    "a57-smp2-guest": cfg(mem=256, devs=["rng", "blk"], guest=True),
    "a57-smp2-guest-noblk": cfg(mem=256, devs=["rng"], guest=True),
}

ALL = ("7.2", "10.0", "11.1")


def both(cls, qs, a, b):
    return [(cls, q, a, q, b) for q in qs] + [(cls, q, b, q, a) for q in qs]


PAIRS = (
    [("identity", q, c, q, c) for q in ALL for c in ("a57-smp2", "max-smp2", "a57-smp2-gicv3")]
    + both("ram-size", ALL, "a57-smp2-m128", "a57-smp2")
    + [("netdev", q, "a57-smp2-net", q, "a57-smp2-net") for q in ALL]
    + both("netdev", ALL, "a57-smp2-net", "a57-smp2")
    + both("virtio", ALL, "a57-smp2-rng", "a57-smp2")
    + both("virtio", ALL, "a57-smp2-blk", "a57-smp2")
    + both("virtio", ALL, "a57-smp2-rng-blk", "a57-smp2-rng")
    + [("virtio", q, c, q, c) for q in ALL
       for c in ("a57-smp2-rng", "a57-smp2-blk", "a57-smp2-rng-blk")]
    + both("gic", ALL, "a57-smp2-gicv2", "a57-smp2-gicv3")
    + both("its", ALL, "a57-smp2-gicv3-its-off", "a57-smp2-gicv3")
    + both("smp", ALL, "a76-smp1-gicv3", "a76-smp2-gicv3")
    + both("smp", ALL, "a76-smp1-gicv2", "a76-smp2-gicv2")
    + both("cpu-prop", ALL, "max-sve-off-smp2", "max-smp2")
    + both("cpu-prop", ALL, "max-pmu-off-smp2", "max-smp2")
    + both("cpu-prop", ALL, "a57-pmu-off-smp2", "a57-smp2")
    + both("machine-type", ["11.1"], "a57-smp2-virt-7.2", "a57-smp2")
    + both("machine-type", ["10.0"], "a57-smp2-virt-9.2", "a57-smp2")
    + both("machine-type", ["11.1"], "a57-smp2-virt-11.1", "a57-smp2")
    + both("machine-type", ["10.0"], "a57-smp2-virt-10.0", "a57-smp2")
    + [("machine-type", q, c, q, c)
       for q, c in (("11.1", "a57-smp2-virt-7.2"), ("10.0", "a57-smp2-virt-9.2"))]
    + [("cross-version", "7.2", "a57-smp2", d, "a57-smp2-virt-7.2") for d in ("10.0", "11.1")]
    + [("cross-version", "7.2", "a57-smp2-gicv3", d, "a57-smp2-gicv3-virt-7.2")
       for d in ("10.0", "11.1")]
    + [("cross-version", "10.0", "a57-smp2", "11.1", "a57-smp2-virt-10.0"),
       ("cross-version", "10.0", "a57-smp2-gicv3", "11.1", "a57-smp2-gicv3-virt-10.0"),
       ("cross-version", "7.2", "a57-smp2", "10.0", "a57-smp2"),
       ("cross-version", "10.0", "a57-smp2-virt-7.2", "11.1", "a57-smp2-virt-7.2"),
       ("cross-version", "7.2", "max-smp2", "10.0", "max-smp2-virt-7.2"),
       ("cross-version", "7.2", "max-smp2", "11.1", "max-smp2-virt-7.2"),
       ("cross-version", "10.0", "max-smp2", "11.1", "max-smp2-virt-10.0"),
       ("cross-version", "7.2", "a76-smp2-gicv3", "10.0", "a76-smp2-gicv3-virt-7.2"),
       ("cross-version", "7.2", "a76-smp2-gicv3", "11.1", "a76-smp2-gicv3-virt-7.2"),
       # backwards: newer QEMU, old machine type -> older QEMU
       ("cross-version", "10.0", "a57-smp2-virt-7.2", "7.2", "a57-smp2"),
       ("cross-version", "11.1", "a57-smp2-virt-7.2", "7.2", "a57-smp2"),
       ("cross-version", "11.1", "a57-smp2-virt-10.0", "10.0", "a57-smp2")]
    + [("guest", q, "a57-smp2-guest", q, d) for q in ("7.2", "11.1")
       for d in ("a57-smp2-guest", "a57-smp2-guest-noblk")]
)


def stream_file(series: str, config: str) -> str:
    """The stream's file name: q72-a57-smp2.mig."""
    return f"{QEMUS[series][0]}-{config}.mig"

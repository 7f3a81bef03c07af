"""RegisterSet: what one source (stream, dump, list, log) says about each vCPU's cpregs.

Every reader produces this one shape, so the diff, verdict and UI never care where registers
came from. Values are ``None`` when the source names a register without its value (register
lists, logs): known presence, unknown value — never an invented zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from app.model.registers.accel import ACCEL_KVM, ACCEL_TCG, ACCEL_UNKNOWN, guess_accel
from app.model.registers.cpu_model import ModelGuess, identify
from app.model.sources.cpu_state import CpuState
from app.model.sources.register_values import RegisterValues
from app.model.sources.stream_layout import RamBlock, SectionLayout

# The accelerator names live in registers.accel (the register database needs them); they are
# re-exported here because every reader fills Provenance.accel with them.
__all__ = ["ACCEL_KVM", "ACCEL_TCG", "ACCEL_UNKNOWN", "DeviceInfo", "Provenance", "RamBlock",
           "RegisterSet", "SectionLayout", "VCpu", "guess_accel", "shared_cpu_model"]


@dataclass(frozen=True)
class DeviceInfo:
    """A device section of a migration stream, as its vmdesc describes it."""

    name: str
    instance_id: int
    version: int
    subsections: tuple[str, ...] = ()
    offset: int | None = None  # byte offset of the section header in the stream
    size: int | None = None  # bytes of the section body (header and footer excluded)
    # No VMSD description in the vmdesc (slirp and other devices with their own save/load
    # handlers): the body is an opaque byte range found with the section footer.
    opaque: bool = False
    layout: SectionLayout | None = None  # fields and element counts, when described
    digest: str | None = None  # sha256 of the body, to compare opaque sections' content
    section_id: int | None = None  # the stream's own section number (QEMU 11.1 names it)


@dataclass(frozen=True)
class Provenance:
    """Where a RegisterSet came from and what its writer was."""

    path: str
    format: str  # reader name, e.g. "qemu-stream", "text-dump"
    machine: str | None = None  # machine type, e.g. "virt-7.2"
    writer: str | None = None  # recognised writer, e.g. "qemu-7.2", "qemu-11.1"
    accel: str = ACCEL_UNKNOWN
    page_size: int | None = None
    devices: tuple[DeviceInfo, ...] = ()  # every section in stream order (streams only)
    ram_blocks: tuple[RamBlock, ...] = ()  # the RAM section's block list (streams only)
    notes: tuple[str, ...] = ()  # facts worth showing (e.g. "vmdesc suppressed: forward walk")


@dataclass(frozen=True)
class VCpu(RegisterValues):
    """One vCPU's cpreg list in the order its source gave it (QEMU writes it sorted by id)."""

    index: int
    ids: tuple[int, ...]
    values: tuple[int | None, ...]

    def __post_init__(self):
        self._check_lengths()


@dataclass(frozen=True)
class RegisterSet:
    provenance: Provenance
    vcpus: tuple[VCpu, ...] = field(default_factory=tuple)
    # State outside the cpreg arrays (core registers, GIC; streams only). Never part of
    # ``vcpus``, the cpreg diff or the verdict: see cpu_state.py and state_diff.py.
    cpu_state: CpuState = field(default_factory=CpuState)

    @property
    def accel(self) -> str:
        return self.provenance.accel

    @property
    def cpu_model(self) -> ModelGuess:
        """The QEMU CPU model(s) vCPU 0's cpreg list comes from (``cpu_model.identify``; empty
        when the list does not say). Pass it as ``model`` to ``regdb.lookup``/``find`` to name
        the IMPDEF registers models name differently. Cached per list: cheap to ask again."""
        if not self.vcpus:
            return ModelGuess()
        first = self.vcpus[0]
        return _identify(tuple(first.ids), tuple(first.values))

    def vcpu(self, index: int) -> VCpu:
        for cpu in self.vcpus:
            if cpu.index == index:
                return cpu
        raise KeyError(f"{self.provenance.path} has no vCPU {index}")



@lru_cache(maxsize=32)
def _identify(ids: tuple[int, ...], values: tuple[int | None, ...]) -> ModelGuess:
    return identify(ids, values)


def shared_cpu_model(*sets: RegisterSet | None) -> tuple[str, ...]:
    """The CPU model(s) to name a pair's registers by: what the sides that say a model agree
    on (a side that does not say, such as a dump without model-specific registers, has no
    vote, as with the accelerator); () when none says or two sides disagree, so an encoding
    models name differently keeps its neutral name."""
    common: set[str] | None = None
    for regs in sets:
        models = set(regs.cpu_model) if regs is not None else set()
        if models:
            common = models if common is None else common & models
    return tuple(sorted(common or ()))

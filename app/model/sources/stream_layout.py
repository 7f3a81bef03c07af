"""What a migration stream holds besides the vCPUs: its RAM blocks and each section's shape.

The destination QEMU checks these before it ever reaches a cpreg (RAM block names and sizes
in the RAM section's first record, then every device section against its own), so the verdict
needs them; readers of other sources leave them empty, and the verdict then says it could not
check them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RamBlock:
    """One RAM block of the stream's RAM section block list (``ram_save_setup``)."""

    name: str  # the RAMBlock idstr, e.g. "mach-virt.ram", "virt.flash0"
    length: int  # used_length in bytes, as the source recorded it
    page_size: int | None = None  # recorded only when it differs from the host page size


@dataclass(frozen=True)
class SectionField:
    """One field of a device section as the vmdesc describes it (subsection fields are
    named ``subsection/field``)."""

    name: str
    type: str  # the vmdesc "type" ("uint64", "struct", "buffer", "unused_buffer", ...)
    size: int  # bytes of one element
    count: int = 1  # elements: arrays (a per-CPU GIC array has one per vCPU)
    value: bytes | None = None  # the field's raw bytes when small enough to keep (<= 64)


@dataclass(frozen=True)
class SectionLayout:
    """What QEMU would have to agree with to load one section: the ordered fields and their
    element counts. A destination whose layout differs reads the wrong number of bytes and
    then misses the section footer (``Missing section footer for NAME``)."""

    fields: tuple[SectionField, ...] = ()

    def signature(self) -> tuple[tuple[str, int, int], ...]:
        return tuple((f.name, f.size, f.count) for f in self.fields)

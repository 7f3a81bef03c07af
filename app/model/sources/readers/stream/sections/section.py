"""One device section as found in the stream, and the byte shapes around its body.

A SECTION_FULL record is 0x04, u32 section id, u8-length idstr, u32 instance id, u32 version,
then the body, then (machine types >= 2.4) the footer 0x7e + the same u32 section id.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.model.sources.readers.stream import structs as S
from app.model.sources.readers.stream.vmdesc import DeviceDesc

FOOTER_SIZE = 5


@dataclass(frozen=True)
class Section:
    name: str
    instance_id: int
    version: int
    section_id: int
    offset: int  # of the record byte
    body_offset: int
    body_size: int  # from the vmdesc, or (without one) where the footer was found
    desc: DeviceDesc | None  # None: the stream has no vmdesc describing it

    @property
    def opaque(self) -> bool:
        """Nothing describes the body's fields (no vmdesc, or a device without a VMSD)."""
        return self.desc is None or self.desc.body is None


def header_size(name: str) -> int:
    return 1 + 4 + 1 + len(name.encode("latin1")) + 4 + 4


def footer(section_id: int) -> bytes:
    return bytes((S.QEMU_VM_SECTION_FOOTER,)) + section_id.to_bytes(4, "big")


def header_prefix(section_id: int, name: str, instance_id: int) -> bytes:
    """A SECTION_FULL header up to (not including) its version: what a footer's section id,
    the vmdesc's name and instance id pin down."""
    idstr = name.encode("latin1")
    return (bytes((S.QEMU_VM_SECTION_FULL,)) + section_id.to_bytes(4, "big")
            + bytes((len(idstr),)) + idstr + instance_id.to_bytes(4, "big"))

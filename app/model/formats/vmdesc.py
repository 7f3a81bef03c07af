"""The trailing vmdesc JSON of a migration stream: find it, and type it.

After QEMU_VM_EOF, QEMU appends a QEMU_VM_VMDESCRIPTION record (u32 length + JSON) describing
every device section it just wrote: field names, types, element sizes, array lengths, nested
structs and the subsections actually sent. That description is what makes device sections
readable (and their sizes computable) without knowing each device's C layout.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..errors import StreamError
from .structs import QEMU_VM_EOF, QEMU_VM_VMDESCRIPTION

# The vmdesc of a 256-vCPU guest is a few MiB; refuse to search further than this for it.
MAX_VMDESC_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class FieldDesc:
    name: str
    type: str
    size: int  # bytes per element
    array_len: int | None = None
    struct: "StructDesc | None" = None

    @property
    def count(self) -> int:
        return 1 if self.array_len is None else self.array_len


@dataclass(frozen=True)
class StructDesc:
    """A VMStateDescription as sent: fields, then the subsections that followed them."""

    name: str
    version: int
    fields: tuple[FieldDesc, ...]
    subsections: tuple["StructDesc", ...] = ()


@dataclass(frozen=True)
class DeviceDesc:
    name: str  # the section idstr, e.g. "cpu"
    instance_id: int
    body: StructDesc


@dataclass(frozen=True)
class VmDesc:
    offset: int  # of the QEMU_VM_VMDESCRIPTION byte
    length: int  # of the JSON text
    page_size: int | None
    devices: tuple[DeviceDesc, ...]
    configuration: StructDesc | None  # QEMU >= 9 describes its configuration section too


def _struct(obj: dict, where: str) -> StructDesc:
    try:
        fields = tuple(_field(f, where) for f in obj.get("fields", ()))
        subs = tuple(_struct(s, where) for s in obj.get("subsections", ()))
        return StructDesc(str(obj["vmsd_name"]), int(obj.get("version", 0)), fields, subs)
    except (KeyError, TypeError, ValueError) as exc:
        raise StreamError(f"malformed vmdesc entry in {where}: {exc!r}") from None


def _field(obj: dict, where: str) -> FieldDesc:
    size, count = int(obj["size"]), obj.get("array_len")
    if size < 0 or (count is not None and int(count) < 0):
        raise ValueError(f"negative size in field {obj.get('name')!r}")
    nested = _struct(obj["struct"], where) if "struct" in obj else None
    return FieldDesc(str(obj["name"]), str(obj["type"]), size,
                     None if count is None else int(count), nested)


def parse_vmdesc(text: bytes, offset: int) -> VmDesc:
    """Type the vmdesc JSON found at ``offset`` (the QEMU_VM_VMDESCRIPTION byte)."""
    try:
        doc = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StreamError(f"vmdesc is not valid JSON: {exc}", offset=offset + 5) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("devices"), list):
        raise StreamError("vmdesc has no device list", offset=offset + 5,
                          expected='{"devices": [...]}')
    devices = []
    for dev in doc["devices"]:
        if not isinstance(dev, dict) or "name" not in dev:
            raise StreamError("vmdesc device entry without a name", offset=offset + 5)
        where = f"device {dev['name']!r}"
        devices.append(DeviceDesc(str(dev["name"]), int(dev.get("instance_id", 0)),
                                  _struct(dev, where)))
    conf = doc.get("configuration")
    return VmDesc(
        offset=offset,
        length=len(text),
        page_size=doc.get("page_size"),
        devices=tuple(devices),
        configuration=_struct(conf, "configuration") if isinstance(conf, dict) else None,
    )


def locate_vmdesc(f, file_size: int) -> tuple[int, int] | None:
    """Find the trailing vmdesc record: (offset of its 0x06 byte, JSON length), or None.

    QEMU ends a precopy stream with EOF (0x00), 0x06, a big-endian u32 length and exactly that
    many bytes of JSON. We search backwards for the one position where that length lands on
    end-of-file; JSON text never contains a raw 0x00 0x06 pair, so a hit is unambiguous.
    """
    chunk = 64 * 1024
    while True:
        start = max(0, file_size - chunk)
        f.seek(start)
        tail = f.read(file_size - start)
        pos = len(tail)
        while True:
            pos = tail.rfind(bytes((QEMU_VM_EOF, QEMU_VM_VMDESCRIPTION)), 0, pos)
            if pos < 0:
                break
            if pos + 6 <= len(tail):
                length = int.from_bytes(tail[pos + 2:pos + 6], "big")
                if start + pos + 6 + length == file_size and tail[pos + 6:pos + 7] == b"{":
                    return start + pos + 1, length
        if start == 0 or chunk >= MAX_VMDESC_BYTES:
            return None
        chunk *= 4


def body_size(desc: StructDesc) -> int:
    """Bytes a section (or subsection) body with this description occupies in the stream."""
    total = sum(field_size(f) for f in desc.fields)
    for sub in desc.subsections:
        total += 1 + 1 + len(sub.name.encode("latin1")) + 4 + body_size(sub)
    return total


def field_size(field: FieldDesc) -> int:
    if field.struct is not None:
        return field.count * body_size(field.struct)
    return field.count * field.size

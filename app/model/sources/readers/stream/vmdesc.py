"""The trailing vmdesc JSON of a migration stream: find it, and type it.

After QEMU_VM_EOF, QEMU appends a QEMU_VM_VMDESCRIPTION record (u32 length + JSON) describing
every device section it just wrote: field names, types, element sizes, array lengths, nested
structs and the subsections actually sent. That description is what makes device sections
readable (and their sizes computable) without knowing each device's C layout.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from app.model.errors import StreamError
from app.model.sources.readers.stream.structs import QEMU_VM_EOF, QEMU_VM_VMDESCRIPTION

# The vmdesc of a 256-vCPU guest is a few MiB; refuse to search further than this for it.
MAX_VMDESC_BYTES = 64 * 1024 * 1024
# Bounds on what a vmdesc may describe (real ones stay far below): devices per stream (4096
# vCPUs need ~8200), struct/subsection nesting (QEMU nests 3 deep) and elements per array.
MAX_DEVICES = 65536
MAX_NESTING = 32
MAX_ARRAY_LEN = 1 << 24
MAX_OPAQUE = 1 << 40  # bytes of an opaque (no VMSD) section body


@dataclass(frozen=True)
class FieldDesc:
    name: str
    type: str
    size: int  # bytes per element
    array_len: int | None = None
    struct: StructDesc | None = None
    # QEMU describes an array of structs as one entry per element, each with its "index"
    # (arm_gicv3's per-CPU "cpu" array); None for every other field.
    index: int | None = None

    @property
    def count(self) -> int:
        return 1 if self.array_len is None else self.array_len


@dataclass(frozen=True)
class StructDesc:
    """A VMStateDescription as sent: fields, then the subsections that followed them."""

    name: str
    version: int
    fields: tuple[FieldDesc, ...]
    subsections: tuple[StructDesc, ...] = ()


@dataclass(frozen=True)
class DeviceDesc:
    name: str  # the section idstr, e.g. "cpu"
    instance_id: int
    # None for a device without a VMSD (slirp and others with their own save/load handlers):
    # QEMU then describes the body only as one "data" buffer of ``size`` bytes.
    body: StructDesc | None
    size: int | None = None  # the entry's "size" (old-style devices), when given

    @property
    def opaque(self) -> bool:
        return self.body is None

    @property
    def body_size(self) -> int | None:
        """Bytes of the section body, None when nothing says (an opaque entry without size)."""
        return self.size if self.body is None else body_size(self.body)


@dataclass(frozen=True)
class VmDesc:
    offset: int  # of the QEMU_VM_VMDESCRIPTION byte
    length: int  # of the JSON text
    page_size: int | None
    devices: tuple[DeviceDesc, ...]
    configuration: StructDesc | None  # QEMU >= 9 describes its configuration section too


def _int(obj: dict, key: str, default: int | None = None, limit: int = 1 << 63) -> int:
    """``obj[key]`` as an int in 0..limit (QEMU writes plain JSON integers); KeyError when
    it is missing and there is no ``default``."""
    value = obj[key] if default is None else obj.get(key, default)
    if type(value) is not int or not 0 <= value <= limit:
        raise ValueError(f"{key} {value!r} is not an integer in 0..{limit}")
    return value


def _optional_int(obj: dict, key: str, limit: int) -> int | None:
    """``_int`` of ``obj[key]``, None when it is missing or null."""
    return None if obj.get(key) is None else _int(obj, key, limit=limit)


def _list(obj: dict, key: str) -> list:
    value = obj.get(key, [])
    if not isinstance(value, list):
        raise ValueError(f"{key} is not a list")
    return value


def _struct(obj, depth: int = 0) -> StructDesc:
    if not isinstance(obj, dict):
        raise ValueError(f"a struct description is a {type(obj).__name__}, not an object")
    if depth > MAX_NESTING:
        raise ValueError(f"structs nested more than {MAX_NESTING} deep")
    fields = _number_struct_arrays(tuple(_field(f, depth) for f in _list(obj, "fields")))
    subs = tuple(_struct(s, depth + 1) for s in _list(obj, "subsections"))
    for sub in subs:
        _stream_name(sub.name)
    return StructDesc(str(obj["vmsd_name"]), _int(obj, "version", 0), fields, subs)


def _number_struct_arrays(fields: tuple[FieldDesc, ...]) -> tuple[FieldDesc, ...]:
    """Give every element of an array of structs its index.

    QEMU describes such an array one entry per element. QEMU 7.2 numbers each ("index"); later
    releases write "index" only while more than one element remains (vmsd_desc_field_start's
    max_elems = n_elems - i), or not at all, so the last (or every) element comes unnumbered.
    QEMU makes field names unique within a VMSD ("name[n]"), so consecutive entries with one
    name are the elements of one array: numbered here, every vCPU's element is decoded.
    """
    out = list(fields)
    start = 0
    while start < len(out):
        end = start + 1
        while end < len(out) and out[end].name == out[start].name:
            end += 1
        if end - start > 1 or out[start].index is not None:
            for i in range(start, end):
                out[i] = replace(out[i], index=i - start)
        start = end
    return tuple(out)


def _stream_name(name: str) -> str:
    """A name the stream spells as u8 length + latin-1 bytes (section idstr, subsection)."""
    try:
        if len(name.encode("latin1")) <= 255:
            return name
    except UnicodeEncodeError:
        pass
    raise ValueError(f"name {name[:40]!r} cannot appear in a stream (latin-1, 255 bytes)")


def _field(obj, depth: int) -> FieldDesc:
    if not isinstance(obj, dict):
        raise ValueError(f"a field description is a {type(obj).__name__}, not an object")
    nested = _struct(obj["struct"], depth + 1) if "struct" in obj else None
    return FieldDesc(str(obj["name"]), str(obj["type"]), _int(obj, "size"),
                     _optional_int(obj, "array_len", MAX_ARRAY_LEN), nested,
                     _optional_int(obj, "index", MAX_ARRAY_LEN))


def _device(dev) -> DeviceDesc:
    if not isinstance(dev, dict) or "name" not in dev:
        raise ValueError("device entry without a name")
    try:
        name = _stream_name(str(dev["name"]))
        instance = _int(dev, "instance_id", 0, 0xFFFFFFFF)
        if "vmsd_name" not in dev:  # no VMSD: its own save handler wrote an opaque body
            return DeviceDesc(name, instance, None, _optional_int(dev, "size", MAX_OPAQUE))
        return DeviceDesc(name, instance, _struct(dev))
    except (KeyError, ValueError) as exc:
        raise ValueError(f"device {dev['name']!r}: {_why(exc)}") from None


def _why(exc: Exception) -> str:
    return f"missing key {exc.args[0]!r}" if isinstance(exc, KeyError) else str(exc)


def _page_size(value) -> int | None:
    if value is not None and (type(value) is not int or not 1 << 10 <= value <= 1 << 30
                              or value & (value - 1)):
        raise ValueError(f"page_size {value!r} is not a power of two in 1 KiB..1 GiB")
    return value


def parse_vmdesc(text: bytes, offset: int) -> VmDesc:
    """Type the vmdesc JSON found at ``offset`` (the QEMU_VM_VMDESCRIPTION byte).

    Everything in it is checked before use (types, ranges, nesting, device count), because
    sizes and counts computed from it decide where the reader looks in the stream.
    """
    at = offset + 5
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StreamError(f"vmdesc is not valid JSON: {exc.msg}", offset=at + exc.pos) from None
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # deep nesting, huge ints
        why = "nests too deeply" if isinstance(exc, RecursionError) else f"is unreadable: {exc}"
        raise StreamError(f"vmdesc JSON {why}", offset=at, expected="QEMU's vmdesc") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("devices"), list):
        raise StreamError("vmdesc has no device list", offset=at, expected='{"devices": [...]}')
    if len(doc["devices"]) > MAX_DEVICES:
        raise StreamError(f"vmdesc describes {len(doc['devices'])} devices", offset=at,
                          expected=f"at most {MAX_DEVICES}")
    try:
        devices = tuple(_device(d) for d in doc["devices"])
        conf = doc.get("configuration")
        conf = _struct(conf) if isinstance(conf, dict) else None
        page_size = _page_size(doc.get("page_size"))
    except (KeyError, ValueError) as exc:
        raise StreamError(f"malformed vmdesc: {_why(exc)}", offset=at) from None
    return VmDesc(
        offset=offset,
        length=len(text),
        page_size=page_size,
        devices=devices,
        configuration=conf,
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

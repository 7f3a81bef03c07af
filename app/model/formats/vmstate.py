"""Decode a device section body with its vmdesc description into plain Python values.

Scalars become ints, scalar arrays tuples of ints, anything we have no decoder for (buffers,
PCI config space, unused padding) stays bytes, nested structs and subsections become dicts.
Every value is checked against the bytes actually available, so a vmdesc that disagrees with
the stream raises StreamError at the offset where they part.
"""

from __future__ import annotations

from ..errors import StreamError
from .structs import SCALARS, decode_scalars
from .vmdesc import StructDesc, body_size, field_size


def decode_body(desc: StructDesc, data: bytes, offset: int, base: int) -> tuple[dict, int]:
    """Decode ``desc`` from ``data[offset:]``; ``base`` is data[0]'s offset in the file.

    Returns (values, offset after the body). Subsections are stored under their vmsd name.
    """
    values: dict = {}
    for field in desc.fields:
        end = offset + field_size(field)
        if end > len(data):
            raise StreamError(f"field {desc.name}.{field.name} runs past its section",
                              offset=base + offset, expected=f"{field_size(field)} bytes")
        values[field.name] = _decode_field(field, data, offset, base)
        offset = end
    for sub in desc.subsections:
        offset = _expect_subsection(sub, data, offset, base)
        values[sub.name], offset = decode_body(sub, data, offset, base)
    return values, offset


def _decode_field(field, data: bytes, offset: int, base: int):
    if field.struct is not None:
        items = []
        for _ in range(field.count):
            item, offset = decode_body(field.struct, data, offset, base)
            items.append(item)
        return items if field.array_len is not None else items[0]
    if field.type in SCALARS and SCALARS[field.type][2] == field.size:
        vals = decode_scalars(field.type, data, offset, field.count)
        return vals if field.array_len is not None else vals[0]
    return bytes(data[offset:offset + field_size(field)])


def _expect_subsection(sub: StructDesc, data: bytes, offset: int, base: int) -> int:
    name = sub.name.encode("latin1")
    header = bytes((0x05, len(name))) + name
    if data[offset:offset + len(header)] != header:
        raise StreamError(f"subsection {sub.name!r} announced by the vmdesc is not in the stream",
                          offset=base + offset, expected=f"0x05 {sub.name!r}")
    return offset + len(header) + 4  # + u32 version_id


__all__ = ["decode_body", "body_size"]

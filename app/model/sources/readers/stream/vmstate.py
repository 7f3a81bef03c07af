"""Decode a device section body with its vmdesc description into plain Python values.

Scalars become ints, scalar arrays tuples of ints, anything we have no decoder for (buffers,
PCI config space, unused padding) stays bytes, nested structs and subsections become dicts,
and an array of structs described element by element (vmdesc "index") a list of dicts.
Every value is checked against the bytes actually available, so a vmdesc that disagrees with
the stream raises StreamError at the offset where they part.
"""

from __future__ import annotations

from app.model.errors import StreamError
from app.model.sources.readers.stream.structs import SCALARS, decode_scalars
from app.model.sources.readers.stream.vmdesc import StructDesc, body_size, field_size


def decode_body(desc: StructDesc, data: bytes, offset: int, base: int,
                budget: list[int] | None = None,
                only: frozenset[str] | None = None) -> tuple[dict, int]:
    """Decode ``desc`` from ``data[offset:]``; ``base`` is data[0]'s offset in the file.

    Returns (values, offset after the body). Subsections are stored under their vmsd name.
    ``only`` limits decoding to those top-level fields and subsections (the rest is stepped
    over by size): a GICv2 section holds ~1000 per-IRQ structs nobody asked for.
    ``budget`` counts the fields still allowed (2 per byte of data + 64 Ki): zero-size fields
    consume no bytes, so without it a crafted description could demand unbounded work.
    """
    if budget is None:
        budget = [2 * len(data) + (1 << 16)]
    values: dict = {}
    for field in desc.fields:
        budget[0] -= 1
        if budget[0] < 0:
            raise StreamError(f"vmdesc of {desc.name} describes more fields than its section "
                              "can hold", offset=base + offset)
        end = offset + field_size(field)
        if end > len(data):
            raise StreamError(f"field {desc.name}.{field.name} runs past its section",
                              offset=base + offset, expected=f"{field_size(field)} bytes")
        if only is not None and field.name not in only:
            offset = end
            continue
        value = _decode_field(field, data, offset, base, budget)
        if field.index is None:
            values[field.name] = value
        else:  # one element of an array of structs: collect them in stream order
            items = values.get(field.name)
            if not isinstance(items, list):
                items = values[field.name] = []
            items.append(value)
        offset = end
    for sub in desc.subsections:
        offset = expect_subsection(sub, data, offset, base)
        if only is not None and sub.name not in only:
            offset += body_size(sub)
            continue
        values[sub.name], offset = decode_body(sub, data, offset, base, budget)
    return values, offset


def _decode_field(field, data: bytes, offset: int, base: int, budget: list[int]):
    if field.struct is not None:
        if body_size(field.struct) == 0:  # elements occupy no bytes: decode one, share it
            if field.count > budget[0]:
                raise StreamError(f"field {field.name}: {field.count} empty structs",
                                  offset=base + offset, expected="a bounded array")
            budget[0] -= field.count
            item, _ = decode_body(field.struct, data, offset, base, budget)
            items = [item] * field.count
        else:
            items = []
            for _ in range(field.count):
                item, offset = decode_body(field.struct, data, offset, base, budget)
                items.append(item)
        return items if field.array_len is not None else items[0]
    if field.type in SCALARS and SCALARS[field.type][2] == field.size:
        vals = decode_scalars(field.type, data, offset, field.count)
        return vals if field.array_len is not None else vals[0]
    return bytes(data[offset:offset + field_size(field)])


def expect_subsection(sub: StructDesc, data: bytes, offset: int, base: int) -> int:
    name = sub.name.encode("latin1")
    header = bytes((0x05, len(name))) + name
    if data[offset:offset + len(header)] != header:
        raise StreamError(f"subsection {sub.name!r} announced by the vmdesc is not in the stream",
                          offset=base + offset, expected=f"0x05 {sub.name!r}")
    return offset + len(header) + 4  # + u32 version_id


__all__ = ["body_size", "decode_body", "expect_subsection"]

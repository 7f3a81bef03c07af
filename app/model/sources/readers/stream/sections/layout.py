"""A described section body as a SectionLayout: its fields in stream order, each with its
vmdesc type, element size, element count and (when small) raw bytes.

This is what a destination QEMU has to agree with to load the section: it reads its own
fields in its own order, so a different element count or size makes it read the wrong number
of bytes and then miss the section footer. The elements of an array of structs (one vmdesc
entry each, vmdesc.py numbers them) become one field whose count is the array length, e.g.
arm_gicv3's per-CPU ``cpu`` with one element per vCPU. Subsection fields are named
``subsection/field`` after the innermost subsection (QEMU prefixes subsection names with their
parent's, so the name is unambiguous); subsections inside a struct element stay part of that
element's bytes, and an array whose elements differ in bytes that way (QEMU sends such a
subsection per element, only when needed) gets the first element's size.
"""

from __future__ import annotations

from app.model.errors import StreamError
from app.model.sources.readers.stream.vmdesc import StructDesc, body_size
from app.model.sources.readers.stream.vmstate import expect_subsection
from app.model.sources.stream_layout import SectionField, SectionLayout

MAX_VALUE_BYTES = 64  # SectionField.value keeps a field's bytes up to this size


def section_layout(desc: StructDesc, data: bytes, base: int) -> SectionLayout:
    """The layout of ``data`` (a whole section body at file offset ``base``) per ``desc``."""
    runs: list[list] = []  # [name, type, element size, count, start, end] per field
    end = _collect(desc, data, 0, base, "", runs)
    if end != len(data):
        raise StreamError(f"vmdesc of {desc.name} describes {end} bytes, its section holds "
                          f"{len(data)}", offset=base + end, expected=f"{len(data)} bytes")
    return SectionLayout(tuple(
        SectionField(name, type_, size, count,
                     data[start:stop] if stop - start <= MAX_VALUE_BYTES else None)
        for name, type_, size, count, start, stop in runs))


def _collect(desc: StructDesc, data: bytes, offset: int, base: int, prefix: str,
             runs: list[list]) -> int:
    first = len(runs)
    for field in desc.fields:
        size = field.size if field.struct is None else body_size(field.struct)
        end = offset + field.count * size
        if end > len(data):
            raise StreamError(f"field {desc.name}.{field.name} runs past its section",
                              offset=base + offset, expected=f"{end - offset} bytes")
        name = prefix + field.name if prefix else field.name
        last = runs[-1] if field.index and len(runs) > first else None
        if last is not None and last[0] == name and last[5] == offset:  # the next element
            last[3] += field.count
            last[5] = end
        else:
            runs.append([name, field.type, size, field.count, offset, end])
        offset = end
    for sub in desc.subsections:
        offset = expect_subsection(sub, data, offset, base)
        offset = _collect(sub, data, offset, base, sub.name + "/", runs)
    return offset

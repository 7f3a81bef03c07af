"""What the reader keeps of every device section: a DeviceInfo per section, in stream order.

Each body is read once here: its sha256 (``digest``, so two opaque sections can still be told
equal or different) and, when the vmdesc describes it, its layout. A body nothing describes
(a device without a VMSD such as slirp, or any section of a stream saved without a vmdesc) is
kept as an opaque byte range: offset, size and digest.
"""

from __future__ import annotations

import hashlib

from app.model.sources.readers.stream.cursor import Cursor
from app.model.sources.readers.stream.sections.layout import section_layout
from app.model.sources.readers.stream.sections.section import Section
from app.model.sources.register_set import DeviceInfo


def device_infos(cur: Cursor, sections: list[Section]) -> tuple[DeviceInfo, ...]:
    return tuple(device_info(cur, sec) for sec in sections)


def device_info(cur: Cursor, sec: Section) -> DeviceInfo:
    cur.seek(sec.body_offset, f"{sec.name} section")
    data = cur.read(sec.body_size, f"{sec.name} section body")
    body = sec.desc.body if sec.desc is not None else None
    return DeviceInfo(
        name=sec.name,
        instance_id=sec.instance_id,
        version=sec.version,
        subsections=tuple(s.name for s in body.subsections) if body else (),
        offset=sec.offset,
        size=sec.body_size,
        opaque=body is None,
        layout=section_layout(body, data, sec.body_offset) if body else None,
        digest=hashlib.sha256(data).hexdigest(),
        section_id=sec.section_id,
    )

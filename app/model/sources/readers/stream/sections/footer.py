"""Finding a section body that nothing sizes, with the section footers.

A device without a VMSD (slirp) writes its body with its own save handler, and a stream
without a vmdesc describes nothing at all; either body ends at its footer, 0x7e + the section
id. Forward (after the header): the first footer followed by a plausible next record. Backward
(the vmdesc fast path, from where the next section starts): the footer names the section id,
and the header with that id, the vmdesc's name and instance id is searched for before it.
Both read windows growing x16, so a long body costs a few reads, not one per byte.
"""

from __future__ import annotations

from app.model.sources.readers.stream import structs as S
from app.model.sources.readers.stream.cursor import Cursor
from app.model.sources.readers.stream.sections.section import (
    FOOTER_SIZE,
    Section,
    footer,
    header_prefix,
)
from app.model.sources.readers.stream.vmdesc import DeviceDesc

SEARCH_LIMIT = 64 << 20  # bytes of body searched for a footer or header before giving up
FIRST_WINDOW = 256


def find_footer(cur: Cursor, section_id: int, limit: int = SEARCH_LIMIT) -> int:
    """Body size of the section whose body starts at the cursor: where its footer is.

    The footer must be followed by the next record (SECTION_FULL with a printable name, or
    EOF). Without section footers there is nothing to find.
    """
    body = cur.pos
    rest = min(limit, cur.size - body)
    marker = footer(section_id)
    window = FIRST_WINDOW
    while True:
        cur.f.seek(body)
        data = cur.f.read(min(window, rest))
        pos = data.find(marker)
        while pos >= 0:
            nxt = data[pos + FOOTER_SIZE:pos + FOOTER_SIZE + 11]
            if nxt[:1] == b"\x00" or _plausible_header(nxt):
                return pos
            pos = data.find(marker, pos + 1)
        if window >= rest:
            break
        window *= 16
    raise cur.error(f"no footer for section {section_id} (a section nothing describes is "
                    "readable only with section footers)", offset=body)


def find_header_before(cur: Cursor, end: int, dev: DeviceDesc, floor: int = 8,
                       limit: int = SEARCH_LIMIT) -> Section | None:
    """The section of ``dev`` that ends (footer included) at ``end``; None when the bytes
    before ``end`` are not such a section (the caller then walks forward instead)."""
    if end - FOOTER_SIZE < floor:
        return None
    cur.seek(end - FOOTER_SIZE, "section footer")
    raw = cur.f.read(FOOTER_SIZE)
    if len(raw) != FOOTER_SIZE or raw[0] != S.QEMU_VM_SECTION_FOOTER:
        return None
    section_id = int.from_bytes(raw[1:], "big")
    prefix = header_prefix(section_id, dev.name, dev.instance_id)
    stop = end - FOOTER_SIZE
    window = FIRST_WINDOW
    while True:
        start = max(floor, stop - window)
        cur.f.seek(start)
        data = cur.f.read(stop - start)
        pos = data.rfind(prefix)
        if pos >= 0:
            if pos + len(prefix) + 4 > len(data):  # the header would overlap its own footer
                return None
            at = start + pos
            body = at + len(prefix) + 4
            version = int.from_bytes(data[pos + len(prefix):pos + len(prefix) + 4], "big")
            return Section(dev.name, dev.instance_id, version, section_id, at, body,
                           stop - body, dev)
        if start == floor or window >= limit:
            return None
        window *= 16


def _plausible_header(raw: bytes) -> bool:
    if len(raw) < 7 or raw[0] != S.QEMU_VM_SECTION_FULL:
        return False
    n = raw[5]
    name = raw[6:6 + n]
    return n > 0 and all(32 < c < 127 for c in name)

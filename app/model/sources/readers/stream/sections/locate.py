"""Fast path: every device section located from the vmdesc, without touching RAM.

The vmdesc gives each device section's exact body size, and the sections end right before the
EOF byte that precedes the vmdesc; stepping backwards from there locates all of them, and each
header found is checked against the description (and each footer against its section id).
A device without a VMSD is sized by the vmdesc's "size" when QEMU wrote one, else found with
its footer (footer.find_header_before). Anything that does not check out returns None, and
the reader falls back to the forward walk.
"""

from __future__ import annotations

from app.model.errors import FormatError
from app.model.sources.readers.stream import structs as S
from app.model.sources.readers.stream.cursor import Cursor
from app.model.sources.readers.stream.sections.footer import find_header_before
from app.model.sources.readers.stream.sections.section import (
    FOOTER_SIZE,
    Section,
    footer,
    header_size,
)
from app.model.sources.readers.stream.vmdesc import DeviceDesc, VmDesc

FIRST_SECTION = 8  # nothing precedes the file header


def locate_from_vmdesc(cur: Cursor, vm: VmDesc) -> list[Section] | None:
    """Every described section in stream order; None when the offsets do not check out."""
    eof = vm.offset - 1
    if eof < FIRST_SECTION:
        return None
    for footers in (True, False):
        found = _backwards(cur, vm, eof, footers)
        if found is not None:
            return found
    return None


def _backwards(cur: Cursor, vm: VmDesc, eof: int, footers: bool) -> list[Section] | None:
    end = eof
    found: list[Section] = []
    for dev in reversed(vm.devices):
        size = dev.body_size
        if size is None:  # an opaque body nothing sizes: only its footer can find it
            sec = find_header_before(cur, end, dev) if footers else None
        else:
            start = end - (FOOTER_SIZE if footers else 0) - size - header_size(dev.name)
            sec = _check_header(cur, start, dev, size) if start >= FIRST_SECTION else None
            if sec is not None and footers and not _check_footer(cur, sec):
                sec = None
        if sec is None:
            return None
        found.append(sec)
        end = sec.offset
    found.reverse()
    return found


def _check_header(cur: Cursor, pos: int, dev: DeviceDesc, size: int) -> Section | None:
    cur.seek(pos, "device section")
    if cur.peek() != S.QEMU_VM_SECTION_FULL:
        return None
    cur.byte("section record")
    try:
        head = cur.parse(S.SectionFullHeader, "section header")
    except FormatError:  # a guessed position: not a header, so not the fast path
        return None
    if head["idstr"] != dev.name or head["instance_id"] != dev.instance_id:
        return None
    return Section(dev.name, dev.instance_id, head["version_id"], head["section_id"], pos,
                   cur.pos, size, dev)


def _check_footer(cur: Cursor, sec: Section) -> bool:
    cur.seek(sec.body_offset + sec.body_size, "section footer")
    return cur.f.read(FOOTER_SIZE) == footer(sec.section_id)

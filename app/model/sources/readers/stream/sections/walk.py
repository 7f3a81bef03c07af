"""Fallback: read device sections one by one, after the forward walk over RAM.

Sizes come from the vmdesc when there is one, else (no vmdesc, or a device without a VMSD and
without a recorded size) from the section footer. Whether the stream uses footers is learnt
from the first section; from then on a missing or wrong footer is an error, so a vmdesc that
disagrees with the stream is caught at the first section it gets wrong.
"""

from __future__ import annotations

from app.model.sources.readers.stream import structs as S
from app.model.sources.readers.stream.cursor import Cursor
from app.model.sources.readers.stream.sections.footer import find_footer
from app.model.sources.readers.stream.sections.section import FOOTER_SIZE, Section, footer
from app.model.sources.readers.stream.vmdesc import MAX_DEVICES, VmDesc


def walk_sections(cur: Cursor, vm: VmDesc | None) -> list[Section]:
    """Every device section from the cursor up to EOF, in stream order."""
    descs = list(vm.devices) if vm else []
    out: list[Section] = []
    footers: bool | None = None
    while True:
        start = cur.pos
        kind = cur.byte("a device section or EOF")
        if kind == S.QEMU_VM_EOF:
            _check_end(cur, vm, len(out), len(descs))
            return out
        if kind != S.QEMU_VM_SECTION_FULL:
            raise cur.error(f"unexpected record type 0x{kind:02x} among device sections",
                            offset=start, expected="SECTION_FULL (0x04) or EOF (0x00)")
        if len(out) >= MAX_DEVICES:
            raise cur.error(f"more than {MAX_DEVICES} device sections", offset=start,
                            expected=f"at most {MAX_DEVICES} devices")
        head = cur.parse(S.SectionFullHeader, "section header")
        desc = descs[len(out)] if len(out) < len(descs) else None
        if vm is not None and (desc is None or (desc.name, desc.instance_id)
                               != (head["idstr"], head["instance_id"])):
            raise cur.error(f"section {head['idstr']!r} instance {head['instance_id']} is not "
                            "the next device the vmdesc describes", offset=start)
        body = cur.pos
        size = desc.body_size if desc else None
        if size is None:
            size = find_footer(cur, head["section_id"])
        out.append(Section(head["idstr"], head["instance_id"], head["version_id"],
                           head["section_id"], start, body, size, desc))
        cur.seek(body + size, "section end")
        if footers is None:
            footers = cur.peek() == S.QEMU_VM_SECTION_FOOTER
        if footers and cur.read(FOOTER_SIZE, "section footer") != footer(head["section_id"]):
            raise cur.error(f"section {head['idstr']!r} does not end where expected: no footer "
                            f"for section {head['section_id']}", offset=cur.pos - FOOTER_SIZE,
                            expected="0x7e + section id")


def _check_end(cur: Cursor, vm: VmDesc | None, seen: int, described: int) -> None:
    """After EOF comes the vmdesc record, or nothing (suppress-vmdesc)."""
    if vm is not None:
        if seen != described:
            raise cur.error(f"EOF after {seen} device sections; the vmdesc describes "
                            f"{described}", offset=cur.pos - 1)
        return
    if cur.pos != cur.size:
        raise cur.error(f"{cur.size - cur.pos} bytes after EOF are not a complete vmdesc "
                        "(is the stream truncated?)", offset=cur.pos,
                        expected="0x06, u32 length, that many bytes of JSON")

"""Where each device (SECTION_FULL) section sits, found two ways.

Fast path: the vmdesc gives every device section's exact size, and they end right before the
EOF byte that precedes the vmdesc; summing backwards locates all of them without touching RAM,
and each header found there is checked against the description. Fallback: after a forward walk
over RAM, read each section header in turn, using the vmdesc for sizes when there is one, or
the section footer (0x7e + section id) when there is not.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.model.sources.readers.stream import structs as S
from app.model.sources.readers.stream.cursor import Cursor
from app.model.sources.readers.stream.vmdesc import MAX_DEVICES, DeviceDesc, VmDesc, body_size

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
    desc: DeviceDesc | None


def header_size(name: str) -> int:
    return 1 + 4 + 1 + len(name.encode("latin1")) + 4 + 4


def locate_from_vmdesc(cur: Cursor, vm: VmDesc) -> list[Section] | None:
    """Fast path; None when the computed offsets do not land on matching section headers."""
    eof = vm.offset - 1
    if eof < 0:
        return None
    for footer in (FOOTER_SIZE, 0):
        sizes = [header_size(d.name) + body_size(d.body) + footer for d in vm.devices]
        start = eof - sum(sizes)
        if start < 8:
            continue
        found: list[Section] = []
        pos = start
        for dev, size in zip(vm.devices, sizes, strict=True):
            sec = _check_header(cur, pos, dev)
            if sec is None or not _check_footer(cur, sec, footer):
                break
            found.append(sec)
            pos += size
        else:
            return found
    return None


def _check_header(cur: Cursor, pos: int, dev: DeviceDesc) -> Section | None:
    cur.seek(pos, "device section")
    if cur.peek() != S.QEMU_VM_SECTION_FULL:
        return None
    cur.byte("section record")
    try:
        head = cur.parse(S.SectionFullHeader, "section header")
    except Exception:
        return None
    if head["idstr"] != dev.name or head["instance_id"] != dev.instance_id:
        return None
    return Section(dev.name, dev.instance_id, head["version_id"], head["section_id"], pos,
                   cur.pos, body_size(dev.body), dev)


def _check_footer(cur: Cursor, sec: Section, footer: int) -> bool:
    if not footer:
        return True
    cur.seek(sec.body_offset + sec.body_size, "section footer")
    raw = cur.f.read(FOOTER_SIZE)
    return raw == bytes((S.QEMU_VM_SECTION_FOOTER,)) + sec.section_id.to_bytes(4, "big")


def walk_sections(cur: Cursor, vm: VmDesc | None) -> list[Section]:
    """Read device sections one by one from the current position up to EOF.

    Whether the stream uses section footers is learnt from the first section; from then on a
    missing or wrong footer is an error, so a vmdesc that disagrees with the stream is caught
    at the first section it gets wrong instead of producing garbage.
    """
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
        size = body_size(desc.body) if desc else _find_footer(cur, head["section_id"])
        out.append(Section(head["idstr"], head["instance_id"], head["version_id"],
                           head["section_id"], start, body, size, desc))
        cur.seek(body + size, "section end")
        if footers is None:
            footers = cur.peek() == S.QEMU_VM_SECTION_FOOTER
        if footers:
            raw = cur.read(FOOTER_SIZE, "section footer")
            if raw != bytes((S.QEMU_VM_SECTION_FOOTER,)) + head["section_id"].to_bytes(4, "big"):
                raise cur.error(f"section {head['idstr']!r} does not end where expected: no "
                                f"footer for section {head['section_id']}",
                                offset=cur.pos - FOOTER_SIZE,
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


def _find_footer(cur: Cursor, section_id: int, limit: int = 64 << 20) -> int:
    """Body size of a section with no description: scan for its footer.

    A footer is 0x7e + the section id, followed by the next record (SECTION_FULL with a
    printable name, or EOF). Without section footers there is nothing to find.
    """
    body = cur.pos
    rest = min(limit, cur.size - body)
    marker = bytes((S.QEMU_VM_SECTION_FOOTER,)) + section_id.to_bytes(4, "big")
    window = 256  # grown x16: reading the whole rest for every section would be quadratic
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
    raise cur.error(f"no footer for section {section_id} (a stream without vmdesc is readable "
                    "only with section footers)", offset=body)


def _plausible_header(raw: bytes) -> bool:
    if len(raw) < 7 or raw[0] != S.QEMU_VM_SECTION_FULL:
        return False
    n = raw[5]
    name = raw[6:6 + n]
    return n > 0 and all(32 < c < 127 for c in name)

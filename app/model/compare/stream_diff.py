"""The stream side by side: RAM blocks and device sections of the incoming stream against the
destination's, paired by name (and instance) the way QEMU's loader looks them up.

This is a description, not a verdict: it says *what* differs (a RAM block's size, a section's
version, a field's element count, an opaque section's bytes). Whether the destination QEMU
fails on it — and with which message — is app.model.verdict's call. Sources that are not
migration streams carry no sections or RAM blocks; ``examined`` is then False and nothing here
may be read as "no difference".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from app.model.sources.register_set import DeviceInfo, RegisterSet
from app.model.sources.stream_layout import RamBlock


class PartStatus(str, Enum):  # noqa: UP042 - str() must stay "PartStatus.X" like Status
    MATCH = "match"
    UNEXPECTED = "unexpected"  # only in the incoming stream
    MISSING = "missing"  # only on the destination
    VERSION = "version"  # both, different section versions
    LAYOUT = "layout"  # both, different fields or element counts
    SIZE = "size"  # RAM block length, or a section body size with the same described layout
    CONTENT = "content"  # a device's own format (no VMSD: slirp), bytes differ: not examinable


@dataclass(frozen=True)
class RamRow:
    name: str
    src: RamBlock | None
    dst: RamBlock | None
    status: PartStatus


@dataclass(frozen=True)
class SectionRow:
    name: str
    instance_id: int
    src: DeviceInfo | None
    dst: DeviceInfo | None
    status: PartStatus
    details: tuple[str, ...] = ()  # field-level differences, first ones first


@dataclass(frozen=True)
class StreamDiff:
    ram: tuple[RamRow, ...]
    sections: tuple[SectionRow, ...]
    examined: bool  # both sides are streams that list their sections

    def differing(self) -> tuple[SectionRow | RamRow, ...]:
        rows: list[SectionRow | RamRow] = [*self.ram, *self.sections]
        return tuple(r for r in rows if r.status is not PartStatus.MATCH)


def _ram_rows(src: tuple[RamBlock, ...], dst: tuple[RamBlock, ...]) -> list[RamRow]:
    if not src or not dst:  # a side whose block list was not read: nothing to pair with
        return []
    local = {b.name: b for b in dst}
    rows = []
    for block in src:
        mine = local.get(block.name)
        status = (PartStatus.UNEXPECTED if mine is None
                  else PartStatus.SIZE if mine.length != block.length else PartStatus.MATCH)
        rows.append(RamRow(block.name, block, mine, status))
    seen = {b.name for b in src}
    rows += [RamRow(b.name, None, b, PartStatus.MISSING) for b in dst if b.name not in seen]
    return rows


def layout_details(src: DeviceInfo, dst: DeviceInfo) -> tuple[str, ...]:
    """Field-level differences of two described sections, in the stream's field order."""
    if src.layout is None or dst.layout is None:
        return ()
    mine = {f.name: f for f in dst.layout.fields}
    out = []
    for f in src.layout.fields:
        other = mine.get(f.name)
        if other is None:
            out.append(f"{f.name}: only in the incoming stream")
        elif (f.size, f.count) != (other.size, other.count):
            out.append(f"{f.name}: {f.count} x {f.size} bytes incoming, "
                       f"{other.count} x {other.size} on the destination")
    names = {f.name for f in src.layout.fields}
    out += [f"{f.name}: only on the destination" for f in dst.layout.fields
            if f.name not in names]
    return tuple(out)


def _described(devices: tuple[DeviceInfo, ...]) -> bool:
    """Whether a stream describes its sections (has a vmdesc). In one that does not, every
    body is an undescribed byte range and only sizes can be compared; in one that does, an
    undescribed body is a device's own format (slirp), which only equal bytes settle."""
    return any(dev.layout is not None for dev in devices)


def _section_row(src: DeviceInfo, dst: DeviceInfo, own_format: bool) -> SectionRow:
    details: tuple[str, ...] = ()
    if src.version != dst.version:
        status = PartStatus.VERSION
        details = (f"version {src.version} incoming, {dst.version} on the destination",)
    elif own_format:
        same = src.digest is not None and src.digest == dst.digest
        status = PartStatus.MATCH if same else PartStatus.CONTENT
        if not same:
            details = (f"{src.size} bytes incoming, {dst.size} on the destination; no "
                       "description of the content",)
    elif src.layout is not None and dst.layout is not None and \
            src.layout.signature() != dst.layout.signature():
        status, details = PartStatus.LAYOUT, layout_details(src, dst)
    elif src.size is not None and dst.size is not None and src.size != dst.size:
        status = PartStatus.SIZE
        details = (f"{src.size} bytes incoming, {dst.size} on the destination",)
    else:
        status = PartStatus.MATCH
    return SectionRow(src.name, src.instance_id, src, dst, status, details)


def diff_stream(src: RegisterSet, dst: RegisterSet) -> StreamDiff:
    """Pair the RAM blocks by name and the sections by (name, instance), incoming order
    first; sections only the destination has follow in its order."""
    s, d = src.provenance, dst.provenance
    local = {(x.name, x.instance_id): x for x in d.devices}
    src_described, dst_described = _described(s.devices), _described(d.devices)
    rows = []
    for sec in s.devices:
        mine = local.get((sec.name, sec.instance_id))
        own = mine is not None and ((sec.opaque and src_described) or
                                    (mine.opaque and dst_described))
        rows.append(SectionRow(sec.name, sec.instance_id, sec, None, PartStatus.UNEXPECTED)
                    if mine is None else _section_row(sec, mine, own))
    seen = {(x.name, x.instance_id) for x in s.devices}
    rows += [SectionRow(x.name, x.instance_id, None, x, PartStatus.MISSING)
             for x in d.devices if (x.name, x.instance_id) not in seen]
    examined = bool(s.devices) and bool(d.devices)
    return StreamDiff(tuple(_ram_rows(s.ram_blocks, d.ram_blocks)), tuple(rows), examined)

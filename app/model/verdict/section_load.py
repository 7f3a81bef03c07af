"""SectionLoad: the RAM block list and each device section's body, as a destination QEMU
meets them.

``ram_load_precopy`` reads the RAM section's block list before any device section: an
incoming block the destination has no RAMBlock of that name for fails ('Unknown ramblock
"NAME", cannot accept migration'), one whose length differs from the destination's
used_length fails in qemu_ram_resize ("Size mismatch: NAME: 0xIN != 0xLOCAL: Invalid
argument") unless the block is resizeable; either is followed by "error while loading state
for instance 0x0 of device 'ram'". A destination block the stream lacks just keeps its content.

Each device section is then read by vmstate_load_state with the destination's own fields in
its own order. A field whose element count or size differs from what the stream holds (the
per-CPU array of arm_gicv3 when the vCPU counts differ; GICv2's per-CPU arrays have a fixed
length) makes it read the wrong number of bytes, and check_section_footer fails ("Missing
section footer for NAME") once the section, its subsections and its post_load are done.
Arrays whose length travels in the stream are not a layout difference: the cpu section's
cpreg arrays are counted by cpreg_vmstate_array_len, and cpreg_load.py judges them.

Where the tool cannot know what QEMU does — a section without a description in a stream that
describes the others (slirp: the device's own handler parses it) whose bytes differ, an older
section version whose version-gated fields the stream does not describe, a resizeable RAM
block that grows, a side that records no RAM blocks or section bodies, a stream saved without
a vmdesc (its sections are compared by size only) — it adds a NOT_CHECKED reason instead of
guessing.
"""

from __future__ import annotations

from app.model.compare.stream_diff import PartStatus, RamRow
from app.model.sources.register_set import DeviceInfo, RegisterSet
from app.model.sources.stream_layout import SectionField
from app.model.verdict.cpreg_load import Step
from app.model.verdict.policy import Policy
from app.model.verdict.reason import (
    NOT_CHECKED,
    RAM_NOT_IN_STREAM,
    RAM_RESIZED,
    RAM_SIZE,
    SECTION_FIELDS,
    SECTION_LAYOUT,
    SECTION_NOT_IN_STREAM,
    SECTION_TOO_OLD,
    UNKNOWN_RAM_BLOCK,
    Reason,
    stream_reason,
)

RAM_SECTION = "ram"
# Fields whose element count is read from the stream itself (not the destination's own
# configuration), so a different count is no layout difference.
VARIABLE_FIELDS: dict[str, frozenset[str]] = {
    "cpu": frozenset({"cpreg_vmstate_indexes", "cpreg_vmstate_values"}),
}
_MAX_LISTED = 4  # sections named in one aggregated NOT_CHECKED reason


def one(reason: Reason) -> Step:
    return Step((reason,), False)


def not_checked(message: str, *, section: str | None = None, instance: int | None = None,
                field: str | None = None, details: tuple[str, ...] = ()) -> Reason:
    """A non-blocking reason saying the tool could not judge this part of the stream."""
    return stream_reason(NOT_CHECKED, "not examined: " + message, blocking=False,
                         section=section, instance=instance, field=field, details=details)


def label(dev: DeviceInfo) -> str:
    return f"'{dev.name}' {dev.instance_id}"


# -- RAM ----------------------------------------------------------------------------------------

def ram_step(rows: tuple[RamRow, ...], src: RegisterSet, dst: RegisterSet,
             policy: Policy) -> Step | None:
    """The RAM section's block list, incoming order (QEMU stops at the first bad block)."""
    src_blocks, dst_blocks = src.provenance.ram_blocks, dst.provenance.ram_blocks
    if not src_blocks or not dst_blocks:
        which = ("neither stream records" if not src_blocks and not dst_blocks else
                 "the incoming stream does not record" if not src_blocks else
                 "the destination stream does not record")
        return one(not_checked(f"RAM blocks were not compared: {which} its RAM block list "
                               "(names and lengths)", section=RAM_SECTION, instance=0))
    reasons = [r for r in (_ram_reason(row, policy) for row in rows) if r is not None]
    return Step(tuple(reasons), False) if reasons else None


def _ram_reason(row: RamRow, policy: Policy) -> Reason | None:
    name = row.name
    if row.status is PartStatus.UNEXPECTED:
        return _ram(UNKNOWN_RAM_BLOCK, f'Unknown ramblock "{name}", cannot accept migration',
                    name, (f"the destination has no RAM block {name}",))
    if row.status is PartStatus.MISSING:
        return _ram(RAM_NOT_IN_STREAM, f"RAM block {name} is not in the incoming stream: the "
                    "destination keeps its own content", name, (), blocking=False)
    if row.status is not PartStatus.SIZE or row.src is None or row.dst is None:
        return None
    incoming, local = row.src.length, row.dst.length
    sizes = (f"{name}: {incoming:#x} bytes incoming, {local:#x} on the destination",)
    if not policy.ram_resizeable(name):
        return _ram(RAM_SIZE, f"Size mismatch: {name}: {incoming:#x} != {local:#x}: Invalid "
                    "argument", name, sizes)
    if incoming <= local:
        return _ram(RAM_RESIZED, f"RAM block {name} is resizeable: QEMU resizes it from "
                    f"{local:#x} to the incoming {incoming:#x} bytes", name, sizes,
                    blocking=False)
    return not_checked(f"RAM block {name} is resizeable and grows from {local:#x} to "
                       f"{incoming:#x} bytes: QEMU fails with 'Size too large' if that exceeds "
                       "the block's maximum, which the stream does not record",
                       section=RAM_SECTION, instance=0, field=name, details=sizes)


def _ram(kind: str, message: str, block: str, details: tuple[str, ...], *,
         blocking: bool = True) -> Reason:
    return stream_reason(kind, message, blocking=blocking, section=RAM_SECTION, instance=0,
                         field=block, details=details)


# -- one device section -------------------------------------------------------------------------

def body_recorded(dev: DeviceInfo) -> bool:
    """Whether the reader recorded anything about the section's body to compare."""
    return dev.opaque or dev.layout is not None or dev.size is not None


def version_step(src: DeviceInfo, dst: DeviceInfo, policy: Policy) -> Step | None:
    """An incoming version below the destination's minimum_version_id (vmstate_load_state)."""
    minimum = policy.minimum_version(src.name)
    if minimum is None or not src.version or src.version >= minimum:
        return None
    return one(stream_reason(
        SECTION_TOO_OLD, f"{src.name}: incoming version_id {src.version} is too old for local "
        f"minimum version_id  {minimum}", section=src.name, instance=src.instance_id,
        vcpu=src.instance_id if src.name == "cpu" else None))


def subsection_step(src: DeviceInfo, dst: DeviceInfo, same_release: bool,
                    policy: Policy) -> Step | None:
    """Subsections of a non-cpu section the destination did not send: a release knows its
    own, but whether another release knows them is not recorded (vmstate_subsection_load
    fails with -ENOENT on an unknown one)."""
    if same_release:
        return None
    unsent = [s for s in src.subsections if s not in dst.subsections]
    if not unsent:
        return None
    return one(not_checked(
        f"{label(src)} carries subsection(s) {', '.join(unsent)} that the destination did not "
        f"send: whether {policy.title} knows them is not recorded (an unknown subsection fails "
        "the load with -ENOENT)", section=src.name, instance=src.instance_id, field=unsent[0]))


def described(regs: RegisterSet) -> bool:
    """Whether the stream describes its sections (a vmdesc): without one every body is an
    undescribed byte range, with one only the devices that have their own save/load handlers
    (slirp) are."""
    return any(dev.layout is not None for dev in regs.provenance.devices)


def undescribed_reason(src: RegisterSet, dst: RegisterSet) -> Reason:
    sides = [name for name, regs in (("the incoming stream", src), ("the destination stream",
                                                                    dst)) if not described(regs)]
    return not_checked(f"{' and '.join(sides)} {'does' if len(sides) == 1 else 'do'} not "
                       "describe the sections' fields (saved without a vmdesc): sections were "
                       "compared by size only")


def body_step(src: DeviceInfo, dst: DeviceInfo, policy: Policy,
              src_described: bool, dst_described: bool) -> Step | None:
    """What reading the section body with the destination's own fields does (both sides have
    the section and the incoming version is not newer). ``*_described``: whether that side's
    stream has a vmdesc, so an undescribed body there is a device's own format (slirp)."""
    section, instance = src.name, src.instance_id
    if (src.opaque and src_described) or (dst.opaque and dst_described):
        if src.digest is not None and src.digest == dst.digest:
            return None
        sizes = f"{src.size} bytes incoming, {dst.size} on the destination"
        return one(not_checked(
            f"{label(src)} has no description in the stream (QEMU loads it with the device's "
            f"own handler) and its bytes differ from the destination's ({sizes}): whether QEMU "
            "accepts them is unknown", section=section, instance=instance, details=(sizes,)))
    if src.version != dst.version:
        if src.version > dst.version:
            return None  # SECTION_VERSION already rejects it
        return one(not_checked(
            f"{label(src)} is version {src.version} in the stream and {dst.version} on the "
            f"destination: {policy.title} reads it with version {src.version}'s fields, which "
            "the destination's description does not tell apart, so the fields were not "
            "compared", section=section, instance=instance))
    if src.layout is None or dst.layout is None:
        if src.name in VARIABLE_FIELDS or (src.size is not None and src.size == dst.size):
            return None  # same bytes; the cpu section's arrays are cpreg_load's
        return one(not_checked(
            f"{label(src)}: {src.size} bytes incoming, {dst.size} on the destination, and "
            "the fields are not described on both sides: whether QEMU reads it up to its "
            "footer is unknown", section=section, instance=instance))
    return layout_step(src, dst, policy)


def layout_step(src: DeviceInfo, dst: DeviceInfo, policy: Policy) -> Step | None:
    """Missing section footer when the destination's fields take other bytes than the
    stream's (main body or a subsection both sides sent); a warning when they take the same
    bytes with other fields."""
    assert src.layout is not None and dst.layout is not None
    variable = VARIABLE_FIELDS.get(src.name, frozenset())
    mine = _groups(dst)
    reshaped: list[str] = []
    for group, fields in _groups(src).items():
        local = mine.get(group)
        if local is None:
            continue  # a subsection the destination did not send: subsection checks
        incoming, expected = _bytes(fields, variable), _bytes(local, variable)
        differences = _differences(fields, local, variable)
        if incoming != expected:
            part = "fields" if not group else f"subsection {group}"
            details = (*(text for _, text in differences),
                       f"the destination reads {expected} bytes of {part} where the stream "
                       f"holds {incoming}: the section footer is not where {policy.title} "
                       "looks for it")
            return one(stream_reason(
                SECTION_LAYOUT, f"Missing section footer for {src.name}", section=src.name,
                instance=src.instance_id, vcpu=src.instance_id if src.name == "cpu" else None,
                field=differences[0][0] if differences else group or None, details=details,
                section_id=_section_id(src)))
        if _shape(fields, variable) != _shape(local, variable):
            reshaped += (text for _, text in differences)
    if not reshaped:
        return None
    return one(stream_reason(
        SECTION_FIELDS, f"{label(src)}: the fields differ but take the same bytes, so QEMU "
        "reads the incoming bytes with its own fields and finds the footer", blocking=False,
        section=src.name, instance=src.instance_id, details=tuple(reshaped)))


def _section_id(dev: DeviceInfo) -> int | None:
    """The stream's section id (QEMU 11.1 prints "Section footer error, section_id: N")."""
    return dev.section_id


def _groups(dev: DeviceInfo) -> dict[str, list[SectionField]]:
    """The layout's fields by part: "" for the section's own fields, else the top-level
    subsection they belong to (fields are named "subsection/field")."""
    assert dev.layout is not None
    subs = sorted(dev.subsections, key=len, reverse=True)
    out: dict[str, list[SectionField]] = {"": []}
    for f in dev.layout.fields:
        owner = next((s for s in subs if f.name.startswith(s + "/")), "")
        out.setdefault(owner, []).append(f)
    return out


def _bytes(fields: list[SectionField], variable: frozenset[str]) -> int:
    return sum(f.size * f.count for f in fields if f.name not in variable)


def _shape(fields: list[SectionField], variable: frozenset[str]) -> tuple:
    """The sizes QEMU reads, in order. Names and type names are the description's only
    (QEMU 10 calls 7.2's "gt_timer[0]" "gt_timer[GTIMER_PHYS]" and "int32" "int32 le")."""
    return tuple((f.size, f.count) for f in fields if f.name not in variable)


def _differences(src: list[SectionField], dst: list[SectionField],
                 variable: frozenset[str]) -> list[tuple[str, str]]:
    """(field, explanation) for each field of other element size or count, stream order,
    then the destination's own; fields whose count travels in the stream are left out."""
    mine = {f.name: f for f in dst}
    out = []
    for f in src:
        other = mine.get(f.name)
        if f.name in variable:
            continue
        if other is None:
            out.append((f.name, f"{f.name}: {_elements(f)} only in the incoming stream"))
        elif (f.size, f.count) != (other.size, other.count):
            array = f.count != 1 or other.count != 1
            out.append((f.name, f"{f.name}: {_elements(f, array)} incoming, "
                                f"{_elements(other, array)} on the destination"))
    names = {f.name for f in src}
    out += [(f.name, f"{f.name}: {_elements(f)} only on the destination")
            for f in dst if f.name not in names and f.name not in variable]
    return out


def _elements(f: SectionField, array: bool = False) -> str:
    if array or f.count != 1:
        return f"{f.count} x {f.size} bytes ({f.type})"
    return f"{f.size} bytes ({f.type})"


# -- the whole stream ---------------------------------------------------------------------------

def unrecorded_reason(names: list[str]) -> Reason:
    """One reason for every section whose body the reader recorded nothing about."""
    shown = ", ".join(names[:_MAX_LISTED]) + (", ..." if len(names) > _MAX_LISTED else "")
    return not_checked(f"the bodies of {len(names)} section(s) ({shown}) were not compared: "
                       "the streams record no size or description for them")


def missing_section_reason(dev: DeviceInfo) -> Reason:
    return stream_reason(
        SECTION_NOT_IN_STREAM, f"{label(dev)} is not in the incoming stream: the destination "
        "keeps its own state for it (as after a reset)", blocking=False, section=dev.name,
        instance=dev.instance_id)


def not_a_stream_reason(src: RegisterSet, dst: RegisterSet, src_is_stream: bool,
                        dst_is_stream: bool) -> Reason:
    sides = [f"{name} ({regs.provenance.format})" for name, regs, is_stream in
             (("the incoming source", src, src_is_stream), ("the destination", dst,
              dst_is_stream)) if not is_stream]
    verb = "is not a migration stream" if len(sides) == 1 else "are not migration streams"
    return not_checked(f"{' and '.join(sides)} {verb}: RAM blocks, device sections, their "
                       "versions, fields and subsections were not compared, only the vCPUs "
                       "and their cpregs")

"""QEMU migration stream → RegisterSet (every vCPU's cpreg_vmstate_indexes/values).

Layout (migration/savevm.c): "QEVM", version 3, the configuration section, iterative sections
(RAM), every device as a SECTION_FULL, EOF, and normally the vmdesc JSON. The cpu sections
(idstr "cpu", instance id = vCPU index) hold the two cpreg arrays. Device sections are found
from the vmdesc without walking RAM, and of RAM only the first record (the block list) is read;
the forward walk is the fallback. Every section is kept in Provenance.devices (sections/info.py)
and the block list in Provenance.ram_blocks (ramblocks.py).
"""

from __future__ import annotations

import os
from typing import TypeGuard

from app.model.errors import FormatError, StreamError
from app.model.sources.readers.stream import structs as S
from app.model.sources.readers.stream.configuration import read_configuration
from app.model.sources.readers.stream.cpu_state_read import read_cpu_state
from app.model.sources.readers.stream.cursor import Cursor
from app.model.sources.readers.stream.ramblocks import read_ram_setup
from app.model.sources.readers.stream.ramwalk import walk_iterative
from app.model.sources.readers.stream.sections.info import device_infos
from app.model.sources.readers.stream.sections.locate import locate_from_vmdesc
from app.model.sources.readers.stream.sections.section import Section
from app.model.sources.readers.stream.sections.walk import walk_sections
from app.model.sources.readers.stream.vmdesc import locate_vmdesc, parse_vmdesc
from app.model.sources.readers.stream.vmstate import decode_body
from app.model.sources.readers.stream.writer import recognise_writer
from app.model.sources.register_set import (
    ACCEL_UNKNOWN,
    Provenance,
    RamBlock,
    RegisterSet,
    VCpu,
    guess_accel,
)

FORMAT = "qemu-stream"
MAX_VCPUS = 4096
MAX_CPREGS = 65536


def sniff(head: bytes) -> str | None:
    """None when ``head`` starts like a migration stream, else why it does not."""
    if head[:4] != b"QEVM":
        return f"does not start with the QEVM magic (found {head[:4]!r})"
    return None


def read_stream(path: str, *, progress=None, force_walk: bool = False) -> RegisterSet:
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            return _read(Cursor(f, path, size, progress), force_walk)
    except FormatError as exc:
        exc.with_path(path)  # attributes it in place
        raise


def _read(cur: Cursor, force_walk: bool) -> RegisterSet:
    head = cur.parse(S.FileHeader, "file header (QEVM magic, version)")
    if head["version"] != S.QEMU_VM_FILE_VERSION:
        raise cur.error(f"stream version {head['version']} is not supported", offset=4,
                        expected=f"version {S.QEMU_VM_FILE_VERSION}")
    loc = locate_vmdesc(cur.f, cur.size)
    cur.seek(8, "configuration section")
    vm = None
    if loc is not None:
        cur.seek(loc[0] + 5, "vmdesc")
        vm = parse_vmdesc(cur.read(loc[1], "vmdesc JSON"), loc[0])
        cur.seek(8, "configuration section")
    conf = read_configuration(cur, vm.configuration if vm else None)
    after_conf = cur.pos  # where the iterative sections start, if the walk needs them
    notes: list[str] = []
    sections = None if (vm is None or force_walk) else locate_from_vmdesc(cur, vm)
    if sections is None:
        notes.append("device sections found by a forward walk over RAM"
                     if vm else "stream has no vmdesc (suppress-vmdesc): forward walk")
        cur.seek(after_conf, "iterative sections")
        blocks: list[RamBlock] = []
        walk_iterative(cur, conf.page_size or (vm.page_size if vm else None) or 4096,
                       conf.capabilities, blocks)
        sections = walk_sections(cur, vm)
        ram_blocks = tuple(blocks)
    else:  # only the RAM section's first record: the fast path never reads a page
        cur.seek(after_conf, "iterative sections")
        ram_blocks, note = read_ram_setup(cur, conf.capabilities)
        notes += [note] if note else []
    decoded: dict[int, dict] = {}
    vcpus = _vcpus(cur, sections, decoded)
    ids = vcpus[0].ids if vcpus else ()
    accel = guess_accel(ids) if ids else ACCEL_UNKNOWN
    return RegisterSet(
        provenance=Provenance(
            path=cur.path, format=FORMAT, machine=conf.machine,
            writer=recognise_writer(vm, sections),
            accel=accel,
            page_size=conf.page_size or (vm.page_size if vm else None),
            devices=device_infos(cur, sections),
            ram_blocks=ram_blocks,
            notes=tuple(notes),
        ),
        vcpus=tuple(sorted(vcpus, key=lambda c: c.index)),
        cpu_state=read_cpu_state(cur, sections, decoded, accel),
    )


def _vcpus(cur: Cursor, sections: list[Section], decoded: dict[int, dict]) -> list[VCpu]:
    """Every cpu section's cpreg arrays; ``decoded`` receives each section's decoded fields
    (vmdesc streams) for the state outside the cpreg arrays."""
    cpus = [s for s in sections if s.name == "cpu"]
    if not cpus:
        raise cur.error("the stream has no 'cpu' section (is it an Arm guest?)", offset=8)
    if len(cpus) > MAX_VCPUS:
        raise cur.error(f"{len(cpus)} cpu sections", expected=f"at most {MAX_VCPUS} vCPUs")
    seen: set[int] = set()
    out = []
    for sec in cpus:
        if sec.instance_id in seen:
            raise cur.error(f"two cpu sections for vCPU {sec.instance_id}", offset=sec.offset)
        seen.add(sec.instance_id)
        out.append(_cpu(cur, sec, decoded))
    return out


def _cpu(cur: Cursor, sec: Section, decoded: dict[int, dict]) -> VCpu:
    cur.seek(sec.body_offset, "cpu section")
    data = cur.read(sec.body_size, "cpu section body")
    if sec.desc is not None and sec.desc.body is not None:
        values, _ = decode_body(sec.desc.body, data, 0, sec.body_offset)
        decoded[sec.instance_id] = values
        count = values.get("cpreg_vmstate_array_len")
        ids = values.get("cpreg_vmstate_indexes")
        vals = values.get("cpreg_vmstate_values")
        if not isinstance(count, int) or not _u64_array(ids) or not _u64_array(vals):
            raise cur.error(f"cpu section of vCPU {sec.instance_id} has no cpreg arrays",
                            offset=sec.offset, expected="cpreg_vmstate_* fields: an int32 "
                            "count and two uint64 arrays")
    else:
        ids, vals, count = _cpu_without_vmdesc(cur, sec, data)
    if not 0 <= count <= MAX_CPREGS or len(ids) != count or len(vals) != count:
        raise cur.error(f"vCPU {sec.instance_id}: cpreg_vmstate_array_len {count} does not match "
                        f"{len(ids)} indexes / {len(vals)} values", offset=sec.body_offset,
                        expected=f"0..{MAX_CPREGS} and equal array lengths")
    return VCpu(sec.instance_id, tuple(ids), tuple(vals))


def _u64_array(values: object) -> TypeGuard[tuple[int, ...]]:
    """Whether a decoded field is an array of u64 (a vmdesc may give the cpreg fields any
    type; ids and values must be what QEMU sends)."""
    return isinstance(values, tuple) and all(type(v) is int and 0 <= v < 1 << 64
                                             for v in values)


def _cpu_without_vmdesc(cur: Cursor, sec: Section, data: bytes):
    if sec.version != S.ARM_CPU_VMSD_VERSION:
        raise cur.error(f"cpu section version {sec.version} cannot be read without a vmdesc",
                        offset=sec.offset, expected=f"version {S.ARM_CPU_VMSD_VERSION}")
    prefix = S.ArmCpuPrefixV22.sizeof()
    if len(data) < prefix:
        raise cur.error("cpu section shorter than its fixed fields", offset=sec.body_offset)
    count = S.ArmCpuPrefixV22.parse(data[:prefix]).cpreg_vmstate_array_len
    if not 0 <= count <= MAX_CPREGS or prefix + 16 * count > len(data):
        raise StreamError(f"vCPU {sec.instance_id}: cpreg_vmstate_array_len {count} does not "
                          "fit its section", path=cur.path, offset=sec.body_offset + prefix - 4)
    ids = S.decode_scalars("uint64", data, prefix, count)
    vals = S.decode_scalars("uint64", data, prefix + 8 * count, count)
    return ids, vals, count

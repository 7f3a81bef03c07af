"""Build small migration streams from parts, to craft exactly the hostile input a test needs.

A crafted stream is what QEMU writes, minus RAM and the configuration section (both optional
for the reader): "QEVM", version 3, SECTION_FULL device sections with footers, EOF and the
vmdesc JSON describing them. ``cpu_stream`` gives the smallest readable Arm stream; the
limit and regression tests then change one count or one description in it.
"""

from __future__ import annotations

import json

HEADER = b"QEVM" + (3).to_bytes(4, "big")
INT32 = {"type": "int32", "size": 4}
U64_ARRAY = {"type": "uint64", "size": 8}


def section(section_id: int, name: str, instance: int, version: int, body: bytes,
            footer: bool = True) -> bytes:
    """A SECTION_FULL record: header, body and (by default) its 0x7e footer."""
    raw = name.encode("latin1")
    head = (b"\x04" + section_id.to_bytes(4, "big") + bytes((len(raw),)) + raw
            + instance.to_bytes(4, "big") + version.to_bytes(4, "big"))
    tail = b"\x7e" + section_id.to_bytes(4, "big") if footer else b""
    return head + body + tail


def vmdesc_record(doc: dict | bytes, length: int | None = None) -> bytes:
    """0x06, u32 length, JSON; ``length`` overrides the true length."""
    text = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    size = len(text) if length is None else length
    return b"\x06" + size.to_bytes(4, "big") + text


def cpu_fields(count: int) -> list[dict]:
    """The three cpreg fields of target/arm/machine.c's vmstate_arm_cpu, as a vmdesc lists."""
    return [dict(INT32, name="cpreg_vmstate_array_len"),
            dict(U64_ARRAY, name="cpreg_vmstate_indexes", array_len=count),
            dict(U64_ARRAY, name="cpreg_vmstate_values", array_len=count)]


def cpu_body(ids: list[int], values: list[int], declared: int | None = None) -> bytes:
    count = len(ids) if declared is None else declared
    return (count & 0xFFFFFFFF).to_bytes(4, "big") + b"".join(
        v.to_bytes(8, "big") for v in ids + values)


def cpu_stream(ids=(0x603000000013C000,), values=(0,), *, vcpus: int = 1,
               declared: int | None = None, fields: list[dict] | None = None,
               vmdesc: bool = True, extra_doc: dict | None = None) -> bytes:
    """A stream of ``vcpus`` cpu sections (the same registers each) and its vmdesc.

    ``declared`` overrides cpreg_vmstate_array_len in the bytes, ``fields`` the description,
    ``extra_doc`` adds or replaces top-level vmdesc keys; ``vmdesc=False`` ends at EOF like
    suppress-vmdesc=on (the section version then has to be the v22 layout to be read).
    """
    ids, values = list(ids), list(values)
    body = cpu_body(ids, values, declared)
    fields = cpu_fields(len(ids)) if fields is None else fields
    devices, out = [], HEADER
    for n in range(vcpus):
        out += section(n + 1, "cpu", n, 22, body)
        devices.append({"name": "cpu", "instance_id": n, "vmsd_name": "cpu", "version": 22,
                        "fields": fields})
    out += b"\x00"
    if vmdesc:
        out += vmdesc_record(dict({"page_size": 4096, "devices": devices}, **(extra_doc or {})))
    return out


def _pstr(text: str, width: int = 1) -> bytes:
    raw = text.encode("latin1")
    return len(raw).to_bytes(width, "big") + raw


def configuration(machine: str = "virt", page_bits: int = 12, caps: tuple[str, ...] = ()) -> bytes:
    """QEMU_VM_CONFIGURATION: machine type, target-page-bits and capabilities subsections."""
    out = b"\x07" + _pstr(machine, 4)
    out += b"\x05" + _pstr("configuration/target-page-bits") + (1).to_bytes(4, "big")
    out += page_bits.to_bytes(4, "big")
    if caps:
        out += b"\x05" + _pstr("configuration/capabilities") + (1).to_bytes(4, "big")
        out += len(caps).to_bytes(4, "big") + b"".join(_pstr(c) for c in caps)
    return out


def ram_section_start(section_id: int = 1) -> bytes:
    """SECTION_START of the "ram" iterative section (the RAM records follow)."""
    return (b"\x01" + section_id.to_bytes(4, "big") + _pstr("ram") + (0).to_bytes(4, "big")
            + (4).to_bytes(4, "big"))


def mapped_ram_block(name: str, used: int, pages_offset: int) -> bytes:
    """One MEM_SIZE block entry with its mapped-ram header (QEMU >= 9.0, file: migration)."""
    return (_pstr(name) + used.to_bytes(8, "big") + (1).to_bytes(4, "big")
            + (4096).to_bytes(8, "big") + (0).to_bytes(8, "big") + pages_offset.to_bytes(8, "big"))


V22_PREFIX = 568  # bytes of vmstate_arm_cpu v22 in front of cpreg_vmstate_array_len


def v22_cpu_stream(ids, values, declared: int | None = None) -> bytes:
    """A stream without vmdesc (suppress-vmdesc=on) holding one v22 cpu section."""
    body = bytes(V22_PREFIX) + cpu_body(list(ids), list(values), declared)
    return HEADER + section(1, "cpu", 0, 22, body) + b"\x00"

"""Recognise which QEMU generation wrote a stream from the layout of its vmdesc.

Policies model what a destination QEMU does on load, and each is named after the release whose
behaviour it reproduces. The writer is told apart by facts in the vmdesc itself:
- QEMU 7.2 does not describe its configuration section in the vmdesc (later ones do);
- QEMU 10.0 still checks ``cpreg_vmstate_array_len`` on load (VMSTATE_INT32_POSITIVE_LE, vmdesc
  type "int32 le"); QEMU 11.1 merges lists of any length and sends a plain "int32".
"""

from __future__ import annotations

from app.model.sources.readers.stream.sections.section import Section
from app.model.sources.readers.stream.vmdesc import VmDesc

QEMU_72 = "qemu-7.2"
QEMU_100 = "qemu-10.0"
QEMU_111 = "qemu-11.1"


def recognise_writer(vm: VmDesc | None, sections: list[Section]) -> str | None:
    """The policy name matching the stream's writer, or None when nothing tells."""
    if vm is None:
        return None
    if vm.configuration is None:
        return QEMU_72
    for dev in vm.devices:
        if dev.name != "cpu" or dev.body is None:
            continue
        for field in dev.body.fields:
            if field.name == "cpreg_vmstate_array_len":
                return QEMU_100 if field.type == "int32 le" else QEMU_111
    return None

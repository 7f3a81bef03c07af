"""The QEMU_VM_CONFIGURATION section: machine type, target page size, validated capabilities.

QEMU 7.2 does not describe this section in its vmdesc, so the subsections QEMU knows are
decoded by name here; QEMU >= 9 describes it, and unknown subsections are then read through
that description.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.model.sources.readers.stream import structs as S
from app.model.sources.readers.stream.cursor import Cursor
from app.model.sources.readers.stream.vmdesc import StructDesc, body_size


@dataclass(frozen=True)
class Configuration:
    machine: str | None
    target_page_bits: int | None = None
    capabilities: frozenset[str] = frozenset()
    uuid: str | None = None
    subsections: tuple[str, ...] = ()

    @property
    def page_size(self) -> int | None:
        return None if self.target_page_bits is None else 1 << self.target_page_bits


def read_configuration(cur: Cursor, desc: StructDesc | None) -> Configuration:
    """Read the configuration section if the stream has one (QEMU >= 2.9 always writes it)."""
    if cur.peek() != S.QEMU_VM_CONFIGURATION:
        return Configuration(machine=None)
    cur.byte("configuration record")
    machine = cur.parse(S.Be32String, "machine type")
    values: dict = {"subsections": []}
    known = {s.name: s for s in desc.subsections} if desc else {}
    while cur.peek() == S.QEMU_VM_SUBSECTION:
        start = cur.pos
        cur.byte("subsection record")
        head = cur.parse(S.SubsectionHeader, "configuration subsection header")
        name = head["name"]
        values["subsections"].append(name)
        if name == "configuration/target-page-bits":
            values["bits"] = int.from_bytes(cur.read(4, "target page bits"), "big")
            if not 10 <= values["bits"] <= 30:
                raise cur.error(f"target page bits {values['bits']} is not a page size",
                                offset=start, expected="10..30")
        elif name == "configuration/capabilities":
            count = int.from_bytes(cur.read(4, "capability count"), "big")
            if count > 256:
                raise cur.error(f"{count} capabilities announced", offset=start,
                                expected="at most 256")
            values["caps"] = frozenset(cur.parse(S.CapabilityName, "capability name")
                                       for _ in range(count))
        elif name == "configuration/uuid":
            values["uuid"] = cur.read(16, "VM uuid").hex()
        elif name in known:
            cur.skip(body_size(known[name]), name)
        else:
            raise cur.error(f"unknown configuration subsection {name!r} and no vmdesc "
                            "describing it", offset=start)
    return Configuration(
        machine=machine,
        target_page_bits=values.get("bits"),
        capabilities=values.get("caps", frozenset()),
        uuid=values.get("uuid"),
        subsections=tuple(values["subsections"]),
    )

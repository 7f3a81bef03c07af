"""QEMU's ``scripts/analyze-migration.py -d state`` JSON → RegisterSet.

analyze-migration.py prints one JSON object whose keys are ``"<idstr> (<section id>)"`` in
stream order, e.g. ``"cpu (7)"``. The number is the section id, not the vCPU index, and the
instance id is not printed: vCPUs are numbered by the order of their ``cpu`` sections, which
is the order QEMU saved them in (vCPU 0 first). Each cpu object carries
``cpreg_vmstate_array_len`` and the two arrays as hex strings, exactly what the stream holds.
The dump has no configuration section, so the machine type is unknown.
"""

from __future__ import annotations

import os
import re

from app.model.errors import DumpError, quote
from app.model.sources.readers.textfile import (
    json_object_head,
    line_of,
    parse_int,
    read_json_object,
)
from app.model.sources.register_set import (
    ACCEL_UNKNOWN,
    Provenance,
    RegisterSet,
    VCpu,
    guess_accel,
)

FORMAT = "analyze-migration"
_SECTION_KEY = re.compile(r'^\s*\{\s*"(?P<name>[^"]+) \((?P<id>\d+)\)"\s*:\s*\{')
_KEY = re.compile(r"^(?P<name>.+) \((?P<id>\d+)\)$")
MAX_CPREGS = 65536
MAX_VCPUS = 4096


def sniff(head: bytes) -> str | None:
    text, why = json_object_head(head)
    if text is None:  # then ``why`` says why not
        return why
    if not _SECTION_KEY.match(text):
        return "first key is not a section name like \"ram (2)\""
    return None


def read_analyze_json(path: str, *, progress=None) -> RegisterSet:
    path = os.fspath(path)
    text, data = read_json_object(path, "analyze-migration.py -d state output")
    cpus: list[VCpu] = []
    for key, body in data.items():
        m = _KEY.match(key)
        if m is None:
            raise DumpError(f"key {quote(key)} is not a section name", path=path,
                            line=line_of(text, f'"{key}"'), expected='"<idstr> (<section id>)"')
        if m.group("name") == "cpu":
            if len(cpus) == MAX_VCPUS:
                raise DumpError(f"more than {MAX_VCPUS} cpu sections", path=path,
                                line=line_of(text, f'"{key}"'),
                                expected=f"at most {MAX_VCPUS} vCPUs")
            cpus.append(_cpu(text, path, key, body, len(cpus)))
    if not cpus:
        raise DumpError("no \"cpu (N)\" section", path=path, line=1,
                        expected="the state of an Arm guest with its cpu sections")
    ids = cpus[0].ids
    return RegisterSet(Provenance(path=path, format=FORMAT,
                                  accel=guess_accel(ids) if ids else ACCEL_UNKNOWN,
                                  notes=("vCPUs numbered in the order of their cpu sections",)),
                       tuple(cpus))


def _cpu(text: str, path: str, key: str, body, index: int) -> VCpu:
    where = line_of(text, f'"{key}"')

    def fail(what: str, expected: str):
        at = line_of(text, f'"{what}"', text.find(f'"{key}"')) if what else where
        return DumpError(f"{key}: {what or 'section'} is not readable", path=path,
                         line=at, expected=expected)

    if not isinstance(body, dict):
        raise fail("", "an object of fields")
    count = parse_int(body.get("cpreg_vmstate_array_len"))
    if count is None or not 0 <= count <= MAX_CPREGS:
        raise fail("cpreg_vmstate_array_len", f"a count 0..{MAX_CPREGS} as a hex string")
    arrays: list[tuple[int, ...]] = []
    for name in ("cpreg_vmstate_indexes", "cpreg_vmstate_values"):
        raw = body.get(name)
        parsed = [parse_int(v) for v in raw] if isinstance(raw, list) else None
        values = [v for v in parsed or () if v is not None and 0 <= v < 1 << 64]
        if parsed is None or len(values) != len(parsed):
            raise fail(name, "a list of 64-bit hex strings")
        if len(values) != count:
            raise DumpError(f"{key}: {name} has {len(values)} entries but "
                            f"cpreg_vmstate_array_len is {count}", path=path,
                            line=line_of(text, f'"{name}"', text.find(f'"{key}"')),
                            expected="equal lengths")
        arrays.append(tuple(values))
    return VCpu(index, arrays[0], arrays[1])

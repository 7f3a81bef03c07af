"""JSON register dumps, including this tool's own ``show --json`` output.

Accepted shapes (ids and values as ``"0x..."`` strings or integers; a register may also be
written as a name or any form the register parser reads; ``null`` is an unknown value):

- ``show --json``: ``{"source": {...}, "vcpus": [{"vcpu": 0, "registers": [{"id", "value",
  ...}]}]}`` — loads back to the same ids and values per vCPU, and keeps the source's machine,
  writer and accelerator (the accelerator decides what the two swapped KVM timer ids mean);
- ``{"vcpus": [...]}`` or ``{"registers": [...]}`` (one vCPU) without the source block;
- a list of ``{"id": ..., "value": ..., "vcpu": N}`` objects (``vcpu`` optional);
- an object mapping register to value, ``{"0x603000000013c000": "0x410fd034"}``.
"""

from __future__ import annotations

import os
import re

from app.model.errors import DumpError, FormatError, quote
from app.model.registers import regdb, regid
from app.model.sources.readers.textfile import (
    build_vcpus,
    head_text,
    line_of,
    load_json,
    parse_int,
    read_text,
)
from app.model.sources.register_set import ACCEL_UNKNOWN, Provenance, RegisterSet, guess_accel

FORMAT = "json-dump"
_MAP_KEY = re.compile(r'^\s*\{\s*"(?:0x[0-9a-fA-F]+|[A-Za-z][\w]*)"\s*:\s*("|\d|null)')
SHAPES = ('{"vcpus": [{"vcpu": N, "registers": [{"id", "value"}]}]}, [{"id", "value"}] '
          'or {"<register>": "<value>"}')


def sniff(head: bytes) -> str | None:
    text = head_text(head)
    if text is None:
        return "not UTF-8 text"
    body = text.lstrip()
    if not body.startswith(("{", "[")):
        return "not JSON"
    if '"vcpus"' in text or '"registers"' in text or _MAP_KEY.match(body):
        return None
    if body.startswith("[") and re.match(r'^\[\s*\{\s*"(?:id|vcpu|value)"', body):
        return None
    return "JSON without \"vcpus\", \"registers\" or register keys"


def read_json_dump(path: str, *, progress=None) -> RegisterSet:
    path = os.fspath(path)
    text = read_text(path)
    data = load_json(text, path)
    loader = _Loader(path, text)
    source = data.get("source") if isinstance(data, dict) else None
    if isinstance(data, dict) and isinstance(data.get("vcpus"), list):
        for n, cpu in enumerate(data["vcpus"]):
            if not isinstance(cpu, dict) or not isinstance(cpu.get("registers"), list):
                raise loader.error(f"vcpus[{n}] has no \"registers\" list", '"registers"')
            index = parse_int(cpu.get("vcpu", n))
            if index is None or index < 0:
                raise loader.error(f"vcpus[{n}].vcpu is not a vCPU index", '"vcpu"')
            for item in cpu["registers"]:
                loader.item(item, index)
    elif isinstance(data, dict) and isinstance(data.get("registers"), list):
        for item in data["registers"]:
            loader.item(item, 0)
    elif isinstance(data, list):
        for item in data:
            loader.item(item, None)
    elif isinstance(data, dict) and data and all(
            v is None or isinstance(v, (str, int)) for v in data.values()):
        for key, value in data.items():
            loader.add(0, key, value)
    else:
        raise DumpError("JSON holds no register list (is it diff --json or a rule file?)",
                        path=path, line=1, expected=SHAPES)
    vcpus = build_vcpus(loader.cpus, path, text.count("\n") + 1)
    ids = [i for c in vcpus for i in c.ids]
    src = source if isinstance(source, dict) else {}
    notes: tuple[str, ...] = ()
    if src.get("path"):
        notes = (f"show --json of {src['path']} ({src.get('format') or 'unknown format'})",)
    accel = src.get("accel") if src.get("accel") in ("tcg", "kvm") else None
    return RegisterSet(Provenance(
        path=path, format=FORMAT, machine=_text(src.get("machine")),
        writer=_text(src.get("writer")),
        accel=accel or (guess_accel(ids) if ids else ACCEL_UNKNOWN), notes=notes), vcpus)


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


class _Loader:
    """Collects registers per vCPU, locating each problem by the register's text in the file."""

    def __init__(self, path: str, text: str):
        self.path, self.text = path, text
        self.cpus: dict[int, dict[int, int | None]] = {}
        self.cursor = 0  # where the search for the next register's text starts
        self.last = 0  # where the register being read was found

    def error(self, message: str, needle: str, expected: str = SHAPES) -> DumpError:
        return DumpError(message, path=self.path, line=line_of(self.text, needle, self.last),
                         expected=expected)

    def item(self, item, index: int | None) -> None:
        if not isinstance(item, dict) or "id" not in item:
            raise self.error(f"register entry {quote(str(item))} has no \"id\"", '"id"',
                             '{"id": "0x...", "value": "0x..." | null}')
        if index is None:
            index = parse_int(item.get("vcpu", 0))
            if index is None or index < 0:
                raise self.error(f"vcpu {quote(item.get('vcpu'))} is not a vCPU index", '"vcpu"')
        self.add(index, item["id"], item.get("value"))

    def add(self, index: int, reg, value) -> None:
        needle = f'"{reg}"' if isinstance(reg, str) else str(reg)
        at = self.text.find(needle, self.cursor)
        self.last = at if at >= 0 else self.cursor
        self.cursor = at + 1 if at >= 0 else self.cursor
        try:
            if isinstance(reg, bool) or not isinstance(reg, (int, str)):
                raise ValueError("a register is a string or an integer")
            reg_id = regdb.parse_register(str(reg))
            bits = max(64, regid.decode(reg_id).size_bits)
        except (FormatError, ValueError) as exc:
            why = exc.message if isinstance(exc, FormatError) else str(exc)
            raise self.error(f"cannot read register {quote(reg)}: {why}", needle,
                             "an id (0x...) or a register name") from None
        number = None if value is None else parse_int(value)
        if value is not None and (number is None or not 0 <= number < 1 << bits):
            raise self.error(f"value {quote(value)} of {reg} is not a {bits}-bit number", needle,
                             '"0x..." string, integer or null')
        regs = self.cpus.setdefault(index, {})
        if reg_id in regs:
            raise self.error(f"register {quote(reg)} appears twice for vCPU {index}", needle,
                             "each register once per vCPU")
        regs[reg_id] = number

"""Stream-aware mutations: the vmdesc JSON, device sections and the length fields readers trust.

Blind bit flips rarely get past the structure of a migration stream, so these mutators edit it
where it matters: the trailing vmdesc (re-framed with a correct length so the reader still
finds it), whole device sections (dropped, repeated, swapped, spliced in from another stream)
and the counts a reader might allocate from (cpreg_vmstate_array_len, the vmdesc length).
Section offsets come from reading the unmodified fixture once.
"""

from __future__ import annotations

import json
import random
import tempfile
from functools import lru_cache
from pathlib import Path

from app.model.sources.readers.stream import migstream

from .mutate import encode, mutate_json_tree
from .seeds import Seed

HUGE_COUNTS = (2**31, 0x7FFFFFFF, 2**32, -1, 0, 10**12, 1e999, "8", 1.5, None)


def split_vmdesc(data: bytes) -> tuple[bytes, bytes] | None:
    """(stream up to and including EOF, vmdesc JSON) or None when there is no vmdesc."""
    pos = len(data)
    while (pos := data.rfind(b"\x00\x06", 0, pos)) >= 0:
        length = int.from_bytes(data[pos + 2:pos + 6], "big")
        if pos + 6 + length == len(data) and data[pos + 6:pos + 7] == b"{":
            return data[:pos + 1], data[pos + 6:]
    return None


def with_vmdesc(prefix: bytes, text: bytes, length: int | None = None) -> bytes:
    """Append a vmdesc record; ``length`` overrides the true length (crafted frames)."""
    size = len(text) if length is None else length
    return prefix + b"\x06" + size.to_bytes(4, "big") + text


@lru_cache(maxsize=64)
def layout(seed: Seed) -> tuple[tuple[int, ...], tuple[tuple[int, bytes], ...]]:
    """(offsets of the device sections + the EOF byte, (cpu body offset, cpreg count prefix))."""
    if seed.data[:4] != b"QEVM":
        return (), ()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "seed")
        path.write_bytes(seed.data)
        try:
            regs = migstream.read_stream(str(path))
        except Exception:  # noqa: BLE001 - a seed we cannot read has no known layout
            return (), ()
    split = split_vmdesc(seed.data)
    eof = len(split[0]) - 1 if split else len(seed.data) - 1
    offsets = tuple(d.offset for d in regs.provenance.devices) + (eof,)
    counts = []
    for cpu in regs.vcpus:
        if cpu.ids:
            needle = len(cpu.ids).to_bytes(4, "big") + cpu.ids[0].to_bytes(8, "big")
            at = seed.data.find(needle, offsets[0])
            if at > 0:
                counts.append((at, needle[:4]))
    return offsets, tuple(counts)


def hot_regions(seed: Seed) -> tuple[tuple[int, int], ...]:
    """Where a stream's structure is: header/configuration/RAM start, and the device tail."""
    offsets, _ = layout(seed)
    head = ((0, 0x400),)
    return head + ((offsets[0], len(seed.data)),) if offsets else head


def set_cpreg_len(data: bytes, seed: Seed, value: int = 0x7FFFFFFF) -> bytes:
    """Every vCPU's cpreg_vmstate_array_len set to ``value`` (arrays left as they are)."""
    for at, _ in layout(seed)[1]:
        data = data[:at] + (value & 0xFFFFFFFF).to_bytes(4, "big") + data[at + 4:]
    return data


def nested_struct_field(depth: int) -> str:
    """A vmdesc field nesting ``depth`` structs (built as text: no recursion here)."""
    head = '{"name": "n", "type": "struct", "size": 0, "struct": {"vmsd_name": "s", "fields": ['
    return head * depth + "]}}" * depth


def mutate_vmdesc(data: bytes, rng: random.Random) -> bytes | None:
    """Damage the vmdesc JSON where readers trust it, then re-frame it with a true length."""
    split = split_vmdesc(data)
    if split is None:
        return None
    prefix, text = split
    doc = json.loads(text)
    fields = [f for d in doc.get("devices", []) for f in d.get("fields", [])]
    op = rng.randrange(6)
    if op == 0 and fields:
        field = rng.choice(fields)
        field[rng.choice(("array_len", "size", "array_len"))] = rng.choice(HUGE_COUNTS)
    elif op == 1 and fields:  # names: non-UTF-8, not latin-1, longer than a u8 length
        name = rng.choice(("\udcff\udcfe", "\u20ac", "x" * 300, "cpreg_vmstate_indexes", ""))
        devices, where = doc["devices"], rng.randrange(3)
        if where == 0:
            rng.choice(fields)["name"] = name
        elif where == 1:
            rng.choice(devices)["name"] = name
        else:
            rng.choice(devices).setdefault("subsections", []).append(
                {"vmsd_name": name, "fields": []})
    elif op == 2:
        doc["devices"] = doc.get("devices", []) * rng.choice((2, 50))
    elif op == 3:
        doc["page_size"] = rng.choice(HUGE_COUNTS + (-4096, 3, "4096", [1]))
    elif op == 4:
        deep = nested_struct_field(rng.choice((40, 400, 10_000)))
        body = json.dumps(doc, ensure_ascii=False)
        body = body.replace('"fields": [', '"fields": [' + deep + ", ", 1)
        return with_vmdesc(prefix, encode(body))
    else:
        doc = mutate_json_tree(doc, rng)
    body = encode(json.dumps(doc, ensure_ascii=False))
    return with_vmdesc(prefix, body)


def mutate_sections(data: bytes, seed: Seed, rng: random.Random, donor: Seed) -> bytes | None:
    """Drop, repeat or swap whole device sections, or splice one in from ``donor``."""
    offsets = layout(seed)[0]
    if len(offsets) < 3:
        return None
    i, j = sorted(rng.sample(range(len(offsets) - 1), 2))
    a, b = data[offsets[i]:offsets[i + 1]], data[offsets[j]:offsets[j + 1]]
    op = rng.randrange(4)
    if op == 0:
        return data[:offsets[i]] + data[offsets[i + 1]:]
    if op == 1:
        return data[:offsets[i]] + a * rng.choice((2, 3)) + data[offsets[i]:]
    if op == 2:
        return (data[:offsets[i]] + b + data[offsets[i + 1]:offsets[j]] + a
                + data[offsets[j + 1]:])
    theirs = layout(donor)[0]
    if len(theirs) < 2:
        return None
    k = rng.randrange(len(theirs) - 1)
    return data[:offsets[i]] + donor.data[theirs[k]:theirs[k + 1]] + data[offsets[i + 1]:]


def stream_mutant(seed: Seed, rng: random.Random, donor: Seed) -> bytes:
    """One structure-aware mutant of a stream seed (falls back to byte damage)."""
    from .mutate import BYTE_MUTATORS

    op = rng.random()
    out = None
    if op < 0.25:
        out = mutate_vmdesc(seed.data, rng)
    elif op < 0.4:
        out = mutate_sections(seed.data, seed, rng, donor)
    elif op < 0.5:
        out = set_cpreg_len(seed.data, seed, rng.choice((0x7FFFFFFF, 0x80000000, 65537, 1)))
    if out is None:
        out = rng.choice(BYTE_MUTATORS)(seed.data, rng, hot_regions(seed))
    return out

"""Deterministic mutators seeded from the committed fixtures.

Seeds come from seeds.py (every fixture under tests/data/**, so fixtures added for new readers
are fuzzed without touching this code, plus the rule files the project writes). A mutant is a pure
function of (seed bytes, random.Random): the same seed number always gives the same inputs,
which keeps the CI pass reproducible. Byte mutators hit any format; text and JSON mutators
apply when the seed is UTF-8 / JSON; stream-aware ones live in streammut.py.
"""

from __future__ import annotations

import json
import random

from .seeds import Seed

# JSON list repetition compounds over mutations; past this size an input only measures
# reading speed (linear, ~30 ns/byte) against the 2 s budget, so mutants are cut here.
MAX_MUTANT_BYTES = 8 << 20
# Field values that break length checks: sign bit, all ones, off-by-one around powers of two.
INTERESTING = (0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
               0xFFFFFFFE, 1 << 32, 0x7FFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF)
RUNS = (" ", "\t", "x", "0", "a,", ", ", "(", "0x", "op0:3 ", "| ", "=", ":", "[", "{\"", "/*")
HUGE_TEXT = ("0x" + "f" * 40, "9" * 5000, "-1", "1e999", "0x", "\x00", "\ufeff", "\udcff",
             "[vcpu 4096]", "[vcpu 99999999999999999999]", "{" * 3000, "[" * 3000, '"' * 99)


def _offset(data: bytes, rng: random.Random, hot: tuple[tuple[int, int], ...]) -> int:
    """An offset, mostly inside the ``hot`` (start, end) regions where the structure is."""
    if hot and rng.random() < 0.85:
        lo, hi = rng.choice(hot)
        return rng.randrange(lo, max(lo + 1, min(hi, len(data))))
    return rng.randrange(max(1, len(data)))


def flip_bits(data: bytes, rng: random.Random, hot=()) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if out:
            out[_offset(data, rng, hot) % len(out)] ^= 1 << rng.randrange(8)
    return bytes(out)


def write_int(data: bytes, rng: random.Random, hot=()) -> bytes:
    """Overwrite 1/2/4/8 bytes with a boundary value (big- or little-endian)."""
    width = rng.choice((1, 2, 4, 4, 8))
    value = rng.choice(INTERESTING) & ((1 << (8 * width)) - 1)
    at = _offset(data, rng, hot)
    raw = value.to_bytes(width, rng.choice(("big", "big", "little")))
    return data[:at] + raw + data[at + width:]


def truncate(data: bytes, rng: random.Random, hot=()) -> bytes:
    return data[:_offset(data, rng, hot)]


def delete_range(data: bytes, rng: random.Random, hot=()) -> bytes:
    at = _offset(data, rng, hot)
    return data[:at] + data[at + rng.choice((1, 2, 4, 8, 64, 4096)):]


def duplicate_range(data: bytes, rng: random.Random, hot=()) -> bytes:
    at = _offset(data, rng, hot)
    return data[:at] + data[at:at + rng.choice((1, 5, 64, 1024))] + data[at:]


def insert_text(data: bytes, rng: random.Random, hot=()) -> bytes:
    at = _offset(data, rng, hot)
    junk = encode(rng.choice(HUGE_TEXT))
    return data[:at] + junk + data[at:]


BYTE_MUTATORS = (flip_bits, write_int, truncate, delete_range, duplicate_range, insert_text)


def is_text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def mutate_lines(data: bytes, rng: random.Random) -> bytes:
    """Line-level damage: drop, repeat, swap, garble a line, or add a hostile one."""
    lines = data.decode("utf-8").split("\n") or [""]
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    op = rng.randrange(7)
    if op == 0:
        del lines[i]
    elif op == 1:
        lines[i:i] = [lines[i]] * rng.choice((2, 50))
    elif op == 2:
        lines[i], lines[j] = lines[j], lines[i]
    elif op == 3:
        lines[i] = lines[i][:rng.randrange(len(lines[i]) + 1)] + rng.choice(HUGE_TEXT)
    elif op == 4:
        lines.insert(i, rng.choice(HUGE_TEXT) * rng.choice((1, 30)))
    elif op == 5:  # long runs: regexes that backtrack go quadratic on them
        lines.insert(i, "x" + rng.choice(RUNS) * rng.choice((5000, 50_000)) + "!")
    else:
        lines[i:i] = [f"[vcpu {n}]" for n in range(rng.choice((2, 4097)))]
    out = encode("\n".join(lines))
    return out + b"\xff\xfe" if rng.random() < 0.05 else out


HOSTILE_JSON = (None, True, -1, 2**31, 2**64, 1e308, float("inf"), "\udcff\x00" * 3,
                "0x" + "f" * 17, {"[" * 2000: 1}, [[[[]]]], {"fields": []}, [0] * 10_000)


def hostile_json(rng: random.Random):
    """A JSON value chosen to break readers that trust shapes and sizes (a fresh copy)."""
    return json.loads(json.dumps(rng.choice(HOSTILE_JSON)))


def mutate_json_tree(doc, rng: random.Random):
    """Replace one random node of a parsed JSON document (in place where possible)."""
    path: list = []
    node = doc
    while isinstance(node, (dict, list)) and node and rng.random() < 0.8:
        key = rng.choice(list(node)) if isinstance(node, dict) else rng.randrange(len(node))
        path.append((node, key))
        node = node[key]
    if not path:
        return hostile_json(rng)
    parent, key = path[-1]
    op = rng.randrange(4)
    if op == 0 and isinstance(parent, dict):
        del parent[key]
    elif op == 1 and isinstance(parent, list):
        parent.extend([parent[key]] * rng.choice((2, 1000)))
    else:
        parent[key] = hostile_json(rng)
    return doc


def mutate_json(data: bytes, rng: random.Random) -> bytes | None:
    """Tree-level damage to a JSON seed, or None when the seed is not JSON."""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return None
    text = json.dumps(mutate_json_tree(doc, rng), ensure_ascii=False)
    if rng.random() < 0.1:  # deep nesting, written as text (json.dumps would recurse)
        depth = rng.choice((100, 5000, 100_000))
        text = '{"x": ' * depth + text + "}" * depth if rng.random() < 0.5 else (
            "[" * depth + text + "]" * depth)
    return encode(text)


def encode(text: str) -> bytes:
    """UTF-8, with lone surrogates kept as the invalid bytes they stand for."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def mutant(seed: Seed, rng: random.Random, hot=()) -> bytes:
    """One mutant of ``seed``: 1-3 mutations of a kind that suits its content."""
    data = seed.data
    for _ in range(rng.choice((1, 1, 2, 3))):
        if is_text(data) and rng.random() < 0.5:
            json_mutant = mutate_json(data, rng) if rng.random() < 0.5 else None
            data = json_mutant or mutate_lines(data, rng)
        else:
            data = rng.choice(BYTE_MUTATORS)(data, rng, hot)
    return data[:MAX_MUTANT_BYTES]

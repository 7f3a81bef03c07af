"""Truncation at every offset, in an order that reaches the interesting cuts first.

A stream cut inside its header, its configuration section, a device section or the vmdesc
exercises a different error path each time; a cut in the middle of RAM pages mostly repeats
one. ``truncation_offsets`` therefore yields the record boundaries (±2), then every offset of
the structured regions, then the rest of the file coarse to fine, each offset exactly once.
Text fixtures are small and are swept entirely in order.
"""

from __future__ import annotations

from typing import Iterator

from .seeds import Seed
from .streammut import hot_regions, layout, split_vmdesc


def boundaries(seed: Seed) -> list[int]:
    """Offsets where a record starts or ends: sections, EOF, the vmdesc and its JSON."""
    offsets, counts = layout(seed)
    marks = [0, 4, 8, 9, 13, len(seed.data)]
    marks += list(offsets) + [at for at, _ in counts] + [at + 4 for at, _ in counts]
    split = split_vmdesc(seed.data)
    if split:
        marks += [len(split[0]), len(split[0]) + 5]
    near = {m + d for m in marks for d in (-2, -1, 0, 1, 2)}
    return sorted(n for n in near if 0 <= n <= len(seed.data))


def truncation_offsets(seed: Seed) -> Iterator[int]:
    """Every length 0..len(seed.data) once: boundaries, structured regions, then the rest."""
    seen: set[int] = set()
    size = len(seed.data)

    def fresh(candidates) -> Iterator[int]:
        for n in candidates:
            if n not in seen:
                seen.add(n)
                yield n

    if seed.data[:4] != b"QEVM":
        yield from fresh(range(size + 1))
        return
    yield from fresh(boundaries(seed))
    for lo, hi in hot_regions(seed):
        yield from fresh(range(lo, min(hi, size) + 1))
    for stride in (4096, 256, 16, 1):
        yield from fresh(range(0, size + 1, stride))


def sample(seed: Seed, count: int) -> list[int]:
    """The first ``count`` offsets of the sweep (deterministic; for the CI pass)."""
    out = []
    for n in truncation_offsets(seed):
        if len(out) == count:
            break
        out.append(n)
    return out

"""The inputs every mutation starts from: committed fixtures and files the project writes.

Every file under tests/data (recursively; ``.xz`` unpacked, documentation skipped) is a seed,
so fixtures added for new readers are fuzzed without touching the fuzzing code. Rule seeds
are the TOML rule file and the qemu-c export of a rule set using every rule type, plus any
committed ``.toml``/``.c`` fixture; a hand-written text dump covers the text-dump reader.
"""

from __future__ import annotations

import lzma
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
SKIP_SUFFIXES = (".md",)
MAX_SEED_BYTES = 8 << 20  # larger fixtures (the 150 MiB mapped-ram stream) are too slow to mutate


@dataclass(frozen=True)
class Seed:
    name: str
    data: bytes


MATRIX_SEEDS = ("q72-a57-smp2-net.mig.xz", "q10-a76-smp2-gicv3.mig.xz",
                "q11-a57-smp2-rng-blk.mig.xz")


@lru_cache(maxsize=None)
def fixture_seeds() -> tuple[Seed, ...]:
    """Every fixture under tests/data/**, decompressed, sorted by path. Of the verdict matrix
    (65 streams of a few configurations) only one stream per QEMU release and one
    user-networking stream are seeds: the rest would double the fuzz time for no new shape."""
    out = []
    for path in sorted(DATA.rglob("*")):
        if not path.is_file() or path.name.endswith(SKIP_SUFFIXES):
            continue
        if path.parent.name == "matrix" and path.name.endswith(".mig.xz") and \
                path.name not in MATRIX_SEEDS:
            continue
        data = path.read_bytes()
        if path.suffix == ".xz":
            data = lzma.LZMADecompressor().decompress(data, max_length=MAX_SEED_BYTES + 1)
        if len(data) <= MAX_SEED_BYTES:
            out.append(Seed(str(path.relative_to(DATA)), data))
    return tuple(out)


def rule_seeds() -> tuple[Seed, ...]:
    """Rule files as the project writes them (TOML and the qemu-c export), plus any committed
    ``.toml`` fixture: the seeds for the rule loaders."""
    from app.model.rules import rulefile
    from app.model.exporters import qemu_c
    from app.model.rules.rule import Rule, RuleType
    from app.model.rules.ruleset import RuleSet

    rules = RuleSet(tuple(
        Rule(0x603000000013C000 + n, kind, mask=0xF0 << n, value=n, reason=f"why {n} \u00e9",
             enabled=n % 2 == 0) for n, kind in enumerate(RuleType)))
    out = [Seed("rules.toml", rulefile.dumps(rules).encode()),
           Seed("rules.c", qemu_c.render(rules).text.encode())]
    out += [s for s in fixture_seeds() if s.name.endswith((".toml", ".c"))]
    return tuple(out)


TEXT_DUMP = b"""# hand-written dump
[vcpu 0]
TCR2_EL1 0x0
0x603000000013c103 = 5
S3_0_C2_C0_3: 0x1f
ARM64_SYS_REG(3, 0, 0, 0, 0) 0x410fd034
vcpu 1:
MIDR_EL1 0x410fd034
p15, 0, c1, c0, 0
"""


def builtin_seeds() -> tuple[Seed, ...]:
    """Seeds for formats without a committed fixture (a hand-written text dump)."""
    return (Seed("builtin/text-dump.txt", TEXT_DUMP),)

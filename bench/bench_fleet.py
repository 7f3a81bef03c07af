"""Benchmark: ``fleet`` on a pool of 1,000 hosts built from real streams, against N x one ``show``.

    python bench/bench_fleet.py [--sizes 250,500,1000] [--release q11] [--repeat 3]

The pool (all measured in this run on this machine):
- every host's file is a real QEMU stream from tests/data/matrix (one release, six
  configurations: cortex-a57, cortex-a57 without PMU, max, max without PMU, max without SVE,
  cortex-a76 with GICv3), unpacked into a temp dir and READ FROM DISK once per host, as the
  command does (N reads);
- each RegisterSet is then varied IN MEMORY the way real hosts differ (the dumps are not
  rewritten: a stream's cpreg arrays cannot change length without re-encoding the stream):
  one of three ID-register field variants (none; the low bit of ID_PFR0_EL1.CSV2 or of
  ID_AA64ISAR1_EL1.DPB flipped, as firmware and kernel revisions differ), one of two
  register sets (all; without the highest-numbered non-state register, as an older kernel
  that does not expose it), and fresh guest-state values on every host (every VM's TTBRs,
  SCTLR... differ).
So K <= 6 x 3 x 2 = 36 groups whatever N is. Reported per N: read, vary and analyse time
(and per cell of the K x K matrix), K, peak RSS of a child process that does only this
(MiB, and its growth over the RSS after imports), then fleet time / (N x one ``show``), and
the ratios between sizes: with K fixed, O(N + K^2) means the analysis stays flat and only
the reading doubles with N. A last run of the largest N built from two configurations only
(K = 12) shows the analysis growing with K^2 instead.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import lzma
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MATRIX = ROOT / "tests" / "data" / "matrix"
CONFIGS = ("a57-smp2", "a57-pmu-off-smp2", "max-smp2", "max-pmu-off-smp2", "max-sve-off-smp2",
           "a76-smp2-gicv3")
ID_VARIANTS = (None, ("ID_PFR0_EL1", "CSV2"), ("ID_AA64ISAR1_EL1", "DPB"))
REGSET_VARIANTS = ("all", "without-last")

_CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[1] + "/bench")
from bench_fleet import run_pool
from app.model.fleet import analyse, read_pool
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(run_pool(json.loads(sys.argv[2]), before)))
"""


def unpack(release: str, directory: Path) -> list[Path]:
    """The release's streams of CONFIGS, unpacked from tests/data/matrix into ``directory``."""
    out = []
    for config in CONFIGS:
        name = f"{release}-{config}.mig"
        target = directory / name
        with lzma.open(MATRIX / f"{name}.xz") as fin, open(target, "wb") as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)
        out.append(target)
    return out


def vary(regs, host: int, rng: random.Random, configs: int = len(CONFIGS)):
    """Host ``host``'s variant of a real RegisterSet (see the module docstring); the pool
    cycles through ``configs`` base streams."""
    import dataclasses

    from app.model.fleet.grouping import is_state
    from app.model.registers import regdb
    from app.model.sources.register_set import VCpu

    variant = ID_VARIANTS[(host // configs) % len(ID_VARIANTS)]
    regset = REGSET_VARIANTS[(host // (configs * len(ID_VARIANTS))) % 2]
    flip: dict[int, int] = {}
    if variant is not None:
        reg_id = regdb.find(variant[0], regs.accel)
        assert reg_id is not None and reg_id in regs.vcpus[0].ids, variant
        field = next(f for f in regdb.fields_of(reg_id, regs.accel) if f.name == variant[1])
        flip[reg_id] = 1 << field.lsb
    ids0 = regs.vcpus[0].ids
    drop = max((i for i in ids0 if not is_state(i)), default=None) \
        if regset == "without-last" else None
    vcpus = []
    for cpu in regs.vcpus:
        ids, values = [], []
        for i, v in zip(cpu.ids, cpu.values, strict=True):
            if i == drop:
                continue
            if v is not None and i in flip:
                v ^= flip[i]
            elif v is not None and is_state(i):
                v = rng.getrandbits(64)
            ids.append(i)
            values.append(v)
        vcpus.append(VCpu(cpu.index, tuple(ids), tuple(values)))
    return dataclasses.replace(regs, vcpus=tuple(vcpus))


def run_pool(spec: dict, rss_after_imports: float) -> dict:
    """In a child: read, vary and analyse a pool of spec["n"] hosts; times and peak RSS."""
    import resource

    from app.model.fleet import PoolSource, analyse, read_pool

    files = spec["files"]
    paths = [files[i % len(files)] for i in range(spec["n"])]
    t0 = time.perf_counter()
    pool = read_pool(paths)
    t1 = time.perf_counter()
    rng = random.Random(spec["n"])
    hosts = tuple(PoolSource(f"host{i:04d}/{Path(s.path).name}",
                             vary(s.registers, i, rng, len(files)))
                  for i, s in enumerate(pool))
    t2 = time.perf_counter()
    fleet = analyse(hosts)
    t3 = time.perf_counter()
    return {"n": spec["n"], "read": t1 - t0, "vary": t2 - t1, "analyse": t3 - t2,
            "groups": len(fleet.groups), "rejected": sum(not c.accepted for c in fleet.cells),
            "fixes": len(fleet.baseline.fixes), "unfixable": len(fleet.baseline.unfixable),
            "rules": len(fleet.baseline.added), "rss_after_imports_mib": rss_after_imports,
            "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def show_time(files: list[Path], repeat: int) -> float:
    """Mean over the pool's files of the best ``cpreg-explorer show FILE`` time (output to
    a buffer), in this process after one warm-up run."""
    from app.cli import main

    per_file = []
    for path in files:
        times = []
        for _ in range(repeat + 1):
            with contextlib.redirect_stdout(io.StringIO()):
                t = time.perf_counter()
                code = main(["show", str(path)])
                times.append(time.perf_counter() - t)
            assert code == 0, f"show {path} failed"
        per_file.append(min(times[1:]))
    return sum(per_file) / len(per_file)


def child(files: list[Path], n: int) -> dict:
    spec = json.dumps({"files": [str(f) for f in files], "n": n})
    out = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT), spec], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="250,500,1000", help="pool sizes (default 250,500,1000)")
    ap.add_argument("--release", default="q11", choices=("q72", "q10", "q11"))
    ap.add_argument("--repeat", type=int, default=3, help="show timings: best of N per file")
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        files = unpack(args.release, Path(tmp))
        show = show_time(files, args.repeat)
        print(f"one show (mean of the {len(files)} real {args.release} streams, best of "
              f"{args.repeat}): {show * 1e3:.1f} ms", flush=True)
        results = {}
        for n in sizes:
            r = results[n] = child(files, n)
            total = r["read"] + r["vary"] + r["analyse"]
            print(f"N={n}: K={r['groups']} groups | read {r['read']:.2f} s, vary "
                  f"{r['vary']:.2f} s, analyse {r['analyse']:.2f} s "
                  f"({r['analyse'] / r['groups'] ** 2 * 1e3:.1f} ms per cell), total "
                  f"{total:.2f} s | "
                  f"N x show {n * show:.2f} s, ratio {total / (n * show):.3f} | "
                  f"{r['rejected']} rejected cells, {r['fixes']} fixed by {r['rules']} "
                  f"baseline rules, {r['unfixable']} unfixable | peak RSS "
                  f"{r['rss_mib']:.0f} MiB (+{r['rss_mib'] - r['rss_after_imports_mib']:.0f} "
                  "over imports)", flush=True)
        for small, big in itertools.pairwise(sizes):
            a, b = results[small], results[big]
            total = (b["read"] + b["vary"] + b["analyse"]) / (a["read"] + a["vary"]
                                                             + a["analyse"])
            growth = ((b["rss_mib"] - b["rss_after_imports_mib"])
                      / max(a["rss_mib"] - a["rss_after_imports_mib"], 1e-9))
            print(f"N {big}/{small} = {big / small:.1f}: total x{total:.2f}, read "
                  f"x{b['read'] / a['read']:.2f} (O(N): ~{big / small:.1f}), analyse "
                  f"x{b['analyse'] / a['analyse']:.2f} (K {a['groups']}->{b['groups']}: "
                  f"O(K^2) ~{(b['groups'] / a['groups']) ** 2:.2f}), RSS growth x{growth:.2f}")
        few = child(files[:2], sizes[-1])
        many = results[sizes[-1]]
        print(f"N={sizes[-1]} from {CONFIGS[0]} and {CONFIGS[1]} only: K={few['groups']} | "
              f"analyse {few['analyse']:.2f} s ({few['analyse'] / few['groups'] ** 2 * 1e3:.1f}"
              f" ms per cell) | K {few['groups']}->{many['groups']}: analyse "
              f"x{many['analyse'] / few['analyse']:.2f} (O(K^2): "
              f"~{(many['groups'] / few['groups']) ** 2:.1f}, per-cell cost varies with the "
              "share of rejected pairs, which need suggest)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

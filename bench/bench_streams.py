"""Benchmark: cpreg extraction from multi-GiB streams, as ratios against reading the file once.

    python bench/bench_streams.py [--sizes 1,4] [--dir /tmp] [--keep]

Builds 1 and 4 GiB streams in QEMU's format (bench/make_streams.py), then reports, all measured
in this run on this machine:
- fast path (vmdesc) time / time to read the file once (cat-equivalent)   target: <= 1/20
- forward walk time / time to read the file once                        target: <= 1.5
- fast path 4 GiB / fast path 1 GiB                                      target: ~1.0
- peak RSS of a process extracting from each stream (MiB)               target: flat in RAM size
- a real QEMU stream of 256 vCPUs (captured with qemu-system-aarch64 when installed):
  extraction time and vCPU count.
Each timing is the best of --repeat runs with the file in the page cache.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_streams import write_stream  # noqa: E402

TEMPLATE = ROOT / "tests" / "data" / "q72-cortex-a57-smp2.mig"

# numpy is imported first: the forward walk imports it lazily (kept off GUI start-up), and the
# figures are about reading streams, not about a one-time ~0.1 s import.
_CHILD = """
import json, resource, sys, time
import numpy
from app.model.sources.readers.stream.migstream import read_stream
t = time.perf_counter()
regs = read_stream(sys.argv[1], force_walk=sys.argv[2] == "walk")
print(json.dumps({"seconds": time.perf_counter() - t, "vcpus": len(regs.vcpus),
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def read_once(path: Path) -> None:
    with open(path, "rb", buffering=0) as f:
        while f.read(1 << 20):
            pass


def child(path: Path, mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(path), mode], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def measure(path: Path, repeat: int) -> dict:
    read_once(path)  # warm the page cache so every contender reads from memory
    read_t = best(lambda: read_once(path), repeat)
    fast = min((child(path, "fast") for _ in range(repeat)), key=lambda r: r["seconds"])
    walk = min((child(path, "walk") for _ in range(repeat)), key=lambda r: r["seconds"])
    return {"size": path.stat().st_size, "read": read_t, "fast": fast, "walk": walk}


def capture_many_vcpus(directory: Path, smp: int) -> Path | None:
    try:
        from app.model.sources.capture import CaptureError, capture_stream
    except ImportError:
        return None
    out = directory / f"smp{smp}.mig"
    try:
        capture_stream(out, cpu="cortex-a57", smp=smp, machine="virt,gic-version=3",
                       memory_mb=64, timeout=300)
    except CaptureError as exc:
        print(f"  (no {smp}-vCPU capture: {exc})")
        return None
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,4", help="GiB sizes to build (default 1,4)")
    ap.add_argument("--dir", default=None, help="where to build the streams (default: a temp dir)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--vcpus", type=int, default=256)
    ap.add_argument("--keep", action="store_true", help="keep the generated streams")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        tmpdir = Path(args.dir) if args.keep and args.dir else Path(tmp)
        results = {}
        for gib in sizes:
            path = tmpdir / f"ram{gib}g.mig"
            print(f"building {path.name} ({gib} GiB of non-zero RAM)...", flush=True)
            write_stream(TEMPLATE, path, gib << 30)
            results[gib] = r = measure(path, args.repeat)
            print(f"  file {r['size'] / 2**30:.2f} GiB: read once {r['read']:.3f} s | "
                  f"fast path {r['fast']['seconds'] * 1e3:.1f} ms "
                  f"(ratio {r['fast']['seconds'] / r['read']:.4f}, target <= 0.05) | "
                  f"forward walk {r['walk']['seconds']:.3f} s "
                  f"(ratio {r['walk']['seconds'] / r['read']:.2f}, target <= 1.5) | "
                  f"peak RSS fast {r['fast']['rss_mib']:.0f} MiB, walk "
                  f"{r['walk']['rss_mib']:.0f} MiB", flush=True)
            if not args.keep:
                path.unlink()
        if len(sizes) >= 2:
            lo, hi = results[min(sizes)], results[max(sizes)]
            print(f"fast path {max(sizes)} GiB / {min(sizes)} GiB: "
                  f"{hi['fast']['seconds'] / lo['fast']['seconds']:.2f} (target ~1.0); "
                  f"peak RSS ratio {hi['walk']['rss_mib'] / lo['walk']['rss_mib']:.2f} (walk)")
        many = capture_many_vcpus(tmpdir, args.vcpus)
        if many is not None:
            r = measure(many, args.repeat)
            print(f"{r['fast']['vcpus']} vCPUs (real QEMU stream, {r['size'] / 2**20:.1f} MiB): "
                  f"fast path {r['fast']['seconds'] * 1e3:.1f} ms, walk "
                  f"{r['walk']['seconds'] * 1e3:.1f} ms, read once {r['read'] * 1e3:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

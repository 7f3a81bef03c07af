#!/usr/bin/env python3
"""Capture real QEMU ARM64 migration streams and record what real QEMU does loading them.

For every pair of tools/matrix/tables.py (PAIRS: class, source QEMU + configuration,
destination QEMU + configuration) it saves the source's stream from a paused VM (or a running
Linux guest), starts the destination with -incoming defer, loads the stream and records the
verdict (accepted/rejected) and every line QEMU printed. QEMU 7.2 is the host's binary; 10.0
and 11.1 run in Debian trixie and sid chroots under the work directory (a missing chroot just
skips that QEMU). Stdlib only; chroots need root.

Results: OUT/streams/<tag>-<config>.mig, OUT/streams.json (per-stream provenance),
OUT/verdicts.json (all pairs), OUT/README.md. Existing streams are reused unless --force.
--export DIR writes the committed fixture layout (NAME.mig.xz, split verdicts, README) of OUT.

Examples:
    tools/capture_matrix.py --work /srv/matrix                 # everything (as root)
    tools/capture_matrix.py --work /srv/matrix --only smp,gic  # rerun two classes
    tools/capture_matrix.py --work /tmp/w --qemus 7.2 --configs a57-smp2 --only identity
    tools/capture_matrix.py --out /srv/matrix/out --export tests/data/matrix
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # runnable from a checkout

from tools.matrix import readme, runner
from tools.matrix.tables import CONFIGS, PAIRS, QEMUS, Work


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--work", default=os.environ.get("CPREG_MATRIX_WORK", "."),
                   help="directory with trixie/, sid/, guest/, disk.raw "
                        "(default: $CPREG_MATRIX_WORK or the current directory)")
    p.add_argument("--out", help="results directory (default: WORK/out)")
    p.add_argument("--only", help="comma-separated pair classes to (re)run")
    p.add_argument("--force", action="store_true", help="recapture existing streams")
    p.add_argument("--qemus", help="comma-separated QEMU series to use (default: all found: "
                   + ", ".join(QEMUS) + ")")
    p.add_argument("--configs", help="comma-separated configurations: only pairs whose source "
                   "and destination are both among them")
    p.add_argument("--export", metavar="DIR", help="do not run QEMU: write OUT's committed "
                   "fixture layout into DIR (e.g. tests/data/matrix)")
    p.add_argument("--readme", action="store_true", help="do not run QEMU: rewrite OUT/README.md")
    return p


def _split(text: str | None, known, what: str) -> set[str] | None:
    if not text:
        return None
    items = set(text.split(","))
    unknown = items - set(known)
    if unknown:
        raise SystemExit(f"unknown {what}: {', '.join(sorted(unknown))} "
                         f"(known: {', '.join(known)})")
    return items


def main(args: list[str] | None = None) -> int:
    o = build_parser().parse_args(args)
    work = Work(os.path.abspath(o.work))
    out = os.path.abspath(o.out or os.path.join(work.root, "out"))
    if o.export:
        for path in readme.export_fixtures(out, o.export):
            print(f"wrote {path}")
        return 0
    if o.readme:
        print(f"wrote {readme.write_readme(out)}")
        return 0
    classes = _split(o.only, sorted({p[0] for p in PAIRS}), "class")
    series = _split(o.qemus, list(QEMUS), "QEMU series")
    configs = _split(o.configs, list(CONFIGS), "configuration")
    todo = [p for p in PAIRS if (classes is None or p[0] in classes)
            and (configs is None or (p[2] in configs and p[4] in configs))]
    have = [q for q in QEMUS if work.available(q) and (series is None or q in series)]
    if not have:
        raise SystemExit("no QEMU available: install qemu-system-arm or build the chroots")
    os.makedirs(f"{out}/streams", exist_ok=True)
    if not os.path.exists(work.disk) and any("blk" in CONFIGS[c]["devs"]
                                             for p in todo for c in (p[2], p[4])):
        with open(work.disk, "wb") as f:  # the 1 MiB raw disk behind virtio-blk
            f.truncate(1 << 20)
    mounts = [m for q in have for m in runner.prepare(work, work.chroot(q), out)]
    try:
        versions = {q: runner.version(work, q) for q in have}
        runner.run_pairs(work, out, versions, todo, o.force)
    finally:
        for m in reversed(mounts):
            subprocess.run(["umount", m])
    print(f"wrote {readme.write_readme(out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

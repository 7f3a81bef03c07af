"""Benchmark: whole-process ``cpreg-explorer show --json`` on a 1 GiB stream, as a ratio.

    python bench/bench_cli_start.py [--gib 1] [--dir /tmp] [--repeat 7]

Builds a stream in QEMU's format with 1 GiB of non-zero RAM (bench/make_streams.py) and times,
in this run on this machine, each as a fresh process with the file in the page cache:
- baseline: a Python process that merely reads the file once (1 MiB reads),
- ``cpreg-explorer show --json FILE`` (the installed script, else ``python -m app``),
- for scale: a Python process that does nothing, and one that only imports construct (the
  stream parser cannot start before it).
Reports baseline / show (target: >= 2, i.e. the command finishes in half the time a bare read
of the file takes) and what ``show`` imported (no exporter, capture or Qt module belongs there).
Each figure is the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from make_streams import write_stream  # noqa: E402

TEMPLATE = ROOT / "tests" / "data" / "q72-cortex-a57-smp2.mig"
READ_ONCE = ("import sys\nwith open(sys.argv[1], 'rb', buffering=0) as f:\n"
             "    while f.read(1 << 20):\n        pass\n")
IMPORTED = ("import contextlib, io, sys\nfrom app.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    main(['show', '--json', sys.argv[1]])\n"
            "print(len([m for m in sys.modules if m.startswith('app')]), "
            "len(sys.modules), sorted(m for m in sys.modules if m.startswith("
            "('app.model.exporters', 'app.model.sources.capture', 'app.ui', 'PySide6'))))")


def show_command() -> list[str]:
    script = Path(sys.executable).with_name("cpreg-explorer")
    if script.exists():
        return [str(script)]
    found = shutil.which("cpreg-explorer")
    return [found] if found else [sys.executable, "-m", "app"]


def best_process(argv: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gib", type=int, default=1, help="guest RAM in the stream (default 1)")
    ap.add_argument("--dir", default=None, help="where to build the stream (default: temp)")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path = Path(tmp) / f"ram{args.gib}g.mig"
        print(f"building {path.name} ({args.gib} GiB of non-zero RAM)...", flush=True)
        write_stream(TEMPLATE, path, args.gib << 30)
        size = path.stat().st_size
        show = [*show_command(), "show", "--json", str(path)]
        best_process([sys.executable, "-c", READ_ONCE, str(path)], 1)  # warm the page cache
        read = best_process([sys.executable, "-c", READ_ONCE, str(path)], args.repeat)
        shown = best_process(show, args.repeat)
        empty = best_process([sys.executable, "-c", "pass"], args.repeat)
        construct = best_process([sys.executable, "-c", "import construct"], args.repeat)
        probe = subprocess.run([sys.executable, "-c", IMPORTED, str(path)], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    print(f"file {size / 2**30:.2f} GiB; command: {' '.join(show[:-1])} FILE")
    print(f"  python reading the file once: {read * 1e3:7.1f} ms (baseline)")
    print(f"  show --json, whole process:   {shown * 1e3:7.1f} ms")
    print(f"  python doing nothing:         {empty * 1e3:7.1f} ms (for scale)")
    print(f"  python importing construct:   {construct * 1e3:7.1f} ms (the binary parser's "
          "floor)")
    print(f"  ratio baseline / show = {read / shown:.2f} (target >= 2.0)")
    print(f"  modules after show (app, all, unneeded): {probe}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

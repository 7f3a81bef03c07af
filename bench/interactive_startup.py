"""GUI start-up to a painted diff, for bench_interactive.py, against importing Qt alone.

``python -m app --demo`` with QT_QPA_PLATFORM=offscreen and CPREG_SCREENSHOT quits once the
demo pair's diff is painted and saved; its wall time (best of N) is compared with
``python -c "import PySide6.QtWidgets"`` run the same way. One more run under
``-X importtime`` lists the packages that cost most to import and tells whether pyqtgraph is
imported at start-up, and by which module when it is. Every run gets empty config, state and
cache directories, so no recent files, saved layout or autosaved session take part.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY_MS = 10.0  # a package whose own import time passes this is listed


def _env(tmp: Path) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CPREG_SCREENSHOT=str(tmp / "x.png"))
    for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        env[var] = str(tmp / var.lower())
    return env


def _run(argv: list[str], env: dict) -> tuple[float, str]:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, *argv], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    took = time.perf_counter() - t
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {out.returncode}: {out.stderr[-800:]}")
    return took, out.stderr


def parse_importtime(text: str) -> list[tuple[int, int, int, str]]:
    """(depth, self us, cumulative us, module) per ``-X importtime`` line, in its order."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        self_us, cum_us, name = line[len("import time:"):].split("|", 2)
        stripped = name.lstrip()
        rows.append(((len(name) - len(stripped) - 1) // 2, int(self_us), int(cum_us),
                     stripped))
    return rows


def importer_of(rows, index: int) -> str:
    """The module whose import pulled in ``rows[index]``: the next line one level up."""
    depth = rows[index][0]
    for d, _s, _c, name in rows[index + 1:]:
        if d < depth:
            return name
    return "(top level)"


def report_startup(repeat: int) -> None:
    from app.ui.screenshot import SETTLE_MS

    with tempfile.TemporaryDirectory() as tmp:
        env = _env(Path(tmp))
        qt = min(_run(["-c", "import PySide6.QtWidgets"], env)[0] for _ in range(repeat))
        demo = min(_run(["-m", "app", "--demo"], env)[0] for _ in range(repeat))
        if not (Path(tmp) / "x.png").stat().st_size:
            raise RuntimeError("the demo run painted nothing")
        _took, stderr = _run(["-X", "importtime", "-m", "app", "--demo"], env)
    rows = parse_importtime(stderr)
    print(f"GUI start-up to a painted diff of the demo pair: {demo * 1e3:.0f} ms, of which "
          f"{SETTLE_MS} ms is the screenshot's fixed settle delay; import PySide6.QtWidgets "
          f"alone: {qt * 1e3:.0f} ms; ratio {demo / qt:.2f} "
          f"(without the settle delay {(demo - SETTLE_MS / 1e3) / qt:.2f})")
    per_package: dict[str, int] = defaultdict(int)
    for _d, self_us, _c, name in rows:
        per_package[name.split(".")[0]] += self_us
    heavy = sorted(((us, pkg) for pkg, us in per_package.items() if us >= HEAVY_MS * 1e3),
                   reverse=True)
    total = sum(c for d, _s, c, _n in rows if d == 0)
    print(f"  imports at start-up: {total / 1e3:.0f} ms in {len(rows)} modules; heavy "
          "packages (own import time): "
          + ", ".join(f"{pkg} {us / 1e3:.0f} ms" for us, pkg in heavy))
    slow = sorted(rows, key=lambda r: r[1], reverse=True)[:5]
    print("  slowest modules (own import time): "
          + ", ".join(f"{name} {us / 1e3:.0f} ms" for _d, us, _c, name in slow))
    for package in ("numpy", "pyqtgraph"):
        found = [i for i, r in enumerate(rows) if r[3].split(".")[0] == package]
        if not found:
            print(f"  {package} is not imported at start-up"
                  + (" (target met)" if package == "pyqtgraph" else ""))
            continue
        top = max(found, key=lambda i: rows[i][2])
        print(f"  {package} IS imported at start-up"
              + (" (target: not)" if package == "pyqtgraph" else "")
              + f": by {importer_of(rows, top)}, {rows[top][2] / 1e3:.0f} ms")
